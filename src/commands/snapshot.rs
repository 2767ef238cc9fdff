//! `snapshot [--json]`: one sample of every source. The JSON is a stable contract (SPEC §4).

use super::SOURCE_TIMEOUT;
use crate::collectors::{self, libvirt, procfs};
use crate::config::Config;
use crate::event::{Health, SourceId};
use crate::model::cluster::Cluster;
use crate::model::guests::Guest;
use crate::model::host::HostSample;
use crate::ui::fmt;
use serde_json::{Value, json};
use std::time::Duration;

pub struct Snapshot {
    pub host: Option<HostSample>,
    pub sources: Vec<(SourceId, Health)>,
    /// `None` when netlink did not answer (its reason is under `sources`).
    pub network: Option<crate::model::network::NetState>,
    /// libvirt guests of the URIs that answered; `None` when none did.
    pub guests: Option<Vec<Guest>>,
    /// The cluster as listed; `None` when the API did not answer.
    pub cluster: Option<Cluster>,
    pub now_unix: i64,
}

/// Samples /proc twice (for CPU %) while asking every other source once.
pub async fn take(config: &Config) -> Snapshot {
    let root = collectors::proc_root();
    let host = tokio::task::spawn_blocking(move || procfs::sample_twice(&root, Duration::from_millis(250)));
    let network = tokio::time::timeout(SOURCE_TIMEOUT, collectors::netlink::snapshot_once());
    let libvirt = tokio::time::timeout(SOURCE_TIMEOUT, libvirt::list_once_async(config.libvirt.uris.clone()));
    let kube = collectors::kube::once::sync_once(&config.kubernetes, SOURCE_TIMEOUT);
    let (mut sources, network, libvirt, kube) =
        tokio::join!(collectors::check_all(config, SOURCE_TIMEOUT), network, libvirt, kube);
    let host = host.await.ok().and_then(Result::ok);
    // The listing's own health wins over the probe's: both asked the same URIs.
    let guests = match libvirt {
        Ok((guests, health)) => {
            sources
                .iter_mut()
                .filter(|(id, _)| *id == SourceId::Libvirt)
                .for_each(|(_, h)| *h = health.clone());
            guests
        }
        Err(_) => None,
    };
    // So do the watchers' answers over the probe's.
    for (id, h) in sources.iter_mut() {
        match id {
            SourceId::Kubernetes if kube.kubernetes != Health::Starting => *h = kube.kubernetes.clone(),
            SourceId::Kubevirt if kube.kubevirt != Health::Starting => *h = kube.kubevirt.clone(),
            _ => {}
        }
    }
    let cluster = kube.cluster.is_known().then_some(kube.cluster);
    let now_unix = crate::model::unix_now();
    Snapshot { host, sources, network: network.ok().and_then(Result::ok), guests, cluster, now_unix }
}

/// libvirt's guests and then KubeVirt's, or `None` when neither answered.
fn all_guests(s: &Snapshot) -> Option<Vec<Guest>> {
    let kv = s.cluster.as_ref().map(Cluster::guest_rows);
    match (&s.guests, kv) {
        (None, None) => None,
        (g, kv) => Some(g.iter().flatten().cloned().chain(kv.into_iter().flatten()).collect()),
    }
}

