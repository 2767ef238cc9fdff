//! The `top_processes` section: the host processes that use the most CPU and memory, as F2's
//! top-consumers table shows them (guests are in `guests` with their own CPU and memory).

use schemars::JsonSchema;
use serde::Serialize;

/// The busiest and the largest host processes over the snapshot's short interval.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TopProcesses {
    /// The busiest first (at most 10).
    pub by_cpu: Vec<Process>,
    /// The largest resident memory first (at most 10).
    pub by_memory: Vec<Process>,
    /// Processes seen in the scan.
    pub total: u64,
}

/// One process.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Process {
    pub pid: u32,
    /// The kernel's short name (`comm`, at most 15 bytes).
    pub name: String,
    /// For a qemu process, the guest it runs (libvirt's `-name guest=NAME`); else `null`.
    pub guest: Option<String>,
    /// Percent of one core over the interval (may pass 100 with threads); `null` for a
    /// process that started during it.
    pub cpu_percent: Option<f64>,
    pub rss_bytes: u64,
}
