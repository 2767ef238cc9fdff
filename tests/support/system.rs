//! Host-fact test roots: the committed fixtures (tests/fixtures/system) copied into a
//! temporary root, plus NixOS symlink trees that git cannot hold (absolute targets).

use hypervisor_tui::model::system::*;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/system").join(name)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A store path name with a 32-character hash made from `seed` (Nix's base-32 alphabet).
pub fn store(seed: &str, name: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdfghijklmnpqrsvwxyz";
    let mut h: u64 = 1469598103934665603;
    let hash: String = (0..32)
        .map(|i| {
            for b in seed.bytes().chain([i as u8]) {
                h = (h ^ b as u64).wrapping_mul(1099511628211);
            }
            ALPHABET[(h % 32) as usize] as char
        })
        .collect();
    format!("/nix/store/{hash}-{name}")
}

fn file(root: &Path, host_path: &str, body: &str) {
    let p = root.join(host_path.trim_start_matches('/'));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

fn link(root: &Path, host_path: &str, target: &str) {
    let p = root.join(host_path.trim_start_matches('/'));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    symlink(target, p).unwrap();
}

/// A NixOS system closure with kernel `kernel`, as top-level.nix and kernel.nix make it.
fn closure(root: &Path, generation: u32, kernel: &str) -> String {
    let k = store(kernel, &format!("linux-{kernel}"));
    file(root, &format!("{k}/bzImage"), "");
    let i = store(kernel, &format!("initrd-linux-{kernel}"));
    file(root, &format!("{i}/initrd"), "");
    let m = store(kernel, &format!("linux-{kernel}-modules"));
    file(root, &format!("{m}/lib/modules/{kernel}/modules.dep"), "");
    let label = format!("25.11.202512{generation:02}.abcdef{generation}");
    let sys = store(&label, &format!("nixos-system-hv1-{label}"));
    file(root, &format!("{sys}/nixos-version"), &format!("{label} (Xantusia)"));
    link(root, &format!("{sys}/kernel"), &format!("{k}/bzImage"));
    link(root, &format!("{sys}/initrd"), &format!("{i}/initrd"));
    link(root, &format!("{sys}/kernel-modules"), &m);
    sys
}

/// A NixOS host: generations 40 (kernel 6.6.1), 41 (`booted`, running since boot) and 42
/// (`current`, switched to since): /run/booted-system → 41, /run/current-system → 42.
pub fn nixos_tree(root: &Path, booted: &str, current: &str) {
    file(root, "/etc/NIXOS", "");
    let gens = [(40, "6.6.1"), (41, booted), (42, current)];
    for (n, kernel) in gens {
        let sys = closure(root, n, kernel);
        link(root, &format!("/nix/var/nix/profiles/system-{n}-link"), &sys);
        if n == 41 {
            link(root, "/run/booted-system", &sys);
        }
        if n == 42 {
            link(root, "/run/current-system", &sys);
        }
    }
    link(root, "/nix/var/nix/profiles/system", "system-42-link");
}

/// A host root: a copy of the `sys` fixture (one hwmon made a symlink into /sys/devices, as
/// on a real host), with a NixOS tree when `kernels` is given (booted, current).
pub fn host_root(sys: &str, kernels: Option<(&str, &str)>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(sys), dir.path());
    let class = dir.path().join("sys/class/hwmon/hwmon1");
    if class.exists() {
        let dev = dir.path().join("sys/devices/pci0000:00/0000:00:1d.0/nvme/nvme0/hwmon1");
        std::fs::create_dir_all(dev.parent().unwrap()).unwrap();
        std::fs::rename(&class, &dev).unwrap();
        symlink("../../devices/pci0000:00/0000:00:1d.0/nvme/nvme0/hwmon1", &class).unwrap();
    }
    if let Some((booted, current)) = kernels {
        nixos_tree(dir.path(), booted, current);
    }
    dir
}

