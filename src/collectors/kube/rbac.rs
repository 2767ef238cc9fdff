//! What the console asks the API server for, as RBAC names it: the (API group, resource) of
//! every kind the collector lists and watches. The ClusterRole the NixOS module provisions
//! (nixos/kubernetes/hypervisor-tui.yaml) grants get/list/watch on exactly these; the tests
//! below read that file and hold it to this list, so a kind added to the collector without
//! the role (or a write verb slipped into the role) fails here. Discovery (`/version`, `/api`,
//! `/apis`) is open to every authenticated user and needs no rule.

use crate::model::cluster::objects::Kind;
use k8s_openapi::api::core::v1 as core;
use kube::api::{ApiResource, GroupVersionKind};

/// The verbs the console uses: a list, then a watch (and a get, for completeness).
pub const READ_VERBS: [&str; 3] = ["get", "list", "watch"];

/// The KubeVirt resource of `kind` (`Vm`, `Vmi`, else the migrations).
pub fn kubevirt(kind: Kind) -> ApiResource {
    let (k, plural) = match kind {
        Kind::Vm => ("VirtualMachine", "virtualmachines"),
        Kind::Vmi => ("VirtualMachineInstance", "virtualmachineinstances"),
        _ => ("VirtualMachineInstanceMigration", "virtualmachineinstancemigrations"),
    };
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("kubevirt.io", "v1", k), plural)
}

fn typed<K: kube::Resource<DynamicType = ()>>() -> (String, String) {
    (K::group(&()).into_owned(), K::plural(&()).into_owned())
}

/// (API group, resource) of the kind's watch, from the same types the watchers use.
pub fn resource(kind: Kind) -> (String, String) {
    match kind {
        Kind::Node => typed::<core::Node>(),
        Kind::Pod => typed::<core::Pod>(),
        Kind::Service => typed::<core::Service>(),
        Kind::Pvc => typed::<core::PersistentVolumeClaim>(),
        Kind::Event => typed::<core::Event>(),
        Kind::Vm | Kind::Vmi | Kind::Migration => {
            let r = kubevirt(kind);
            (r.group, r.plural)
        }
    }
}

/// Every (group, resource) the collector watches.
pub fn watched() -> Vec<(String, String)> {
    Kind::ALL.into_iter().map(resource).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeSet;

    const CONSOLE: &str = include_str!("../../../nixos/kubernetes/hypervisor-tui.yaml");
    const ACTIOND: &str = include_str!("../../../nixos/kubernetes/hypervisor-tui-actiond.yaml");

    fn docs(text: &str) -> Vec<Value> {
        serde_saphyr::from_multiple::<Value>(text).expect("the committed YAML parses")
    }

    fn one<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
        let found: Vec<&Value> = docs.iter().filter(|d| d["kind"] == kind).collect();
        assert_eq!(found.len(), 1, "one {kind} in the file");
        found[0]
    }

    fn strings(v: &Value) -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }

    /// (group, resource, verb) of every rule of a ClusterRole.
    fn grants(role: &Value) -> BTreeSet<(String, String, String)> {
        let mut out = BTreeSet::new();
        for rule in role["rules"].as_array().expect("rules") {
            assert!(rule.get("nonResourceURLs").is_none() && rule.get("resourceNames").is_none(), "{rule}");
            for g in strings(&rule["apiGroups"]) {
                for r in strings(&rule["resources"]) {
                    for v in strings(&rule["verbs"]) {
                        out.insert((g.clone(), r.clone(), v));
                    }
                }
            }
        }
        out
    }

    fn bound_to(docs: &[Value], role: &str) -> (String, String) {
        let b = one(docs, "ClusterRoleBinding");
        assert_eq!(b["roleRef"]["kind"], "ClusterRole");
        assert_eq!(b["roleRef"]["name"], role);
        let subjects = b["subjects"].as_array().expect("subjects");
        assert_eq!(subjects.len(), 1, "one subject");
        assert_eq!(subjects[0]["kind"], "ServiceAccount");
        let s = &subjects[0];
        (s["namespace"].as_str().unwrap_or("").into(), s["name"].as_str().unwrap_or("").into())
    }

    #[test]
    fn the_console_role_reads_every_kind_the_collector_watches_and_nothing_else() {
        let d = docs(CONSOLE);
        let role = one(&d, "ClusterRole");
        let granted = grants(role);
        let want: BTreeSet<(String, String, String)> = watched()
            .into_iter()
            .flat_map(|(g, r)| READ_VERBS.map(|v| (g.clone(), r.clone(), v.to_string())))
            .collect();
        let missing: Vec<_> = want.difference(&granted).collect();
        assert!(missing.is_empty(), "the collector watches these, the role does not grant them: {missing:?}");
        let extra: Vec<_> = granted.difference(&want).collect();
        assert!(extra.is_empty(), "the role grants more than the collector reads: {extra:?}");
        assert!(granted.iter().all(|(g, r, v)| g != "*" && r != "*" && READ_VERBS.contains(&v.as_str())));
        let sa = one(&d, "ServiceAccount");
        let (ns, name) = bound_to(&d, role["metadata"]["name"].as_str().unwrap_or(""));
        assert_eq!(
            (sa["metadata"]["namespace"].as_str(), sa["metadata"]["name"].as_str()),
            (Some(&*ns), Some(&*name))
        );
        assert_eq!((ns.as_str(), name.as_str()), ("kube-system", "hypervisor-tui"));
        assert_eq!(sa["automountServiceAccountToken"], false);
        assert!(
            d.iter().all(|o| o["kind"] != "Namespace"),
            "kube-system exists everywhere: no order between files"
        );
    }

    #[test]
    fn the_actions_role_writes_only_kubevirt_verbs_and_cordon() {
        let d = docs(ACTIOND);
        let granted = grants(one(&d, "ClusterRole"));
        let allowed = |(g, r, v): &(String, String, String)| match (g.as_str(), v.as_str()) {
            ("subresources.kubevirt.io", "update") => [
                "virtualmachines/start",
                "virtualmachines/stop",
                "virtualmachines/restart",
                "virtualmachineinstances/pause",
                "virtualmachineinstances/unpause",
            ]
            .contains(&r.as_str()),
            // actiond's migrate: a VirtualMachineInstanceMigration (src/actiond/kube.rs).
            ("kubevirt.io", "create") => r == "virtualmachineinstancemigrations",
            ("", "get" | "patch") => r == "nodes",
            _ => false,
        };
        let wrong: Vec<_> = granted.iter().filter(|g| !allowed(g)).collect();
        assert!(wrong.is_empty(), "not an action's: {wrong:?}");
        assert_eq!(granted.len(), 8, "{granted:?}");
        assert_eq!(
            bound_to(&d, "hypervisor-tui-actiond"),
            ("kube-system".into(), "hypervisor-tui-actiond".into())
        );
        assert!(d.iter().all(|o| o["kind"] != "Namespace"), "kube-system exists everywhere");
    }
}
