//! A build without the `libvirt` and `kubernetes` features (`cargo test --no-default-features
//! --test not_built_in`, run by `make test`): `check` and `snapshot` say "not built in" for
//! those sources, and list no guests and no cluster rather than zero of them.
#![cfg(not(any(feature = "libvirt", feature = "kubernetes")))]

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

/// Runs the binary with a config that asks for libvirt and Kubernetes.
fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("hv.toml");
    let kubeconfig = dir.path().join("kubeconfig");
    let body =
        format!("[libvirt]\nuris = [\"test:///default\"]\n[kubernetes]\nkubeconfig = {kubeconfig:?}\n");
    std::fs::write(&cfg, body).unwrap();
    let mut c = Command::new(BIN);
    c.arg("--config").arg(&cfg).args(args).env_remove("SSH_ORIGINAL_COMMAND");
    c.output().expect("run the binary")
}

#[test]
fn check_says_libvirt_and_kubernetes_are_not_built_in() {
    let out = run(&["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for (source, feature) in
        [("libvirt", "libvirt"), ("kubernetes", "kubernetes"), ("kubevirt", "kubernetes")]
    {
        let line =
            text.lines().find(|l| l.starts_with(source)).unwrap_or_else(|| panic!("{source}:\n{text}"));
        let want = format!("disabled     not built in (cargo feature \"{feature}\")");
        assert!(line.ends_with(&want), "{line:?}");
    }
}

#[test]
fn snapshot_lists_no_guests_and_no_cluster_and_says_why() {
    let out = run(&["snapshot", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (source, feature) in
        [("libvirt", "libvirt"), ("kubernetes", "kubernetes"), ("kubevirt", "kubernetes")]
    {
        assert_eq!(v["sources"][source]["state"], "unavailable", "{source}");
        let reason = format!("not built in (cargo feature \"{feature}\")");
        assert_eq!(v["sources"][source]["reason"], reason.as_str(), "{source}");
    }
    assert!(v["guests"].is_null(), "no guests listed, not zero: {}", v["guests"]);
    assert!(v["kubernetes"].is_null(), "{}", v["kubernetes"]);
    let text = String::from_utf8_lossy(&run(&["snapshot"]).stdout).into_owned();
    assert!(!text.contains("guests "), "{text}");
    assert!(text.lines().any(|l| l.starts_with("  libvirt") && l.contains("not built in")), "{text}");
}
