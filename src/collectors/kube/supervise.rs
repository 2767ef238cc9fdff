//! The Kubernetes collector's main loop: connect, learn the cluster, start one watcher per
//! kind, and fold the watchers' states into the `kubernetes` and `kubevirt` health.

use super::KubeError;
use super::hostfacts;
use super::watch::{self, KindState, Sinks};
use crate::collectors::{Backoff, SourceTx};
use crate::config::KubernetesConfig;
use crate::event::{Health, SourceId, Update};
use crate::model::cluster::objects::{Kind, Object};
use crate::model::cluster::{ClusterInfo, KubeUpdate, parse};
use crate::model::freshness::kind_source;
use k8s_openapi::api::core::v1 as core;
use kube::api::{Api, DynamicObject};
use kube::runtime::watcher;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

const CORE: [Kind; 4] = [Kind::Node, Kind::Pod, Kind::Service, Kind::Pvc];
const KUBEVIRT: [Kind; 4] = [Kind::Vm, Kind::Vmi, Kind::Migration, Kind::Event];
/// How often the API is asked whether it is back, while a watcher says it is unreachable.
const RECHECK: Duration = Duration::from_secs(3);
/// How long that question may take before the API counts as not answering.
const PROBE: Duration = Duration::from_secs(2);
/// How often a cluster without KubeVirt is asked whether the CRDs have appeared.
const KUBEVIRT_RECHECK: Duration = Duration::from_secs(60);

