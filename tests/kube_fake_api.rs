//! The fake API server (tests/support/kube_api) against the real kube client: what the
//! collector tests build on. Real HTTP on 127.0.0.1, kube's own list/watch code
//! (resourceVersion, bookmarks, 410 Expired, dropped and timed-out watches, streaming
//! lists), RBAC and missing-CRD errors as kube decodes them, the server going away and
//! coming back. (tests/kube_fake_api_wire.rs checks the bytes on the wire, tests/kube_fixtures.rs
//! the fixtures themselves.)
#![cfg(feature = "kubernetes")]

mod support;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Event, Node, PersistentVolumeClaim, Pod, Service};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, ListParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::watcher::{self, Event as W};
use kube::{Client, ResourceExt};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use support::kube_api::{EVENTS, FakeApi, NODES, PODS, fixture_items};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(10);

/// A kube client configured the way the console is: from a kubeconfig file.
async fn client(api: &FakeApi, dir: &Path) -> Client {
    let kc = Kubeconfig::read_from(api.write_kubeconfig(dir)).unwrap();
    let cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.unwrap();
    assert_eq!(cfg.cluster_url.to_string().trim_end_matches('/'), api.url());
    Client::try_from(cfg).unwrap()
}

fn kubevirt(kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("kubevirt.io", "v1", kind), plural)
}

fn pod(name: &str, phase: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {"nodeName": "hv2", "containers": [{"name": "c", "image": "busybox"}]},
        "status": {"phase": phase}})
}

fn count(api: &FakeApi, prefix: &str, watch: bool) -> usize {
    api.requests().iter().filter(|r| r.starts_with(prefix) && r.contains("watch=true") == watch).count()
}

/// A watcher driven on its own task, as the collector drives it, so it re-watches while the
/// test does something else; errors are paced like a backoff would.
struct Events<K> {
    rx: mpsc::UnboundedReceiver<watcher::Result<W<K>>>,
    task: tokio::task::JoinHandle<()>,
}

impl<K> Drop for Events<K> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn watch<K>(api: Api<K>, cfg: watcher::Config) -> Events<K>
where
    K: kube::Resource + Clone + std::fmt::Debug + serde::de::DeserializeOwned + Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut s = watcher::watcher(api, cfg).boxed();
        while let Some(e) = s.next().await {
            let failed = e.is_err();
            if tx.send(e).is_err() {
                return;
            }
            if failed {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    });
    Events { rx, task }
}

async fn next<K>(s: &mut Events<K>, what: &str) -> watcher::Result<W<K>> {
    let item = tokio::time::timeout(WAIT, s.rx.recv()).await;
    item.unwrap_or_else(|_| panic!("timed out waiting for {what}")).expect("a watcher never ends")
}

