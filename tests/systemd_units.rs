//! F5's units against a real systemd (PID 1 of a throw-away container, see
//! support::systemd): the collector over D-Bus and `snapshot --json`.

mod support;

use hypervisor_tui::collectors::{SourceTx, systemd};
use hypervisor_tui::event::{Health, SourceId, Update};
use hypervisor_tui::model::units::{Units, UnitsUpdate};
use std::time::{Duration, Instant};
use support::systemd::SystemdContainer;
use tokio::sync::mpsc;

/// Generous: the acceptance is "within a second" on an idle machine; 2 cores shared by
/// several builds are not idle.
const BOUND: Duration = Duration::from_secs(20);

/// Applies updates until `done` holds for the units and the source's health, or the bound
/// passes.
async fn until(
    rx: &mut mpsc::Receiver<Update>,
    units: &mut Units,
    health: &mut Health,
    done: impl Fn(&Units, &Health) -> bool,
) -> bool {
    let deadline = Instant::now() + BOUND;
    while !done(units, health) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(Update::Units(u))) => units.apply(u),
            Ok(Some(Update::Health(SourceId::Systemd, h))) => *health = h,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return false,
        }
    }
    true
}

/// The collector on the container's bus, once it has listed the units.
async fn followed(
    c: &SystemdContainer,
) -> (mpsc::Receiver<Update>, tokio::task::JoinHandle<()>, Units, Health) {
    let (tx, mut rx) = mpsc::channel(64);
    let task = tokio::spawn(systemd::run(SourceTx::new(SourceId::Systemd, tx), c.bus_path()));
    let (mut units, mut health) = (Units::default(), Health::Starting);
    assert!(until(&mut rx, &mut units, &mut health, |u, _| u.is_known()).await, "no unit list: {health}");
    (rx, task, units, health)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_unit_appears_live_and_leaves_after_reset() {
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let (mut rx, task, mut units, mut health) = followed(&c).await;
    assert!(health.is_ok(), "{health}");
    assert!(units.running_services().any(|u| u.name == "systemd-journald.service"), "{:?}", units.all());
    assert_eq!(units.failed().count(), 0);

    c.exec_ok(&["systemd-run", "--unit=boom", "false"]);
    let started = Instant::now();
    let failed = |u: &Units, _: &Health| u.failed().any(|x| x.name == "boom.service");
    assert!(until(&mut rx, &mut units, &mut health, failed).await, "boom.service never showed as failed");
    // Reported, not asserted (timings belong in benchmarks): the goal is 1 s.
    eprintln!("boom.service showed as failed {:?} after systemd-run returned", started.elapsed());
    let boom = units.failed().find(|x| x.name == "boom.service").unwrap().clone();
    assert_eq!(boom.result.as_deref(), Some("exit-code"));
    let since = boom.since.expect("the time it failed");
    assert!((since - hypervisor_tui::model::unix_now()).abs() < 120, "failed at {since}");

    c.exec_ok(&["systemctl", "reset-failed", "boom.service"]);
    assert!(
        until(&mut rx, &mut units, &mut health, |u, h| !failed(u, h)).await,
        "boom.service stayed failed after reset-failed"
    );

    drop(c);
    let lost = |u: &Units, _: &Health| !u.is_known();
    assert!(
        until(&mut rx, &mut units, &mut health, lost).await,
        "the bus went away but the units stayed known"
    );
    task.abort();
}

/// systemd frozen (SIGSTOP on the container's PID 1; the bus itself still answers): its
/// units leave F5 with why, within a ping and a call's bound, and come back with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_systemd_is_not_answering_and_its_units_are_not_shown_as_live() {
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let (mut rx, task, mut units, mut health) = followed(&c).await;

    let pid1 = c.leader_pid().to_string();
    let signal = |sig: &str| {
        assert!(std::process::Command::new("kill").args([sig, &pid1]).status().unwrap().success())
    };
    signal("-STOP");
    let frozen = Instant::now();
    let silent = |u: &Units, h: &Health| !u.is_known() && matches!(h, Health::Unavailable(_));
    let noticed = until(&mut rx, &mut units, &mut health, silent).await;
    let took = frozen.elapsed();
    signal("-CONT");
    assert!(noticed, "a frozen systemd's units stayed on F5 as live: {health}");
    assert!(health.reason().contains("systemd not answering"), "{health}");
    eprintln!("a frozen systemd was noticed after {took:?} ({health})");

    let back = |u: &Units, h: &Health| u.is_known() && h.is_ok();
    assert!(until(&mut rx, &mut units, &mut health, back).await, "not back after SIGCONT: {health}");
    assert!(units.running_services().any(|u| u.name == "systemd-journald.service"), "{:?}", units.all());
    task.abort();
}

