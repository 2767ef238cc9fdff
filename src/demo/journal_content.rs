//! What a hypervisor host logs: its units and the kinds of messages each writes.

use super::rng::Rng;

/// How an entry reached the journal (`_TRANSPORT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Journal,
    Stdout,
    Syslog,
    Kernel,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Journal => "journal",
            Transport::Stdout => "stdout",
            Transport::Syslog => "syslog",
            Transport::Kernel => "kernel",
        }
    }
}

/// How a unit states severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// With `PRIORITY`, as well-behaved daemons do.
    Priority,
    /// Everything at priority 6, the level in klog form (`E1122 10:00:00.000000 …`).
    Klog,
    /// Everything at priority 6, the level in logfmt (`level=error`).
    Logfmt,
}

pub struct Unit {
    /// `None` for the kernel.
    pub name: Option<&'static str>,
    pub comm: &'static str,
    pub exe: &'static str,
    pub weight: u32,
    pub transport: Transport,
    pub style: Style,
}

const fn unit(name: &'static str, comm: &'static str, exe: &'static str, weight: u32, t: Transport) -> Unit {
    Unit { name: Some(name), comm, exe, weight, transport: t, style: Style::Priority }
}

const SYSTEMD: &str = "/nix/store/dddd-systemd-255.4/lib/systemd/";
const QEMU: &str = "/nix/store/gggg-qemu-8.2.1/bin/qemu-system-x86_64";
const K3S: &str = "/nix/store/kkkk-k3s-1.31.4+k3s1/bin/k3s";

pub const UNITS: [Unit; 17] = [
    unit(
        "libvirtd.service",
        "libvirtd",
        "/nix/store/aaaa-libvirt-10.0.0/bin/libvirtd",
        8,
        Transport::Journal,
    ),
    unit(
        "nix-daemon.service",
        "nix-daemon",
        "/nix/store/bbbb-nix-2.18.1/bin/nix-daemon",
        5,
        Transport::Stdout,
    ),
    unit("sshd.service", "sshd", "/nix/store/cccc-openssh-9.6p1/bin/sshd", 5, Transport::Syslog),
    unit("systemd-networkd.service", "systemd-network", "systemd-networkd", 3, Transport::Journal),
    unit(
        "prometheus-node-exporter.service",
        "node_exporter",
        "/nix/store/eeee-ne-1.7.0/bin/node_exporter",
        3,
        Transport::Stdout,
    ),
    unit("nginx.service", "nginx", "/nix/store/ffff-nginx-1.24.0/bin/nginx", 6, Transport::Stdout),
    unit("qemu-vm01.scope", "qemu-system-x86", QEMU, 4, Transport::Stdout),
    unit("qemu-vm02.scope", "qemu-system-x86", QEMU, 4, Transport::Stdout),
    unit(
        "ovs-vswitchd.service",
        "ovs-vswitchd",
        "/nix/store/hhhh-openvswitch-3.2.1/bin/ovs-vswitchd",
        3,
        Transport::Syslog,
    ),
    unit("zfs-zed.service", "zed", "/nix/store/iiii-zfs-2.2.3/bin/zed", 2, Transport::Syslog),
    unit("cron.service", "cron", "/nix/store/jjjj-cron-4.1/bin/cron", 2, Transport::Syslog),
    unit("systemd-logind.service", "systemd-logind", "systemd-logind", 2, Transport::Journal),
    unit("init.scope", "systemd", "systemd", 3, Transport::Journal),
    Unit { style: Style::Klog, ..unit("k3s.service", "k3s-server", K3S, 8, Transport::Stdout) },
    Unit { style: Style::Logfmt, ..unit("k3s-agent.service", "k3s-agent", K3S, 2, Transport::Stdout) },
    Unit {
        style: Style::Logfmt,
        ..unit(
            "containerd.service",
            "containerd",
            "/nix/store/llll-containerd-1.7.22/bin/containerd",
            3,
            Transport::Stdout,
        )
    },
    Unit {
        name: None,
        comm: "kernel",
        exe: "",
        weight: 5,
        transport: Transport::Kernel,
        style: Style::Priority,
    },
];

impl Unit {
    /// The executable's full path (systemd's own binaries under its store path).
    pub fn exe_path(&self) -> String {
        if self.exe.starts_with('/') { self.exe.to_string() } else { format!("{SYSTEMD}{}", self.exe) }
    }
}

