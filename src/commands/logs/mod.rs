//! `logs`: journal lines as F1 filters them, text or journalctl-compatible JSON, read by
//! the project's own journal reader (`collectors::journal::format`).
//!
//! Bounded for SSH forced-command users: files are mapped in place (nothing is copied,
//! nothing written to /tmp), the same file named twice is read once, at most
//! [`MAX_FILES`] `--file` arguments; without `-n` entries are printed as they are read
//! (the mapped pages are dropped from the resident set as the walk moves on); `-f` sleeps
//! on inotify and stops when stdout goes away (see [`follow`]).

mod follow;
mod output;
mod plan;

pub use output::short_line;
pub use plan::MAX_FILES;

use crate::cli::LogsArgs;
use crate::collectors::journal::format::{Direction, EntryRef, Journal, Location, Matches};
use crate::config::Config;
use output::Printer;
use plan::{Plan, Source};

/// Above this many lines, `-n` does not hold the entries: it finds where the newest N
/// start walking back, then prints walking forward from there.
const HELD_LINES: usize = 65_536;

/// The mapped pages are dropped from the resident set every this many entries.
pub(crate) const RELEASE_EVERY: usize = 512;

pub fn run(args: &LogsArgs, config: &Config) -> u8 {
    let plan = match Plan::new(args, config) {
        Ok(p) => p,
        Err(why) => {
            eprintln!("hypervisor-tui logs: {why}");
            return 2;
        }
    };
    let journal = plan.source.open();
    for (path, why) in &journal.refused {
        eprintln!("hypervisor-tui logs: {}: {why} (skipped)", path.display());
    }
    if journal.files().is_empty() && !journal.refused.is_empty() {
        return 1;
    }
    let plan = plan.resolve(&journal);
    let mut out = Printer::new(plan.json);
    let n = args.lines.or(args.follow.then_some(10));
    let printed = match n {
        Some(n) => tail(&journal, &plan, n, &mut out),
        None => stream(&journal, &plan, &mut out),
    };
    if printed.is_err() {
        return 0; // the reader went away (pipe closed)
    }
    if args.follow {
        let start = newest_location(&journal);
        drop(journal);
        return follow::run(&plan, start, &mut out);
    }
    0
}

/// Where the journal ends now (whatever the filters): `-f` prints what comes after.
fn newest_location(j: &Journal) -> Option<Location> {
    j.walk(&Matches::default(), None, Direction::Backward).next().map(|e| e.location())
}

/// Every entry passing `plan`, oldest first, printed as read.
fn stream(j: &Journal, plan: &Plan, out: &mut Printer) -> std::io::Result<()> {
    let walk = j.walk(&plan.matches, plan.search.as_ref(), Direction::Forward);
    print_all(j, plan, walk, out)
}

/// Prints the entries of `walk` that `plan` admits, releasing mapped pages as it goes.
fn print_all<'a>(
    j: &'a Journal,
    plan: &Plan,
    walk: impl Iterator<Item = EntryRef<'a>>,
    out: &mut Printer,
) -> std::io::Result<()> {
    for (i, e) in walk.filter(|e| plan.admits(e)).enumerate() {
        out.entry(&e)?;
        released_every(j, i + 1);
    }
    out.flush()
}

/// Drops the mapped pages after every [`RELEASE_EVERY`]-th entry: each page fault maps
/// its neighbours too (the kernel's fault-around), so entries spread over a large file
/// would otherwise keep ~64 KiB resident each.
pub(crate) fn released_every(j: &Journal, count: usize) {
    if count.is_multiple_of(RELEASE_EVERY) {
        release(j);
    }
}

fn release(j: &Journal) {
    j.files().iter().for_each(|f| f.release_pages());
}

/// The newest `n` entries passing `plan`, oldest first.
fn tail(j: &Journal, plan: &Plan, n: usize, out: &mut Printer) -> std::io::Result<()> {
    let mut back =
        j.walk(&plan.matches, plan.search.as_ref(), Direction::Backward).filter(|e| plan.admits(e));
    if n <= HELD_LINES {
        let mut v: Vec<EntryRef> = Vec::new();
        while v.len() < n {
            let Some(e) = back.next() else { break };
            v.push(e);
            released_every(j, v.len());
        }
        v.reverse();
        return print_all(j, plan, v.into_iter(), out);
    }
    // Too many to hold: the (n+1)-th newest marks where to start.
    let mut before = None;
    for (i, e) in back.by_ref().enumerate().take(n + 1) {
        before = (i == n).then(|| e.location());
        released_every(j, i + 1);
    }
    drop(back);
    release(j);
    match before {
        Some(loc) => print_all(j, plan, j.after(&loc, &plan.matches, plan.search.as_ref()), out),
        None => stream(j, plan, out),
    }
}

/// Where the entries come from, opened.
impl Source {
    pub fn open(&self) -> Journal {
        match self {
            Source::Dirs(d) => Journal::open_dirs(d),
            Source::Files(f) => Journal::open_files(f),
        }
    }
}
