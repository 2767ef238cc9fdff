//! `sources`: every data source with its state, its reason and the age of its data.

use schemars::JsonSchema;
use serde::Serialize;

/// What a source says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceState {
    /// It answered; its data is current.
    Ok,
    /// Its data is kept from an earlier answer and has not been confirmed since
    /// (see `age_s`).
    Stale,
    /// It cannot be asked: not configured, disabled, not built in, not reachable, or it
    /// did not answer in time. Its section is `null`.
    Unavailable,
    /// It answered with an error, or only in part (one libvirt URI of two, a Kubernetes
    /// kind forbidden); what it did answer is shown.
    Error,
    /// It has not answered yet.
    Starting,
}

/// One source's health.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SourceReport {
    pub state: SourceState,
    /// Why it is not `ok`, or what it found when it is (e.g. "4 cores").
    pub reason: String,
    /// Seconds (to the millisecond) between the last confirmation of the data shown from
    /// this source and the moment this document was made; `null` when no data from it is
    /// shown (it did not answer, or answered only with an error). `snapshot` asks every
    /// source itself, so today this is the time since the source answered during this run.
    pub age_s: Option<f64>,
}

/// Every source `snapshot` asks, each always present.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Sources {
    /// The systemd journal (files readable); it feeds no section of the snapshot.
    pub journal: SourceReport,
    /// /proc: `host`, `cpu`, `memory`, `disks`.
    pub procfs: SourceReport,
    /// rtnetlink: `network`.
    pub netlink: SourceReport,
    /// libvirt, every configured URI: the libvirt entries of `guests`.
    pub libvirt: SourceReport,
    /// The Kubernetes API: `kubernetes`.
    pub kubernetes: SourceReport,
    /// KubeVirt's resources in the same API: the KubeVirt entries of `guests` and
    /// `kubernetes.kubevirt`.
    pub kubevirt: SourceReport,
    /// systemd's manager on the system bus: `units`.
    pub systemd: SourceReport,
    /// /run/current-system, /run/booted-system and the system profile: `nixos`.
    pub nixos: SourceReport,
    /// adjtimex(2): `time`.
    pub time: SourceReport,
    /// /proc/mdstat and the ZFS kstats: `storage`.
    pub storage: SourceReport,
    /// /sys/class/hwmon and EDAC: `hardware`.
    pub hardware: SourceReport,
    /// systemd-machined on the system bus: the machined entries of `guests`.
    pub machined: SourceReport,
}
