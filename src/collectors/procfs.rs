//! Host metrics from /proc (root configurable so tests can use fixture trees).

use super::SourceTx;
use super::disks_parse::{DiskCounters, parse_diskstats, parse_mounts};
use super::netstat_parse::{IfCounters, count_tcp, parse_net_dev, state_names};
use super::procfs_parse::{
    ProcStat, parse_hugepages, parse_loadavg, parse_meminfo, parse_stat, parse_uptime,
};
use super::procfs_rates::{cpu_breakdown, disk_rates, net_rates};
use super::sock_diag::SockDiag;
use crate::event::{Health, Screen, Shown, Update};
use crate::model::host::{CpuUsage, HostSample, Memory};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use std::time::Instant;

/// The previous reading of every cumulative counter, for rates.
struct Previous {
    at: Instant,
    stat: ProcStat,
    disks: Vec<(String, DiskCounters)>,
    nets: Vec<(String, IfCounters)>,
}

/// Counting TCP sockets walks every bucket of the kernel's TCP hash tables, whatever the
/// number of connections: 2.2 ms through sock_diag, 15 ms through /proc/net/tcp{,6} on this
/// 24 GiB machine (BENCHMARKS.md). The counts are refreshed at most this often.
const TCP_EVERY: Duration = Duration::from_secs(10);

/// Reads /proc under `root` and keeps the previous counters for deltas.
pub struct ProcReader {
    root: PathBuf,
    prev: Option<Previous>,
    /// The machine's own /proc: TCP counts from netlink sock_diag (dropped on its first error,
    /// then /proc/net/tcp{,6} is read instead).
    diag: Option<SockDiag>,
    /// The last count; `None` inside when the sockets could not be counted at all.
    tcp: Option<(Instant, Option<BTreeMap<String, u64>>)>,
    /// CPU model and clock, for the machine's own /proc only (not fixture trees).
    cpuinfo: Option<super::cpuinfo::CpuInfo>,
}

