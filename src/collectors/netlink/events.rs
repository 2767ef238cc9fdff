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
