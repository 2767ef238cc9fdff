//! systemd-machined's guests (F4): nspawn and NixOS containers, and VMs other managers
//! register, over D-Bus (`org.freedesktop.machine1`), live through `MachineNew` and
//! `MachineRemoved`; CPU and memory from each machine's cgroup; the containers configured
//! but not running from `/etc/nixos-containers` and `/var/lib/machines`.
//!
//! The bus is the system bus (`HYPERVISOR_TUI_SYSTEM_BUS` overrides it, as for F5). machined
//! numbers PIDs in its own PID namespace: the files are read under `HYPERVISOR_TUI_ROOT` and
//! `HYPERVISOR_TUI_PROC`, which a test points at a container's view.

pub mod bus;
pub mod cgroup;
pub mod conf;
pub mod sample;

use super::{Backoff, Reconnect, SourceTx};
use crate::event::{Health, Update};
use crate::model::guests::{EventDetail, EventKind, Guest, GuestUpdate, LifecycleEvent};
use bus::MachinedError;
use futures::StreamExt;
use sample::{Paths, Sampler};
use std::path::{Path, PathBuf};
use std::time::Duration;
use zbus::Connection;

/// A burst of signals (a boot registers, a terminate unregisters): list once after it.
const SETTLE: Duration = Duration::from_millis(50);
/// With nothing running there is no CPU to sample: list again this seldom (for new `.conf`
/// files and images), and at once on a signal.
const IDLE_RELIST: Duration = Duration::from_secs(30);
/// A listing that takes longer (a frozen machined) ends the connection: its rows go, never
/// shown as live.
const LIST_BOUND: Duration = Duration::from_secs(10);

fn summary(guests: &[Guest]) -> String {
    let running = guests.iter().filter(|g| g.state.is_active()).count();
    format!("{} machines, {running} running", guests.len())
}

async fn connect(path: &Path) -> Result<Connection, MachinedError> {
    Ok(crate::collectors::systemd::bus::connect(path).await?)
}

/// Follows machined until the app goes; reconnects with backoff while it cannot be asked.
pub async fn run(mut tx: SourceTx, path: PathBuf, refresh: Duration) {
    let mut r = Reconnect::default();
    let paths = Paths::from_env();
    let lost = || Update::Guests(Box::new(GuestUpdate::MachinesLost));
    loop {
        let Err(err) = follow(&mut tx, (&path, &paths), refresh, &mut r.backoff, &mut r.known).await else {
            return;
        };
        if !r.failed(&mut tx, lost, err).await {
            return;
        }
    }
}

/// One connection's life: list every `refresh` (for CPU %), and at once after a signal.
/// `Ok` when the app has gone.
async fn follow(
    tx: &mut SourceTx,
    (path, paths): (&Path, &Paths),
    refresh: Duration,
    backoff: &mut Backoff,
    known: &mut bool,
) -> Result<(), MachinedError> {
    let conn = connect(path).await?;
    let mut signals = bus::subscribe(&conn).await?;
    let mut sampler = Sampler::default();
    let mut events: Vec<(String, String)> = Vec::new();
    let mut last: Vec<Guest> = Vec::new();
    loop {
        let guests = tokio::time::timeout(LIST_BOUND, sampler.list(&conn, paths))
            .await
            .map_err(|_| MachinedError::Timeout(LIST_BOUND.as_secs()))??;
        tx.health(Health::Ok(summary(&guests))).await;
        backoff.reset();
        *known = true;
        for (member, name) in events.drain(..) {
            let (kind, shown) = if member == "MachineNew" {
                (EventKind::Started, guests.iter().find(|g| g.name == name))
            } else {
                (EventKind::Stopped, last.iter().find(|g| g.name == name))
            };
            let uri = shown.map_or("nspawn", |g| g.uri.as_str()).to_string();
            let e = LifecycleEvent {
                at_unix: crate::model::unix_now() as u64,
                uri,
                name,
                kind,
                detail: EventDetail::None,
            };
            if !tx.send(Update::Guests(Box::new(GuestUpdate::Event(e)))).await {
                return Ok(());
            }
        }
        if !tx.send(Update::Guests(Box::new(GuestUpdate::Machines(guests.clone())))).await {
            return Ok(());
        }
        let wait = if guests.iter().any(|g| g.machined.as_ref().is_some_and(|m| m.leader.is_some())) {
            refresh
        } else {
            IDLE_RELIST
        };
        last = guests;
        match tokio::time::timeout(wait, signals.next()).await {
            Err(_) => continue,
            Ok(None) => return Err(MachinedError::Closed),
            Ok(Some(msg)) => {
                events.extend(msg.ok().as_ref().and_then(bus::machine_signal));
                tokio::time::sleep(SETTLE).await;
                while let Some(Some(msg)) = futures::FutureExt::now_or_never(signals.next()) {
                    events.extend(msg.ok().as_ref().and_then(bus::machine_signal));
                }
            }
        }
    }
}

/// Asks once (for `check`): machined answers ListMachines.
pub async fn probe(path: &Path) -> Health {
    let listed = async {
        let conn = connect(path).await?;
        bus::list_machines(&conn).await
    };
    match listed.await {
        Ok(l) => Health::Ok(format!("{} machines", l.len())),
        Err(e) => Health::Unavailable(e.to_string()),
    }
}

/// Every machine once, CPU % over `interval` (for `snapshot`).
pub async fn snapshot_once(path: &Path, interval: Duration) -> Result<Vec<Guest>, MachinedError> {
    let conn = connect(path).await?;
    let paths = Paths::from_env();
    let mut sampler = Sampler::default();
    sampler.list(&conn, &paths).await?;
    tokio::time::sleep(interval).await;
    sampler.list(&conn, &paths).await
}

/// The health `snapshot` reports for a listing.
pub fn health_of(r: &Result<Vec<Guest>, MachinedError>) -> Health {
    match r {
        Ok(g) => Health::Ok(summary(g)),
        Err(e) => Health::Unavailable(e.to_string()),
    }
}
