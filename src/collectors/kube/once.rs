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

/// Whether a source has answered: its health, and for `ok`/`error` every kind of it listed or
/// known missing (an `ok` that arrives before a refusal is folded in is mended after the loop,
/// by [`with_refusals`]).
fn answered(h: &Health, c: &Cluster, kinds: &[Kind]) -> bool {
    match h {
        Health::Starting => false,
        // An error before the cluster was known (the token rejected): no watch will answer.
        Health::Error(_) if c.info.server.is_empty() => true,
        Health::Ok(_) | Health::Error(_) => settled(c, kinds),
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
    // The kinds' answers and the health folded from them travel separately: the last kind
    // refused can be here before the health that says so. The snapshot says the same either way.
    snap.kubernetes = with_refusals(snap.kubernetes, &snap.cluster, &core);
    snap.kubevirt = with_refusals(snap.kubevirt, &snap.cluster, &kubevirt);
    snap
}

/// Without the `kubernetes` feature nothing is ever asked, so nothing is refused.
#[cfg(not(feature = "kubernetes"))]
fn with_refusals(h: Health, _: &Cluster, _: &[Kind]) -> Health {
    h
}

/// `h`, or when it is still `Ok` while some of `kinds` were refused, the error the collector
/// folds from them ("forbidden: pods, services (RBAC)").
#[cfg(feature = "kubernetes")]
fn with_refusals(h: Health, c: &Cluster, kinds: &[Kind]) -> Health {
    let refused: Vec<(Kind, &String)> = kinds
        .iter()
        .filter_map(|k| Some((*k, c.missing.get(k)?)))
        .filter(|(_, why)| why.starts_with("forbidden"))
        .collect();
    match (&h, refused.first()) {
        (Health::Ok(_), Some((_, why))) => {
            let message = why.trim_start_matches("forbidden: ").to_string();
            let kinds = refused.iter().map(|(k, _)| k.plural()).collect();
            Health::Error(super::error::KubeError::Forbidden { kinds, message }.to_string())
        }
        _ => h,
    }
}

#[cfg(all(test, feature = "kubernetes"))]
mod tests {
    use super::*;
    use crate::model::cluster::KubeUpdate;

    #[test]
    fn a_refused_kind_makes_an_ok_health_an_error_whichever_arrived_first() {
        let mut c = Cluster::default();
        c.apply(KubeUpdate::Replace(Kind::Node, vec![]));
        let core = [Kind::Node, Kind::Pod];
        let ok = Health::Ok("API server v1.31".into());
        assert_eq!(with_refusals(ok.clone(), &c, &core), ok);
        c.apply(KubeUpdate::Missing(Kind::Pod, "forbidden: pods is forbidden: User \"x\"".into()));
        let h = with_refusals(ok, &c, &core);
        assert_eq!(h, Health::Error("forbidden: pods (RBAC)".into()));
        let down = Health::Unavailable("API unreachable".into());
        assert_eq!(with_refusals(down.clone(), &c, &core), down, "only an ok health is corrected");
    }
}
