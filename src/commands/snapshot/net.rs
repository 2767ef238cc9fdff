//! The `network` section of `snapshot` (SPEC §4), from one netlink dump.

use super::types;
use crate::model::network::{Link, NetState, NetUpdate, Network, tree};
use crate::ui::fmt;

fn model(state: &NetState) -> Network {
    let mut n = Network::default();
    n.apply(NetUpdate::Full(Box::new(state.clone())));
    n
}

/// Links by index, default gateways of the main table, DNS.
pub fn network(state: &NetState) -> types::Network {
    let n = model(state);
    let default_gateways = n
        .default_routes()
        .iter()
        .map(|r| types::Gateway {
            gateway: r.gateway.map(|g| g.to_string()),
            dev: r.oif.and_then(|i| n.name_of(i)).map(str::to_string),
            family: if r.family == 6 { types::Family::Inet6 } else { types::Family::Inet },
        })
        .collect();
    types::Network {
        links: n.links.values().map(|l| link(&n, l)).collect(),
        default_gateways,
        dns: n.dns.clone(),
    }
}

fn link(n: &Network, l: &Link) -> types::Link {
    let st = l.stats;
    types::Link {
        index: l.index,
        name: l.name.clone(),
        kind: l.kind.as_ref().map(ToString::to_string),
        operstate: l.operstate.clone(),
        carrier: l.carrier,
        mtu: l.mtu,
        mac: l.mac.clone(),
        master: l.master.and_then(|m| n.name_of(m)).map(str::to_string),
        addresses: n.addrs_of(l.index).map(ToString::to_string).collect(),
        rx_bytes: st.map(|s| s.rx_bytes),
        tx_bytes: st.map(|s| s.tx_bytes),
        rx_packets: st.map(|s| s.rx_packets),
        tx_packets: st.map(|s| s.tx_packets),
        rx_errors: st.map(|s| s.rx_errors),
        tx_errors: st.map(|s| s.tx_errors),
        rx_dropped: st.map(|s| s.rx_dropped),
        tx_dropped: st.map(|s| s.tx_dropped),
        speed_mbps: l.speed_mbps,
    }
}

/// The text form: one line per link in tree order, then gateways and DNS.
pub fn to_text(state: &NetState) -> String {
    let n = model(state);
    let mut s = String::from("network\n");
    for (depth, l) in tree(&n) {
        let kind = l.kind.as_ref().map_or("?".to_string(), |k| k.to_string());
        let addrs: Vec<String> = n.addrs_of(l.index).map(|a| a.to_string()).collect();
        let name = format!("{}{}", "  ".repeat(depth), fmt::sanitize(&l.name));
        s += &format!("  {name:<18} {kind:<10} {:<8} mtu {:<5} {}\n", l.operstate, l.mtu, addrs.join(" "));
    }
    for r in n.default_routes() {
        let dev = r.oif.and_then(|i| n.name_of(i)).map(fmt::sanitize).unwrap_or_default();
        let via = r.gateway.map_or("(on-link)".to_string(), |g| g.to_string());
        s += &format!("  default v{} via {via} dev {dev}\n", r.family);
    }
    s += &format!("  dns {}\n", fmt::sanitize(&n.dns.join(" ")));
    s
}
