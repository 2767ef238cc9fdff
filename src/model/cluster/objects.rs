//! The cluster objects as the console keeps them: a few fields each, not the API's whole
//! object: about 300 bytes a pod (5,000 pods, 1.5 MiB; see BENCHMARKS.md).

/// The kinds the collector watches, in the order F2 talks about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Node,
    Pod,
    Service,
    Pvc,
    Vm,
    Vmi,
    Migration,
    Event,
}

impl Kind {
    pub const ALL: [Kind; 8] =
        [Kind::Node, Kind::Pod, Kind::Service, Kind::Pvc, Kind::Vm, Kind::Vmi, Kind::Migration, Kind::Event];

    /// The resource's plural as the API (and an RBAC message) names it.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Node => "nodes",
            Kind::Pod => "pods",
            Kind::Service => "services",
            Kind::Pvc => "persistentvolumeclaims",
            Kind::Vm => "virtualmachines",
            Kind::Vmi => "virtualmachineinstances",
            Kind::Migration => "virtualmachineinstancemigrations",
            Kind::Event => "events",
        }
    }

    /// Whether the kind belongs to KubeVirt (its health is the `kubevirt` source's).
    pub fn is_kubevirt(self) -> bool {
        matches!(self, Kind::Vm | Kind::Vmi | Kind::Migration)
    }
}

/// `namespace/name`, or `name` for cluster-scoped objects.
pub fn key(namespace: &str, name: &str) -> String {
    if namespace.is_empty() { name.to_string() } else { format!("{namespace}/{name}") }
}

/// One entry of an object's `status.conditions`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    pub kind: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    pub reason: String,
    pub message: String,
}

impl Condition {
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    pub name: String,
    /// The Ready condition: `None` when the kubelet stopped reporting (Unknown) or it is absent.
    pub ready: Option<bool>,
    /// Reason and message of the Ready condition when it is not True.
    pub ready_reason: String,
    pub roles: Vec<String>,
    pub kubelet_version: String,
    pub internal_ip: Option<String>,
    pub pod_cidrs: Vec<String>,
    pub unschedulable: bool,
    /// MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable that are True.
    pub pressures: Vec<String>,
}

impl Node {
    pub fn is_ready(&self) -> bool {
        self.ready == Some(true)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    /// `spec.nodeName`; empty while unscheduled.
    pub node: String,
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    pub phase: String,
    /// The Ready condition.
    pub ready: bool,
    /// Sum of the containers' restart counts.
    pub restarts: u32,
    /// Each restarted container's `lastState.terminated.finishedAt` (seconds since the
    /// epoch): the only restart times the API keeps.
    pub last_restart_times: Vec<i64>,
    /// A container waits in `CrashLoopBackOff`.
    pub crash_looping: bool,
    /// Being deleted (`metadata.deletionTimestamp` set): kubectl's "Terminating".
    pub terminating: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
    pub kind: String,
    pub cluster_ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pvc {
    pub namespace: String,
    pub name: String,
    /// `Bound`, `Pending`, `Lost`.
    pub phase: String,
}

/// A KubeVirt `VirtualMachine` (the definition; its running instance is a VMI).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vm {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// `status.printableStatus`: Running, Stopped, Migrating, ErrorUnschedulable, …
    pub status: String,
    pub ready: bool,
    /// `spec.runStrategy`, or Always/Halted from the older `spec.running`.
    pub run_strategy: String,
    pub vcpus: u32,
    pub memory_bytes: u64,
    pub conditions: Vec<Condition>,
}

/// `status.migrationState` of a VMI: the newest migration it went through.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationState {
    pub source_node: String,
    pub target_node: String,
    pub start_unix: Option<i64>,
    pub end_unix: Option<i64>,
    pub completed: bool,
    pub failed: bool,
    /// `PreCopy`, `PostCopy`.
    pub mode: String,
}

