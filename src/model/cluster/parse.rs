//! From the API's objects to the console's: typed k8s-openapi objects for the core kinds
//! (`core.rs`, with the `kubernetes` feature), JSON for KubeVirt's (watched as dynamic
//! objects). Pure; missing fields become defaults.

#[cfg(feature = "kubernetes")]
mod core;

use super::objects::{Condition, Migration, MigrationState, Vm, Vmi};
use serde_json::Value;

/// RFC 3339 text (`2026-11-22T10:00:00Z`) to seconds since the epoch.
pub fn parse_time(s: &str) -> Option<i64> {
    s.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

/// A resource quantity in bytes: `2Gi`, `2048Mi`, `4G`, `1.5Gi`, `131072Ki`, `1e9`, `512`.
pub fn parse_quantity(q: &str) -> Option<u64> {
    let q = q.trim();
    let split = q.find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E').unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult: f64 = match suffix {
        "" => 1.0,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "m" => 1e-3,
        _ => return None,
    };
    (n >= 0.0 && n.is_finite()).then(|| (n * mult).round() as u64)
}

// ---- KubeVirt, from JSON ----

fn s(v: &Value, ptr: &str) -> String {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn time(v: &Value, ptr: &str) -> Option<i64> {
    v.pointer(ptr).and_then(Value::as_str).and_then(parse_time)
}

fn conditions(v: &Value) -> Vec<Condition> {
    v.pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| Condition {
            kind: s(c, "/type"),
            status: s(c, "/status"),
            reason: s(c, "/reason"),
            message: s(c, "/message"),
        })
        .collect()
}

/// vCPUs of a `domain.cpu` (sockets × cores × threads, each 1 when absent), or of
/// `currentCPUTopology`.
fn vcpus(cpu: Option<&Value>) -> u32 {
    let Some(cpu) = cpu else { return 0 };
    let f = |k: &str| cpu.get(k).and_then(Value::as_u64).unwrap_or(1).max(1);
    (f("sockets") * f("cores") * f("threads")).min(u32::MAX as u64) as u32
}

/// Guest memory of a domain spec: `memory.guest`, else the memory request or limit.
fn domain_memory(domain: &Value) -> u64 {
    ["/memory/guest", "/resources/requests/memory", "/resources/limits/memory"]
        .iter()
        .find_map(|p| domain.pointer(p).and_then(Value::as_str).and_then(parse_quantity))
        .unwrap_or(0)
}

fn name_ns(v: &Value) -> (String, String, String) {
    (s(v, "/metadata/namespace"), s(v, "/metadata/name"), s(v, "/metadata/uid"))
}

/// A `VirtualMachine` as JSON.
pub fn vm(v: &Value) -> Vm {
    let (namespace, name, uid) = name_ns(v);
    let domain = v.pointer("/spec/template/spec/domain").cloned().unwrap_or(Value::Null);
    let run_strategy =
        match (v.pointer("/spec/runStrategy").and_then(Value::as_str), v.pointer("/spec/running")) {
            (Some(r), _) => r.to_string(),
            (None, Some(Value::Bool(true))) => "Always".into(),
            (None, Some(Value::Bool(false))) => "Halted".into(),
            _ => String::new(),
        };
    let status = match s(v, "/status/printableStatus") {
        s if s.is_empty() => "Unknown".into(),
        s => s,
    };
    Vm {
        namespace,
        name,
        uid,
        status,
        ready: v.pointer("/status/ready").and_then(Value::as_bool).unwrap_or(false),
        run_strategy,
        vcpus: vcpus(domain.get("cpu")),
        memory_bytes: domain_memory(&domain),
        conditions: conditions(v),
    }
}

