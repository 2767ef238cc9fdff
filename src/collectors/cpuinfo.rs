//! CPU model and clock. The model name comes from sysinfo, once (it knows the per-architecture
//! formats of /proc/cpuinfo); the clock is read here, seldom: sysinfo reads all of
//! /proc/cpuinfo once per CPU when cpufreq is absent (quadratic in the core count, and on x86
//! each read asks every core for its clock), which cost more than the rest of a sample.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use sysinfo::{CpuRefreshKind, RefreshKind, System};

/// The clock changes too fast to be exact anyway; read it this often at most.
const CLOCK_EVERY: Duration = Duration::from_secs(10);

pub struct CpuInfo {
    model: String,
    /// Each CPU's cpufreq `scaling_cur_freq` (kHz), where the kernel has cpufreq.
    cpufreq: Vec<PathBuf>,
    clock: Option<(Instant, u64)>,
}

impl CpuInfo {
    pub fn new() -> Self {
        let kind = RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing());
        let model = System::new_with_specifics(kind)
            .ok()
            .and_then(|s| s.cpus().first().map(|c| c.brand().trim().to_string()))
            .unwrap_or_default();
        let cpufreq = (0..)
            .map(|i| PathBuf::from(format!("/sys/devices/system/cpu/cpu{i}/cpufreq/scaling_cur_freq")))
            .take_while(|p| p.exists())
            .collect();
        CpuInfo { model, cpufreq, clock: None }
    }

    /// The model name and the mean current clock in MHz (0 where the kernel does not say).
    pub fn read(&mut self) -> (String, u64) {
        let mhz = match self.clock {
            Some((at, mhz)) if at.elapsed() < CLOCK_EVERY => mhz,
            _ => {
                let mhz = self.read_clock();
                self.clock = Some((Instant::now(), mhz));
                mhz
            }
        };
        (self.model.clone(), mhz)
    }

    fn read_clock(&self) -> u64 {
        if self.cpufreq.is_empty() {
            let text = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
            return mean(&parse_cpuinfo_mhz(&text));
        }
        let khz: Vec<f64> = self
            .cpufreq
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok()?.trim().parse::<f64>().ok())
            .collect();
        mean(&khz) / 1000
    }
}

impl Default for CpuInfo {
    fn default() -> Self {
        CpuInfo::new()
    }
}

/// Each CPU's `cpu MHz` line in /proc/cpuinfo (x86; other architectures have none).
pub fn parse_cpuinfo_mhz(text: &str) -> Vec<f64> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == "cpu MHz").then(|| v.trim().parse().ok()).flatten()
        })
        .collect()
}

fn mean(values: &[f64]) -> u64 {
    if values.is_empty() { 0 } else { (values.iter().sum::<f64>() / values.len() as f64).round() as u64 }
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

    #[test]
    fn clock_is_the_mean_of_the_cpu_mhz_lines() {
        let text = "processor\t: 0\ncpu MHz\t\t: 2000.500\nmodel name\t: X\n\nprocessor\t: 1\ncpu MHz\t\t: 3000.500\n";
        assert_eq!(super::parse_cpuinfo_mhz(text), vec![2000.5, 3000.5]);
        assert_eq!(super::mean(&super::parse_cpuinfo_mhz(text)), 2501);
        assert_eq!(super::mean(&super::parse_cpuinfo_mhz("Processor : ARMv7\n")), 0);
    }
}
