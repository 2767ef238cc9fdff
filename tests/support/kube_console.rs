//! The Kubernetes collector running against a fake API server, feeding a model: what the
//! console's cluster panels read, without a terminal.

use hypervisor_tui::config::KubernetesConfig;
use hypervisor_tui::event::{SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::cluster::objects::Kind;
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long a wait for the model may take.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct Console {
    pub model: Model,
    rx: mpsc::Receiver<Update>,
}

impl Console {
    /// The collector with the kubeconfig at `kubeconfig` (node `hv1`).
    pub fn start(kubeconfig: &Path) -> Console {
        let cfg = KubernetesConfig {
            enabled: true,
            kubeconfig: Some(kubeconfig.to_path_buf()),
            node_name: Some("hv1".into()),
        };
        let (tx, rx) = mpsc::channel(256);
        tokio::spawn(hypervisor_tui::collectors::kube::run(cfg, tx));
        Console { model: Model::default(), rx }
    }

    /// Applies updates until `done` holds; panics with the model's state after `WAIT`.
    pub async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(&self.model) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(u)) => self.model.apply(u),
                _ => panic!(
                    "timed out waiting for {what}; k8s {:?} kubevirt {:?} synced {:?} missing {:?}",
                    self.model.health(SourceId::Kubernetes),
                    self.model.health(SourceId::Kubevirt),
                    self.model.cluster.synced,
                    self.model.cluster.missing
                ),
            }
        }
    }

    /// Until every kind is listed and the API answers.
    pub async fn synced(&mut self) {
        self.until("every kind listed", |m| {
            Kind::ALL.iter().all(|k| m.cluster.synced.contains(k)) && m.health(SourceId::Kubernetes).is_ok()
        })
        .await;
    }
}
