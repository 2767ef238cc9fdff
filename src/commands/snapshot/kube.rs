//! Kubernetes' part of `snapshot`: the `kubernetes` section, KubeVirt guests, and the text.
//! A count is `null` when a kind it is made of was not listed; `missing` says why.

use super::types;
use crate::config::Config;
use crate::event::Health;
use crate::model::cluster::objects::Kind;
use crate::model::cluster::{Cluster, ClusterSummary, KubevirtSummary};
use crate::model::guests::{Guest, state_text};
use crate::ui::fmt;
use std::collections::BTreeMap;

/// The reason for a kind that neither answered nor was refused before the deadline.
const NO_ANSWER: &str = "not listed before the snapshot's deadline";

/// The cluster as one run of the watchers listed it, with both sources' health.
pub struct Sample {
    pub cluster: Cluster,
    /// `Starting` when the watchers never said (the probe's word is used then).
    pub kubernetes: Health,
    pub kubevirt: Health,
}

/// Runs the Kubernetes collector until every kind answered or the deadline passed.
pub async fn sample(config: &Config, timeout: std::time::Duration) -> Sample {
    let s = crate::collectors::kube::once::sync_once(&config.kubernetes, timeout).await;
    Sample { cluster: s.cluster, kubernetes: s.kubernetes, kubevirt: s.kubevirt }
}

fn listed(c: &Cluster, k: Kind) -> bool {
    c.listed(k)
}

/// Whether KubeVirt's guests are known (VMs and VMIs both listed).
pub fn kubevirt_listed(c: &Cluster) -> bool {
    listed(c, Kind::Vm) && listed(c, Kind::Vmi)
}

/// `value` when every kind in `kinds` was listed, else `None`.
fn known<T>(c: &Cluster, kinds: &[Kind], value: impl FnOnce() -> T) -> Option<T> {
    kinds.iter().all(|k| listed(c, *k)).then(value)
}

fn count(n: usize) -> u64 {
    n as u64
}

fn counts(m: &BTreeMap<String, usize>) -> BTreeMap<String, u64> {
    m.iter().map(|(k, v)| (k.clone(), count(*v))).collect()
}

/// Each kind that is not listed, with the API's refusal or [`NO_ANSWER`]. Events are
/// watched only with KubeVirt and feed no count: they appear only when refused.
fn missing(c: &Cluster) -> BTreeMap<String, String> {
    Kind::ALL
        .into_iter()
        .filter_map(|k| match c.missing.get(&k) {
            Some(why) => Some((k, why.clone())),
            None if k != Kind::Event && !c.synced.contains(&k) => Some((k, NO_ANSWER.to_string())),
            None => None,
        })
        .map(|(k, why)| (k.plural().to_string(), why))
        .collect()
}

pub fn kubernetes(c: &Cluster, now: i64) -> types::Kubernetes {
    use Kind::{Node, Pod, Pvc, Service};
    let s = c.summary();
    let cidr = c.service_cidr();
    types::Kubernetes {
        nodes_ready: known(c, &[Node], || count(s.nodes_ready)),
        nodes_total: known(c, &[Node], || count(s.nodes_total)),
        pods_by_phase: known(c, &[Pod], || counts(&s.pods_by_phase)),
        services: known(c, &[Service], || count(s.services)),
        pvcs: known(c, &[Pvc], || count(s.pvcs)),
        pod_cidrs: known(c, &[Node], || c.pod_cidrs()),
        service_cidr: cidr.as_ref().map(|(cidr, _)| cidr.clone()),
        service_cidr_source: cidr.map(|(_, src)| src.to_string()),
        server: c.info.server.clone(),
        version: c.info.version.clone(),
        node: c.this_node().map(|n| n.name.clone()),
        nodes_not_ready: known(c, &[Node], || s.not_ready.clone()),
        node_pods_by_phase: known(c, &[Pod, Node], || counts(&s.node_pods_by_phase)),
        pods_total: known(c, &[Pod], || count(s.pods_total)),
        restarts_last_hour: known(c, &[Pod], || c.restarts_since(now - 3600)),
        crash_looping: known(c, &[Pod, Node], || s.crash_looping.clone()),
        system_pods_ready: known(c, &[Pod], || count(s.system_pods_ready)),
        system_pods: known(c, &[Pod], || count(s.system_pods)),
        services_by_type: known(c, &[Service], || counts(&s.services_by_type)),
        pvcs_bound: known(c, &[Pvc], || count(s.pvcs_bound)),
        pvcs_pending: known(c, &[Pvc], || count(s.pvcs_pending)),
        cni: c.cni(),
        kubevirt: kubevirt_listed(c).then(|| kubevirt_counts(&c.kubevirt_summary())),
        missing: missing(c),
    }
}

fn kubevirt_counts(kv: &KubevirtSummary) -> types::KubevirtCounts {
    types::KubevirtCounts {
        vms: count(kv.vms),
        vmis: count(kv.vmis),
        running: count(kv.running),
        stopped: count(kv.stopped),
        migrating: count(kv.migrating),
        failed: count(kv.failed),
        other: count(kv.other),
    }
}

