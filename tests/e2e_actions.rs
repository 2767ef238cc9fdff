//! Issue 16's end-to-end on the real binaries: the console in tmux and `hypervisor-tui
//! actiond` as its own process (a real PAM stack through pam_wrapper), both talking to a
//! real libvirtd whose QEMU guest they see alike, and the audit records in a real journald
//! (a systemd container), read back with journalctl. F4 → `a` → force off → wrong password
//! refused and audited → right password → typed name → reason → the domain is shut off
//! (virsh agrees) and the record carries operator, target, reason and result.
#![cfg(feature = "libvirt")]

mod support;

use hypervisor_tui::actiond::audit;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::actiond::{PamFixture, journal_records, pam_env, pam_wrapper_libs};
use support::libvirtd::{self, Libvirtd};
use support::require::require;
use support::systemd::SystemdContainer;
use support::tmux::{BIN, Tmux};

/// actiond, killed when the test ends.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `virsh domstate NAME` against the daemon, trimmed.
fn domstate(d: &Libvirtd, name: &str) -> String {
    d.virsh(&["domstate", name]).trim().to_string()
}

/// F4's `a` on the selected guest, then force off (the fourth verb), the typed name and
/// the reason; then the operator and the password.
fn force_off(p: &Tmux, name: &str, reason: &str, user: &str, password: &str) {
    p.keys(&["a"]);
    p.wait_for("the verbs", "guest.force-off  (type the name)");
    p.keys(&["Down", "Down", "Down", "Enter"]);
    p.wait_for("the name prompt", &format!("type {name} to confirm"));
    p.tmux(&["send-keys", "-l", name]);
    p.keys(&["Enter"]);
    p.wait_for("the reason prompt", "reason (recorded)");
    p.tmux(&["send-keys", "-l", reason]);
    p.keys(&["Enter"]);
    p.wait_for("the login", "operator:");
    p.tmux(&["send-keys", "-l", user]);
    p.keys(&["Enter"]);
    p.wait_for("the password prompt", "(not shown)");
    p.tmux(&["send-keys", "-l", password]);
    let s = p.screen();
    assert!(!s.contains(password), "the password is on screen:\n{s}");
    p.keys(&["Enter"]);
}

#[test]
fn tmux_force_off_through_actiond_with_real_pam_libvirtd_and_journald() {
    let libs = pam_wrapper_libs();
    if !require(libs.is_some(), "pam_wrapper is not installed (apt install libpam-wrapper)") {
        return;
    }
    if !require(libvirtd::available(), libvirtd::NEEDS) {
        return;
    }
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let (lib, matrix) = libs.unwrap();
    let d = Libvirtd::start();
    d.define("vm1", true);
    assert_eq!(domstate(&d, "vm1"), "running");

    let fx = PamFixture::new(&matrix);
    let dir = fx.dir.path();
    let sock = dir.join("actiond.sock");
    // One config for both: the console reads the daemon read-only through the URI that
    // actiond, the only writer, opens read-write.
    let config = dir.join("config.toml");
    let body = format!(
        "[actions]\nenabled = true\nsocket = {:?}\n[libvirt]\nuris = [{:?}]\n[kubernetes]\nenabled = false\n",
        sock.display().to_string(),
        d.rw_uri()
    );
    std::fs::write(&config, body).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("--config").arg(&config).arg("actiond").arg("--listen").arg(&sock);
    cmd.arg("--group-file").arg(fx.group_file()).arg("--passwd-file").arg(fx.passwd_file());
    cmd.arg("--journal-socket").arg(c.root().join("run/systemd/journal/socket"));
    let _actiond = Daemon(cmd.envs(pam_env(&lib, &fx.service_dir())).stdout(Stdio::null()).spawn().unwrap());
    let start = Instant::now();
    while !sock.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "actiond did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }

    // The console is not an SSH session, whatever ran the tests.
    let console = format!(
        "env -u SSH_CONNECTION -u SSH_CLIENT -u SSH_TTY -u LD_PRELOAD TERM=linux LANG=C.UTF-8 \
         {BIN} --config {}; sleep 60",
        config.display()
    );
    let p = Tmux::start("e2e-actions", 100, 30, &console);
    p.wait_for("the console", "[RO]");
    // The Linux console's F4 is ESC [ [ D.
    p.send_hex(&["1b", "5b", "5b", "44"]);
    p.wait_for("F4 lists the daemon's guest", "vm1");

    force_off(&p, "vm1", "hung at boot", "alice", "wrong");
    p.wait_for("the refusal", "guest.force-off vm1: wrong user or password");
    assert!(p.screen().contains("[RO]"));
    assert_eq!(domstate(&d, "vm1"), "running", "refused, yet the domain changed");
    let auth = journal_records(&c, audit::MSG_AUTH, 1);
    assert!(
        auth.iter().any(|r| r["HVTUI_OPERATOR"] == "alice" && r["HVTUI_RESULT"] == "failed"),
        "the wrong password was not audited: {auth:#?}"
    );

    force_off(&p, "vm1", "hung at boot", "alice", "alice-secret");
    p.wait_for("the result", "guest.force-off vm1: done");
    assert!(p.screen().contains("[ADMIN alice "), "{}", p.screen());
    assert_eq!(domstate(&d, "vm1"), "shut off", "virsh does not see the domain shut off");
    // The console sees it too.
    p.wait_for("F4 shows the new state", "shut off");

    let auth = journal_records(&c, audit::MSG_AUTH, 2);
    assert!(auth.iter().any(|r| r["HVTUI_OPERATOR"] == "alice" && r["HVTUI_RESULT"] == "ok"), "{auth:#?}");
    let acts = journal_records(&c, audit::MSG_ACTION, 1);
    assert_eq!(acts.len(), 1, "one record per attempt: {acts:#?}");
    let r = &acts[0];
    let target = format!("vm1@{}", d.rw_uri());
    let fields = ["HVTUI_ACTION", "HVTUI_OPERATOR", "HVTUI_TARGET_KIND", "HVTUI_TARGET", "HVTUI_REASON"];
    let got: Vec<&str> = fields.iter().map(|f| r[*f].as_str().unwrap_or("?")).collect();
    assert_eq!(got, ["guest.force-off", "alice", "libvirt-domain", &target, "hung at boot"], "{r:#?}");
    assert_eq!(r["HVTUI_RESULT"], "ok", "{r:#?}");
    assert!(r["HVTUI_CHANNEL"].as_str().is_some_and(|ch| ch.starts_with("pts-")), "{r:#?}");
    assert!(r["HVTUI_DURATION_MS"].as_str().is_some_and(|ms| ms.parse::<u64>().is_ok()), "{r:#?}");

    // Quitting ends the grace window (and the console).
    p.keys(&["q"]);
    let start = Instant::now();
    while !p.console_pid().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "the console did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
}
