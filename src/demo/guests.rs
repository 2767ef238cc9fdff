//! The demo's libvirt guests, one table for the live demo and the README's screens:
//! - a node file for libvirt's test driver with a dozen guests in every state (a second
//!   host's worth, read as it is: a `test:///path` open gets private state);
//! - the guests `--demo` defines on the shared `test:///default`, whose states it changes
//!   through the driver's API while the console watches (see `libvirt_driver.rs`).

use crate::model::guests::{Disk, Guest, GuestState, Nic};

/// One demo domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Domain {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_mib: u64,
    /// libvirt's virDomainState (1 running … 7 pmsuspended); in the node file `test:runstate`.
    pub state: u8,
}

const fn d(name: &'static str, vcpus: u32, memory_mib: u64, state: u8) -> Domain {
    Domain { name, vcpus, memory_mib, state }
}

/// The node file's guests: every libvirt state at least once.
pub const NODE_DOMAINS: [Domain; 12] = [
    d("ad-dc01", 2, 4096, 1),
    d("backup-01", 4, 8192, 1),
    d("mail-01", 2, 4096, 1),
    d("monitoring", 2, 6144, 1),
    d("build-win11", 8, 16384, 2),
    d("staging-db", 4, 16384, 3),
    d("pfsense", 2, 2048, 3),
    d("old-erp", 2, 8192, 4),
    d("template-debian12", 1, 1024, 5),
    d("template-nixos", 1, 1024, 5),
    d("legacy-app", 2, 4096, 6),
    d("laptop-sim", 2, 4096, 7),
];

/// The guests on `test:///default` whose state `--demo` keeps changing, in their first state.
pub const LIVE_DOMAINS: [Domain; 8] = [
    d("web-01", 2, 4096, 1),
    d("web-02", 2, 4096, 1),
    d("db-01", 4, 16384, 1),
    d("gitlab", 4, 8192, 1),
    d("ci-runner-01", 8, 8192, 3),
    d("cache-01", 2, 2048, 1),
    d("win2022-rdp", 4, 8192, 5),
    d("scratch", 1, 1024, 5),
];

/// The URI of the changing guests.
pub const LIVE_URI: &str = "test:///default";

fn index_of(name: &str) -> usize {
    NODE_DOMAINS.iter().chain(&LIVE_DOMAINS).position(|x| x.name == name).unwrap_or(0) + 1
}

fn uuid(name: &str) -> String {
    format!("7d3c9a1e-0000-4000-8000-{:012}", index_of(name))
}

fn mac(name: &str) -> String {
    format!("52:54:00:de:00:{:02x}", index_of(name))
}

/// A domain's XML for the test driver (with `test:runstate` for the node file).
pub fn domain_xml(dom: &Domain, runstate: bool) -> String {
    let Domain { name, vcpus, memory_mib, state } = *dom;
    let runstate = if runstate { format!("<test:runstate>{state}</test:runstate>") } else { String::new() };
    format!(
        "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\
         <name>{name}</name><uuid>{}</uuid>\
         <memory unit='MiB'>{memory_mib}</memory><currentMemory unit='MiB'>{memory_mib}</currentMemory>\
         <vcpu placement='static'>{vcpus}</vcpu><os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>\
         <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='/var/lib/libvirt/images/{name}.qcow2'/><target dev='vda' bus='virtio'/></disk>\
         <interface type='bridge'><mac address='{}'/><source bridge='br0'/><model type='virtio'/></interface>\
         </devices>{runstate}</domain>\n",
        uuid(name),
        mac(name),
    )
}

/// The node file: a small host and [`NODE_DOMAINS`] in their states.
pub fn node_xml() -> String {
    let mut out = String::from(
        "<?xml version='1.0'?>\n<!-- hypervisor-tui demo mode: a dozen guests in every state -->\n<node>\n\
         <cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets><cores>8</cores>\
         <threads>2</threads><active>16</active></cpu>\n<memory>67108864</memory>\n",
    );
    for dom in &NODE_DOMAINS {
        out.push_str(&domain_xml(dom, true));
    }
    out.push_str("</node>\n");
    out
}

/// libvirt's state number as the console's state.
pub fn state(n: u8) -> GuestState {
    GuestState::from_libvirt(n.into())
}

/// A domain as the libvirt collector would show it, with made-up but fixed figures (the
/// README's screens: no libvirt, no clock).
pub fn guest(dom: &Domain, uri: &str, k: usize) -> Guest {
    let st = state(dom.state);
    let active = st.is_active();
    let bytes = dom.memory_mib << 20;
    Guest {
        name: dom.name.into(),
        uuid: uuid(dom.name),
        uri: uri.into(),
        id: active.then_some(k as u32 + 1),
        state: st,
        reason: 1,
        vcpus: dom.vcpus,
        max_memory_bytes: bytes,
        memory_bytes: bytes,
        autostart: k.is_multiple_of(3),
        persistent: true,
        cpu_time_ns: (k as u64 + 1) * 7_300_000_000_000,
        cpu_percent: active.then_some((k * 37 % 90) as f64 + 2.5),
        uptime_s: active.then_some(3600 * (k as u64 * 29 % 400) + 777),
        disks: vec![Disk {
            device: "disk".into(),
            target: "vda".into(),
            source: format!("/var/lib/libvirt/images/{}.qcow2", dom.name),
            readonly: false,
        }],
        nics: vec![Nic {
            mac: mac(dom.name),
            kind: "bridge".into(),
            source: "br0".into(),
            target: active.then(|| format!("vnet{k}")),
            model: Some("virtio".into()),
        }],
        ips: if active { vec![format!("192.168.122.{}/24", 10 + index_of(dom.name))] } else { vec![] },
        ..Guest::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_file_has_every_state() {
        for s in 1..=7 {
            assert!(NODE_DOMAINS.iter().any(|d| d.state == s), "state {s}");
        }
        let xml = node_xml();
        if let Err(e) = roxmltree::Document::parse(&xml) {
            panic!("{e}\n{xml}");
        }
        assert_eq!(xml.matches("<domain ").count(), 12);
    }

    #[test]
    fn names_and_uuids_are_unique() {
        let all: Vec<_> = NODE_DOMAINS.iter().chain(&LIVE_DOMAINS).collect();
        let names: std::collections::BTreeSet<_> = all.iter().map(|d| uuid(d.name)).collect();
        assert_eq!(names.len(), all.len());
    }
}