fn sys_closure(label: &str, kernel: &str) -> SystemClosure {
    let part = |name: &str| StorePart { store_path: store(kernel, name), version: Some(kernel.into()) };
    SystemClosure {
        store_path: store(label, &format!("nixos-system-hv1-{label}")),
        nixos_version: Some(format!("{label} (Xantusia)")),
        kernel: Some(part(&format!("linux-{kernel}"))),
        initrd: Some(part(&format!("initrd-linux-{kernel}"))),
        kernel_modules: Some(part(&format!("linux-{kernel}-modules"))),
    }
}

/// A host with something wrong in every panel, for screens and the schema.
pub fn troubled_facts() -> SystemFacts {
    let booted = sys_closure("25.11.20251141.abcdef41", "6.12.58");
    let current = sys_closure("25.11.20251142.abcdef42", "6.12.60");
    let generations = (40..=42)
        .map(|n| Generation {
            number: n,
            store_path: store(&format!("g{n}"), "nixos-system-hv1"),
            created: Some(1_735_000_000 + i64::from(n - 40) * 86_400),
        })
        .collect();
    let nixos = Nixos {
        current,
        booted: Ok(booted),
        current_generation: Some(42),
        profile_generation: Some(42),
        generations,
        last_switch: Some(1_735_689_000),
        reboot_reasons: vec![
            "kernel 6.12.58 → 6.12.60".into(),
            "initrd 6.12.58 → 6.12.60".into(),
            "kernel modules 6.12.58 → 6.12.60".into(),
        ],
    };
    let time = Clock {
        synchronized: false,
        offset_us: -1834,
        max_error_us: 16_000_000,
        est_error_us: 16_000_000,
        source: None,
    };
    let mdstat = std::fs::read_to_string(fixture("proc-degraded/mdstat")).unwrap();
    let md = hypervisor_tui::collectors::system::mdstat::parse_mdstat(&mdstat);
    let zfs = vec![
        ZfsPool { name: "rpool".into(), state: "ONLINE".into() },
        ZfsPool { name: "tank".into(), state: "DEGRADED".into() },
    ];
    let t = |chip: &str, hwmon: &str, label: &str, c: f64, crit: Option<f64>, max: Option<f64>| Temperature {
        chip: chip.into(),
        hwmon: hwmon.into(),
        label: label.into(),
        celsius: c,
        crit,
        max,
    };
    let temperatures = vec![
        t("coretemp", "hwmon0", "Package id 0", 97.0, Some(95.0), Some(85.0)),
        t("coretemp", "hwmon0", "Core 0", 61.0, Some(100.0), Some(85.0)),
        t("nvme", "hwmon1", "Composite", 41.85, Some(84.85), Some(80.85)),
    ];
    let dimm = Dimm {
        name: "dimm0".into(),
        label: Some("CPU_SrcID#0_MC#0_Chan#0_DIMM#0".into()),
        ce_count: 3,
        ue_count: 1,
    };
    let mc = MemoryController {
        name: "mc0".into(),
        driver: Some("Skylake Socket#0 IMC#0".into()),
        ce_count: 3,
        ue_count: 1,
        dimms: vec![dimm],
    };
    SystemFacts {
        nixos: Fact::Known(nixos),
        time: Fact::Known(time),
        storage: Storage { md: Fact::Known(md), zfs: Fact::Known(zfs) },
        hardware: Hardware { temperatures: Fact::Known(temperatures), edac: Fact::Known(vec![mc]) },
    }
}

/// A developer's machine: not NixOS, synchronised, no md or ZFS, no sensors, no EDAC.
pub fn plain_facts() -> SystemFacts {
    let time = Clock {
        synchronized: true,
        offset_us: 212,
        max_error_us: 48_500,
        est_error_us: 310,
        source: Some("systemd-timesyncd".into()),
    };
    SystemFacts {
        nixos: Fact::Unknown("not NixOS".into()),
        time: Fact::Known(time),
        storage: Storage { md: Fact::Known(vec![]), zfs: Fact::Known(vec![]) },
        hardware: Hardware {
            temperatures: Fact::Known(vec![]),
            edac: Fact::Unknown("no EDAC driver loaded (no /sys/devices/system/edac/mc)".into()),
        },
    }
}
