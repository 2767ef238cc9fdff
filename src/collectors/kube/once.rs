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
        let k8s_done = match &snap.kubernetes {
            Health::Starting => false,
            Health::Ok(_) | Health::Error(_) => settled(&snap.cluster, &core),
            _ => true,
        };
        // An error (a kind forbidden) still waits for every other kind: otherwise which
        // kinds are named missing would depend on which watch answered first.
        let kv_done = match &snap.kubevirt {
            Health::Starting => false,
            Health::Ok(_) | Health::Error(_) => {
                settled(&snap.cluster, &kubevirt) && settled(&snap.cluster, &[Kind::Event])
            }
            _ => true,
        };
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
