//! One thread per URI: connect read-only, subscribe to lifecycle events, list on change
//! and on a timer, reconnect with backoff. Talks to the app through the bounded channel.

use super::error::LibvirtError;
use super::events::{self, WorkerMsg};
use super::open::{OPEN_LIMIT, Opener};
use super::refresh::{Tracker, now_unix};
use super::socket_watch::Waiter;
use super::status::Status;
use crate::collectors::Backoff;
use crate::event::{SourceId, Update};
use crate::model::guests::{EventKind, GuestUpdate, LifecycleEvent};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use virt::connect::Connect;
use virt_sys as sys;

/// Events arriving within this window are folded into one re-listing.
const DEBOUNCE: Duration = Duration::from_millis(50);

pub struct Worker {
    pub uri: String,
    pub interval: Duration,
    pub tx: mpsc::Sender<Update>,
    pub status: Status,
}

/// Why a connected session ended.
enum End {
    AppGone,
    Lost(LibvirtError),
}

impl Worker {
    /// Runs until the app goes away.
    pub fn run(self) {
        // Capped at 2 s: a connect attempt to a local socket costs nothing, and guests must be
        // back on screen within seconds of libvirtd answering again.
        let mut backoff = Backoff::new(RECONNECT_MAX);
        // ... and at once when its socket reappears (a restarted daemon binding it).
        let mut socket = Waiter::new(&self.uri);
        // ... and never blocked for longer than a frozen daemon takes to be called so.
        let mut opener = Opener::new(&self.uri);
        loop {
            socket.arm();
            let reason = match missing_test_file(&self.uri).map_or_else(|| opener.open(OPEN_LIMIT), Err) {
                Ok(conn) => {
                    backoff.reset();
                    match self.session(conn) {
                        End::AppGone => return,
                        End::Lost(r) => r,
                    }
                }
                Err(e) => e,
            };
            if !self.send(GuestUpdate::Down { uri: self.uri.clone(), reason: reason.to_string() }) {
                return;
            }
            self.status.set(&self.uri, Err(reason), &self.tx);
            let delay = socket.delay(backoff.next_delay());
            socket.wait(delay);
        }
    }

    fn send(&self, u: GuestUpdate) -> bool {
        self.tx.blocking_send(Update::Guests(Box::new(u))).is_ok()
    }

    /// One connection's life: subscribe, list, then wait for events or the timer.
    fn session(&self, mut conn: Connect) -> End {
        let (etx, erx) = channel();
        let reg = events::register(&conn, &etx).ok();
        let end = self.serve(&conn, &erx, reg.is_some());
        drop(etx);
        if let Some(r) = reg {
            events::deregister(&conn, r);
        }
        let _ = conn.close();
        end
    }

    fn serve(&self, conn: &Connect, erx: &Receiver<WorkerMsg>, events: bool) -> End {
        let mut tracker = Tracker::default();
        // An unchanged listing is not sent again: an idle host redraws nothing.
        let mut last = None;
        loop {
            let n = match tracker.list(conn, &self.uri) {
                // Unchanged: nothing to redraw, but the data shown is confirmed as of now.
                Ok(guests) if last.as_ref() == Some(&guests) => {
                    let confirmed = Update::Confirmed(SourceId::Libvirt, Some(self.uri.clone()));
                    if self.tx.blocking_send(confirmed).is_err() {
                        return End::AppGone;
                    }
                    guests.len()
                }
                Ok(guests) => {
                    let n = guests.len();
                    last = Some(guests.clone());
                    if !self.send(GuestUpdate::List { uri: self.uri.clone(), guests }) {
                        return End::AppGone;
                    }
                    n
                }
                Err(e) => return End::Lost(e.into()),
            };
            let note = if events { "" } else { ", no events" };
            self.status.set(&self.uri, Ok(format!("{n} domains{note}")), &self.tx);
            if let Err(end) = self.wait(conn, erx, &mut tracker) {
                return end;
            }
        }
    }

