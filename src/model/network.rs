//! Links, addresses, routes and DNS as the netlink collector reports them. Plain data.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

/// What a link is, from `IFLA_INFO_KIND` (and the link type for loopback and NICs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    Loopback,
    Physical,
    Bridge,
    Bond,
    Vlan(u16),
    Vxlan(u32),
    Veth,
    Tap,
    Tun,
    Macvlan,
    Macvtap,
    Wireguard,
    Dummy,
    Other(String),
}

impl LinkKind {
    /// Order of the groups on F3: NICs first, loopback last.
    pub fn rank(&self) -> u8 {
        match self {
            LinkKind::Physical => 0,
            LinkKind::Bridge => 1,
            LinkKind::Bond => 2,
            LinkKind::Vlan(_) | LinkKind::Vxlan(_) | LinkKind::Macvlan | LinkKind::Macvtap => 3,
            LinkKind::Loopback => 9,
            _ => 5,
        }
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkKind::Loopback => f.write_str("loopback"),
            LinkKind::Physical => f.write_str("physical"),
            LinkKind::Bridge => f.write_str("bridge"),
            LinkKind::Bond => f.write_str("bond"),
            LinkKind::Vlan(id) => write!(f, "vlan {id}"),
            LinkKind::Vxlan(vni) => write!(f, "vxlan {vni}"),
            LinkKind::Veth => f.write_str("veth"),
            LinkKind::Tap => f.write_str("tap"),
            LinkKind::Tun => f.write_str("tun"),
            LinkKind::Macvlan => f.write_str("macvlan"),
            LinkKind::Macvtap => f.write_str("macvtap"),
            LinkKind::Wireguard => f.write_str("wireguard"),
            LinkKind::Dummy => f.write_str("dummy"),
            LinkKind::Other(s) => f.write_str(s),
        }
    }
}

impl Serialize for LinkKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Counters from `IFLA_STATS64`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LinkStats {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_packets: u64,
    pub tx_packets: u64,
    pub rx_errors: u64,
    pub tx_errors: u64,
    pub rx_dropped: u64,
    pub tx_dropped: u64,
}

/// One network interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Link {
    pub index: u32,
    pub name: String,
    pub alias: Option<String>,
    pub kind: Option<LinkKind>,
    /// RFC 2863 operstate in ip's spelling: UP, DOWN, LOWERLAYERDOWN, UNKNOWN, …
    pub operstate: String,
    /// Administratively up (`IFF_UP`).
    pub admin_up: bool,
    pub carrier: Option<bool>,
    pub mtu: u32,
    pub mac: Option<String>,
    /// Index of the bridge or bond this link is a port of.
    pub master: Option<u32>,
    /// Index of the lower link (vlan, macvlan, veth peer in this namespace).
    pub lower: Option<u32>,
    pub stats: Option<LinkStats>,
    /// Bytes per second over the last interval; `None` before two samples.
    pub rx_rate: Option<f64>,
    pub tx_rate: Option<f64>,
    pub speed_mbps: Option<u32>,
    pub duplex: Option<String>,
}

impl Link {
    pub fn is_up(&self) -> bool {
        self.operstate == "UP" || (self.operstate == "UNKNOWN" && self.admin_up)
    }

    /// `vnet*` and `tap*` ports are the guests' ends (libvirt / KubeVirt naming), `ve-*` and
    /// `vb-*` those of nspawn containers.
    pub fn is_vm_port(&self) -> bool {
        ["vnet", "tap", "ve-", "vb-"].iter().any(|p| self.name.starts_with(p))
            || self.kind == Some(LinkKind::Tap)
    }
}

/// One address on a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Addr {
    pub index: u32,
    pub addr: IpAddr,
    pub prefix: u8,
    /// Host or link scope (fe80::, 127.0.0.1) rather than global.
    pub local_scope: bool,
    /// An IPv6 privacy address (`IFA_F_TEMPORARY`): it expires by design, so losing it is news
    /// to nobody.
    pub temporary: bool,
}

