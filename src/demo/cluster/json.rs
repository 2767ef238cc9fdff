//! The synthetic cluster as the Kubernetes API sends it: each console object back to the
//! JSON the collector parses (the inverse of `model::cluster::parse`, checked by a round
//! trip below), so the fake API server can serve the cluster the render tests draw.
//! Every time is moved by `shift` seconds: `--demo` serves the cluster as of now, not as of
//! [`super::NOW`].

use super::super::kube_api::{self as api, Res};
use crate::model::cluster::objects::{Condition, KEvent, Migration, Node, Object, Pod, Vm, Vmi};
use serde_json::{Value, json};

/// RFC 3339 in UTC, as the API writes times.
pub fn time(unix: i64, shift: i64) -> String {
    jiff::Timestamp::from_second(unix + shift).map(|t| t.to_string()).unwrap_or_default()
}

/// A quantity the parser reads back exactly: `Mi` when whole, else bytes.
fn quantity(bytes: u64) -> String {
    if bytes.is_multiple_of(1 << 20) { format!("{}Mi", bytes >> 20) } else { bytes.to_string() }
}

fn conditions(cs: &[Condition]) -> Vec<Value> {
    cs.iter()
        .map(|c| json!({"type": c.kind, "status": c.status, "reason": c.reason, "message": c.message}))
        .collect()
}

/// The resource an object is served as, and its JSON.
pub fn object(o: &Object, shift: i64) -> (Res, Value) {
    match o {
        Object::Node(n) => (api::NODES, node(n)),
        Object::Pod(p) => (api::PODS, pod(p, shift)),
        Object::Service(s) => (
            api::SERVICES,
            json!({"metadata": {"namespace": s.namespace, "name": s.name},
                   "spec": {"type": s.kind, "clusterIP": s.cluster_ip}}),
        ),
        Object::Pvc(c) => (
            api::PVCS,
            json!({"metadata": {"namespace": c.namespace, "name": c.name}, "spec": {},
                   "status": {"phase": c.phase}}),
        ),
        Object::Vm(v) => (api::VMS, vm(v)),
        Object::Vmi(v) => (api::VMIS, vmi(v, shift)),
        Object::Migration(m) => (api::VMIMS, migration(m, shift)),
        Object::Event(e) => (api::EVENTS, event(e, shift)),
    }
}

fn node(n: &Node) -> Value {
    let labels: serde_json::Map<String, Value> =
        n.roles.iter().map(|r| (format!("node-role.kubernetes.io/{r}"), json!("true"))).collect();
    let mut conds: Vec<Value> = n
        .pressures
        .iter()
        .map(|p| json!({"type": p, "status": "True", "reason": format!("Kubelet{p}")}))
        .collect();
    if let Some(ready) = n.ready {
        let (reason, message) = n.ready_reason.split_once(": ").unwrap_or((&n.ready_reason, ""));
        let status = if ready { "True" } else { "False" };
        let reason = if ready { "KubeletReady" } else { reason };
        let message = if ready { "kubelet is posting ready status" } else { message };
        conds.push(json!({"type": "Ready", "status": status, "reason": reason, "message": message}));
    }
    let info = json!({"kubeletVersion": n.kubelet_version, "kubeProxyVersion": n.kubelet_version,
        "architecture": "amd64", "operatingSystem": "linux", "osImage": "NixOS 25.11 (Xantusia)",
        "kernelVersion": "6.12.41", "containerRuntimeVersion": "containerd://2.0.5-k3s1",
        "machineID": "", "systemUUID": "", "bootID": ""});
    let addresses: Vec<Value> = n
        .internal_ip
        .iter()
        .map(|ip| json!({"type": "InternalIP", "address": ip}))
        .chain(std::iter::once(json!({"type": "Hostname", "address": n.name})))
        .collect();
    json!({"metadata": {"name": n.name, "labels": labels},
           "spec": {"podCIDR": n.pod_cidrs.first(), "podCIDRs": n.pod_cidrs, "unschedulable": n.unschedulable},
           "status": {"conditions": conds, "nodeInfo": info, "addresses": addresses}})
}

fn pod(p: &Pod, shift: i64) -> Value {
    // One container per recorded restart time (the first carries the rest of the count).
    let times = p.last_restart_times.len().max(1);
    let containers: Vec<Value> = (0..times)
        .map(|i| {
            let restarts = if i == 0 { p.restarts.saturating_sub(times as u32 - 1) } else { 1 };
            let mut c = json!({"name": format!("c{i}"), "image": "registry.local/app:1", "imageID": "",
                "ready": p.ready, "restartCount": restarts, "state": {"running": {}}});
            if let Some(t) = p.last_restart_times.get(i) {
                c["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error",
                    "finishedAt": time(*t, shift)}});
            }
            if p.crash_looping && i == 0 {
                c["state"] = json!({"waiting": {"reason": "CrashLoopBackOff"}});
            }
            c
        })
        .collect();
    let mut meta = json!({"namespace": p.namespace, "name": p.name});
    if p.terminating {
        meta["deletionTimestamp"] = json!(time(super::NOW, shift));
    }
    let ready = if p.ready { "True" } else { "False" };
    let mut spec = json!({"containers": [{"name": "c0"}]});
    if !p.node.is_empty() {
        spec["nodeName"] = json!(p.node);
    }
    json!({"metadata": meta, "spec": spec,
           "status": {"phase": p.phase, "conditions": [{"type": "Ready", "status": ready}],
                      "containerStatuses": containers}})
}

fn domain(vcpus: u32, memory: u64) -> Value {
    json!({"cpu": {"cores": vcpus}, "memory": {"guest": quantity(memory)}, "devices": {}})
}

