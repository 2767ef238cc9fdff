//! F2's top consumers among host processes: the busiest by CPU and the largest by memory,
//! as plain data (the collector reads /proc, the screen sorts and draws, `snapshot` prints).

use serde::Serialize;

/// One process as the top-consumers table shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProcUsage {
    pub pid: u32,
    /// The kernel's short name (`comm`, at most 15 bytes).
    pub name: String,
    /// For a qemu process, the guest it runs (libvirt's `-name guest=NAME,...`).
    pub guest: Option<String>,
    /// Percent of one core over the last interval (may pass 100 with threads); `None` for a
    /// process first seen in this sample.
    pub cpu_percent: Option<f64>,
    pub rss_bytes: u64,
}

impl ProcUsage {
    /// The name shown: the guest's for a qemu process, else `comm`.
    pub fn label(&self) -> String {
        match &self.guest {
            Some(g) => format!("{} (qemu)", g),
            None => self.name.clone(),
        }
    }
}

/// The processes worth showing, and how the scan went.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProcTable {
    /// The busiest by CPU and the largest by RSS (a union, busiest first).
    pub top: Vec<ProcUsage>,
    /// Processes seen in the scan.
    pub total: usize,
    /// Why the scan failed (e.g. the proc root is unreadable); `None` when it worked.
    pub error: Option<String>,
    /// True once a scan has been made (before it, nothing is known).
    pub scanned: bool,
}

/// How the top-consumers table is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub enum TopSort {
    #[default]
    Cpu,
    Memory,
}

impl TopSort {
    pub fn next(self) -> TopSort {
        match self {
            TopSort::Cpu => TopSort::Memory,
            TopSort::Memory => TopSort::Cpu,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TopSort::Cpu => "CPU",
            TopSort::Memory => "memory",
        }
    }
}

impl ProcTable {
    /// The top rows in `sort` order, at most `n`.
    pub fn sorted(&self, sort: TopSort, n: usize) -> Vec<&ProcUsage> {
        let mut rows: Vec<&ProcUsage> = self.top.iter().collect();
        match sort {
            TopSort::Cpu => rows.sort_by(|a, b| {
                b.cpu_percent
                    .unwrap_or(-1.0)
                    .total_cmp(&a.cpu_percent.unwrap_or(-1.0))
                    .then(b.rss_bytes.cmp(&a.rss_bytes))
            }),
            TopSort::Memory => rows.sort_by(|a, b| b.rss_bytes.cmp(&a.rss_bytes).then(a.pid.cmp(&b.pid))),
        }
        rows.truncate(n);
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: u32, cpu: Option<f64>, rss: u64) -> ProcUsage {
        ProcUsage { pid, name: format!("p{pid}"), cpu_percent: cpu, rss_bytes: rss, ..ProcUsage::default() }
    }

    #[test]
    fn sorts_by_cpu_then_memory() {
        let t = ProcTable {
            top: vec![p(1, Some(5.0), 10), p(2, None, 99), p(3, Some(50.0), 1)],
            ..Default::default()
        };
        let pids = |s| t.sorted(s, 3).iter().map(|p| p.pid).collect::<Vec<_>>();
        assert_eq!(pids(TopSort::Cpu), [3, 1, 2], "unknown CPU sorts last");
        assert_eq!(pids(TopSort::Memory), [2, 1, 3]);
        assert_eq!(t.sorted(TopSort::Cpu, 1).len(), 1);
    }
}
