//! Deterministic synthetic Kubernetes + KubeVirt clusters for render tests and the
//! `kube_events` benchmark: k3s-like nodes, pods, services, PVCs, VMs, VMIs, migrations and
//! events, then the stream of pod watch events a busy cluster sends.
//!
//! Everything is a pure function of its arguments: no randomness, no clock (times are
//! relative to [`NOW`]), no hash-map iteration order. Render tests, the `kube_events`
//! benchmark, `--demo` (served as JSON by the fake API server, see `json.rs`) and the
//! README's screens all use this one copy.
//!
//! The KubeVirt guests of a cluster with `n` VMIs (index `i` names `web-000`, `db-001`, …):
//! - 0: Running (VM `web-000`, with a NodePort service and a PVC named after it);
//! - 1: Failed, a VMI no VM owns (`vms/db-001`);
//! - 2, 3: migrating: VM status `Migrating`, VMI migration state in progress, a VMIM in
//!   phase `Running` with its target node;
//! - 4: Running, its newest migration `Failed` (an older one `Succeeded`);
//! - 5: Running, migrated a day ago (VMIM `Succeeded`);
//! - 6: Paused (by the user);
//! - 7: Scheduling (VM `Starting`, no node yet);
//! - every `i % 10 == 9`: a Running VMI no VM owns;
//! - the rest Running, with IPs in their node's pod CIDR;
//! - plus `n / 10 + 1` Stopped VMs without a VMI.
//!
//! Namespaces: `vms`, and `tenant-a` for every `i % 4 == 3`. The migrations want at least
//! two nodes to be realistic (with one, source and target are the same node).

use crate::event::{Health, SourceId, Update};
use crate::model::Model;
use crate::model::cluster::objects::{Kind, Node, Object, Pod, Pvc, Service};
use crate::model::cluster::{ClusterInfo, KubeUpdate};
use std::collections::{BTreeSet, VecDeque};

/// 2026-11-22T12:00:00Z: "now" for every generated time; put it in `Model::fixed_now`.
pub const NOW: i64 = 1_795_348_800;
const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
const GIB: u64 = 1 << 30;
const K3S: &str = "v1.31.4+k3s1";
const SERVER: &str = "https://127.0.0.1:6443";

/// The host's view of the cluster: node `hv1`, a k3s API server on localhost, flannel.
pub fn info() -> ClusterInfo {
    ClusterInfo {
        node_name: "hv1".into(),
        server: SERVER.into(),
        version: K3S.into(),
        cni: vec!["flannel (10-flannel.conflist)".into()],
        service_cidr: None,
        cluster_cidr: Some("10.42.0.0/16".into()),
    }
}

/// Node number `i` (0-based) is `hv{i+1}`.
pub fn node_name(i: usize) -> String {
    format!("hv{}", i + 1)
}

/// `n` k3s nodes `hv1`..`hvN`; `hv1` is the server (control-plane, master). The nodes at
/// the given 0-based indices (`&[2]` is `hv3`) are NotReady.
pub fn nodes(n: usize, not_ready: &[usize]) -> Vec<Object> {
    (0..n)
        .map(|i| {
            let bad = not_ready.contains(&i);
            Object::Node(Node {
                name: node_name(i),
                ready: Some(!bad),
                ready_reason: if bad {
                    "KubeletNotReady: container runtime network not ready".into()
                } else {
                    String::new()
                },
                roles: if i == 0 { vec!["control-plane".into(), "master".into()] } else { vec![] },
                kubelet_version: K3S.into(),
                internal_ip: Some(format!("192.168.{}.{}", 10 + i / 240, 11 + i % 240)),
                pod_cidrs: vec![format!("10.42.{}.0/24", i % 256)],
                unschedulable: false,
                pressures: vec![],
            })
        })
        .collect()
}

/// The alphabet of Kubernetes' generated name suffixes (no vowels, no 0/1/3).
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A 5-character suffix like `x2x4k`, different for every `i` below 27^5 (a bijection).
pub fn suffix(i: usize) -> String {
    const SPACE: u64 = 27u64.pow(5);
    let mut x = (i as u64 % SPACE * 7_368_787 + 1_234_567) % SPACE;
    let mut out = [0u8; 5];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(x % 27) as usize];
        x /= 27;
    }
    out.iter().map(|b| char::from(*b)).collect()
}