/// This host's node name: the config's, else the hostname (as k3s names its node).
pub fn node_name(cfg: &KubernetesConfig) -> String {
    if let Some(n) = &cfg.node_name {
        return n.clone();
    }
    let proc = crate::collectors::proc_root();
    std::fs::read_to_string(proc.join("sys/kernel/hostname"))
        .map(|h| h.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn host_info(cfg: &KubernetesConfig, server: String, version: String) -> ClusterInfo {
    let dirs: Vec<&Path> = hostfacts::CNI_DIRS.iter().map(Path::new).collect();
    let (service_cidr, cluster_cidr) =
        hostfacts::k3s_cidrs(Path::new(hostfacts::K3S_CONFIG), &crate::collectors::proc_root());
    ClusterInfo {
        node_name: node_name(cfg),
        server,
        version,
        cni: hostfacts::cni_configs(&dirs),
        service_cidr,
        cluster_cidr,
    }
}

/// Watches a typed core kind across all namespaces; returns the kind when the watch ends.
async fn typed<K>(
    c: kube::Client,
    wc: watcher::Config,
    kind: Kind,
    convert: fn(&K) -> Object,
    sinks: Sinks,
) -> Kind
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
{
    watch::run(Api::<K>::all(c), wc, kind, convert, sinks).await;
    kind
}

/// Starts the watcher of one kind; the task returns the kind when it ends.
fn spawn_kind(set: &mut JoinSet<Kind>, client: &kube::Client, kind: Kind, sinks: Sinks) -> tokio::task::Id {
    let c = client.clone();
    let wc = watcher::Config::default();
    match kind {
        Kind::Node => set.spawn(typed::<core::Node>(c, wc, kind, |o| Object::Node(o.into()), sinks)),
        Kind::Pod => set.spawn(typed::<core::Pod>(c, wc, kind, |o| Object::Pod(o.into()), sinks)),
        Kind::Service => set.spawn(typed::<core::Service>(c, wc, kind, |o| Object::Service(o.into()), sinks)),
        Kind::Pvc => {
            set.spawn(typed::<core::PersistentVolumeClaim>(c, wc, kind, |o| Object::Pvc(o.into()), sinks))
        }
        Kind::Event => {
            let wc = wc.fields("involvedObject.apiVersion=kubevirt.io/v1");
            set.spawn(typed::<core::Event>(c, wc, kind, |o| Object::Event(o.into()), sinks))
        }
        Kind::Vm | Kind::Vmi | Kind::Migration => set.spawn(async move {
            let api: Api<DynamicObject> = Api::all_with(c, &super::rbac::kubevirt(kind));
            let convert = move |o: &DynamicObject| {
                let v = serde_json::json!({ "metadata": o.metadata, "spec": o.data.get("spec"), "status": o.data.get("status") });
                match kind {
                    Kind::Vm => Object::Vm(parse::vm(&v)),
                    Kind::Vmi => Object::Vmi(parse::vmi(&v)),
                    _ => Object::Migration(parse::migration(&v)),
                }
            };
            watch::run(api, wc, kind, convert, sinks).await;
            kind
        }),
    }
    .id()
}

/// The health of one source from its kinds' states.
pub fn fold(states: &BTreeMap<Kind, KindState>, kinds: &[Kind], ok: &str) -> Health {
    let of = |want: fn(&KindState) -> Option<&String>| -> Vec<(Kind, &String)> {
        kinds.iter().filter_map(|k| Some((*k, want(states.get(k)?)?))).collect()
    };
    let unreachable = of(|s| if let KindState::Unreachable(m) = s { Some(m) } else { None });
    if let Some((_, m)) = unreachable.first() {
        return Health::Unavailable(format!("API unreachable: {m}"));
    }
    let forbidden = of(|s| if let KindState::Forbidden(m) = s { Some(m) } else { None });
    if let Some((_, m)) = forbidden.first() {
        let kinds = forbidden.iter().map(|(k, _)| k.plural()).collect();
        // Short words for the header; each kind's API message stays in the model (`missing`).
        return Health::Error(KubeError::Forbidden { kinds, message: m.to_string() }.to_string());
    }
    let absent = of(|s| if let KindState::Absent(m) = s { Some(m) } else { None });
    if !absent.is_empty() {
        let names: Vec<&str> = absent.iter().map(|(k, _)| k.plural()).collect();
        return Health::Unavailable(format!("not served: {} (CRDs absent?)", names.join(", ")));
    }
    let errors = of(|s| if let KindState::Error(m) = s { Some(m) } else { None });
    if let Some((k, m)) = errors.first() {
        return Health::Error(format!("{}: {m}", k.plural()));
    }
    Health::Ok(ok.to_string())
}

/// Watches the cluster until the app goes away; reconnects with backoff while it cannot, and
/// with a client rebuilt from the kubeconfig when that file is renewed or the token rejected.
pub async fn run(cfg: KubernetesConfig, tx: mpsc::Sender<Update>) {
    let mut k8s = SourceTx::new(SourceId::Kubernetes, tx.clone());
    let mut kv = SourceTx::new(SourceId::Kubevirt, tx.clone());
    if !cfg.enabled {
        let off = "disabled in config ([kubernetes] enabled = false)".to_string();
        k8s.health(Health::Disabled(off.clone())).await;
        kv.health(Health::Disabled(off)).await;
        return;
    }
    // Capped at 2 s: a console started while the API is down must be `ok` within seconds of
    // the API answering (one request every 2 s to a local API server costs nothing).
    let mut backoff = Backoff::new(Duration::from_secs(2));
    loop {
        let conn = match super::connect(&cfg).await {
            Ok(c) => c,
            Err(e) => {
                k8s.health(Health::Unavailable(e.to_string())).await;
                kv.health(needs()).await;
                tokio::time::sleep(backoff.next_delay()).await;
                continue;
            }
        };
        let (client, url) = (&conn.client, conn.url.clone());
        let version = match tokio::time::timeout(Duration::from_secs(5), client.apiserver_version()).await {
            Ok(Ok(v)) => v.git_version,
            Ok(Err(kube::Error::Api(s))) if s.code == 401 => {
                k8s.health(Health::Error(rejected(&conn, s.message))).await;
                kv.health(needs()).await;
                tokio::time::sleep(backoff.next_delay()).await;
                continue;
            }
            Ok(Err(source)) => {
                k8s.health(Health::Unavailable(KubeError::Unreachable { url, source }.to_string())).await;
                kv.health(needs()).await;
                tokio::time::sleep(backoff.next_delay()).await;
                continue;
            }
            Err(_) => {
                let after = Duration::from_secs(5);
                k8s.health(Health::Unavailable(KubeError::Timeout { url, after }.to_string())).await;
                kv.health(needs()).await;
                tokio::time::sleep(backoff.next_delay()).await;
                continue;
            }
        };
        backoff.reset();
        let info = host_info(&cfg, url.clone(), version.clone());
        if tx.send(Update::Kube(Box::new(KubeUpdate::Info(info)))).await.is_err() {
            return;
        }
        let ok = format!("API server {version} at {url}");
        k8s.health(Health::Ok(ok.clone())).await;
        match watch_all(&conn, &ok, &tx, &mut k8s, &mut kv).await {
            Ended::AppGone => return,
            Ended::Renewed => {}
            Ended::Rejected(message) => {
                k8s.health(Health::Error(rejected(&conn, message))).await;
                kv.health(needs()).await;
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
    }
}

fn needs() -> Health {
    Health::Unavailable("needs Kubernetes".into())
}

/// "token rejected (401) by …; waiting for a renewed /run/…/kubeconfig".
fn rejected(conn: &super::Connection, message: String) -> String {
    let path = conn.source.as_ref().map(|s| s.path.clone());
    KubeError::Unauthorized { url: conn.url.clone(), path, message }.to_string()
}

/// Why the watchers stopped.
enum Ended {
    AppGone,
    /// The kubeconfig was replaced: connect again with it.
    Renewed,
    /// The API rejected the token (401): connect again once the kubeconfig is renewed.
    Rejected(String),
}

/// The API answers and these kinds' watches are open: what is shown of them is still true
/// (a quiet watch says nothing, and kube's watcher keeps the API's bookmarks to itself).
/// False when the app has gone.
async fn confirm_synced(states: &BTreeMap<Kind, KindState>, tx: &mpsc::Sender<Update>) -> bool {
    for (kind, _) in states.iter().filter(|(_, s)| **s == KindState::Synced) {
        let u = Update::Confirmed(kind_source(*kind), Some(kind.plural().to_string()));
        if tx.send(u).await.is_err() {
            return false;
        }
    }
    true
}

async fn kubevirt_served(client: &kube::Client) -> Option<bool> {
    let groups = tokio::time::timeout(Duration::from_secs(5), client.list_api_groups()).await.ok()?.ok()?;
    Some(groups.groups.iter().any(|g| g.name == "kubevirt.io"))
}

const ABSENT: &str = "KubeVirt CRDs absent (no kubevirt.io API group)";

/// Runs the watchers and keeps both sources' health; returns when the app has gone, the
/// kubeconfig was renewed or the token rejected.
async fn watch_all(
    conn: &super::Connection,
    ok: &str,
    tx: &mpsc::Sender<Update>,
    k8s: &mut SourceTx,
    kv: &mut SourceTx,
) -> Ended {
    let client = &conn.client;
    let (states_tx, mut states_rx) = mpsc::channel::<(Kind, KindState)>(64);
    let sinks = || Sinks { updates: tx.clone(), states: states_tx.clone() };
    let mut set = JoinSet::new();
    let mut ids: HashMap<tokio::task::Id, Kind> = HashMap::new();
    for kind in CORE {
        ids.insert(spawn_kind(&mut set, client, kind, sinks()), kind);
    }
    let mut kubevirt_on = false;
    let mut states: BTreeMap<Kind, KindState> = BTreeMap::new();
    let mut synced_once: Vec<Kind> = Vec::new();
    let mut recheck = tokio::time::interval(RECHECK);
    let mut last_kubevirt_check: Option<tokio::time::Instant> = None;
    loop {
        if !kubevirt_on && last_kubevirt_check.is_none_or(|t| t.elapsed() >= KUBEVIRT_RECHECK) {
            last_kubevirt_check = Some(tokio::time::Instant::now());
            match kubevirt_served(client).await {
                Some(true) => {
                    kubevirt_on = true;
                    for kind in KUBEVIRT {
                        ids.insert(spawn_kind(&mut set, client, kind, sinks()), kind);
                    }
                }
                Some(false) => {
                    for kind in [Kind::Vm, Kind::Vmi, Kind::Migration] {
                        let u = KubeUpdate::Missing(kind, ABSENT.into());
                        if tx.send(Update::Kube(Box::new(u))).await.is_err() {
                            return Ended::AppGone;
                        }
                    }
                    kv.health(Health::Unavailable(ABSENT.into())).await;
                }
                None => {}
            }
        }
        let k8s_kinds: Vec<Kind> = CORE.into_iter().chain([Kind::Event]).collect();
        k8s.health(fold(&states, &k8s_kinds, ok)).await;
        if kubevirt_on {
            kv.health(fold(&states, &[Kind::Vm, Kind::Vmi, Kind::Migration], "kubevirt.io/v1 served")).await;
        }
        if tx.is_closed() {
            set.abort_all();
            return Ended::AppGone;
        }
        tokio::select! {
            Some((kind, state)) = states_rx.recv() => {
                if let KindState::Unauthorized(message) = state {
                    set.abort_all();
                    return Ended::Rejected(message);
                }
                if state == KindState::Synced && !synced_once.contains(&kind) {
                    synced_once.push(kind);
                }
                states.insert(kind, state);
            }
            Some(done) = set.join_next_with_id() => {
                // A watcher ended: the app has gone, or it died (a panic); restart it.
                let id = match done { Ok((id, _)) => id, Err(e) => e.id() };
                if tx.is_closed() { set.abort_all(); return Ended::AppGone; }
                if let Some(kind) = ids.remove(&id) {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    ids.insert(spawn_kind(&mut set, client, kind, sinks()), kind);
                }
            }
            _ = recheck.tick() => {
                if conn.source.as_ref().is_some_and(|s| s.changed()) {
                    set.abort_all();
                    return Ended::Renewed;
                }
                let down = states.values().any(|s| matches!(s, KindState::Unreachable(_)));
                let answers = tokio::time::timeout(PROBE, client.apiserver_version()).await.is_ok_and(|r| r.is_ok());
                if down && answers {
                    for (kind, s) in states.iter_mut() {
                        if matches!(s, KindState::Unreachable(_)) {
                            *s = if synced_once.contains(kind) { KindState::Synced } else { KindState::Listing };
                        }
                    }
                } else if answers && !confirm_synced(&states, tx).await {
                    return Ended::AppGone;
                }
            }
        }
    }
}
