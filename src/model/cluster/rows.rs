//! KubeVirt guests as rows of F4's table: one per VirtualMachine (with its instance's
//! live facts when it runs), and one per VMI that no VM owns.

use super::Cluster;
use super::objects::{Migration, MigrationState, Vm, Vmi};
use crate::model::guests::{Guest, GuestState, KubevirtGuest, MigrationView};

/// GuestState for KubeVirt's status words, for sorting, colour and counts.
pub fn state_of(status: &str, paused: bool) -> GuestState {
    match status {
        _ if paused => GuestState::Paused,
        "Running" | "Migrating" => GuestState::Running,
        "Paused" => GuestState::Paused,
        "Stopped" | "Succeeded" | "Halted" => GuestState::Shutoff,
        "Stopping" | "Terminating" => GuestState::Shutdown,
        "Failed" | "CrashLoopBackOff" | "Unschedulable" | "ErrImagePull" | "ImagePullBackOff" => {
            GuestState::Crashed
        }
        s if s.starts_with("Error") || s.ends_with("Error") => GuestState::Crashed,
        _ => GuestState::NoState,
    }
}

fn migration_view(vmi: &Vmi, latest: Option<&Migration>) -> Option<MigrationView> {
    let from_state = |m: &MigrationState| MigrationView {
        phase: if m.failed {
            "Failed".into()
        } else if m.completed {
            "Succeeded".into()
        } else {
            "Running".into()
        },
        source_node: m.source_node.clone(),
        target_node: m.target_node.clone(),
        since_unix: m.start_unix,
        step: None,
        mode: m.mode.clone(),
        in_progress: m.in_progress(),
        failed: m.failed,
    };
    match (latest, &vmi.migration) {
        // The migration object says most about one under way or just failed.
        (Some(m), state) if !m.is_final() || m.phase == "Failed" => Some(MigrationView {
            phase: m.phase.clone(),
            source_node: state.as_ref().map(|s| s.source_node.clone()).unwrap_or_else(|| vmi.node.clone()),
            target_node: if m.target_node.is_empty() {
                state.as_ref().map(|s| s.target_node.clone()).unwrap_or_default()
            } else {
                m.target_node.clone()
            },
            since_unix: m.phase_since_unix.or(m.created_unix),
            step: m.step(),
            mode: state.as_ref().map(|s| s.mode.clone()).unwrap_or_default(),
            in_progress: !m.is_final(),
            failed: m.phase == "Failed",
        }),
        (_, Some(s)) => Some(from_state(s)),
        (Some(m), None) => Some(MigrationView {
            phase: m.phase.clone(),
            since_unix: m.phase_since_unix,
            target_node: m.target_node.clone(),
            ..MigrationView::default()
        }),
        (None, None) => None,
    }
}

fn row(vm: Option<&Vm>, vmi: Option<&Vmi>, latest: Option<&Migration>) -> Guest {
    let (namespace, name) = match (vm, vmi) {
        (Some(v), _) => (v.namespace.clone(), v.name.clone()),
        (None, Some(i)) => (i.namespace.clone(), i.name.clone()),
        (None, None) => Default::default(),
    };
    let paused = vmi.is_some_and(|i| i.paused);
    let status = match (vm, vmi) {
        (Some(v), _) if v.status != "Unknown" => v.status.clone(),
        (_, Some(i)) if i.paused => "Paused".into(),
        (_, Some(i)) => i.phase.clone(),
        (Some(v), None) => v.status.clone(),
        (None, None) => String::new(),
    };
    let migration = vmi.and_then(|i| migration_view(i, latest));
    let mut conditions: Vec<_> =
        vm.iter().flat_map(|v| v.conditions.iter().map(|c| ("VM", c.clone()))).collect();
    conditions.extend(vmi.iter().flat_map(|i| i.conditions.iter().map(|c| ("VMI", c.clone()))));
    let running = vmi.filter(|i| i.phase == "Running");
    Guest {
        name,
        uuid: vm.map(|v| v.uid.clone()).or_else(|| vmi.map(|i| i.uid.clone())).unwrap_or_default(),
        uri: namespace,
        state: state_of(&status, paused),
        vcpus: vmi.map(|i| i.vcpus).filter(|n| *n > 0).or(vm.map(|v| v.vcpus)).unwrap_or(0),
        memory_bytes: vmi
            .map(|i| i.memory_bytes)
            .filter(|n| *n > 0)
            .or(vm.map(|v| v.memory_bytes))
            .unwrap_or(0),
        max_memory_bytes: vm.map(|v| v.memory_bytes).unwrap_or(0),
        persistent: vm.is_some(),
        ips: vmi.map(|i| i.ips.clone()).unwrap_or_default(),
        started_unix: running.and_then(|i| i.running_since_unix),
        kubevirt: Some(Box::new(KubevirtGuest {
            status,
            node: vmi.map(|i| i.node.clone()).unwrap_or_default(),
            ready: vm.map(|v| v.ready).unwrap_or(false) || vmi.is_some_and(|i| i.ready),
            run_strategy: vm.map(|v| v.run_strategy.clone()).unwrap_or_default(),
            has_vm: vm.is_some(),
            has_vmi: vmi.is_some(),
            migration,
            conditions,
        })),
        ..Guest::default()
    }
}

impl Cluster {
    /// Every KubeVirt guest, VMs first matched with their VMIs, in namespace/name order.
    pub fn guest_rows(&self) -> Vec<Guest> {
        let latest = self.latest_migrations();
        let mig = |ns: &str, name: &str| latest.get(&(ns.to_string(), name.to_string())).copied();
        let mut out: Vec<Guest> = self
            .vms
            .iter()
            .map(|(k, vm)| row(Some(vm), self.vmis.get(k), mig(&vm.namespace, &vm.name)))
            .collect();
        out.extend(
            self.vmis
                .iter()
                .filter(|(k, _)| !self.vms.contains_key(*k))
                .map(|(_, i)| row(None, Some(i), mig(&i.namespace, &i.name))),
        );
        out
    }

    /// KubeVirt guests in F2's buckets (builds the rows; `summarize` takes built ones).
    pub fn kubevirt_summary(&self) -> super::KubevirtSummary {
        self.summarize(&self.guest_rows())
    }

    /// `rows` (this cluster's guest rows) in F2's buckets.
    pub fn summarize(&self, rows: &[Guest]) -> super::KubevirtSummary {
        let mut s =
            super::KubevirtSummary { vms: self.vms.len(), vmis: self.vmis.len(), ..Default::default() };
        for g in rows {
            let migrating =
                g.kubevirt.as_ref().and_then(|k| k.migration.as_ref()).is_some_and(|m| m.in_progress);
            match g.state {
                _ if migrating => s.migrating += 1,
                GuestState::Running => s.running += 1,
                GuestState::Shutoff => s.stopped += 1,
                GuestState::Crashed => s.failed += 1,
                _ => s.other += 1,
            }
        }
        s
    }
}
