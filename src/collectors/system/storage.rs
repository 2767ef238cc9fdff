//! mdraid and ZFS pool health from /proc (under `HYPERVISOR_TUI_PROC`): `mdstat` (see
//! mdstat.rs) and the SPL kstat `spl/kstat/zfs/POOL/state`, one word written by ZFS's
//! `spa_state_to_name` (module/zfs/spa_misc.c): ONLINE, DEGRADED, FAULTED, OFFLINE, …

use super::mdstat::parse_mdstat;
use crate::model::system::{Fact, MdArray, Storage, ZfsPool};
use std::io;
use std::path::Path;

pub fn read(proc: &Path) -> Storage {
    Storage { md: md(proc), zfs: zfs(proc) }
}

fn md(proc: &Path) -> Fact<Vec<MdArray>> {
    match std::fs::read_to_string(proc.join("mdstat")) {
        Ok(t) => Fact::Known(parse_mdstat(&t)),
        // No md driver: no array can exist.
        Err(e) if e.kind() == io::ErrorKind::NotFound => Fact::Known(Vec::new()),
        Err(e) => Fact::Unknown(format!("cannot read {}: {e}", proc.join("mdstat").display())),
    }
}

/// One word of a pool's `state` kstat; `None` for anything else.
pub fn zfs_state(text: &str) -> Option<String> {
    let w = text.trim();
    (!w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase())).then(|| w.to_string())
}

fn zfs(proc: &Path) -> Fact<Vec<ZfsPool>> {
    let dir = proc.join("spl/kstat/zfs");
    let entries = match std::fs::read_dir(&dir) {
        Ok(d) => d,
        // ZFS not loaded: no pool can be imported.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Fact::Known(Vec::new()),
        Err(e) => return Fact::Unknown(format!("cannot read {}: {e}", dir.display())),
    };
    let mut pools: Vec<ZfsPool> = entries
        .flatten()
        .filter_map(|e| {
            // The pool directories have a `state` file; the module's own kstats do not.
            let text = std::fs::read_to_string(e.path().join("state")).ok()?;
            Some(ZfsPool { name: e.file_name().to_string_lossy().into_owned(), state: zfs_state(&text)? })
        })
        .collect();
    pools.sort_by(|a, b| a.name.cmp(&b.name));
    Fact::Known(pools)
}