impl Addr {
    /// The same address on the same link, whatever its flags say now.
    pub fn same(&self, o: &Addr) -> bool {
        (self.index, self.addr, self.prefix) == (o.index, o.addr, o.prefix)
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// One route of the main table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Route {
    pub family: u8,
    pub dst: Option<(IpAddr, u8)>,
    pub gateway: Option<IpAddr>,
    pub oif: Option<u32>,
    pub metric: u32,
}

impl Route {
    pub fn is_default(&self) -> bool {
        self.dst.is_none_or(|(_, len)| len == 0)
    }
}

/// Lost addresses remembered at most (the oldest go first).
const MAX_LOST: usize = 16;

/// A full dump: what the collector sends first and on every safety-net re-dump.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetState {
    pub links: Vec<Link>,
    pub addrs: Vec<Addr>,
    pub routes: Vec<Route>,
    pub dns: Vec<String>,
}

/// A change from the netlink collector.
#[derive(Debug, Clone, PartialEq)]
pub enum NetUpdate {
    Full(Box<NetState>),
    Link(Box<Link>),
    LinkGone(u32),
    AddrAdded(Addr),
    AddrRemoved(Addr),
    RouteAdded(Route),
    RouteRemoved(Route),
}

/// The network as the app knows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    /// False until the first full dump arrived.
    pub loaded: bool,
    pub links: BTreeMap<u32, Link>,
    pub addrs: Vec<Addr>,
    pub routes: Vec<Route>,
    pub dns: Vec<String>,
    /// Global addresses that went away (and have not come back), with the link's name.
    pub lost: Vec<(String, Addr)>,
    /// Where else the host can be reached (config `[network] management_urls`).
    pub management_urls: Vec<String>,
}

impl Network {
    pub fn apply(&mut self, u: NetUpdate) {
        match u {
            NetUpdate::Full(s) => self.replace(*s),
            NetUpdate::Link(l) => {
                self.links.insert(l.index, *l);
            }
            NetUpdate::LinkGone(i) => {
                let gone: Vec<Addr> = self.addrs.iter().filter(|a| a.index == i).copied().collect();
                gone.into_iter().for_each(|a| self.remove_addr(a));
                self.routes.retain(|r| r.oif != Some(i));
                self.links.remove(&i);
            }
            NetUpdate::AddrAdded(a) => self.add_addr(a),
            NetUpdate::AddrRemoved(a) => self.remove_addr(a),
            NetUpdate::RouteAdded(r) => {
                if !self.routes.contains(&r) {
                    self.routes.push(r);
                }
            }
            NetUpdate::RouteRemoved(r) => self.routes.retain(|x| *x != r),
        }
    }

    fn replace(&mut self, s: NetState) {
        let mut addrs = s.addrs;
        addrs.sort();
        addrs.dedup_by(|a, b| a.same(b));
        if self.loaded {
            // Set lookups: a re-dump of thousands of addresses must stay linear-ish.
            let new: std::collections::HashSet<(u32, IpAddr, u8)> =
                addrs.iter().map(|a| (a.index, a.addr, a.prefix)).collect();
            let gone: Vec<Addr> =
                self.addrs.iter().filter(|a| !new.contains(&(a.index, a.addr, a.prefix))).copied().collect();
            gone.into_iter().for_each(|a| self.remove_addr(a));
        }
        let present: std::collections::HashSet<IpAddr> = addrs.iter().map(|a| a.addr).collect();
        self.lost.retain(|(_, l)| !present.contains(&l.addr));
        self.links = s.links.into_iter().map(|l| (l.index, l)).collect();
        self.addrs = addrs;
        self.routes = s.routes;
        self.dns = s.dns;
        self.loaded = true;
    }

    fn add_addr(&mut self, a: Addr) {
        self.lost.retain(|(_, l)| l.addr != a.addr);
        self.addrs.retain(|x| !x.same(&a));
        self.addrs.push(a);
        self.addrs.sort();
    }

    fn remove_addr(&mut self, a: Addr) {
        // The stored copy's flags count: a removal message may carry other ones.
        let Some(pos) = self.addrs.iter().position(|x| x.same(&a)) else { return };
        let a = self.addrs.remove(pos);
        if self.loaded && !a.local_scope && !a.temporary {
            let name = self.links.get(&a.index).map_or_else(|| format!("#{}", a.index), |l| l.name.clone());
            self.lost.push((name, a));
            if self.lost.len() > MAX_LOST {
                self.lost.remove(0);
            }
        }
    }

    pub fn addrs_of(&self, index: u32) -> impl Iterator<Item = &Addr> {
        self.addrs.iter().filter(move |a| a.index == index)
    }

