//! Where actiond's socket comes from (systemd socket activation, or `--listen PATH`), and
//! who is on the other end of a connection (SO_PEERCRED).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// systemd passes sockets from fd 3 on.
const SD_LISTEN_FDS_START: i32 = 3;

/// The socket systemd passed (`LISTEN_PID` is us and `LISTEN_FDS` ≥ 1), if any. The
/// variables are removed so a child never takes the socket for its own.
pub fn from_systemd() -> io::Result<Option<UnixListener>> {
    let pid_ok =
        std::env::var("LISTEN_PID").ok().and_then(|p| p.parse::<u32>().ok()) == Some(std::process::id());
    let fds = std::env::var("LISTEN_FDS").ok().and_then(|n| n.parse::<i32>().ok()).unwrap_or(0);
    // SAFETY: single-threaded at this point (called before the accept loop starts).
    unsafe {
        std::env::remove_var("LISTEN_PID");
        std::env::remove_var("LISTEN_FDS");
        std::env::remove_var("LISTEN_FDNAMES");
    }
    if !pid_ok || fds < 1 {
        return Ok(None);
    }
    let fd = SD_LISTEN_FDS_START;
    // SAFETY: systemd handed us fd 3 as a listening socket; we take ownership once.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } != 0 || st.st_mode & libc::S_IFMT != libc::S_IFSOCK {
        return Err(io::Error::other("LISTEN_FDS is set but fd 3 is not a socket"));
    }
    // SAFETY: as above.
    unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    Ok(Some(unsafe { UnixListener::from_raw_fd(fd) }))
}

/// Binds `path` (replacing a stale socket there), readable and writable by its owner only:
/// tests and hand runs; in production systemd's socket unit sets owner and mode.
pub fn bind(path: &Path) -> io::Result<UnixListener> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| {
        use std::os::unix::fs::FileTypeExt;
        m.file_type().is_socket()
    }) {
        std::fs::remove_file(path)?;
    }
    let l = UnixListener::bind(path)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(l)
}

/// The peer's uid and pid, as the kernel recorded them at connect time.
pub fn peer(stream: &UnixStream) -> io::Result<(u32, i32)> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: cred and len are valid for writing; the fd is a connected unix socket.
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((cred.uid, cred.pid))
}

/// Whether the peer process runs in an SSH session (sshd's variables in its environment).
/// SSH sessions stay read-only; a process whose environment cannot be read counts as SSH.
pub fn over_ssh(pid: i32) -> bool {
    let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else { return true };
    env.split(|&b| b == 0).any(|var| {
        var.starts_with(b"SSH_CONNECTION=") || var.starts_with(b"SSH_CLIENT=") || var.starts_with(b"SSH_TTY=")
    })
}
