//! The netlink collector against a real kernel, in a network namespace of its own, compared
//! field by field with iproute2's JSON output; then live events.

mod netns;
mod support;

use hypervisor_tui::collectors::netlink::{self, events::Tracker};
use hypervisor_tui::model::network::{Addr, Link, LinkKind, NetState, Route};
use netns::Netns;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use support::require::require;

/// bridge br0 with veth and tap ports, a vxlan and a macvlan on the veth peer, v4 and v6
/// addresses, default routes in the main table and a route in another table.
fn build(ns: &Netns) {
    for cmd in [
        "link add br0 type bridge",
        "link add veth0 type veth peer name veth1",
        "link set veth0 master br0",
        "tuntap add dev tap0 mode tap",
        "link set tap0 master br0",
        "link add vx0 type vxlan id 4242 dstport 4789 dev veth1",
        "link add mv0 link veth1 type macvlan mode bridge",
        "link set veth1 mtu 9000",
        "link set br0 up",
        "link set veth0 up",
        "link set veth1 up",
        "link set vx0 up",
        "link set mv0 up",
        "addr add 192.0.2.1/24 dev br0",
        "addr add 2001:db8::1/64 dev br0 nodad",
        "addr add 198.51.100.2/24 dev veth1",
        "addr add 198.51.100.3/24 dev veth1",
        "addr add 203.0.113.9/32 dev mv0",
        "route add default via 192.0.2.254 dev br0",
        "-6 route add default via 2001:db8::fe dev br0",
        "route add 10.9.0.0/16 via 198.51.100.1 metric 50",
        "route add 10.77.0.0/16 dev br0 table 100",
    ] {
        ns.ip(cmd);
    }
}

fn dump_in(ns: &Netns) -> NetState {
    ns.run_in(|| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (conn, handle, _) = rtnetlink::new_connection().unwrap();
            tokio::spawn(conn);
            netlink::dump(&handle, &mut Tracker::new(None)).await.unwrap()
        })
    })
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// The kind ip reports, in the model's terms.
fn ip_kind(l: &Value) -> LinkKind {
    let info = &l["linkinfo"];
    let id = || info["info_data"]["id"].as_u64().unwrap();
    match s(info, "info_kind") {
        None if s(l, "link_type") == Some("loopback") => LinkKind::Loopback,
        None => LinkKind::Physical,
        Some("bridge") => LinkKind::Bridge,
        Some("veth") => LinkKind::Veth,
        Some("macvlan") => LinkKind::Macvlan,
        Some("vxlan") => LinkKind::Vxlan(id() as u32),
        Some("vlan") => LinkKind::Vlan(id() as u16),
        Some("tun") if s(&info["info_data"], "type") == Some("tap") => LinkKind::Tap,
        Some(other) => LinkKind::Other(other.to_string()),
    }
}

/// The fields of a link that do not move on their own (everything but counters).
fn link_fields(l: &Link, names: &HashMap<u32, String>) -> String {
    let name_of = |i: Option<u32>| i.and_then(|i| names.get(&i).cloned());
    format!(
        "{} {} kind={:?} oper={} carrier={:?} mtu={} mac={:?} master={:?} lower={:?}",
        l.index,
        l.name,
        l.kind,
        l.operstate,
        l.carrier.unwrap_or(false),
        l.mtu,
        l.mac,
        name_of(l.master),
        name_of(l.lower),
    )
}

