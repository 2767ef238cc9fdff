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
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CpuUsage {
    pub cores: usize,
    /// Busy percentage over the last interval; `None` before two samples.
    pub usage_percent: Option<f64>,
    pub per_core_percent: Vec<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Memory {
    pub total_bytes: u64,
    pub available_bytes: u64,
    pub used_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
}

impl Memory {
    pub fn used_percent(&self) -> f64 {
        if self.total_bytes == 0 {
            return 0.0;
        }
        self.used_bytes as f64 * 100.0 / self.total_bytes as f64
    }
}