const WORDS: [&str; 30] = [
    "vm",
    "disk",
    "migration",
    "snapshot",
    "bridge",
    "vlan",
    "tap",
    "interface",
    "cpu",
    "numa",
    "hugepage",
    "balloon",
    "virtio",
    "block",
    "guest",
    "agent",
    "timeout",
    "connection",
    "accepted",
    "closed",
    "failed",
    "retry",
    "socket",
    "cgroup",
    "memory",
    "pressure",
    "queue",
    "worker",
    "request",
    "upstream",
];

/// Messages many entries share word for word (one DATA object in the file).
const REPEATED: [&str; 5] = [
    "Reloading.",
    "Finished Cleanup of Temporary Directories.",
    "Started Session c1 of User root.",
    "pam_unix(sshd:session): session closed for user root",
    "eth0: Link is Up - 25Gbps/Full - flow control rx/tx",
];

/// Numbers a template fills in.
struct Slots {
    a: u64,
    b: u64,
    c: u64,
    p: u64,
    n: u64,
    f: String,
    h: String,
}

impl Slots {
    fn new(r: &mut Rng) -> Slots {
        Slots {
            a: r.below(100),
            b: r.below(256),
            c: r.below(256),
            p: r.range(1024, 65535),
            n: r.below(1_000_000),
            f: format!("{:.2}", r.unit() * 100.0),
            h: r.hex(32),
        }
    }
}

fn templated(r: &mut Rng) -> String {
    let s = Slots::new(r);
    let (a, b, c, p, n, f, h) = (s.a, s.b, s.c, s.p, s.n, &s.f, &s.h);
    match r.below(14) {
        0 => format!("Accepted publickey for root from 10.{a}.{b}.{c} port {p} ssh2: ED25519 SHA256:{h}"),
        1 => format!("Started Session {n} of User root."),
        2 => format!("GET /api/v1/vms/{n} HTTP/1.1 200 {b} \"-\" \"curl/8.6.0\" rt={f}"),
        3 => format!("internal error: guest agent not responding on domain vm{a:02} (timeout {p} ms)"),
        4 => format!("br0: port {a}(tap{b}) entered forwarding state"),
        5 => format!("building '/nix/store/{h}-source.drv'..."),
        6 => format!("zpool tank: scrub in progress, {f}% done, {n} errors"),
        7 => format!("CPU{a}: Package temperature above threshold, cpu clock throttled (total events = {n})"),
        8 => format!("eth{a}: Link is Up - 25Gbps/Full - flow control rx/tx"),
        9 => format!("Connection closed by 10.{a}.{b}.{c} port {p} [preauth]"),
        10 => format!("job {n}: migration of vm{a:02} completed, downtime {b} ms, {f} MiB/s"),
        11 => "Reloading.".to_string(),
        12 => "Finished Cleanup of Temporary Directories.".to_string(),
        _ => "pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)".to_string(),
    }
}

fn words(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| *r.pick(&WORDS)).collect::<Vec<_>>().join(" ")
}

/// Over 512 bytes, so the journal compresses it: a traceback (with newlines, so the export
/// format carries it as binary) or one long JSON line.
fn long(r: &mut Rng) -> String {
    let n = r.range(600, 6000) as usize;
    if r.chance(0.5) {
        let mut lines = vec!["Traceback (most recent call last):".to_string()];
        for _ in 0..n / 80 {
            let (h, file, line, func) = (r.hex(8), *r.pick(&WORDS), r.below(2000), *r.pick(&WORDS));
            lines.push(format!("  File \"/nix/store/{h}-py/lib/{file}.py\", line {line}, in {func}"));
        }
        lines.push(format!("RuntimeError: {}", words(r, 8)));
        return lines.join("\n");
    }
    let (event, vm, detail, id) = (*r.pick(&WORDS), r.below(100), words(r, n / 8), r.hex(16));
    format!("{{\"event\": \"{event}\", \"vm\": \"vm{vm:02}\", \"detail\": \"{detail}\", \"id\": \"{id}\"}}")
}

/// A message of a daemon that sets `PRIORITY` itself.
pub fn message(r: &mut Rng) -> String {
    let x = r.unit();
    if x < 0.35 {
        r.pick(&REPEATED).to_string()
    } else if x < 0.97 {
        templated(r)
    } else {
        long(r)
    }
}

