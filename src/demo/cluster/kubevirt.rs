//! The KubeVirt half of the synthetic cluster: VMs, VMIs, migrations and their events
//! (the guest mix is described in the parent module).

use super::*;
use crate::model::cluster::objects::{Condition, KEvent, Migration, MigrationState, Object, Vm, Vmi};

const PREFIXES: [&str; 8] = ["web", "db", "ci-runner", "build", "cache", "gitlab", "ubuntu", "win2022"];

/// Guest number `i`'s name: `web-000`, `db-001`, …
pub fn guest_name(i: usize) -> String {
    format!("{}-{i:03}", PREFIXES[i % PREFIXES.len()])
}

/// Guest number `i`'s namespace: `tenant-a` for every fourth, else `vms`.
pub fn guest_namespace(i: usize) -> &'static str {
    if i % 4 == 3 { "tenant-a" } else { "vms" }
}

fn guest_uid(i: usize) -> String {
    uuid(1_000 + i as u64)
}

fn vcpus(i: usize) -> u32 {
    1 + (i * 3 % 8) as u32
}

fn memory(i: usize) -> u64 {
    (1 + (i * 5 % 16) as u64) * GIB
}

/// Whether VMI `i` has a VirtualMachine (VMI 1, Failed, and every `i % 10 == 9` do not).
fn has_vm(i: usize) -> bool {
    i != 1 && i % 10 != 9
}

fn cond(kind: &str, status: &str, reason: &str, message: &str) -> Condition {
    Condition { kind: kind.into(), status: status.into(), reason: reason.into(), message: message.into() }
}

/// Source and target node of guest `i`'s migration.
fn migration_nodes(i: usize, nodes: usize) -> (usize, usize) {
    let nodes = nodes.max(1);
    (i % nodes, (i + 1) % nodes)
}

/// VMs of a cluster with `n` VMIs: one per VMI a VM owns, then `n / 10 + 1` Stopped ones.
pub fn vms(n: usize) -> Vec<Object> {
    let mut out: Vec<Object> = (0..n)
        .filter(|i| has_vm(*i))
        .map(|i| {
            let (status, ready, conditions) = match i {
                2 | 3 => ("Migrating", true, vec![cond("Ready", "True", "", "")]),
                6 => (
                    "Paused",
                    false,
                    vec![
                        cond("Ready", "False", "PausedByUser", ""),
                        cond("Paused", "True", "PausedByUser", "VMI was paused by user"),
                    ],
                ),
                7 => (
                    "Starting",
                    false,
                    vec![cond("Ready", "False", "GuestNotRunning", "Guest VM is not reported as running")],
                ),
                _ => ("Running", true, vec![cond("Ready", "True", "", "")]),
            };
            Object::Vm(Vm {
                namespace: guest_namespace(i).into(),
                name: guest_name(i),
                uid: guest_uid(i),
                status: status.into(),
                ready,
                run_strategy: if i % 5 == 4 { "RerunOnFailure".into() } else { "Always".into() },
                vcpus: vcpus(i),
                memory_bytes: memory(i),
                conditions,
            })
        })
        .collect();
    out.extend((n..n + n / 10 + 1).map(|i| {
        Object::Vm(Vm {
            namespace: guest_namespace(i).into(),
            name: guest_name(i),
            uid: guest_uid(i),
            status: "Stopped".into(),
            ready: false,
            run_strategy: "Halted".into(),
            vcpus: vcpus(i),
            memory_bytes: memory(i),
            conditions: vec![cond("Ready", "False", "VMINotExists", "VMI does not exist")],
        })
    }));
    out
}

