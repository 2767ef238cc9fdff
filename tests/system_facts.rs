//! F5's host facts read from fixture roots (tests/fixtures/system + NixOS symlink trees
//! built at run time): the collector, the alerts it raises through the model, and the real
//! binary's `snapshot --json` with HYPERVISOR_TUI_ROOT / HYPERVISOR_TUI_PROC on a fixture.

mod support;

use hypervisor_tui::collectors::system::clock::{Adjtimex, ClockSource, Timex};
use hypervisor_tui::collectors::system::read_all;
use hypervisor_tui::collectors::system::root::HostRoot;
use hypervisor_tui::event::{Health, SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::system::Fact;
use std::io;
use std::process::Command;
use support::system::{fixture, host_root, store};

/// Clock readings given by the test (the kernel's own is read in the unit tests).
struct Given(Timex);

impl ClockSource for Given {
    fn read(&self) -> io::Result<Timex> {
        Ok(self.0)
    }
}

fn alerts_of(reading: hypervisor_tui::collectors::system::Reading) -> Vec<String> {
    let mut m = Model::default();
    m.apply(Update::System(Box::new(reading.facts)));
    m.alerts().into_iter().map(|a| a.text).collect()
}

#[test]
fn a_newer_kernel_than_booted_needs_a_reboot() {
    let root = host_root("sys-cool", Some(("6.12.58", "6.12.60")));
    let r = read_all(&HostRoot::new(root.path()), &fixture("proc-healthy"), &Adjtimex);
    let n = r.facts.nixos.known().expect("a NixOS tree");
    assert_eq!(n.reboot_needed(), Some(true));
    assert_eq!(
        n.reboot_reasons,
        ["kernel 6.12.58 → 6.12.60", "initrd 6.12.58 → 6.12.60", "kernel modules 6.12.58 → 6.12.60"]
    );
    assert_eq!((n.current_generation, n.profile_generation), (Some(42), Some(42)));
    assert_eq!(n.previous().map(|g| g.number), Some(41));
    assert_eq!(n.generations.len(), 3);
    assert!(
        n.current.store_path.ends_with("-nixos-system-hv1-25.11.20251242.abcdef42"),
        "{}",
        n.current.store_path
    );
    assert_eq!(n.current.nixos_version.as_deref(), Some("25.11.20251242.abcdef42 (Xantusia)"));
    assert_eq!(
        n.current.kernel.as_ref().unwrap().store_path,
        format!("{}/bzImage", store("6.12.60", "linux-6.12.60"))
    );
    assert!(n.last_switch.is_some() && n.generations.iter().all(|g| g.created.is_some()));
    assert_eq!(r.health[0], (SourceId::Nixos, Health::Ok("generation 42".into())));
    let alerts = alerts_of(r);
    let want =
        "reboot needed: kernel 6.12.58 → 6.12.60, initrd 6.12.58 → 6.12.60, kernel modules 6.12.58 → 6.12.60";
    assert!(alerts.iter().any(|a| a == want), "{alerts:?}");
}

#[test]
fn the_same_kernel_needs_no_reboot() {
    let root = host_root("sys-cool", Some(("6.12.60", "6.12.60")));
    let r = read_all(&HostRoot::new(root.path()), &fixture("proc-healthy"), &Adjtimex);
    let n = r.facts.nixos.known().unwrap();
    assert_ne!(n.booted.as_ref().unwrap().store_path, n.current.store_path, "two generations, one kernel");
    assert_eq!((n.reboot_needed(), n.reboot_reasons.len()), (Some(false), 0));
    assert!(!alerts_of(r).iter().any(|a| a.contains("reboot")));
}

#[test]
fn a_host_without_nixos_says_so_in_one_line() {
    let root = host_root("sys-cool", None);
    let r = read_all(&HostRoot::new(root.path()), &fixture("proc-healthy"), &Adjtimex);
    assert_eq!(r.facts.nixos, Fact::Unknown("not NixOS".into()));
    assert_eq!(r.health[0], (SourceId::Nixos, Health::Unavailable("not NixOS".into())));
}

#[test]
fn degraded_arrays_pools_heat_and_memory_errors_raise_alerts() {
    let root = host_root("sys-hot", None);
    let unsync =
        Given(Timex { status: libc::STA_UNSYNC, offset: 0, maxerror: 16_000_000, esterror: 16_000_000 });
    let r = read_all(&HostRoot::new(root.path()), &fixture("proc-degraded"), &unsync);
    let temps = r.facts.hardware.temperatures.known().unwrap();
    let names: Vec<(&str, &str)> = temps.iter().map(|t| (t.hwmon.as_str(), t.label.as_str())).collect();
    assert_eq!(
        names,
        [("hwmon0", "Package id 0"), ("hwmon0", "Core 0"), ("hwmon1", "Composite")],
        "hwmon1 is a link into /sys/devices"
    );
    let mc = &r.facts.hardware.edac.known().unwrap()[0];
    assert_eq!((mc.ce_count, mc.ue_count, mc.dimms.len()), (3, 1, 2));
    let zfs = r.facts.storage.zfs.known().unwrap();
    assert_eq!(
        zfs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["rpool", "tank"],
        "arcstats is no pool"
    );
    let alerts = alerts_of(r);
    for want in [
        "clock not synchronised",
        "md0 degraded (sdb1 failed)",
        "md2 degraded (1 of 3 devices missing, recovery 8.5%)",
        "zpool tank DEGRADED",
        "coretemp Package id 0 97 °C ≥ critical 95 °C",
        "mc0: 1 uncorrected memory error(s)",
    ] {
        assert!(alerts.iter().any(|a| a == want), "want {want:?} in {alerts:?}");
    }
    assert!(
        !alerts.iter().any(|a| a.contains("md1") || a.contains("rpool") || a.contains("Core 0")),
        "{alerts:?}"
    );
}

#[test]
fn a_resync_shows_its_progress_and_a_healthy_host_raises_nothing() {
    let root = host_root("sys-cool", Some(("6.12.60", "6.12.60")));
    let synced = Given(Timex { status: 0, offset: 120, maxerror: 40_000, esterror: 200 });
    let r = read_all(&HostRoot::new(root.path()), &fixture("proc-healthy"), &synced);
    let md0 = &r.facts.storage.md.known().unwrap()[0];
    let sync = md0.sync.as_ref().expect("resync in progress");
    assert_eq!((sync.action.as_str(), sync.percent, sync.finish_s), ("resync", 12.4, Some(2112)));
    assert!(!md0.degraded());
    assert_eq!(r.facts.hardware.temperatures.known().unwrap()[0].crit, None, "no limit given, none invented");
    assert_eq!(alerts_of(r), Vec::<String>::new());
}

#[test]
fn an_empty_root_is_unknown_with_reasons_not_zeros() {
    let root = tempfile::tempdir().unwrap();
    let r = read_all(&HostRoot::new(root.path()), root.path(), &Adjtimex);
    assert_eq!(
        r.facts.hardware.edac.reason(),
        Some("no EDAC driver loaded (no /sys/devices/system/edac/mc)")
    );
    assert_eq!(r.facts.hardware.temperatures.reason(), Some("no /sys/class/hwmon"));
    assert!(matches!(&r.health[3], (SourceId::Hardware, Health::Unavailable(_))));
    assert_eq!(r.facts.storage.md, Fact::Known(vec![]), "no md driver, no arrays");
}

#[test]
fn snapshot_json_reads_the_host_root() {
    let root = host_root("sys-hot", Some(("6.12.58", "6.12.60")));
    let cfg = root.path().join("quiet.toml");
    std::fs::write(&cfg, "[libvirt]\nuris = []\n[kubernetes]\nenabled = false\n").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"));
    cmd.args(["--config", cfg.to_str().unwrap(), "snapshot", "--json", "--timeout", "3"])
        .env("HYPERVISOR_TUI_ROOT", root.path())
        .env("HYPERVISOR_TUI_PROC", fixture("proc-degraded"))
        .env_remove("SSH_ORIGINAL_COMMAND");
    let (_, v) = support::snapshot::snapshot_json(&mut cmd);
    let n = &v["nixos"];
    assert_eq!(
        (n["reboot_needed"].as_bool(), n["current_generation"].as_u64()),
        (Some(true), Some(42)),
        "{n}"
    );
    assert_eq!(n["reboot_reasons"][0], "kernel 6.12.58 → 6.12.60");
    assert_eq!(
        (n["booted_kernel"].as_str(), n["current_kernel"].as_str()),
        (Some("6.12.58"), Some("6.12.60"))
    );
    assert!(n["booted_system"].as_str().unwrap().starts_with("/nix/store/"), "host paths, not the fixture's");
    assert_eq!(v["storage"]["zfs"][1]["state"], "DEGRADED");
    assert_eq!(v["storage"]["md"][1]["degraded"], true);
    assert_eq!(v["hardware"]["edac"]["ue_total"], 1);
    assert_eq!(v["hardware"]["temperatures"][0]["crit_celsius"], 95.0);
    assert!(v["time"]["synchronized"].is_boolean(), "the real adjtimex answers: {}", v["time"]);
    for src in ["nixos", "time", "storage", "hardware"] {
        assert_eq!(v["sources"][src]["state"], "ok", "{src}: {}", v["sources"][src]);
    }
    // The text form says the same, one section per fact, in ASCII.
    let text = Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"))
        .args(["--config", cfg.to_str().unwrap(), "snapshot", "--timeout", "3"])
        .env("HYPERVISOR_TUI_ROOT", root.path())
        .env("HYPERVISOR_TUI_PROC", fixture("proc-degraded"))
        .env_remove("SSH_ORIGINAL_COMMAND")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let section = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name:<9}")))
            .unwrap_or_else(|| panic!("{name}:\n{text}"))
    };
    assert!(
        section("nixos").contains("gen 42")
            && section("nixos").contains("reboot needed: kernel 6.12.58 -> 6.12.60")
    );
    assert!(section("storage").contains("DEGRADED"), "{text}");
    assert!(section("time").len() > 9 && section("hardware").len() > 9, "{text}");
    assert!(text.is_ascii(), "{text}");
    // Not NixOS: the section is null and the source says why.
    let plain = host_root("sys-cool", None);
    cmd.env("HYPERVISOR_TUI_ROOT", plain.path());
    let (_, v) = support::snapshot::snapshot_json(&mut cmd);
    assert!(v["nixos"].is_null());
    assert_eq!(
        (v["sources"]["nixos"]["state"].as_str(), v["sources"]["nixos"]["reason"].as_str()),
        (Some("unavailable"), Some("not NixOS"))
    );
    let check = Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"))
        .args(["--config", cfg.to_str().unwrap(), "check"])
        .env("HYPERVISOR_TUI_ROOT", plain.path())
        .env("HYPERVISOR_TUI_PROC", fixture("proc-degraded"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    for src in ["nixos", "time", "storage", "hardware"] {
        assert!(text.lines().any(|l| l.trim_start().starts_with(src)), "check names {src}:\n{text}");
    }
}
