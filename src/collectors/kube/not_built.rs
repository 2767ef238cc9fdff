//! The Kubernetes and KubeVirt sources in a build without the `kubernetes` cargo feature:
//! both say "not built in" and no cluster is ever listed (so nothing is counted as zero).

use crate::config::KubernetesConfig;
use crate::event::{Health, SourceId, Update};
use std::time::Duration;
use tokio::sync::mpsc;

/// The reason both sources carry in such a build.
pub const NOT_BUILT_IN: &str = "not built in (cargo feature \"kubernetes\")";

fn not_built_in() -> Health {
    Health::Disabled(NOT_BUILT_IN.into())
}

/// Reports both sources as not built in, then ends.
pub async fn run(_cfg: KubernetesConfig, tx: mpsc::Sender<Update>) {
    for id in [SourceId::Kubernetes, SourceId::Kubevirt] {
        let _ = tx.send(Update::Health(id, not_built_in())).await;
    }
}

pub async fn probe_both(_cfg: &KubernetesConfig, _timeout: Duration) -> (Health, Health) {
    (not_built_in(), not_built_in())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_sources_say_not_built_in() {
        let want = Health::Disabled(NOT_BUILT_IN.into());
        let cfg = KubernetesConfig::default();
        assert_eq!(probe_both(&cfg, Duration::from_secs(1)).await, (want.clone(), want.clone()));
        let (tx, mut rx) = mpsc::channel(4);
        run(cfg, tx).await;
        for id in [SourceId::Kubernetes, SourceId::Kubevirt] {
            assert_eq!(rx.recv().await, Some(Update::Health(id, want.clone())));
        }
    }
}
