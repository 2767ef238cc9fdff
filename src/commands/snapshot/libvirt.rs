//! libvirt's part of `snapshot`: one listing of every URI, and its guests in the contract.

use super::types;
use crate::collectors::libvirt;
use crate::config::Config;
use crate::event::Health;
use crate::model::guests::Guest;

/// Every guest of the URIs that answered (`None` when none did) and the listing's health.
pub async fn sample(config: &Config, timeout: std::time::Duration) -> (Option<Vec<Guest>>, Option<Health>) {
    let listing = libvirt::list_once_async(config.libvirt.uris.clone());
    match tokio::time::timeout(timeout, listing).await {
        Ok((guests, health)) => (guests, Some(health)),
        Err(_) => {
            let late = format!("no answer within {} s", timeout.as_secs());
            (None, Some(Health::Unavailable(late)))
        }
    }
}

/// A libvirt domain with SPEC's keys, then what a script would want next (uuid, NICs, disks).
pub fn guest(g: &Guest) -> types::Guest {
    let detail = types::LibvirtDetail {
        uuid: g.uuid.clone(),
        id: g.id,
        max_memory_bytes: g.max_memory_bytes,
        autostart: g.autostart,
        persistent: g.persistent,
        cpu_time_ns: g.cpu_time_ns,
        nics: g
            .nics
            .iter()
            .map(|n| types::Nic {
                mac: n.mac.clone(),
                kind: n.kind.clone(),
                source: n.source.clone(),
                target: n.target.clone(),
                model: n.model.clone(),
            })
            .collect(),
        disks: g
            .disks
            .iter()
            .map(|d| types::GuestDisk {
                device: d.device.clone(),
                target: d.target.clone(),
                source: d.source.clone(),
                readonly: d.readonly,
            })
            .collect(),
    };
    types::Guest {
        name: g.name.clone(),
        uri_or_namespace: g.uri.clone(),
        state: g.state.label().to_string(),
        vcpus: g.vcpus,
        memory_bytes: Some(g.memory_bytes),
        node: None,
        ips: g.ips.clone(),
        detail: types::GuestDetail::Libvirt(detail),
    }
}
