//! Host facts for the header and the first sections of `snapshot`.

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HostSample {
    pub hostname: String,
    pub kernel: String,
    pub uptime_s: u64,
    pub load: [f64; 3],
    pub cpu: CpuUsage,
    pub memory: Memory,
    /// Real filesystems with their usage (statvfs).
    pub disks: Vec<DiskUsage>,
    /// Per block device, over the last interval; empty before two samples.
    pub disk_io: Vec<IoRate>,
    /// Per interface from /proc/net/dev, over the last interval.
    pub net_io: Vec<NetRate>,
    /// TCP connections (v4 and v6) by state; `None` when they could not be counted
    /// (no sock_diag and no readable /proc/net/tcp): unknown, never 0.
    pub tcp: Option<std::collections::BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiskUsage {
    pub mount: String,
    pub device: String,
    pub fstype: String,
    pub total_bytes: u64,
    pub used_bytes: u64,
}

impl DiskUsage {
    pub fn used_percent(&self) -> f64 {
        if self.total_bytes == 0 { 0.0 } else { self.used_bytes as f64 * 100.0 / self.total_bytes as f64 }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IoRate {
    pub device: String,
    pub read_bytes_per_s: f64,
    pub write_bytes_per_s: f64,
    pub read_iops: f64,
    pub write_iops: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NetRate {
    pub iface: String,
    pub rx_bytes_per_s: f64,
    pub tx_bytes_per_s: f64,
}

/// Where CPU time went over the last interval, in percent of all CPUs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CpuBreakdown {
    pub user: f64,
    pub system: f64,
    pub iowait: f64,
    pub steal: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CpuUsage {
    pub cores: usize,
    /// Busy percentage over the last interval; `None` before two samples.
    pub usage_percent: Option<f64>,
    pub per_core_percent: Vec<f64>,
    pub breakdown: Option<CpuBreakdown>,
    /// Model name (sysinfo); empty when unknown.
    pub model: String,
    /// Mean current clock; 0 when the kernel does not say.
    pub frequency_mhz: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

impl Memory {
    pub fn used_percent(&self) -> f64 {
        if self.total_bytes == 0 {
            return 0.0;
        }
        self.used_bytes as f64 * 100.0 / self.total_bytes as f64
    }
}
