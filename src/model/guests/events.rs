//! libvirt's lifecycle events as the model keeps them: kinds and details are enums, the
//! words on screen come from their `label()`.

/// An action's progress or result (issue 16), shown in the F4 feed beside the guests'
/// own events: what the console asked actiond, and what actiond answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionNote {
    pub at_unix: i64,
    pub stage: ActionStage,
    /// Who did what to which target, and how it ended, in words.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStage {
    /// Sent to actiond, no answer yet.
    Asked,
    Done,
    Failed,
}

impl ActionStage {
    /// The feed's word.
    pub fn label(self) -> &'static str {
        match self {
            ActionStage::Asked => "action",
            ActionStage::Done => "action done",
            ActionStage::Failed => "action failed",
        }
    }
}

/// What happened to a guest, from libvirt's lifecycle events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleEvent {
    /// Seconds since the epoch when the collector received it.
    pub at_unix: u64,
    pub uri: String,
    pub name: String,
    pub kind: EventKind,
    /// libvirt's detail of the event, e.g. booted, destroyed, I/O error.
    pub detail: EventDetail,
}

/// A lifecycle event's kind as the feed names it: libvirt's `virDomainEventType`, with
/// migrations and crashes named as such whichever event carries them (the collector maps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Defined,
    Undefined,
    Started,
    Suspended,
    Resumed,
    Stopped,
    Shutdown,
    PmSuspended,
    Crashed,
    /// Arrived, left or resumed after a migration.
    Migrated,
    /// Paused for a migration.
    Migrating,
    /// An event number this build does not know.
    Other,
}

impl EventKind {
    /// The feed's word: `started`, `stopped`, `crashed`, …
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Defined => "defined",
            EventKind::Undefined => "undefined",
            EventKind::Started => "started",
            EventKind::Suspended => "suspended",
            EventKind::Resumed => "resumed",
            EventKind::Stopped => "stopped",
            EventKind::Shutdown => "shutdown",
            EventKind::PmSuspended => "pmsuspended",
            EventKind::Crashed => "crashed",
            EventKind::Migrated => "migrated",
            EventKind::Migrating => "migrating",
            EventKind::Other => "event",
        }
    }
}

/// libvirt's detail of a lifecycle event (its `virDomainEvent*DetailType` enums), plus the
/// words the feed uses for migrations (`arrived`, `left`) and crashes (`stopped`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventDetail {
    /// No detail, or a number this build does not know.
    None,
    Added,
    Updated,
    Renamed,
    FromSnapshot,
    Removed,
    Booted,
    Migrated,
    Restored,
    Wakeup,
    Paused,
    IoError,
    Watchdog,
    ApiError,
    Postcopy,
    PostcopyFailed,
    Unpaused,
    Shutdown,
    Destroyed,
    Crashed,
    Saved,
    Failed,
    Finished,
    Guest,
    Host,
    Memory,
    Disk,
    Panicked,
    Crashloaded,
    Arrived,
    Left,
    Resumed,
    Stopped,
}

impl EventDetail {
    /// The word shown in brackets after the kind; empty for `None`.
    pub fn label(self) -> &'static str {
        use EventDetail as D;
        match self {
            D::None => "",
            D::Added => "added",
            D::Updated => "updated",
            D::Renamed => "renamed",
            D::FromSnapshot => "from snapshot",
            D::Removed => "removed",
            D::Booted => "booted",
            D::Migrated => "migrated",
            D::Restored => "restored",
            D::Wakeup => "wakeup",
            D::Paused => "paused",
            D::IoError => "ioerror",
            D::Watchdog => "watchdog",
            D::ApiError => "api error",
            D::Postcopy => "postcopy",
            D::PostcopyFailed => "postcopy failed",
            D::Unpaused => "unpaused",
            D::Shutdown => "shutdown",
            D::Destroyed => "destroyed",
            D::Crashed => "crashed",
            D::Saved => "saved",
            D::Failed => "failed",
            D::Finished => "finished",
            D::Guest => "guest",
            D::Host => "host",
            D::Memory => "memory",
            D::Disk => "disk",
            D::Panicked => "panicked",
            D::Crashloaded => "crashloaded",
            D::Arrived => "arrived",
            D::Left => "left",
            D::Resumed => "resumed",
            D::Stopped => "stopped",
        }
    }
}
