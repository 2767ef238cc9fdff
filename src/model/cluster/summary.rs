//! What F2, F3, the alerts strip and `snapshot` say about the cluster, computed from the store.

use super::Cluster;
use super::objects::{Kind, Migration, Pod};
use crate::model::Alert;
use std::collections::BTreeMap;

/// Alerts that name objects one by one up to this many, then sum up.
const ONE_BY_ONE: usize = 3;
/// CNI plugins recognised by their kube-system pods' names.
const CNI_PODS: [(&str, &str); 10] = [
    ("kube-flannel", "flannel"),
    ("canal", "canal"),
    ("calico-node", "calico"),
    ("cilium", "cilium"),
    ("weave-net", "weave"),
    ("kube-router", "kube-router"),
    ("antrea-agent", "antrea"),
    ("kube-multus", "multus"),
    ("ovnkube-node", "ovn-kubernetes"),
    ("kube-ovn-cni", "kube-ovn"),
];
/// k3s's service CIDR when its config does not set one.
pub const K3S_DEFAULT_SERVICE_CIDR: &str = "10.43.0.0/16";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterSummary {
    pub nodes_total: usize,
    pub nodes_ready: usize,
    /// Names of nodes not Ready (NotReady or not reporting).
    pub not_ready: Vec<String>,
    pub pods_total: usize,
    pub pods_by_phase: BTreeMap<String, usize>,
    /// Pods on this host's node, by phase.
    pub node_pods_by_phase: BTreeMap<String, usize>,
    pub system_pods: usize,
    pub system_pods_ready: usize,
    pub services: usize,
    pub services_by_type: BTreeMap<String, usize>,
    pub pvcs: usize,
    pub pvcs_bound: usize,
    pub pvcs_pending: usize,
    /// Crash-looping pods (namespace/name) on this node, or in the cluster when this host
    /// is not one of its nodes.
    pub crash_looping: Vec<String>,
}

/// KubeVirt guests in the F2 buckets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KubevirtSummary {
    pub vms: usize,
    pub vmis: usize,
    pub running: usize,
    pub stopped: usize,
    pub migrating: usize,
    pub failed: usize,
    /// Starting, pending, paused, stopping: on the way somewhere.
    pub other: usize,
}

fn is_completed_job(p: &Pod) -> bool {
    p.phase == "Succeeded"
}

impl Cluster {
    pub fn summary(&self) -> ClusterSummary {
        let mut s = ClusterSummary { nodes_total: self.nodes.len(), ..Default::default() };
        for n in self.nodes.values() {
            if n.is_ready() {
                s.nodes_ready += 1;
            } else {
                s.not_ready.push(n.name.clone());
            }
        }
        let here = self.this_node().map(|n| n.name.as_str());
        // Counted by &str: no string copied per pod (the F2 frame walks every pod).
        let (mut all, mut mine): (BTreeMap<&str, usize>, BTreeMap<&str, usize>) = Default::default();
        for p in self.pods.values() {
            s.pods_total += 1;
            *all.entry(p.phase.as_str()).or_default() += 1;
            if Some(p.node.as_str()) == here {
                *mine.entry(p.phase.as_str()).or_default() += 1;
            }
            if p.namespace == "kube-system" && !is_completed_job(p) {
                s.system_pods += 1;
                s.system_pods_ready += usize::from(p.ready);
            }
        }
        let owned = |m: BTreeMap<&str, usize>| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        s.pods_by_phase = owned(all);
        s.node_pods_by_phase = owned(mine);
        s.crash_looping = self.crash_looping();
        s.services = self.services.len();
        for svc in self.services.values() {
            *s.services_by_type.entry(svc.kind.clone()).or_default() += 1;
        }
        s.pvcs = self.pvcs.len();
        s.pvcs_bound = self.pvcs.values().filter(|p| p.phase == "Bound").count();
        s.pvcs_pending = self.pvcs.values().filter(|p| p.phase == "Pending").count();
        s
    }

    /// Crash-looping pods (namespace/name, sorted) on this node, or anywhere when this host
    /// is not a node of the cluster.
    pub fn crash_looping(&self) -> Vec<String> {
        let here = self.this_node().map(|n| n.name.as_str());
        let mut v: Vec<String> = self
            .pods
            .values()
            .filter(|p| p.crash_looping && here.is_none_or(|h| p.node == h))
            .map(|p| super::objects::key(&p.namespace, &p.name))
            .collect();
        v.sort();
        v
    }

    /// The newest migration of each VMI (by creation time, then name).
    pub fn latest_migrations(&self) -> BTreeMap<(String, String), &Migration> {
        let mut out: BTreeMap<(String, String), &Migration> = BTreeMap::new();
        for m in self.migrations.values() {
            let k = (m.namespace.clone(), m.vmi.clone());
            let newer = out.get(&k).is_none_or(|o| (o.created_unix, &o.name) < (m.created_unix, &m.name));
            if newer {
                out.insert(k, m);
            }
        }
        out
    }

