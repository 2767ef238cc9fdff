//! F5's demo data: the units and host facts of a NixOS hypervisor that was switched to a new
//! kernel and not rebooted yet, with one failed backup job. Fixed, for the README's screen.

use super::cluster::NOW;
use crate::model::system::{
    Clock, Fact, Generation, Hardware, MemoryController, Nixos, Storage, StorePart, SystemClosure,
    SystemFacts, Temperature, ZfsPool,
};
use crate::model::units::Unit;

fn unit(name: &str, description: &str, active: &str, sub: &str, ago_s: i64) -> Unit {
    Unit {
        name: name.into(),
        description: description.into(),
        load: "loaded".into(),
        active: active.into(),
        sub: sub.into(),
        result: Some(if active == "failed" { "exit-code" } else { "success" }.into()),
        since: Some(NOW - ago_s),
    }
}

/// The units systemd would list: one failed, the hypervisor's services running.
pub fn units() -> Vec<Unit> {
    let running = [
        ("k3s.service", "Lightweight Kubernetes", 86_400 * 3),
        ("libvirtd.service", "Virtualization daemon", 86_400 * 3),
        ("virtlogd.service", "Virtual machine log manager", 86_400 * 3),
        ("containerd.service", "containerd container runtime", 86_400 * 3),
        ("systemd-journald.service", "Journal Service", 86_400 * 3),
        ("systemd-timesyncd.service", "Network Time Synchronization", 86_400 * 3),
        ("sshd.service", "SSH Daemon", 86_400 * 3),
        ("zfs-zed.service", "ZFS Event Daemon (zed)", 86_400 * 3),
        ("node-exporter.service", "Prometheus node exporter", 7_200),
        ("nginx.service", "Nginx Web Server", 7_200),
    ];
    let mut list =
        vec![unit("restic-backups-vms.service", "restic backup of the VM images", "failed", "failed", 1_260)];
    list.extend(running.iter().map(|(n, d, ago)| unit(n, d, "active", "running", *ago)));
    list
}

fn store(hash: &str, name: &str) -> String {
    format!("/nix/store/{hash:0<32}-{name}")
}

fn closure(label: &str, hash: &str, kernel: &str) -> SystemClosure {
    let part =
        |h: &str, name: String| StorePart { store_path: store(h, &name), version: Some(kernel.into()) };
    SystemClosure {
        store_path: store(hash, &format!("nixos-system-hv-demo-{label}")),
        nixos_version: Some(format!("{label} (Xantusia)")),
        kernel: Some(part(&format!("k{hash}"), format!("linux-{kernel}"))),
        initrd: Some(part(&format!("i{hash}"), format!("initrd-linux-{kernel}"))),
        kernel_modules: Some(part(&format!("m{hash}"), format!("linux-{kernel}-modules"))),
    }
}

/// Host facts: reboot needed after a kernel update, clock synchronised, pools healthy.
pub fn facts() -> SystemFacts {
    let generations = (57..=59)
        .map(|n| Generation {
            number: n,
            store_path: store(&format!("g{n}"), "nixos-system-hv-demo"),
            created: Some(NOW - i64::from(60 - n) * 86_400 * 2),
        })
        .collect();
    let nixos = Nixos {
        current: closure("25.11.20251128.9f1e2d3", "c59", "6.12.60"),
        booted: Ok(closure("25.11.20251121.4a5b6c7", "b58", "6.12.58")),
        current_generation: Some(59),
        profile_generation: Some(59),
        generations,
        last_switch: Some(NOW - 4 * 3_600),
        reboot_reasons: vec!["kernel 6.12.58 → 6.12.60".into(), "kernel modules 6.12.58 → 6.12.60".into()],
    };
    let time = Clock {
        synchronized: true,
        offset_us: 184,
        max_error_us: 41_200,
        est_error_us: 290,
        source: Some("systemd-timesyncd".into()),
    };
    let pools = ["rpool", "tank"].map(|n| ZfsPool { name: n.into(), state: "ONLINE".into() });
    let t = |chip: &str, hwmon: &str, label: &str, c: f64, crit: f64| Temperature {
        chip: chip.into(),
        hwmon: hwmon.into(),
        label: label.into(),
        celsius: c,
        crit: Some(crit),
        max: None,
    };
    let temperatures = vec![
        t("k10temp", "hwmon1", "Tctl", 61.5, 100.0),
        t("nvme", "hwmon2", "Composite", 43.9, 84.9),
        t("nvme", "hwmon3", "Composite", 45.9, 84.9),
    ];
    let mc = |n: u32| MemoryController {
        name: format!("mc{n}"),
        driver: Some("F19h_M10h".into()),
        ce_count: 0,
        ue_count: 0,
        dimms: Vec::new(),
    };
    SystemFacts {
        nixos: Fact::Known(nixos),
        time: Fact::Known(time),
        storage: Storage { md: Fact::Known(Vec::new()), zfs: Fact::Known(pools.into()) },
        hardware: Hardware { temperatures: Fact::Known(temperatures), edac: Fact::Known(vec![mc(0), mc(1)]) },
    }
}
