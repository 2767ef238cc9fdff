//! `--demo`'s cluster: [`demo_updates`] served by the fake API server, then kept moving one
//! step a second: a pod watch event (phase and readiness flips, restarts, deletions, new
//! pods), a KubeVirt guest that migrates between nodes over and over, and a Warning event
//! every few seconds. Times are the generator's (around [`NOW`]) moved to the real clock.

use super::super::kube_api::{self as api, FakeApi};
use super::{NOW, Object, cluster_updates, guest_name, guest_namespace, json, node_name, pod_events, suffix};
use crate::event::Update;
use crate::model::cluster::objects::{KEvent, Migration, Pod, Vm, Vmi};
use crate::model::cluster::{KubeUpdate, objects::MigrationState};
use std::collections::BTreeMap;

/// The demo cluster's size: nodes, pods, KubeVirt VMIs.
pub const SIZE: (usize, usize, usize) = (3, 80, 12);
/// The guest that keeps migrating (`ci-runner-002`, migrating at start).
const MIGRANT: usize = 2;
/// Ticks between a migration's start and its end, and between two migrations.
const MIGRATION_TICKS: u64 = 20;

/// The updates the collector sends once it has listed the demo cluster (as at [`NOW`]).
pub fn demo_updates() -> Vec<Update> {
    cluster_updates(SIZE.0, SIZE.1, SIZE.2)
}

fn objects(updates: Vec<Update>) -> Vec<Object> {
    let replaced = updates.into_iter().filter_map(|u| match u {
        Update::Kube(k) => match *k {
            KubeUpdate::Replace(_, objs) => Some(objs),
            _ => None,
        },
        _ => None,
    });
    replaced.flatten().collect()
}

/// The served cluster and what changes it.
pub struct ClusterFeed {
    api: FakeApi,
    shift: i64,
    tick: u64,
    pods: BTreeMap<String, Pod>,
    pending: std::vec::IntoIter<Update>,
    vm: Option<Vm>,
    vmi: Option<Vmi>,
    warning: Option<KEvent>,
    /// The migration object of the migration in progress.
    migration: Option<String>,
}

impl ClusterFeed {
    /// Serves the demo cluster on 127.0.0.1, its times moved so that [`NOW`] is `now`.
    pub fn serve(now: i64) -> std::io::Result<ClusterFeed> {
        let api = FakeApi::bind()?;
        let mut feed = ClusterFeed {
            api,
            shift: now - NOW,
            tick: 0,
            pods: BTreeMap::new(),
            pending: Vec::new().into_iter(),
            vm: None,
            vmi: None,
            warning: None,
            migration: None,
        };
        for o in objects(demo_updates()) {
            match &o {
                Object::Pod(p) => _ = feed.pods.insert(format!("{}/{}", p.namespace, p.name), p.clone()),
                Object::Vm(v) if v.name == guest_name(MIGRANT) => feed.vm = Some(v.clone()),
                Object::Vmi(v) if v.name == guest_name(MIGRANT) => feed.vmi = Some(v.clone()),
                Object::Migration(m) if m.vmi == guest_name(MIGRANT) && m.phase == "Running" => {
                    feed.migration = Some(m.name.clone())
                }
                Object::Event(e) if e.kind.label() == "Warning" && feed.warning.is_none() => {
                    feed.warning = Some(e.clone())
                }
                _ => {}
            }
            feed.put(&o);
        }
        Ok(feed)
    }

    pub fn api(&self) -> &FakeApi {
        &self.api
    }

    fn put(&self, o: &Object) {
        let (res, v) = json::object(o, self.shift);
        self.api.put(&res, v);
    }

    /// One second of the cluster's life.
    pub fn tick(&mut self) {
        self.tick += 1;
        self.pod_step();
        match self.tick % (2 * MIGRATION_TICKS) {
            0 => self.migration_starts(),
            MIGRATION_TICKS => self.migration_ends(),
            _ => {}
        }
        if self.tick.is_multiple_of(7) {
            self.warn_again();
        }
    }

    /// "Now" in the generator's time.
    fn now(&self) -> i64 {
        NOW + self.tick as i64
    }

    fn pod_step(&mut self) {
        let next = match self.pending.next() {
            Some(u) => u,
            None => {
                let pods: Vec<Object> = self.pods.values().cloned().map(Object::Pod).collect();
                self.pending = pod_events(3600, &pods, SIZE.0).into_iter();
                let Some(u) = self.pending.next() else { return };
                u
            }
        };
        let Update::Kube(k) = next else { return };
        match *k {
            KubeUpdate::Apply(Object::Pod(mut p)) => {
                let key = format!("{}/{}", p.namespace, p.name);
                let before = self.pods.get(&key).map_or(0, |old| old.restarts);
                if p.restarts > before {
                    p.last_restart_times = vec![self.now()];
                }
                self.put(&Object::Pod(p.clone()));
                self.pods.insert(key, p);
            }
            KubeUpdate::Delete(_, key) => {
                let (ns, name) = key.split_once('/').unwrap_or(("", key.as_str()));
                self.api.delete(&api::PODS, Some(ns), name);
                self.pods.remove(&key);
            }
            _ => {}
        }
    }

    fn migration_starts(&mut self) {
        let now = self.now();
        let (Some(vm), Some(vmi)) = (self.vm.as_mut(), self.vmi.as_mut()) else { return };
        let from = vmi.node.clone();
        let to = (0..SIZE.0).map(node_name).find(|n| *n != from).unwrap_or_default();
        vm.status = "Migrating".into();
        vmi.migration = Some(MigrationState {
            source_node: from,
            target_node: to.clone(),
            start_unix: Some(now),
            end_unix: None,
            completed: false,
            failed: false,
            mode: "PreCopy".into(),
        });
        let name = format!("kubevirt-migrate-vm-{}", suffix(910_000 + self.tick as usize));
        self.migration = Some(name.clone());
        let m = Migration {
            namespace: guest_namespace(MIGRANT).into(),
            name,
            vmi: vmi.name.clone(),
            phase: "Running".into(),
            created_unix: Some(now),
            phase_since_unix: Some(now),
            target_node: to,
        };
        let (vm, vmi) = (Object::Vm(vm.clone()), Object::Vmi(vmi.clone()));
        for o in [vm, vmi, Object::Migration(m)] {
            self.put(&o);
        }
    }

    fn migration_ends(&mut self) {
        let now = self.now();
        let (Some(vm), Some(vmi)) = (self.vm.as_mut(), self.vmi.as_mut()) else { return };
        let Some(m) = vmi.migration.as_mut().filter(|m| m.in_progress()) else { return };
        m.end_unix = Some(now);
        m.completed = true;
        vmi.node = m.target_node.clone();
        vm.status = "Running".into();
        let (vm, vmi) = (Object::Vm(vm.clone()), Object::Vmi(vmi.clone()));
        self.put(&vm);
        self.put(&vmi);
        if let Some(name) = self.migration.take()
            && let Some(mut v) = self.api.get(&api::VMIMS, Some(guest_namespace(MIGRANT)), &name)
        {
            v["status"]["phase"] = "Succeeded".into();
            v["status"]["phaseTransitionTimestamps"] = serde_json::json!([{"phase": "Succeeded",
                "phaseTransitionTimestamp": json::time(now, self.shift)}]);
            self.api.put(&api::VMIMS, v);
        }
    }

    fn warn_again(&mut self) {
        let now = self.now();
        let Some(e) = self.warning.as_mut() else { return };
        e.count += 1;
        e.last_unix = now;
        let e = Object::Event(e.clone());
        self.put(&e);
    }
}
