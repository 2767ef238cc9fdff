//! The messages that drive the app: `Update`s from collectors, `Action`s from keys.

use crate::model::guests::GuestUpdate;
use crate::model::host::HostSample;
use crate::model::network::NetUpdate;
use std::fmt;

mod shown;
pub use shown::{ShowSender, Shown};

/// The data sources, each with its own health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceId {
    Journal,
    Procfs,
    Netlink,
    Libvirt,
    Kubernetes,
    Kubevirt,
    /// systemd's manager over D-Bus: F5's units.
    Systemd,
    /// F5's host facts: the NixOS generation, the clock, mdraid/ZFS, sensors and EDAC.
    Nixos,
    Time,
    Storage,
    Hardware,
    /// systemd-machined over D-Bus: nspawn containers and registered VMs in F4.
    Machined,
}

impl SourceId {
    pub const ALL: [SourceId; 12] = [
        SourceId::Journal,
        SourceId::Procfs,
        SourceId::Netlink,
        SourceId::Libvirt,
        SourceId::Kubernetes,
        SourceId::Kubevirt,
        SourceId::Systemd,
        SourceId::Nixos,
        SourceId::Time,
        SourceId::Storage,
        SourceId::Hardware,
        SourceId::Machined,
    ];

    /// The host facts' sources, read together by one collector.
    pub const FACTS: [SourceId; 4] = [SourceId::Nixos, SourceId::Time, SourceId::Storage, SourceId::Hardware];

    /// The key used in `snapshot --json` and `check`.
    pub fn key(self) -> &'static str {
        match self {
            SourceId::Journal => "journal",
            SourceId::Procfs => "procfs",
            SourceId::Netlink => "netlink",
            SourceId::Libvirt => "libvirt",
            SourceId::Kubernetes => "kubernetes",
            SourceId::Kubevirt => "kubevirt",
            SourceId::Systemd => "systemd",
            SourceId::Nixos => "nixos",
            SourceId::Time => "time",
            SourceId::Storage => "storage",
            SourceId::Hardware => "hardware",
            SourceId::Machined => "machined",
        }
    }

    /// The label in the header.
    pub fn label(self) -> &'static str {
        match self {
            SourceId::Kubernetes => "k8s",
            SourceId::Kubevirt => "kubevirt",
            other => other.key(),
        }
    }
}

/// What a source says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Health {
    #[default]
    Starting,
    Ok(String),
    Disabled(String),
    Unavailable(String),
    Error(String),
}

impl Health {
    /// The state word of SPEC §4 (`ok|unavailable|error`), `starting` before the first answer.
    pub fn state(&self) -> &'static str {
        match self {
            Health::Starting => "starting",
            Health::Ok(_) => "ok",
            Health::Disabled(_) | Health::Unavailable(_) => "unavailable",
            Health::Error(_) => "error",
        }
    }

    /// The state as the screens and `check` print it (`disabled` is kept apart there).
    pub fn label(&self) -> &'static str {
        match self {
            Health::Disabled(_) => "disabled",
            other => other.state(),
        }
    }

    /// The one word shown in the header (`stale` is decided by the model, which knows ages).
    pub fn word(&self) -> &'static str {
        match self {
            Health::Starting => "...",
            Health::Ok(_) => "ok",
            Health::Disabled(_) => "off",
            Health::Unavailable(_) => "n/a",
            Health::Error(_) => "err",
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Health::Starting => "waiting for the first answer",
            Health::Ok(r) | Health::Disabled(r) | Health::Unavailable(r) | Health::Error(r) => r,
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, Health::Ok(_))
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.state(), self.reason())
    }
}

/// A message from a collector to the app loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    Health(SourceId, Health),
    Host(Box<HostSample>),
    /// F2's top consumers among host processes, with each refresh.
    Procs(Box<crate::model::procs::ProcTable>),
    Logs(crate::model::log_buffer::LogUpdate),
    Net(NetUpdate),
    Guests(Box<GuestUpdate>),
    Kube(Box<crate::model::cluster::KubeUpdate>),
    /// systemd's units (F5), listed anew after each change.
    Units(crate::model::units::UnitsUpdate),
    /// A poll of the source (and of one part of it, such as a libvirt URI) succeeded, whether
    /// or not anything changed: what is shown is still true.
    Confirmed(SourceId, Option<String>),
    /// F5's host facts, read again every few seconds (src/collectors/system).
    System(Box<crate::model::system::SystemFacts>),
    /// What actiond answered to a guarded action (or why it could not be asked).
    Action(ActionNews),
}

/// actiond's answer, for the footer, the feed and the `[ADMIN …]` badge.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionNews {
    /// A grace window was opened (token, operator, idle and maximum seconds).
    pub granted: Option<(String, String, u64, u64)>,
    /// Whether the step succeeded.
    pub ok: bool,
    /// What happened, in words.
    pub text: String,
}

/// The screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Logs,
    Dashboard,
    Network,
    Machines,
    System,
}

impl Screen {
    pub const ALL: [Screen; 5] =
        [Screen::Logs, Screen::Dashboard, Screen::Network, Screen::Machines, Screen::System];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Logs => "Logs",
            Screen::Dashboard => "Dashboard",
            Screen::Network => "Network",
            Screen::Machines => "Machines",
            Screen::System => "System",
        }
    }

    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    pub fn prev(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Show(Screen),
    NextScreen,
    PrevScreen,
    ToggleHelp,
    CloseOverlay,
    Quit,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    LogSearch,
    LogSearchNext,
    LogSearchPrev,
    LogTextFilter,
    LogPickUnits,
    LogPickPriority,
    LogCycleBoot,
    LogToggleKernel,
    /// Only actiond's audit records (`SYSLOG_IDENTIFIER=hypervisor-tui-actiond`), or all again.
    LogAuditOnly,
    LogTogglePause,
    LogToggleWrap,
    Net(NetAction),
    /// Keys of F4 (sort, filter, selection, detail).
    Machines(MachinesAction),
    /// Keys of F2.
    Dashboard(DashboardAction),
    /// Keys of F5.
    System(SystemAction),
}

/// What a key asks of F5's unit list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemAction {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Start typing a name filter.
    Filter,
    /// Show the selected unit's journal on F1.
    OpenLogs,
    /// Guarded actions on the selected unit (restart, start, stop).
    Actions,
}

/// What a key asks of F2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DashboardAction {
    /// Order the top consumers by the next column (CPU, memory).
    NextSort,
}

/// What a key asks of the F3 list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetAction {
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    /// Start typing a name filter.
    Filter,
}

/// What a key asks of F4 (bound in the keymap with `screen: Some(Screen::Machines)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MachinesAction {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextSort,
    Reverse,
    Filter,
    Detail,
    /// `a`: the actions of the selected guest (read-only unless `[actions] enabled`).
    Actions,
    /// `c`: cordon or uncordon the node the selected KubeVirt guest runs on.
    NodeActions,
}

/// Everything the loop reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Key(crossterm::event::KeyEvent),
    Resize(u16, u16),
    Update(Update),
    /// SIGTERM / SIGHUP / SIGQUIT: end now, whatever `allow_quit` says.
    Terminate,
    /// The terminal was given back and taken again (SIGTSTP, then `fg`): draw everything anew.
    Redraw,
}