/// A deterministic UUID (`xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx`) from a seed.
pub fn uuid(seed: u64) -> String {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut next = || {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut x = z;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    };
    let (a, b) = (next(), next());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

fn pod(namespace: &str, name: String, node: String, phase: &str, ready: bool) -> Pod {
    Pod { namespace: namespace.into(), name, node, phase: phase.into(), ready, ..Pod::default() }
}

/// Deployments the workload pods belong to: (namespace, name, pod-template-hash).
const DEPLOYMENTS: [(&str, &str, &str); 9] = [
    ("default", "web", "7d9f8b6c5"),
    ("default", "api", "5c6b9d7f48"),
    ("shop", "cart", "6f8d4b9c7"),
    ("shop", "checkout", "84c7f9d6b5"),
    ("shop", "catalog", "7b5d8c9f6"),
    ("monitoring", "grafana", "5f9c7d8b46"),
    ("monitoring", "prometheus", "6d4b8f7c95"),
    ("ci", "runner", "9c7f5d6b84"),
    ("default", "worker", "7f6c9b5d8"),
];

/// The kube-system and kubevirt pods of a k3s cluster with KubeVirt on `nodes` nodes.
fn system_pods(nodes: usize) -> Vec<Pod> {
    let nodes = nodes.max(1);
    let mut seq = 0;
    let mut next = |namespace: &str, prefix: &str, node: usize, phase: &str| {
        seq += 1;
        let running = phase == "Running";
        pod(namespace, format!("{prefix}-{}", suffix(seq)), node_name(node % nodes), phase, running)
    };
    let mut out = vec![
        next("kube-system", "coredns-ccb96694c", 0, "Running"),
        next("kube-system", "local-path-provisioner-5cf85fd84d", 0, "Running"),
        next("kube-system", "metrics-server-5985cbc9d7", 1, "Running"),
        next("kube-system", "traefik-5d45fc8cc9", 2, "Running"),
    ];
    out.extend((0..nodes).map(|n| next("kube-system", "svclb-traefik-5b8f7d62", n, "Running")));
    out.push(next("kube-system", "helm-install-traefik-crd", 0, "Succeeded"));
    out.push(next("kube-system", "helm-install-traefik", 0, "Succeeded"));
    out.push(next("kubevirt", "virt-api-7c9b5f6d84", 0, "Running"));
    out.push(next("kubevirt", "virt-api-7c9b5f6d84", 1, "Running"));
    out.push(next("kubevirt", "virt-controller-5d8f7b9c46", 1, "Running"));
    out.push(next("kubevirt", "virt-controller-5d8f7b9c46", 2, "Running"));
    out.extend((0..nodes).map(|n| next("kubevirt", "virt-handler", n, "Running")));
    out.push(next("kubevirt", "virt-operator-6b8d9c7f5", 0, "Running"));
    out.push(next("kubevirt", "virt-operator-6b8d9c7f5", 2, "Running"));
    out
}

/// Workload pod number `w` (0-based, after the system pods); `seq` makes its name unique.
fn workload_pod(w: usize, seq: usize, nodes: usize) -> Pod {
    let node = node_name(w % nodes.max(1));
    let cron = |job: &str, phase: &str| {
        let minute = NOW / MINUTE - 60 * (w as i64 % 24 + 1);
        pod("batch", format!("{job}-{minute}-{}", suffix(seq)), node.clone(), phase, false)
    };
    let (ns, deploy, hash) = DEPLOYMENTS[w % DEPLOYMENTS.len()];
    let deployment = |node: String, phase: &str, ready: bool| {
        pod(ns, format!("{deploy}-{hash}-{}", suffix(seq)), node, phase, ready)
    };
    if w % 40 == 17 {
        cron("backup", "Succeeded")
    } else if w % 100 == 29 {
        cron("report", "Failed")
    } else if w % 50 == 7 {
        // One in two Pending pods is not scheduled yet.
        let node = if w % 100 == 7 { String::new() } else { node };
        deployment(node, "Pending", false)
    } else if w % 97 == 11 {
        let mut p = deployment(node, "Running", false);
        p.restarts = 4 + (w % 30) as u32;
        p.last_restart_times = vec![NOW - MINUTE * (1 + w as i64 % 55)];
        p.crash_looping = true;
        p
    } else if w % 13 == 5 {
        // Restarted once, long ago: not in "restarts in the last hour".
        let mut p = deployment(node, "Running", true);
        p.restarts = 1;
        p.last_restart_times = vec![NOW - DAY - MINUTE * w as i64];
        p
    } else if w % 150 == 77 {
        let mut p = deployment(node, "Running", false);
        p.terminating = true;
        p
    } else {
        deployment(node, "Running", true)
    }
}

/// `n` pods over `nodes` nodes: the kube-system and kubevirt pods first (cut short when
/// `n` is smaller), then workload pods of a few deployments and cron jobs, mostly Running,
/// some Pending (half of them unscheduled), Succeeded, Failed, a few crash-looping with
/// restarts in the hour before [`NOW`], one in 150 terminating. Names are unique.
/// (No virt-launcher pods: the VMIs do not depend on the pods.)
pub fn pods(n: usize, nodes: usize) -> Vec<Object> {
    let system = system_pods(nodes);
    let base = system.len();
    let workloads = (0..n.saturating_sub(base)).map(|w| workload_pod(w, base + 1 + w, nodes));
    system.into_iter().chain(workloads).take(n).map(Object::Pod).collect()
}

/// Ten services: the API's, k3s's add-ons', KubeVirt's and a few workloads'.
pub fn services() -> Vec<Object> {
    [
        ("default", "kubernetes", "ClusterIP", "10.43.0.1"),
        ("default", "web", "NodePort", "10.43.77.190"),
        ("kube-system", "kube-dns", "ClusterIP", "10.43.0.10"),
        ("kube-system", "metrics-server", "ClusterIP", "10.43.148.201"),
        ("kube-system", "traefik", "LoadBalancer", "10.43.211.37"),
        ("kubevirt", "kubevirt-operator-webhook", "ClusterIP", "10.43.12.250"),
        ("kubevirt", "kubevirt-prometheus-metrics", "ClusterIP", "None"),
        ("kubevirt", "virt-api", "ClusterIP", "10.43.96.14"),
        ("shop", "checkout", "ClusterIP", "10.43.180.5"),
        ("vms", "web-000-ssh", "NodePort", "10.43.33.12"),
    ]
    .into_iter()
    .map(|(namespace, name, kind, ip)| {
        Object::Service(Service {
            namespace: namespace.into(),
            name: name.into(),
            kind: kind.into(),
            cluster_ip: ip.into(),
        })
    })
    .collect()
}

/// Six claims: five Bound, one Pending.
pub fn pvcs() -> Vec<Object> {
    [
        ("monitoring", "grafana", "Bound"),
        ("monitoring", "prometheus-data", "Bound"),
        ("tenant-a", "build-003-rootdisk", "Bound"),
        ("vms", "db-001-rootdisk", "Bound"),
        ("vms", "upload-scratch", "Pending"),
        ("vms", "web-000-rootdisk", "Bound"),
    ]
    .into_iter()
    .map(|(namespace, name, phase)| {
        Object::Pvc(Pvc { namespace: namespace.into(), name: name.into(), phase: phase.into() })
    })
    .collect()
}

pub mod json;
mod kubevirt;
pub mod live;
pub use kubevirt::*;

/// What the collector sends once every watch has listed: the cluster facts, then one
/// `Replace` per kind in `Kind::ALL` order. Migrations and events about guests the cluster
/// does not have (fewer than 8 VMIs) are left out. No Health updates: see [`health_ok`].
pub fn cluster_updates(nodes: usize, pods: usize, vmis: usize) -> Vec<Update> {
    let vm_list = vms(vmis);
    let vmi_list = self::vmis(vmis, nodes);
    let guests: BTreeSet<(String, String)> = vm_list
        .iter()
        .chain(&vmi_list)
        .filter_map(|o| match o {
            Object::Vm(v) => Some((v.namespace.clone(), v.name.clone())),
            Object::Vmi(v) => Some((v.namespace.clone(), v.name.clone())),
            _ => None,
        })
        .collect();
    let known = |o: &Object| match o {
        Object::Migration(m) => guests.contains(&(m.namespace.clone(), m.vmi.clone())),
        Object::Event(e) => guests.contains(&(e.namespace.clone(), e.object_name.clone())),
        _ => true,
    };
    let migration_list: Vec<Object> = migrations_on(nodes).into_iter().filter(known).collect();
    let event_list: Vec<Object> = events().into_iter().filter(known).collect();
    let mut out = vec![Update::Kube(Box::new(KubeUpdate::Info(info())))];
    for kind in Kind::ALL {
        let objects = match kind {
            Kind::Node => self::nodes(nodes, &[]),
            Kind::Pod => self::pods(pods, nodes),
            Kind::Service => services(),
            Kind::Pvc => pvcs(),
            Kind::Vm => vm_list.clone(),
            Kind::Vmi => vmi_list.clone(),
            Kind::Migration => migration_list.clone(),
            Kind::Event => event_list.clone(),
        };
        out.push(Update::Kube(Box::new(KubeUpdate::Replace(kind, objects))));
    }
    out
}

/// Both sources healthy, in the collector's words.
pub fn health_ok() -> Vec<Update> {
    vec![
        Update::Health(SourceId::Kubernetes, Health::Ok(format!("API server {K3S} at {SERVER}"))),
        Update::Health(SourceId::Kubevirt, Health::Ok("kubevirt.io/v1 served".into())),
    ]
}

/// A model holding the cluster of [`cluster_updates`] (every node Ready), both sources
/// healthy, "now" pinned at [`NOW`]. Nothing else (no host sample, no libvirt guests).
pub fn model_with_cluster(nodes: usize, pods: usize, vmis: usize) -> Model {
    let mut m = Model { fixed_now: Some(NOW), ..Model::default() };
    for u in cluster_updates(nodes, pods, vmis).into_iter().chain(health_ok()) {
        m.apply(u);
    }
    m
}

fn pod_of(o: &Object) -> Option<Pod> {
    match o {
        Object::Pod(p) => Some(p.clone()),
        _ => None,
    }
}

/// `count` pod watch events as the collector forwards them, starting from `initial` (the
/// pods of the last `Replace`) on `nodes` nodes. Each event picks a pod with a prime stride
/// and, by `k % 20`:
/// - 0–9: flips it (Pending → Running, else Ready toggles);
/// - 10–12: restarts a container of an unfinished pod (at a time within the hour before
///   [`NOW`]; crash-looping from the third restart);
/// - 13: recovers it (Ready, no longer crash-looping);
/// - 14–15: starts deleting it (Terminating);
/// - 16–17: deletes the oldest Terminating pod (`Delete`);
/// - 18–19: adds a new Pending pod of a deployment.
///
/// Adds and deletes balance, so the pod count stays about the same. Every event is an
/// `Update::Kube(Apply(Pod))` or an `Update::Kube(Delete(Kind::Pod, key))`.
pub fn pod_events(count: usize, initial: &[Object], nodes: usize) -> Vec<Update> {
    let mut live: Vec<Pod> = initial.iter().filter_map(pod_of).collect();
    let mut terminating: VecDeque<String> = VecDeque::new();
    let mut added = 0;
    let key = |p: &Pod| format!("{}/{}", p.namespace, p.name);
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let t = NOW - HOUR + (k as i64 * HOUR) / count.max(1) as i64;
        let step = k % 20;
        if live.is_empty() || step >= 18 {
            let (ns, deploy, hash) = DEPLOYMENTS[added % DEPLOYMENTS.len()];
            added += 1;
            let node = node_name(added % nodes.max(1));
            let p = pod(ns, format!("{deploy}-{hash}-{}", suffix(1_000_000 + added)), node, "Pending", false);
            live.push(p.clone());
            out.push(Update::Kube(Box::new(KubeUpdate::Apply(Object::Pod(p)))));
            continue;
        }
        let j = (k * 7919 + 13) % live.len();
        if step == 16 || step == 17 {
            let gone = terminating.pop_front().unwrap_or_else(|| key(&live[j]));
            if let Some(at) = live.iter().position(|p| key(p) == gone) {
                live.swap_remove(at);
            }
            out.push(Update::Kube(Box::new(KubeUpdate::Delete(Kind::Pod, gone))));
            continue;
        }
        let p = &mut live[j];
        match step {
            0..=9 => match p.phase.as_str() {
                "Pending" => {
                    p.phase = "Running".into();
                    p.ready = true;
                    if p.node.is_empty() {
                        p.node = node_name(k % nodes.max(1));
                    }
                }
                "Running" if !p.crash_looping && !p.terminating => p.ready = !p.ready,
                _ => {} // a status write that changes nothing shown (a resync, an annotation)
            },
            10..=12 if matches!(p.phase.as_str(), "Succeeded" | "Failed") => {} // finished: nothing restarts
            10..=12 => {
                p.phase = "Running".into();
                p.restarts += 1;
                p.last_restart_times = vec![t];
                p.ready = false;
                p.crash_looping = p.restarts >= 3;
            }
            13 => {
                p.crash_looping = false;
                p.ready = p.phase == "Running" && !p.terminating;
            }
            _ => {
                if !p.terminating {
                    p.terminating = true;
                    p.ready = false;
                    terminating.push_back(key(p));
                }
            }
        }
        out.push(Update::Kube(Box::new(KubeUpdate::Apply(Object::Pod(p.clone())))));
    }
    out
}
