//! The KubeVirt and node verbs, through kube with actiond's own kubeconfig
//! (`[actions] kubeconfig`, never the console's read-only one):
//!
//! - guest start / shutdown / reboot / force off: PUT the VirtualMachine's `start`, `stop`,
//!   `restart` subresources (`subresources.kubevirt.io/v1`); force off is `stop` with
//!   `gracePeriod: 0`;
//! - suspend / resume: PUT the VirtualMachineInstance's `pause` / `unpause`;
//! - migrate: POST a VirtualMachineInstanceMigration for the VMI;
//! - cordon / uncordon: a merge patch of the node's `spec.unschedulable`.
//!
//! The API server's refusals come back in its own words (`VM is not running (409)`).

use super::protocol::Target;
use crate::config::Verb;
use std::path::Path;

/// Longest wait for the API server, connection included.
#[cfg(feature = "kubernetes")]
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Kubernetes object names (RFC 1123 subdomains): refused before anything is sent.
pub fn check_names(names: &[&String]) -> Result<(), String> {
    for n in names {
        let ok = !n.is_empty()
            && n.len() <= 253
            && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && n.starts_with(|c: char| c.is_ascii_alphanumeric())
            && n.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            return Err(format!("{n:?} is not a Kubernetes object name"));
        }
    }
    Ok(())
}

/// One request: its method and path as the audit trail and errors name them.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// PUT `{collection}/{name}/{sub}` with `body`.
    Subresource { collection: String, name: String, sub: &'static str, body: serde_json::Value },
    /// POST `body` to `collection`.
    Create { collection: String, body: serde_json::Value },
    /// Merge-patch `name` in `collection` with `body`.
    Patch { collection: String, name: String, body: serde_json::Value },
}

/// What `verb` on `target` sends.
pub fn call(verb: Verb, target: &Target) -> Result<Call, String> {
    use serde_json::json;
    let not = || format!("{} does not apply to a {}", verb.name(), target.kind());
    match target {
        Target::KubevirtVm { namespace, name } => {
            let sub =
                |plural: &str| format!("/apis/subresources.kubevirt.io/v1/namespaces/{namespace}/{plural}");
            let (plural, sub_name, body) = match verb {
                Verb::GuestStart => ("virtualmachines", "start", json!({})),
                Verb::GuestShutdown => ("virtualmachines", "stop", json!({})),
                Verb::GuestForceOff => ("virtualmachines", "stop", json!({"gracePeriod": 0})),
                Verb::GuestReboot => ("virtualmachines", "restart", json!({})),
                Verb::GuestSuspend => ("virtualmachineinstances", "pause", json!({})),
                Verb::GuestResume => ("virtualmachineinstances", "unpause", json!({})),
                Verb::GuestMigrate => {
                    let body = json!({
                        "apiVersion": "kubevirt.io/v1",
                        "kind": "VirtualMachineInstanceMigration",
                        "metadata": {"generateName": format!("{name}-migration-"), "namespace": namespace},
                        "spec": {"vmiName": name}
                    });
                    let collection = format!(
                        "/apis/kubevirt.io/v1/namespaces/{namespace}/virtualmachineinstancemigrations"
                    );
                    return Ok(Call::Create { collection, body });
                }
                _ => return Err(not()),
            };
            Ok(Call::Subresource { collection: sub(plural), name: name.clone(), sub: sub_name, body })
        }
        Target::KubeNode { name } => {
            let unschedulable = match verb {
                Verb::NodeCordon => true,
                Verb::NodeUncordon => false,
                _ => return Err(not()),
            };
            let body = json!({"spec": {"unschedulable": unschedulable}});
            Ok(Call::Patch { collection: "/api/v1/nodes".into(), name: name.clone(), body })
        }
        _ => Err(not()),
    }
}

