//! The demo as one fixed model, for the README's screens (`make screenshots`): the same
//! journal generator, guests and cluster as `--demo`, at a fixed instant ([`super::cluster::NOW`]),
//! with a fixed host and a fixed network in place of this machine's /proc and netlink.

use super::cluster::{self, NOW};
use super::guests::{LIVE_DOMAINS, LIVE_URI, NODE_DOMAINS, guest};
use super::journal_feed::{Feed, line};
use crate::event::{Health, SourceId, Update};
use crate::model::Model;
use crate::model::guests::GuestUpdate;
use crate::model::host::{CpuBreakdown, CpuUsage, DiskUsage, HostSample, IoRate, Memory, NetRate};
use crate::model::log_buffer::LogUpdate;
use crate::model::network::{Addr, Link, LinkKind, LinkStats, NetState, NetUpdate, Route};
use crate::model::units::UnitsUpdate;
use std::net::IpAddr;

/// The node file's URI in the screens (the live demo's is under its temporary directory).
pub const NODE_URI: &str = "test:///tmp/hypervisor-tui-demo/node.xml";

fn host() -> HostSample {
    const GIB: u64 = 1 << 30;
    HostSample {
        hostname: "hv-demo".into(),
        kernel: "6.12.41".into(),
        uptime_s: 23 * 86_400 + 4 * 3600 + 17 * 60,
        load: [3.12, 2.87, 2.41],
        cpu: CpuUsage {
            cores: 8,
            usage_percent: Some(38.5),
            per_core_percent: vec![52.0, 41.0, 35.5, 61.0, 22.0, 30.5, 44.0, 21.5],
            breakdown: Some(CpuBreakdown { user: 27.5, system: 7.5, iowait: 2.5, steal: 1.0 }),
            model: "AMD EPYC 7313P 16-Core Processor".into(),
            frequency_mhz: 3000,
        },
        memory: Memory {
            total_bytes: 128 * GIB,
            available_bytes: 49 * GIB,
            used_bytes: 79 * GIB,
            swap_total_bytes: 8 * GIB,
            swap_used_bytes: GIB / 4,
            buffers_bytes: GIB,
            cached_bytes: 31 * GIB,
            hugepages_total: 16384,
            hugepages_free: 4096,
            hugepage_size_bytes: 2 << 20,
        },
        disks: [("/", "/dev/nvme0n1p2", 31), ("/var/lib/libvirt/images", "/dev/md0", 72)]
            .into_iter()
            .map(|(mount, device, pct)| DiskUsage {
                mount: mount.into(),
                device: device.into(),
                fstype: "ext4".into(),
                total_bytes: 2 << 40,
                used_bytes: (2u64 << 40) / 100 * pct,
            })
            .collect(),
        disk_io: vec![IoRate {
            device: "nvme0n1".into(),
            read_bytes_per_s: 84e6,
            write_bytes_per_s: 41e6,
            read_iops: 1200.0,
            write_iops: 640.0,
        }],
        net_io: vec![
            NetRate { iface: "eno1".into(), rx_bytes_per_s: 310e6, tx_bytes_per_s: 122e6 },
            NetRate { iface: "br0".into(), rx_bytes_per_s: 24e6, tx_bytes_per_s: 19e6 },
        ],
        tcp: Some(
            [("ESTABLISHED".to_string(), 412), ("LISTEN".to_string(), 27), ("TIME_WAIT".to_string(), 38)]
                .into(),
        ),
    }
}

fn link(index: u32, name: &str, kind: LinkKind, up: bool, master: Option<u32>, rate: f64) -> Link {
    Link {
        index,
        name: name.into(),
        kind: Some(kind),
        operstate: if up { "UP" } else { "DOWN" }.into(),
        admin_up: true,
        carrier: Some(up),
        mtu: if name == "lo" { 65536 } else { 1500 },
        mac: (name != "lo").then(|| format!("3c:ec:ef:12:34:{index:02x}")),
        master,
        stats: Some(LinkStats {
            rx_bytes: index as u64 * 7_340_032_000,
            tx_bytes: index as u64 * 3_145_728_000,
            ..LinkStats::default()
        }),
        rx_rate: Some(rate),
        tx_rate: Some(rate * 0.4),
        speed_mbps: (name.starts_with("eno")).then_some(25_000),
        ..Link::default()
    }
}

