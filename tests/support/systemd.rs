//! A real systemd as PID 1 in a throw-away container, for tests that need systemd's D-Bus API,
//! its journal or machined.
//!
//! How (checked on Debian 12, systemd 252): `systemd-nspawn --directory=/` is refused, so the
//! container's root is an overlay of the host's `/` with its upper and work directories on a
//! tmpfs (an upper inside the lower is rejected). The upper layer gets its own
//! `/etc/machine-id` and loses the host's `*.wants` links, so the container boots in ~0.5 s with
//! nothing but journald, dbus and logind. Everything is mounted inside `unshare -m` (a private
//! mount namespace, with a tmpfs on `/run/systemd` so nspawn leaves nothing in the host's
//! `/run`), and nspawn runs with `--register=no --keep-unit --private-network` in a cgroup of
//! its own that is removed afterwards. When the last process of the namespace ends, its mounts
//! go with it: nothing is left on the host.
//!
//! ```ignore
//! let Some(c) = SystemdContainer::start_or_require() else { return };
//! c.exec_ok(&["systemd-run", "--unit=boom", "false"]);
//! let bus = c.bus_path(); // the container's system bus, reachable from the host
//! ```

use super::require::require;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long a boot may take before the harness gives up (it takes ~0.5 s on an idle machine).
const BOOT_BOUND: Duration = Duration::from_secs(90);

/// Containers started by this process, for unique cgroup names.
static STARTED: AtomicU32 = AtomicU32::new(0);

/// The shell run inside `unshare -m`: mounts the overlay, then becomes systemd-nspawn.
/// `$1` base dir (empty, on the host), `$2..` the cgroup directories to move into.
const SCRIPT: &str = r#"set -eu
base=$1; shift
for cg in "$@"; do echo $$ > "$cg/cgroup.procs"; done
mount --make-rprivate /
mount -t tmpfs -o mode=0755 hvtui-systemd "$base"
mkdir "$base/upper" "$base/work" "$base/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
rm -f "$base/root/etc/machine-id"
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$base/root/etc/machine-id"
echo >> "$base/root/etc/machine-id"
find "$base/root/etc/systemd/system" -mindepth 1 -maxdepth 1 -name '*.wants' -exec rm -rf {} +
mount -t tmpfs -o mode=0755 hvtui-run-systemd /run/systemd
exec systemd-nspawn --quiet --boot -D "$base/root" --private-network --register=no --keep-unit \
  --console=pipe
"#;

/// A booted systemd in its own container; stopped and cleaned up on drop.
pub struct SystemdContainer {
    nspawn: Child,
    leader: u32,
    /// Empty on the host (the container's tmpfs is mounted on it privately); removed on drop.
    _base: tempfile::TempDir,
    cgroups: Vec<PathBuf>,
}

