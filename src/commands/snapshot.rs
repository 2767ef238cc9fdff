//! `snapshot [--json]`: one sample of every source. The JSON is a stable contract (SPEC §4).

use super::SOURCE_TIMEOUT;
use crate::collectors::{self, procfs};
use crate::config::Config;
use crate::event::{Health, SourceId};
use crate::model::host::HostSample;
use crate::ui::fmt;
use serde_json::{Value, json};
use std::time::Duration;

pub struct Snapshot {
    pub host: Option<HostSample>,
    pub sources: Vec<(SourceId, Health)>,
    /// `None` when netlink did not answer (its reason is under `sources`).
    pub network: Option<crate::model::network::NetState>,
}

/// Samples /proc twice (for CPU %) while asking every other source once.
pub async fn take(config: &Config) -> Snapshot {
    let root = collectors::proc_root();
    let host = tokio::task::spawn_blocking(move || procfs::sample_twice(&root, Duration::from_millis(250)));
    let network = tokio::time::timeout(SOURCE_TIMEOUT, collectors::netlink::snapshot_once());
    let (sources, network) = tokio::join!(collectors::check_all(config, SOURCE_TIMEOUT), network);
    let host = host.await.ok().and_then(Result::ok);
    Snapshot { host, sources, network: network.ok().and_then(Result::ok) }
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
            "guests": Value::Null,
            "kubernetes": Value::Null,
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
        s += "sources\n";
        for (id, h) in &self.sources {
            s += &format!("  {:<11} {:<12} {}\n", id.key(), h.label(), fmt::sanitize(h.reason()));
        }
        s
    }
}
