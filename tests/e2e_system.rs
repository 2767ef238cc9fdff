//! F5 end to end: the real binary in tmux on TERM=linux, reading a real systemd's bus and
//! journal (a throw-away container, see support::systemd).

mod support;

use support::systemd::SystemdContainer;
use support::tmux::{BIN, Tmux};

#[test]
fn f5_shows_a_unit_that_fails_and_enter_shows_its_journal() {
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    let journal = c.journal_dir();
    let body = format!(
        "[libvirt]\nuris = []\n[kubernetes]\nenabled = false\n[journal]\ndirectory = {:?}\n",
        journal.display().to_string()
    );
    std::fs::write(&config, body).unwrap();
    let cmd = format!(
        "env TERM=linux LANG=C.UTF-8 HYPERVISOR_TUI_SYSTEM_BUS={} {BIN} --config {}; sleep 60",
        c.bus_path().display(),
        config.display()
    );
    let t = Tmux::start("e2e-f5", 80, 24, &cmd);
    t.wait_for("start", "┌ Logs ");
    // Linux console encoding of F5: ESC [ [ E.
    t.send_hex(&["1b", "5b", "5b", "45"]);
    t.wait_for("F5", "┌ System ");
    t.wait_for("the running services", "systemd-journald.service");
    let screen = t.wait_for("no failed unit yet", "0 failed");
    assert!(!screen.contains("boom.service"), "{screen}");

    c.exec_ok(&["systemd-run", "--unit=boom", "sh", "-c", "echo boom-says-goodbye; exit 3"]);
    // It shows among the running services first (sh runs for a moment): wait for the failure.
    t.wait_for("the failed unit", "failed (exit-code)");
    let screen = t.wait_for("the failed unit's row", "boom.service");
    assert!(screen.contains("failed (exit-code)"), "{screen}");
    assert!(screen.contains("unit boom.service failed"), "the alert:\n{screen}");

    t.keys(&["Enter"]);
    let logs = t.wait_for("F1 on the unit", "boom-says-goodbye");
    assert!(logs.contains("┌ Logs") && logs.contains("units: boom.service"), "{logs}");
    assert!(logs.contains("Failed with result 'exit-code'"), "systemd's lines about it:\n{logs}");
    assert!(!logs.contains("systemd-journald["), "only boom.service's lines:\n{logs}");
}
