//! Recent samples for F2's graphs (one sample per column), and host alerts against
//! `[alerts]` thresholds.

use super::Alert;
use super::host::HostSample;
use crate::config::AlertsConfig;
use std::collections::{BTreeMap, VecDeque};

/// Samples kept: one per column of the widest graph (a 240x67 framebuffer console and more).
pub const HISTORY: usize = 320;

/// Links whose history is kept (the busiest of the sample when there are more).
pub const MAX_LINKS: usize = 32;

/// One value per sample, oldest first; NaN is a gap (the value was not known then).
pub type Ring = VecDeque<f64>;

/// A link's receive and transmit rates, bytes/s.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkHistory {
    pub rx: Ring,
    pub tx: Ring,
}

/// Every series F2 draws, all recorded on every sample so their columns line up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Uptime (s) of each sample: the span a graph covers, without reading a clock.
    pub uptime: VecDeque<u64>,
    /// Busy percent of all CPUs.
    pub cpu: Ring,
    pub cpu_user: Ring,
    pub cpu_system: Ring,
    pub cpu_iowait: Ring,
    pub cpu_steal: Ring,
    /// Used, and cache + buffers, in percent of total memory.
    pub mem_used: Ring,
    pub mem_cache: Ring,
    /// Read and write bytes/s over all devices.
    pub disk_read: Ring,
    pub disk_write: Ring,
    /// Per link but loopback, the busiest `MAX_LINKS` of each sample.
    pub links: BTreeMap<String, LinkHistory>,
}

