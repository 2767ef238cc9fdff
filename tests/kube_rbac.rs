//! The console with the least privilege the NixOS module gives it: a bearer token whose role
//! is the committed ClusterRole (nixos/kubernetes/hypervisor-tui.yaml: get/list/watch only),
//! against the fake API server enforcing tokens (401) and RBAC (403). A denied kind is
//! "forbidden", never 0; a kubeconfig renewed by the token service is picked up without a
//! restart, before the old token is revoked and after it was rejected.
#![cfg(feature = "kubernetes")]

mod support;

use hypervisor_tui::event::{Health, SourceId};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::kube_api::{ALL, FakeApi, Grant, PODS, Res, SERVICES, committed_role, fixture_items, grant_of};
use support::kube_console::{Console, WAIT};
use support::tmux::{BIN, Tmux};

/// The user a token of the module's ServiceAccount authenticates as.
const SA: &str = "system:serviceaccount:kube-system:hypervisor-tui";

/// The committed console ClusterRole's grant (nixos/kubernetes/hypervisor-tui.yaml), less
/// every verb on `denied`.
fn console_grant(denied: &[Res]) -> Grant {
    let rules = committed_role("hypervisor-tui.yaml");
    for (g, r, _) in &rules {
        assert!(ALL.iter().any(|x| x.group == g && x.plural == r), "the fake server does not serve {g}/{r}");
    }
    grant_of(SA, rules.iter().filter(|(_, r, _)| !denied.iter().any(|d| d.plural == r)))
}

/// The collector with `token`, granted the committed role, once every kind is listed; the
/// kubeconfig's directory and path beside it.
async fn synced_with(api: &FakeApi, token: &str) -> (Console, tempfile::TempDir, PathBuf) {
    api.grant(token, console_grant(&[]));
    let dir = tempfile::tempdir().unwrap();
    let kc = api.kubeconfig_with_token(dir.path(), token).unwrap();
    let mut c = Console::start(&kc);
    c.synced().await;
    (c, dir, kc)
}

