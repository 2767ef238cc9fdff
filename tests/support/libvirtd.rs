//! A real libvirtd (Debian's, with the QEMU driver) for tests, in its own mount, network and
//! PID namespace: its /etc/libvirt, /run, /var and passwd/group are private copies in a
//! temporary directory; only its sockets are reachable from the test, at `dir/sock/`.
//! Nothing on the host is touched: the namespace's first process holds the mounts, and when
//! the harness is dropped (or the test process dies) it and everything in it are killed.
//!
//! The QEMU driver refuses to start without a `libvirt-qemu` user: the private passwd/group
//! copies have one. Guests are TCG (`<domain type='qemu'>`, 64 MiB, no disk): cheap, and
//! idle once their firmware finds nothing to boot. No cgroups, no security driver, no
//! virtlogd, no network is ever defined (no NAT, no firewall).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LIBVIRTD: &str = "/usr/sbin/libvirtd";
const QEMU: &str = "/usr/bin/qemu-system-x86_64";

pub struct Libvirtd {
    dir: tempfile::TempDir,
    /// `unshare --kill-child`: its child is the namespace's PID 1, which holds the mounts.
    holder: Child,
    /// The namespace's PID 1, seen from the host (for `nsenter`).
    init_pid: u32,
    /// `nsenter … libvirtd`: its one child is the daemon.
    daemon: Option<Child>,
}

/// Whether a real libvirtd can be started here (root, the daemon and QEMU installed).
pub fn available() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    root && Path::new(LIBVIRTD).exists() && Path::new(QEMU).exists()
}

/// Why `available()` is false, for `support::require`.
pub const NEEDS: &str = "a real libvirtd needs root and Debian's libvirt-daemon, \
    libvirt-daemon-driver-qemu and qemu-system-x86 (make deps installs them)";

const LIBVIRTD_CONF: &str = r#"unix_sock_ro_perms = "0777"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:stderr"
"#;

const QEMU_CONF: &str = r#"stdio_handler = "file"
cgroup_controllers = [ ]
security_driver = "none"
namespaces = [ ]
user = "root"
group = "root"
"#;

/// The namespace's PID 1: private mounts, then it waits until it is killed.
const HOLDER: &str = r#"set -e
mount --make-rprivate /
mount -t tmpfs tmpfs /run
mkdir -p /run/libvirt
mount -t tmpfs tmpfs /var
ln -s /run /var/run
mkdir -p /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /var/tmp
mount --bind "$T/etc" /etc/libvirt
mount --bind "$T/passwd" /etc/passwd
mount --bind "$T/group" /etc/group
ip link set lo up
echo ready
# PID 1 reaps the orphans (libvirtd waits for its capability probes to be gone).
while :; do sleep 0.5; done
"#;

fn write_config(dir: &Path) {
    let sock = dir.join("sock");
    std::fs::create_dir_all(dir.join("etc")).unwrap();
    std::fs::create_dir_all(&sock).unwrap();
    let conf = format!("unix_sock_dir = \"{}\"\n{LIBVIRTD_CONF}", sock.display());
    std::fs::write(dir.join("etc/libvirtd.conf"), conf).unwrap();
    std::fs::write(dir.join("etc/qemu.conf"), QEMU_CONF).unwrap();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap()
        + "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin\n";
    let group = std::fs::read_to_string("/etc/group").unwrap() + "libvirt-qemu:x:64055:\nkvm:x:64056:\n";
    std::fs::write(dir.join("passwd"), passwd).unwrap();
    std::fs::write(dir.join("group"), group).unwrap();
    std::fs::write(dir.join("holder.sh"), HOLDER).unwrap();
}

/// The one child of `pid` (a process that forked once).
fn only_child(pid: u32) -> Option<u32> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

