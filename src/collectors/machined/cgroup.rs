//! A machine's CPU time and memory from its cgroup, on the three layouts hosts have: the
//! unified hierarchy alone (cgroup v2), v1 controllers beside a unified one (hybrid), and v1
//! alone. Pure parsers first, then the reads.

use crate::collectors::procs_parse::parse_pid_stat;
use std::path::{Path, PathBuf};

/// `usage_usec` of a v2 `cpu.stat` (present without the cpu controller), in nanoseconds.
pub fn parse_cpu_stat(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix("usage_usec "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|u| u * 1000)
}

/// A v1 `cpuacct.usage`: nanoseconds on one line.
pub fn parse_cpuacct_usage(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// v2 `memory.current` or v1 `memory.usage_in_bytes`: bytes on one line.
pub fn parse_bytes(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// The PIDs of a `cgroup.procs` file.
pub fn parse_procs(text: &str) -> Vec<u32> {
    text.split_ascii_whitespace().filter_map(|p| p.parse().ok()).collect()
}

/// A cgroup's readings: CPU time in ns and memory in bytes with how it was read, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub cpu_ns: Result<u64, String>,
    pub memory: Result<(u64, &'static str), String>,
}

/// Where the cgroup file systems are mounted (`<root>/sys/fs/cgroup`), and /proc for the
/// RSS fallback.
pub struct Cgroups {
    pub fs: PathBuf,
    pub proc: PathBuf,
    pub page_size: u64,
}

impl Cgroups {
    /// The unified hierarchy's directory of `cg`, if the host has one: `/sys/fs/cgroup` on a
    /// v2 host, `/sys/fs/cgroup/unified` on a hybrid one.
    fn unified(&self, cg: &str) -> Option<PathBuf> {
        [self.fs.clone(), self.fs.join("unified")]
            .into_iter()
            .find(|d| d.join("cgroup.controllers").exists())
            .map(|d| join(&d, cg))
    }

    /// The directory of `cg` in a v1 controller's hierarchy (`cpuacct` may be mounted as
    /// `cpu,cpuacct`).
    fn v1(&self, controllers: &[&str], cg: &str) -> Option<PathBuf> {
        controllers.iter().map(|c| join(&self.fs.join(c), cg)).find(|d| d.is_dir())
    }

    /// Reads `cg` (a path as systemd names it: `/machine.slice/systemd-nspawn@web.service`).
    pub fn read(&self, cg: &str) -> Reading {
        let unified = self.unified(cg).filter(|d| d.is_dir());
        let cpu_v2 =
            unified.as_ref().and_then(|d| read(&d.join("cpu.stat")).as_deref().and_then(parse_cpu_stat));
        let cpu = cpu_v2.or_else(|| {
            let d = self.v1(&["cpuacct", "cpu,cpuacct", "cpuacct,cpu"], cg)?;
            read(&d.join("cpuacct.usage")).as_deref().and_then(parse_cpuacct_usage)
        });
        let cpu_ns = cpu.ok_or_else(|| format!("no cpu.stat or cpuacct.usage for {cg}"));
        let mem_v2 =
            unified.as_ref().and_then(|d| read(&d.join("memory.current")).as_deref().and_then(parse_bytes));
        let memory = match mem_v2 {
            Some(b) => Ok((b, "cgroup v2")),
            None => self
                .v1(&["memory"], cg)
                .and_then(|d| read(&d.join("memory.usage_in_bytes")).as_deref().and_then(parse_bytes))
                .map(|b| (b, "cgroup v1"))
                .or_else(|| self.rss(unified.or_else(|| self.v1(&["systemd"], cg))?))
                .ok_or_else(|| format!("no memory accounting for {cg}")),
        };
        Reading { cpu_ns, memory }
    }

    /// Without memory accounting (a container's read-only v1 memory controller): the resident
    /// sets of the cgroup's processes. `cgroup.procs` numbers them in the reader's PID
    /// namespace, so this is right when /proc is this process's own.
    fn rss(&self, dir: PathBuf) -> Option<(u64, &'static str)> {
        let mut dirs = vec![dir];
        let (mut total, mut seen) = (0u64, 0usize);
        while let Some(d) = dirs.pop() {
            for pid in read(&d.join("cgroup.procs")).map(|t| parse_procs(&t)).unwrap_or_default() {
                let stat = read(&self.proc.join(pid.to_string()).join("stat"));
                if let Some(st) = stat.as_deref().and_then(parse_pid_stat) {
                    total += st.rss_pages * self.page_size;
                    seen += 1;
                }
            }
            let subs = std::fs::read_dir(&d).into_iter().flatten().flatten();
            dirs.extend(subs.filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()));
        }
        (seen > 0).then_some((total, "RSS of its processes"))
    }
}

fn join(base: &Path, cg: &str) -> PathBuf {
    let mut p = base.to_path_buf();
    p.extend(cg.split('/').filter(|c| !c.is_empty() && *c != ".."));
    p
}

fn read(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CPU_STAT: &str = "usage_usec 1139120\nuser_usec 541504\nsystem_usec 597616\nnr_periods 0\n";

    #[test]
    fn parsers_on_both_layouts() {
        assert_eq!(parse_cpu_stat(CPU_STAT), Some(1_139_120_000));
        assert_eq!(parse_cpu_stat("user_usec 5\n"), None);
        assert_eq!(parse_cpuacct_usage("48213379111\n"), Some(48_213_379_111));
        assert_eq!(parse_cpuacct_usage(""), None);
        assert_eq!(parse_bytes("123400704\n"), Some(123_400_704));
        assert_eq!(parse_bytes("max\n"), None);
        assert_eq!(parse_procs("59\n132\nx\n"), vec![59, 132]);
    }

    fn write(p: &Path, text: &str) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const CG: &str = "/machine.slice/systemd-nspawn@web.service";

    #[test]
    fn unified_layout() {
        let d = tempfile::tempdir().unwrap();
        write(&d.path().join("cgroup.controllers"), "cpu memory pids\n");
        write(&d.path().join("machine.slice/systemd-nspawn@web.service/cpu.stat"), CPU_STAT);
        write(&d.path().join("machine.slice/systemd-nspawn@web.service/memory.current"), "52428800\n");
        let c = Cgroups { fs: d.path().into(), proc: d.path().join("proc"), page_size: 4096 };
        let r = c.read(CG);
        assert_eq!(r, Reading { cpu_ns: Ok(1_139_120_000), memory: Ok((52_428_800, "cgroup v2")) });
    }

    #[test]
    fn v1_layout() {
        let d = tempfile::tempdir().unwrap();
        write(&d.path().join("cpu,cpuacct/machine.slice/systemd-nspawn@web.service/cpuacct.usage"), "900\n");
        write(
            &d.path().join("memory/machine.slice/systemd-nspawn@web.service/memory.usage_in_bytes"),
            "4096\n",
        );
        let c = Cgroups { fs: d.path().into(), proc: d.path().join("proc"), page_size: 4096 };
        assert_eq!(c.read(CG), Reading { cpu_ns: Ok(900), memory: Ok((4096, "cgroup v1")) });
        let none = c.read("/machine.slice/gone.scope");
        assert!(none.cpu_ns.unwrap_err().contains("gone.scope"));
        assert!(none.memory.is_err());
    }

    #[test]
    fn hybrid_without_memory_accounting_sums_rss() {
        let d = tempfile::tempdir().unwrap();
        let u = d.path().join("unified");
        write(&u.join("cgroup.controllers"), "");
        write(&u.join("machine.slice/systemd-nspawn@web.service/cpu.stat"), CPU_STAT);
        write(&u.join("machine.slice/systemd-nspawn@web.service/payload/cgroup.procs"), "59\n60\n");
        write(&u.join("machine.slice/systemd-nspawn@web.service/cgroup.procs"), "");
        let stat =
            |rss: u64| format!("59 (systemd) S 1 59 59 0 -1 0 0 0 0 0 9 24 0 0 20 0 1 0 93619 2041 {rss} 1");
        write(&d.path().join("proc/59/stat"), &stat(100));
        write(&d.path().join("proc/60/stat"), &stat(28));
        let c = Cgroups { fs: d.path().into(), proc: d.path().join("proc"), page_size: 4096 };
        let r = c.read(CG);
        assert_eq!(r.cpu_ns, Ok(1_139_120_000));
        assert_eq!(r.memory, Ok((128 * 4096, "RSS of its processes")));
    }
}
