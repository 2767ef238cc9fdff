//! The `network` section of `snapshot` (SPEC §4), from one netlink dump.

use crate::model::network::{NetState, NetUpdate, Network, tree};
use crate::ui::fmt;
use serde_json::{Value, json};

fn model(state: &NetState) -> Network {
    let mut n = Network::default();
    n.apply(NetUpdate::Full(Box::new(state.clone())));
    n
}

/// `{ "links": [...], "default_gateways": [...], "dns": [...] }`, links by index.
pub fn to_json(state: &NetState) -> Value {
    let n = model(state);
    let links: Vec<Value> = n
        .links
        .values()
        .map(|l| {
            let st = l.stats.unwrap_or_default();
            json!({
                "index": l.index,
                "name": l.name,
                "kind": l.kind,
                "operstate": l.operstate,
                "carrier": l.carrier,
                "mtu": l.mtu,
                "mac": l.mac,
                "master": l.master.and_then(|m| n.name_of(m)),
                "addresses": n.addrs_of(l.index).map(|a| a.to_string()).collect::<Vec<_>>(),
                "rx_bytes": st.rx_bytes,
                "tx_bytes": st.tx_bytes,
                "rx_packets": st.rx_packets,
                "tx_packets": st.tx_packets,
                "rx_errors": st.rx_errors,
                "tx_errors": st.tx_errors,
                "rx_dropped": st.rx_dropped,
                "tx_dropped": st.tx_dropped,
                "speed_mbps": l.speed_mbps,
            })
        })
        .collect();
    let gws: Vec<Value> = n
        .default_routes()
        .iter()
        .map(|r| {
            json!({
                "gateway": r.gateway.map(|g| g.to_string()),
                "dev": r.oif.and_then(|i| n.name_of(i)),
                "family": if r.family == 6 { "inet6" } else { "inet" },
            })
        })
        .collect();
    json!({ "links": links, "default_gateways": gws, "dns": n.dns })
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