    /// Default routes, v4 first, lowest metric first.
    pub fn default_routes(&self) -> Vec<&Route> {
        let mut v: Vec<&Route> = self.routes.iter().filter(|r| r.is_default()).collect();
        v.sort_by_key(|r| (r.family, r.metric));
        v
    }

    /// The link of the preferred default route: where the host is reached.
    pub fn default_link(&self) -> Option<&Link> {
        self.default_routes().first().and_then(|r| r.oif).and_then(|i| self.links.get(&i))
    }

    pub fn name_of(&self, index: u32) -> Option<&str> {
        self.links.get(&index).map(|l| l.name.as_str())
    }

    /// Ports of a bridge or bond, by name.
    pub fn ports_of(&self, index: u32) -> Vec<&Link> {
        let mut v: Vec<&Link> = self.links.values().filter(|l| l.master == Some(index)).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// The alerts of SPEC §2 for the network: default route missing, its link down, addresses lost.
    pub fn alerts(&self) -> Vec<(bool, String)> {
        if !self.loaded {
            return Vec::new();
        }
        let mut out = Vec::new();
        match self.default_routes().first() {
            None => out.push((true, "network: no default route".to_string())),
            Some(r) => match r.oif.and_then(|i| self.links.get(&i)) {
                Some(l) if !l.is_up() => {
                    out.push((true, format!("network: default-route link {} is {}", l.name, l.operstate)))
                }
                Some(l) if l.carrier == Some(false) => {
                    out.push((true, format!("network: default-route link {} has no carrier", l.name)))
                }
                _ => {}
            },
        }
        for (name, a) in &self.lost {
            out.push((false, format!("network: address {a} lost from {name}")));
        }
        out
    }
}

/// Links in display order as a tree: top-level links by group and name, each followed by its
/// ports (bridge or bond members) and, for a vlan, the link it is stacked on when that link
/// carries nothing else (bridge → bond0.20 → bond0 → NICs). Returns (depth, link).
pub fn tree(net: &Network) -> Vec<(usize, &Link)> {
    let stacked = stacked_children(net);
    let below: std::collections::HashSet<u32> = stacked.values().copied().collect();
    let mut tops: Vec<&Link> = net
        .links
        .values()
        .filter(|l| l.master.is_none_or(|m| !net.links.contains_key(&m)) && !below.contains(&l.index))
        .collect();
    tops.sort_by(|a, b| {
        let ka = a.kind.as_ref().map_or(5, LinkKind::rank);
        let kb = b.kind.as_ref().map_or(5, LinkKind::rank);
        (ka, &a.name).cmp(&(kb, &b.name))
    });
    // Children by parent, built once: asking ports_of per link would make a frame O(n²).
    let mut kids: BTreeMap<u32, Vec<&Link>> = BTreeMap::new();
    for l in net.links.values() {
        if let Some(m) = l.master.filter(|m| net.links.contains_key(m)) {
            kids.entry(m).or_default().push(l);
        }
    }
    for (up, low) in &stacked {
        kids.entry(*up).or_default().extend(net.links.get(low));
    }
    kids.values_mut().for_each(|v| v.sort_by(|a, b| a.name.cmp(&b.name)));
    let mut out = Vec::with_capacity(net.links.len());
    for t in tops {
        push_subtree(&kids, t, 0, &mut out);
    }
    out
}

/// vlan index → its lower link, for lowers that have no master and only this one vlan on them.
fn stacked_children(net: &Network) -> BTreeMap<u32, u32> {
    let mut uppers: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for l in net.links.values() {
        if let (Some(LinkKind::Vlan(_)), Some(lower)) = (&l.kind, l.lower) {
            uppers.entry(lower).or_default().push(l.index);
        }
    }
    uppers
        .into_iter()
        .filter(|(lower, ups)| ups.len() == 1 && net.links.get(lower).is_some_and(|l| l.master.is_none()))
        .map(|(lower, ups)| (ups[0], lower))
        .collect()
}

fn push_subtree<'a>(
    kids: &BTreeMap<u32, Vec<&'a Link>>,
    l: &'a Link,
    depth: usize,
    out: &mut Vec<(usize, &'a Link)>,
) {
    out.push((depth, l));
    if depth > 8 {
        return; // loops are impossible in the kernel; guard anyway
    }
    for k in kids.get(&l.index).into_iter().flatten() {
        push_subtree(kids, k, depth + 1, out);
    }
}

#[cfg(test)]
#[path = "network_tests.rs"]
mod tests;
