//! The real binary in tmux on a Linux-console-sized pane: F4 lists the test driver's
//! domains, filters and opens the detail pane, while an unreachable URI is reported and
//! the other screens keep working.
#![cfg(feature = "libvirt")]

#[path = "support/tmux.rs"]
mod tmux;

use tmux::{BIN, Tmux};

#[test]
fn f4_on_the_console_with_one_uri_down() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let node = format!("test://{}/tests/fixtures/libvirt/node.xml", env!("CARGO_MANIFEST_DIR"));
    let body = format!(
        "[libvirt]\nuris = [{node:?}, \"qemu+unix:///system?socket=/nonexistent/e2e-sock\"]\n\
         [kubernetes]\nenabled = false\n"
    );
    std::fs::write(&cfg, body).unwrap();
    let p = Tmux::start(
        "e2e-virt",
        80,
        24,
        &format!("env TERM=linux LANG=C.UTF-8 {BIN} --config {}; sleep 60", cfg.display()),
    );
    p.wait_for("F4", "F4 Machines");
    // The Linux console's F4 is ESC [ [ D.
    p.tmux(&["send-keys", "-H", "1b", "5b", "5b", "44"]);
    let s = p.wait_for("F4", " 28 guests");
    assert!(s.contains("blocked-01") && s.contains("e2e-sock"), "{s}");
    p.keys(&["/", "c", "r", "a", "Enter"]);
    let s = p.wait_for("F4", "4 of 28 guests");
    assert!(!s.contains("blocked-01"), "{s}");
    p.keys(&["d"]);
    let s = p.wait_for("F4", "Detail");
    assert!(s.contains("crashed-01") && s.contains("52:54:00:00:00:15"), "{s}");
    // The other screens still answer.
    p.keys(&["3"]);
    p.wait_for("F4", "Network");
}