/// A kernel line: half the usual mix, half KVM noise.
pub fn kernel_message(r: &mut Rng) -> String {
    if r.chance(0.5) {
        return message(r);
    }
    let (vcpu, rip, msr) = (r.below(64), r.next_u64() >> 24, r.below(4096));
    format!("kvm: vcpu{vcpu}, guest rIP: 0x{rip:x} unhandled rdmsr: 0x{msr:x}")
}

const KUBE_TEXT: [&str; 6] = [
    "Failed to sync pod default/virt-launcher-vm{a}: context deadline exceeded",
    "\"Probe failed\" probeType=\"Readiness\" pod=\"kubevirt/virt-handler-{h}\" containerName=\"virt-handler\"",
    "Successfully synced pod kube-system/coredns-{h}",
    "\"SyncLoop (PLEG): event for pod\" pod=\"default/virt-launcher-vm{a}-{h}\" event=ContainerStarted",
    "Unable to attach or mount volumes for pod virt-launcher-vm{a}: timed out waiting for the condition",
    "migration of vm{a} to node hv02 completed",
];

fn kube_text(r: &mut Rng) -> String {
    let a = format!("{:02}", r.below(100));
    let h = r.hex(5);
    r.pick(&KUBE_TEXT).replace("{a}", &a).replace("{h}", &h)
}

/// Levels as the message states them, most verbose last: info, warning, error, fatal.
const KUBE_LEVELS: [u32; 4] = [70, 18, 10, 2];

/// A k3s/kubelet line in klog form: `E1122 10:00:00.123456    4242 kubelet.go:2145] text`.
pub fn klog(r: &mut Rng, realtime_usec: u64, pid: u32) -> String {
    let level = ['I', 'W', 'E', 'F'][r.weighted(&KUBE_LEVELS)];
    let t = Civil::from_usec(realtime_usec);
    let file = r.pick(&["kubelet.go", "pod_workers.go", "prober.go", "reflector.go"]);
    let line = r.range(100, 3000);
    let micros = realtime_usec % 1_000_000;
    let (mo, d, h, mi, s) = (t.month, t.day, t.hour, t.minute, t.second);
    let text = kube_text(r);
    format!("{level}{mo:02}{d:02} {h:02}:{mi:02}:{s:02}.{micros:06} {pid:>7} {file}:{line}] {text}")
}

/// A containerd / k3s-agent line in logfmt: `time="…" level=error msg="…"`.
pub fn logfmt(r: &mut Rng, realtime_usec: u64) -> String {
    let level = ["info", "warning", "error", "fatal"][r.weighted(&KUBE_LEVELS)];
    let t = Civil::from_usec(realtime_usec);
    let micros = realtime_usec % 1_000_000;
    let (y, mo, d, h, mi, s) = (t.year, t.month, t.day, t.hour, t.minute, t.second);
    let msg = kube_text(r).replace('"', "\\\"");
    format!("time=\"{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{micros:06}Z\" level={level} msg=\"{msg}\"")
}

/// A UTC calendar time, enough for log prefixes.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
}

impl Civil {
    /// Howard Hinnant's days-to-civil algorithm.
    fn from_usec(usec: u64) -> Civil {
        let secs = usec / 1_000_000;
        let z = (secs / 86_400) as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        let rem = secs % 86_400;
        Civil { year, month, day, hour: rem / 3600, minute: rem / 60 % 60, second: rem % 60 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates() {
        let t = Civil::from_usec(1_735_689_600_000_000 + 86_400_000_000 * 59 + 3_723_000_000);
        assert_eq!((t.year, t.month, t.day, t.hour, t.minute, t.second), (2025, 3, 1, 1, 2, 3));
        let t = Civil::from_usec(951_782_400_000_000); // 2000-02-29
        assert_eq!((t.year, t.month, t.day), (2000, 2, 29));
    }

    #[test]
    fn kube_lines_carry_their_level_in_the_text() {
        let mut r = Rng::new(3);
        let lines: Vec<String> = (0..200).map(|_| klog(&mut r, 1_735_689_600_000_000, 4242)).collect();
        assert!(lines.iter().any(|l| l.starts_with("E0101 00:00:00.000000    4242 ")), "{lines:?}");
        let lines: Vec<String> = (0..200).map(|_| logfmt(&mut r, 1_735_689_600_000_000)).collect();
        assert!(lines.iter().any(|l| l.contains("level=error msg=\"")), "{lines:?}");
        assert!(lines[0].starts_with("time=\"2025-01-01T00:00:00.000000Z\""));
    }
}
