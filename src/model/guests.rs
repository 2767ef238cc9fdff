//! Guests: libvirt domains, KubeVirt VMs/VMIs and machined's machines in one list. Plain data, no I/O.

mod events;
pub mod machined;
mod state;

use super::Alert;
pub use events::{ActionNote, ActionStage, EventDetail, EventKind, LifecycleEvent};
pub use machined::MachinedGuest;
pub use state::GuestState;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many lifecycle events the model keeps for the F4 feed and the detail pane.
pub const EVENT_LOG_CAPACITY: usize = 500;
/// How many action notes the F4 feed keeps.
pub const ACTION_NOTES: usize = 50;

/// libvirt's state reason numbers the console names (`virDomainPausedReason`,
/// `virDomainShutoffReason`); checked against virt-sys in the collector's tests.
pub mod reason {
    pub const PAUSED_MIGRATION: i32 = 2;
    pub const PAUSED_IOERROR: i32 = 5;
    pub const PAUSED_WATCHDOG: i32 = 6;
    pub const PAUSED_CRASHED: i32 = 10;
    pub const PAUSED_POSTCOPY_FAILED: i32 = 13;
    pub const PAUSED_API_ERROR: i32 = 14;
    pub const SHUTOFF_CRASHED: i32 = 3;
}

/// "paused (I/O error)", "crashed", "running": the state with the reason when it matters;
/// KubeVirt's own word (`Running`, `ErrorUnschedulable`) for its guests.
pub fn state_text(g: &Guest) -> String {
    if let Some(kv) = &g.kubevirt {
        return kv.status.clone();
    }
    if let Some(m) = &g.machined {
        return m.state.clone();
    }
    match (g.state, g.reason) {
        (GuestState::Paused, reason::PAUSED_MIGRATION) => "paused (migrating)".into(),
        (GuestState::Paused, reason::PAUSED_IOERROR) => "paused (I/O error)".into(),
        (GuestState::Paused, reason::PAUSED_WATCHDOG) => "paused (watchdog)".into(),
        (GuestState::Paused, reason::PAUSED_CRASHED) => "paused (crashed)".into(),
        (GuestState::Paused, reason::PAUSED_POSTCOPY_FAILED) => "paused (postcopy failed)".into(),
        (GuestState::Paused, reason::PAUSED_API_ERROR) => "paused (API error)".into(),
        (GuestState::Shutoff, reason::SHUTOFF_CRASHED) => "shut off (crashed)".into(),
        (s, _) => s.label().into(),
    }
}

/// A disk from the domain XML.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disk {
    /// `disk`, `cdrom`, `floppy`, `lun`.
    pub device: String,
    /// Guest-side name: `vda`, `sda`.
    pub target: String,
    /// File path, block device, `pool/volume` or `protocol:name`; empty when none (empty cdrom).
    pub source: String,
    pub readonly: bool,
}

/// A network interface from the domain XML.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Nic {
    pub mac: String,
    /// `bridge`, `network`, `direct`, `user`, …
    pub kind: String,
    /// Bridge or network name (or the macvtap parent for `direct`).
    pub source: String,
    /// Host-side device, e.g. `vnet3`; only while the guest runs.
    pub target: Option<String>,
    pub model: Option<String>,
}

/// A live migration as F4 shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationView {
    /// The migration object's phase (`Running`, `Failed`), or the VMI's state of it.
    pub phase: String,
    pub source_node: String,
    pub target_node: String,
    /// When it started (or entered its phase).
    pub since_unix: Option<i64>,
    /// Phases passed of those to success: KubeVirt publishes no byte counts.
    pub step: Option<(usize, usize)>,
    pub mode: String,
    pub in_progress: bool,
    pub failed: bool,
}

/// What only a KubeVirt guest has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KubevirtGuest {
    /// The VM's `printableStatus`, or the VMI's phase when it has no VM.
    pub status: String,
    pub node: String,
    pub ready: bool,
    pub run_strategy: String,
    /// A `VirtualMachine` / a `VirtualMachineInstance` exists for it.
    pub has_vm: bool,
    pub has_vmi: bool,
    pub migration: Option<MigrationView>,
    /// The VM's conditions, then the VMI's, each with "VM" or "VMI".
    pub conditions: Vec<(&'static str, crate::model::cluster::objects::Condition)>,
}