/// A KubeVirt guest with SPEC's keys, then its own (ready, migration, run strategy).
pub fn guest(g: &Guest, now: i64) -> types::Guest {
    let kv = g.kubevirt.as_deref().cloned().unwrap_or_default();
    let detail = types::KubevirtDetail {
        uid: g.uuid.clone(),
        ready: kv.ready,
        run_strategy: kv.run_strategy,
        vm: kv.has_vm,
        vmi: kv.has_vmi,
        uptime_s: g.uptime_at(now),
        migration: kv.migration.map(|m| types::Migration {
            phase: m.phase,
            source_node: m.source_node,
            target_node: m.target_node,
            since_unix: m.since_unix,
            in_progress: m.in_progress,
            failed: m.failed,
            mode: m.mode,
        }),
    };
    types::Guest {
        name: g.name.clone(),
        uri_or_namespace: g.uri.clone(),
        state: state_text(g),
        vcpus: g.vcpus,
        memory_bytes: Some(g.memory_bytes),
        node: Some(kv.node).filter(|n| !n.is_empty()),
        ips: g.ips.clone(),
        detail: types::GuestDetail::Kubevirt(detail),
    }
}

/// A count for the text form: `?` when its kind was not listed.
fn shown(c: &Cluster, kind: Kind, n: usize) -> String {
    if listed(c, kind) { n.to_string() } else { "?".into() }
}

pub fn to_text(c: &Cluster, now: i64) -> String {
    let s = c.summary();
    let mut out = format!(
        "k8s      {} at {}: nodes {}/{} ready{}\n",
        fmt::sanitize(&c.info.version),
        fmt::sanitize(&c.info.server),
        shown(c, Kind::Node, s.nodes_ready),
        shown(c, Kind::Node, s.nodes_total),
        if s.not_ready.is_empty() {
            String::new()
        } else {
            format!(" (not ready: {})", fmt::sanitize(&s.not_ready.join(", ")))
        }
    );
    out += &pods_line(c, &s, now);
    out += &format!(
        "services {}  pvcs {} bound, {} pending\n",
        shown(c, Kind::Service, s.services),
        shown(c, Kind::Pvc, s.pvcs_bound),
        shown(c, Kind::Pvc, s.pvcs_pending)
    );
    out + &kubevirt_line(c)
}

fn kubevirt_line(c: &Cluster) -> String {
    if !kubevirt_listed(c) {
        let why =
            c.missing.get(&Kind::Vm).or_else(|| c.missing.get(&Kind::Vmi)).map_or(NO_ANSWER, String::as_str);
        return format!("kubevirt not listed: {}\n", fmt::sanitize(why));
    }
    let kv = c.kubevirt_summary();
    format!(
        "kubevirt {} VMs, {} VMIs: {} running, {} stopped, {} migrating, {} failed\n",
        kv.vms, kv.vmis, kv.running, kv.stopped, kv.migrating, kv.failed
    )
}

fn pods_line(c: &Cluster, s: &ClusterSummary, now: i64) -> String {
    let phases = s.pods_by_phase.iter().map(|(p, n)| format!("{n} {}", p.to_lowercase())).collect::<Vec<_>>();
    match c.missing.get(&Kind::Pod) {
        Some(why) => format!("pods     not listed: {}\n", fmt::sanitize(why)),
        None if !listed(c, Kind::Pod) => format!("pods     not listed: {NO_ANSWER}\n"),
        None => format!(
            "pods     {} ({}); restarts last hour {}\n",
            s.pods_total,
            phases.join(", "),
            c.restarts_since(now - 3600)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cluster::KubeUpdate;

    #[test]
    fn a_kind_listed_empty_is_zero_and_one_not_listed_is_null_with_why() {
        let mut c = Cluster::default();
        c.apply(KubeUpdate::Replace(Kind::Node, vec![]));
        c.apply(KubeUpdate::Replace(Kind::Service, vec![]));
        c.apply(KubeUpdate::Missing(Kind::Pod, "forbidden: pods".into()));
        c.apply(KubeUpdate::Missing(Kind::Vm, "KubeVirt CRDs absent".into()));
        let k = kubernetes(&c, 0);
        assert_eq!((k.nodes_total, k.services, k.pod_cidrs), (Some(0), Some(0), Some(vec![])));
        assert_eq!((k.pods_by_phase, k.pods_total, k.restarts_last_hour), (None, None, None));
        assert_eq!((k.crash_looping, k.system_pods, k.pvcs, k.pvcs_bound), (None, None, None, None));
        assert_eq!(k.kubevirt, None, "VMs not listed: no KubeVirt counts");
        let why = |plural: &str| k.missing.get(plural).map(String::as_str);
        assert_eq!(why("pods"), Some("forbidden: pods"));
        assert_eq!(why("virtualmachines"), Some("KubeVirt CRDs absent"));
        assert_eq!(why("persistentvolumeclaims"), Some(NO_ANSWER));
        assert_eq!(why("nodes"), None);
        assert_eq!(why("events"), None, "events feed no count: absent unless refused");
        assert!(!kubevirt_listed(&c));
    }

    #[test]
    fn the_text_says_not_listed_instead_of_zero() {
        let mut c = Cluster::default();
        c.apply(KubeUpdate::Replace(Kind::Node, vec![]));
        c.apply(KubeUpdate::Missing(Kind::Service, "forbidden: services".into()));
        let text = to_text(&c, 0);
        assert!(text.contains("nodes 0/0 ready"), "{text}");
        assert!(text.contains("services ?  pvcs ? bound, ? pending"), "{text}");
        assert!(text.contains(&format!("pods     not listed: {NO_ANSWER}")), "{text}");
        assert!(text.contains(&format!("kubevirt not listed: {NO_ANSWER}")), "{text}");
    }
}
