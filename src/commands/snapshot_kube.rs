//! The `kubernetes` section of `snapshot` and its KubeVirt guests (SPEC §4 keys first).

use crate::model::cluster::Cluster;
use crate::model::cluster::objects::Kind;
use crate::model::guests::{Guest, state_text};
use crate::ui::fmt;
use serde_json::{Value, json};

pub fn to_json(c: &Cluster, now: i64) -> Value {
    let s = c.summary();
    let kv = c.kubevirt_summary();
    let missing: serde_json::Map<String, Value> =
        c.missing.iter().map(|(k, why)| (k.plural().to_string(), json!(why))).collect();
    // A kind that could not be listed is null, not zero (its reason is under `missing`).
    let known = |k: Kind, v: Value| if c.missing.contains_key(&k) { Value::Null } else { v };
    json!({
        "nodes_ready": known(Kind::Node, json!(s.nodes_ready)),
        "nodes_total": known(Kind::Node, json!(s.nodes_total)),
        "pods_by_phase": known(Kind::Pod, json!(s.pods_by_phase)),
        "services": known(Kind::Service, json!(s.services)),
        "pvcs": known(Kind::Pvc, json!(s.pvcs)),
        "pod_cidrs": c.pod_cidrs(),
        "service_cidr": c.service_cidr().map(|(cidr, _)| cidr),
        "service_cidr_source": c.service_cidr().map(|(_, src)| src),
        "server": c.info.server,
        "version": c.info.version,
        "node": c.this_node().map(|n| n.name.clone()),
        "nodes_not_ready": s.not_ready,
        "node_pods_by_phase": s.node_pods_by_phase,
        "pods_total": known(Kind::Pod, json!(s.pods_total)),
        "restarts_last_hour": c.restarts_since(now - 3600),
        "crash_looping": s.crash_looping,
        "system_pods_ready": s.system_pods_ready,
        "system_pods": s.system_pods,
        "services_by_type": s.services_by_type,
        "pvcs_bound": s.pvcs_bound,
        "pvcs_pending": s.pvcs_pending,
        "cni": c.cni(),
        "kubevirt": {
            "vms": kv.vms, "vmis": kv.vmis, "running": kv.running, "stopped": kv.stopped,
            "migrating": kv.migrating, "failed": kv.failed, "other": kv.other,
        },
        "missing": missing,
    })
}

/// A KubeVirt guest with the SPEC keys, then its own (ready, migration, run strategy).
pub fn guest_json(g: &Guest, now: i64) -> Value {
    let kv = g.kubevirt.as_deref().cloned().unwrap_or_default();
    json!({
        "name": g.name,
        "source": "kubevirt",
        "uri_or_namespace": g.uri,
        "state": state_text(g),
        "vcpus": g.vcpus,
        "memory_bytes": g.memory_bytes,
        "node": if kv.node.is_empty() { Value::Null } else { json!(kv.node) },
        "ips": g.ips,
        "uid": g.uuid,
        "ready": kv.ready,
        "run_strategy": kv.run_strategy,
        "vm": kv.has_vm,
        "vmi": kv.has_vmi,
        "uptime_s": g.uptime_at(now),
        "migration": kv.migration.map(|m| json!({
            "phase": m.phase, "source_node": m.source_node, "target_node": m.target_node,
            "since_unix": m.since_unix, "in_progress": m.in_progress, "failed": m.failed, "mode": m.mode,
        })),
    })
}

pub fn to_text(c: &Cluster, now: i64) -> String {
    let s = c.summary();
    let kv = c.kubevirt_summary();
    let phases = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter().map(|(p, n)| format!("{n} {}", p.to_lowercase())).collect::<Vec<_>>().join(", ")
    };
    let mut out = format!(
        "k8s      {} at {}: nodes {}/{} ready{}\n",
        fmt::sanitize(&c.info.version),
        fmt::sanitize(&c.info.server),
        s.nodes_ready,
        s.nodes_total,
        if s.not_ready.is_empty() {
            String::new()
        } else {
            format!(" (not ready: {})", fmt::sanitize(&s.not_ready.join(", ")))
        }
    );
    out += &match c.missing.get(&Kind::Pod) {
        Some(why) => format!("pods     not listed: {}\n", fmt::sanitize(why)),
        None => format!(
            "pods     {} ({}); restarts last hour {}\n",
            s.pods_total,
            phases(&s.pods_by_phase),
            c.restarts_since(now - 3600)
        ),
    };
    out += &format!("services {}  pvcs {} bound, {} pending\n", s.services, s.pvcs_bound, s.pvcs_pending);
    out += &format!(
        "kubevirt {} VMs, {} VMIs: {} running, {} stopped, {} migrating, {} failed\n",
        kv.vms, kv.vmis, kv.running, kv.stopped, kv.migrating, kv.failed
    );
    out
}
