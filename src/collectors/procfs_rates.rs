//! Rates from cumulative counters: saturating deltas over elapsed time. A counter that went
//! backwards (reset) or a device that vanished or appeared is a gap, never a negative rate.

use super::disks_parse::DiskCounters;
use super::netstat_parse::IfCounters;
use super::procfs_parse::CpuTimes;
use crate::model::host::{CpuBreakdown, IoRate, NetRate};

const SECTOR: f64 = 512.0;

fn per_s(now: u64, prev: u64, secs: f64) -> Option<f64> {
    (now >= prev && secs > 0.0).then(|| (now - prev) as f64 / secs)
}

pub fn disk_rates(now: &[(String, DiskCounters)], prev: &[(String, DiskCounters)], secs: f64) -> Vec<IoRate> {
    now.iter()
        .filter_map(|(dev, c)| {
            let p = &prev.iter().find(|(d, _)| d == dev)?.1;
            Some(IoRate {
                device: dev.clone(),
                read_bytes_per_s: per_s(c.read_sectors, p.read_sectors, secs)? * SECTOR,
                write_bytes_per_s: per_s(c.write_sectors, p.write_sectors, secs)? * SECTOR,
                read_iops: per_s(c.reads, p.reads, secs)?,
                write_iops: per_s(c.writes, p.writes, secs)?,
            })
        })
        .collect()
}

pub fn net_rates(now: &[(String, IfCounters)], prev: &[(String, IfCounters)], secs: f64) -> Vec<NetRate> {
    now.iter()
        .filter_map(|(name, c)| {
            let p = &prev.iter().find(|(n, _)| n == name)?.1;
            Some(NetRate {
                iface: name.clone(),
                rx_bytes_per_s: per_s(c.rx_bytes, p.rx_bytes, secs)?,
                tx_bytes_per_s: per_s(c.tx_bytes, p.tx_bytes, secs)?,
            })
        })
        .collect()
}

pub fn cpu_breakdown(now: &CpuTimes, prev: &CpuTimes) -> Option<CpuBreakdown> {
    let total = now.total().checked_sub(prev.total()).filter(|t| *t > 0)? as f64;
    let pct = |a: u64, b: u64| a.saturating_sub(b) as f64 * 100.0 / total;
    Some(CpuBreakdown {
        user: pct(now.user + now.nice, prev.user + prev.nice),
        system: pct(now.system + now.irq + now.softirq, prev.system + prev.irq + prev.softirq),
        iowait: pct(now.iowait, prev.iowait),
        steal: pct(now.steal, prev.steal),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disk(n: &str, r: u64, rs: u64) -> (String, DiskCounters) {
        (n.into(), DiskCounters { reads: r, read_sectors: rs, writes: 0, write_sectors: 0 })
    }

    #[test]
    fn rates_resets_and_new_devices() {
        let prev = [disk("sda", 100, 1000), disk("sdb", 50, 500)];
        let now = [disk("sda", 300, 3000), disk("sdb", 10, 100), disk("sdc", 1, 1)];
        let r = disk_rates(&now, &prev, 2.0);
        assert_eq!(r.len(), 1, "sdb was reset and sdc is new: gaps, not rates");
        assert_eq!((r[0].read_iops, r[0].read_bytes_per_s), (100.0, 1000.0 * 512.0));
        assert!(disk_rates(&now, &prev, 0.0).is_empty(), "no time passed");
        let n = net_rates(
            &[("eth0".into(), IfCounters { rx_bytes: 10, tx_bytes: 5 })],
            &[("eth0".into(), IfCounters { rx_bytes: 20, tx_bytes: 1 })],
            1.0,
        );
        assert!(n.is_empty(), "a counter reset is a gap");
    }

    #[test]
    fn breakdown() {
        let a = CpuTimes { user: 100, idle: 800, iowait: 100, ..Default::default() };
        let b = CpuTimes { user: 150, idle: 850, iowait: 150, steal: 50, ..Default::default() };
        let bd = cpu_breakdown(&b, &a).unwrap();
        assert_eq!((bd.user, bd.iowait, bd.steal), (25.0, 25.0, 25.0));
        assert!(cpu_breakdown(&a, &b).is_none());
    }
}