impl ProcReader {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root: PathBuf = root.into();
        let own = root == Path::new("/proc");
        let cpuinfo = own.then(super::cpuinfo::CpuInfo::new);
        let diag = if own { SockDiag::open().ok() } else { None };
        ProcReader { root, prev: None, diag, tcp: None, cpuinfo }
    }

    /// TCP connections by state; `None` when they could not be counted at all.
    fn tcp_counts(&mut self, now: Instant) -> Option<BTreeMap<String, u64>> {
        match &self.tcp {
            Some((at, counts)) if now.duration_since(*at) < TCP_EVERY => counts.clone(),
            _ => {
                let counts = self.count_tcp();
                self.tcp = Some((now, counts.clone()));
                counts
            }
        }
    }

    fn count_tcp(&mut self) -> Option<BTreeMap<String, u64>> {
        if let Some(diag) = self.diag.as_mut() {
            match diag.tcp_states() {
                Ok(counts) => return Some(state_names(&counts)),
                Err(_) => self.diag = None,
            }
        }
        let mut tcp = BTreeMap::new();
        let mut read_any = false;
        for f in ["net/tcp", "net/tcp6"] {
            if let Ok(text) = self.read(f) {
                count_tcp(&text, &mut tcp);
                read_any = true;
            }
        }
        read_any.then(|| tcp.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn read(&self, name: &str) -> std::io::Result<String> {
        std::fs::read_to_string(self.root.join(name))
    }

    /// One sample; CPU usage is `None` until a previous sample exists.
    pub fn sample(&mut self) -> std::io::Result<HostSample> {
        let now = Instant::now();
        let stat = parse_stat(&self.read("stat")?);
        let meminfo = self.read("meminfo")?;
        let (mem, huge) = (parse_meminfo(&meminfo), parse_hugepages(&meminfo));
        let load = parse_loadavg(&self.read("loadavg").unwrap_or_default());
        let uptime_s = parse_uptime(&self.read("uptime").unwrap_or_default());
        let disks = parse_diskstats(&self.read("diskstats").unwrap_or_default());
        let nets = parse_net_dev(&self.read("net/dev").unwrap_or_default());
        let tcp = self.tcp_counts(now);
        let mut cpu = cpu_usage(&stat, self.prev.as_ref().map(|p| &p.stat));
        if let Some(ci) = self.cpuinfo.as_mut() {
            (cpu.model, cpu.frequency_mhz) = ci.read();
        }
        let (disk_io, net_io) = match &self.prev {
            Some(p) => {
                let secs = now.duration_since(p.at).as_secs_f64();
                (disk_rates(&disks, &p.disks, secs), net_rates(&nets, &p.nets, secs))
            }
            None => (Vec::new(), Vec::new()),
        };
        self.prev = Some(Previous { at: now, stat, disks, nets });
        Ok(HostSample {
            disks: super::disks::usage(&parse_mounts(&self.read("mounts").unwrap_or_default())),
            disk_io,
            net_io,
            tcp,
            hostname: hostname(&self.root),
            kernel: self.read("sys/kernel/osrelease").unwrap_or_default().trim().to_string(),
            uptime_s,
            load,
            cpu,
            memory: Memory {
                total_bytes: mem.total,
                available_bytes: mem.available,
                used_bytes: mem.used(),
                swap_total_bytes: mem.swap_total,
                swap_used_bytes: mem.swap_total.saturating_sub(mem.swap_free),
                buffers_bytes: mem.buffers,
                cached_bytes: mem.cached,
                hugepages_total: huge.total,
                hugepages_free: huge.free,
                hugepage_size_bytes: huge.size_bytes,
            },
        })
    }
}

fn cpu_usage(stat: &ProcStat, prev: Option<&ProcStat>) -> CpuUsage {
    let cores = stat.cores.len().max(1);
    let Some(prev) = prev else {
        return CpuUsage { cores, ..CpuUsage::default() };
    };
    let per_core_percent = stat
        .cores
        .iter()
        .enumerate()
        .map(|(i, c)| prev.cores.get(i).and_then(|p| c.busy_percent_since(p)).unwrap_or(0.0))
        .collect();
    CpuUsage {
        cores,
        usage_percent: stat.total.busy_percent_since(&prev.total),
        per_core_percent,
        breakdown: cpu_breakdown(&stat.total, &prev.total),
        ..CpuUsage::default()
    }
}

fn hostname(proc_root: &Path) -> String {
    std::fs::read_to_string(proc_root.join("sys/kernel/hostname"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Two samples `gap` apart, for one-shot commands that need a CPU percentage.
pub fn sample_twice(root: &Path, gap: Duration) -> std::io::Result<HostSample> {
    let mut r = ProcReader::new(root);
    r.sample()?;
    std::thread::sleep(gap);
    r.sample()
}

/// The collector task: one host sample per `interval`, health on failure, never ends. The
/// process scan (F2's top consumers) is made only while F2 is shown, and at once when it
/// comes into view: it is most of this task's cost on a host with thousands of processes.
pub async fn run(mut tx: SourceTx, root: PathBuf, interval: Duration, mut shown: Shown) {
    let mut procs = Scans { scanner: super::procs::ProcScanner::new(&root), last: None, interval };
    let mut reader = ProcReader::new(root);
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // An interval's first tick is immediate: take it now, or the second sample follows the
    // first at once (no CPU time passed: a gap in F2's graphs, noise in the process CPU %).
    tick.tick().await;
    // The first CPU percentage needs two readings: take the second soon.
    let _ = reader.sample();
    tokio::time::sleep(PRIME_GAP).await;
    loop {
        match reader.sample() {
            Ok(s) => {
                tx.health(Health::Ok(format!("{} cores", s.cpu.cores))).await;
                if !tx.send(Update::Host(Box::new(s))).await {
                    return;
                }
                if shown.is(Screen::Dashboard) && !tx.send(Update::Procs(Box::new(procs.fresh().await))).await
                {
                    return;
                }
            }
            Err(e) => tx.health(Health::Error(format!("cannot read /proc: {e}"))).await,
        }
        tokio::select! {
            _ = tick.tick() => {}
            _ = shown.appears(Screen::Dashboard) => {
                if !tx.send(Update::Procs(Box::new(procs.fresh().await))).await {
                    return;
                }
                tick.tick().await;
            }
        }
    }
}

/// Two scans this far apart give a process's first CPU percentage.
const PRIME_GAP: Duration = Duration::from_millis(250);

/// The process scanner and when it last ran.
struct Scans {
    scanner: super::procs::ProcScanner,
    last: Option<Instant>,
    interval: Duration,
}

impl Scans {
    /// A scan whose CPU percentages are over the last refresh at most: after a pause (F2 was
    /// hidden) a priming scan comes first, so no figure is an average over minutes.
    async fn fresh(&mut self) -> crate::model::procs::ProcTable {
        if self.last.is_none_or(|t| t.elapsed() > self.interval * 2) {
            self.scanner.scan();
            tokio::time::sleep(PRIME_GAP).await;
        }
        self.last = Some(Instant::now());
        self.scanner.scan()
    }
}