impl MigrationState {
    /// Started and neither completed nor failed.
    pub fn in_progress(&self) -> bool {
        self.start_unix.is_some() && !self.completed && !self.failed
    }
}

/// A KubeVirt `VirtualMachineInstance`: a running (or failed, or finished) guest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vmi {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// Pending, Scheduling, Scheduled, Running, Succeeded, Failed, Unknown.
    pub phase: String,
    pub node: String,
    pub ips: Vec<String>,
    pub vcpus: u32,
    pub memory_bytes: u64,
    pub ready: bool,
    pub paused: bool,
    pub conditions: Vec<Condition>,
    pub migration: Option<MigrationState>,
    /// When it entered the Running phase.
    pub running_since_unix: Option<i64>,
    /// Owned by a VirtualMachine of the same name.
    pub has_vm: bool,
}

/// A KubeVirt `VirtualMachineInstanceMigration`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Migration {
    pub namespace: String,
    pub name: String,
    pub vmi: String,
    /// Pending, Scheduling, Scheduled, PreparingTarget, TargetReady, Running, Succeeded, Failed.
    pub phase: String,
    pub created_unix: Option<i64>,
    /// When it entered its current phase.
    pub phase_since_unix: Option<i64>,
    pub target_node: String,
}

impl Migration {
    /// The phases in the order a migration goes through them.
    pub const PHASES: [&'static str; 8] = [
        "Pending",
        "Scheduling",
        "Scheduled",
        "PreparingTarget",
        "TargetReady",
        "Running",
        "Succeeded",
        "Failed",
    ];

    pub fn is_final(&self) -> bool {
        matches!(self.phase.as_str(), "Succeeded" | "Failed")
    }

    /// "3/6": how far through the phases to success it is, for F4's progress column.
    pub fn step(&self) -> Option<(usize, usize)> {
        let i = Self::PHASES[..7].iter().position(|p| *p == self.phase)?;
        Some((i, 6))
    }
}

/// A Kubernetes event's `type`: the API server accepts only these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventType {
    #[default]
    Normal,
    Warning,
}

impl EventType {
    /// `Warning` is a warning; anything else (`Normal`, or no type) is normal.
    pub fn parse(s: &str) -> EventType {
        if s == "Warning" { EventType::Warning } else { EventType::Normal }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

impl From<&str> for EventType {
    fn from(s: &str) -> EventType {
        EventType::parse(s)
    }
}

/// A core/v1 Event about a KubeVirt object, for the detail pane.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KEvent {
    pub namespace: String,
    pub name: String,
    /// The object it is about: `VirtualMachine`, `VirtualMachineInstance`, …
    pub object_kind: String,
    pub object_name: String,
    pub kind: EventType,
    pub reason: String,
    pub message: String,
    pub last_unix: i64,
    pub count: u32,
}

/// Any watched object, as the collector sends it.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Node(Node),
    Pod(Pod),
    Service(Service),
    Pvc(Pvc),
    Vm(Vm),
    Vmi(Vmi),
    Migration(Migration),
    Event(KEvent),
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Node(_) => Kind::Node,
            Object::Pod(_) => Kind::Pod,
            Object::Service(_) => Kind::Service,
            Object::Pvc(_) => Kind::Pvc,
            Object::Vm(_) => Kind::Vm,
            Object::Vmi(_) => Kind::Vmi,
            Object::Migration(_) => Kind::Migration,
            Object::Event(_) => Kind::Event,
        }
    }

    pub fn key(&self) -> String {
        match self {
            Object::Node(o) => o.name.clone(),
            Object::Pod(o) => key(&o.namespace, &o.name),
            Object::Service(o) => key(&o.namespace, &o.name),
            Object::Pvc(o) => key(&o.namespace, &o.name),
            Object::Vm(o) => key(&o.namespace, &o.name),
            Object::Vmi(o) => key(&o.namespace, &o.name),
            Object::Migration(o) => key(&o.namespace, &o.name),
            Object::Event(o) => key(&o.namespace, &o.name),
        }
    }
}
