//! The NixOS module's console unit under a real systemd (issue 19): the unit, the masked
//! gettys, the user and the config exactly as `nixos/tests/render-units.sh` rendered them
//! from nixos/module.nix, installed in a throw-away container (support::systemd, an overlay
//! of this machine), with a tmux pane's pty bound over /dev/tty1 (support::module).

mod support;

use serde_json::Value;
use std::time::{Duration, Instant};
use support::module::{self, BIN, UNIT, USER};
use support::systemd::SystemdContainer;

/// Generous bounds: two cores shared by several builds.
const BOUND: Duration = Duration::from_secs(30);
/// The unit's `RestartSec`, read from the rendered unit.
fn restart_sec() -> Duration {
    let unit = module::rendered(UNIT);
    let s = unit.lines().find_map(|l| l.strip_prefix("RestartSec=")).expect("RestartSec in the unit");
    Duration::from_secs(s.trim().parse().expect("RestartSec in seconds"))
}

/// A container with the module's files installed and the console started on the fake tty1.
fn console() -> Option<SystemdContainer> {
    let c = SystemdContainer::start_or_require()?;
    let why = module::missing_tools(&["tmux", "systemd-sysusers"]);
    if !support::require::require(why.is_none(), why.as_deref().unwrap_or("")) {
        return None;
    }
    module::install(&c);
    module::fake_tty1(&c);
    Some(c)
}

/// `console()` with what a libvirtd in the container needs, and the clients that ask it.
fn console_with_libvirtd() -> Option<SystemdContainer> {
    let why = module::missing_tools(&[
        "/usr/sbin/libvirtd",
        "/usr/lib/polkit-1/polkitd",
        "virsh",
        "busctl",
        "setpriv",
    ]);
    if !support::require::require(why.is_none(), why.as_deref().unwrap_or("")) {
        return None;
    }
    let c = console()?;
    module::start_libvirtd(&c);
    Some(c)
}

fn start_console(c: &SystemdContainer) -> u32 {
    c.exec_ok(&["systemctl", "start", UNIT]);
    let pid = module::wait_main_pid(c, UNIT, 0, BOUND).expect("the console runs");
    module::wait_screen(c, "F1 Logs", BOUND);
    pid
}

/// A line of /proc/PID/status inside the container.
fn status_field(c: &SystemdContainer, pid: u32, field: &str) -> String {
    let status = c.exec_ok(&["cat", &format!("/proc/{pid}/status")]);
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("{field} in {status}"))
        .trim()
        .to_string()
}

/// `hypervisor-tui ARGS` as the console user, through `systemd-run` with the unit's own
/// hardening (or only its User/Group, for comparison), its stdout.
fn run_as_console(c: &SystemdContainer, hardened: bool, args: &[&str]) -> std::process::Output {
    let props = if hardened {
        module::hardening_properties()
    } else {
        vec![format!("User={USER}"), format!("Group={USER}")]
    };
    let mut argv = vec!["systemd-run", "--quiet", "--wait", "--pipe", "--collect"];
    for p in &props {
        argv.extend(["-p", p.as_str()]);
    }
    argv.push(BIN);
    argv.extend(["--config", "/etc/hypervisor-tui/config.toml"]);
    argv.extend(args);
    c.exec(&argv)
}

