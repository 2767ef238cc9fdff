//! One listing of machined's machines as F4's guests: machined's properties, then what the
//! host's files say of each (cgroup CPU and memory, the leader's start, host-side
//! interfaces, the linked journal), then the configured containers that do not run.

use super::bus;
use super::cgroup::Cgroups;
use super::conf;
use crate::collectors::procs_parse::parse_pid_stat;
use crate::collectors::system::root::HostRoot;
use crate::model::guests::machined::state_of;
use crate::model::guests::{Guest, MachinedGuest, Nic};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};
use zbus::Connection;

/// How many journal lines the detail pane gets.
pub const JOURNAL_LINES: usize = 5;

/// Where the host's files are: `HYPERVISOR_TUI_ROOT` (default `/`) for /etc, /var, /sys;
/// `HYPERVISOR_TUI_PROC` (default ROOT/proc) for the processes machined numbers.
pub struct Paths {
    pub root: HostRoot,
    pub proc: PathBuf,
}

impl Paths {
    pub fn from_env() -> Paths {
        let root = HostRoot::from_env();
        let proc = std::env::var_os("HYPERVISOR_TUI_PROC")
            .filter(|p| !p.is_empty())
            .map_or_else(|| root.lexical("/proc"), PathBuf::from);
        Paths { root, proc }
    }

    fn cgroups(&self) -> Cgroups {
        // SAFETY: sysconf reads a constant of the C library; it has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        Cgroups {
            fs: self.root.lexical("/sys/fs/cgroup"),
            proc: self.proc.clone(),
            page_size: page.max(1) as u64,
        }
    }
}

/// What is kept between listings: CPU times for CPU %, cgroup paths, journal tails.
#[derive(Default)]
pub struct Sampler {
    cpu: HashMap<(String, Option<u32>), (u64, Instant)>,
    cgroups: HashMap<String, String>,
    journals: HashMap<String, (Option<SystemTime>, Vec<String>, String)>,
}

impl Sampler {
    /// Every machine machined lists, then the configured containers not among them.
    pub async fn list(&mut self, conn: &Connection, paths: &Paths) -> Result<Vec<Guest>, bus::MachinedError> {
        let listed = bus::list_machines(conn).await?;
        let cgroups = paths.cgroups();
        let links = links(paths);
        let mut out = Vec::with_capacity(listed.len());
        let mut cpu_seen = HashMap::new();
        for l in listed {
            let Some(p) = bus::properties(conn, l.path.as_str()).await else { continue };
            let class = if p.class.is_empty() { l.class.clone() } else { p.class.clone() };
            let mut m = MachinedGuest {
                class,
                service: p.service.clone(),
                unit: p.unit.clone(),
                root: p.root.clone(),
                leader: p.leader,
                machine_id: p.id.iter().map(|b| format!("{b:02x}")).collect(),
                state: if p.state.is_empty() { "unknown".into() } else { p.state.clone() },
                ..MachinedGuest::default()
            };
            let mut g = Guest {
                name: l.name.clone(),
                uuid: m.machine_id.clone(),
                uri: m.source_word().to_string(),
                state: state_of(&m.state),
                persistent: false,
                ips: bus::addresses(conn, &l.name).await,
                ..Guest::default()
            };
            g.started_unix = p
                .leader
                .and_then(|pid| leader_start(paths, pid))
                .or_else(|| (p.timestamp_us > 0).then_some((p.timestamp_us / 1_000_000) as i64));
            let key = (l.name.clone(), p.leader);
            match self.cgroup(conn, &p.unit).await {
                Some(cg) => {
                    let r = cgroups.read(&cg);
                    match r.cpu_ns {
                        Ok(ns) => {
                            g.cpu_time_ns = ns;
                            let now = Instant::now();
                            if let Some((before, at)) = self.cpu.get(&key) {
                                let wall = now.duration_since(*at).as_nanos() as f64;
                                if wall > 0.0 && ns >= *before {
                                    g.cpu_percent = Some((ns - before) as f64 / wall * 100.0);
                                }
                            }
                            cpu_seen.insert(key, (ns, now));
                        }
                        Err(e) => m.cpu_note = e,
                    }
                    match r.memory {
                        Ok((b, how)) => (m.memory, m.memory_note) = (Some(b), how.to_string()),
                        Err(e) => m.memory_note = e,
                    }
                }
                None => {
                    let why = format!("no cgroup known for unit {:?}", p.unit);
                    (m.cpu_note, m.memory_note) = (why.clone(), why);
                }
            }
            g.memory_bytes = m.memory.unwrap_or(0);
            g.nics = nics(&l.name, &p.ifindices, &links);
            (m.journal, m.journal_note) = self.journal(paths, &m.machine_id);
            g.machined = Some(Box::new(m));
            out.push(g);
        }
        self.cpu = cpu_seen;
        for c in conf::configured(&paths.root) {
            if out.iter().any(|g| g.name == c.name) {
                continue;
            }
            out.push(stopped(conn, c).await);
        }
        Ok(out)
    }

    async fn cgroup(&mut self, conn: &Connection, unit: &str) -> Option<String> {
        if let Some(cg) = self.cgroups.get(unit) {
            return Some(cg.clone());
        }
        let cg = bus::control_group(conn, unit).await?;
        self.cgroups.insert(unit.to_string(), cg.clone());
        Some(cg)
    }

