//! `--demo`'s changing guests: [`LIVE_DOMAINS`] defined on libvirt's shared `test:///default`
//! (one state per process, which the console's own read-only connection sees, events
//! included), then one lifecycle change a second through the test driver's API: start,
//! suspend, resume, destroy. Nothing here can reach a real hypervisor: the test driver only.

use super::guests::{LIVE_DOMAINS, LIVE_URI, domain_xml};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;
use virt::connect::Connect;
use virt::domain::Domain;

/// The thread changing the guests; stopped (and its connection closed) on drop.
pub struct GuestDriver {
    /// Dropped to stop the thread at once.
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Defines the guests in their first states and starts changing them every `every`.
pub fn start(every: Duration) -> Result<GuestDriver, String> {
    let mut conn = Connect::open(Some(LIVE_URI)).map_err(|e| format!("{LIVE_URI}: {e}"))?;
    if let Err(e) = populate(&conn) {
        let _ = conn.close();
        return Err(format!("{LIVE_URI}: {e}"));
    }
    let (stop, stopped) = channel();
    let thread = std::thread::Builder::new()
        .name("demo-libvirt".into())
        .spawn(move || {
            let mut tick = 0usize;
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                step(&conn, tick);
                tick += 1;
            }
            let _ = conn.close();
        })
        .map_err(|e| format!("cannot start the demo's libvirt thread: {e}"))?;
    Ok(GuestDriver { stop: Some(stop), thread: Some(thread) })
}

impl Drop for GuestDriver {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The driver's own `test` domain goes; ours come, in their first states.
fn populate(conn: &Connect) -> Result<(), virt::error::Error> {
    if let Ok(d) = Domain::lookup_by_name(conn, "test") {
        let _ = d.destroy();
        let _ = d.undefine();
    }
    for dom in &LIVE_DOMAINS {
        let d = Domain::define_xml(conn, &domain_xml(dom, false))?;
        if dom.state == 1 || dom.state == 3 {
            d.create()?;
        }
        if dom.state == 3 {
            d.suspend()?;
        }
    }
    Ok(())
}

/// One change: guest `tick × 3 mod n` moves on (running → paused or, every fourth time,
/// off; paused → running; off → running).
fn step(conn: &Connect, tick: usize) {
    let dom = &LIVE_DOMAINS[tick * 3 % LIVE_DOMAINS.len()];
    let Ok(d) = Domain::lookup_by_name(conn, dom.name) else { return };
    let Ok((state, _)) = d.get_state() else { return };
    let _ = match state {
        virt::sys::VIR_DOMAIN_RUNNING if tick % 4 == 3 => d.destroy().map(drop),
        virt::sys::VIR_DOMAIN_RUNNING => d.suspend().map(drop),
        virt::sys::VIR_DOMAIN_PAUSED => d.resume().map(drop),
        _ => d.create().map(drop),
    };
}
