//! The network source over rtnetlink: a dump of links, addresses and routes (main table),
//! then the link/address/route multicast groups applied as they arrive, with a re-dump on a
//! timer as a safety net.

pub mod events;
pub mod parse;
pub mod sysfs;

use super::{Backoff, SourceTx};
use crate::event::{Health, Screen, Shown, Update};
use crate::model::network::{NetState, NetUpdate};
use events::Tracker;
use futures::{StreamExt, TryStreamExt};
use netlink_packet_route::route::RouteMessage;
use rtnetlink::{Handle, MulticastGroup, RouteMessageBuilder};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const GROUPS: [MulticastGroup; 5] = [
    MulticastGroup::Link,
    MulticastGroup::Ipv4Ifaddr,
    MulticastGroup::Ipv6Ifaddr,
    MulticastGroup::Ipv4Route,
    MulticastGroup::Ipv6Route,
];
/// After a link changes, the routes it took with it are re-read this much later (debounced).
const LINK_REDUMP_DELAY: Duration = Duration::from_millis(100);
const RESOLV_CONF: &str = "/etc/resolv.conf";
const SYS_CLASS_NET: &str = "/sys/class/net";

/// Why the network source has no current state.
#[derive(Debug, thiserror::Error)]
pub enum NetlinkError {
    #[error("cannot open a netlink socket: {0}")]
    Socket(#[source] std::io::Error),
    #[error("dump failed: {0}")]
    Dump(#[from] rtnetlink::Error),
    #[error("netlink event stream ended")]
    StreamEnded,
}

pub async fn probe() -> Health {
    let (conn, handle, _) = match rtnetlink::new_connection() {
        Ok(c) => c,
        Err(e) => return Health::Unavailable(NetlinkError::Socket(e).to_string()),
    };
    let task = tokio::spawn(conn);
    let mut links = handle.link().get().execute();
    let mut n = 0usize;
    let result = loop {
        match links.try_next().await {
            Ok(Some(_)) => n += 1,
            Ok(None) => break Health::Ok(format!("{n} links")),
            Err(e) => break Health::Error(format!("link dump failed: {e}")),
        }
    };
    task.abort();
    result
}

/// Dumps links, addresses and main-table routes of both families. DNS is left empty.
pub async fn dump(handle: &Handle, tracker: &mut Tracker) -> Result<NetState, rtnetlink::Error> {
    let now = Instant::now();
    let msgs: Vec<_> = handle.link().get().execute().try_collect().await?;
    let links: Vec<_> = msgs.iter().map(|m| tracker.link(m, now)).collect();
    tracker.sent_all(&links);
    let addrs = handle.address().get().execute().try_collect::<Vec<_>>().await?;
    let mut routes = Vec::new();
    let requests: [RouteMessage; 2] =
        [RouteMessageBuilder::<Ipv4Addr>::new().build(), RouteMessageBuilder::<Ipv6Addr>::new().build()];
    for req in requests {
        let msgs: Vec<_> = handle.route().get(req).execute().try_collect().await?;
        routes.extend(msgs.iter().filter_map(parse::route));
    }
    Ok(NetState { links, addrs: addrs.iter().filter_map(parse::addr).collect(), routes, dns: Vec::new() })
}

/// One full sample (for `snapshot`): its own connection, DNS and sysfs speed included.
pub async fn snapshot_once() -> Result<NetState, NetlinkError> {
    let (conn, handle, _) = rtnetlink::new_connection().map_err(NetlinkError::Socket)?;
    let task = tokio::spawn(conn);
    let mut tracker = Tracker::new(Some(PathBuf::from(SYS_CLASS_NET)));
    let state = dump(&handle, &mut tracker).await;
    task.abort();
    let mut state = state?;
    state.dns = sysfs::dns(Path::new(RESOLV_CONF));
    Ok(state)
}

/// The collector: reconnects with backoff whenever the socket fails; ends when the app has gone.
pub async fn run(mut tx: SourceTx, refresh: Duration, mut shown: Shown) {
    let mut backoff = Backoff::new(Duration::from_secs(60));
    let mut tracker = Tracker::new(Some(PathBuf::from(SYS_CLASS_NET)));
    loop {
        let health = match follow(&mut tx, &mut tracker, refresh, &mut backoff, &mut shown).await {
            Ok(()) => return,
            Err(e) => Health::Error(e.to_string()),
        };
        tx.health(health).await;
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

/// While F3 is hidden, links, addresses and routes still follow the kernel's events; the
/// full dump (for F3's counters, and to catch anything an event missed) is made this often.
const HIDDEN_DUMP_EVERY: Duration = Duration::from_secs(30);

/// After F3 comes into view, the dump that gives its first rates (over this gap).
const SHOWN_RATE_GAP: Duration = Duration::from_millis(500);

/// Dumps, then applies events until the socket fails (`Err`) or the app goes away (`Ok`).
async fn follow(
    tx: &mut SourceTx,
    tracker: &mut Tracker,
    refresh: Duration,
    backoff: &mut Backoff,
    shown: &mut Shown,
) -> Result<(), NetlinkError> {
    let (conn, handle, mut messages) =
        rtnetlink::new_multicast_connection(&GROUPS).map_err(NetlinkError::Socket)?;
    let task = tokio::spawn(conn);
    let _guard = AbortOnDrop(task);
    let mut tick = tokio::time::interval(refresh);
    // A slow dump must not be followed by a burst of catch-up dumps.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut dumped: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = shown.appears(Screen::Network) => {
                // The dump now primes the counters; the next one, soon, gives current rates.
                tick.reset_at(tokio::time::Instant::now());
                dumped = None;
                continue;
            }
            _ = tick.tick() => {
                if !shown.is(Screen::Network) && dumped.is_some_and(|t| t.elapsed() < HIDDEN_DUMP_EVERY) {
                    continue;
                }
                let first = dumped.is_none();
                dumped = Some(Instant::now());
                if first && shown.is(Screen::Network) {
                    tick.reset_at(tokio::time::Instant::now() + SHOWN_RATE_GAP);
                }
                let mut state = dump(&handle, tracker).await?;
                state.dns = sysfs::dns(Path::new(RESOLV_CONF));
                let n = state.links.len();
                if !tx.send(Update::Net(NetUpdate::Full(Box::new(state)))).await {
                    return Ok(());
                }
                tx.health(Health::Ok(format!("{n} links"))).await;
                backoff.reset();
            }
            msg = messages.next() => {
                let Some((msg, _)) = msg else { return Err(NetlinkError::StreamEnded) };
                let rtnetlink::packet_core::NetlinkPayload::InnerMessage(inner) = msg.payload else { continue };
                let Some(u) = tracker.event(inner, Instant::now()) else { continue };
                // IPv4 flushes a downed link's routes without telling anyone: re-dump soon.
                if matches!(u, NetUpdate::Link(_)) {
                    tick.reset_at(tokio::time::Instant::now() + LINK_REDUMP_DELAY);
                    dumped = None;
                }
                if !tx.send(Update::Net(u)).await {
                    return Ok(());
                }
            }
        }
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