/// `n` VMIs over `nodes` nodes, in the mix the module's documentation lists.
pub fn vmis(n: usize, nodes: usize) -> Vec<Object> {
    let nodes = nodes.max(1);
    (0..n)
        .map(|i| {
            let (from, to) = migration_nodes(i, nodes);
            let mut node = i % nodes;
            let mut vmi = Vmi {
                namespace: guest_namespace(i).into(),
                name: guest_name(i),
                uid: uuid(50_000 + i as u64),
                phase: "Running".into(),
                vcpus: vcpus(i),
                memory_bytes: memory(i),
                ready: true,
                conditions: vec![cond("Ready", "True", "", ""), cond("LiveMigratable", "True", "", "")],
                running_since_unix: Some(NOW - HOUR * (1 + (i * 7 % 500) as i64) - 13 * i as i64),
                has_vm: has_vm(i),
                ..Vmi::default()
            };
            if i % 8 == 7 && i != 7 {
                vmi.conditions[1] = cond(
                    "LiveMigratable",
                    "False",
                    "DisksNotLiveMigratable",
                    "cannot migrate VMI: PVC rootdisk is not shared, live migration requires that all \
                     PVCs must be shared (using ReadWriteMany access mode)",
                );
            }
            match i {
                1 => {
                    vmi.phase = "Failed".into();
                    vmi.ready = false;
                    vmi.running_since_unix = None;
                    vmi.conditions =
                        vec![cond("Ready", "False", "PodTerminating", "virt-launcher pod failed")];
                }
                2 | 3 => {
                    vmi.migration = Some(MigrationState {
                        source_node: node_name(from),
                        target_node: node_name(to),
                        start_unix: Some(NOW - if i == 2 { 95 } else { 340 }),
                        end_unix: None,
                        completed: false,
                        failed: false,
                        mode: "PreCopy".into(),
                    });
                }
                4 => {
                    vmi.migration = Some(MigrationState {
                        source_node: node_name(from),
                        target_node: node_name(to),
                        start_unix: Some(NOW - 1800),
                        end_unix: Some(NOW - 1742),
                        completed: false,
                        failed: true,
                        mode: "PreCopy".into(),
                    });
                }
                5 => {
                    node = to;
                    vmi.migration = Some(MigrationState {
                        source_node: node_name(from),
                        target_node: node_name(to),
                        start_unix: Some(NOW - DAY - 60),
                        end_unix: Some(NOW - DAY),
                        completed: true,
                        failed: false,
                        mode: "PreCopy".into(),
                    });
                }
                6 => {
                    vmi.paused = true;
                    vmi.ready = false;
                    vmi.conditions = vec![
                        cond("Ready", "False", "PausedByUser", ""),
                        cond("Paused", "True", "PausedByUser", "VMI was paused by user"),
                    ];
                }
                7 => {
                    vmi.phase = "Scheduling".into();
                    vmi.ready = false;
                    vmi.running_since_unix = None;
                    vmi.conditions =
                        vec![cond("Ready", "False", "GuestNotRunning", "Guest VM is not running")];
                }
                _ => {}
            }
            let placed = !matches!(i, 7);
            if placed {
                vmi.node = node_name(node);
            }
            if vmi.phase == "Running" {
                vmi.ips = vec![format!("10.42.{}.{}", node % 256, 10 + i % 240)];
            }
            Object::Vmi(vmi)
        })
        .collect()
}

fn vmim(i: usize, name: String, phase: &str, created: i64, since: i64, target: String) -> Object {
    Object::Migration(Migration {
        namespace: guest_namespace(i).into(),
        name,
        vmi: guest_name(i),
        phase: phase.into(),
        created_unix: Some(created),
        phase_since_unix: Some(since),
        target_node: target,
    })
}

/// The migrations of a 3-node cluster: [`migrations_on`]`(3)`.
pub fn migrations() -> Vec<Object> {
    migrations_on(3)
}

