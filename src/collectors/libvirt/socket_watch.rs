//! Reconnect as soon as libvirtd's socket (re)appears: inotify on the socket's directory
//! wakes the worker's wait between two connection attempts, which the backoff otherwise ends.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The unix socket a URI connects to, when it is a local one: `?socket=PATH`, or the
/// read-only socket of `qemu:///system` (and `xen:///system`, `lxc:///system`, …). Remote
/// URIs and session daemons: `None` (they are retried on the backoff alone).
pub fn socket_path(uri: &str) -> Option<PathBuf> {
    let (base, query) = uri.split_once('?').unwrap_or((uri, ""));
    if let Some(p) = query.split('&').find_map(|kv| kv.strip_prefix("socket=")) {
        return Some(PathBuf::from(p));
    }
    let (scheme, rest) = base.split_once("://")?;
    let local = !scheme.contains('+') || scheme.ends_with("+unix");
    (local && rest.trim_end_matches('/') == "/system").then(|| PathBuf::from("/run/libvirt/libvirt-sock-ro"))
}

/// An inotify watch on one directory, for sockets created, moved in or re-permissioned.
pub struct DirWatch {
    fd: OwnedFd,
}

impl DirWatch {
    /// `None` when the directory does not exist (yet) or inotify is unavailable.
    pub fn new(dir: &Path) -> Option<DirWatch> {
        let path = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).ok()?;
        // SAFETY: plain syscall; a non-negative result is a descriptor we now own.
        let raw = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if raw < 0 {
            return None;
        }
        // SAFETY: `raw` was just returned by inotify_init1 and is owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let mask = libc::IN_CREATE | libc::IN_MOVED_TO | libc::IN_ATTRIB;
        // SAFETY: valid descriptor and NUL-terminated path.
        let wd = unsafe { libc::inotify_add_watch(fd.as_raw_fd(), path.as_ptr(), mask) };
        (wd >= 0).then_some(DirWatch { fd })
    }

    /// Forgets what happened so far (what the next attempt sees anyway).
    pub fn drain(&self) {
        let mut buf = [0u8; 4096];
        // SAFETY: reading into a buffer we own; non-blocking descriptor.
        while unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
    }

    /// Sleeps until something appears in the directory or `timeout` passes; whether it woke
    /// for a change.
    pub fn wait(&self, timeout: Duration) -> bool {
        let mut pfd = libc::pollfd { fd: self.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        n > 0
    }
}

/// Keeps a watch on the directory of `uri`'s socket (or, while that directory does not exist,
/// on its nearest existing parent), made again after each wait.
pub struct Waiter {
    socket: Option<PathBuf>,
    watch: Option<(PathBuf, DirWatch)>,
}

/// While the socket does not exist and its directory is watched, the wait before the next
/// attempt: its creation ends the wait at once, so this only bounds a missed event.
pub const ABSENT_WAIT: Duration = Duration::from_secs(60);

impl Waiter {
    pub fn new(uri: &str) -> Waiter {
        Waiter { socket: socket_path(uri), watch: None }
    }

    /// Call before a connection attempt: events before it are what the attempt sees.
    pub fn arm(&mut self) {
        let Some(socket) = &self.socket else { return };
        let target = socket.ancestors().skip(1).find(|d| d.is_dir()).map(Path::to_path_buf);
        if self.watch.as_ref().map(|(d, _)| d) != target.as_ref() {
            self.watch = target.and_then(|d| DirWatch::new(&d).map(|w| (d, w)));
        }
        if let Some((_, w)) = &self.watch {
            w.drain();
        }
    }

    /// How long to wait before the next attempt: `backoff` while the socket exists (a frozen
    /// or refusing daemon gives no event when it recovers), `ABSENT_WAIT` while it is absent
    /// and its creation would be seen.
    pub fn delay(&self, backoff: Duration) -> Duration {
        match (&self.socket, &self.watch) {
            (Some(s), Some(_)) if !s.exists() => ABSENT_WAIT,
            _ => backoff,
        }
    }

    /// Sleeps `delay`, or less when something is created in the watched directory (then a
    /// moment more, so the daemon listens before we connect).
    pub fn wait(&mut self, delay: Duration) {
        match &self.watch {
            Some((_, w)) if w.wait(delay) => std::thread::sleep(Duration::from_millis(100)),
            Some(_) => {}
            None => std::thread::sleep(delay),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_of_local_uris() {
        let p = |u: &str| socket_path(u).map(|p| p.display().to_string());
        assert_eq!(p("qemu:///system").as_deref(), Some("/run/libvirt/libvirt-sock-ro"));
        assert_eq!(p("qemu+unix:///system?socket=/tmp/x/sock").as_deref(), Some("/tmp/x/sock"));
        assert_eq!(p("qemu+unix:///system?mode=legacy&socket=/s").as_deref(), Some("/s"));
        assert_eq!(p("qemu+ssh://root@host/system"), None);
        assert_eq!(p("qemu:///session"), None);
        assert_eq!(p("test:///default"), None);
    }

    #[test]
    fn wakes_when_a_file_appears() {
        let dir = tempfile::tempdir().unwrap();
        let w = DirWatch::new(dir.path()).unwrap();
        assert!(!w.wait(Duration::from_millis(10)), "nothing happened yet");
        let path = dir.path().join("sock");
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            std::fs::write(path, "").unwrap();
        });
        assert!(w.wait(Duration::from_secs(30)), "woken by the new file, not the timeout");
        t.join().unwrap();
        w.drain();
        assert!(!w.wait(Duration::from_millis(10)), "drained");
        assert!(DirWatch::new(&dir.path().join("absent")).is_none());
    }

    #[test]
    fn an_absent_socket_is_awaited_through_its_nearest_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("libvirt");
        let sock = dir.join("libvirt-sock-ro");
        let mut w = Waiter::new(&format!("qemu+unix:///system?socket={}", sock.display()));
        w.arm();
        let backoff = Duration::from_secs(2);
        assert_eq!(w.delay(backoff), ABSENT_WAIT, "the parent of the missing directory is watched");
        let d = dir.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            std::fs::create_dir(d).unwrap();
        });
        let start = std::time::Instant::now();
        w.wait(ABSENT_WAIT);
        assert!(start.elapsed() < Duration::from_secs(30), "the directory's creation ended the wait");
        t.join().unwrap();
        w.arm();
        assert_eq!(w.delay(backoff), ABSENT_WAIT, "now the directory itself is watched");
        std::fs::write(&sock, "").unwrap();
        assert_eq!(w.delay(backoff), backoff, "a socket that exists is retried on the backoff");
        let mut remote = Waiter::new("qemu+ssh://root@host/system");
        remote.arm();
        assert_eq!(remote.delay(backoff), backoff);
    }
}
