//! `nixos`, `time`, `storage`, `hardware`: F5's host facts. Each section is `null` when it
//! could not be read, and the reason is `sources.<section>.reason` ("not NixOS").

use schemars::JsonSchema;
use serde::Serialize;

/// The NixOS system: what runs, what was booted, and whether a reboot is needed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Nixos {
    /// The profile generation whose `system-N-link` points at the running system; `null`
    /// when none does (activated with `nixos-rebuild test`, or the link was collected).
    pub current_generation: Option<u32>,
    /// `/run/current-system`, resolved: `/nix/store/…-nixos-system-HOST-VERSION`.
    pub current_system: String,
    /// The running system's `nixos-version`; `null` when the closure has none.
    pub nixos_version: Option<String>,
    /// `/run/booted-system`, resolved; `null` when it could not be read.
    pub booted_system: Option<String>,
    /// True when the booted kernel, initrd or kernel modules differ from the current
    /// system's; `null` when the booted system is unknown.
    pub reboot_needed: Option<bool>,
    /// What differs ("kernel 6.12.58 → 6.12.60"); empty when nothing does.
    pub reboot_reasons: Vec<String>,
    /// The kernel version of the current system (from its store path); `null` if unnamed.
    pub current_kernel: Option<String>,
    /// The kernel version of the booted system; `null` if unknown.
    pub booted_kernel: Option<String>,
    /// The profile's default generation (`system` → `system-N-link`): what the next boot
    /// starts; `null` when the profile link could not be read.
    pub profile_generation: Option<u32>,
    /// The newest generation older than the current one; `null` when there is none.
    pub previous_generation: Option<Generation>,
    /// When the current system was switched to (`/run/current-system`'s mtime), seconds
    /// since the epoch; `null` when unknown.
    pub last_switch_unix: Option<i64>,
    /// Every `system-N-link` generation, oldest first.
    pub generations: Vec<Generation>,
}

/// One profile generation.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Generation {
    pub number: u32,
    pub store_path: String,
    /// When it was made (the link's mtime), seconds since the epoch; `null` if unknown.
    pub created_unix: Option<i64>,
}

/// The kernel's clock discipline (`adjtimex(2)`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Time {
    /// The kernel's `STA_UNSYNC` flag is clear: a time daemon disciplines the clock.
    pub synchronized: bool,
    pub offset_us: i64,
    /// The kernel's maximum error estimate.
    pub max_error_us: i64,
    pub est_error_us: i64,
    /// "systemd-timesyncd", "chronyd", "ntpd"; `null` when none is seen.
    pub source: Option<String>,
}

/// mdraid and ZFS pool health (the mounts' usage is under `disks`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Storage {
    /// Arrays of /proc/mdstat (empty without the md driver); `null` when it could not be
    /// read (see `sources.storage`).
    pub md: Option<Vec<MdArray>>,
    /// Pools of /proc/spl/kstat/zfs (empty without ZFS); `null` when unreadable.
    pub zfs: Option<Vec<ZfsPool>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct MdArray {
    pub name: String,
    /// "active", "inactive", "active (auto-read-only)".
    pub state: String,
    /// "raid1", "raid5", …; `null` for an inactive array.
    pub level: Option<String>,
    pub degraded: bool,
    /// Devices the array wants and has working; `null` when mdstat does not say.
    pub devices_wanted: Option<u32>,
    pub devices_working: Option<u32>,
    pub members: Vec<MdMember>,
    /// The per-slot map as mdstat prints it ("UU_"), empty when absent.
    pub slots: String,
    /// A resync/recovery/check/reshape in progress; `null` when none is.
    pub sync: Option<MdSync>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct MdMember {
    pub device: String,
    pub faulty: bool,
    pub spare: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct MdSync {
    pub action: String,
    pub percent: f64,
    pub finish_s: Option<u64>,
    pub speed_kib_s: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ZfsPool {
    pub name: String,
    /// ONLINE, DEGRADED, FAULTED, OFFLINE, UNAVAIL, REMOVED, SUSPENDED.
    pub state: String,
}

/// Temperatures and memory errors.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Hardware {
    /// Every hwmon temperature sensor; empty without sensor drivers (a VM); `null` when
    /// /sys/class/hwmon could not be read (see `sources.hardware`).
    pub temperatures: Option<Vec<Temperature>>,
    /// EDAC memory errors; `null` when no EDAC driver is loaded: the errors are unknown,
    /// not zero.
    pub edac: Option<Edac>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Temperature {
    /// The driver (`name`): coretemp, k10temp, nvme, acpitz, …
    pub chip: String,
    pub hwmon: String,
    pub label: String,
    pub celsius: f64,
    /// The driver's critical threshold; `null` when it gives none.
    pub crit_celsius: Option<f64>,
    pub max_celsius: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Edac {
    /// Corrected errors of every memory controller.
    pub ce_total: u64,
    /// Uncorrected errors of every memory controller.
    pub ue_total: u64,
    pub controllers: Vec<MemoryController>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct MemoryController {
    pub name: String,
    pub driver: Option<String>,
    pub ce_count: u64,
    pub ue_count: u64,
    pub dimms: Vec<Dimm>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Dimm {
    pub name: String,
    pub label: Option<String>,
    pub ce_count: u64,
    pub ue_count: u64,
}