fn ip_link_fields(l: &Value) -> String {
    let flags: Vec<&str> = l["flags"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    format!(
        "{} {} kind={:?} oper={} carrier={:?} mtu={} mac={:?} master={:?} lower={:?}",
        l["ifindex"],
        s(l, "ifname").unwrap(),
        Some(ip_kind(l)),
        s(l, "operstate").unwrap(),
        flags.contains(&"LOWER_UP"),
        l["mtu"],
        s(l, "address"),
        s(l, "master"),
        s(l, "link"),
    )
}

fn addr_set(addrs: &[Addr]) -> BTreeSet<String> {
    addrs.iter().map(|a| format!("{} {a} local={}", a.index, a.local_scope)).collect()
}

fn ip_addr_set(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for l in v.as_array().unwrap() {
        for a in l["addr_info"].as_array().unwrap() {
            let local = s(a, "scope") != Some("global");
            out.insert(format!(
                "{} {}/{} local={local}",
                l["ifindex"],
                s(a, "local").unwrap(),
                a["prefixlen"]
            ));
        }
    }
    out
}

fn route_set(routes: &[Route], names: &HashMap<u32, String>) -> BTreeSet<String> {
    let dst = |r: &Route| match r.dst {
        None => "default".to_string(),
        Some((_, 0)) => "default".to_string(),
        Some((ip, len)) if (ip.is_ipv4() && len == 32) || (ip.is_ipv6() && len == 128) => ip.to_string(),
        Some((ip, len)) => format!("{ip}/{len}"),
    };
    let dev = |r: &Route| r.oif.and_then(|i| names.get(&i).cloned()).unwrap_or_default();
    routes
        .iter()
        .map(|r| {
            format!(
                "{} via {:?} dev {} metric {}",
                dst(r),
                r.gateway.map(|g| g.to_string()),
                dev(r),
                r.metric
            )
        })
        .collect()
}

fn ip_route_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} via {:?} dev {} metric {}",
                s(r, "dst").unwrap(),
                s(r, "gateway"),
                s(r, "dev").unwrap_or(""),
                r["metric"].as_u64().unwrap_or(0)
            )
        })
        .collect()
}

/// What ip says, reduced to comparable sets; the counters kept per index for bounds.
struct IpView {
    links: BTreeSet<String>,
    stats: HashMap<u64, [u64; 8]>,
    addrs: BTreeSet<String>,
    routes: BTreeSet<String>,
}

fn ip_stats(l: &Value) -> [u64; 8] {
    let st = &l["stats64"];
    let g = |d: &str, k: &str| st[d][k].as_u64().unwrap();
    [
        g("rx", "bytes"),
        g("tx", "bytes"),
        g("rx", "packets"),
        g("tx", "packets"),
        g("rx", "errors"),
        g("tx", "errors"),
        g("rx", "dropped"),
        g("tx", "dropped"),
    ]
}

fn ip_view(ns: &Netns) -> IpView {
    let links = ns.ip_json("-d -s link");
    let mut routes = ip_route_set(&ns.ip_json("route"));
    routes.extend(ip_route_set(&ns.ip_json("-6 route")));
    IpView {
        links: links.as_array().unwrap().iter().map(ip_link_fields).collect(),
        stats: links
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["ifindex"].as_u64().unwrap(), ip_stats(l)))
            .collect(),
        addrs: ip_addr_set(&ns.ip_json("addr")),
        routes,
    }
}

#[test]
fn dump_matches_iproute2_field_by_field() {
    if !require(Netns::available(), "creating a network namespace needs root") {
        return;
    }
    let ns = Netns::new("dump");
    build(&ns);
    // A veth whose peer lives in another namespace, as a pod's or container's would.
    let pod = Netns::new("pod");
    ns.ip(&format!("link add vpod0 type veth peer name eth0 netns {}", pod.name));
    ns.ip("link set vpod0 master br0");
    // ip before and after our dump: when both agree (nothing moved meanwhile), we must too;
    // counters must lie between the two readings.
    for attempt in 0.. {
        let before = ip_view(&ns);
        let ours = dump_in(&ns);
        let after = ip_view(&ns);
        let stable =
            before.links == after.links && before.addrs == after.addrs && before.routes == after.routes;
        if !stable && attempt < 5 {
            std::thread::sleep(std::time::Duration::from_millis(300));
            continue;
        }
        assert!(stable, "the namespace kept changing");
        compare(&ours, &before, &after);
        break;
    }
}

