//! machined's part of `snapshot`: one listing (two samples for CPU %), and its guests in the
//! contract.

use super::types;
use crate::collectors::{machined, systemd};
use crate::event::Health;
use crate::model::guests::{Guest, state_text};
use std::time::Duration;

/// The machines and the source's health; `None` with the reason when machined did not answer.
pub async fn sample(timeout: Duration) -> (Option<Vec<Guest>>, Health) {
    let bus = systemd::bus_path();
    let listing = machined::snapshot_once(&bus, Duration::from_millis(250));
    match tokio::time::timeout(timeout, listing).await {
        Ok(r) => {
            let h = machined::health_of(&r);
            (r.ok(), h)
        }
        Err(_) => {
            (None, Health::Unavailable(format!("machined did not answer within {} s", timeout.as_secs())))
        }
    }
}

/// A machined guest with SPEC's keys, then its class, unit, leader, CPU and memory.
pub fn guest(g: &Guest, now: i64) -> types::Guest {
    let m = g.machined.as_deref().cloned().unwrap_or_default();
    let detail = types::MachinedDetail {
        class: m.class,
        service: m.service,
        unit: m.unit,
        root_directory: m.root,
        leader: m.leader,
        machine_id: m.machine_id,
        cpu_percent: g.cpu_percent,
        memory_note: m.memory_note,
        uptime_s: g.uptime_at(now).filter(|_| g.state.is_active()),
        interfaces: g.nics.iter().filter_map(|n| n.target.clone()).collect(),
        configured: Some(m.configured).filter(|c| !c.is_empty()),
    };
    types::Guest {
        name: g.name.clone(),
        uri_or_namespace: g.uri.clone(),
        state: state_text(g),
        vcpus: g.vcpus,
        memory_bytes: m.memory,
        node: None,
        ips: g.ips.clone(),
        detail: types::GuestDetail::Machined(detail),
    }
}
