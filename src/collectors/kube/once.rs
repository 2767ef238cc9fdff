//! One look at the cluster for `snapshot`: run the collector until every kind is listed
//! (or known to be missing) and both sources have answered, bounded by a timeout.

use crate::config::KubernetesConfig;
use crate::event::{Health, SourceId, Update};
use crate::model::cluster::Cluster;
use crate::model::cluster::objects::Kind;
use std::time::Duration;
use tokio::sync::mpsc;

/// The cluster as listed, with the `kubernetes` and `kubevirt` health.
pub struct ClusterSnapshot {
    pub cluster: Cluster,
    pub kubernetes: Health,
    pub kubevirt: Health,
}

fn settled(c: &Cluster, kinds: &[Kind]) -> bool {
    kinds.iter().all(|k| c.synced.contains(k) || c.missing.contains_key(k))
}

/// Whether the source's health has caught up with its kinds: a kind goes missing (its
/// watcher's update) a moment before the supervisor folds that into the health, so an `ok`
/// beside a missing kind is not the answer yet.
fn answered(h: &Health, c: &Cluster, kinds: &[Kind]) -> bool {
    match h {
        Health::Starting => false,
        Health::Ok(_) => settled(c, kinds) && !kinds.iter().any(|k| c.missing.contains_key(k)),
        Health::Error(_) => settled(c, kinds),
        _ => true,
    }
}

pub async fn sync_once(cfg: &KubernetesConfig, timeout: Duration) -> ClusterSnapshot {
    let (tx, mut rx) = mpsc::channel::<Update>(crate::collectors::CHANNEL_CAPACITY);
    let task = tokio::spawn(super::run(cfg.clone(), tx));
    let mut snap = ClusterSnapshot {
        cluster: Cluster::default(),
        kubernetes: Health::Starting,
        kubevirt: Health::Starting,
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let core = [Kind::Node, Kind::Pod, Kind::Service, Kind::Pvc];
    let kubevirt = [Kind::Vm, Kind::Vmi, Kind::Migration];
    loop {
        let k8s_done = answered(&snap.kubernetes, &snap.cluster, &core);
        // An error (a kind forbidden) still waits for every other kind: otherwise which
        // kinds are named missing would depend on which watch answered first.
        let kv_done = answered(&snap.kubevirt, &snap.cluster, &kubevirt)
            && (matches!(snap.kubevirt, Health::Unavailable(_) | Health::Disabled(_))
                || settled(&snap.cluster, &[Kind::Event]));
        if k8s_done && kv_done {
            break;
        }
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(Update::Kube(u))) => _ = snap.cluster.apply(*u),
            Ok(Some(Update::Health(SourceId::Kubernetes, h))) => snap.kubernetes = h,
            Ok(Some(Update::Health(SourceId::Kubevirt, h))) => snap.kubevirt = h,
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                let late = format!("no full answer within {} s", timeout.as_secs());
                if matches!(snap.kubernetes, Health::Starting) {
                    snap.kubernetes = Health::Unavailable(late.clone());
                }
                if matches!(snap.kubevirt, Health::Starting) {
                    snap.kubevirt = Health::Unavailable(late);
                }
                break;
            }
        }
    }
    task.abort();
    snap
}
