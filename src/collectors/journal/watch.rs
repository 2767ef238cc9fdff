//! Waiting for the journal to change without polling: an inotify descriptor on the
//! journal's directories (journald appends in place, rotates by renaming and creates new
//! files; machine-id subdirectories appear), plus an eventfd another thread rings to wake
//! the waiter (F1's filter changed, the app left). Used by F1's journal thread and by
//! `logs -f`.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Changes to wait for in a watched directory: files written, created, renamed in or
/// out, removed (vacuum); a directory created inside.
const DIR_EVENTS: u32 = libc::IN_MODIFY
    | libc::IN_CREATE
    | libc::IN_MOVED_TO
    | libc::IN_MOVED_FROM
    | libc::IN_DELETE
    | libc::IN_CLOSE_WRITE;

/// An inotify descriptor (non-blocking, closed on exec and on drop).
pub struct Inotify {
    fd: OwnedFd,
}

impl Inotify {
    pub fn new() -> std::io::Result<Inotify> {
        // SAFETY: plain syscall; the result is checked before use.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by inotify_init1 and is owned by nobody else.
        Ok(Inotify { fd: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Watches each directory (watching one twice is harmless: the kernel keeps one watch).
    pub fn watch_all(&self, dirs: &[PathBuf]) {
        for d in dirs {
            let Ok(path) = CString::new(d.as_os_str().as_bytes()) else { continue };
            // SAFETY: `path` is a valid NUL-terminated string for the call; failures
            // (a directory that vanished) just leave it unwatched.
            unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), path.as_ptr(), DIR_EVENTS) };
        }
    }

    /// Reads every pending event; true when one was a directory being created.
    pub fn drain(&self) -> bool {
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

/// The directories to watch for journal directories `dirs`: each one and its
/// machine-id subdirectories; for one that does not exist yet, its nearest existing
/// ancestor (so its creation wakes the waiter).
pub fn watch_dirs(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in dirs {
        if d.is_dir() {
            v.push(d.clone());
            let subs = std::fs::read_dir(d).into_iter().flatten().flatten().map(|e| e.path());
            v.extend(subs.filter(|p| p.is_dir()));
        } else if let Some(a) = d.ancestors().skip(1).find(|a| a.is_dir()) {
            v.push(a.to_path_buf());
        }
    }
    v.sort();
    v.dedup();
    v
}

/// The directories holding `files`.
pub fn parents(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = files
        .iter()
        .map(|f| f.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).into())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// An eventfd: `ring` from any thread wakes whoever polls it.
#[derive(Debug)]
pub struct Bell {
    fd: OwnedFd,
}

impl Bell {
    pub fn new() -> std::io::Result<Bell> {
        // SAFETY: plain syscall; the result is checked before use.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by eventfd and is owned by nobody else.
        Ok(Bell { fd: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    pub fn ring(&self) {
        let one = 1u64.to_ne_bytes();
        // SAFETY: writes 8 bytes from a valid buffer; a full counter just stays rung.
        unsafe { libc::write(self.fd.as_raw_fd(), one.as_ptr().cast(), one.len()) };
    }

    /// Clears the bell.
    pub fn clear(&self) {
        let mut buf = [0u8; 8];
        // SAFETY: reads at most 8 bytes into a valid buffer; non-blocking.
        unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
    }

    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// What ended a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woken {
    /// The inotify descriptor has events (not yet drained).
    Changed,
    /// The other descriptor is readable (a bell) or hung up (stdout closed).
    Other,
    /// The timeout passed.
    Timeout,
}

/// Sleeps until `ino` has events or `other` wakes (readable, hung up or in error), or
/// `timeout` passes (`None`: no timeout).
pub fn wait(ino: RawFd, other: Option<(RawFd, libc::c_short)>, timeout: Option<Duration>) -> Woken {
    let mut fds = vec![libc::pollfd { fd: ino, events: libc::POLLIN, revents: 0 }];
    if let Some((fd, events)) = other {
        fds.push(libc::pollfd { fd, events, revents: 0 });
    }
    let ms = timeout.map_or(-1, |t| t.as_millis().min(i32::MAX as u128) as i32);
    loop {
        // SAFETY: `fds` is a valid array of pollfd for the duration of the call.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if r < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Woken::Other;
        }
        if r == 0 {
            return Woken::Timeout;
        }
        if fds.get(1).is_some_and(|f| f.revents != 0) {
            return Woken::Other;
        }
        if fds[0].revents != 0 {
            return Woken::Changed;
        }
    }
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

    #[test]
    fn a_missing_directory_is_watched_through_its_nearest_ancestor() {
        let t = tempfile::tempdir().unwrap();
        let want = t.path().join("a/b/journal");
        assert_eq!(watch_dirs(std::slice::from_ref(&want)), vec![t.path().to_path_buf()]);
        std::fs::create_dir_all(want.join("0123")).unwrap();
        assert_eq!(watch_dirs(std::slice::from_ref(&want)), vec![want.clone(), want.join("0123")]);
    }

    #[test]
    fn a_bell_wakes_a_waiter_and_creation_wakes_the_watcher() {
        let t = tempfile::tempdir().unwrap();
        let ino = Inotify::new().unwrap();
        ino.watch_all(&[t.path().to_path_buf()]);
        let bell = Bell::new().unwrap();
        let short = Some(Duration::from_millis(50));
        assert_eq!(wait(ino.raw(), Some((bell.raw(), libc::POLLIN)), short), Woken::Timeout);
        bell.ring();
        assert_eq!(wait(ino.raw(), Some((bell.raw(), libc::POLLIN)), short), Woken::Other);
        bell.clear();
        std::fs::create_dir(t.path().join("sub")).unwrap();
        assert_eq!(wait(ino.raw(), Some((bell.raw(), libc::POLLIN)), short), Woken::Changed);
        assert!(ino.drain(), "a directory was created");
    }
}
