//! `guests`: libvirt domains and KubeVirt VMs/VMIs in one list, `source` telling which.

use schemars::JsonSchema;
use serde::Serialize;

/// One guest: SPEC's keys, then those of its source (told apart by `source`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Guest {
    pub name: String,
    /// The libvirt URI it was listed from, or its KubeVirt namespace.
    pub uri_or_namespace: String,
    /// libvirt: the word `virsh list` prints (`running`, `paused`, `shut off`, …);
    /// KubeVirt: the VM's printable status, or the VMI's phase when it has no VM.
    pub state: String,
    pub vcpus: u32,
    pub memory_bytes: u64,
    /// The node a KubeVirt guest runs on; `null` for libvirt guests and unscheduled VMIs.
    pub node: Option<String>,
    /// Addresses the guest reports or libvirt leases.
    pub ips: Vec<String>,
    #[serde(flatten)]
    pub detail: GuestDetail,
}

/// What only one source's guests have.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum GuestDetail {
    /// A libvirt domain.
    Libvirt(LibvirtDetail),
    /// A KubeVirt VirtualMachine and/or VirtualMachineInstance.
    Kubevirt(KubevirtDetail),
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LibvirtDetail {
    pub uuid: String,
    /// The hypervisor's domain id while the domain is active.
    pub id: Option<u32>,
    pub max_memory_bytes: u64,
    pub autostart: bool,
    pub persistent: bool,
    pub cpu_time_ns: u64,
    /// Network interfaces from the domain XML.
    pub nics: Vec<Nic>,
    /// Disks from the domain XML.
    pub disks: Vec<GuestDisk>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Nic {
    pub mac: String,
    /// `bridge`, `network`, `direct`, `user`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The bridge or network name (the macvtap parent for `direct`).
    pub source: String,
    /// The host-side device (e.g. `vnet3`), only while the guest runs.
    pub target: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct GuestDisk {
    /// `disk`, `cdrom`, `floppy`, `lun`.
    pub device: String,
    /// The guest-side name: `vda`, `sda`.
    pub target: String,
    /// File, block device, `pool/volume` or `protocol:name`; empty when none (empty cdrom).
    pub source: String,
    pub readonly: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct KubevirtDetail {
    /// The VM's Kubernetes uid, else the VMI's.
    pub uid: String,
    pub ready: bool,
    pub run_strategy: String,
    /// A VirtualMachine exists for it.
    pub vm: bool,
    /// A VirtualMachineInstance exists for it.
    pub vmi: bool,
    /// Seconds since it started; `null` when not running or unknown.
    pub uptime_s: Option<u64>,
    /// The newest live migration of its VMI, if any.
    pub migration: Option<Migration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Migration {
    /// The migration object's phase (`Running`, `Succeeded`, `Failed`, …).
    pub phase: String,
    pub source_node: String,
    pub target_node: String,
    /// When it started (or entered its phase), seconds since the epoch.
    pub since_unix: Option<i64>,
    pub in_progress: bool,
    pub failed: bool,
    pub mode: String,
}
