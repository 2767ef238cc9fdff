//! The Kubernetes sources as built with the `kubernetes` feature: the client, the probe.

use super::KubeError;
use super::kubeconfig_candidates;
use super::reload::Source;
use crate::config::KubernetesConfig;
use crate::event::Health;
use std::time::Duration;

/// A client, the server URL, and the kubeconfig it was built from (`None`: in-cluster).
pub struct Connection {
    pub client: kube::Client,
    pub url: String,
    pub source: Option<Source>,
}

/// A client from the first kubeconfig found (or the in-cluster account), with the server URL.
pub async fn client(cfg: &KubernetesConfig) -> Result<(kube::Client, String), KubeError> {
    connect(cfg).await.map(|c| (c.client, c.url))
}

/// [`client`], remembering which kubeconfig it came from and how that file looked, so a
/// renewed one can be noticed.
pub async fn connect(cfg: &KubernetesConfig) -> Result<Connection, KubeError> {
    let candidates = kubeconfig_candidates(cfg);
    let (config, source) = match candidates.iter().find(|p| p.exists()) {
        Some(path) => {
            let source = Source::before_reading(path);
            let kc = kube::config::Kubeconfig::read_from(path)
                .map_err(|source| KubeError::ReadKubeconfig { path: path.clone(), source })?;
            let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
                .await
                .map_err(|source| KubeError::BadKubeconfig { path: path.clone(), source })?;
            (config, Some(source))
        }
        None => (kube::Config::incluster().map_err(|_| KubeError::NoKubeconfig { candidates })?, None),
    };
    let url = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(KubeError::Client)?;
    Ok(Connection { client, url: url.trim_end_matches('/').to_string(), source })
}

/// Health of Kubernetes and of KubeVirt on it, each bounded by `timeout`.
pub async fn probe_both(cfg: &KubernetesConfig, timeout: Duration) -> (Health, Health) {
    if !cfg.enabled {
        let off = "disabled in config ([kubernetes] enabled = false)".to_string();
        return (Health::Disabled(off.clone()), Health::Disabled(off));
    }
    let (client, url) = match client(cfg).await {
        Ok(c) => c,
        Err(e) => return (Health::Unavailable(e.detail()), needs()),
    };
    let version = tokio::time::timeout(timeout, client.apiserver_version()).await;
    let k8s = match version {
        Ok(Ok(v)) => Health::Ok(format!("API server {}", v.git_version)),
        Ok(Err(kube::Error::Api(s))) if s.code == 401 => {
            let path = kubeconfig_candidates(cfg).into_iter().find(|p| p.exists());
            return (
                Health::Error(KubeError::Unauthorized { url, path, message: s.message }.detail()),
                needs(),
            );
        }
        Ok(Err(source)) => {
            return (Health::Unavailable(KubeError::Unreachable { url, source }.detail()), needs());
        }
        Err(_) => {
            return (Health::Unavailable(KubeError::Timeout { url, after: timeout }.to_string()), needs());
        }
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
