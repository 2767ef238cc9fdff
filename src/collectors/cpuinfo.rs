//! CPU model and clock, where sysinfo is the better tool than parsing /proc/cpuinfo's
//! per-architecture formats.

use sysinfo::{CpuRefreshKind, RefreshKind, System};

pub struct CpuInfo {
    sys: Option<System>,
}

impl CpuInfo {
    pub fn new() -> Self {
        let kind = RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_frequency());
        CpuInfo { sys: System::new_with_specifics(kind).ok() }
    }

    /// The model name and the mean current clock in MHz (0 where the kernel does not say).
    pub fn read(&mut self) -> (String, u64) {
        let Some(sys) = self.sys.as_mut() else { return (String::new(), 0) };
        sys.refresh_cpu_frequency();
        let cpus = sys.cpus();
        let model = cpus.first().map(|c| c.brand().trim().to_string()).unwrap_or_default();
        let mhz = cpus.iter().map(|c| c.frequency()).sum::<u64>() / cpus.len().max(1) as u64;
        (model, mhz)
    }
}

impl Default for CpuInfo {
    fn default() -> Self {
        CpuInfo::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn model_matches_proc_cpuinfo() {
        let (model, _) = super::CpuInfo::new().read();
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let expected = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim());
        if let Some(expected) = expected {
            assert_eq!(model, expected);
        }
    }
}
