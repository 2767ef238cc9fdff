//! Recent samples for F2's sparklines, and host alerts against `[alerts]` thresholds.

use super::Alert;
use super::host::HostSample;
use crate::config::AlertsConfig;
use std::collections::VecDeque;

/// Samples kept: enough for a sparkline across the widest screen.
pub const HISTORY: usize = 256;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub cpu: VecDeque<f64>,
    pub mem: VecDeque<f64>,
    /// Read + write bytes/s over all devices.
    pub disk: VecDeque<f64>,
    /// RX + TX bytes/s over all interfaces but loopback.
    pub net: VecDeque<f64>,
}

fn push(ring: &mut VecDeque<f64>, v: f64) {
    if ring.len() == HISTORY {
        ring.pop_front();
    }
    ring.push_back(v);
}

impl History {
    /// Adds a sample; a sample without rates yet (the first one) adds no rate points.
    pub fn record(&mut self, h: &HostSample) {
        if let Some(c) = h.cpu.usage_percent {
            push(&mut self.cpu, c);
        }
        if h.memory.total_bytes > 0 {
            push(&mut self.mem, h.memory.used_percent());
        }
        if !h.disk_io.is_empty() {
            push(&mut self.disk, h.disk_io.iter().map(|d| d.read_bytes_per_s + d.write_bytes_per_s).sum());
        }
        let nets = h.net_io.iter().filter(|n| n.iface != "lo");
        let net: Vec<f64> = nets.map(|n| n.rx_bytes_per_s + n.tx_bytes_per_s).collect();
        if !net.is_empty() {
            push(&mut self.net, net.iter().sum());
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
    fn rings_are_bounded() {
        let mut hist = History::default();
        let mut h = HostSample::default();
        h.cpu.usage_percent = Some(1.0);
        for _ in 0..1000 {
            hist.record(&h);
        }
        assert_eq!(hist.cpu.len(), HISTORY);
        assert!(hist.disk.is_empty(), "no rates yet, no points");
    }
}
