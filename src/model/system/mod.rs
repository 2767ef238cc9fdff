//! Host facts for F5: the NixOS generation (and whether a reboot is needed), the clock's
//! synchronisation, mdraid/ZFS health, temperatures and memory errors. Each part is a
//! [`Fact`]: what was read, or why it could not be — never an invented value.

pub mod alerts;

/// A part of the facts: read, or unknown with the reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact<T> {
    Known(T),
    Unknown(String),
}

impl<T> Default for Fact<T> {
    fn default() -> Self {
        Fact::Unknown("not read yet".into())
    }
}

impl<T> Fact<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(v) => Some(v),
            Fact::Unknown(_) => None,
        }
    }

    /// The reason it is unknown, `None` when known.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Fact::Known(_) => None,
            Fact::Unknown(r) => Some(r),
        }
    }
}

/// Everything F5's facts panels show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SystemFacts {
    pub nixos: Fact<Nixos>,
    pub time: Fact<Clock>,
    pub storage: Storage,
    pub hardware: Hardware,
}

/// A NixOS system closure (`/nix/store/…-nixos-system-HOST-VERSION`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemClosure {
    pub store_path: String,
    /// The `nixos-version` file of the closure ("25.11.20251201.abcdef0 (Xantusia)").
    pub nixos_version: Option<String>,
    /// The kernel image's store path (`kernel` link) and the version in its name.
    pub kernel: Option<StorePart>,
    pub initrd: Option<StorePart>,
    /// The `kernel-modules` tree; its version is the one directory of `lib/modules`.
    pub kernel_modules: Option<StorePart>,
}

/// A store path a closure links to, with the version read from it when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StorePart {
    pub store_path: String,
    pub version: Option<String>,
}

/// One `system-N-link` profile generation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generation {
    pub number: u32,
    pub store_path: String,
    /// When the generation was made (the link's mtime), seconds since the epoch.
    pub created: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nixos {
    /// What runs now (`/run/current-system`).
    pub current: SystemClosure,
    /// What was booted (`/run/booted-system`); `None` when it could not be read, with why.
    pub booted: Result<SystemClosure, String>,
    /// The generation whose link points at the current system; `None` when none does
    /// (e.g. after `nixos-rebuild test`).
    pub current_generation: Option<u32>,
    /// The profile's default (`system` → `system-N-link`): what the next boot starts.
    pub profile_generation: Option<u32>,
    /// Every generation, oldest first.
    pub generations: Vec<Generation>,
    /// When the current system was switched to (`/run/current-system`'s mtime).
    pub last_switch: Option<i64>,
    /// Why the running kernel is not the current system's: "kernel 6.12.58 → 6.12.60".
    /// Empty when booted and current agree; meaningless when `booted` is unknown.
    pub reboot_reasons: Vec<String>,
}

impl Nixos {
    /// `Some(true)` when booted and current differ in kernel, initrd or modules; `None`
    /// when the booted system is unknown.
    pub fn reboot_needed(&self) -> Option<bool> {
        self.booted.as_ref().ok().map(|_| !self.reboot_reasons.is_empty())
    }

    pub fn generation(&self, n: u32) -> Option<&Generation> {
        self.generations.iter().find(|g| g.number == n)
    }

    /// The newest generation older than the current one.
    pub fn previous(&self) -> Option<&Generation> {
        let cur = self.current_generation.or(self.profile_generation)?;
        self.generations.iter().filter(|g| g.number < cur).max_by_key(|g| g.number)
    }
}