/// One guest as the collector last saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Guest {
    pub name: String,
    /// libvirt's domain UUID, or the VM's (else VMI's) Kubernetes uid.
    pub uuid: String,
    /// The libvirt URI it came from, or the KubeVirt namespace.
    pub uri: String,
    /// Hypervisor id while active.
    pub id: Option<u32>,
    pub state: GuestState,
    /// libvirt's reason number for the state (e.g. paused on I/O error).
    pub reason: i32,
    pub vcpus: u32,
    pub max_memory_bytes: u64,
    pub memory_bytes: u64,
    pub autostart: bool,
    pub persistent: bool,
    pub cpu_time_ns: u64,
    /// Busy share of the guest's vCPUs since the previous sample; `None` until two samples.
    pub cpu_percent: Option<f64>,
    /// Seconds since the guest started, when known.
    pub uptime_s: Option<u64>,
    pub disks: Vec<Disk>,
    pub nics: Vec<Nic>,
    pub ips: Vec<String>,
    /// When it started, for guests whose uptime is computed at display time (KubeVirt).
    pub started_unix: Option<i64>,
    /// Set for KubeVirt guests.
    pub kubevirt: Option<Box<KubevirtGuest>>,
    /// Set for systemd-machined guests (nspawn containers, registered VMs).
    pub machined: Option<Box<MachinedGuest>>,
}

impl Guest {
    /// `libvirt` or `kubevirt`, as `snapshot --json` spells it.
    pub fn source(&self) -> &'static str {
        match (&self.kubevirt, &self.machined) {
            (Some(_), _) => "kubevirt",
            (_, Some(_)) => "machined",
            _ => "libvirt",
        }
    }

    /// Seconds up at `now`: libvirt's figure, or from the start time.
    pub fn uptime_at(&self, now: i64) -> Option<u64> {
        self.uptime_s.or_else(|| self.started_unix.map(|t| now.saturating_sub(t).max(0) as u64))
    }

    /// The node it runs on (KubeVirt), else empty.
    pub fn node(&self) -> &str {
        self.kubevirt.as_ref().map_or("", |k| k.node.as_str())
    }

    /// Paused because something went wrong (I/O error, watchdog, guest panic, failed
    /// post-copy migration, API error), not by an operator, a save or a migration.
    pub fn paused_on_error(&self) -> bool {
        use reason::*;
        self.state == GuestState::Paused
            && matches!(
                self.reason,
                PAUSED_IOERROR | PAUSED_WATCHDOG | PAUSED_CRASHED | PAUSED_POSTCOPY_FAILED | PAUSED_API_ERROR
            )
    }

    /// Whether the operator should be told about this guest in the alert strip.
    /// (KubeVirt guests are the cluster's alerts, which name the VMI and its node.)
    pub fn needs_alert(&self) -> bool {
        self.kubevirt.is_none()
            && self.machined.is_none()
            && (self.state == GuestState::Crashed || self.paused_on_error())
    }
}

/// A message from the libvirt collector about guests.
#[derive(Debug, Clone, PartialEq)]
pub enum GuestUpdate {
    /// Every guest of one URI, replacing what was known of it.
    List {
        uri: String,
        guests: Vec<Guest>,
    },
    /// The URI cannot be reached: its guests are no longer current.
    Down {
        uri: String,
        reason: String,
    },
    Event(LifecycleEvent),
    /// Every machined guest (running and configured), replacing what was known.
    Machines(Vec<Guest>),
    /// machined cannot be asked: its guests are no longer current.
    MachinesLost,
}

/// Coarse buckets for a one-line VM panel (F2): "Running 12  Paused 1  Stopped 3  Errors 0".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateSummary {
    /// Running or idle (blocked on I/O).
    pub running: usize,
    /// Paused, pmsuspended or shutting down (paused on an error counts as an error).
    pub paused: usize,
    pub stopped: usize,
    /// Crashed, or paused on an I/O error.
    pub errors: usize,
}

/// All guests, per source URI, plus the recent lifecycle events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Guests {
    by_uri: BTreeMap<String, Vec<Guest>>,
    /// KubeVirt's VMs and VMIs, rebuilt from the cluster model when they change.
    kubevirt: Vec<Guest>,
    /// systemd-machined's machines and the configured containers that do not run.
    machined: Vec<Guest>,
    /// machined answered before and no longer does: its machines are not shown, and F4
    /// says why instead of silently listing fewer guests.
    pub machined_lost: bool,
    /// URIs that are down, with why; their guests are not shown as current.
    pub down: BTreeMap<String, String>,
    pub events: VecDeque<LifecycleEvent>,
    /// Guarded actions' progress and results, oldest first.
    pub actions: VecDeque<ActionNote>,
    /// Bumped on every change, so views can cache derived orderings.
    pub generation: u64,
}

