//! `logs -f`: sleeps in `poll` on an inotify descriptor watching the journal's
//! directories and on stdout, so it costs nothing while nothing is written and stops as
//! soon as the reader goes away (a closed pipe or socket shows as POLLERR/POLLHUP on the
//! write end; a write that fails with EPIPE ends it too: Rust ignores SIGPIPE).
//!
//! On each wake the files are opened again (journald appends through its mapping and
//! rotates by renaming, so the mapped sizes and the set of files change) and the entries
//! after the last one seen are printed. A `-g` pattern is tried on each new entry's
//! MESSAGE: a value scan would read the whole journal again for a handful of entries.

use super::Printer;
use super::plan::{Plan, Source};
use crate::collectors::journal::format::{Direction, Location};
use crate::collectors::journal::watch::{self, Inotify, Woken};
use std::path::PathBuf;
use std::time::Duration;

/// Entries written in a burst are read together: after a wake, this long for the rest.
const SETTLE: Duration = Duration::from_millis(20);

pub fn run(plan: &Plan, mut last: Option<Location>, out: &mut Printer) -> u8 {
    let ino = match Inotify::new() {
        Ok(i) => i,
        Err(e) => {
            eprintln!("hypervisor-tui logs: cannot follow (inotify: {e})");
            return 1;
        }
    };
    ino.watch_all(&dirs(&plan.source));
    loop {
        // No events asked on stdout: POLLHUP and POLLERR are always reported.
        match watch::wait(ino.raw(), Some((libc::STDOUT_FILENO, 0)), None) {
            Woken::Changed => {
                std::thread::sleep(SETTLE);
                // Rotation creates files, a new machine-id directory needs its own watch.
                ino.drain();
                ino.watch_all(&dirs(&plan.source));
                if print_new(plan, &mut last, out).is_err() {
                    return 0;
                }
            }
            // stdout was closed (or errs): nobody reads any more.
            Woken::Other | Woken::Timeout => return 0,
        }
    }
}

/// Prints the entries after `last` that `plan` admits, and moves `last` past them.
fn print_new(plan: &Plan, last: &mut Option<Location>, out: &mut Printer) -> std::io::Result<()> {
    let j = plan.source.open();
    let walk: Box<dyn Iterator<Item = _>> = match last {
        Some(loc) => Box::new(j.after(loc, &plan.matches, None)),
        None => Box::new(j.walk(&plan.matches, None, Direction::Forward)),
    };
    for (i, e) in walk.enumerate() {
        *last = Some(e.location());
        if plan.admits(&e) && plan.message_matches(&e) {
            out.entry(&e)?;
        }
        super::released_every(&j, i + 1);
    }
    super::release(&j);
    out.flush()
}

/// The directories to watch: the journal directories and their machine-id
/// subdirectories, or the directories holding the `--file`s.
fn dirs(source: &Source) -> Vec<PathBuf> {
    match source {
        Source::Files(files) => watch::parents(files),
        Source::Dirs(dirs) => watch::watch_dirs(dirs),
    }
}
