//! The text form of `snapshot`: for a person at a terminal, not a contract.

use super::{Snapshot, kube, net};
use crate::model::guests::{Guest, state_text};
use crate::model::host::HostSample;
use crate::ui::fmt;

pub fn render(snap: &Snapshot) -> String {
    let mut s = match &snap.host {
        Some(h) => host(h),
        None => "host     unavailable (cannot read /proc)\n".to_string(),
    };
    if let Some(n) = &snap.network {
        s += &net::to_text(n);
    }
    if let Some(guests) = all_guests(snap) {
        s += &format!("guests   {}\n", guests.len());
        for g in &guests {
            s += &guest(g);
        }
    }
    if let Some(c) = &snap.cluster {
        s += &kube::to_text(c, snap.now_unix);
    }
    if let Some(u) = &snap.units {
        s += &units(u, snap.now_unix);
    }
    s += &crate::ui::screens::system_facts::plain_text(&snap.system, snap.now_unix);
    s += "sources\n";
    for src in &snap.sources {
        let h = &src.health;
        s += &format!("  {:<11} {:<12} {}\n", src.id.key(), h.label(), fmt::sanitize(h.reason()));
    }
    s
}

fn units(list: &[crate::model::units::Unit], now: i64) -> String {
    let failed: Vec<_> = list.iter().filter(|u| u.is_failed()).collect();
    let running = list.iter().filter(|u| u.is_running_service()).count();
    let mut s =
        format!("units    {} loaded, {} failed, {running} running services\n", list.len(), failed.len());
    for u in failed {
        s += &format!("  {}\n", fmt::sanitize(&crate::model::units::failed_text(u, now)));
    }
    s
}

fn host(h: &HostSample) -> String {
    let cpu = h.cpu.usage_percent.map_or("--".into(), |p| format!("{p:.1}%"));
    let m = &h.memory;
    let mut s = format!(
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
    s
}

fn guest(g: &Guest) -> String {
    format!(
        "  {:<24} {:<18} {:>2} vCPU {:>7}  {}{}\n",
        fmt::sanitize(&g.name),
        fmt::sanitize(&state_text(g)),
        g.vcpus,
        g.memory_known().map_or("--".to_string(), fmt::bytes),
        if g.kubevirt.is_some() { "kubevirt/" } else { "" },
        fmt::sanitize(&g.uri)
    )
}

/// libvirt's guests and then KubeVirt's, as the JSON lists them; `None` when neither answered.
fn all_guests(s: &Snapshot) -> Option<Vec<Guest>> {
    let kv = s.cluster.as_ref().filter(|c| kube::kubevirt_listed(c)).map(|c| c.guest_rows());
    match (&s.guests, kv, &s.machines) {
        (None, None, None) => None,
        (g, kv, m) => Some(
            g.iter()
                .flatten()
                .cloned()
                .chain(kv.into_iter().flatten())
                .chain(m.iter().flatten().cloned())
                .collect(),
        ),
    }
}
