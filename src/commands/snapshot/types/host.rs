//! `host`, `cpu`, `memory` and `disks`: from /proc and statvfs.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Host {
    pub hostname: String,
    /// The kernel release (`uname -r`).
    pub kernel: String,
    pub uptime_s: u64,
    /// Load averages over 1, 5 and 15 minutes.
    pub load: [f64; 3],
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Cpu {
    /// Logical CPUs.
    pub cores: u64,
    /// Busy share of all CPUs over the sampling interval, in percent; `null` when there
    /// was no interval to measure.
    pub usage_percent: Option<f64>,
    /// Busy share of each CPU, in percent, in CPU order (empty when unmeasured).
    pub per_core_percent: Vec<f64>,
    /// Where the time went, in percent of all CPUs; `null` when unmeasured.
    pub breakdown: Option<CpuBreakdown>,
    /// The model name; `null` when the system does not name it.
    pub model: Option<String>,
    /// Mean current clock; `null` when the kernel does not say.
    pub frequency_mhz: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct CpuBreakdown {
    pub user: f64,
    pub system: f64,
    pub iowait: f64,
    pub steal: f64,
}

/// From /proc/meminfo, in bytes (hugepages in pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Memory {
    pub total_bytes: u64,
    pub available_bytes: u64,
    pub used_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
    pub buffers_bytes: u64,
    pub cached_bytes: u64,
    pub hugepages_total: u64,
    pub hugepages_free: u64,
    pub hugepage_size_bytes: u64,
}

/// A mounted real filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Disk {
    pub mount: String,
    pub device: String,
    pub fstype: String,
    pub total_bytes: u64,
    pub used_bytes: u64,
}