impl Guests {
    pub fn apply(&mut self, u: GuestUpdate) {
        self.generation += 1;
        match u {
            GuestUpdate::List { uri, guests } => {
                self.down.remove(&uri);
                self.by_uri.insert(uri, guests);
            }
            GuestUpdate::Down { uri, reason } => {
                self.by_uri.remove(&uri);
                self.down.insert(uri, reason);
            }
            GuestUpdate::Machines(guests) => {
                self.machined = guests;
                self.machined_lost = false;
            }
            GuestUpdate::MachinesLost => {
                self.machined.clear();
                self.machined_lost = true;
            }
            GuestUpdate::Event(e) => {
                if self.events.len() == EVENT_LOG_CAPACITY {
                    self.events.pop_front();
                }
                self.events.push_back(e);
            }
        }
    }

    /// Keeps an action's progress or result for the feed (the oldest dropped past
    /// `ACTION_NOTES`).
    pub fn note_action(&mut self, note: ActionNote) {
        if self.actions.len() == ACTION_NOTES {
            self.actions.pop_front();
        }
        self.actions.push_back(note);
    }

    /// Replaces the KubeVirt guests.
    pub fn set_kubevirt(&mut self, guests: Vec<Guest>) {
        self.generation += 1;
        self.kubevirt = guests;
    }

    /// Every current guest: libvirt's URI by URI, then KubeVirt's, then machined's.
    pub fn iter(&self) -> impl Iterator<Item = &Guest> {
        self.libvirt().chain(self.kubevirt.iter()).chain(self.machined.iter())
    }

    /// The libvirt URIs that listed guests.
    pub fn uris(&self) -> impl Iterator<Item = &str> {
        self.by_uri.keys().map(String::as_str)
    }

    /// libvirt's guests only.
    pub fn libvirt(&self) -> impl Iterator<Item = &Guest> {
        self.by_uri.values().flatten()
    }

    pub fn kubevirt(&self) -> &[Guest] {
        &self.kubevirt
    }

    /// The guests this host runs itself (libvirt's and machined's), for F2's VM panel.
    fn local(&self) -> impl Iterator<Item = &Guest> {
        self.libvirt().chain(self.machined.iter())
    }

