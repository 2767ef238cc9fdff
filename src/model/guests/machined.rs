//! What only a systemd-machined guest has: an nspawn container (or a NixOS container), or a
//! VM another manager registered with machined, running or only configured.

/// A machined guest's own facts (F4's detail pane and `snapshot --json`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MachinedGuest {
    /// machined's class: `container` or `vm`.
    pub class: String,
    /// Who registered it: `systemd-nspawn`, `nspawn`, `libvirt-qemu`, …; empty when stopped.
    pub service: String,
    /// The systemd unit holding it (`systemd-nspawn@web.service`, `container@web.service`).
    pub unit: String,
    /// The root directory of a container; empty for VMs and unknown ones.
    pub root: String,
    /// The leader process (PID 1 of the container) as machined's PID namespace numbers it.
    pub leader: Option<u32>,
    /// The machine id (32 hex digits), when machined has one.
    pub machine_id: String,
    /// machined's state word (`opening`, `running`, `closing`), or `stopped` / `failed` for a
    /// configured container that does not run.
    pub state: String,
    /// Bytes in use by its cgroup; `None` with `memory_note` saying why.
    pub memory: Option<u64>,
    /// How `memory` was read (`cgroup v2`, `cgroup v1`, `RSS of its processes`), or why not.
    pub memory_note: String,
    /// Why CPU % is unknown when it is (no cgroup found, unreadable), else empty.
    pub cpu_note: String,
    /// Where a stopped one was found (`/etc/nixos-containers/web.conf`, `/var/lib/machines/x`).
    pub configured: String,
    /// The newest lines of its journal linked under /var/log/journal/<machine-id>, oldest
    /// first; empty with `journal_note` saying why.
    pub journal: Vec<String>,
    pub journal_note: String,
}

impl MachinedGuest {
    /// F4's source word: `nspawn` for containers, `machined` for VMs registered by others.
    pub fn source_word(&self) -> &'static str {
        if self.class == "vm" { "machined" } else { "nspawn" }
    }
}

impl super::Guest {
    /// Memory in use when it is known (a machined guest's cgroup may not say).
    pub fn memory_known(&self) -> Option<u64> {
        self.machined.as_ref().map_or(Some(self.memory_bytes), |m| m.memory)
    }
}

impl super::Guests {
    /// machined's guests only.
    pub fn machined(&self) -> &[super::Guest] {
        &self.machined
    }
}

/// machined's state word as the guest table's state.
pub fn state_of(word: &str) -> super::GuestState {
    use super::GuestState as S;
    match word {
        "running" => S::Running,
        "closing" => S::Shutdown,
        "stopped" => S::Shutoff,
        "failed" => S::Crashed,
        _ => S::NoState,
    }
}
