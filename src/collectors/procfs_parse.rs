//! Pure parsers for /proc files: `&str` in, struct out. Tested on strings.

/// One line of /proc/stat's `cpu` rows, in jiffies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTimes {
    pub user: u64,
    pub nice: u64,
    pub system: u64,
    pub idle: u64,
    pub iowait: u64,
    pub irq: u64,
    pub softirq: u64,
    pub steal: u64,
}

impl CpuTimes {
    pub fn total(&self) -> u64 {
        self.busy() + self.idle + self.iowait
    }

    pub fn busy(&self) -> u64 {
        self.user + self.nice + self.system + self.irq + self.softirq + self.steal
    }

    /// Busy percentage between two readings; `None` when no time passed.
    /// A counter that went backwards (reset, hotplug) gives `None`, not a negative.
    pub fn busy_percent_since(&self, prev: &CpuTimes) -> Option<f64> {
        if self.total() < prev.total() || self.busy() < prev.busy() {
            return None;
        }
        let total = self.total() - prev.total();
        if total == 0 {
            return None;
        }
        Some((self.busy() - prev.busy()) as f64 * 100.0 / total as f64)
    }
}

/// /proc/stat: the aggregate `cpu` row and one row per core.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcStat {
    pub total: CpuTimes,
    pub cores: Vec<CpuTimes>,
}

pub fn parse_stat(text: &str) -> ProcStat {
    let mut stat = ProcStat::default();
    for line in text.lines() {
        let mut fields = line.split_ascii_whitespace();
        let Some(name) = fields.next() else { continue };
        if !name.starts_with("cpu") {
            continue;
        }
        let n: Vec<u64> = fields.map(|f| f.parse().unwrap_or(0)).collect();
        let get = |i: usize| n.get(i).copied().unwrap_or(0);
        // Columns: user nice system idle iowait irq softirq steal guest guest_nice;
        // old kernels stop after irq/softirq. guest time is already inside user.
        let times = CpuTimes {
            user: get(0),
            nice: get(1),
            system: get(2),
            idle: get(3),
            iowait: get(4),
            irq: get(5),
            softirq: get(6),
            steal: get(7),
        };
        if name == "cpu" {
            stat.total = times;
        } else if name[3..].parse::<u32>().is_ok() {
            stat.cores.push(times);
        }
    }
    stat
}

/// The /proc/meminfo fields the console shows, in bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemInfo {
    pub total: u64,
    pub free: u64,
    pub available: u64,
    pub buffers: u64,
    pub cached: u64,
    pub swap_total: u64,
    pub swap_free: u64,
}

impl MemInfo {
    pub fn used(&self) -> u64 {
        self.total.saturating_sub(self.available)
    }
}

pub fn parse_meminfo(text: &str) -> MemInfo {
    let mut m = MemInfo::default();
    let mut have_available = false;
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else { continue };
        let mut parts = rest.split_ascii_whitespace();
        let value: u64 = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
        let bytes = match parts.next() {
            Some("kB") => value.saturating_mul(1024),
            _ => value,
        };
        match key {
            "MemTotal" => m.total = bytes,
            "MemFree" => m.free = bytes,
            "MemAvailable" => {
                m.available = bytes;
                have_available = true;
            }
            "Buffers" => m.buffers = bytes,
            "Cached" => m.cached = bytes,
            "SwapTotal" => m.swap_total = bytes,
            "SwapFree" => m.swap_free = bytes,
            _ => {}
        }
    }
    if !have_available {
        // Kernels before 3.14 have no MemAvailable: estimate it the old way.
        m.available = m.free + m.buffers + m.cached;
    }
    m
}

/// /proc/loadavg's three averages.
pub fn parse_loadavg(text: &str) -> [f64; 3] {
    let mut it = text.split_ascii_whitespace().map(|f| f.parse().unwrap_or(0.0));
    [it.next().unwrap_or(0.0), it.next().unwrap_or(0.0), it.next().unwrap_or(0.0)]
}

/// /proc/uptime's first field, whole seconds.
pub fn parse_uptime(text: &str) -> u64 {
    text.split_ascii_whitespace()
        .next()
        .and_then(|f| f.parse::<f64>().ok())
        .map(|f| f.max(0.0) as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT_5_15: &str = "cpu  4705 356 584 3699176 23060 0 277 0 0 0\n\
cpu0 1393 280 283 1848451 11472 0 140 0 0 0\n\
cpu1 3312 76 301 1850725 11588 0 137 0 0 0\n\
intr 1462898 0 0\nctxt 3098957\nbtime 1699000000\n";

    // A 2.6-era kernel: no steal/guest columns.
    const STAT_2_6: &str =
        "cpu  2255 34 2290 22625563 6290 127 456\ncpu0 1132 34 1441 11311718 3675 127 438\n";

    #[test]
    fn stat_with_and_without_steal() {
        let s = parse_stat(STAT_5_15);
        assert_eq!(s.cores.len(), 2);
        assert_eq!(s.total.user, 4705);
        assert_eq!(s.total.iowait, 23060);
        let old = parse_stat(STAT_2_6);
        assert_eq!(old.cores.len(), 1);
        assert_eq!(old.total.steal, 0);
        assert_eq!(old.total.softirq, 456);
    }

    #[test]
    fn busy_percent_and_reset() {
        let a = CpuTimes { user: 100, idle: 900, ..Default::default() };
        let b = CpuTimes { user: 150, idle: 950, ..Default::default() };
        assert_eq!(b.busy_percent_since(&a), Some(50.0));
        assert_eq!(a.busy_percent_since(&b), None, "reset is a gap");
        assert_eq!(a.busy_percent_since(&a), None, "no time passed");
    }

    #[test]
    fn meminfo_bytes_and_fallback() {
        let m = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\nSwapTotal: 0 kB\n");
        assert_eq!(m.total, 1_024_000);
        assert_eq!(m.used(), 400 * 1024);
        let old = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 150 kB\n");
        assert_eq!(old.available, 300 * 1024);
    }

    #[test]
    fn garbage_never_panics() {
        for s in ["", "cpu", "cpu x y", "MemTotal:", ":::", "cpuZ 1 2", "\u{0}\u{1}"] {
            parse_stat(s);
            parse_meminfo(s);
            parse_loadavg(s);
            parse_uptime(s);
        }
        assert_eq!(parse_loadavg("0.50 0.25 0.10 1/200 300"), [0.5, 0.25, 0.1]);
        assert_eq!(parse_uptime("12345.67 999.0"), 12345);
    }
}

/// Hugepages from /proc/meminfo: total and free pages, and the page size in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HugePages {
    pub total: u64,
    pub free: u64,
    pub size_bytes: u64,
}

pub fn parse_hugepages(text: &str) -> HugePages {
    let mut h = HugePages::default();
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else { continue };
        let v: u64 = rest.split_ascii_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or(0);
        match key {
            "HugePages_Total" => h.total = v,
            "HugePages_Free" => h.free = v,
            "Hugepagesize" => h.size_bytes = v.saturating_mul(1024),
            _ => {}
        }
    }
    h
}

#[cfg(test)]
mod hugepage_tests {
    #[test]
    fn hugepages() {
        let h = super::parse_hugepages(
            "HugePages_Total:    1024\nHugePages_Free:      24\nHugepagesize:       2048 kB\n",
        );
        assert_eq!((h.total, h.free, h.size_bytes), (1024, 24, 2 << 20));
    }
}
