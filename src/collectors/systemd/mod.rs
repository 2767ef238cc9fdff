//! systemd's units over D-Bus (F5): list them, then follow the manager's signals
//! (UnitNew, UnitRemoved, PropertiesChanged) so a unit that fails shows within a second.
//!
//! The bus is the system bus at `/run/dbus/system_bus_socket`, or the socket named by
//! `HYPERVISOR_TUI_SYSTEM_BUS` (tests point it at a container's bus).

pub mod bus;

use super::{Backoff, Reconnect, SourceTx};
use crate::event::{Health, Update};
use crate::model::units::{Unit, UnitsUpdate};
use bus::{Listed, SystemdError};
use futures::StreamExt;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use zbus::Connection;

/// The system bus socket: `HYPERVISOR_TUI_SYSTEM_BUS` when set, else the standard path.
pub fn bus_path() -> PathBuf {
    std::env::var_os("HYPERVISOR_TUI_SYSTEM_BUS")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| "/run/dbus/system_bus_socket".into())
}

/// Signals often come in bursts (a restart changes a dozen properties): wait this long
/// after the first before listing again.
const SETTLE: Duration = Duration::from_millis(100);
/// A listing even without signals, in case one was missed.
const RELIST: Duration = Duration::from_secs(60);
/// While no signal comes, systemd is pinged this often: a hung manager is said within
/// `PING_EVERY + bus::CALL_BOUND`, not left on F5 as the truth.
const PING_EVERY: Duration = Duration::from_secs(5);
/// A whole listing (ListUnits and the details of units whose state changed) takes at most this.
const LIST_BOUND: Duration = Duration::from_secs(15);

/// What was read of a unit's details in a given state; read again when its state changes.
type Details = HashMap<(String, String, String), (Option<i64>, Option<String>)>;

/// Lists every unit with its details, reusing those of units whose state has not changed.
pub async fn list(conn: &Connection, cache: &mut Details) -> Result<Vec<Unit>, SystemdError> {
    let mut listed = bus::list_units(conn).await?;
    let mut fresh = Details::new();
    for l in &mut listed {
        if !wants_details(&l.unit) {
            continue;
        }
        let key = (l.unit.name.clone(), l.unit.active.clone(), l.unit.sub.clone());
        match cache.get(&key) {
            Some((since, result)) => (l.unit.since, l.unit.result) = (*since, result.clone()),
            None => bus::fill_details(conn, l).await,
        }
        fresh.insert(key, (l.unit.since, l.unit.result.clone()));
    }
    *cache = fresh;
    Ok(listed.into_iter().map(|Listed { unit, .. }| unit).collect())
}

/// F5 shows when failed units failed and since when services run; the rest needs no more.
fn wants_details(u: &Unit) -> bool {
    u.is_failed() || u.is_running_service()
}

fn summary(units: &[Unit]) -> String {
    let failed = units.iter().filter(|u| u.is_failed()).count();
    format!("{} units, {failed} failed", units.len())
}

/// Follows the units until the app goes; reconnects with backoff when the bus goes away.
pub async fn run(mut tx: SourceTx, path: PathBuf) {
    let mut r = Reconnect::default();
    loop {
        let Err(err) = follow(&mut tx, &path, &mut r.backoff, &mut r.known).await else { return };
        if !r.failed(&mut tx, || Update::Units(UnitsUpdate::Lost), err).await {
            return;
        }
    }
}

/// One connection's life: subscribe, list, then list again after each burst of signals.
/// `Ok` when the app has gone.
async fn follow(
    tx: &mut SourceTx,
    path: &Path,
    backoff: &mut Backoff,
    known: &mut bool,
) -> Result<(), SystemdError> {
    let conn = bus::connect(path).await?;
    let mut signals = bus::subscribe(&conn).await?;
    let mut cache = Details::new();
    let mut last: Option<Vec<Unit>> = None;
    loop {
        let units = tokio::time::timeout(LIST_BOUND, list(&conn, &mut cache)).await.map_err(|_| {
            SystemdError::NotAnswering { call: "listing units", secs: LIST_BOUND.as_secs() }
        })??;
        tx.health(Health::Ok(summary(&units))).await;
        backoff.reset();
        *known = true;
        // Most signals change nothing F5 shows (a job queued and done): no redraw for those.
        if last.as_ref() != Some(&units) {
            last = Some(units.clone());
            if !tx.send(Update::Units(UnitsUpdate::List(units))).await {
                return Ok(());
            }
        }
        let mut quiet = Duration::ZERO;
        while quiet < RELIST {
            match tokio::time::timeout(PING_EVERY, signals.next()).await {
                Ok(None) => return Err(SystemdError::Closed(path.display().to_string())),
                Ok(Some(_)) => break,
                Err(_) => {
                    bus::ping(&conn).await?;
                    quiet += PING_EVERY;
                }
            }
        }
        tokio::time::sleep(SETTLE).await;
        // Everything that arrived meanwhile is covered by the next listing.
        while futures::FutureExt::now_or_never(signals.next()).flatten().is_some() {}
    }
}

/// Asks once (for `check`): the bus answers and systemd lists its units.
pub async fn probe(path: &Path) -> Health {
    match snapshot_once(path).await {
        Ok(units) => Health::Ok(summary(&units)),
        Err(e) => Health::Unavailable(e.to_string()),
    }
}

/// Every unit once, with details (for `snapshot`).
pub async fn snapshot_once(path: &Path) -> Result<Vec<Unit>, SystemdError> {
    let conn = bus::connect(path).await?;
    list(&conn, &mut Details::new()).await
}
