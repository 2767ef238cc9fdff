//! A guest's state, in libvirt's terms (KubeVirt and machined states are mapped onto them).

/// A domain's state, numbered as libvirt's `virDomainState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum GuestState {
    #[default]
    NoState,
    Running,
    Blocked,
    Paused,
    Shutdown,
    Shutoff,
    Crashed,
    PmSuspended,
}

impl GuestState {
    pub const ALL: [GuestState; 8] = [
        GuestState::Running,
        GuestState::Blocked,
        GuestState::Paused,
        GuestState::Shutdown,
        GuestState::Shutoff,
        GuestState::Crashed,
        GuestState::PmSuspended,
        GuestState::NoState,
    ];

    /// From libvirt's `virDomainState` number; unknown numbers are `NoState`.
    pub fn from_libvirt(n: u32) -> GuestState {
        match n {
            1 => GuestState::Running,
            2 => GuestState::Blocked,
            3 => GuestState::Paused,
            4 => GuestState::Shutdown,
            5 => GuestState::Shutoff,
            6 => GuestState::Crashed,
            7 => GuestState::PmSuspended,
            _ => GuestState::NoState,
        }
    }

    /// The word `virsh list` prints, so the two can be compared line by line.
    pub fn label(self) -> &'static str {
        match self {
            GuestState::NoState => "no state",
            GuestState::Running => "running",
            GuestState::Blocked => "idle",
            GuestState::Paused => "paused",
            GuestState::Shutdown => "in shutdown",
            GuestState::Shutoff => "shut off",
            GuestState::Crashed => "crashed",
            GuestState::PmSuspended => "pmsuspended",
        }
    }

    /// 0 fine, 1 attention, 2 trouble, 3 inactive (dim); drives the colour.
    pub fn severity(self) -> u8 {
        match self {
            GuestState::Running | GuestState::Blocked => 0,
            GuestState::Crashed => 2,
            GuestState::Shutoff => 3,
            _ => 1,
        }
    }

    /// Whether the guest has a running hypervisor process (an id, CPU time moving).
    pub fn is_active(self) -> bool {
        !matches!(self, GuestState::Shutoff | GuestState::NoState)
    }
}
