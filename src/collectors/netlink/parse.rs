//! Pure conversions from netlink-packet-route messages to the model. No I/O.

use crate::model::network::{Addr, Link, LinkKind, LinkStats, Route};
use netlink_packet_route::AddressFamily;
use netlink_packet_route::address::{AddressAttribute, AddressHeaderFlags, AddressMessage, AddressScope};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVlan, InfoVxlan, LinkAttribute, LinkFlags, LinkInfo, LinkLayerType, LinkMessage,
    State,
};
use netlink_packet_route::route::{RouteAddress, RouteAttribute, RouteMessage};
use rtnetlink::packet_core::Nla;
use std::net::IpAddr;

/// The main routing table (`RT_TABLE_MAIN`).
pub const MAIN_TABLE: u32 = 254;
/// `IFLA_TUN_TYPE` (after UNSPEC, OWNER, GROUP) inside the tun link info: 1 = tun, 2 = tap.
const IFLA_TUN_TYPE: u16 = 3;
const IFF_TAP: u8 = 2;

/// A link message as the model's `Link`; speed and rates are filled elsewhere.
pub fn link(msg: &LinkMessage) -> Link {
    let mut l = Link {
        index: msg.header.index,
        admin_up: msg.header.flags.contains(LinkFlags::Up),
        operstate: "UNKNOWN".into(),
        ..Link::default()
    };
    let mut info: Option<&[LinkInfo]> = None;
    for attr in &msg.attributes {
        match attr {
            LinkAttribute::IfName(n) => l.name = n.clone(),
            LinkAttribute::IfAlias(a) => l.alias = Some(a.clone()),
            LinkAttribute::OperState(s) => l.operstate = operstate(*s),
            LinkAttribute::Carrier(c) => l.carrier = Some(*c != 0),
            LinkAttribute::Mtu(m) => l.mtu = *m,
            LinkAttribute::Address(a) => l.mac = Some(mac(a)),
            LinkAttribute::Controller(m) => l.master = Some(*m),
            LinkAttribute::Link(i) if *i != msg.header.index && *i != 0 => l.lower = Some(*i),
            LinkAttribute::Stats64(s) => {
                l.stats = Some(LinkStats {
                    rx_bytes: s.rx_bytes,
                    tx_bytes: s.tx_bytes,
                    rx_packets: s.rx_packets,
                    tx_packets: s.tx_packets,
                    rx_errors: s.rx_errors,
                    tx_errors: s.tx_errors,
                    rx_dropped: s.rx_dropped,
                    tx_dropped: s.tx_dropped,
                })
            }
            LinkAttribute::LinkInfo(i) => info = Some(i),
            _ => {}
        }
    }
    // With IFLA_LINK_NETNSID the lower index is another namespace's (a pod's veth peer).
    if msg.attributes.iter().any(|a| matches!(a, LinkAttribute::LinkNetNsId(_))) {
        l.lower = None;
    }
    l.kind = Some(kind(info.unwrap_or(&[]), msg.header.link_layer_type));
    l
}

/// ip's spelling of an operstate.
pub fn operstate(s: State) -> String {
    match s {
        State::Up => "UP".into(),
        State::Down => "DOWN".into(),
        State::LowerLayerDown => "LOWERLAYERDOWN".into(),
        State::NotPresent => "NOTPRESENT".into(),
        State::Testing => "TESTING".into(),
        State::Dormant => "DORMANT".into(),
        State::Unknown => "UNKNOWN".into(),
        State::Other(n) => format!("STATE{n}"),
        _ => "UNKNOWN".into(),
    }
}

