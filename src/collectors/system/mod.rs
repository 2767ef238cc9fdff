//! F5's host facts: NixOS generations, the clock, mdraid/ZFS health, temperatures and
//! EDAC. Files of /proc are read under `HYPERVISOR_TUI_PROC` (as the procfs collector
//! does: `mdstat`, `spl/kstat/zfs`, the time daemons' `comm`); every other host file
//! (`/run`, `/nix`, `/etc/NIXOS`, `/sys`) under `HYPERVISOR_TUI_ROOT` (default `/`), with
//! symlinks resolved inside that root (see root.rs). Cheap reads only: no process is
//! started on the refresh path.

pub mod clock;
pub mod mdstat;
pub mod nixos;
pub mod parse;
pub mod root;
pub mod sensors;
pub mod storage;

use super::SourceTx;
use crate::event::{Health, SourceId, Update};
use crate::model::system::{Fact, Hardware, SystemFacts};
use clock::ClockSource;
use root::HostRoot;
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;

/// These change slowly: read at most this often, whatever `refresh_interval` says.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5);

/// One reading of every fact, with each source's health.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub facts: SystemFacts,
    pub health: [(SourceId, Health); 4],
}

pub fn read_all(root: &HostRoot, proc: &Path, clock: &dyn ClockSource) -> Reading {
    let facts = SystemFacts {
        nixos: nixos::read(root),
        time: clock::read(clock, root, proc),
        storage: storage::read(proc),
        hardware: Hardware { temperatures: sensors::temperatures(root), edac: sensors::edac(root) },
    };
    let health = health(&facts);
    Reading { facts, health }
}

/// The host's facts: `HYPERVISOR_TUI_ROOT`, `HYPERVISOR_TUI_PROC` and the real `adjtimex`.
pub fn read_host() -> Reading {
    read_all(&HostRoot::from_env(), &super::proc_root(), &clock::Adjtimex)
}

fn health(f: &SystemFacts) -> [(SourceId, Health); 4] {
    let nixos = match &f.nixos {
        Fact::Known(n) => Health::Ok(match n.current_generation {
            Some(g) => format!("generation {g}"),
            None => "current system is no profile generation".into(),
        }),
        Fact::Unknown(r) if r == "not NixOS" => Health::Unavailable(r.clone()),
        Fact::Unknown(r) => Health::Error(r.clone()),
    };
    let time = match &f.time {
        Fact::Known(c) if c.synchronized => Health::Ok("synchronised".into()),
        Fact::Known(_) => Health::Ok("not synchronised".into()),
        Fact::Unknown(r) => Health::Error(r.clone()),
    };
    let storage = match (&f.storage.md, &f.storage.zfs) {
        (Fact::Known(md), Fact::Known(zfs)) => {
            Health::Ok(format!("{} md array(s), {} ZFS pool(s)", md.len(), zfs.len()))
        }
        (md, zfs) => {
            Health::Error([md.reason(), zfs.reason()].into_iter().flatten().collect::<Vec<_>>().join("; "))
        }
    };
    let hw = &f.hardware;
    let hardware = match (&hw.temperatures, &hw.edac) {
        (Fact::Unknown(t), Fact::Unknown(e)) => Health::Unavailable(format!("{t}; {e}")),
        (t, e) => Health::Ok(format!(
            "{} temperature sensor(s), {}",
            t.known().map_or(0, Vec::len),
            e.known().map_or("no EDAC".to_string(), |m| format!("{} memory controller(s)", m.len()))
        )),
    };
    [
        (SourceId::Nixos, nixos),
        (SourceId::Time, time),
        (SourceId::Storage, storage),
        (SourceId::Hardware, hardware),
    ]
}

/// Reads the facts every `interval` (at least [`MIN_INTERVAL`]) until the app has gone.
pub async fn run(tx: mpsc::Sender<Update>, interval: Duration) {
    let mut txs: Vec<SourceTx> =
        SourceId::FACTS.into_iter().map(|id| SourceTx::new(id, tx.clone())).collect();
    loop {
        let Ok(reading) = tokio::task::spawn_blocking(read_host).await else { return };
        for (stx, (_, h)) in txs.iter_mut().zip(reading.health) {
            stx.health(h).await;
        }
        if tx.send(Update::System(Box::new(reading.facts))).await.is_err() {
            return;
        }
        tokio::time::sleep(interval.max(MIN_INTERVAL)).await;
    }
}