fn compare(ours: &NetState, before: &IpView, after: &IpView) {
    let names: HashMap<u32, String> = ours.links.iter().map(|l| (l.index, l.name.clone())).collect();
    let links: BTreeSet<String> = ours.links.iter().map(|l| link_fields(l, &names)).collect();
    assert_eq!(links, before.links);
    for l in &ours.links {
        let st = l.stats.expect("stats64");
        let v = [
            st.rx_bytes,
            st.tx_bytes,
            st.rx_packets,
            st.tx_packets,
            st.rx_errors,
            st.tx_errors,
            st.rx_dropped,
            st.tx_dropped,
        ];
        let (lo, hi) = (before.stats[&u64::from(l.index)], after.stats[&u64::from(l.index)]);
        for i in 0..8 {
            assert!(
                lo[i] <= v[i] && v[i] <= hi[i],
                "{} counter {i}: {} not in {}..={}",
                l.name,
                v[i],
                lo[i],
                hi[i]
            );
        }
    }
    assert_eq!(addr_set(&ours.addrs), before.addrs);
    assert_eq!(route_set(&ours.routes, &names), before.routes);
    // The kinds this kernel has, each seen at least once; the other table filtered out.
    let kinds: Vec<String> =
        ours.links.iter().filter_map(|l| l.kind.as_ref()).map(|k| k.to_string()).collect();
    for k in ["loopback", "bridge", "veth", "tap", "vxlan 4242", "macvlan"] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing from {kinds:?}");
    }
    assert!(ours.routes.iter().all(|r| r.dst.is_none_or(|(ip, _)| ip.to_string() != "10.77.0.0")));
}

#[test]
fn snapshot_json_network_section_in_a_namespace() {
    if !require(Netns::available(), "creating a network namespace needs root") {
        return;
    }
    let ns = Netns::new("snap");
    build(&ns);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[libvirt]\nuris = [\"test:///default\"]\n[kubernetes]\nenabled = false\n").unwrap();
    let mut command = std::process::Command::new("ip");
    command.args(["netns", "exec", &ns.name, env!("CARGO_BIN_EXE_hypervisor-tui"), "--config"]);
    command.arg(&cfg).args(["snapshot", "--json"]);
    let (out, v) = support::snapshot::snapshot_json(&mut command);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let net = &v["network"];
    let ip_links = ns.ip_json("link");
    let names: Vec<&str> = net["links"].as_array().unwrap().iter().filter_map(|l| s(l, "name")).collect();
    let ip_names: Vec<&str> = ip_links.as_array().unwrap().iter().filter_map(|l| s(l, "ifname")).collect();
    assert_eq!(names, ip_names);
    let br0 = net["links"].as_array().unwrap().iter().find(|l| l["name"] == "br0").unwrap();
    // The link-local fe80:: address comes and goes with the link; the configured ones must be there.
    let addrs: Vec<&str> = br0["addresses"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let global: Vec<&str> = addrs.iter().copied().filter(|a| !a.starts_with("fe80:")).collect();
    assert_eq!(global, ["192.0.2.1/24", "2001:db8::1/64"]);
    assert_eq!(br0["kind"], "bridge");
    let tap = net["links"].as_array().unwrap().iter().find(|l| l["name"] == "tap0").unwrap();
    assert_eq!((&tap["kind"], &tap["master"]), (&Value::from("tap"), &Value::from("br0")));
    let gws = serde_json::json!([
        { "gateway": "192.0.2.254", "dev": "br0", "family": "inet" },
        { "gateway": "2001:db8::fe", "dev": "br0", "family": "inet6" },
    ]);
    assert_eq!(net["default_gateways"], gws);
    assert_eq!(v["sources"]["netlink"]["state"], "ok");
    // Speed as sysfs tells it inside the namespace (ip netns exec remounts /sys): a number
    // where the driver knows one, null where it answers EINVAL or -1.
    for l in net["links"].as_array().unwrap() {
        let name = s(l, "name").unwrap();
        let out = std::process::Command::new("ip")
            .args(["netns", "exec", &ns.name, "cat", &format!("/sys/class/net/{name}/speed")])
            .output()
            .unwrap();
        let sys = String::from_utf8_lossy(&out.stdout).trim().parse::<i64>().ok().filter(|v| *v > 0);
        assert_eq!(l["speed_mbps"].as_i64(), sys, "{name}");
    }
}