    /// The newest lines of `/var/log/journal/<machine-id>` (read again only when it changed).
    fn journal(&mut self, paths: &Paths, id: &str) -> (Vec<String>, String) {
        if id.is_empty() {
            return (Vec::new(), "no machine id".into());
        }
        let host = format!("/var/log/journal/{id}");
        let Ok(dir) = paths.root.resolve(&host) else {
            return (Vec::new(), format!("no journal linked at {host}"));
        };
        let stamp = crate::collectors::journal::journal_files(&dir.real)
            .iter()
            .filter_map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
            .max();
        if let Some((at, lines, note)) = self.journals.get(id)
            && *at == stamp
        {
            return (lines.clone(), note.clone());
        }
        let origin = crate::collectors::journal::reader::Origin::Directories(vec![dir.real]);
        let filter = crate::model::log_filter::Filter::default();
        let (lines, note) = match crate::collectors::journal::reader::tail(&origin, JOURNAL_LINES, &filter) {
            Ok((entries, _)) => (entries.iter().map(journal_line).collect(), String::new()),
            Err(e) => (Vec::new(), format!("{host}: {e}")),
        };
        self.journals.insert(id.to_string(), (stamp, lines.clone(), note.clone()));
        (lines, note)
    }
}

/// "HH:MM:SS ident: message" of one entry (sanitised where it is drawn).
fn journal_line(e: &crate::model::logs::LogEntry) -> String {
    let ident = e.get_str("SYSLOG_IDENTIFIER").or_else(|| e.get_str("_COMM")).unwrap_or_default();
    let msg = e.get_str("MESSAGE").unwrap_or_default();
    let t = crate::timefmt::clock((e.realtime_usec / 1_000_000) as i64);
    format!("{t} {ident}: {msg}")
}

/// A configured container that machined does not list: stopped, or failed when its unit is.
async fn stopped(conn: &Connection, c: conf::Configured) -> Guest {
    let failed = bus::active_state(conn, &c.unit).await.as_deref() == Some("failed");
    let state = if failed { "failed" } else { "stopped" };
    let m = MachinedGuest {
        class: "container".into(),
        unit: c.unit,
        root: c.root,
        state: state.into(),
        memory_note: "not running".into(),
        cpu_note: "not running".into(),
        configured: c.path,
        journal_note: "not running".into(),
        ..MachinedGuest::default()
    };
    Guest {
        name: c.name,
        uri: m.source_word().into(),
        state: state_of(state),
        persistent: true,
        autostart: c.nixos.as_ref().is_some_and(|n| n.auto_start),
        ips: c.nixos.map(|n| n.addresses()).unwrap_or_default(),
        machined: Some(Box::new(m)),
        ..Guest::default()
    }
}

/// When the leader started, seconds since the epoch (its start after boot plus `btime`).
fn leader_start(paths: &Paths, pid: u32) -> Option<i64> {
    let stat = std::fs::read_to_string(paths.proc.join(pid.to_string()).join("stat")).ok()?;
    let ticks = parse_pid_stat(&stat)?.starttime;
    let sys = std::fs::read_to_string(paths.proc.join("stat")).ok()?;
    let btime: i64 = sys.lines().find_map(|l| l.strip_prefix("btime "))?.trim().parse().ok()?;
    // SAFETY: sysconf reads a constant of the C library; it has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1);
    Some(btime + ticks as i64 / hz)
}

/// The host's network interfaces: name -> ifindex, and name -> bridge it is a port of.
struct Links {
    index: HashMap<i32, String>,
    master: HashMap<String, String>,
}

fn links(paths: &Paths) -> Links {
    let mut l = Links { index: HashMap::new(), master: HashMap::new() };
    let dir = paths.root.lexical("/sys/class/net");
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Some(name) = e.file_name().to_str().map(str::to_string) else { continue };
        let idx = std::fs::read_to_string(e.path().join("ifindex")).ok().and_then(|s| s.trim().parse().ok());
        if let Some(i) = idx {
            l.index.insert(i, name.clone());
        }
        let master = std::fs::read_link(e.path().join("master")).ok();
        if let Some(m) = master.as_ref().and_then(|m| m.file_name()).and_then(|m| m.to_str()) {
            l.master.insert(name, m.to_string());
        }
    }
    l
}

/// The host-side ends of a machine: the interfaces it was registered with, and nspawn's
/// `ve-NAME` / `vb-NAME` (names past 15 bytes are hashed by nspawn: those need the former).
fn nics(name: &str, ifindices: &[i32], links: &Links) -> Vec<Nic> {
    let mut names: Vec<String> = ifindices.iter().filter_map(|i| links.index.get(i).cloned()).collect();
    for prefix in ["ve-", "vb-"] {
        let n = format!("{prefix}{name}");
        if links.index.values().any(|v| *v == n) && !names.contains(&n) {
            names.push(n);
        }
    }
    names
        .into_iter()
        .map(|n| Nic {
            kind: "veth".into(),
            source: links.master.get(&n).cloned().unwrap_or_default(),
            target: Some(n),
            ..Nic::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_side_interfaces_by_index_and_name() {
        let links = Links {
            index: HashMap::from([
                (7, "ve-web".to_string()),
                (9, "vb-db".to_string()),
                (12, "ve-long-hashed0".to_string()),
            ]),
            master: HashMap::from([("vb-db".to_string(), "br0".to_string())]),
        };
        let targets =
            |n: &[Nic]| n.iter().map(|x| (x.target.clone().unwrap(), x.source.clone())).collect::<Vec<_>>();
        assert_eq!(targets(&nics("web", &[], &links)), [("ve-web".to_string(), String::new())]);
        assert_eq!(targets(&nics("db", &[], &links)), [("vb-db".to_string(), "br0".to_string())]);
        assert_eq!(
            targets(&nics("a-very-long-name", &[12], &links)),
            [("ve-long-hashed0".to_string(), String::new())]
        );
        assert!(nics("none", &[], &links).is_empty());
    }
}