/// Waits until the server holds `n` open watch streams.
async fn watching(api: &FakeApi, n: usize) {
    for _ in 0..500 {
        if api.watch_count() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{} watches open, not {n}", api.watch_count());
}

/// Init, InitApply…, InitDone: the names of the objects listed.
async fn init<K: ResourceExt>(s: &mut Events<K>) -> Vec<String> {
    assert!(matches!(next(s, "Init").await, Ok(W::Init)));
    let mut names = vec![];
    loop {
        match next(s, "InitApply or InitDone").await {
            Ok(W::InitApply(o)) => names.push(o.name_any()),
            Ok(W::InitDone) => return names,
            other => panic!("during the initial list: {:?}", other.map(|_| ()).err()),
        }
    }
}

async fn applied<K: ResourceExt>(s: &mut Events<K>, what: &str) -> K {
    match next(s, what).await {
        Ok(W::Apply(o)) => o,
        other => panic!("{what}: expected Apply, got {:?}", other.map(|e| matches!(e, W::Delete(_)))),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_and_discovery_look_like_k3s() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&api, dir.path()).await;
    let v = c.apiserver_version().await.unwrap();
    assert_eq!((v.major.as_str(), v.minor.as_str(), v.git_version.as_str()), ("1", "31", "v1.31.4+k3s1"));
    assert_eq!(c.list_core_api_versions().await.unwrap().versions, ["v1"]);
    let groups = c.list_api_groups().await.unwrap().groups;
    let kv = groups.iter().find(|g| g.name == "kubevirt.io").expect("kubevirt.io served");
    assert_eq!(kv.preferred_version.as_ref().unwrap().group_version, "kubevirt.io/v1");
    let core = c.list_core_api_resources("v1").await.unwrap();
    let nodes = core.resources.iter().find(|r| r.name == "nodes").unwrap();
    assert!(!nodes.namespaced && nodes.verbs.iter().any(|v| v == "watch"));
    assert!(core.resources.iter().any(|r| r.name == "pods" && r.namespaced && r.kind == "Pod"));
    let kv = c.list_api_group_resources("kubevirt.io/v1").await.unwrap();
    let kinds: Vec<&str> = kv.resources.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["VirtualMachine", "VirtualMachineInstance", "VirtualMachineInstanceMigration"]);
    // kube's own discovery walks every group /apis lists and finds the CRDs.
    let discovery = kube::discovery::Discovery::new(c.clone()).run().await.unwrap();
    let gvk = GroupVersionKind::gvk("kubevirt.io", "v1", "VirtualMachineInstance");
    let (ar, caps) = discovery.resolve_gvk(&gvk).expect("VMIs discovered");
    assert_eq!(
        (ar.plural.as_str(), caps.scope),
        ("virtualmachineinstances", kube::discovery::Scope::Namespaced)
    );
    // An unknown path is a NotFound Status, as kube decodes it.
    let err = c.list_api_group_resources("example.com/v1").await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 404 && s.reason == "NotFound"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_lists_and_selectors_over_the_fixtures() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&api, dir.path()).await;
    let nodes = Api::<Node>::all(c.clone()).list(&ListParams::default()).await.unwrap();
    let names: Vec<String> = nodes.items.iter().map(|n| n.name_any()).collect();
    assert_eq!(names, ["hv1", "hv2", "hv3"]);
    let rv: u64 = nodes.metadata.resource_version.unwrap().parse().unwrap();
    assert!(rv > 0, "a list carries the store's resourceVersion");
    let info = nodes.items[0].status.as_ref().unwrap().node_info.as_ref().unwrap();
    assert_eq!(info.kubelet_version, "v1.31.4+k3s1");
    assert_eq!(nodes.items[0].labels()["node-role.kubernetes.io/control-plane"], "true");

    let fixture_pods = fixture_items("pods.json");
    let expect = |f: &dyn Fn(&Value) -> bool| fixture_pods.iter().filter(|p| f(p)).count();
    let pods = Api::<Pod>::all(c.clone());
    assert_eq!(pods.list(&ListParams::default()).await.unwrap().items.len(), fixture_pods.len());
    let system = Api::<Pod>::namespaced(c.clone(), "kube-system").list(&ListParams::default()).await.unwrap();
    assert!(system.items.iter().all(|p| p.namespace().as_deref() == Some("kube-system")));
    assert_eq!(system.items.len(), expect(&|p| p["metadata"]["namespace"] == "kube-system"));
    let on_hv1 = pods.list(&ListParams::default().fields("spec.nodeName=hv1")).await.unwrap();
    assert_eq!(on_hv1.items.len(), expect(&|p| p["spec"]["nodeName"] == "hv1"));
    assert!(on_hv1.items.iter().all(|p| p.spec.as_ref().unwrap().node_name.as_deref() == Some("hv1")));
    let elsewhere = pods.list(&ListParams::default().fields("spec.nodeName!=hv1,status.phase=Running")).await;
    let want = expect(&|p| p["spec"]["nodeName"] != "hv1" && p["status"]["phase"] == "Running");
    assert_eq!(elsewhere.unwrap().items.len(), want);
    let dns = pods.list(&ListParams::default().labels("k8s-app=kube-dns")).await.unwrap();
    assert_eq!(dns.items.len(), 1);
    assert!(dns.items[0].name_any().starts_with("coredns-"));
    let launchers = ListParams::default().labels("kubevirt.io=virt-launcher,vm.kubevirt.io/name");
    let want = expect(&|p| p["metadata"]["labels"]["kubevirt.io"] == "virt-launcher");
    assert_eq!(pods.list(&launchers).await.unwrap().items.len(), want);

    let svcs = Api::<Service>::all(c.clone()).list(&ListParams::default()).await.unwrap();
    assert_eq!(svcs.items.len(), fixture_items("services.json").len());
    let pvcs = Api::<PersistentVolumeClaim>::all(c.clone()).list(&ListParams::default()).await.unwrap();
    assert_eq!(pvcs.items.len(), fixture_items("pvcs.json").len());
    let kv_events = ListParams::default().fields("involvedObject.apiVersion=kubevirt.io/v1");
    let events = Api::<Event>::all(c.clone()).list(&kv_events).await.unwrap();
    let want = fixture_items("events.json")
        .iter()
        .filter(|e| e["involvedObject"]["apiVersion"] == "kubevirt.io/v1")
        .count();
    assert_eq!(events.items.len(), want);
    assert!(events.items.iter().all(|e| e.involved_object.api_version.as_deref() == Some("kubevirt.io/v1")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubevirt_objects_list_as_dynamic_objects() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&api, dir.path()).await;
    for (kind, plural, file) in [
        ("VirtualMachine", "virtualmachines", "vms.json"),
        ("VirtualMachineInstance", "virtualmachineinstances", "vmis.json"),
        ("VirtualMachineInstanceMigration", "virtualmachineinstancemigrations", "vmims.json"),
    ] {
        let ar = kubevirt(kind, plural);
        let all = Api::<DynamicObject>::all_with(c.clone(), &ar).list(&ListParams::default()).await.unwrap();
        assert_eq!(all.items.len(), fixture_items(file).len(), "{plural}");
        assert!(all.items.iter().all(|o| o.types.as_ref().is_some_and(|t| t.kind == kind)));
        let in_vms = Api::<DynamicObject>::namespaced_with(c.clone(), "vms", &ar);
        let want = fixture_items(file).iter().filter(|o| o["metadata"]["namespace"] == "vms").count();
        assert_eq!(in_vms.list(&ListParams::default()).await.unwrap().items.len(), want, "{plural} in vms");
    }
    let vmis =
        Api::<DynamicObject>::all_with(c, &kubevirt("VirtualMachineInstance", "virtualmachineinstances"));
    let list = vmis.list(&ListParams::default()).await.unwrap();
    let phases: Vec<&str> = list.items.iter().filter_map(|o| o.data["status"]["phase"].as_str()).collect();
    assert!(phases.contains(&"Running") && phases.contains(&"Failed"), "{phases:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_syncs_then_sees_add_modify_delete() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let mut w = watch(Api::<Pod>::all(client(&api, dir.path()).await), watcher::Config::default());
    assert_eq!(init(&mut w).await.len(), fixture_items("pods.json").len());
    let rv = api.put(&PODS, pod("web", "Pending"));
    let p = applied(&mut w, "the added pod").await;
    assert_eq!((p.name_any(), p.resource_version()), ("web".to_string(), Some(rv.to_string())));
    assert!(
        p.uid().is_some() && p.creation_timestamp().is_some(),
        "the server fills uid and creationTimestamp"
    );
    api.put(&PODS, pod("web", "Running"));
    let p = applied(&mut w, "the modified pod").await;
    assert_eq!(p.status.unwrap().phase.as_deref(), Some("Running"));
    assert!(api.delete(&PODS, Some("default"), "web"));
    match next(&mut w, "the deletion").await {
        Ok(W::Delete(p)) => assert!(p.resource_version().unwrap().parse::<u64>().unwrap() > rv + 1),
        other => panic!("expected Delete, got {:?}", other.map(|_| ()).err()),
    }
    assert!(api.get(&PODS, Some("default"), "web").is_none());
    // What kube-runtime 5 sends: a paged list, then a watch from the list's resourceVersion.
    let reqs = api.requests();
    // (kube-core 5 writes the query after "?&".)
    assert!(reqs.iter().any(|r| r == "GET /api/v1/pods?&limit=500"), "{reqs:?}");
    let w = reqs.iter().find(|r| r.starts_with("GET /api/v1/pods?") && r.contains("watch=true")).unwrap();
    for param in ["timeoutSeconds=290", "allowWatchBookmarks=true", "resourceVersion="] {
        assert!(w.contains(param), "{w}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_watch_gets_bookmarks() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let nodes = Api::<Node>::all(client(&api, dir.path()).await);
    let rv = nodes.list(&ListParams::default()).await.unwrap().metadata.resource_version.unwrap();
    let mut s = nodes.watch(&WatchParams::default(), &rv).await.unwrap().boxed();
    let first = tokio::time::timeout(WAIT, s.next()).await.unwrap().unwrap().unwrap();
    match first {
        WatchEvent::Bookmark(b) => assert_eq!(b.metadata.resource_version, rv),
        _ => panic!("expected a bookmark on an idle watch"),
    }
    assert_eq!(api.watch_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_watch_resumes_and_a_410_relists() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let mut w = watch(Api::<Pod>::all(client(&api, dir.path()).await), watcher::Config::default());
    init(&mut w).await;
    watching(&api, 1).await;
    // A watch the server ends is re-opened from the last resourceVersion: no list.
    api.drop_watches();
    api.put(&PODS, pod("after-drop", "Running"));
    assert_eq!(applied(&mut w, "the pod put after the drop").await.name_any(), "after-drop");
    assert_eq!(count(&api, "GET /api/v1/pods", false), 1);
    assert!(count(&api, "GET /api/v1/pods", true) >= 2);
    // After a compaction that resourceVersion is gone: 410 Expired, then a fresh list.
    watching(&api, 1).await;
    api.compact();
    api.put(&PODS, pod("after-compaction", "Running"));
    match next(&mut w, "the 410").await {
        Err(watcher::Error::WatchError(s)) => {
            assert_eq!((s.code, s.reason.as_str()), (410, "Expired"));
            assert!(s.message.starts_with("too old resource version: "), "{}", s.message);
        }
        other => panic!("expected a 410 WatchError, got {:?}", other.map(|_| ())),
    }
    let names = init(&mut w).await;
    assert!(names.contains(&"after-compaction".to_string()) && names.contains(&"after-drop".to_string()));
    assert_eq!(count(&api, "GET /api/v1/pods", false), 2, "{:?}", api.requests());
    assert_eq!(api.expired_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streaming_list_ends_on_the_initial_events_bookmark() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let pods = Api::<Pod>::all(client(&api, dir.path()).await);
    let mut w = watch(pods, watcher::Config::default().streaming_lists());
    assert_eq!(init(&mut w).await.len(), fixture_items("pods.json").len());
    assert_eq!(count(&api, "GET /api/v1/pods", false), 0, "no list: the watch sends the objects");
    let reqs = api.requests();
    let first = reqs.iter().find(|r| r.starts_with("GET /api/v1/pods?")).unwrap();
    for param in ["sendInitialEvents=true", "resourceVersionMatch=NotOlderThan", "resourceVersion=0"] {
        assert!(first.contains(param), "{first}");
    }
    api.put(&PODS, pod("streamed", "Running"));
    assert_eq!(applied(&mut w, "a change after the initial events").await.name_any(), "streamed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_seconds_ends_the_stream_and_the_watcher_rewatches() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let nodes = Api::<Node>::all(client(&api, dir.path()).await);
    let mut w = watch(nodes, watcher::Config::default().timeout(1));
    init(&mut w).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(count(&api, "GET /api/v1/nodes?", true) >= 2, "{:?}", api.requests());
    let mut node = api.get(&NODES, None, "hv3").unwrap();
    node["spec"]["unschedulable"] = json!(true);
    api.put(&NODES, node);
    let n = applied(&mut w, "the cordoned node").await;
    assert_eq!(n.spec.unwrap().unschedulable, Some(true));
    assert_eq!(
        count(&api, "GET /api/v1/nodes?", false),
        1,
        "a watch that times out is resumed, not re-listed"
    );
    assert!(
        api.requests().iter().filter(|r| r.contains("watch=true")).all(|r| r.contains("timeoutSeconds=1"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_selector_filters_the_watch() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let events = Api::<Event>::all(client(&api, dir.path()).await);
    let mut w = watch(events, watcher::Config::default().fields("involvedObject.apiVersion=kubevirt.io/v1"));
    let want = fixture_items("events.json")
        .iter()
        .filter(|e| e["involvedObject"]["apiVersion"] == "kubevirt.io/v1")
        .count();
    assert_eq!(init(&mut w).await.len(), want);
    let event = |name: &str, api_version: &str, kind: &str| {
        json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": "vms"},
            "involvedObject": {"apiVersion": api_version, "kind": kind, "name": "x", "namespace": "vms"},
            "reason": "Test", "message": "m", "type": "Normal", "count": 1})
    };
    api.put(&EVENTS, event("about-a-pod", "v1", "Pod"));
    api.put(&EVENTS, event("about-a-vmi", "kubevirt.io/v1", "VirtualMachineInstance"));
    assert_eq!(applied(&mut w, "the KubeVirt event only").await.name_any(), "about-a-vmi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_resource_is_a_403_status() {
    let api = FakeApi::with_fixtures();
    api.forbid(&PODS, true);
    let dir = tempfile::tempdir().unwrap();
    let c = client(&api, dir.path()).await;
    let err = Api::<Pod>::all(c.clone()).list(&ListParams::default()).await.unwrap_err();
    let kube::Error::Api(s) = err else { panic!("expected an API error, got {err:?}") };
    assert_eq!((s.code, s.reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        s.message,
        "pods is forbidden: User \"system:serviceaccount:default:console\" cannot list resource \"pods\" in API group \"\" at the cluster scope"
    );
    assert_eq!(s.details.as_ref().map(|d| d.kind.as_str()), Some("pods"));
    let mut w = watch(Api::<Pod>::all(c.clone()), watcher::Config::default());
    assert!(matches!(next(&mut w, "Init").await, Ok(W::Init)));
    match next(&mut w, "the failed list").await {
        Err(watcher::Error::InitialListFailed(kube::Error::Api(s))) => assert_eq!(s.code, 403),
        other => panic!("expected InitialListFailed 403, got {:?}", other.map(|_| ())),
    }
    assert!(
        Api::<Node>::all(c.clone()).list(&ListParams::default()).await.is_ok(),
        "only pods are forbidden"
    );
    api.forbid(&PODS, false);
    // The watcher retries (Init, 403) until the list is allowed, then lists everything.
    let mut listed = 0;
    loop {
        match next(&mut w, "the list once allowed").await {
            Ok(W::Init) => listed = 0,
            Ok(W::InitApply(_)) => listed += 1,
            Ok(W::InitDone) => break,
            Ok(_) => panic!("no watch before the list succeeded"),
            Err(e) => assert!(
                matches!(e, watcher::Error::InitialListFailed(kube::Error::Api(ref s)) if s.code == 403)
            ),
        }
    }
    assert_eq!(listed, fixture_items("pods.json").len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absent_kubevirt_crds_are_404_and_missing_from_discovery() {
    let api = FakeApi::with_fixtures();
    api.set_kubevirt(false);
    let dir = tempfile::tempdir().unwrap();
    let c = client(&api, dir.path()).await;
    let groups = c.list_api_groups().await.unwrap().groups;
    assert!(!groups.is_empty() && groups.iter().all(|g| g.name != "kubevirt.io"));
    let vmis = Api::<DynamicObject>::all_with(
        c.clone(),
        &kubevirt("VirtualMachineInstance", "virtualmachineinstances"),
    );
    let err = vmis.list(&ListParams::default()).await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 404 && s.reason == "NotFound"), "{err:?}");
    let err = c.list_api_group_resources("kubevirt.io/v1").await.unwrap_err();
    assert!(matches!(&err, kube::Error::Api(s) if s.code == 404), "{err:?}");
    assert!(Api::<Pod>::all(c.clone()).list(&ListParams::default()).await.is_ok());
    api.set_kubevirt(true);
    assert_eq!(
        vmis.list(&ListParams::default()).await.unwrap().items.len(),
        fixture_items("vmis.json").len()
    );
    assert!(c.list_api_groups().await.unwrap().groups.iter().any(|g| g.name == "kubevirt.io"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_going_away_and_coming_back() {
    let api = FakeApi::with_fixtures();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&api, dir.path()).await;
    let mut w = watch(Api::<Pod>::all(c.clone()), watcher::Config::default());
    init(&mut w).await;
    watching(&api, 1).await;
    api.stop();
    assert!(next(&mut w, "the error of the cut connection").await.is_err());
    assert!(c.apiserver_version().await.is_err(), "nothing listens any more");
    api.put(&PODS, pod("while-down", "Running"));
    api.restart();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match next(&mut w, "the pod put while the server was down").await {
            Ok(W::Apply(p)) if p.name_any() == "while-down" => break,
            Ok(W::Apply(_) | W::Delete(_)) => {}
            Ok(_) => panic!("no re-list is needed: the watch resumes from its resourceVersion"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
        assert!(tokio::time::Instant::now() < deadline, "the watcher never recovered");
    }
    assert_eq!(count(&api, "GET /api/v1/pods", false), 1);
    assert!(c.apiserver_version().await.is_ok());
}
