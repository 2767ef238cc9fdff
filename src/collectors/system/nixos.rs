//! The NixOS generation facts, read under the host root. The layout is NixOS's own
//! (nixpkgs nixos/modules/system/activation/top-level.nix and boot/kernel.nix): a system
//! closure holds `nixos-version` and the links `kernel`, `initrd`, `kernel-modules`;
//! activation points `/run/current-system` at it, stage 2 of boot `/run/booted-system`;
//! `/nix/var/nix/profiles/system` → `system-N-link` → the closure of generation N.

use super::parse::{generation_number, kernel_version, nixos_version};
use super::root::HostRoot;
use crate::model::system::{Fact, Generation, Nixos, StorePart, SystemClosure};
use std::io;
use std::time::UNIX_EPOCH;

const PROFILES: &str = "/nix/var/nix/profiles";

pub fn read(root: &HostRoot) -> Fact<Nixos> {
    let current = match root.resolve("/run/current-system") {
        Ok(r) => r,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !root.lexical("/etc/NIXOS").exists() => {
            return Fact::Unknown("not NixOS".into());
        }
        Err(e) => return Fact::Unknown(format!("cannot read /run/current-system: {e}")),
    };
    let current = closure(root, &current.host);
    let booted = root
        .resolve("/run/booted-system")
        .map(|b| closure(root, &b.host))
        .map_err(|e| format!("cannot read /run/booted-system: {e}"));
    let generations = generations(root);
    let current_generation =
        generations.iter().find(|g| g.store_path == current.store_path).map(|g| g.number);
    let profile_generation = root
        .resolve_parent(&format!("{PROFILES}/system"))
        .and_then(|l| std::fs::read_link(l.real))
        .ok()
        .and_then(|t| generation_number(&t.file_name()?.to_string_lossy()));
    let reboot_reasons = booted.as_ref().map(|b| reboot_reasons(b, &current)).unwrap_or_default();
    let last_switch = link_mtime(root, "/run/current-system");
    Fact::Known(Nixos {
        current,
        booted,
        current_generation,
        profile_generation,
        generations,
        last_switch,
        reboot_reasons,
    })
}

/// The closure at `store_path` (a host path, symlinks resolved).
fn closure(root: &HostRoot, store_path: &str) -> SystemClosure {
    let part = |name: &str| root.resolve(&format!("{store_path}/{name}")).ok();
    let version_file = part("nixos-version").and_then(|r| std::fs::read_to_string(r.real).ok());
    let modules = part("kernel-modules").map(|m| {
        // kernel-modules/lib/modules/<version>: the one directory names the version.
        let dir = std::fs::read_dir(m.real.join("lib/modules")).ok();
        let from_dir = dir.and_then(|d| d.flatten().find_map(|e| e.file_name().into_string().ok()));
        StorePart { version: from_dir.or_else(|| kernel_version(&m.host)), store_path: m.host }
    });
    let with_version =
        |r: super::root::Resolved| StorePart { version: kernel_version(&r.host), store_path: r.host };
    SystemClosure {
        store_path: store_path.to_string(),
        nixos_version: version_file.as_deref().and_then(nixos_version),
        kernel: part("kernel").map(with_version),
        initrd: part("initrd").map(with_version),
        kernel_modules: modules,
    }
}

/// What differs between the booted and the current system's boot parts.
pub fn reboot_reasons(booted: &SystemClosure, current: &SystemClosure) -> Vec<String> {
    let parts = [
        ("kernel", &booted.kernel, &current.kernel),
        ("initrd", &booted.initrd, &current.initrd),
        ("kernel modules", &booted.kernel_modules, &current.kernel_modules),
    ];
    parts
        .into_iter()
        .filter(|(_, b, c)| b.as_ref().map(|p| &p.store_path) != c.as_ref().map(|p| &p.store_path))
        .map(|(what, b, c)| {
            let v = |p: &Option<StorePart>| p.as_ref().and_then(|p| p.version.clone());
            match (v(b), v(c)) {
                (Some(b), Some(c)) if b != c => format!("{what} {b} → {c}"),
                (Some(b), Some(_)) => format!("{what} {b} rebuilt"),
                _ => format!("{what} changed"),
            }
        })
        .collect()
}

/// Every `system-N-link` of the profile, oldest first.
fn generations(root: &HostRoot) -> Vec<Generation> {
    let Ok(dir) = root.resolve(PROFILES).and_then(|d| std::fs::read_dir(d.real)) else {
        return Vec::new();
    };
    let mut out: Vec<Generation> = dir
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let number = generation_number(&name)?;
            let link = format!("{PROFILES}/{name}");
            let store_path = root.resolve(&link).ok()?.host;
            Some(Generation { number, store_path, created: link_mtime(root, &link) })
        })
        .collect();
    out.sort_by_key(|g| g.number);
    out
}

/// The modification time of the link itself (not of what it points to).
fn link_mtime(root: &HostRoot, host_path: &str) -> Option<i64> {
    let link = root.resolve_parent(host_path).ok()?;
    let m = std::fs::symlink_metadata(link.real).ok()?.modified().ok()?;
    Some(m.duration_since(UNIX_EPOCH).ok()?.as_secs() as i64)
}