fn vm(v: &Vm) -> Value {
    json!({"metadata": {"namespace": v.namespace, "name": v.name, "uid": v.uid},
           "spec": {"runStrategy": v.run_strategy,
                    "template": {"spec": {"domain": domain(v.vcpus, v.memory_bytes)}}},
           "status": {"printableStatus": v.status, "ready": v.ready, "conditions": conditions(&v.conditions)}})
}

fn vmi(v: &Vmi, shift: i64) -> Value {
    let mut meta = json!({"namespace": v.namespace, "name": v.name, "uid": v.uid});
    if v.has_vm {
        meta["ownerReferences"] = json!([{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
            "name": v.name, "uid": "", "controller": true}]);
    }
    let interfaces: Vec<Value> = v
        .ips
        .first()
        .map(|ip| json!({"name": "default", "ipAddress": ip, "ipAddresses": v.ips}))
        .into_iter()
        .collect();
    let mut status =
        json!({"phase": v.phase, "interfaces": interfaces, "conditions": conditions(&v.conditions)});
    if !v.node.is_empty() {
        status["nodeName"] = json!(v.node);
    }
    if let Some(t) = v.running_since_unix {
        status["phaseTransitionTimestamps"] =
            json!([{"phase": "Running", "phaseTransitionTimestamp": time(t, shift)}]);
    }
    if let Some(m) = &v.migration {
        let mut ms = json!({"sourceNode": m.source_node, "targetNode": m.target_node,
            "completed": m.completed, "failed": m.failed, "mode": m.mode});
        if let Some(t) = m.start_unix {
            ms["startTimestamp"] = json!(time(t, shift));
        }
        if let Some(t) = m.end_unix {
            ms["endTimestamp"] = json!(time(t, shift));
        }
        status["migrationState"] = ms;
    }
    json!({"metadata": meta, "spec": {"domain": domain(v.vcpus, v.memory_bytes)}, "status": status})
}

fn migration(m: &Migration, shift: i64) -> Value {
    let mut meta = json!({"namespace": m.namespace, "name": m.name});
    if let Some(t) = m.created_unix {
        meta["creationTimestamp"] = json!(time(t, shift));
    }
    let mut status = json!({"phase": m.phase, "migrationState": {"targetNode": m.target_node}});
    if let Some(t) = m.phase_since_unix {
        status["phaseTransitionTimestamps"] =
            json!([{"phase": m.phase, "phaseTransitionTimestamp": time(t, shift)}]);
    }
    json!({"metadata": meta, "spec": {"vmiName": m.vmi}, "status": status})
}

fn event(e: &KEvent, shift: i64) -> Value {
    json!({"metadata": {"namespace": e.namespace, "name": e.name},
           "involvedObject": {"apiVersion": "kubevirt.io/v1", "kind": e.object_kind,
                              "namespace": e.namespace, "name": e.object_name},
           "type": e.kind.label(), "reason": e.reason, "message": e.message,
           "firstTimestamp": time(e.last_unix, shift), "lastTimestamp": time(e.last_unix, shift),
           "count": e.count, "source": {"component": "virt-controller"}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Update;
    use crate::model::cluster::{KubeUpdate, parse};

    /// Every object of the demo's cluster, as the collector would get it back.
    fn objects() -> Vec<Object> {
        super::super::cluster_updates(3, 120, 24)
            .into_iter()
            .filter_map(|u| match u {
                Update::Kube(k) => match *k {
                    KubeUpdate::Replace(_, objs) => Some(objs),
                    _ => None,
                },
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn back(v: &Value, res: &Res) -> Option<Object> {
        Some(match res.plural {
            "virtualmachines" => Object::Vm(parse::vm(v)),
            "virtualmachineinstances" => Object::Vmi(parse::vmi(v)),
            "virtualmachineinstancemigrations" => Object::Migration(parse::migration(v)),
            #[cfg(feature = "kubernetes")]
            _ => core_back(v, res),
            #[cfg(not(feature = "kubernetes"))]
            _ => return None,
        })
    }

    #[cfg(feature = "kubernetes")]
    fn core_back(v: &Value, res: &Res) -> Object {
        use k8s_openapi::api::core::v1 as core;
        let v = v.clone();
        match res.plural {
            "nodes" => Object::Node((&serde_json::from_value::<core::Node>(v).unwrap()).into()),
            "pods" => Object::Pod((&serde_json::from_value::<core::Pod>(v).unwrap()).into()),
            "services" => Object::Service((&serde_json::from_value::<core::Service>(v).unwrap()).into()),
            "persistentvolumeclaims" => {
                Object::Pvc((&serde_json::from_value::<core::PersistentVolumeClaim>(v).unwrap()).into())
            }
            _ => Object::Event((&serde_json::from_value::<core::Event>(v).unwrap()).into()),
        }
    }

    #[test]
    fn every_object_comes_back_as_it_was() {
        let all = objects();
        let kinds: std::collections::BTreeSet<_> = all.iter().map(Object::kind).collect();
        assert_eq!(kinds.len(), 8, "every kind is generated");
        let mut checked = 0;
        for o in &all {
            let (res, v) = object(o, 0);
            if let Some(b) = back(&v, &res) {
                assert_eq!(&b, o, "{}", serde_json::to_string_pretty(&v).unwrap());
                checked += 1;
            }
        }
        assert!(checked > 100);
    }

    #[test]
    fn times_move_by_the_shift() {
        assert_eq!(time(super::super::NOW, 0), "2026-11-22T12:00:00Z");
        assert_eq!(time(super::super::NOW, 3600), "2026-11-22T13:00:00Z");
        assert_eq!((quantity(2 << 30), quantity(1000)), ("2048Mi".to_string(), "1000".to_string()));
    }
}