/// Runs `verb` on `target` with the kubeconfig at `kubeconfig`; what happened in words.
#[cfg(feature = "kubernetes")]
pub fn run(verb: Verb, target: &Target, kubeconfig: &Path) -> Result<String, String> {
    let call = call(verb, target)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let what = format!("{} {}", verb.name(), target.describe());
    let answer = rt.block_on(async {
        match tokio::time::timeout(TIMEOUT, send(&call, kubeconfig)).await {
            Ok(r) => r,
            Err(_) => Err(format!("no answer from the API server within {} s", TIMEOUT.as_secs())),
        }
    })?;
    Ok(match call {
        Call::Create { .. } => {
            let made: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
            let name = made["metadata"]["name"].as_str().unwrap_or("?");
            format!("{what}: migration {} created", one_line(name))
        }
        _ => format!("{what}: done"),
    })
}

#[cfg(feature = "kubernetes")]
async fn send(call: &Call, kubeconfig: &Path) -> Result<String, String> {
    use kube::api::{Patch, PatchParams, PostParams};
    use kube::core::Request;
    let kc = kube::config::Kubeconfig::read_from(kubeconfig)
        .map_err(|e| format!("cannot read {}: {e}", kubeconfig.display()))?;
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .map_err(|e| format!("{}: {e}", kubeconfig.display()))?;
    let client = kube::Client::try_from(config).map_err(|e| format!("cannot make a client: {e}"))?;
    let body = |v: &serde_json::Value| serde_json::to_vec(v).map_err(|e| e.to_string());
    let req = match call {
        Call::Subresource { collection, name, sub, body: b } => {
            Request::new(collection).replace_subresource(sub, name, &PostParams::default(), body(b)?)
        }
        Call::Create { collection, body: b } => {
            Request::new(collection).create(&PostParams::default(), body(b)?)
        }
        Call::Patch { collection, name, body: b } => {
            Request::new(collection).patch(name, &PatchParams::default(), &Patch::Merge(b))
        }
    }
    .map_err(|e| format!("cannot build the request: {e}"))?;
    client.request_text(req).await.map_err(|e| match e {
        kube::Error::Api(s) => format!("{} ({})", one_line(&s.message), s.code),
        other => one_line(&other.to_string()),
    })
}

/// The API server's text as one bounded line (it reaches the audit record and the footer).
#[cfg(feature = "kubernetes")]
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).take(300).collect()
}

#[cfg(not(feature = "kubernetes"))]
pub fn run(_verb: Verb, _target: &Target, _kubeconfig: &Path) -> Result<String, String> {
    Err("Kubernetes support is not built in".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_map_to_kubevirt_subresources_and_node_patches() {
        let vm = Target::KubevirtVm { namespace: "prod".into(), name: "web-1".into() };
        let Ok(Call::Subresource { collection, sub, body, .. }) = call(Verb::GuestForceOff, &vm) else {
            panic!()
        };
        assert_eq!(collection, "/apis/subresources.kubevirt.io/v1/namespaces/prod/virtualmachines");
        assert_eq!((sub, body), ("stop", serde_json::json!({"gracePeriod": 0})));
        let Ok(Call::Subresource { collection, sub, .. }) = call(Verb::GuestSuspend, &vm) else { panic!() };
        assert!(collection.ends_with("/virtualmachineinstances") && sub == "pause");
        assert!(matches!(call(Verb::GuestMigrate, &vm), Ok(Call::Create { .. })));
        let node = Target::KubeNode { name: "node-a".into() };
        let Ok(Call::Patch { body, .. }) = call(Verb::NodeUncordon, &node) else { panic!() };
        assert_eq!(body, serde_json::json!({"spec": {"unschedulable": false}}));
        assert!(call(Verb::NodeCordon, &vm).is_err() && call(Verb::GuestStart, &node).is_err());
    }

    #[test]
    fn names_are_checked() {
        assert!(check_names(&[&"web-1".to_string(), &"node.example".to_string()]).is_ok());
        for bad in ["", "Web", "a/b", "-a", "a b", "../x"] {
            assert!(check_names(&[&bad.to_string()]).is_err(), "{bad}");
        }
    }
}
