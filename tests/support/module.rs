//! The NixOS module's units, user and sshd block, as `nixos/tests/render-units.sh` rendered
//! them into `nixos/tests/rendered/`, installed into a real-systemd container
//! (support::systemd): the tests of tests/module_units.rs and tests/module_ssh.rs run what a
//! NixOS host would run, with this build's binary in place of the package's.
//!
//! Everything written goes into the container's overlay (its upper layer is a tmpfs): the
//! host's /etc, /run and users are never touched.

use super::systemd::SystemdContainer;
use std::path::Path;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");
pub const USER: &str = "hypervisor-tui";
pub const UNIT: &str = "hypervisor-tui-tty1.service";
/// The tmux server inside the container whose pane's pty stands in for /dev/tty1.
pub const TTY_SOCK: &str = "/run/hvtui-tty1.sock";

/// A rendered file, its `/nix/store` paths replaced by what this machine has: the package's
/// binary by this build's, bash by Debian's. Other store paths (the config file named in
/// `X-Restart-Triggers`) mean nothing to systemd and stay.
pub fn rendered(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("nixos/tests/rendered").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    substitute_store_paths(&text)
}

pub fn substitute_store_paths(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("/nix/store/") {
        out.push_str(&rest[..at]);
        let path: &str = rest[at..].split(|c: char| c.is_whitespace()).next().unwrap_or("");
        // /nix/store/<32 chars>-<name>/bin/<program>
        let name = path.get(11 + 33..).and_then(|p| p.split('/').next()).unwrap_or("");
        let replacement = match (name, path.rsplit('/').next()) {
            ("hypervisor-tui", Some("hypervisor-tui")) => BIN,
            ("bash-interactive", Some("bash")) => "/bin/bash",
            _ => path,
        };
        out.push_str(replacement);
        rest = &rest[at + path.len()..];
    }
    out.push_str(rest);
    out
}

/// The module's hardening, read from the rendered unit: every `[Service]` setting except
/// what makes it a console on a tty (for `systemd-run -p`, to run other verbs the same way).
pub fn hardening_properties() -> Vec<String> {
    let unit = rendered(UNIT);
    let service = unit.split("[Service]").nth(1).expect("[Service] section");
    let console_only = [
        "ExecStart",
        "Type",
        "Restart",
        "RestartSec",
        "TTYPath",
        "TTYReset",
        "TTYVHangup",
        "TTYVTDisallocate",
        "StandardInput",
        "StandardOutput",
        "StandardError",
        "Environment",
    ];
    let props: Vec<String> = service
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .filter(|l| !console_only.iter().any(|k| l.split('=').next() == Some(k)))
        .map(str::to_string)
        .collect();
    for must in ["User=", "NoNewPrivileges=", "ProtectSystem=", "ProtectHome="] {
        assert!(props.iter().any(|p| p.starts_with(must)), "the unit lost {must}: {props:?}");
    }
    props
}

/// Writes a file into the container (through its root, seen from the host).
pub fn put(c: &SystemdContainer, path: &str, text: &str) {
    let dest = c.root().join(path.trim_start_matches('/'));
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(&dest, text).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}

/// Installs what the module gives a host: the console user (systemd-sysusers), the config,
/// the console unit and the masked gettys. Also `/var/empty` (the user's home on NixOS)
/// and, for the libvirt source, a libvirtd with its default socket settings.
pub fn install(c: &SystemdContainer) {
    put(c, "/run/hvtui-test/sysusers.conf", &rendered("sysusers.conf"));
    c.exec_ok(&["systemd-sysusers", "/run/hvtui-test/sysusers.conf"]);
    c.exec_ok(&["mkdir", "-p", "/var/empty"]);
    put(c, "/etc/hypervisor-tui/config.toml", &rendered("config.toml"));
    put(c, &format!("/etc/systemd/system/{UNIT}"), &rendered(UNIT));
    for masked in rendered("masked").lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        c.exec_ok(&["ln", "-sf", "/dev/null", &format!("/etc/systemd/system/{masked}")]);
    }
    c.exec_ok(&["systemctl", "daemon-reload"]);
}

/// A pty standing in for tty1: a tmux pane inside the container (its shell ignores SIGHUP,
/// so the vhangups of `TTYVHangup` leave the pty alive), bind-mounted over `/dev/tty1` so
/// the unit runs unchanged. `screen(c)` reads what the console drew.
pub fn fake_tty1(c: &SystemdContainer) {
    let holder = "trap '' HUP; exec sleep infinity";
    c.exec_ok(&[
        "tmux",
        "-S",
        TTY_SOCK,
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "100",
        "-y",
        "30",
        "sh",
        "-c",
        holder,
    ]);
    let pts = c.exec_ok(&["tmux", "-S", TTY_SOCK, "display", "-p", "#{pane_tty}"]);
    let pts = pts.trim();
    assert!(pts.starts_with("/dev/pts/"), "pane tty {pts:?}");
    c.exec_ok(&["sh", "-c", &format!("touch /dev/tty1 && mount --bind {pts} /dev/tty1")]);
}