fn pod(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")},
        "spec": {"nodeName": "hv1", "containers": [{"name": "c", "image": "busybox"}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committed_read_only_role_is_enough_for_every_kind() {
    let api = FakeApi::with_fixtures();
    let (c, _dir, _) = synced_with(&api, "t-read").await;
    assert!(c.model.cluster.missing.is_empty(), "{:?}", c.model.cluster.missing);
    assert!(c.model.health(SourceId::Kubevirt).is_ok());
    assert_eq!(c.model.cluster.pods.len(), fixture_items("pods.json").len());
    assert!(api.token_uses("t-read") > 0 && api.token_uses("fake-token") == 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_kubeconfig_is_used_before_the_old_token_is_revoked() {
    let api = FakeApi::with_fixtures();
    let (mut c, dir, _) = synced_with(&api, "t1").await;
    // The token service renews: a new token in a new file, the old one still valid.
    api.grant("t2", console_grant(&[]));
    api.kubeconfig_with_token(dir.path(), "t2").unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    while api.token_uses("t2") == 0 {
        assert!(std::time::Instant::now() < deadline, "the renewed kubeconfig was never used");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let t1_uses = api.token_uses("t1");
    api.revoke("t1");
    api.put(&PODS, pod("after-renewal"));
    c.until("the pod made after the renewal", |m| {
        m.cluster.pods.keys().any(|k| k.ends_with("after-renewal"))
    })
    .await;
    assert!(c.model.health(SourceId::Kubernetes).is_ok(), "{:?}", c.model.health(SourceId::Kubernetes));
    // Nothing asked with the old token once the new one was in use (one in flight at most).
    assert!(api.token_uses("t1") <= t1_uses + 1, "{} then {}", t1_uses, api.token_uses("t1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_named_and_the_renewed_one_picked_up() {
    let api = FakeApi::with_fixtures();
    let (mut c, dir, kc) = synced_with(&api, "t1").await;
    // Expired before the renewal came (the token service was down): 401 everywhere.
    api.revoke("t1");
    c.until("the rejected token named", |m| {
        matches!(m.health(SourceId::Kubernetes), Health::Error(r) if r.starts_with("token rejected (401)")
            && r.contains(&kc.display().to_string()))
    })
    .await;
    api.grant("t2", console_grant(&[]));
    api.kubeconfig_with_token(dir.path(), "t2").unwrap();
    api.put(&PODS, pod("after-rejection"));
    c.until("ok again with the new token", |m| {
        m.health(SourceId::Kubernetes).is_ok()
            && m.cluster.pods.keys().any(|k| k.ends_with("after-rejection"))
    })
    .await;
}

/// `snapshot --json` of the real binary with the kubeconfig `kc`.
fn snapshot_json(dir: &Path, kc: &Path) -> (std::process::Output, Value) {
    let cfg = dir.join("c.toml");
    let body =
        format!("[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\nnode_name = \"hv1\"\n", kc.display());
    std::fs::write(&cfg, body).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"));
    command.args(["--config", cfg.to_str().unwrap(), "snapshot", "--json"]);
    support::snapshot::snapshot_json(&mut command)
}

#[test]
fn snapshot_with_the_read_only_token_counts_everything() {
    let api = FakeApi::with_fixtures();
    api.grant("t-read", console_grant(&[]));
    let dir = tempfile::tempdir().unwrap();
    let kc = api.kubeconfig_with_token(dir.path(), "t-read").unwrap();
    let (out, v) = snapshot_json(dir.path(), &kc);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let k = &v["kubernetes"];
    assert_eq!(k["nodes_total"].as_u64(), Some(fixture_items("nodes.json").len() as u64), "{k}");
    assert_eq!(k["pods_total"].as_u64(), Some(fixture_items("pods.json").len() as u64), "{k}");
    assert!(k["services"].is_u64() && k["pvcs"].is_u64() && k["kubevirt"].is_object(), "{k}");
    assert_eq!(k["missing"], json!({}));
    assert_eq!(v["sources"]["kubernetes"]["state"], "ok");
    assert_eq!(v["sources"]["kubevirt"]["state"], "ok");
}

#[test]
fn snapshot_names_what_rbac_denies_and_leaves_it_unknown() {
    let api = FakeApi::with_fixtures();
    api.grant("t-narrow", console_grant(&[PODS, SERVICES]));
    let dir = tempfile::tempdir().unwrap();
    let kc = api.kubeconfig_with_token(dir.path(), "t-narrow").unwrap();
    let (_, v) = snapshot_json(dir.path(), &kc);
    let k = &v["kubernetes"];
    for key in ["pods_total", "pods_by_phase", "services", "services_by_type"] {
        assert!(k[key].is_null(), "{key} must be unknown, not 0: {}", k[key]);
    }
    assert!(k["nodes_total"].is_u64() && k["pvcs"].is_u64(), "{k}");
    let why = k["missing"]["pods"].as_str().unwrap();
    assert!(why.starts_with("forbidden: ") && why.contains(SA) && why.contains("cannot list"), "{why}");
    assert!(k["missing"]["services"].as_str().unwrap().starts_with("forbidden"));
    assert_eq!(v["sources"]["kubernetes"]["state"], "error");
    assert_eq!(v["sources"]["kubernetes"]["reason"], "forbidden: pods, services (RBAC)");
}

#[test]
fn snapshot_with_a_rejected_token_says_so_at_once() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let kc = api.kubeconfig_with_token(dir.path(), "expired").unwrap();
    let started = std::time::Instant::now();
    let (_, v) = snapshot_json(dir.path(), &kc);
    assert!(v["kubernetes"].is_null());
    assert_eq!(v["sources"]["kubernetes"]["state"], "error");
    let reason = v["sources"]["kubernetes"]["reason"].as_str().unwrap();
    assert!(reason.starts_with("token rejected (401) by http://127.0.0.1:"), "{reason}");
    assert!(started.elapsed() < Duration::from_secs(8), "waited {:?} for no answer", started.elapsed());
}

/// The real binary: F2 says "? (forbidden)" for pods the token may not list, then counts
/// them once the token service writes a kubeconfig with a token that may, without a restart.
#[test]
fn the_console_shows_forbidden_then_switches_to_the_renewed_token() {
    let api = FakeApi::with_fixtures();
    api.grant("t-narrow", console_grant(&[PODS]));
    let dir = tempfile::tempdir().unwrap();
    let kc = api.kubeconfig_with_token(dir.path(), "t-narrow").unwrap();
    let cfg = dir.path().join("c.toml");
    let body =
        format!("[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\nnode_name = \"hv1\"\n", kc.display());
    std::fs::write(&cfg, body).unwrap();
    let p = Tmux::start(
        "e2e-k8s-rbac",
        80,
        24,
        &format!("env TERM=linux LANG=C.UTF-8 {BIN} --config {}; sleep 60", cfg.display()),
    );
    p.wait_for("start", "F4 Machines");
    p.keys(&["2"]);
    p.wait_for("F2 nodes", "3/3 ready");
    let s = p.wait_for("pods forbidden", "? (forbidden)");
    let pods_line = s.lines().find(|l| l.contains("Pods")).unwrap_or_default();
    assert!(pods_line.contains("? (forbidden)") && !pods_line.contains(" 0"), "{s}");
    let pid = p.console_pid();
    api.grant("t-read", console_grant(&[]));
    api.kubeconfig_with_token(dir.path(), "t-read").unwrap();
    api.revoke("t-narrow");
    let s = p.wait_for("pods counted with the renewed token", "crash-looping on hv1");
    assert!(!s.contains("? (forbidden)"), "{s}");
    assert_eq!(p.console_pid(), pid, "the same process: no restart");
}