fn sources_as_console(c: &SystemdContainer, hardened: bool) -> Value {
    let out = run_as_console(c, hardened, &["snapshot", "--json", "--timeout", "20"]);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("snapshot --json: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    support::snapshot::validate_snapshot(&v);
    v["sources"].clone()
}

#[test]
fn store_paths_are_substituted() {
    let t = "ExecStart=/nix/store/6c07fd6295011e5fb27322603e56a338-hypervisor-tui/bin/hypervisor-tui --config x\n\
             u x - /nix/store/6750ca7fb02dc628ff2cf382efda95c5-bash-interactive/bin/bash\n\
             X=/nix/store/5ec53c17d313cf2bb9275e8e4abe9627-hypervisor-tui-config.toml";
    let s = module::substitute_store_paths(t);
    assert!(s.starts_with(&format!("ExecStart={BIN} --config x\n")), "{s}");
    assert!(s.contains(" /bin/bash\n"), "{s}");
    assert!(s.ends_with("X=/nix/store/5ec53c17d313cf2bb9275e8e4abe9627-hypervisor-tui-config.toml"), "{s}");
}

#[test]
fn the_console_runs_as_its_user_under_the_hardening_and_reads_every_source() {
    let Some(c) = console_with_libvirtd() else { return };
    let pid = start_console(&c);

    // The masks: systemd refuses to start a login prompt on tty1.
    for getty in ["getty@tty1.service", "autovt@tty1.service"] {
        let enabled = c.exec(&["systemctl", "is-enabled", getty]);
        assert_eq!(String::from_utf8_lossy(&enabled.stdout).trim(), "masked", "{getty}");
        let out = c.exec(&["systemctl", "start", getty]);
        assert!(!out.status.success(), "{getty} started");
        assert!(String::from_utf8_lossy(&out.stderr).contains("masked"), "{out:?}");
    }

    // The unprivileged user, no capabilities, no new privileges, in systemd-journal.
    let uid = c.exec_ok(&["id", "-u", USER]).trim().to_string();
    let journal_gid = c.exec_ok(&["getent", "group", "systemd-journal"]);
    let journal_gid = journal_gid.split(':').nth(2).expect("gid").to_string();
    assert!(status_field(&c, pid, "Uid").split_whitespace().all(|u| u == uid), "runs as {USER}");
    assert_eq!(status_field(&c, pid, "CapEff"), "0000000000000000");
    assert_eq!(status_field(&c, pid, "NoNewPrivs"), "1");
    assert!(status_field(&c, pid, "Groups").split_whitespace().any(|g| g == journal_gid));
    // The console's own header: it reads the journal and libvirt's read-only socket.
    let start = Instant::now();
    loop {
        let screen = module::screen(&c);
        let header = screen.lines().next().unwrap_or("");
        let journal = header.contains("jrnl:ok") || header.contains("journal ok");
        let libvirt = header.contains("virt:ok") || header.contains("libvirt ok");
        if journal && libvirt {
            break;
        }
        assert!(start.elapsed() < BOUND, "the header says a source is not read:\n{screen}");
        std::thread::sleep(Duration::from_millis(200));
    }

    // Every source, as the console user with the unit's full hardening: what the host has
    // (journal, /proc, netlink, systemd, libvirt's read-only socket) is ok ...
    let hardened = sources_as_console(&c, true);
    for s in ["journal", "procfs", "netlink", "systemd", "libvirt"] {
        assert_eq!(hardened[s]["state"], "ok", "{s} under the hardening: {}", hardened[s]);
    }
    // ... and no source fares worse than for the same user without the hardening (the
    // container itself refuses some things, e.g. adjtimex for `time`: both see that).
    let plain = sources_as_console(&c, false);
    for (name, h) in hardened.as_object().expect("sources") {
        assert_eq!(h["state"], plain[name]["state"], "{name}: hardened {h}, not hardened {}", plain[name]);
    }
    eprintln!("sources under the hardening: {hardened}");

    // `check` as the console would run it: a source it cannot read names the option to set
    // (here: no kubeconfig on this fresh host).
    let check = run_as_console(&c, true, &["check"]);
    let text = String::from_utf8_lossy(&check.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let kube = lines.iter().position(|l| l.starts_with("kubernetes")).unwrap_or_else(|| panic!("{text}"));
    assert!(lines[kube].contains("no kubeconfig"), "{text}");
    let hint = lines.get(kube + 1).copied().unwrap_or("");
    assert!(
        hint.trim_start().starts_with("on NixOS: services.hypervisor-tui.kubernetes.provision = true"),
        "{text}"
    );
    for ok in ["journal", "procfs", "netlink", "libvirt", "systemd"] {
        assert!(lines.iter().any(|l| l.starts_with(ok) && l.contains(" ok ")), "{ok}: {text}");
    }
}

#[test]
fn default_policies_let_the_console_user_read_libvirt_and_systemd_and_nothing_more() {
    let Some(c) = console_with_libvirtd() else { return };
    // libvirt's defaults: the read-only socket is world-accessible, the read-write one is
    // behind polkit's administrator authentication.
    let mode = c.exec_ok(&["stat", "-c", "%a %U", "/run/libvirt/libvirt-sock-ro"]);
    assert_eq!(mode.trim(), "777 root", "libvirt-sock-ro");
    let as_user = |cmd: &[&str]| {
        let mut argv = vec!["setpriv", "--reuid", USER, "--regid", USER, "--init-groups", "--"];
        argv.extend(cmd);
        c.exec(&argv)
    };
    let ro = as_user(&["virsh", "-r", "-c", "qemu:///system", "list", "--all"]);
    assert!(ro.status.success(), "read-only libvirt as {USER}: {}", String::from_utf8_lossy(&ro.stderr));
    let rw = as_user(&["virsh", "-c", "qemu:///system", "list", "--all"]);
    assert!(!rw.status.success(), "read-write libvirt as {USER} must be refused");
    assert!(String::from_utf8_lossy(&rw.stderr).contains("org.libvirt.unix.manage"), "{rw:?}");

    // D-Bus: reading systemd's and machined's managers is allowed by their default policy;
    // changing anything is not.
    let busctl = |args: &[&str]| {
        let mut argv = vec!["busctl", "--system", "--no-pager", "call"];
        argv.extend(args);
        as_user(&argv)
    };
    for (dest, path, iface, method) in [
        (
            "org.freedesktop.systemd1",
            "/org/freedesktop/systemd1",
            "org.freedesktop.systemd1.Manager",
            "ListUnits",
        ),
        (
            "org.freedesktop.machine1",
            "/org/freedesktop/machine1",
            "org.freedesktop.machine1.Manager",
            "ListMachines",
        ),
    ] {
        let out = busctl(&[dest, path, iface, method]);
        assert!(out.status.success(), "{dest} {method} as {USER}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let start = busctl(&[
        "org.freedesktop.systemd1",
        "/org/freedesktop/systemd1",
        "org.freedesktop.systemd1.Manager",
        "StartUnit",
        "ss",
        "libvirtd.service",
        "replace",
    ]);
    assert!(!start.status.success(), "{USER} could start a unit");
    let err = String::from_utf8_lossy(&start.stderr).to_lowercase();
    assert!(err.contains("access denied") || err.contains("interactive authentication required"), "{err}");
}

#[test]
fn killed_it_comes_back_always_and_a_hangup_ends_it_cleanly() {
    let Some(c) = console() else { return };
    let restart = restart_sec();
    let mut pid = start_console(&c);

    // One kill: back after RestartSec (plus what a loaded machine adds).
    let killed = Instant::now();
    c.exec_ok(&["kill", "-9", &pid.to_string()]);
    pid = module::wait_main_pid(&c, UNIT, pid, BOUND).expect("restarted after a kill");
    let back = killed.elapsed();
    eprintln!("back {back:?} after kill -9 (RestartSec={restart:?})");
    assert!(back < restart + Duration::from_secs(5), "took {back:?}");
    module::wait_screen(&c, "F1 Logs", BOUND);

    // 20 more, each as soon as the last one runs: far past systemd's default start limit
    // (5 in 10 s), and StartLimitIntervalSec=0 keeps it coming back.
    for i in 0..20 {
        c.exec_ok(&["kill", "-9", &pid.to_string()]);
        pid = module::wait_main_pid(&c, UNIT, pid, BOUND).unwrap_or_else(|| {
            panic!("not restarted after kill {}: {}", i + 2, module::prop(&c, UNIT, "Result"))
        });
    }
    let restarts: u32 = module::prop(&c, UNIT, "NRestarts").parse().expect("NRestarts");
    assert!(restarts >= 21, "NRestarts={restarts}");
    module::wait_screen(&c, "F1 Logs", BOUND);

    // Another unit taking the tty with TTYVHangup (a getty started by hand, say) hangs it up:
    // the console gets SIGHUP and ends with status 0, saying nothing into the journal.
    let before = module::journal(&c, UNIT).lines().count();
    c.exec_ok(&[
        "systemd-run",
        "--quiet",
        "--wait",
        "-p",
        "TTYPath=/dev/tty1",
        "-p",
        "TTYVHangup=yes",
        "-p",
        "StandardInput=tty-force",
        "-p",
        "StandardOutput=null",
        "true",
    ]);
    let next = module::wait_main_pid(&c, UNIT, pid, BOUND).expect("restarted after the hang-up");
    // journald may write systemd's lines a moment after the restart.
    let start = Instant::now();
    let journal = loop {
        let journal = module::journal(&c, UNIT);
        if journal.lines().skip(before).any(|l| l.contains("Deactivated successfully")) {
            break journal;
        }
        assert!(start.elapsed() < BOUND, "{:#?}", journal.lines().skip(before).collect::<Vec<_>>());
        std::thread::sleep(Duration::from_millis(100));
    };
    let after: Vec<&str> = journal.lines().skip(before).collect();
    assert!(!after.iter().any(|l| l.contains("status=") || l.contains("Failed")), "{after:#?}");
    // Its own words on the way out: none (the terminal is gone; nothing to complain about).
    let pid_tag = format!("[{pid}]");
    let log = c.exec_ok(&["journalctl", "--no-pager", "-o", "short", "-u", UNIT]);
    let own: Vec<&str> = log.lines().filter(|l| l.contains(&pid_tag)).collect();
    assert!(own.is_empty(), "the console logged on hang-up: {own:#?}");
    assert_ne!(next, pid);
    module::wait_screen(&c, "F1 Logs", BOUND);
}

#[test]
fn a_config_error_keeps_it_in_a_visible_restart_loop() {
    let Some(c) = console() else { return };
    module::put(&c, "/etc/hypervisor-tui/config.toml", "refresh_interval = \"fast\"\n");
    c.exec_ok(&["systemctl", "start", "--no-block", UNIT]);
    let start = Instant::now();
    let restarts = || module::prop(&c, UNIT, "NRestarts").parse::<u32>().unwrap_or(0);
    while restarts() < 3 {
        assert!(start.elapsed() < BOUND, "no restart loop: {}", module::journal(&c, UNIT));
        std::thread::sleep(Duration::from_millis(100));
    }
    // What an operator sees: the restart counter (`systemctl status` shows the current
    // attempt only) and, in the unit's journal, systemd's restarts and the error itself.
    let needles = [
        // the error, naming file and key
        "/etc/hypervisor-tui/config.toml",
        "refresh_interval",
        // systemd's account of the loop
        "Failed with result 'exit-code'",
        "Scheduled restart job, restart counter is at 3",
    ];
    module::wait_journal(&c, UNIT, &needles, BOUND);

    // Fixed, it recovers on its own at the next restart.
    module::put(&c, "/etc/hypervisor-tui/config.toml", &module::rendered("config.toml"));
    module::wait_main_pid(&c, UNIT, 0, BOUND).expect("runs once the config is fixed");
    module::wait_screen(&c, "F1 Logs", BOUND);
}

/// CI cannot re-render (no harness, no nixpkgs lib): at least the hardening written in
/// module.nix must be what the committed unit has, or the rendering is stale.
#[test]
fn the_rendered_unit_has_the_module_s_hardening() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("nixos/module.nix");
    let nix = std::fs::read_to_string(path).expect("nixos/module.nix");
    let block = nix
        .split("  hardening = {\n")
        .nth(1)
        .and_then(|b| b.split("\n  };").next())
        .expect("hardening block");
    let unit = module::rendered(UNIT);
    let mut keys = 0;
    for line in block.lines().map(str::trim).filter(|l| !l.starts_with('#') && l.contains(" = ")) {
        let key = line.split(" = ").next().unwrap_or("");
        assert!(
            unit.lines().any(|l| l.starts_with(&format!("{key}="))),
            "module.nix sets {key}, nixos/tests/rendered/{UNIT} does not: re-run nixos/tests/render-units.sh"
        );
        keys += 1;
    }
    assert!(keys >= 10, "only {keys} hardening settings found in module.nix");
}
