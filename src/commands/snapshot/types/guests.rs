//! `guests`: libvirt domains, KubeVirt VMs/VMIs and systemd-machined machines in one list,
//! `source` telling which.

use schemars::JsonSchema;
use serde::Serialize;

/// One guest: SPEC's keys, then those of its source (told apart by `source`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Guest {
    pub name: String,
    /// The libvirt URI it was listed from, its KubeVirt namespace, or for machined guests
    /// `nspawn` (a container) or `machined` (a VM another manager registered).
    pub uri_or_namespace: String,
    /// libvirt: the word `virsh list` prints (`running`, `paused`, `shut off`, …);
    /// KubeVirt: the VM's printable status, or the VMI's phase when it has no VM;
    /// machined: its state (`opening`, `running`, `closing`), or `stopped` / `failed` for a
    /// configured container that does not run.
    pub state: String,
    /// 0 for machined guests (containers have no vCPUs; machined does not know a VM's).
    pub vcpus: u32,
    /// `null` when the source cannot say (a machined guest without memory accounting in its
    /// cgroup, or one that does not run).
    pub memory_bytes: Option<u64>,
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
    /// A machine registered with systemd-machined (an nspawn or NixOS container, a VM of
    /// another manager), or a configured container that does not run.
    Machined(MachinedDetail),
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct MachinedDetail {
    /// machined's class: `container` or `vm`.
    pub class: String,
    /// Who registered it (`systemd-nspawn`, `nspawn`, …); empty when it does not run.
    pub service: String,
    /// The systemd unit that holds it.
    pub unit: String,
    /// A container's root directory; empty when unknown.
    pub root_directory: String,
    /// The leader's PID in machined's PID namespace; `null` when it does not run.
    pub leader: Option<u32>,
    /// 32 hex digits; empty when machined has none.
    pub machine_id: String,
    /// CPU use of its cgroup over the sample, percent of one CPU; `null` when unknown.
    pub cpu_percent: Option<f64>,
    /// How `memory_bytes` was read (`cgroup v2`, `cgroup v1`, `RSS of its processes`), or why
    /// it is `null`.
    pub memory_note: String,
    /// Seconds since its leader started; `null` when it does not run or is unknown.
    pub uptime_s: Option<u64>,
    /// Host-side network interfaces (`ve-NAME`, `vb-NAME`).
    pub interfaces: Vec<String>,
    /// Where a configured container that does not run was found (`/etc/nixos-containers/NAME.conf`,
    /// `/var/lib/machines/NAME`); `null` for a registered machine.
    pub configured: Option<String>,
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