/// The kernel's clock discipline, from `adjtimex(2)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clock {
    /// `STA_UNSYNC` clear: a time daemon disciplines the clock.
    pub synchronized: bool,
    /// The current offset, in microseconds.
    pub offset_us: i64,
    /// The kernel's maximum error estimate, in microseconds.
    pub max_error_us: i64,
    /// The estimated error, in microseconds.
    pub est_error_us: i64,
    /// Who keeps it: "systemd-timesyncd", "chronyd", "ntpd"; `None` when none is seen.
    pub source: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Storage {
    /// `/proc/mdstat`; empty when the md driver is not loaded (no arrays can exist).
    pub md: Fact<Vec<MdArray>>,
    /// `/proc/spl/kstat/zfs/*/state`; empty when ZFS is not loaded.
    pub zfs: Fact<Vec<ZfsPool>>,
}

/// One md array as /proc/mdstat shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MdArray {
    pub name: String,
    /// "active", "inactive", or "active (read-only)"/"active (auto-read-only)".
    pub state: String,
    /// "raid1", "raid5", …; `None` for an inactive array.
    pub level: Option<String>,
    pub members: Vec<MdMember>,
    /// Devices wanted and working (`[2/1]`); `None` when the line is absent (raid0, linear).
    pub wanted: Option<u32>,
    pub working: Option<u32>,
    /// The per-slot map (`UU_`), `U` up, `_` down.
    pub slots: String,
    /// resync / recovery / check / reshape in progress.
    pub sync: Option<MdSync>,
}

impl MdArray {
    pub fn degraded(&self) -> bool {
        matches!((self.wanted, self.working), (Some(w), Some(k)) if k < w)
            || self.slots.contains('_')
            || self.members.iter().any(|m| m.faulty)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MdMember {
    pub device: String,
    /// The descriptor number in brackets (`sda1[0]`).
    pub index: Option<u32>,
    /// `(F)`
    pub faulty: bool,
    /// `(S)`
    pub spare: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MdSync {
    /// "resync", "recovery", "check", "reshape", "repair".
    pub action: String,
    pub percent: f64,
    /// `finish=12.3min`, in seconds.
    pub finish_s: Option<u64>,
    /// `speed=123456K/sec`, in KiB/s.
    pub speed_kib_s: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZfsPool {
    pub name: String,
    /// ONLINE, DEGRADED, FAULTED, OFFLINE, UNAVAIL, REMOVED, SUSPENDED.
    pub state: String,
}

impl ZfsPool {
    pub fn healthy(&self) -> bool {
        self.state == "ONLINE"
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hardware {
    /// `/sys/class/hwmon`; empty when no sensor driver is loaded (a VM).
    pub temperatures: Fact<Vec<Temperature>>,
    /// `/sys/devices/system/edac/mc`; unknown when no EDAC driver is loaded.
    pub edac: Fact<Vec<MemoryController>>,
}

/// One `tempN_*` sensor of a hwmon chip, in degrees Celsius.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Temperature {
    /// The chip (`name`: coretemp, k10temp, nvme, …) and its hwmon directory.
    pub chip: String,
    pub hwmon: String,
    /// `tempN_label`, else `tempN`.
    pub label: String,
    pub celsius: f64,
    pub crit: Option<f64>,
    pub max: Option<f64>,
}

impl Temperature {
    /// 2 at or above critical, 1 at or above max, else 0.
    pub fn level(&self) -> u8 {
        if self.crit.is_some_and(|c| self.celsius >= c) {
            2
        } else if self.max.is_some_and(|m| self.celsius >= m) {
            1
        } else {
            0
        }
    }
}

/// One EDAC memory controller (`mcN`) with its corrected/uncorrected error counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryController {
    pub name: String,
    /// `mc_name` (the driver: "Skylake Socket#0 IMC#0").
    pub driver: Option<String>,
    pub ce_count: u64,
    pub ue_count: u64,
    /// Per DIMM (`dimmN` or `rankN`) with errors, when the driver reports them.
    pub dimms: Vec<Dimm>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dimm {
    pub name: String,
    /// `dimm_label` ("CPU_SrcID#0_Ha#0_Chan#0_DIMM#0").
    pub label: Option<String>,
    pub ce_count: u64,
    pub ue_count: u64,
}
