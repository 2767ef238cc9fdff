//! The core kinds from k8s-openapi's typed objects (nodes, pods, services, PVCs, events).

use super::super::objects::{EventType, KEvent, Node, Pod, Pvc, Service};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

fn meta(m: &ObjectMeta) -> (String, String) {
    (m.namespace.clone().unwrap_or_default(), m.name.clone().unwrap_or_default())
}

fn unix(t: &Time) -> i64 {
    t.0.as_second()
}

impl From<&core::Node> for Node {
    fn from(n: &core::Node) -> Node {
        let name = n.metadata.name.clone().unwrap_or_default();
        let roles = n
            .metadata
            .labels
            .iter()
            .flatten()
            .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/"))
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        let spec = n.spec.clone().unwrap_or_default();
        let status = n.status.clone().unwrap_or_default();
        let conditions = status.conditions.unwrap_or_default();
        let ready_cond = conditions.iter().find(|c| c.type_ == "Ready");
        let ready = ready_cond.and_then(|c| match c.status.as_str() {
            "True" => Some(true),
            "False" => Some(false),
            _ => None,
        });
        let ready_reason = match ready_cond {
            Some(c) if c.status != "True" => [c.reason.as_deref(), c.message.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": "),
            None => "no Ready condition".into(),
            _ => String::new(),
        };
        let pressures = conditions
            .iter()
            .filter(|c| c.type_ != "Ready" && c.status == "True")
            .map(|c| c.type_.clone())
            .collect();
        let mut pod_cidrs = spec.pod_cidrs.unwrap_or_default();
        if pod_cidrs.is_empty() {
            pod_cidrs.extend(spec.pod_cidr);
        }
        let internal_ip =
            status.addresses.iter().flatten().find(|a| a.type_ == "InternalIP").map(|a| a.address.clone());
        Node {
            name,
            ready,
            ready_reason,
            roles,
            kubelet_version: status.node_info.map(|i| i.kubelet_version).unwrap_or_default(),
            internal_ip,
            pod_cidrs,
            unschedulable: spec.unschedulable.unwrap_or(false),
            pressures,
        }
    }
}

impl From<&core::Pod> for Pod {
    fn from(p: &core::Pod) -> Pod {
        let (namespace, name) = meta(&p.metadata);
        let status = p.status.clone().unwrap_or_default();
        let containers: Vec<core::ContainerStatus> = status
            .init_container_statuses
            .into_iter()
            .flatten()
            .chain(status.container_statuses.into_iter().flatten())
            .collect();
        let restarts = containers.iter().map(|c| c.restart_count.max(0) as u32).sum();
        let last_restart_times = containers
            .iter()
            .filter(|c| c.restart_count > 0)
            .filter_map(|c| c.last_state.as_ref()?.terminated.as_ref()?.finished_at.as_ref().map(unix))
            .collect();
        let crash_looping = containers.iter().any(|c| {
            c.state.as_ref().and_then(|s| s.waiting.as_ref()).and_then(|w| w.reason.as_deref())
                == Some("CrashLoopBackOff")
        });
        let ready = status.conditions.iter().flatten().any(|c| c.type_ == "Ready" && c.status == "True");
        Pod {
            namespace,
            name,
            node: p.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default(),
            phase: status.phase.unwrap_or_else(|| "Unknown".into()),
            ready,
            restarts,
            last_restart_times,
            crash_looping,
            terminating: p.metadata.deletion_timestamp.is_some(),
        }
    }
}

impl From<&core::Service> for Service {
    fn from(s: &core::Service) -> Service {
        let (namespace, name) = meta(&s.metadata);
        let spec = s.spec.clone().unwrap_or_default();
        Service {
            namespace,
            name,
            kind: spec.type_.unwrap_or_else(|| "ClusterIP".into()),
            cluster_ip: spec.cluster_ip.unwrap_or_default(),
        }
    }
}

impl From<&core::PersistentVolumeClaim> for Pvc {
    fn from(c: &core::PersistentVolumeClaim) -> Pvc {
        let (namespace, name) = meta(&c.metadata);
        let phase = c.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_else(|| "Pending".into());
        Pvc { namespace, name, phase }
    }
}

impl From<&core::Event> for KEvent {
    fn from(e: &core::Event) -> KEvent {
        let (namespace, name) = meta(&e.metadata);
        let last = e
            .last_timestamp
            .as_ref()
            .or(e.first_timestamp.as_ref())
            .map(unix)
            .or_else(|| e.event_time.as_ref().map(|t| t.0.as_second()))
            .or_else(|| e.metadata.creation_timestamp.as_ref().map(unix))
            .unwrap_or(0);
        KEvent {
            namespace,
            name,
            object_kind: e.involved_object.kind.clone().unwrap_or_default(),
            object_name: e.involved_object.name.clone().unwrap_or_default(),
            kind: e.type_.as_deref().map(EventType::parse).unwrap_or_default(),
            reason: e.reason.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default(),
            last_unix: last,
            count: e.count.unwrap_or(1).max(1) as u32,
        }
    }
}
