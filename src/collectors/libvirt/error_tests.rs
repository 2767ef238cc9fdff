//! Classification of libvirt's real errors: made by asking libvirt to connect where
//! nothing, a dead socket, or a forbidden socket is.

use super::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use virt::connect::Connect;

/// The error libvirt gives for a read-only open of `socket` (as a qemu+unix URI).
fn open_error(socket: &Path) -> LibvirtError {
    uri_error(&format!("qemu+unix:///system?socket={}", socket.display()))
}

/// The error libvirt gives for a read-only open of `uri`.
fn uri_error(uri: &str) -> LibvirtError {
    crate::collectors::libvirt::silence_default_errors();
    match Connect::open_read_only(Some(uri)) {
        Ok(mut c) => {
            let _ = c.close();
            panic!("{uri} opened");
        }
        Err(e) => e.into(),
    }
}

#[test]
fn a_missing_socket_is_libvirtd_not_running() {
    let e = open_error(Path::new("/nonexistent/sock"));
    assert_eq!(
        e,
        LibvirtError::NotRunning { socket: "/nonexistent/sock".into(), detail: e.detail() },
        "{}",
        e.detail()
    );
    assert_eq!(e.to_string(), "libvirtd not running (no socket at /nonexistent/sock)");
    // The full text stays: libvirt's message and its numbers (system error 38 from rpc 7).
    assert!(e.detail().contains("No such file or directory"), "{}", e.detail());
    assert!(e.detail().contains("(38)") && e.detail().contains("(7)"), "{}", e.detail());
    assert!(e.with_detail().starts_with("libvirtd not running (no socket at /nonexistent/sock): "));
}

#[test]
fn a_socket_nobody_listens_on_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("sock");
    drop(std::os::unix::net::UnixListener::bind(&sock).unwrap());
    let e = open_error(&sock);
    let want = format!("libvirtd not running (nothing listens on {})", sock.display());
    assert!(matches!(&e, LibvirtError::Refused { socket, .. } if Path::new(socket) == sock), "{e:?}");
    assert_eq!(e.to_string(), want);
    assert!(e.detail().contains("Connection refused"), "{}", e.detail());
}

#[test]
fn a_socket_in_a_closed_directory_is_permission_denied() {
    let dir = tempfile::tempdir().unwrap();
    let closed = dir.path().join("closed");
    std::fs::create_dir(&closed).unwrap();
    let sock = closed.join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // Initialise libvirt on this thread first, so the thread below only connects.
    let _ = open_error(Path::new("/nonexistent/sock"));
    let s = sock.clone();
    let e = std::thread::spawn(move || {
        // SAFETY: getuid/setfsuid only change this thread's filesystem identity; the thread
        // ends here. As root the check needs another user: fsuid 65534 loses CAP_DAC_OVERRIDE.
        if unsafe { libc::geteuid() } == 0 {
            unsafe { libc::setfsuid(65534) };
        } else {
            std::fs::set_permissions(s.parent().unwrap(), std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        open_error(&s)
    })
    .join()
    .unwrap();
    let _ = std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700));
    assert!(matches!(&e, LibvirtError::PermissionDenied { path, .. } if Path::new(path) == sock), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("permission denied on {} (add the user to group libvirtd)", sock.display())
    );
    assert!(e.detail().contains("Permission denied"), "{}", e.detail());
}

/// The error libvirt gives when a remote URI's transport is a script (an `ext` command in
/// the place of ssh) that writes `stderr` and exits once libvirt has sent its first bytes
/// (exiting before them gives "Cannot write data: Broken pipe", which carries no stderr).
fn transport_error(stderr: &str) -> LibvirtError {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("transport");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nhead -c 1 >/dev/null\nprintf '%s' '{stderr}' >&2\nexit 255\n"),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    uri_error(&format!("qemu+ext:///system?command={}", script.display()))
}

#[test]
fn a_remote_transport_that_gives_up_says_why_in_its_own_words() {
    // ssh warns about a missing identity file ("No such file or directory": not a missing
    // socket), then says why it gave up.
    let e = transport_error(
        "Warning: Identity file /root/.ssh/id_x not accessible: No such file or directory.\n\
         ssh: Could not resolve hostname hv-99: Name or service not known\n",
    );
    assert!(matches!(e, LibvirtError::Transport { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "transport failed: ssh: Could not resolve hostname hv-99: Name or service not known"
    );
    assert!(e.detail().contains("Identity file"), "the whole text for `check`: {}", e.detail());
    // A transport that ends without a word: the connection is lost, nothing more is known.
    let e = transport_error("");
    assert!(matches!(e, LibvirtError::Lost { .. }), "{e:?}");
}

#[test]
fn other_errors_keep_libvirts_words_and_numbers() {
    let mut c = Connect::open_read_only(Some("test:///default")).unwrap();
    let err = virt::domain::Domain::lookup_by_name(&c, "no-such-guest").unwrap_err();
    let _ = c.close();
    let e = LibvirtError::from(err);
    // VIR_ERR_NO_DOMAIN = 42, VIR_FROM_TEST = 12.
    assert!(matches!(&e, LibvirtError::Other { code: 42, domain: 12, .. }), "{e:?}");
    assert!(e.to_string().starts_with("Domain not found"), "{e}");
    assert!(e.detail().ends_with("[code=42, domain=12]"), "{}", e.detail());
}

#[test]
fn keepalive_auth_and_dropped_connections() {
    let c = |code, domain, msg: &str| classify(code, domain, msg, msg.to_string());
    let e = c(
        ErrorNumber::InternalError,
        ErrorDomain::Rpc,
        "internal error: connection closed due to keepalive timeout",
    );
    assert_eq!(e.to_string(), "libvirtd not answering (4 s)");
    assert!(e.detail().contains("keepalive"));
    let e = c(
        ErrorNumber::AuthUnavailable,
        ErrorDomain::Rpc,
        "authentication unavailable: no polkit agent available to authenticate action 'org.libvirt.unix.manage'",
    );
    assert_eq!(e.to_string(), "access refused by libvirtd (add the user to group libvirtd)");
    let e = c(ErrorNumber::SystemError, ErrorDomain::Rpc, "Cannot recv data: Connection reset by peer");
    assert_eq!(e.to_string(), "connection to libvirtd lost");
    let e = c(ErrorNumber::SystemError, ErrorDomain::Rpc, "something new\nsecond line");
    assert_eq!(e.to_string(), "something new");
    assert_eq!(e.detail(), "something new\nsecond line [code=38, domain=7]");
}

#[test]
fn words_for_the_other_kinds() {
    assert_eq!(
        LibvirtError::NoNodeFile { path: "/x/node.xml".into() }.to_string(),
        "/x/node.xml: no such node file"
    );
    let e = LibvirtError::EventLoop { detail: "no threads".into() };
    assert_eq!(e.with_detail(), "event loop: no threads");
}