/// The VMIMs of the guests 2–5 on a cluster of `nodes` nodes: two Running, one VMI whose
/// newest migration Failed after an older one Succeeded, one Succeeded a day ago.
pub fn migrations_on(nodes: usize) -> Vec<Object> {
    let to = |i: usize| node_name(migration_nodes(i, nodes).1);
    vec![
        vmim(2, format!("kubevirt-migrate-vm-{}", suffix(900_001)), "Running", NOW - 110, NOW - 95, to(2)),
        vmim(3, format!("kubevirt-evacuation-{}", suffix(900_002)), "Running", NOW - 360, NOW - 340, to(3)),
        vmim(
            4,
            format!("kubevirt-migrate-vm-{}", suffix(900_003)),
            "Succeeded",
            NOW - 3 * DAY,
            NOW - 3 * DAY + 70,
            node_name(migration_nodes(4, nodes).0),
        ),
        vmim(4, format!("kubevirt-migrate-vm-{}", suffix(900_004)), "Failed", NOW - 1810, NOW - 1742, to(4)),
        vmim(
            5,
            format!("kubevirt-migrate-vm-{}", suffix(900_005)),
            "Succeeded",
            NOW - DAY - 75,
            NOW - DAY,
            to(5),
        ),
    ]
}

fn kevent(i: usize, object_kind: &str, kind: &str, reason: &str, message: String, last: i64) -> Object {
    let name = guest_name(i);
    Object::Event(KEvent {
        namespace: guest_namespace(i).into(),
        name: format!("{name}.{:016x}", 0x17f9_a3b2_0000_0000_u64 + last as u64 * 16 + reason.len() as u64),
        object_kind: object_kind.into(),
        object_name: name,
        kind: kind.into(),
        reason: reason.into(),
        message,
        last_unix: last,
        count: 1,
    })
}

/// Events about the guests 0–7: creations and starts, the Failed VMI's sync errors, the
/// migrations (Warning FailedMigration for guest 4), the pause, the pod being created.
pub fn events() -> Vec<Object> {
    const VM: &str = "VirtualMachine";
    const VMI: &str = "VirtualMachineInstance";
    let started = |i: usize| NOW - HOUR * (1 + (i * 7 % 500) as i64) - 13 * i as i64;
    let mut out = Vec::new();
    for i in [0, 2, 3, 4, 5, 6] {
        let name = guest_name(i);
        let msg = format!("Started the virtual machine by creating the new virtual machine instance {name}");
        out.push(kevent(i, VM, "Normal", "SuccessfulCreate", msg, started(i) - 20));
        out.push(kevent(i, VMI, "Normal", "Started", "VirtualMachineInstance started.".into(), started(i)));
    }
    let mut failed = kevent(
        1,
        VMI,
        "Warning",
        "SyncFailed",
        "server error. command SyncVMI failed: \"LibvirtError(Code=1, Domain=10, Message='internal \
         error: qemu unexpectedly closed the monitor')\""
            .into(),
        NOW - 600,
    );
    if let Object::Event(e) = &mut failed {
        e.count = 3;
    }
    out.push(failed);
    for (i, ago) in [(2, 95), (3, 340)] {
        let target = "VirtualMachineInstance Migration Target Prepared.".to_string();
        out.push(kevent(i, VMI, "Normal", "PreparingTarget", target, NOW - ago - 10));
        out.push(kevent(
            i,
            VMI,
            "Normal",
            "Migrating",
            "VirtualMachineInstance is migrating.".into(),
            NOW - ago,
        ));
    }
    out.push(kevent(
        4,
        VMI,
        "Warning",
        "FailedMigration",
        format!(
            "VirtualMachineInstance migration uid {} failed. reason:Live migration failed error \
             encountered during MigrateToURI3 libvirt api call: virError(Code=38, Domain=7, \
             Message='operation failed: migration out job: unexpectedly failed')",
            uuid(900_004)
        ),
        NOW - 1742,
    ));
    out.push(kevent(6, VMI, "Normal", "Paused", "VirtualMachineInstance paused".into(), NOW - 2 * HOUR));
    let launcher = format!("Created virtual machine pod virt-launcher-{}-{}", guest_name(7), suffix(900_007));
    out.push(kevent(7, VMI, "Normal", "SuccessfulCreate", launcher, NOW - 30));
    out
}