/// The fake tty1's screen.
pub fn screen(c: &SystemdContainer) -> String {
    c.exec_ok(&["tmux", "-S", TTY_SOCK, "capture-pane", "-p"])
}

/// Waits until the fake tty1 shows `needle`.
pub fn wait_screen(c: &SystemdContainer, needle: &str, bound: Duration) -> String {
    let start = Instant::now();
    loop {
        let s = screen(c);
        if s.contains(needle) {
            return s;
        }
        assert!(start.elapsed() < bound, "{needle:?} never drawn on the fake tty1:\n{s}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `systemctl show -P PROP UNIT`.
pub fn prop(c: &SystemdContainer, unit: &str, p: &str) -> String {
    c.exec_ok(&["systemctl", "show", "-P", p, unit]).trim().to_string()
}

/// The unit's main PID once it runs one that is not `not`.
pub fn wait_main_pid(c: &SystemdContainer, unit: &str, not: u32, bound: Duration) -> Option<u32> {
    let start = Instant::now();
    while start.elapsed() < bound {
        let pid: u32 = prop(c, unit, "MainPID").parse().unwrap_or(0);
        if pid != 0 && pid != not && prop(c, unit, "ActiveState") == "active" {
            return Some(pid);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// The container's journal of one unit, as text.
pub fn journal(c: &SystemdContainer, unit: &str) -> String {
    c.exec_ok(&["journalctl", "--no-pager", "-o", "cat", "-u", unit])
}

/// The unit's journal once it holds every one of `needles` (journald writes a moment
/// after the fact); fails after `bound`, showing what it held.
pub fn wait_journal(c: &SystemdContainer, unit: &str, needles: &[&str], bound: Duration) -> String {
    let start = Instant::now();
    loop {
        let text = journal(c, unit);
        let missing: Vec<&&str> = needles.iter().filter(|n| !text.contains(**n)).collect();
        if missing.is_empty() {
            return text;
        }
        assert!(start.elapsed() < bound, "{unit}'s journal lacks {missing:?}:\n{text}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A libvirtd inside the container with libvirt's own defaults for its sockets (an empty
/// libvirtd.conf: `unix_sock_ro_perms` 0777, `auth_unix_ro` polkit), a polkitd, and
/// libvirt's polkit actions as upstream ships them (`org.libvirt.unix.monitor`: anyone;
/// `org.libvirt.unix.manage`: an administrator) — Debian puts that file in
/// libvirt-daemon-system, which the tests do not install (it would start a libvirtd on the
/// host). qemu.conf only lets the QEMU driver start in a container without KVM.
pub fn start_libvirtd(c: &SystemdContainer) {
    put(c, "/etc/libvirt/libvirtd.conf", "");
    put(
        c,
        "/etc/libvirt/qemu.conf",
        "stdio_handler = \"file\"\ncgroup_controllers = [ ]\nsecurity_driver = \"none\"\nnamespaces = [ ]\nuser = \"root\"\ngroup = \"root\"\n",
    );
    put(
        c,
        "/run/hvtui-test/libvirt.sysusers",
        "g libvirt-qemu -\nu libvirt-qemu -:libvirt-qemu \"Libvirt Qemu\" /var/lib/libvirt\ng kvm -\n",
    );
    c.exec_ok(&["systemd-sysusers", "/run/hvtui-test/libvirt.sysusers"]);
    put(c, "/usr/share/polkit-1/actions/org.libvirt.unix.policy", LIBVIRT_POLKIT_ACTIONS);
    c.exec_ok(&["systemctl", "restart", "polkit.service"]);
    c.exec_ok(&["systemd-run", "--unit=libvirtd", "/usr/sbin/libvirtd"]);
    let start = Instant::now();
    while !c.root().join("run/libvirt/libvirt-sock-ro").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "libvirtd made no read-only socket:\n{}",
            journal(c, "libvirtd")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const LIBVIRT_POLKIT_ACTIONS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE policyconfig PUBLIC "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/PolicyKit/1.0/policyconfig.dtd">
<policyconfig>
  <action id="org.libvirt.unix.monitor">
    <description>Monitor local virtualized systems</description>
    <defaults><allow_any>yes</allow_any><allow_inactive>yes</allow_inactive><allow_active>yes</allow_active></defaults>
  </action>
  <action id="org.libvirt.unix.manage">
    <description>Manage local virtualized systems</description>
    <defaults><allow_any>auth_admin_keep</allow_any><allow_inactive>auth_admin_keep</allow_inactive><allow_active>auth_admin_keep</allow_active></defaults>
  </action>
</policyconfig>
"#;

/// Whether the tools these tests need beyond the container's are here, else why not.
pub fn missing_tools(tools: &[&str]) -> Option<String> {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            !std::process::Command::new("sh")
                .args(["-c", &format!("command -v {t}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    (!missing.is_empty()).then(|| format!("not installed: {} (make deps installs them)", missing.join(", ")))
}
