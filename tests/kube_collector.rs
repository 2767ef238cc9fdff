//! The Kubernetes collector against a fake API server speaking the real list/watch
//! protocol (tests/support/kube_api/): initial sync, changes, RBAC, missing CRDs,
//! a 410 re-list and the server going away and coming back all reach the model.
#![cfg(feature = "kubernetes")]

mod support;

use hypervisor_tui::event::{Health, SourceId};
use hypervisor_tui::model::cluster::objects::Kind;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use support::kube_api::{FakeApi, NODES, PODS, PVCS, SERVICES, VMIS, VMS, fixture_items};
use support::kube_console::Console;

/// The collector against `api` through the admin kubeconfig, and the directory holding it.
fn start(api: &FakeApi) -> (Console, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (Console::start(&api.write_kubeconfig(dir.path())), dir)
}

fn pod(name: &str, phase: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")},
        "spec": {"nodeName": "hv1", "containers": [{"name": "c", "image": "busybox"}]},
        "status": {"phase": phase, "conditions": [{"type": "Ready", "status": if phase == "Running" { "True" } else { "False" }}]}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initial_sync_fills_the_model_from_real_shaped_objects() {
    let api = FakeApi::with_fixtures();
    let (mut c, _dir) = start(&api);
    c.synced().await;
    let cl = &c.model.cluster;
    assert_eq!(cl.nodes.len(), fixture_items("nodes.json").len());
    assert_eq!(cl.pods.len(), fixture_items("pods.json").len());
    assert_eq!(cl.services.len(), fixture_items("services.json").len());
    assert_eq!(cl.pvcs.len(), fixture_items("pvcs.json").len());
    assert_eq!(cl.vms.len(), fixture_items("vms.json").len());
    assert_eq!(cl.vmis.len(), fixture_items("vmis.json").len());
    assert_eq!(cl.migrations.len(), fixture_items("vmims.json").len());
    assert!(!cl.events.is_empty(), "events about KubeVirt objects are watched");
    let s = cl.summary();
    assert_eq!(s.nodes_ready, s.nodes_total);
    assert!(cl.this_node().is_some(), "hv1 is a node of the fixture cluster");
    assert!(!cl.pod_cidrs().is_empty());
    assert!(s.system_pods > 0 && s.services_by_type.contains_key("LoadBalancer"));
    assert!(!s.crash_looping.is_empty(), "the fixture's crash-looping pod on hv1 is seen");
    assert!(c.model.health(SourceId::Kubernetes).reason().contains("k3s"));
    assert!(c.model.health(SourceId::Kubevirt).is_ok());
    // Every VM is a row of F4, with the VMI's node and addresses when it runs.
    let rows = c.model.guests.kubevirt();
    assert!(rows.len() >= cl.vms.len());
    let running = rows
        .iter()
        .find(|g| g.kubevirt.as_ref().is_some_and(|k| k.status == "Running"))
        .expect("a running VM");
    assert!(
        !running.node().is_empty()
            && !running.ips.is_empty()
            && running.vcpus > 0
            && running.memory_bytes > 0
    );
    let watches: Vec<String> = api.requests().into_iter().filter(|r| r.contains("watch=true")).collect();
    assert!(watches.iter().all(|r| r.contains("allowWatchBookmarks=true")), "{watches:?}");
    let kv = cl.kubevirt_summary();
    assert!(kv.running > 0 && kv.stopped > 0 && kv.migrating > 0, "{kv:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adds_changes_and_deletes_reach_the_model() {
    let api = FakeApi::with_fixtures();
    let (mut c, _dir) = start(&api);
    c.synced().await;
    api.put(&PODS, pod("new-pod", "Pending"));
    c.until("the new pod", |m| m.cluster.pods.get("default/new-pod").is_some_and(|p| p.phase == "Pending"))
        .await;
    api.put(&PODS, pod("new-pod", "Running"));
    c.until("the pod running", |m| {
        m.cluster.pods.get("default/new-pod").is_some_and(|p| p.phase == "Running")
    })
    .await;
    api.delete(&PODS, Some("default"), "new-pod");
    c.until("the pod gone", |m| !m.cluster.pods.contains_key("default/new-pod")).await;
    // A node going NotReady raises an alert naming it.
    let mut node = api.get(&NODES, None, "hv2").expect("hv2 in the fixture");
    for cond in node["status"]["conditions"].as_array_mut().unwrap() {
        if cond["type"] == "Ready" {
            cond["status"] = json!("False");
            cond["reason"] = json!("KubeletNotReady");
        }
    }
    api.put(&NODES, node);
    c.until("hv2 NotReady alert", |m| {
        m.alerts().iter().any(|a| a.critical && a.text.starts_with("node hv2 NotReady"))
    })
    .await;
    // A VMI failing shows on F4 and in the alerts.
    let mut vmi = fixture_items("vmis.json").into_iter().find(|v| v["status"]["phase"] == "Running").unwrap();
    let (ns, name) = (
        vmi["metadata"]["namespace"].as_str().unwrap().to_string(),
        vmi["metadata"]["name"].as_str().unwrap().to_string(),
    );
    vmi["status"]["phase"] = json!("Failed");
    api.put(&VMIS, vmi);
    let text = format!("VMI {ns}/{name}");
    c.until("the VMI failed alert", |m| {
        m.alerts().iter().any(|a| a.text.starts_with(&text) && a.text.ends_with("failed"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_resource_is_named_and_retried() {
    let api = FakeApi::with_fixtures();
    api.forbid(&PODS, true);
    let (mut c, _dir) = start(&api);
    c.until("pods forbidden", |m| {
        matches!(m.health(SourceId::Kubernetes), Health::Error(r) if r == "forbidden: pods (RBAC)")
            && m.cluster.missing.contains_key(&Kind::Pod)
            && m.cluster.synced.contains(&Kind::Node)
    })
    .await;
    assert!(c.model.alerts().iter().any(|a| a.text.contains("forbidden: pods (RBAC)")));
    api.forbid(&PODS, false);
    c.until("pods listed once allowed", |m| {
        m.cluster.synced.contains(&Kind::Pod) && m.health(SourceId::Kubernetes).is_ok()
    })
    .await;
    assert_eq!(c.model.cluster.pods.len(), fixture_items("pods.json").len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_kubevirt_crds_are_a_clear_state() {
    let api = FakeApi::with_fixtures();
    api.set_kubevirt(false);
    let (mut c, _dir) = start(&api);
    c.until("kubevirt absent", |m| {
        matches!(m.health(SourceId::Kubevirt), Health::Unavailable(r) if r.contains("CRDs absent"))
            && m.cluster.synced.contains(&Kind::Pod)
            && m.health(SourceId::Kubernetes).is_ok()
    })
    .await;
    assert!(c.model.guests.kubevirt().is_empty());
    assert!(c.model.cluster.missing.contains_key(&Kind::Vmi));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_relists_and_nothing_is_lost() {
    let api = FakeApi::with_fixtures();
    let (mut c, _dir) = start(&api);
    c.synced().await;
    let lists_before =
        api.requests().iter().filter(|r| r.starts_with("GET /api/v1/pods") && !r.contains("watch=")).count();
    api.compact();
    api.put(&PODS, pod("during-gap", "Running"));
    api.delete(&PODS, Some("default"), "during-gap");
    api.put(&PODS, pod("after-gap", "Running"));
    api.compact();
    api.drop_watches();
    c.until("the re-listed pod", |m| m.cluster.pods.contains_key("default/after-gap")).await;
    assert!(!c.model.cluster.pods.contains_key("default/during-gap"));
    let lists_after =
        api.requests().iter().filter(|r| r.starts_with("GET /api/v1/pods") && !r.contains("watch=")).count();
    assert!(api.expired_count() > 0, "the watchers were told 410 Expired");
    assert!(
        lists_after > lists_before,
        "a 410 makes the watcher list again ({lists_before} -> {lists_after})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_watch_resumes_where_it_was_without_a_relist() {
    let api = FakeApi::with_fixtures();
    let (mut c, _dir) = start(&api);
    c.synced().await;
    let lists = || {
        api.requests().iter().filter(|r| r.starts_with("GET /api/v1/pods") && !r.contains("watch=")).count()
    };
    let before = lists();
    api.drop_watches();
    api.put(&PODS, pod("after-drop", "Running"));
    c.until("the pod added after the drop", |m| m.cluster.pods.contains_key("default/after-drop")).await;
    assert_eq!(lists(), before, "a watch that ends is re-opened from its resourceVersion, not re-listed");
    assert_eq!(api.expired_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_going_away_and_coming_back() {
    let api = FakeApi::with_fixtures();
    let (mut c, _dir) = start(&api);
    c.synced().await;
    every_kind_watched(&api).await;
    api.stop();
    c.until(
        "API unreachable",
        |m| matches!(m.health(SourceId::Kubernetes), Health::Unavailable(r) if r.contains("unreachable")),
    )
    .await;
    assert!(!c.model.cluster.nodes.is_empty(), "the last-known cluster stays on screen");
    assert!(c.model.alerts().iter().any(|a| a.text.contains("showing the last-known cluster")));
    api.put(&PODS, pod("while-down", "Running"));
    api.restart();
    c.until("back, with the pod added while down", |m| {
        m.health(SourceId::Kubernetes).is_ok() && m.cluster.pods.contains_key("default/while-down")
    })
    .await;
}

/// After its list, each watcher opens a watch; waits until all eight are open.
async fn every_kind_watched(api: &FakeApi) {
    for _ in 0..100 {
        if api.watch_count() >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(api.watch_count() >= 8, "every kind is watched ({} open)", api.watch_count());
}

/// A kube-apiserver restarted after 20 s away, as a real one comes back: 503 while starting,
/// then 410 for every watch resumed at an old resourceVersion. The re-list must not wait for
/// a backoff the outage grew: fresh state within a few seconds (a 30-60 s backoff fails).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_restart_relists_at_once() {
    let api = FakeApi::with_fixtures();
    let (mut c, _dir) = start(&api);
    c.synced().await;
    every_kind_watched(&api).await;
    api.stop();
    c.until("API unreachable", |m| !m.health(SourceId::Kubernetes).is_ok()).await;
    // Long enough for kube's own backoff (0.8 s doubling) to have grown past 10 s.
    tokio::time::sleep(Duration::from_secs(12)).await;
    api.put(&PODS, pod("after-restart", "Running"));
    let expired_before = api.expired_count();
    let back = std::time::Instant::now();
    api.restart_fresh(3);
    c.until("fresh state after the restart", |m| {
        m.health(SourceId::Kubernetes).is_ok() && m.cluster.pods.contains_key("default/after-restart")
    })
    .await;
    let took = back.elapsed();
    eprintln!("fresh cluster {took:?} after the API server came back");
    assert!(api.expired_count() > expired_before, "the resumed watches met 410 Expired");
    assert!(took < Duration::from_secs(8), "fresh state took {took:?}: a backoff grew through the outage");
}

/// A console started while the API is down is `ok` soon after the API answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_while_the_api_is_down() {
    let api = FakeApi::with_fixtures();
    api.stop();
    let (mut c, _dir) = start(&api);
    c.until("API unreachable", |m| matches!(m.health(SourceId::Kubernetes), Health::Unavailable(_))).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let back = std::time::Instant::now();
    api.restart();
    c.until("ok after the API came up", |m| m.health(SourceId::Kubernetes).is_ok()).await;
    let took = back.elapsed();
    eprintln!("k8s ok {took:?} after the API came up");
    assert!(took < Duration::from_secs(5), "ok took {took:?}: the reconnect backoff grew while down");
}

/// `snapshot --json` of the real binary with `config` as its config file.
fn snapshot_json(dir: &Path, config: &str) -> (std::process::Output, Value) {
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, config).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"));
    command.args(["--config", cfg.to_str().unwrap(), "snapshot", "--json"]);
    support::snapshot::snapshot_json(&mut command)
}

#[test]
fn snapshot_json_fills_kubernetes_and_kubevirt_guests() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let kc = api.write_kubeconfig(dir.path());
    let body = format!(
        "[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\nnode_name = \"hv1\"\n",
        kc.to_str().unwrap()
    );
    let (out, v) = snapshot_json(dir.path(), &body);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let k = &v["kubernetes"];
    assert_eq!(k["nodes_total"].as_u64(), Some(fixture_items("nodes.json").len() as u64), "{k}");
    let phases: u64 = k["pods_by_phase"].as_object().unwrap().values().filter_map(Value::as_u64).sum();
    assert_eq!(phases, fixture_items("pods.json").len() as u64);
    assert_eq!(k["services"].as_u64(), Some(fixture_items("services.json").len() as u64));
    assert_eq!(k["pvcs"].as_u64(), Some(fixture_items("pvcs.json").len() as u64));
    assert!(!k["pod_cidrs"].as_array().unwrap().is_empty());
    assert!(k["service_cidr"].is_string());
    assert_eq!(v["sources"]["kubernetes"]["state"], "ok");
    assert_eq!(v["sources"]["kubevirt"]["state"], "ok");
    let kv: Vec<&Value> =
        v["guests"].as_array().unwrap().iter().filter(|g| g["source"] == "kubevirt").collect();
    assert_eq!(kv.len(), {
        let vms = fixture_items("vms.json");
        let names: Vec<&Value> = vms.iter().map(|v| &v["metadata"]["name"]).collect();
        vms.len()
            + fixture_items("vmis.json").iter().filter(|i| !names.contains(&&i["metadata"]["name"])).count()
    });
    assert!(kv.iter().all(|g| g["uri_or_namespace"].is_string() && g["vcpus"].is_u64()));
}

#[test]
fn snapshot_leaves_a_forbidden_kind_null() {
    let api = FakeApi::with_fixtures();
    api.forbid(&PODS, true);
    let dir = tempfile::tempdir().unwrap();
    let kc = api.write_kubeconfig(dir.path());
    let body = format!("[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\n", kc.to_str().unwrap());
    let (_, v) = snapshot_json(dir.path(), &body);
    assert!(
        v["kubernetes"]["pods_by_phase"].is_null() && v["kubernetes"]["nodes_total"].is_u64(),
        "{}",
        v["kubernetes"]
    );
    assert!(v["kubernetes"]["missing"]["pods"].as_str().unwrap().contains("forbidden"));
    // Everything counted from pods is unknown too, not 0; what was listed stays.
    for key in ["pods_total", "node_pods_by_phase", "restarts_last_hour", "crash_looping", "system_pods"] {
        assert!(v["kubernetes"][key].is_null(), "{key}: {}", v["kubernetes"][key]);
    }
    assert!(v["kubernetes"]["services"].is_u64() && v["kubernetes"]["kubevirt"].is_object());
    assert_eq!(v["sources"]["kubernetes"]["state"], "error");
}

/// A token that may list nodes but not pods, services, PVCs or KubeVirt VMs: every run names
/// the same unreadable kinds (the snapshot waits until every watch has answered).
#[test]
fn snapshot_names_the_same_forbidden_kinds_every_run() {
    let api = FakeApi::with_fixtures();
    for r in [&PODS, &SERVICES, &PVCS, &VMS] {
        api.forbid(r, true);
    }
    let dir = tempfile::tempdir().unwrap();
    let kc = api.write_kubeconfig(dir.path());
    let body = format!("[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\n", kc.to_str().unwrap());
    let mut sets = Vec::new();
    for _ in 0..10 {
        let (_, v) = snapshot_json(dir.path(), &body);
        let missing: Vec<String> =
            v["kubernetes"]["missing"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        assert!(v["kubernetes"]["services"].is_null() && v["kubernetes"]["nodes_total"].is_u64());
        sets.push(missing);
    }
    let want = ["persistentvolumeclaims", "pods", "services", "virtualmachines"];
    for (i, set) in sets.iter().enumerate() {
        for kind in want {
            assert!(set.iter().any(|k| k == kind), "run {i}: {kind} not named in {set:?}");
        }
        assert_eq!(set, &sets[0], "run {i} named other kinds than run 0");
    }
}

#[test]
fn snapshot_with_no_cluster_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        format!("[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\n", dir.path().join("none.yaml"));
    let (_, v) = snapshot_json(dir.path(), &body);
    assert!(v["kubernetes"].is_null());
    assert_eq!(v["sources"]["kubernetes"]["state"], "unavailable");
    assert!(v["sources"]["kubernetes"]["reason"].as_str().unwrap().contains("none.yaml"));
}
