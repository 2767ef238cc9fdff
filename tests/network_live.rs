//! The netlink collector running live in its own namespace: each change must arrive as an
//! event within a second, and the model built from the events must raise the right alerts.

mod netns;

use hypervisor_tui::collectors::{SourceTx, netlink};
use hypervisor_tui::event::{SourceId, Update};
use hypervisor_tui::model::network::{NetUpdate, Network};
use netns::Netns;
#[path = "support/require.rs"]
mod require;
use require::require;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const WITHIN: Duration = Duration::from_secs(1);

/// Starts the collector in the namespace; the re-dump timer is long so only events count.
fn start(ns: &Netns) -> mpsc::Receiver<Update> {
    let (tx, rx) = mpsc::channel(1024);
    let _thread = ns.spawn_in(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(netlink::run(
            SourceTx::new(SourceId::Netlink, tx),
            Duration::from_secs(3600),
            hypervisor_tui::event::Shown::always(),
        ));
    });
    rx
}

/// Applies updates to `net` until `want` holds for one of them; panics after `WITHIN`.
fn wait_for(
    rx: &mut mpsc::Receiver<Update>,
    net: &mut Network,
    what: &str,
    want: impl Fn(&NetUpdate, &Network) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        let left = WITHIN.saturating_sub(start.elapsed());
        let u =
            rx.blocking_recv_timeout(left).unwrap_or_else(|| panic!("{what}: no event within {WITHIN:?}"));
        if let Update::Net(u) = u {
            net.apply(u.clone());
            if want(&u, net) {
                return start.elapsed();
            }
        }
    }
}

trait RecvTimeout {
    fn blocking_recv_timeout(&mut self, d: Duration) -> Option<Update>;
}

impl RecvTimeout for mpsc::Receiver<Update> {
    fn blocking_recv_timeout(&mut self, d: Duration) -> Option<Update> {
        let end = Instant::now() + d;
        loop {
            match self.try_recv() {
                Ok(u) => return Some(u),
                Err(mpsc::error::TryRecvError::Disconnected) => return None,
                Err(mpsc::error::TryRecvError::Empty) if Instant::now() >= end => return None,
                Err(mpsc::error::TryRecvError::Empty) => std::thread::sleep(Duration::from_millis(2)),
            }
        }
    }
}

#[test]
fn link_and_address_changes_arrive_as_events_within_a_second() {
    if !require(Netns::available(), "creating a network namespace needs root") {
        return;
    }
    let ns = Netns::new("live");
    for cmd in [
        "link add br0 type bridge",
        "link add veth0 type veth peer name veth1",
        "link set veth0 master br0",
        "link set br0 up",
        "link set veth0 up",
        "link set veth1 up",
        "addr add 192.0.2.1/24 dev br0",
        "route add default via 192.0.2.254 dev br0",
    ] {
        ns.ip(cmd);
    }
    let mut rx = start(&ns);
    let mut net = Network::default();
    wait_for(&mut rx, &mut net, "first dump", |u, _| matches!(u, NetUpdate::Full(_)));
    assert!(net.alerts().is_empty(), "{:?}", net.alerts());
    let idx = |net: &Network, name: &str| net.links.values().find(|l| l.name == name).map(|l| l.index);

    ns.ip("link set veth1 down");
    wait_for(
        &mut rx,
        &mut net,
        "veth1 down",
        |u, n| matches!(u, NetUpdate::Link(l) if Some(l.index) == idx(n, "veth1") && l.operstate == "DOWN"),
    );

    ns.ip("addr add 198.51.100.7/24 dev veth1");
    wait_for(
        &mut rx,
        &mut net,
        "address added",
        |u, _| matches!(u, NetUpdate::AddrAdded(a) if a.addr.to_string() == "198.51.100.7" && a.prefix == 24),
    );
    ns.ip("addr del 198.51.100.7/24 dev veth1");
    wait_for(
        &mut rx,
        &mut net,
        "address removed",
        |u, _| matches!(u, NetUpdate::AddrRemoved(a) if a.addr.to_string() == "198.51.100.7"),
    );
    let alerts = net.alerts();
    assert!(
        alerts.iter().any(|(_, t)| t == "network: address 198.51.100.7/24 lost from veth1"),
        "{alerts:?}"
    );

    // The default-route link losing its only port: br0 goes down, and the alert says so.
    ns.ip("link set br0 down");
    wait_for(&mut rx, &mut net, "br0 down", |_, n| {
        n.alerts().iter().any(|(crit, t)| *crit && t == "network: default-route link br0 is DOWN")
    });
    // Taking br0 down removed its routes; with none left, the alert changes.
    wait_for(&mut rx, &mut net, "default route gone", |_, n| {
        n.alerts().iter().any(|(_, t)| t == "network: no default route")
    });
}

#[test]
fn bridge_port_repeats_are_not_forwarded() {
    if !require(Netns::available(), "creating a network namespace needs root") {
        return;
    }
    let ns = Netns::new("dedup");
    for cmd in ["link add br0 type bridge", "link add veth0 type veth peer name veth1", "link set br0 up"] {
        ns.ip(cmd);
    }
    let mut rx = start(&ns);
    let mut net = Network::default();
    wait_for(&mut rx, &mut net, "first dump", |u, _| matches!(u, NetUpdate::Full(_)));
    ns.ip("link set veth0 master br0");
    ns.ip("link set veth0 up");
    ns.ip("link set veth1 up");
    std::thread::sleep(Duration::from_millis(500));
    let mut links = Vec::new();
    while let Ok(u) = rx.try_recv() {
        let Update::Net(u) = u else { continue };
        if let NetUpdate::Link(l) = &u {
            links.push(l.clone());
        }
        net.apply(u);
    }
    let veth0 = net.links.values().find(|l| l.name == "veth0").unwrap();
    assert_eq!(net.name_of(veth0.master.unwrap()), Some("br0"));
    assert_eq!(veth0.operstate, "UP");
    // The kernel sends several NewLink per port change (AF_UNSPEC and AF_BRIDGE copies);
    // consecutive identical states of one link must not both reach the app.
    for w in links.windows(2) {
        let same = |a: &hypervisor_tui::model::network::Link, b: &hypervisor_tui::model::network::Link| {
            a.index == b.index
                && a.operstate == b.operstate
                && a.master == b.master
                && a.carrier == b.carrier
                && a.mtu == b.mtu
                && a.admin_up == b.admin_up
        };
        assert!(!same(&w[0], &w[1]), "repeat forwarded: {:?}", w[1].name);
    }
}