    /// Pod CIDRs: this node's first, then the others', without repeats.
    pub fn pod_cidrs(&self) -> Vec<String> {
        let mut out: Vec<String> = self.this_node().map(|n| n.pod_cidrs.clone()).unwrap_or_default();
        for n in self.nodes.values() {
            for c in &n.pod_cidrs {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        }
        out
    }

    /// The service CIDR and where it comes from: the k3s config, k3s's default (when the
    /// `kubernetes` service sits in it), or only the `kubernetes` service's address.
    pub fn service_cidr(&self) -> Option<(String, &'static str)> {
        if let Some(c) = &self.info.service_cidr {
            return Some((c.clone(), "k3s config"));
        }
        let ip = self
            .services
            .get("default/kubernetes")
            .map(|s| s.cluster_ip.as_str())
            .filter(|s| !s.is_empty())?;
        let k3s = self.info.version.contains("k3s")
            || self.nodes.values().any(|n| n.kubelet_version.contains("k3s"));
        if k3s && ip.starts_with("10.43.") {
            return Some((K3S_DEFAULT_SERVICE_CIDR.into(), "k3s default"));
        }
        Some((format!("includes {ip}"), "kubernetes service"))
    }

    /// CNI names: the host's CNI configs, then plugins seen as kube-system pods.
    pub fn cni(&self) -> Vec<String> {
        let mut out = self.info.cni.clone();
        let mut seen: Vec<&str> = Vec::new();
        for p in self.pods.values().filter(|p| p.namespace == "kube-system" || p.namespace.contains("cni")) {
            for (prefix, name) in CNI_PODS {
                if p.name.starts_with(prefix) && !seen.contains(&name) {
                    seen.push(name);
                }
            }
        }
        seen.sort_unstable();
        out.extend(seen.into_iter().map(|n| format!("{n} (pods)")));
        out
    }

    /// Node NotReady, VMI Failed, the newest migration of a VMI failed, pods crash-looping here.
    pub fn alerts(&self) -> Vec<Alert> {
        let mut out = Vec::new();
        let bad: Vec<_> = self.nodes.values().filter(|n| !n.is_ready()).collect();
        if bad.len() <= ONE_BY_ONE {
            out.extend(bad.iter().map(|n| {
                let state = if n.ready.is_none() { "not reporting" } else { "NotReady" };
                let why =
                    if n.ready_reason.is_empty() { String::new() } else { format!(" ({})", n.ready_reason) };
                Alert { critical: true, text: format!("node {} {state}{why}", n.name) }
            }));
        } else {
            let names: Vec<&str> = bad.iter().take(ONE_BY_ONE).map(|n| n.name.as_str()).collect();
            let text = format!("{} nodes NotReady: {}, ...", bad.len(), names.join(", "));
            out.push(Alert { critical: true, text });
        }
        let failed: Vec<String> = self
            .vmis
            .values()
            .filter(|v| v.phase == "Failed")
            .map(|v| {
                let on = if v.node.is_empty() { String::new() } else { format!(" on {}", v.node) };
                format!("{}{on}", super::objects::key(&v.namespace, &v.name))
            })
            .collect();
        out.extend(summed("VMI", "failed", failed, true));
        let migrations: Vec<String> = self
            .latest_migrations()
            .into_values()
            .filter(|m| m.phase == "Failed")
            .map(|m| format!("{} ({})", super::objects::key(&m.namespace, &m.vmi), m.name))
            .collect();
        out.extend(summed("migration of", "failed", migrations, false));
        let crash = self.crash_looping();
        let where_ = match self.this_node() {
            Some(n) => format!("on {}", n.name),
            None => "in the cluster".into(),
        };
        if !crash.is_empty() {
            let shown: Vec<&str> = crash.iter().take(ONE_BY_ONE).map(String::as_str).collect();
            let more = if crash.len() > ONE_BY_ONE { ", ..." } else { "" };
            let text = format!(
                "{} pod(s) crash-looping {where_}: {}{more}",
                crash.len(),
                shown.join(", "),
                more = more
            );
            out.push(Alert { critical: false, text });
        }
        out
    }

    /// Every kind the collector could not watch, as "pods (forbidden: ...)".
    pub fn missing_text(&self, kubevirt: bool) -> Vec<String> {
        self.missing
            .iter()
            .filter(|(k, _)| k.is_kubevirt() == kubevirt && **k != Kind::Event)
            .map(|(k, why)| format!("{}: {why}", k.plural()))
            .collect()
    }
}

/// "VMI ns/a on hv1 failed" one by one, or "5 VMIs failed: a, b, c, ...".
fn summed(what: &str, verb: &str, items: Vec<String>, critical: bool) -> Vec<Alert> {
    if items.len() <= ONE_BY_ONE {
        return items.into_iter().map(|i| Alert { critical, text: format!("{what} {i} {verb}") }).collect();
    }
    let shown = items.iter().take(ONE_BY_ONE).cloned().collect::<Vec<_>>().join(", ");
    vec![Alert { critical, text: format!("{} {what} {verb}: {shown}, ...", items.len()) }]
}