fn addr(index: u32, text: &str, prefix: u8) -> Addr {
    let addr: IpAddr = text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
    Addr { index, addr, prefix, local_scope: text.starts_with("127.") || text == "::1", temporary: false }
}

fn network() -> NetState {
    let links = vec![
        link(1, "lo", LinkKind::Loopback, true, None, 52e3),
        link(2, "eno1", LinkKind::Physical, true, Some(5), 310e6),
        link(3, "eno2", LinkKind::Physical, false, None, 0.0),
        link(5, "br0", LinkKind::Bridge, true, None, 24e6),
        link(6, "vnet0", LinkKind::Tap, true, Some(5), 3e6),
        link(7, "vnet1", LinkKind::Tap, true, Some(5), 1e6),
        link(8, "flannel.1", LinkKind::Vxlan(1), true, None, 2e6),
        link(9, "cni0", LinkKind::Bridge, true, None, 1e6),
    ];
    let addrs = vec![
        addr(1, "127.0.0.1", 8),
        addr(1, "::1", 128),
        addr(5, "192.0.2.10", 24),
        addr(5, "2001:db8::10", 64),
        addr(8, "10.42.0.0", 32),
        addr(9, "10.42.0.1", 24),
    ];
    let routes = vec![Route {
        family: libc_af_inet(),
        dst: None,
        gateway: "192.0.2.1".parse().ok(),
        oif: Some(5),
        metric: 0,
    }];
    NetState { links, addrs, routes, dns: vec!["192.0.2.53".into()] }
}

/// AF_INET, as netlink numbers it.
const fn libc_af_inet() -> u8 {
    2
}

/// Every source healthy, in the collectors' words.
fn healths() -> Vec<Update> {
    let mut out = vec![
        Update::Health(SourceId::Journal, Health::Ok("1 file in the demo's journal".into())),
        Update::Health(SourceId::Procfs, Health::Ok("8 cores".into())),
        Update::Health(SourceId::Netlink, Health::Ok("8 links".into())),
        Update::Health(SourceId::Libvirt, Health::Ok("2 URIs".into())),
        Update::Health(SourceId::Systemd, Health::Ok("11 units".into())),
    ];
    out.extend(SourceId::FACTS.map(|id| Update::Health(id, Health::Ok("read".into()))));
    out.extend(cluster::health_ok());
    out
}

/// The demo at [`NOW`]: what every screen of the README shows.
pub fn model() -> Model {
    let mut m = Model { fixed_now: Some(NOW), clock: NOW, demo: true, ..Model::default() };
    for u in healths() {
        m.apply(u);
    }
    m.apply(Update::Host(Box::new(host())));
    m.apply(Update::Net(NetUpdate::Full(Box::new(network()))));
    let mut feed = Feed::new(400, NOW as u64 * 1_000_000);
    let lines = feed.history().iter().map(line).collect();
    m.apply(Update::Logs(LogUpdate::Reset { lines, fallback: false }));
    for (uri, doms) in [(LIVE_URI, &LIVE_DOMAINS[..]), (NODE_URI, &NODE_DOMAINS[..])] {
        let guests = doms.iter().enumerate().map(|(k, d)| guest(d, uri, k)).collect();
        m.apply(Update::Guests(Box::new(GuestUpdate::List { uri: uri.into(), guests })));
    }
    for u in cluster::live::demo_updates() {
        m.apply(u);
    }
    m.apply(Update::Units(UnitsUpdate::List(super::system::units())));
    m.apply(Update::System(Box::new(super::system::facts())));
    m
}