fn push(ring: &mut Ring, v: f64) {
    if ring.len() == HISTORY {
        ring.pop_front();
    }
    ring.push_back(v);
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

impl History {
    /// Adds a sample; values not known yet (rates before a second sample) are gaps.
    pub fn record(&mut self, h: &HostSample) {
        if self.uptime.len() == HISTORY {
            self.uptime.pop_front();
        }
        self.uptime.push_back(h.uptime_s);
        push(&mut self.cpu, opt(h.cpu.usage_percent));
        let b = h.cpu.breakdown;
        push(&mut self.cpu_user, opt(b.map(|b| b.user)));
        push(&mut self.cpu_system, opt(b.map(|b| b.system)));
        push(&mut self.cpu_iowait, opt(b.map(|b| b.iowait)));
        push(&mut self.cpu_steal, opt(b.map(|b| b.steal)));
        let m = &h.memory;
        let pct = |v: u64| (m.total_bytes > 0).then(|| v as f64 * 100.0 / m.total_bytes as f64);
        push(&mut self.mem_used, opt(pct(m.used_bytes)));
        push(&mut self.mem_cache, opt(pct(m.cached_bytes + m.buffers_bytes)));
        let io = (!h.disk_io.is_empty()).then_some(&h.disk_io);
        push(&mut self.disk_read, opt(io.map(|d| d.iter().map(|d| d.read_bytes_per_s).sum())));
        push(&mut self.disk_write, opt(io.map(|d| d.iter().map(|d| d.write_bytes_per_s).sum())));
        self.record_links(h);
    }

    fn record_links(&mut self, h: &HostSample) {
        let mut nets: Vec<_> = h.net_io.iter().filter(|n| n.iface != "lo").collect();
        nets.sort_by(|a, b| {
            (b.rx_bytes_per_s + b.tx_bytes_per_s).total_cmp(&(a.rx_bytes_per_s + a.tx_bytes_per_s))
        });
        nets.truncate(MAX_LINKS);
        self.links.retain(|name, _| nets.iter().any(|n| n.iface == *name));
        for n in nets {
            let l = self.links.entry(n.iface.clone()).or_default();
            push(&mut l.rx, n.rx_bytes_per_s);
            push(&mut l.tx, n.tx_bytes_per_s);
        }
    }

    /// Seconds covered by the newest `columns` samples (0 with fewer than two).
    pub fn span_s(&self, columns: usize) -> u64 {
        let n = columns.min(self.uptime.len());
        match (self.uptime.back(), self.uptime.get(self.uptime.len().saturating_sub(n))) {
            (Some(last), Some(first)) if n >= 2 => last.saturating_sub(*first),
            _ => 0,
        }
    }
}

/// Full filesystems, little available memory, heavy swap.
pub fn host_alerts(h: &HostSample, t: &AlertsConfig) -> Vec<Alert> {
    let mut out = Vec::new();
    for d in h.disks.iter().filter(|d| d.used_percent() >= f64::from(t.disk_percent)) {
        out.push(Alert {
            critical: true,
            text: format!("filesystem {} is {:.0}% full", d.mount, d.used_percent()),
        });
    }
    let m = &h.memory;
    if m.total_bytes > 0 && m.used_percent() >= f64::from(t.memory_percent) {
        let avail = m.available_bytes as f64 * 100.0 / m.total_bytes as f64;
        out.push(Alert { critical: true, text: format!("memory: only {avail:.0}% available") });
    }
    if m.swap_total_bytes > 0 {
        let swap = m.swap_used_bytes as f64 * 100.0 / m.swap_total_bytes as f64;
        if swap >= f64::from(t.swap_percent) {
            out.push(Alert { critical: false, text: format!("swap {swap:.0}% used") });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::host::{DiskUsage, Memory};

    #[test]
    fn thresholds() {
        let h = HostSample {
            disks: vec![
                DiskUsage { mount: "/".into(), total_bytes: 100, used_bytes: 95, ..Default::default() },
                DiskUsage {
                    mount: "/nix/store".into(),
                    total_bytes: 100,
                    used_bytes: 50,
                    ..Default::default()
                },
            ],
            memory: Memory {
                total_bytes: 100,
                used_bytes: 92,
                available_bytes: 8,
                swap_total_bytes: 10,
                swap_used_bytes: 6,
                ..Default::default()
            },
            ..Default::default()
        };
        let texts: Vec<String> =
            host_alerts(&h, &AlertsConfig::default()).into_iter().map(|a| a.text).collect();
        assert_eq!(texts, ["filesystem / is 95% full", "memory: only 8% available", "swap 60% used"]);
        let lax = AlertsConfig {
            disk_percent: 99,
            memory_percent: 99,
            swap_percent: 90,
            ..AlertsConfig::default()
        };
        assert!(host_alerts(&h, &lax).is_empty());
    }

    #[test]
    fn rings_are_bounded_aligned_and_gaps_are_nan() {
        let mut hist = History::default();
        let mut h = HostSample::default();
        hist.record(&h);
        h.cpu.usage_percent = Some(1.0);
        for i in 0..1000 {
            h.uptime_s = 100 + 2 * i;
            hist.record(&h);
        }
        assert_eq!(hist.cpu.len(), HISTORY);
        assert_eq!(hist.disk_read.len(), HISTORY, "every series gets a column per sample");
        assert!(hist.disk_read.iter().all(|v| v.is_nan()), "no rates yet: gaps, not zeros");
        assert_eq!(hist.span_s(240), 239 * 2);
        assert_eq!(hist.span_s(1), 0);
    }

    #[test]
    fn links_follow_the_sample() {
        use crate::model::host::NetRate;
        let mut hist = History::default();
        let mut h = HostSample::default();
        let link = |n: &str, r: f64| NetRate { iface: n.into(), rx_bytes_per_s: r, tx_bytes_per_s: r };
        h.net_io = vec![link("lo", 9e9), link("eth0", 1.0), link("br0", 2.0)];
        hist.record(&h);
        assert_eq!(hist.links.keys().collect::<Vec<_>>(), ["br0", "eth0"], "no loopback");
        h.net_io = (0..40).map(|i| link(&format!("tap{i}"), f64::from(i))).collect();
        hist.record(&h);
        assert_eq!(hist.links.len(), MAX_LINKS);
        assert!(hist.links.contains_key("tap39") && !hist.links.contains_key("tap0"), "the busiest kept");
    }
}