/// A `VirtualMachineInstance` as JSON.
pub fn vmi(v: &Value) -> Vmi {
    let (namespace, name, uid) = name_ns(v);
    let mut ips: Vec<String> = Vec::new();
    for i in v.pointer("/status/interfaces").and_then(Value::as_array).into_iter().flatten() {
        let listed = i.get("ipAddresses").and_then(Value::as_array).into_iter().flatten();
        let one = i.get("ipAddress").into_iter();
        for ip in listed.chain(one).filter_map(Value::as_str) {
            if !ip.is_empty() && !ips.iter().any(|x| x == ip) {
                ips.push(ip.to_string());
            }
        }
    }
    let domain = v.pointer("/spec/domain").cloned().unwrap_or(Value::Null);
    let vcpus = match v.pointer("/status/currentCPUTopology") {
        Some(t) => vcpus(Some(t)),
        None => vcpus(domain.get("cpu")),
    };
    let memory_bytes = v
        .pointer("/status/memory/guestCurrent")
        .and_then(Value::as_str)
        .and_then(parse_quantity)
        .unwrap_or_else(|| domain_memory(&domain));
    let conditions = conditions(v);
    let cond = |k: &str| conditions.iter().any(|c| c.kind == k && c.is_true());
    let migration = v.pointer("/status/migrationState").map(|m| MigrationState {
        source_node: s(m, "/sourceNode"),
        target_node: s(m, "/targetNode"),
        start_unix: time(m, "/startTimestamp"),
        end_unix: time(m, "/endTimestamp"),
        completed: m.get("completed").and_then(Value::as_bool).unwrap_or(false),
        failed: m.get("failed").and_then(Value::as_bool).unwrap_or(false),
        mode: s(m, "/mode"),
    });
    let running_since_unix = v
        .pointer("/status/phaseTransitionTimestamps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("phase").and_then(Value::as_str) == Some("Running"))
        .filter_map(|t| time(t, "/phaseTransitionTimestamp"))
        .max();
    let has_vm = v
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|o| o.get("kind").and_then(Value::as_str) == Some("VirtualMachine"));
    Vmi {
        namespace,
        name,
        uid,
        phase: match s(v, "/status/phase") {
            p if p.is_empty() => "Pending".into(),
            p => p,
        },
        node: s(v, "/status/nodeName"),
        ips,
        vcpus,
        memory_bytes,
        ready: cond("Ready"),
        paused: cond("Paused"),
        conditions,
        migration,
        running_since_unix,
        has_vm,
    }
}

/// A `VirtualMachineInstanceMigration` as JSON.
pub fn migration(v: &Value) -> Migration {
    let (namespace, name, _) = name_ns(v);
    let phase = match s(v, "/status/phase") {
        p if p.is_empty() => "Pending".into(),
        p => p,
    };
    let phase_since_unix = v
        .pointer("/status/phaseTransitionTimestamps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("phase").and_then(Value::as_str) == Some(phase.as_str()))
        .filter_map(|t| time(t, "/phaseTransitionTimestamp"))
        .max();
    Migration {
        namespace,
        name,
        vmi: s(v, "/spec/vmiName"),
        phase,
        created_unix: time(v, "/metadata/creationTimestamp"),
        phase_since_unix,
        target_node: s(v, "/status/migrationState/targetNode"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("2Gi"), Some(2 << 30));
        assert_eq!(parse_quantity("1.5Gi"), Some(3 << 29));
        assert_eq!(parse_quantity("131072Ki"), Some(128 << 20));
        assert_eq!(parse_quantity("4G"), Some(4_000_000_000));
        assert_eq!(parse_quantity("1e9"), Some(1_000_000_000));
        assert_eq!(parse_quantity("512"), Some(512));
        assert_eq!(parse_quantity("lots"), None);
        assert_eq!(parse_quantity("-1Gi"), None);
    }

    #[test]
    fn vm_from_json_with_running_flag_and_topology() {
        let v = json!({
            "metadata": {"name": "web", "namespace": "vms", "uid": "u1"},
            "spec": {"running": false, "template": {"spec": {"domain": {
                "cpu": {"cores": 2, "sockets": 2}, "resources": {"requests": {"memory": "4Gi"}}}}}},
            "status": {"printableStatus": "Stopped"}
        });
        let vm = vm(&v);
        assert_eq!((vm.vcpus, vm.memory_bytes, vm.run_strategy.as_str()), (4, 4 << 30, "Halted"));
        assert_eq!(vm.status, "Stopped");
        assert_eq!(super::super::objects::key(&vm.namespace, &vm.name), "vms/web");
    }

    #[test]
    fn vmi_ips_are_unique_and_running_time_is_the_latest() {
        let v = json!({
            "metadata": {"name": "a", "namespace": "d",
                         "ownerReferences": [{"kind": "VirtualMachine", "name": "a"}]},
            "status": {"phase": "Running", "nodeName": "hv1",
                "interfaces": [{"ipAddress": "10.42.0.9", "ipAddresses": ["10.42.0.9", "fd00::9"]}],
                "phaseTransitionTimestamps": [
                    {"phase": "Running", "phaseTransitionTimestamp": "2026-11-22T10:00:00Z"},
                    {"phase": "Running", "phaseTransitionTimestamp": "2026-11-22T11:00:00Z"}],
                "conditions": [{"type": "Ready", "status": "True"}],
                "migrationState": {"sourceNode": "hv1", "targetNode": "hv2",
                                   "startTimestamp": "2026-11-22T11:30:00Z"}}
        });
        let i = vmi(&v);
        assert_eq!(i.ips, ["10.42.0.9", "fd00::9"]);
        assert_eq!(i.running_since_unix, parse_time("2026-11-22T11:00:00Z"));
        assert!(i.ready && i.has_vm && !i.paused);
        assert!(i.migration.as_ref().is_some_and(MigrationState::in_progress));
    }
}
