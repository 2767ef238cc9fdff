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
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Changes to wait for in a watched directory: files written, created, renamed in.
const DIR_EVENTS: u32 = libc::IN_MODIFY | libc::IN_CREATE | libc::IN_MOVED_TO | libc::IN_CLOSE_WRITE;

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
        match wait(&ino) {
            Wake::Gone => return 0,
            Wake::Changed { new_dir } => {
                std::thread::sleep(SETTLE);
                if ino.drain() || new_dir {
                    ino.watch_all(&dirs(&plan.source));
                }
                if print_new(plan, &mut last, out).is_err() {
                    return 0;
                }
            }
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
        Source::Files(files) => {
            let mut v: Vec<PathBuf> = files
                .iter()
                .map(|f| f.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).into())
                .collect();
            v.sort();
            v.dedup();
            v
        }
        Source::Dirs(dirs) => {
            let mut v = dirs.clone();
            for d in dirs {
                let subs = std::fs::read_dir(d).into_iter().flatten().flatten().map(|e| e.path());
                v.extend(subs.filter(|p| p.is_dir()));
            }
            v
        }
    }
}

enum Wake {
    /// stdout was closed (or errs): nobody reads any more.
    Gone,
    /// Something was written; `new_dir` when a directory appeared (to watch it too).
    Changed { new_dir: bool },
}

fn wait(ino: &Inotify) -> Wake {
    let mut fds = [
        libc::pollfd { fd: ino.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 },
        // No events asked: POLLHUP and POLLERR are always reported.
        libc::pollfd { fd: libc::STDOUT_FILENO, events: 0, revents: 0 },
    ];
    loop {
        // SAFETY: `fds` is a valid array of two pollfd for the duration of the call.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if r < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Wake::Gone;
        }
        if fds[1].revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Wake::Gone;
        }
        if fds[0].revents & libc::POLLIN != 0 {
            return Wake::Changed { new_dir: ino.drain() };
        }
    }
}

/// An inotify descriptor (non-blocking, closed on exec and on drop).
struct Inotify {
    fd: OwnedFd,
}

impl Inotify {
    fn new() -> std::io::Result<Inotify> {
        // SAFETY: plain syscall; the result is checked before use.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by inotify_init1 and is owned by nobody else.
        Ok(Inotify { fd: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    /// Watches each directory (watching one twice is harmless: the kernel keeps one watch).
    fn watch_all(&self, dirs: &[PathBuf]) {
        for d in dirs {
            let Ok(path) = CString::new(d.as_os_str().as_bytes()) else { continue };
            // SAFETY: `path` is a valid NUL-terminated string for the call; failures
            // (a directory that vanished) just leave it unwatched.
            unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), path.as_ptr(), DIR_EVENTS) };
        }
    }

    /// Reads every pending event; true when one was a directory being created.
    fn drain(&self) -> bool {
        let mut new_dir = false;
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: `buf` is writable for its whole length.
            let n = unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return new_dir;
            }
            new_dir |= has_new_dir(&buf[..n as usize]);
        }
    }
}

/// Walks a buffer of `inotify_event`s for IN_CREATE|IN_ISDIR.
fn has_new_dir(mut buf: &[u8]) -> bool {
    const HEAD: usize = std::mem::size_of::<libc::inotify_event>();
    let mut found = false;
    while buf.len() >= HEAD {
        let mask = u32::from_ne_bytes([buf[4], buf[5], buf[6], buf[7]]);
        let len = u32::from_ne_bytes([buf[12], buf[13], buf[14], buf[15]]) as usize;
        found |= mask & libc::IN_ISDIR != 0 && mask & (libc::IN_CREATE | libc::IN_MOVED_TO) != 0;
        buf = buf.get(HEAD + len..).unwrap_or_default();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(mask: u32, name_len: u32) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&1i32.to_ne_bytes());
        b.extend_from_slice(&mask.to_ne_bytes());
        b.extend_from_slice(&0u32.to_ne_bytes());
        b.extend_from_slice(&name_len.to_ne_bytes());
        b.extend(std::iter::repeat_n(0u8, name_len as usize));
        b
    }

    #[test]
    fn new_directories_are_found_among_events() {
        let mut buf = event(libc::IN_MODIFY, 16);
        assert!(!has_new_dir(&buf));
        buf.extend(event(libc::IN_CREATE, 32));
        assert!(!has_new_dir(&buf), "a new file is not a directory");
        buf.extend(event(libc::IN_CREATE | libc::IN_ISDIR, 16));
        assert!(has_new_dir(&buf));
        assert!(!has_new_dir(&buf[..20]), "a cut event is ignored");
    }
}
