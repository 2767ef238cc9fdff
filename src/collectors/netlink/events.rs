//! Turning netlink messages into model updates: rates, sysfs speed, and the de-duplication
//! of the repeated NewLink messages that bridge ports cause.

use super::parse;
use crate::model::network::{Link, LinkStats, NetUpdate};
use netlink_packet_route::link::LinkMessage;
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

/// Shortest interval a rate is computed over; closer samples keep the previous rate.
const MIN_RATE_SECS: f64 = 0.5;

/// What the collector remembers between messages.
pub struct Tracker {
    /// `/sys/class/net`, or `None` to skip speed (benchmarks, tests).
    pub sysfs: Option<PathBuf>,
    samples: HashMap<u32, (Instant, LinkStats, Option<f64>, Option<f64>)>,
    /// The last link sent per index, without counters, to drop repeats.
    sent: HashMap<u32, Link>,
}

impl Tracker {
    pub fn new(sysfs: Option<PathBuf>) -> Self {
        Tracker { sysfs, samples: HashMap::new(), sent: HashMap::new() }
    }

    /// A link from a dump or an event, with speed and rates filled in.
    pub fn link(&mut self, msg: &LinkMessage, now: Instant) -> Link {
        let mut l = parse::link(msg);
        if let Some(root) = &self.sysfs {
            (l.speed_mbps, l.duplex) = super::sysfs::speed(root, &l.name, l.index);
        }
        self.rate(&mut l, now);
        l
    }

    fn rate(&mut self, l: &mut Link, now: Instant) {
        let Some(cur) = l.stats else { return };
        let entry = self.samples.entry(l.index).or_insert((now, cur, None, None));
        let secs = now.duration_since(entry.0).as_secs_f64();
        if secs >= MIN_RATE_SECS {
            let per_s = |a: u64, b: u64| a.saturating_sub(b) as f64 / secs;
            *entry = (
                now,
                cur,
                Some(per_s(cur.rx_bytes, entry.1.rx_bytes)),
                Some(per_s(cur.tx_bytes, entry.1.tx_bytes)),
            );
        }
        (l.rx_rate, l.tx_rate) = (entry.2, entry.3);
    }

    /// Remembers what a full dump sent, so the events after it can be compared.
    pub fn sent_all(&mut self, links: &[Link]) {
        self.sent = links.iter().map(|l| (l.index, without_counters(l))).collect();
        self.samples.retain(|i, _| self.sent.contains_key(i));
    }

    /// The update an event asks for, or `None` when it changes nothing the model shows.
    pub fn event(&mut self, msg: RouteNetlinkMessage, now: Instant) -> Option<NetUpdate> {
        match msg {
            // AF_BRIDGE copies are the bridge layer's view of a port; a DelLink among them
            // means "left the bridge", not "deleted". The AF_UNSPEC message tells us both.
            RouteNetlinkMessage::NewLink(m) | RouteNetlinkMessage::DelLink(m)
                if m.header.interface_family == AddressFamily::Bridge =>
            {
                None
            }
            RouteNetlinkMessage::NewLink(m) => {
                let l = self.link(&m, now);
                let bare = without_counters(&l);
                if self.sent.get(&l.index) == Some(&bare) {
                    return None;
                }
                self.sent.insert(l.index, bare);
                Some(NetUpdate::Link(Box::new(l)))
            }
            RouteNetlinkMessage::DelLink(m) => {
                self.sent.remove(&m.header.index);
                self.samples.remove(&m.header.index);
                Some(NetUpdate::LinkGone(m.header.index))
            }
            RouteNetlinkMessage::NewAddress(m) => parse::addr(&m).map(NetUpdate::AddrAdded),
            RouteNetlinkMessage::DelAddress(m) => parse::addr(&m).map(NetUpdate::AddrRemoved),
            RouteNetlinkMessage::NewRoute(m) => parse::route(&m).map(NetUpdate::RouteAdded),
            RouteNetlinkMessage::DelRoute(m) => parse::route(&m).map(NetUpdate::RouteRemoved),
            _ => None,
        }
    }
}

fn without_counters(l: &Link) -> Link {
    Link { stats: None, rx_rate: None, tx_rate: None, ..l.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netlink_packet_route::link::{LinkAttribute, LinkHeader, Stats64};
    use std::time::Duration;

    fn msg(family: AddressFamily, rx: u64, mtu: u32) -> LinkMessage {
        let mut m = LinkMessage::default();
        m.header = LinkHeader { index: 7, interface_family: family, ..LinkHeader::default() };
        let mut s = Stats64::default();
        s.rx_bytes = rx;
        s.tx_bytes = rx / 2;
        m.attributes =
            vec![LinkAttribute::IfName("eth0".into()), LinkAttribute::Mtu(mtu), LinkAttribute::Stats64(s)];
        m
    }

    #[test]
    fn rates_are_delta_over_elapsed_and_survive_counter_resets() {
        let mut t = Tracker::new(None);
        let t0 = Instant::now();
        assert_eq!(t.link(&msg(AddressFamily::Unspec, 1000, 1500), t0).rx_rate, None);
        let l = t.link(&msg(AddressFamily::Unspec, 5000, 1500), t0 + Duration::from_secs(2));
        assert_eq!((l.rx_rate, l.tx_rate), (Some(2000.0), Some(1000.0)));
        // Too close to the last sample: the previous rate stays.
        let l = t.link(&msg(AddressFamily::Unspec, 9000, 1500), t0 + Duration::from_millis(2100));
        assert_eq!(l.rx_rate, Some(2000.0));
        // A counter reset (driver reload) is a zero rate, not a wrap to 2^64.
        let l = t.link(&msg(AddressFamily::Unspec, 10, 1500), t0 + Duration::from_secs(4));
        assert_eq!(l.rx_rate, Some(0.0));
    }

    #[test]
    fn repeats_and_bridge_copies_are_dropped() {
        let mut t = Tracker::new(None);
        let now = Instant::now();
        let first = t.event(RouteNetlinkMessage::NewLink(msg(AddressFamily::Unspec, 1, 1500)), now);
        assert!(matches!(first, Some(NetUpdate::Link(_))));
        // Same state, new counters: nothing the model shows changed.
        assert_eq!(t.event(RouteNetlinkMessage::NewLink(msg(AddressFamily::Unspec, 99, 1500)), now), None);
        assert_eq!(t.event(RouteNetlinkMessage::NewLink(msg(AddressFamily::Bridge, 1, 1400)), now), None);
        assert_eq!(t.event(RouteNetlinkMessage::DelLink(msg(AddressFamily::Bridge, 1, 1400)), now), None);
        let mtu = t.event(RouteNetlinkMessage::NewLink(msg(AddressFamily::Unspec, 1, 1400)), now);
        assert!(matches!(mtu, Some(NetUpdate::Link(l)) if l.mtu == 1400));
        let gone = t.event(RouteNetlinkMessage::DelLink(msg(AddressFamily::Unspec, 1, 1400)), now);
        assert_eq!(gone, Some(NetUpdate::LinkGone(7)));
    }
}
