use super::*;

fn link(index: u32, name: &str, kind: LinkKind, master: Option<u32>) -> Link {
    Link {
        index,
        name: name.into(),
        kind: Some(kind),
        operstate: "UP".into(),
        carrier: Some(true),
        master,
        ..Link::default()
    }
}

fn a(index: u32, ip: &str) -> Addr {
    Addr { index, addr: ip.parse().unwrap(), prefix: 24, local_scope: false, temporary: false }
}

fn state() -> NetState {
    NetState {
        links: vec![
            link(1, "lo", LinkKind::Loopback, None),
            link(2, "eno1", LinkKind::Physical, Some(4)),
            link(3, "bond0", LinkKind::Bond, Some(5)),
            link(4, "br0", LinkKind::Bridge, None),
            link(5, "br1", LinkKind::Bridge, None),
            link(6, "eno2", LinkKind::Physical, Some(3)),
            link(7, "eno3", LinkKind::Physical, None),
        ],
        addrs: vec![a(4, "192.0.2.1")],
        routes: vec![Route { family: 4, dst: None, gateway: None, oif: Some(4), metric: 0 }],
        dns: vec![],
    }
}

#[test]
fn tree_groups_then_ports_depth_first() {
    let mut n = Network::default();
    n.apply(NetUpdate::Full(Box::new(state())));
    let t: Vec<(usize, &str)> = tree(&n).iter().map(|(d, l)| (*d, l.name.as_str())).collect();
    assert_eq!(t, [(0, "eno3"), (0, "br0"), (1, "eno1"), (0, "br1"), (1, "bond0"), (2, "eno2"), (0, "lo")]);
}

#[test]
fn vlans_stack_over_their_only_lower() {
    let mut s = state();
    // br2 -> bond0.20 -> bond1 -> eno4; bond1 carries only this vlan.
    s.links.push(link(8, "br2", LinkKind::Bridge, None));
    let mut vlan = link(9, "bond1.20", LinkKind::Vlan(20), Some(8));
    vlan.lower = Some(10);
    s.links.push(vlan);
    s.links.push(link(10, "bond1", LinkKind::Bond, None));
    s.links.push(link(11, "eno4", LinkKind::Physical, Some(10)));
    // eno3 carries two vlans: it stays at the top, the vlans stay where they are.
    for (i, id) in [(12, 30), (13, 31)] {
        let mut v = link(i, &format!("eno3.{id}"), LinkKind::Vlan(id), None);
        v.lower = Some(7);
        s.links.push(v);
    }
    let mut n = Network::default();
    n.apply(NetUpdate::Full(Box::new(s)));
    let t: Vec<(usize, &str)> = tree(&n).iter().map(|(d, l)| (*d, l.name.as_str())).collect();
    let br2 = t.iter().position(|x| *x == (0, "br2")).unwrap();
    assert_eq!(t[br2..br2 + 4], [(0, "br2"), (1, "bond1.20"), (2, "bond1"), (3, "eno4")]);
    assert!(t.contains(&(0, "eno3")) && t.contains(&(0, "eno3.30")));
    assert_eq!(t.len(), n.links.len(), "every link exactly once");
}

#[test]
fn alerts_follow_the_default_route_link_and_lost_addresses() {
    let mut n = Network::default();
    assert!(n.alerts().is_empty(), "no alerts before the first dump");
    n.apply(NetUpdate::Full(Box::new(state())));
    assert!(n.alerts().is_empty());
    let mut down = n.links[&4].clone();
    down.carrier = Some(false);
    n.apply(NetUpdate::Link(Box::new(down)));
    assert_eq!(n.alerts(), [(true, "network: default-route link br0 has no carrier".to_string())]);
    n.apply(NetUpdate::AddrRemoved(a(4, "192.0.2.1")));
    assert!(n.alerts().contains(&(false, "network: address 192.0.2.1/24 lost from br0".to_string())));
    n.apply(NetUpdate::AddrAdded(a(4, "192.0.2.1")));
    assert_eq!(n.lost, []);
    let privacy = Addr { temporary: true, ..a(4, "2001:db8::1234") };
    n.apply(NetUpdate::AddrAdded(privacy));
    n.apply(NetUpdate::AddrRemoved(Addr { temporary: false, ..privacy }));
    assert!(n.addrs_of(4).all(|x| !x.same(&privacy)), "removed whatever its flags");
    assert_eq!(n.lost, [], "a privacy address expiring is not an alert");
    n.apply(NetUpdate::LinkGone(4));
    assert!(n.routes.is_empty() && !n.links.contains_key(&4));
    assert_eq!(n.alerts()[0], (true, "network: no default route".to_string()));
    assert_eq!(n.lost.len(), 1, "the address went with its link");
    // A re-dump that lacks an address also counts as losing it.
    n.apply(NetUpdate::Full(Box::new(state())));
    assert!(n.lost.is_empty(), "back again");
    let mut s = state();
    s.addrs.clear();
    n.apply(NetUpdate::Full(Box::new(s)));
    assert_eq!(n.lost.len(), 1);
}
