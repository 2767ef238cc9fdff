//! Parsing of the kinds this kernel cannot create (bond, vlan, wireguard, dummy, physical),
//! on messages built by hand.

use super::*;
use netlink_packet_route::address::AddressHeader;
use netlink_packet_route::link::{InfoBond, LinkHeader, Stats64};
use netlink_packet_route::route::RouteHeader;
use std::net::{Ipv4Addr, Ipv6Addr};

fn link_msg(index: u32, name: &str, info: Vec<LinkInfo>, extra: Vec<LinkAttribute>) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header = LinkHeader { index, link_layer_type: LinkLayerType::Ether, ..LinkHeader::default() };
    m.attributes = vec![LinkAttribute::IfName(name.into())];
    if !info.is_empty() {
        m.attributes.push(LinkAttribute::LinkInfo(info));
    }
    m.attributes.extend(extra);
    m
}

#[test]
fn kinds_without_kernel_modules() {
    let vlan = link_msg(
        10,
        "bond0.100",
        vec![LinkInfo::Kind(InfoKind::Vlan), LinkInfo::Data(InfoData::Vlan(vec![InfoVlan::Id(100)]))],
        vec![LinkAttribute::Link(9)],
    );
    let l = link(&vlan);
    assert_eq!((l.kind, l.lower), (Some(LinkKind::Vlan(100)), Some(9)));
    let bond = link_msg(
        9,
        "bond0",
        vec![LinkInfo::Kind(InfoKind::Bond), LinkInfo::Data(InfoData::Bond(vec![InfoBond::MiiMon(100)]))],
        vec![LinkAttribute::Controller(3)],
    );
    let b = link(&bond);
    assert_eq!((b.kind, b.master), (Some(LinkKind::Bond), Some(3)));
    assert_eq!(
        link(&link_msg(4, "wg0", vec![LinkInfo::Kind(InfoKind::Wireguard)], vec![])).kind,
        Some(LinkKind::Wireguard)
    );
    assert_eq!(
        link(&link_msg(5, "d0", vec![LinkInfo::Kind(InfoKind::Dummy)], vec![])).kind,
        Some(LinkKind::Dummy)
    );
    assert_eq!(link(&link_msg(2, "eno1", vec![], vec![])).kind, Some(LinkKind::Physical));
    let odd = link_msg(6, "x", vec![LinkInfo::Kind(InfoKind::Other("ipvlan2".into()))], vec![]);
    assert_eq!(link(&odd).kind, Some(LinkKind::Other("ipvlan2".into())));
    assert_eq!(LinkKind::Vlan(100).to_string(), "vlan 100");
}

#[test]
fn link_fields_state_stats_and_self_link() {
    let mut s = Stats64::default();
    (s.rx_bytes, s.tx_bytes, s.rx_dropped) = (1000, 2000, 3);
    let mut m = link_msg(
        2,
        "eno1",
        vec![],
        vec![
            LinkAttribute::OperState(State::LowerLayerDown),
            LinkAttribute::Carrier(0),
            LinkAttribute::Mtu(9000),
            LinkAttribute::Address(vec![0x52, 0x54, 0, 0xab, 0xcd, 0xef]),
            LinkAttribute::Link(2),
            LinkAttribute::Stats64(s),
            LinkAttribute::IfAlias("uplink\x1b[2J".into()),
        ],
    );
    m.header.flags = LinkFlags::Up;
    let l = link(&m);
    assert_eq!(l.operstate, "LOWERLAYERDOWN");
    assert_eq!((l.carrier, l.mtu, l.admin_up, l.lower), (Some(false), 9000, true, None));
    assert_eq!(l.mac.as_deref(), Some("52:54:00:ab:cd:ef"));
    let st = l.stats.unwrap();
    assert_eq!((st.rx_bytes, st.tx_bytes, st.rx_dropped), (1000, 2000, 3));
    assert_eq!(l.alias.as_deref(), Some("uplink\x1b[2J"), "kept raw; the UI sanitizes");
}

#[test]
fn a_peer_in_another_namespace_is_not_a_local_lower() {
    let pod_veth = link_msg(
        12,
        "veth3f2a",
        vec![LinkInfo::Kind(InfoKind::Veth)],
        vec![LinkAttribute::Link(2), LinkAttribute::LinkNetNsId(1), LinkAttribute::Controller(5)],
    );
    let l = link(&pod_veth);
    assert_eq!((l.lower, l.master, l.kind), (None, Some(5), Some(LinkKind::Veth)));
}

#[test]
fn addresses_prefer_local_and_mark_scope() {
    let mut m = AddressMessage::default();
    m.header = AddressHeader { index: 3, prefix_len: 24, ..AddressHeader::default() };
    m.attributes = vec![
        AddressAttribute::Address(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2))),
        AddressAttribute::Local(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))),
    ];
    let a = addr(&m).unwrap();
    assert_eq!((a.to_string(), a.index, a.local_scope), ("10.0.0.1/24".into(), 3, false));
    m.header.scope = AddressScope::Link;
    assert!(addr(&m).unwrap().local_scope);
    m.attributes.clear();
    assert_eq!(addr(&m), None);
}

#[test]
fn only_main_table_routes() {
    let mut m = RouteMessage::default();
    m.header = RouteHeader { table: 254, address_family: AddressFamily::Inet6, ..RouteHeader::default() };
    m.attributes = vec![
        RouteAttribute::Gateway(RouteAddress::Inet6(Ipv6Addr::LOCALHOST)),
        RouteAttribute::Oif(2),
        RouteAttribute::Priority(1024),
    ];
    let r = route(&m).unwrap();
    assert!(r.is_default());
    assert_eq!((r.family, r.oif, r.metric), (6, Some(2), 1024));
    m.attributes.push(RouteAttribute::Table(100));
    assert_eq!(route(&m), None, "the table attribute wins over the header");
    m.header.table = 255;
    m.attributes.pop();
    assert_eq!(route(&m), None, "local table");
    m.attributes.push(RouteAttribute::Table(MAIN_TABLE));
    m.attributes.push(RouteAttribute::Destination(RouteAddress::Inet6(Ipv6Addr::UNSPECIFIED)));
    m.header.destination_prefix_length = 64;
    assert!(!route(&m).unwrap().is_default());
}