impl Snapshot {
    pub fn to_json(&self) -> Value {
        let sources: serde_json::Map<String, Value> = self
            .sources
            .iter()
            .map(|(id, h)| (id.key().to_string(), json!({ "state": h.state(), "reason": h.reason() })))
            .collect();
        let (host, cpu, memory) = match &self.host {
            Some(h) => (
                json!({ "hostname": h.hostname, "kernel": h.kernel, "uptime_s": h.uptime_s, "load": h.load }),
                json!(h.cpu),
                json!(h.memory),
            ),
            None => (Value::Null, Value::Null, Value::Null),
        };
        json!({
            "host": host,
            "cpu": cpu,
            "memory": memory,
            "disks": self.host.as_ref().map_or(Value::Null, |h| json!(h.disks)),
            "network": self.network.as_ref().map_or(Value::Null, super::snapshot_net::to_json),
            "guests": all_guests(self).map_or(Value::Null, |g| g.iter().map(|g| guest_json(g, self.now_unix)).collect()),
            "kubernetes": self.cluster.as_ref().map_or(Value::Null, |c| super::snapshot_kube::to_json(c, self.now_unix)),
            "sources": sources,
        })
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        if let Some(h) = &self.host {
            let cpu = h.cpu.usage_percent.map_or("--".into(), |p| format!("{p:.1}%"));
            let m = &h.memory;
            s += &format!(
                "host     {}  kernel {}  up {}\n",
                fmt::sanitize(&h.hostname),
                h.kernel,
                fmt::duration(h.uptime_s)
            );
            s += &format!("load     {:.2} {:.2} {:.2}\n", h.load[0], h.load[1], h.load[2]);
            s += &format!("cpu      {} cores, {cpu} busy\n", h.cpu.cores);
            s += &format!(
                "memory   {} used, {} available; swap {}\n",
                fmt::bytes_pair(m.used_bytes, m.total_bytes),
                fmt::bytes(m.available_bytes),
                fmt::bytes_pair(m.swap_used_bytes, m.swap_total_bytes)
            );
            for d in &h.disks {
                s += &format!(
                    "disk     {:<24} {:>5.1}% of {:<7} {} ({})\n",
                    fmt::sanitize(&d.mount),
                    d.used_percent(),
                    fmt::bytes(d.total_bytes),
                    fmt::sanitize(&d.device),
                    d.fstype
                );
            }
        } else {
            s += "host     unavailable (cannot read /proc)\n";
        }
        if let Some(n) = &self.network {
            s += &super::snapshot_net::to_text(n);
        }
        if let Some(guests) = all_guests(self) {
            s += &format!("guests   {}\n", guests.len());
            for g in &guests {
                s += &format!(
                    "  {:<24} {:<18} {:>2} vCPU {:>7}  {}{}\n",
                    fmt::sanitize(&g.name),
                    fmt::sanitize(&crate::model::guests::state_text(g)),
                    g.vcpus,
                    fmt::bytes(g.memory_bytes),
                    if g.kubevirt.is_some() { "kubevirt/" } else { "" },
                    fmt::sanitize(&g.uri)
                );
            }
        }
        if let Some(c) = &self.cluster {
            s += &super::snapshot_kube::to_text(c, self.now_unix);
        }
        s += "sources\n";
        for (id, h) in &self.sources {
            s += &format!("  {:<11} {:<12} {}\n", id.key(), h.label(), fmt::sanitize(h.reason()));
        }
        s
    }
}

/// One guest as SPEC §4 spells it, plus what a script would want next (uuid, NICs, disks).
fn guest_json(g: &Guest, now: i64) -> Value {
    if g.kubevirt.is_some() {
        return super::snapshot_kube::guest_json(g, now);
    }
    json!({
        "name": g.name,
        "source": "libvirt",
        "uri_or_namespace": g.uri,
        "state": g.state.label(),
        "vcpus": g.vcpus,
        "memory_bytes": g.memory_bytes,
        "node": Value::Null,
        "ips": g.ips,
        "uuid": g.uuid,
        "id": g.id,
        "max_memory_bytes": g.max_memory_bytes,
        "autostart": g.autostart,
        "persistent": g.persistent,
        "cpu_time_ns": g.cpu_time_ns,
        "nics": g.nics.iter().map(|n| json!({
            "mac": n.mac, "type": n.kind, "source": n.source, "target": n.target, "model": n.model,
        })).collect::<Vec<_>>(),
        "disks": g.disks.iter().map(|d| json!({
            "device": d.device, "target": d.target, "source": d.source, "readonly": d.readonly,
        })).collect::<Vec<_>>(),
    })
}
