//! The `units` section: systemd's units, read from the manager over D-Bus.

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// The units systemd has loaded; `null` when its bus did not answer (see `sources.systemd`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Units {
    /// Units whose active state is `failed`, by name.
    pub failed: Vec<FailedUnit>,
    /// How many loaded units are in each active state (`active`, `inactive`, `failed`, …).
    pub counts_by_state: BTreeMap<String, u64>,
    /// Services whose main process runs.
    pub running_services: u64,
    /// Every loaded unit.
    pub total: u64,
}

/// One failed unit.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FailedUnit {
    /// `k3s.service`
    pub name: String,
    /// systemd's `Result` (`exit-code`, `signal`, `timeout`, `core-dump`, …); `null` for a
    /// kind of unit without one, or when it could not be read.
    pub result: Option<String>,
    /// The sub-state (`failed` for most kinds).
    pub sub_state: String,
    /// When it entered the failed state, seconds since the epoch; `null` when unknown.
    pub since_unix: Option<i64>,
}