impl SystemdContainer {
    /// Why the container cannot run here, if it cannot.
    pub fn unavailable() -> Option<String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Some("a systemd container needs root".into());
        }
        for tool in ["systemd-nspawn", "unshare", "nsenter", "dbus-daemon"] {
            if !Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
            {
                return Some(format!(
                    "{tool} is not installed (apt install systemd-container dbus util-linux)"
                ));
            }
        }
        None
    }

    /// Starts a container when this machine can, else says why through `require` (which
    /// fails under CI) and returns `None`.
    pub fn start_or_require() -> Option<SystemdContainer> {
        let why = Self::unavailable();
        if !require(why.is_none(), why.as_deref().unwrap_or("")) {
            return None;
        }
        Some(Self::start())
    }

    /// Boots a container and waits until systemd says `running` (or `degraded`).
    /// Panics with what went wrong when it cannot.
    pub fn start() -> SystemdContainer {
        let base = tempfile::Builder::new().prefix("hvtui-systemd-").tempdir().expect("temp dir");
        let cgroups = make_cgroups();
        let mut cmd = Command::new("unshare");
        cmd.args(["-m", "--propagation", "private", "sh", "-c", SCRIPT, "sh"]).arg(base.path());
        cmd.args(&cgroups).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        let nspawn = cmd.spawn().expect("spawn unshare/systemd-nspawn");
        let mut c = SystemdContainer { nspawn, leader: 0, _base: base, cgroups };
        c.leader = c.wait_for_leader();
        c.wait_until_running();
        c
    }

    /// The container's PID 1 as the host sees it (for `nsenter -t`, `/proc/PID/root`).
    pub fn leader_pid(&self) -> u32 {
        self.leader
    }

    /// The container's root directory, seen from the host.
    pub fn root(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/root", self.leader))
    }

    /// The container's system bus socket, usable from the host.
    pub fn bus_path(&self) -> PathBuf {
        self.root().join("run/dbus/system_bus_socket")
    }

    /// Where the container's journald writes (persistent: the image has /var/log/journal).
    pub fn journal_dir(&self) -> PathBuf {
        let persistent = self.root().join("var/log/journal");
        if persistent.is_dir() { persistent } else { self.root().join("run/log/journal") }
    }

    /// Runs a command inside the container (all its namespaces), waits for it.
    pub fn exec(&self, argv: &[&str]) -> Output {
        Command::new("nsenter")
            .args(["-t", &self.leader.to_string(), "-a", "--"])
            .args(argv)
            .stdin(Stdio::null())
            .output()
            .expect("run nsenter")
    }

    /// Runs a command inside and returns its stdout; panics with its stderr if it fails.
    pub fn exec_ok(&self, argv: &[&str]) -> String {
        let out = self.exec(argv);
        assert!(
            out.status.success(),
            "{argv:?} in the container: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The systemd-nspawn process (the leader's parent).
    pub fn nspawn_pid(&self) -> u32 {
        self.nspawn.id()
    }

    /// nspawn forks the container's init: find it among nspawn's children.
    fn wait_for_leader(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(pid) = container_init(self.nspawn.id()) {
                return pid;
            }
            self.fail_if_exited("before systemd started");
            assert!(start.elapsed() < BOOT_BOUND, "systemd-nspawn started no container");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_until_running(&mut self) {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < BOOT_BOUND {
            let out = self.exec(&["systemctl", "is-system-running"]);
            last = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if last == "running" || last == "degraded" {
                return;
            }
            self.fail_if_exited("while booting");
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the container's systemd did not finish booting within {BOOT_BOUND:?} (last said {last:?})");
    }

    fn fail_if_exited(&mut self, when: &str) {
        if let Ok(Some(status)) = self.nspawn.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = self.nspawn.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("systemd-nspawn exited {when}: {status}\n{err}");
        }
    }
}

impl Drop for SystemdContainer {
    fn drop(&mut self) {
        // Killing a PID namespace's init kills everything in it; nspawn then exits, and with the
        // last process of the mount namespace its overlay and tmpfs mounts go too.
        if self.leader != 0 {
            // SAFETY: kill(2) on a pid we started; no memory is touched.
            unsafe { libc::kill(self.leader as i32, libc::SIGKILL) };
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.nspawn.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.nspawn.kill();
        let _ = self.nspawn.wait();
        // Whatever outlived nspawn (an init not yet found when a start failed) goes too.
        for cg in &self.cgroups {
            kill_cgroup(cg);
        }
        for cg in &self.cgroups {
            remove_cgroup(cg);
        }
    }
}

/// The child of `parent` that lives in another PID namespace: the container's init (nspawn's
/// short-lived outer child shares ours). Read from /proc/*/stat, as the kernel here has no
/// /proc/PID/task/PID/children.
fn container_init(parent: u32) -> Option<u32> {
    let own_ns = std::fs::read_link("/proc/self/ns/pid").ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
        // "pid (comm) state ppid …": comm may hold spaces or ')', so split after the last ')'.
        let ppid: u32 = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
        let ns = std::fs::read_link(e.path().join("ns/pid")).ok()?;
        (ppid == parent && ns != own_ns).then_some(pid)
    })
}

/// Kills every process left in a cgroup tree (`cgroup.kill` where the kernel has it).
fn kill_cgroup(dir: &Path) {
    if std::fs::write(dir.join("cgroup.kill"), "1").is_ok() {
        return;
    }
    let mut dirs = Vec::new();
    collect_dirs(dir, &mut dirs);
    for d in dirs {
        let procs = std::fs::read_to_string(d.join("cgroup.procs")).unwrap_or_default();
        for pid in procs.split_whitespace().filter_map(|p| p.parse::<i32>().ok()) {
            // SAFETY: kill(2); these are the container's processes, in the cgroup we made.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// A fresh cgroup per container in each hierarchy systemd uses (the unified one, and the
/// named `systemd` one on hybrid hosts): nspawn `--keep-unit` makes `payload`/`supervisor`
/// under the caller's cgroup, and two containers must not share them.
fn make_cgroups() -> Vec<PathBuf> {
    let name = format!("hvtui-test-{}-{}", std::process::id(), STARTED.fetch_add(1, Ordering::Relaxed));
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let path_of = |prefix: &str| {
        own.lines().find_map(|l| l.strip_prefix(prefix)).map(|p| p.trim_start_matches('/').to_string())
    };
    let fs = Path::new("/sys/fs/cgroup");
    let mut roots = Vec::new();
    if fs.join("cgroup.controllers").exists() {
        roots.push(fs.join(path_of("0::").unwrap_or_default()));
    } else {
        if let Some(p) = path_of("0::").filter(|_| fs.join("unified").is_dir()) {
            roots.push(fs.join("unified").join(p));
        }
        if let Some(p) = own.lines().find_map(|l| l.split_once(":name=systemd:").map(|(_, p)| p)) {
            roots.push(fs.join("systemd").join(p.trim_start_matches('/')));
        }
    }
    roots
        .into_iter()
        .map(|r| {
            let dir = r.join(&name);
            std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("create cgroup {}: {e}", dir.display()));
            dir
        })
        .collect()
}

/// Removes a cgroup tree, deepest first, waiting a moment for dying processes to leave it.
fn remove_cgroup(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut dirs = Vec::new();
        collect_dirs(dir, &mut dirs);
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        let all_gone = dirs.iter().all(|d| std::fs::remove_dir(d).is_ok() || !d.exists());
        if all_gone || Instant::now() > deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn collect_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    out.push(dir.to_path_buf());
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                collect_dirs(&e.path(), out);
            }
        }
    }
}
