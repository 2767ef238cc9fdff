//! The real-systemd container harness itself: it boots, runs commands, and leaves nothing.

mod support;

use support::systemd::SystemdContainer;

#[test]
fn boots_runs_a_failing_unit_and_cleans_up() {
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let state = c.exec_ok(&["systemctl", "is-system-running"]);
    assert!(matches!(state.trim(), "running" | "degraded"), "{state}");
    assert!(c.bus_path().exists(), "no system bus at {}", c.bus_path().display());
    c.exec_ok(&["systemd-run", "--unit=harness-boom", "false"]);
    let mut failed = String::new();
    for _ in 0..100 {
        failed = c.exec_ok(&["systemctl", "list-units", "--failed", "--plain", "--no-legend"]);
        if failed.contains("harness-boom.service") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(failed.contains("harness-boom.service"), "{failed}");
    let (leader, nspawn) = (c.leader_pid(), c.nspawn_pid());
    let host_id = std::fs::read_to_string("/etc/machine-id").unwrap_or_default();
    let inner_id = std::fs::read_to_string(c.root().join("etc/machine-id")).unwrap();
    assert_ne!(host_id.trim(), inner_id.trim(), "the container has its own machine id");
    drop(c);
    assert!(!std::path::Path::new(&format!("/proc/{leader}")).exists(), "the container's init is gone");
    assert!(!std::path::Path::new(&format!("/proc/{nspawn}")).exists(), "nspawn is gone");
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(!mounts.contains("hvtui-systemd"), "a mount was left on the host:\n{mounts}");
    let cgroups = std::process::Command::new("find")
        .args(["/sys/fs/cgroup", "-maxdepth", "4", "-name", "hvtui-test-*"])
        .output()
        .unwrap();
    let left = String::from_utf8_lossy(&cgroups.stdout);
    assert!(!left.contains(&format!("hvtui-test-{}-", std::process::id())), "cgroups left: {left}");
}
