//! The real binary in tmux against the fake API server: F2 shows the cluster, F4 the
//! KubeVirt guests with their detail, F3 the Kubernetes networking; a node going
//! NotReady reaches the alerts strip while the console runs.
#![cfg(feature = "kubernetes")]

mod support;

use serde_json::json;
use std::path::Path;
use support::kube_api::{FakeApi, NODES};
use support::tmux::{BIN, Tmux};

fn console(api: &FakeApi, dir: &Path, name: &str, term: &str, w: u16, h: u16) -> Tmux {
    let kc = api.write_kubeconfig(dir);
    let cfg = dir.join("c.toml");
    let body =
        format!("[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\nnode_name = \"hv1\"\n", kc.display());
    std::fs::write(&cfg, body).unwrap();
    Tmux::start(
        name,
        w,
        h,
        &format!("env TERM={term} LANG=C.UTF-8 {BIN} --config {}; sleep 60", cfg.display()),
    )
}

#[test]
fn cluster_on_a_linux_console() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let p = console(&api, dir.path(), "e2e-k8s", "linux", 80, 24);
    p.wait_for("start", "F4 Machines");
    p.keys(&["2"]);
    // Nodes list first; the alert comes from pods, which may arrive a moment later.
    p.wait_for("F2 cluster", "3/3 ready");
    let s = p.wait_for("F2 pods", "crash-looping on hv1");
    assert!(s.contains("KubeVirt"), "{s}");
    p.keys(&["4"]);
    let s = p.wait_for("F4", "KubeVirt, libvirt off)");
    assert!(s.contains("db-01") && s.contains("Migrating") && s.contains("kv/vms"), "{s}");
    p.keys(&["/", "d", "b", "Enter", "d"]);
    let s = p.wait_for("F4 detail", "Detail");
    assert!(s.contains("node hv2") && s.contains("migration"), "{s}");
    p.keys(&["Escape", "3"]);
    let s = p.wait_for("F3", "CNI");
    assert!(s.contains("10.42.0.0/24 (hv1 of 3 nodes)") && s.contains("10.43.0.0/16"), "{s}");
    // A node going NotReady while the console runs is alerted at once.
    let mut node = api.get(&NODES, None, "hv3").unwrap();
    for c in node["status"]["conditions"].as_array_mut().unwrap() {
        if c["type"] == "Ready" {
            c["status"] = json!("Unknown");
            c["reason"] = json!("NodeStatusUnknown");
            c["message"] = json!("Kubelet stopped posting node status.");
        }
    }
    api.put(&NODES, node);
    p.wait_for("NotReady alert", "node hv3 not reporting");
}

#[test]
fn wide_xterm_shows_node_and_migration_columns() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let p = console(&api, dir.path(), "e2e-k8s-wide", "xterm-256color", 200, 60);
    p.wait_for("start", "F4 Machines");
    p.keys(&["4"]);
    let s = p.wait_for("F4", "MIGRATION");
    assert!(s.contains("hv2>hv3 Running"), "{s}");
    assert!(s.contains("10.42.0.41"), "{s}");
}
