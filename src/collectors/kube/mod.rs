//! The Kubernetes and KubeVirt sources: find a kubeconfig, ask the API server its version
//! and whether kubevirt.io is served, then watch every kind (`watch.rs`) and turn the
//! watchers' states into the two sources' health (`supervise.rs`).

pub mod hostfacts;
pub mod once;
mod supervise;
pub mod watch;

use crate::config::KubernetesConfig;
use crate::event::Health;
use std::path::PathBuf;
use std::time::Duration;
pub use supervise::run;

const K3S_KUBECONFIG: &str = "/etc/rancher/k3s/k3s.yaml";

/// Candidate kubeconfigs in order: config, KUBECONFIG, k3s, ~/.kube/config.
pub fn kubeconfig_candidates(cfg: &KubernetesConfig) -> Vec<PathBuf> {
    if let Some(p) = &cfg.kubeconfig {
        return vec![p.clone()];
    }
    let mut out: Vec<PathBuf> =
        std::env::var_os("KUBECONFIG").map(|v| std::env::split_paths(&v).collect()).unwrap_or_default();
    out.push(K3S_KUBECONFIG.into());
    if let Some(home) = std::env::var_os("HOME") {
        out.push(PathBuf::from(home).join(".kube/config"));
    }
    out
}

/// A client from the first kubeconfig found (or the in-cluster account), with the server URL.
pub async fn client(cfg: &KubernetesConfig) -> Result<(kube::Client, String), String> {
    let candidates = kubeconfig_candidates(cfg);
    let config = match candidates.iter().find(|p| p.exists()) {
        Some(path) => {
            let kc = kube::config::Kubeconfig::read_from(path)
                .map_err(|e| format!("cannot read kubeconfig {}: {e}", path.display()))?;
            kube::Config::from_custom_kubeconfig(kc, &Default::default())
                .await
                .map_err(|e| format!("bad kubeconfig {}: {e}", path.display()))?
        }
        None => kube::Config::incluster().map_err(|_| {
            let shown: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            format!("no kubeconfig ({}) and not in a cluster", shown.join(", "))
        })?,
    };
    let url = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(|e| format!("cannot build a client: {e}"))?;
    Ok((client, url.trim_end_matches('/').to_string()))
}

/// Health of Kubernetes and of KubeVirt on it, each bounded by `timeout`.
pub async fn probe_both(cfg: &KubernetesConfig, timeout: Duration) -> (Health, Health) {
    if !cfg.enabled {
        let off = "disabled in config ([kubernetes] enabled = false)".to_string();
        return (Health::Disabled(off.clone()), Health::Disabled(off));
    }
    let client = match client(cfg).await {
        Ok((c, _)) => c,
        Err(e) => return (Health::Unavailable(e), Health::Unavailable("needs Kubernetes".into())),
    };
    let version = tokio::time::timeout(timeout, client.apiserver_version()).await;
    let k8s = match version {
        Ok(Ok(v)) => Health::Ok(format!("API server {}", v.git_version)),
        Ok(Err(e)) => return (Health::Unavailable(format!("API unreachable: {e}")), needs()),
        Err(_) => return (Health::Unavailable(format!("API did not answer within {timeout:?}")), needs()),
    };
    let kubevirt = match tokio::time::timeout(timeout, client.list_api_groups()).await {
        Ok(Ok(groups)) if groups.groups.iter().any(|g| g.name == "kubevirt.io") => {
            Health::Ok("kubevirt.io served".into())
        }
        Ok(Ok(_)) => Health::Unavailable("KubeVirt CRDs absent (no kubevirt.io API group)".into()),
        Ok(Err(e)) => Health::Error(format!("API group discovery failed: {e}")),
        Err(_) => Health::Unavailable("API group discovery timed out".into()),
    };
    (k8s, kubevirt)
}

fn needs() -> Health {
    Health::Unavailable("needs Kubernetes".into())
}