#[tokio::test]
async fn no_bus_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("system_bus_socket");
    let h = systemd::probe(&path).await;
    assert_eq!(h, Health::Unavailable(format!("system bus not reachable (no socket at {})", path.display())));
    let mut units = Units::default();
    units.apply(UnitsUpdate::Lost);
    assert!(!units.is_known());
}

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

/// `snapshot --json` of the real binary, run inside the container (its path is the same
/// there: the container's root is an overlay of this one), asking the container's systemd.
fn snapshot_inside(c: &SystemdContainer, cfg: &str) -> serde_json::Value {
    let mut cmd = std::process::Command::new("nsenter");
    cmd.args(["-t", &c.leader_pid().to_string(), "-a", "--", BIN, "--config", cfg, "snapshot", "--json"]);
    cmd.args(["--timeout", "20"]).env_remove("HYPERVISOR_TUI_SYSTEM_BUS").env_remove("SSH_ORIGINAL_COMMAND");
    let (out, v) = support::snapshot::snapshot_json(&mut cmd);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    v
}

#[test]
fn snapshot_lists_the_failed_unit_with_its_result_inside_the_container() {
    let Some(c) = SystemdContainer::start_or_require() else { return };
    // A config inside the container's own /tmp: no libvirt, no Kubernetes to wait for.
    let cfg = "/run/hvtui-test.toml";
    std::fs::write(c.root().join(&cfg[1..]), "[libvirt]\nuris = []\n[kubernetes]\nenabled = false\n")
        .unwrap();
    c.exec_ok(&["systemd-run", "--unit=boom", "false"]);
    let deadline = Instant::now() + BOUND;
    let mut v = snapshot_inside(&c, cfg);
    while v["units"]["failed"].as_array().is_none_or(Vec::is_empty) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        v = snapshot_inside(&c, cfg);
    }
    assert_eq!(v["sources"]["systemd"]["state"], "ok", "{}", v["sources"]["systemd"]);
    let failed = v["units"]["failed"].as_array().expect("units.failed");
    let boom = failed.iter().find(|u| u["name"] == "boom.service").unwrap_or_else(|| panic!("{failed:?}"));
    assert_eq!(boom["result"], "exit-code");
    let since = boom["since_unix"].as_i64().expect("since_unix");
    assert!((since - hypervisor_tui::model::unix_now()).abs() < 120, "{boom}");
    assert!(v["units"]["counts_by_state"]["active"].as_u64() > Some(0), "{}", v["units"]);
    assert!(v["units"]["running_services"].as_u64() > Some(0), "journald at least runs");

    // The text form and `check`, from the same binary inside.
    let leader = c.leader_pid().to_string();
    let inside = |verb: &str| {
        let out = std::process::Command::new("nsenter")
            .args(["-t", &leader, "-a", "--", BIN, "--config", cfg, verb])
            .env_remove("HYPERVISOR_TUI_SYSTEM_BUS")
            .env_remove("SSH_ORIGINAL_COMMAND")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = inside("snapshot");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("unit boom.service failed") && l.ends_with("(exit-code)")),
        "{text}"
    );
    let check = inside("check");
    assert!(
        check.lines().any(|l| l.starts_with("systemd") && l.contains(" ok ") && l.contains("1 failed")),
        "{check}"
    );

    c.exec_ok(&["systemctl", "reset-failed", "boom.service"]);
    let v = snapshot_inside(&c, cfg);
    assert_eq!(v["units"]["failed"], serde_json::json!([]), "reset-failed leaves no failed unit");
}

#[test]
fn snapshot_without_a_bus_says_null_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[libvirt]\nuris = []\n[kubernetes]\nenabled = false\n").unwrap();
    let bus = dir.path().join("no-bus");
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["--config", cfg.to_str().unwrap(), "snapshot", "--json"])
        .env("HYPERVISOR_TUI_SYSTEM_BUS", &bus);
    let (_, v) = support::snapshot::snapshot_json(&mut cmd);
    assert!(v["units"].is_null(), "{}", v["units"]);
    let src = &v["sources"]["systemd"];
    assert_eq!(src["state"], "unavailable");
    assert_eq!(src["reason"], format!("system bus not reachable (no socket at {})", bus.display()));
    let out = std::process::Command::new(BIN)
        .args(["--config", cfg.to_str().unwrap(), "check"])
        .env("HYPERVISOR_TUI_SYSTEM_BUS", &bus)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("systemd") && l.contains("no socket at")), "{text}");
}
