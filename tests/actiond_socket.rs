//! The real binary, started on demand by systemd's socket activation tool (LISTEN_FDS on
//! fd 3, as the NixOS module's socket unit does), with a real PAM stack (pam_wrapper) and
//! its records in a real journal.
#![cfg(feature = "libvirt")]

mod support;

use hypervisor_tui::actiond::audit;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::actiond::{Client, PamFixture, journal_records, pam_env, pam_wrapper_libs};
use support::require::require;
use support::systemd::SystemdContainer;

/// Kills the activation tool (and with it actiond) when the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn socket_activated_actiond_authenticates_acts_and_audits() {
    let libs = pam_wrapper_libs();
    if !require(libs.is_some(), "pam_wrapper is not installed (apt install libpam-wrapper)") {
        return;
    }
    let (lib, matrix) = libs.unwrap();
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let fx = PamFixture::new(&matrix);
    let config = fx.dir.path().join("config.toml");
    // The console user's uid comes from the passwd file (hypervisor-tui is uid 0 there).
    std::fs::write(&config, "[actions]\nenabled = true\n[libvirt]\nuris = [\"test:///default\"]\n").unwrap();
    let sock = fx.dir.path().join("actiond.sock");
    let mut cmd = Command::new("systemd-socket-activate");
    cmd.arg("-l").arg(&sock);
    for (k, v) in pam_env(&lib, &fx.service_dir()) {
        cmd.arg("-E").arg(format!("{k}={v}"));
    }
    cmd.arg(env!("CARGO_BIN_EXE_hypervisor-tui")).arg("--config").arg(&config).arg("actiond");
    cmd.arg("--group-file").arg(fx.group_file()).arg("--passwd-file").arg(fx.passwd_file());
    cmd.arg("--journal-socket").arg(c.root().join("run/systemd/journal/socket"));
    let _tool = Child(cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
    for _ in 0..100 {
        if sock.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut cl = Client::connect(&sock);
    assert_eq!(cl.auth("alice", "nope")["refused"]["error"], "wrong user or password");
    let ok = cl.auth("alice", "alice-secret");
    let tok = ok["authenticated"]["token"].as_str().unwrap_or_else(|| panic!("{ok}")).to_string();
    assert_eq!(ok["authenticated"]["idle_s"], 300);
    assert_eq!(ok["authenticated"]["max_s"], 900);
    // The domain lives in actiond's own test driver: its answers show the state changing.
    assert!(cl.act(&tok, "guest.suspend", "test", "maintenance", "")["done"].is_object());
    let again = cl.act(&tok, "guest.suspend", "test", "maintenance", "");
    assert!(again["refused"]["error"].as_str().is_some_and(|e| e.contains("not running")), "{again}");
    assert!(cl.act(&tok, "guest.resume", "test", "", "")["done"].is_object());

    let auth = journal_records(&c, audit::MSG_AUTH, 2);
    assert!(
        auth.iter().any(|r| r["HVTUI_RESULT"] == "failed" && r["HVTUI_OPERATOR"] == "alice"),
        "{auth:#?}"
    );
    assert!(
        auth.iter().all(|r| r["HVTUI_PEER_UID"] == "0" && r["SYSLOG_IDENTIFIER"] == "hypervisor-tui-actiond")
    );
    let results = journal_records(&c, audit::MSG_ACTION, 3);
    let verbs: Vec<_> =
        results.iter().map(|r| (r["HVTUI_ACTION"].clone(), r["HVTUI_RESULT"].clone())).collect();
    assert_eq!(
        verbs,
        [("guest.suspend", "ok"), ("guest.suspend", "failed"), ("guest.resume", "ok")]
            .map(|(a, r)| (a.into(), r.into()))
            .to_vec(),
        "{results:#?}"
    );
}