/// "52:54:00:ab:cd:ef", lower case, as ip prints it.
pub fn mac(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// The kind from `IFLA_LINKINFO`, or from the link type when there is none.
pub fn kind(info: &[LinkInfo], link_type: LinkLayerType) -> LinkKind {
    let Some(k) = info.iter().find_map(|i| match i {
        LinkInfo::Kind(k) => Some(k),
        _ => None,
    }) else {
        return match link_type {
            LinkLayerType::Loopback => LinkKind::Loopback,
            LinkLayerType::Ether => LinkKind::Physical,
            other => LinkKind::Other(format!("{other}").to_lowercase()),
        };
    };
    let data = info.iter().find_map(|i| match i {
        LinkInfo::Data(d) => Some(d),
        _ => None,
    });
    match k {
        InfoKind::Bridge => LinkKind::Bridge,
        InfoKind::Bond => LinkKind::Bond,
        InfoKind::Veth => LinkKind::Veth,
        InfoKind::MacVlan => LinkKind::Macvlan,
        InfoKind::MacVtap => LinkKind::Macvtap,
        InfoKind::Wireguard => LinkKind::Wireguard,
        InfoKind::Dummy => LinkKind::Dummy,
        InfoKind::Vlan => LinkKind::Vlan(vlan_id(data).unwrap_or(0)),
        InfoKind::Vxlan => LinkKind::Vxlan(vni(data).unwrap_or(0)),
        InfoKind::Tun if tun_type(data) == Some(IFF_TAP) => LinkKind::Tap,
        InfoKind::Tun => LinkKind::Tun,
        other => LinkKind::Other(other.to_string()),
    }
}

fn vlan_id(data: Option<&InfoData>) -> Option<u16> {
    match data? {
        InfoData::Vlan(v) => v.iter().find_map(|x| match x {
            InfoVlan::Id(id) => Some(*id),
            _ => None,
        }),
        _ => None,
    }
}

fn vni(data: Option<&InfoData>) -> Option<u32> {
    match data? {
        InfoData::Vxlan(v) => v.iter().find_map(|x| match x {
            InfoVxlan::Id(id) => Some(*id),
            _ => None,
        }),
        _ => None,
    }
}

fn tun_type(data: Option<&InfoData>) -> Option<u8> {
    let InfoData::Tun(nlas) = data? else { return None };
    let nla = nlas.iter().find(|n| n.kind() == IFLA_TUN_TYPE)?;
    let mut buf = vec![0u8; nla.value_len()];
    nla.emit_value(&mut buf);
    buf.first().copied()
}

/// An address message as the model's `Addr` (`IFA_LOCAL` wins over `IFA_ADDRESS`, as in ip).
pub fn addr(msg: &AddressMessage) -> Option<Addr> {
    let mut address = None;
    let mut local = None;
    for a in &msg.attributes {
        match a {
            AddressAttribute::Address(ip) => address = Some(*ip),
            AddressAttribute::Local(ip) => local = Some(*ip),
            _ => {}
        }
    }
    Some(Addr {
        index: msg.header.index,
        addr: local.or(address)?,
        prefix: msg.header.prefix_len,
        local_scope: !matches!(msg.header.scope, AddressScope::Universe),
        // IFA_F_SECONDARY doubles as IFA_F_TEMPORARY for IPv6.
        temporary: msg.header.family == AddressFamily::Inet6
            && msg.header.flags.contains(AddressHeaderFlags::Secondary),
    })
}

/// A route message of the main table as the model's `Route`; other tables give `None`.
pub fn route(msg: &RouteMessage) -> Option<Route> {
    let mut table = u32::from(msg.header.table);
    let mut r = Route {
        family: match msg.header.address_family {
            AddressFamily::Inet6 => 6,
            _ => 4,
        },
        dst: None,
        gateway: None,
        oif: None,
        metric: 0,
    };
    for a in &msg.attributes {
        match a {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(d) => {
                r.dst = ip(d).map(|ip| (ip, msg.header.destination_prefix_length))
            }
            RouteAttribute::Gateway(g) => r.gateway = ip(g),
            RouteAttribute::Oif(i) => r.oif = Some(*i),
            RouteAttribute::Priority(p) => r.metric = *p,
            _ => {}
        }
    }
    (table == MAIN_TABLE).then_some(r)
}

fn ip(a: &RouteAddress) -> Option<IpAddr> {
    match a {
        RouteAddress::Inet(v4) => Some(IpAddr::V4(*v4)),
        RouteAddress::Inet6(v6) => Some(IpAddr::V6(*v6)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