    /// Blocks until the next listing is due: an event (debounced) or the interval.
    fn wait(&self, conn: &Connect, erx: &Receiver<WorkerMsg>, tracker: &mut Tracker) -> Result<(), End> {
        let deadline = Instant::now() + self.interval;
        let mut first = true;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let timeout = if first { remaining } else { DEBOUNCE.min(remaining) };
            match erx.recv_timeout(timeout) {
                Ok(WorkerMsg::Closed(reason)) => return Err(End::Lost(closed(reason))),
                Ok(WorkerMsg::Lifecycle { name, event, detail }) => {
                    self.lifecycle(conn, tracker, name, event, detail)?;
                    first = false;
                }
                Err(RecvTimeoutError::Timeout) => return Ok(()),
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            if conn.is_alive().map(|a| !a).unwrap_or(false) {
                return Err(End::Lost(closed(-1)));
            }
        }
    }

    fn lifecycle(
        &self,
        conn: &Connect,
        tracker: &mut Tracker,
        name: String,
        event: i32,
        detail: i32,
    ) -> Result<(), End> {
        let (kind, detail) = events::describe(event, detail);
        if kind == EventKind::Started
            && let Ok(d) = virt::domain::Domain::lookup_by_name(conn, &name)
            && let Ok(uuid) = d.get_uuid_string()
        {
            tracker.mark_started(&uuid);
        }
        let e = LifecycleEvent { at_unix: now_unix(), uri: self.uri.clone(), name, kind, detail };
        if self.send(GuestUpdate::Event(e)) { Ok(()) } else { Err(End::AppGone) }
    }
}

/// Longest wait between two connection attempts.
pub const RECONNECT_MAX: Duration = Duration::from_secs(2);

/// A frozen libvirtd is given up after about `KEEPALIVE_INTERVAL × (KEEPALIVE_COUNT + 1)`
/// seconds (libvirt's default is 5 × 6 = 30 s): any call blocked on it then fails.
const KEEPALIVE_INTERVAL: i32 = 1;
const KEEPALIVE_COUNT: u32 = 3;
/// Seconds without an answer after which a connection is given up ("not answering (4 s)").
pub const GIVE_UP_S: u64 = KEEPALIVE_INTERVAL as u64 * (KEEPALIVE_COUNT as u64 + 1);

/// Opens `uri` read-only, with a keepalive tight enough to notice a frozen daemon in ~4 s
/// (drivers without keepalive, such as the test driver, ignore it).
pub fn open(uri: &str) -> Result<Connect, LibvirtError> {
    let conn = Connect::open_read_only(Some(uri))?;
    let _ = conn.set_keep_alive(KEEPALIVE_INTERVAL, KEEPALIVE_COUNT);
    Ok(conn)
}

/// Why a connection ended, from libvirt's close reason (`-1`: found dead, reason unknown).
fn closed(reason: i32) -> LibvirtError {
    if reason == sys::VIR_CONNECT_CLOSE_REASON_KEEPALIVE as i32 {
        let detail = format!("no keepalive answer in {GIVE_UP_S} s");
        return LibvirtError::NotAnswering { detail };
    }
    let why = match reason as u32 {
        sys::VIR_CONNECT_CLOSE_REASON_EOF => "end of file",
        sys::VIR_CONNECT_CLOSE_REASON_ERROR => "I/O error",
        sys::VIR_CONNECT_CLOSE_REASON_CLIENT => "closed by the client",
        _ => "close callback",
    };
    LibvirtError::Lost { detail: format!("libvirt closed the connection ({why})") }
}

/// libxml2 prints a test-driver node file it cannot load straight to stderr, i.e. onto the
/// console; a missing `test:///path` file is caught here before libvirt is asked.
pub fn missing_test_file(uri: &str) -> Option<LibvirtError> {
    let path = uri.strip_prefix("test://")?.split('?').next()?;
    if path == "/default" || !path.starts_with('/') {
        return None;
    }
    (!std::path::Path::new(path).is_file()).then(|| LibvirtError::NoNodeFile { path: path.into() })
}

#[cfg(test)]
mod tests {
    use super::missing_test_file;

    #[test]
    fn missing_node_files_are_caught_before_libvirt() {
        assert_eq!(missing_test_file("test:///default"), None);
        assert_eq!(missing_test_file("qemu:///system"), None);
        assert_eq!(missing_test_file("test:///etc/hostname"), None);
        assert!(
            missing_test_file("test:///nonexistent/node.xml")
                .is_some_and(|r| r.to_string() == "/nonexistent/node.xml: no such node file")
        );
    }
}
