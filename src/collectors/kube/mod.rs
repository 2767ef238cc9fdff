//! The Kubernetes and KubeVirt sources: find a kubeconfig, ask the API server its version
//! and whether kubevirt.io is served, then watch every kind (`watch.rs`) and turn the
//! watchers' states into the two sources' health (`supervise.rs`). Built without the
//! `kubernetes` cargo feature, both sources say "not built in" (`not_built.rs`).

#[cfg(feature = "kubernetes")]
pub mod error;
pub mod hostfacts;
// Always compiled, so its behaviour is unit-tested in every build; used without the feature.
#[cfg_attr(feature = "kubernetes", allow(dead_code))]
mod not_built;
pub mod once;
#[cfg(feature = "kubernetes")]
pub mod rbac;
#[cfg(feature = "kubernetes")]
pub mod reload;
#[cfg(feature = "kubernetes")]
mod source;
#[cfg(feature = "kubernetes")]
mod supervise;
#[cfg(feature = "kubernetes")]
pub mod watch;

use crate::config::KubernetesConfig;
#[cfg(feature = "kubernetes")]
pub use error::KubeError;
#[cfg(not(feature = "kubernetes"))]
pub use not_built::{NOT_BUILT_IN, probe_both, run};
#[cfg(feature = "kubernetes")]
pub use source::{Connection, client, connect, probe_both};
use std::path::PathBuf;
#[cfg(feature = "kubernetes")]
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