    pub fn len(&self) -> usize {
        self.by_uri.values().map(Vec::len).sum::<usize>() + self.kubevirt.len() + self.machined.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Guests per state, in `GuestState::ALL` order, zeros left out (for F2's VM panel).
    pub fn counts_by_state(&self) -> Vec<(GuestState, usize)> {
        let mut counts: BTreeMap<GuestState, usize> = BTreeMap::new();
        for g in self.local() {
            *counts.entry(g.state).or_default() += 1;
        }
        GuestState::ALL.iter().filter_map(|s| Some((*s, *counts.get(s)?))).collect()
    }

    /// libvirt's and machined's guests in the four buckets of `StateSummary`.
    pub fn summary(&self) -> StateSummary {
        let mut s = StateSummary::default();
        for g in self.local() {
            match g.state {
                _ if g.needs_alert() => s.errors += 1,
                GuestState::Crashed => s.errors += 1,
                GuestState::Running | GuestState::Blocked => s.running += 1,
                GuestState::Shutoff | GuestState::NoState => s.stopped += 1,
                _ => s.paused += 1,
            }
        }
        s
    }

    /// Host-side device (`vnet3`) → guest name, for F3's bridge ports.
    pub fn by_target_dev(&self) -> HashMap<&str, &str> {
        self.nic_map(|n| n.target.as_deref())
    }

    /// MAC (lower case) → guest name, for F3 and neighbour tables.
    pub fn by_mac(&self) -> HashMap<String, &str> {
        let mut m = HashMap::new();
        for g in self.iter() {
            for n in g.nics.iter().filter(|n| !n.mac.is_empty()) {
                m.insert(n.mac.to_ascii_lowercase(), g.name.as_str());
            }
        }
        m
    }

    fn nic_map<'a>(&'a self, key: impl Fn(&'a Nic) -> Option<&'a str>) -> HashMap<&'a str, &'a str> {
        let mut m = HashMap::new();
        for g in self.iter() {
            for n in &g.nics {
                if let Some(k) = key(n) {
                    m.insert(k, g.name.as_str());
                }
            }
        }
        m
    }

    /// Crashed guests and guests paused on an I/O error (summed up past three), and,
    /// unless `uris_named` (the source's health already names them), unreachable URIs.
    pub fn alerts(&self, uris_named: bool) -> Vec<Alert> {
        const ONE_BY_ONE: usize = 3;
        let mut bad: Vec<&Guest> = self.libvirt().filter(|g| g.needs_alert()).collect();
        bad.sort_unstable_by(|a, b| (&a.name, &a.uri).cmp(&(&b.name, &b.uri)));
        let mut out: Vec<Alert> = if bad.len() <= ONE_BY_ONE {
            // The state before the URI: on an 80-column console a long URI would cut it off.
            let text = |g: &Guest| format!("guest {} {} on {}", g.name, state_text(g), g.uri);
            bad.iter().map(|g| Alert { critical: true, text: text(g) }).collect()
        } else {
            let names: Vec<&str> = bad.iter().take(ONE_BY_ONE).map(|g| g.name.as_str()).collect();
            let text = format!("{} guests crashed or paused on error: {}, ...", bad.len(), names.join(", "));
            vec![Alert { critical: true, text }]
        };
        let down = self.down.iter().filter(|_| !uris_named);
        out.extend(
            down.map(|(uri, why)| Alert {
                critical: false,
                text: format!("libvirt {uri} unreachable: {why}"),
            }),
        );
        out
    }

    /// The most recent events of one guest, newest first.
    pub fn events_of<'a>(&'a self, uri: &'a str, name: &'a str) -> impl Iterator<Item = &'a LifecycleEvent> {
        self.events.iter().rev().filter(move |e| e.uri == uri && e.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(name: &str, state: GuestState, vnet: Option<&str>) -> Guest {
        let nic = Nic { mac: "52:54:00:AA:00:01".into(), target: vnet.map(Into::into), ..Nic::default() };
        Guest { name: name.into(), uri: "test:///x".into(), state, nics: vec![nic], ..Guest::default() }
    }

    #[test]
    fn list_down_and_counts() {
        let mut g = Guests::default();
        let list = vec![
            guest("a", GuestState::Running, Some("vnet3")),
            guest("b", GuestState::Crashed, None),
            guest("c", GuestState::Running, None),
        ];
        g.apply(GuestUpdate::List { uri: "test:///x".into(), guests: list });
        assert_eq!(g.counts_by_state(), vec![(GuestState::Running, 2), (GuestState::Crashed, 1)]);
        assert_eq!(g.by_target_dev().get("vnet3"), Some(&"a"));
        assert_eq!(g.summary(), StateSummary { running: 2, paused: 0, stopped: 0, errors: 1 });
        assert!(g.by_mac().contains_key("52:54:00:aa:00:01"));
        g.apply(GuestUpdate::Down { uri: "test:///x".into(), reason: "gone".into() });
        assert!(g.is_empty());
        assert_eq!(g.down.get("test:///x").map(String::as_str), Some("gone"));
    }

    #[test]
    fn event_log_is_bounded() {
        let mut g = Guests::default();
        for i in 0..EVENT_LOG_CAPACITY + 10 {
            let e = LifecycleEvent {
                at_unix: i as u64,
                uri: "u".into(),
                name: "n".into(),
                kind: EventKind::Started,
                detail: EventDetail::None,
            };
            g.apply(GuestUpdate::Event(e));
        }
        assert_eq!(g.events.len(), EVENT_LOG_CAPACITY);
        assert_eq!(g.events_of("u", "n").next().map(|e| e.at_unix), Some(EVENT_LOG_CAPACITY as u64 + 9));
    }

    #[test]
    fn alerts_for_crash_and_io_error_pause() {
        let mut g = guest("a", GuestState::Paused, None);
        assert!(!g.needs_alert());
        g.reason = reason::PAUSED_MIGRATION;
        assert!(!g.needs_alert());
        assert_eq!(state_text(&g), "paused (migrating)");
        g.reason = reason::PAUSED_IOERROR;
        assert!(g.needs_alert());
        assert!(guest("b", GuestState::Crashed, None).needs_alert());
        assert_eq!(GuestState::from_libvirt(5).label(), "shut off");
    }
}
