//! The `snapshot --json` contract (SPEC §4): plain structs that serialise to the document
//! and generate `docs/snapshot.schema.json`. They are apart from the model on purpose: the
//! model may change; these change only with `schema_version`.
//!
//! How "unknown" is said, everywhere: a value that could not be read is `null`, never 0,
//! and its reason is in one named place —
//! - a whole section (`host`, `network`, `guests`, `kubernetes`, …) is `null` when its
//!   source gave no data; the reason is `sources.<id>.reason`;
//! - a Kubernetes count is `null` when its kind could not be listed; the reason is
//!   `kubernetes.missing.<plural>`;
//! - a single reading a source does not report (a link without counters, a CPU model the
//!   kernel does not name) is `null`: there is nothing more to say about it.
//!
//! These types are never behind a Cargo feature: a build without libvirt or Kubernetes
//! prints the same shape, with those sections `null` and the source `unavailable`.

pub mod guests;
pub mod host;
pub mod kube;
pub mod network;
pub mod procs;
pub mod sources;
pub mod system;
pub mod units;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use std::borrow::Cow;

pub use guests::{
    Guest, GuestDetail, GuestDisk, KubevirtDetail, LibvirtDetail, MachinedDetail, Migration, Nic,
};
pub use host::{Cpu, CpuBreakdown, Disk, Host, Memory};
pub use kube::{Kubernetes, KubevirtCounts};
pub use network::{Family, Gateway, Link, Network};
pub use procs::{Process, TopProcesses};
pub use sources::{SourceReport, SourceState, Sources};
pub use units::{FailedUnit, Units};

/// The version of the document's shape this program writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The `schema_version` key: always [`SCHEMA_VERSION`], and the schema says so (`const`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(SCHEMA_VERSION)
    }
}

impl JsonSchema for SchemaVersion {
    fn schema_name() -> Cow<'static, str> {
        "SchemaVersion".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "const": SCHEMA_VERSION })
    }
}

/// One sample of every source of a hypervisor host, as `hypervisor-tui snapshot --json`
/// prints it. A section whose source gave no data is `null` and the source's reason is
/// under `sources`; nothing is invented. Keys may be added within a `schema_version`;
/// a key is renamed, removed or changes type only with a new `schema_version`, so readers
/// should ignore keys they do not know.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(title = "hypervisor-tui snapshot")]
pub struct Snapshot {
    /// The shape of this document: 1. Readers should refuse a version they do not know.
    pub schema_version: SchemaVersion,
    /// Host facts from /proc; `null` when /proc could not be read (see `sources.procfs`).
    pub host: Option<Host>,
    /// CPU usage over a short interval; `null` with `host` (see `sources.procfs`).
    pub cpu: Option<Cpu>,
    /// Memory from /proc/meminfo; `null` with `host` (see `sources.procfs`).
    pub memory: Option<Memory>,
    /// Real filesystems with their usage; `null` with `host` (see `sources.procfs`).
    pub disks: Option<Vec<Disk>>,
    /// Links, default gateways and DNS from one netlink dump; `null` when netlink did not
    /// answer (see `sources.netlink`).
    pub network: Option<Network>,
    /// libvirt domains, then KubeVirt VMs/VMIs, of every source that answered; a source
    /// that did not answer adds none and says why under `sources.libvirt` /
    /// `sources.kubevirt`. `null` when neither answered.
    pub guests: Option<Vec<Guest>>,
    /// The cluster as listed; `null` when no kind could be listed (see
    /// `sources.kubernetes`).
    pub kubernetes: Option<Kubernetes>,
    /// The host processes that use the most CPU and memory; `null` when /proc could not be
    /// scanned (see `sources.procfs`).
    pub top_processes: Option<TopProcesses>,
    /// systemd's units: the failed ones and counts by state; `null` when the system bus or
    /// systemd did not answer (see `sources.systemd`).
    pub units: Option<Units>,
    /// The NixOS generation and whether a reboot is needed; `null` when not readable or
    /// not NixOS (see `sources.nixos`: "not NixOS").
    pub nixos: Option<system::Nixos>,
    /// The clock's synchronisation from the kernel; `null` when unreadable (see `sources.time`).
    pub time: Option<system::Time>,
    /// mdraid and ZFS pool health; `null` when neither could be read (see `sources.storage`).
    pub storage: Option<system::Storage>,
    /// Temperatures and EDAC memory errors; `null` when neither could be read (see
    /// `sources.hardware`).
    pub hardware: Option<system::Hardware>,
    /// Every source, whether it answered or not, with its state and reason.
    pub sources: Sources,
}