impl Libvirtd {
    /// Starts the namespace and the daemon, and waits until the daemon accepts connections.
    pub fn start() -> Libvirtd {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path());
        let mut holder = Command::new("unshare")
            .args(["--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "sh"])
            .arg(dir.path().join("holder.sh"))
            .env("T", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("unshare runs");
        let mut line = String::new();
        BufReader::new(holder.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the namespace's mounts failed");
        let init_pid = only_child(holder.id()).expect("unshare forked the namespace's PID 1");
        let mut d = Libvirtd { dir, holder, init_pid, daemon: None };
        d.start_daemon();
        d
    }

    /// Starts libvirtd (again) in the namespace and waits until it accepts connections.
    pub fn start_daemon(&mut self) {
        assert!(self.daemon.is_none(), "libvirtd already running");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.log_path()).unwrap();
        let t = self.init_pid.to_string();
        let child = Command::new("nsenter")
            .args(["-t", &t, "-m", "-n", "-p", "--", LIBVIRTD, "-f", "/etc/libvirt/libvirtd.conf"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("nsenter runs");
        self.daemon = Some(child);
        self.wait_answering(Duration::from_secs(20));
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("libvirtd.log")
    }

    /// The daemon's stderr so far (for assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Waits until `virsh` gets an answer.
    fn wait_answering(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let ok = Command::new("virsh")
                .args(["-c", &self.rw_uri(), "version"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("libvirtd did not answer within {limit:?}:\n{}", self.log());
    }

    /// Where its sockets are.
    pub fn sock_dir(&self) -> PathBuf {
        self.dir.path().join("sock")
    }

    /// The read-only URI the console uses.
    pub fn uri(&self) -> String {
        format!("qemu+unix:///system?socket={}", self.sock_dir().join("libvirt-sock-ro").display())
    }

    /// The read-write URI the test uses to define and start guests.
    pub fn rw_uri(&self) -> String {
        format!("qemu+unix:///system?socket={}", self.sock_dir().join("libvirt-sock").display())
    }

    /// The daemon's pid on the host.
    pub fn daemon_pid(&self) -> i32 {
        let nsenter = self.daemon.as_ref().expect("libvirtd running").id();
        only_child(nsenter).expect("nsenter forked libvirtd") as i32
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: a pid we started; kill has no memory effects.
        assert_eq!(unsafe { libc::kill(self.daemon_pid(), sig) }, 0, "kill({sig})");
    }

    /// SIGSTOP: the daemon stays, its sockets accept, nothing answers.
    pub fn freeze(&self) {
        self.signal(libc::SIGSTOP);
    }

    /// SIGCONT to the daemon, and to `nsenter`, which stopped itself when its child did
    /// (util-linux mirrors a stopped child) and would otherwise never reap it.
    pub fn thaw(&self) {
        self.signal(libc::SIGCONT);
        let nsenter = self.daemon.as_ref().expect("libvirtd running").id() as i32;
        // SAFETY: a pid we started.
        unsafe { libc::kill(nsenter, libc::SIGCONT) };
    }

    /// SIGKILL; its guests keep running in the namespace and its sockets stay behind
    /// (nothing listens on them), as after a crash.
    pub fn kill(&mut self) {
        self.signal(libc::SIGKILL);
        if let Some(mut c) = self.daemon.take() {
            let _ = c.wait();
        }
    }

    /// `virsh -c RW_URI args…`, asserting it succeeds; its stdout.
    pub fn virsh(&self, args: &[&str]) -> String {
        let out = Command::new("virsh").args(["-c", &self.rw_uri()]).args(args).output().unwrap();
        assert!(out.status.success(), "virsh {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Defines a TCG guest of 64 MiB without disks, and starts it when `running`.
    pub fn define(&self, name: &str, running: bool) {
        let xml = format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64' machine='pc'>hvm</type></os>\
             <devices><emulator>{QEMU}</emulator></devices></domain>"
        );
        let path = self.dir.path().join(format!("{name}.xml"));
        std::fs::write(&path, xml).unwrap();
        self.virsh(&["define", path.to_str().unwrap()]);
        if running {
            self.virsh(&["start", name]);
        }
    }
}

impl Drop for Libvirtd {
    fn drop(&mut self) {
        if self.daemon.is_some() {
            // A frozen daemon (and its stopped nsenter) must not outlive the namespace.
            self.thaw();
        }
        // Killing `unshare` kills the namespace's PID 1 (--kill-child), and with it every
        // process in the namespace: libvirtd and its QEMU guests.
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        if let Some(mut c) = self.daemon.take() {
            let _ = c.wait();
        }
    }
}
