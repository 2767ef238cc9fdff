//! The Kubernetes cluster as the node sees it: nodes, pods, services, PVCs and KubeVirt's
//! VMs, VMIs and migrations, kept up to date by the collector's watch events. Plain data.

pub mod objects;
pub mod parse;
mod rows;
mod summary;

use objects::{KEvent, Kind, Migration, Node, Object, Pod, Pvc, Service, Vm, Vmi};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
pub use summary::{ClusterSummary, KubevirtSummary};

/// Events kept for the detail pane; the oldest go first.
pub const EVENT_CAPACITY: usize = 500;
/// Restart records kept for "restarts in the last hour".
const RESTART_LOG_CAPACITY: usize = 10_000;

/// Facts about the cluster that do not come from a watch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterInfo {
    /// This host's node name (config, else the hostname).
    pub node_name: String,
    /// The API server URL the console talks to.
    pub server: String,
    /// The API server's version (`v1.31.4+k3s1`).
    pub version: String,
    /// CNI configurations found on the host: `flannel (10-flannel.conflist)`.
    pub cni: Vec<String>,
    /// `service-cidr` from the k3s config, when set there.
    pub service_cidr: Option<String>,
    /// `cluster-cidr` from the k3s config, when set there.
    pub cluster_cidr: Option<String>,
}

/// A message from the Kubernetes collector.
#[derive(Debug, Clone, PartialEq)]
pub enum KubeUpdate {
    Info(ClusterInfo),
    /// A (re-)list: every object of one kind, replacing what was known of it.
    Replace(Kind, Vec<Object>),
    /// Added or modified.
    Apply(Object),
    Delete(Kind, String),
    /// The kind cannot be watched (forbidden, CRDs absent): its objects are forgotten.
    Missing(Kind, String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cluster {
    pub info: ClusterInfo,
    pub nodes: BTreeMap<String, Node>,
    pub pods: HashMap<String, Pod>,
    pub services: BTreeMap<String, Service>,
    pub pvcs: BTreeMap<String, Pvc>,
    pub vms: BTreeMap<String, Vm>,
    pub vmis: BTreeMap<String, Vmi>,
    pub migrations: BTreeMap<String, Migration>,
    pub events: HashMap<String, KEvent>,
    /// Kinds listed at least once since they were last missing.
    pub synced: BTreeSet<Kind>,
    /// Kinds that cannot be watched, with why.
    pub missing: BTreeMap<Kind, String>,
    /// (when, how many) container restarts, oldest first.
    restart_log: VecDeque<(i64, u32)>,
}

impl Cluster {
    /// Applies one update; true when the KubeVirt guest rows need rebuilding.
    pub fn apply(&mut self, u: KubeUpdate) -> bool {
        let kind = match &u {
            KubeUpdate::Info(_) => None,
            KubeUpdate::Replace(k, _) | KubeUpdate::Delete(k, _) | KubeUpdate::Missing(k, _) => Some(*k),
            KubeUpdate::Apply(o) => Some(o.kind()),
        };
        match u {
            KubeUpdate::Info(info) => self.info = info,
            KubeUpdate::Replace(kind, objects) => self.replace(kind, objects),
            KubeUpdate::Apply(o) => self.upsert(o),
            KubeUpdate::Delete(kind, key) => self.remove(kind, &key),
            KubeUpdate::Missing(kind, why) => {
                self.clear(kind);
                self.synced.remove(&kind);
                self.missing.insert(kind, why);
            }
        }
        kind.is_some_and(Kind::is_kubevirt)
    }

    fn replace(&mut self, kind: Kind, objects: Vec<Object>) {
        self.missing.remove(&kind);
        self.synced.insert(kind);
        if kind == Kind::Pod {
            // Restart counts carry over a re-list: only growth is news.
            let old = std::mem::take(&mut self.pods);
            for o in objects {
                if let Object::Pod(p) = o {
                    self.record_restarts(old.get(&objects::key(&p.namespace, &p.name)), &p);
                    self.pods.insert(objects::key(&p.namespace, &p.name), p);
                }
            }
            return;
        }
        self.clear(kind);
        for o in objects {
            self.upsert(o);
        }
    }

    fn clear(&mut self, kind: Kind) {
        match kind {
            Kind::Node => self.nodes.clear(),
            Kind::Pod => self.pods.clear(),
            Kind::Service => self.services.clear(),
            Kind::Pvc => self.pvcs.clear(),
            Kind::Vm => self.vms.clear(),
            Kind::Vmi => self.vmis.clear(),
            Kind::Migration => self.migrations.clear(),
            Kind::Event => self.events.clear(),
        }
    }

    fn upsert(&mut self, o: Object) {
        let key = o.key();
        match o {
            Object::Node(x) => _ = self.nodes.insert(key, x),
            Object::Pod(x) => {
                self.record_restarts(self.pods.get(&key).cloned().as_ref(), &x);
                self.pods.insert(key, x);
            }
            Object::Service(x) => _ = self.services.insert(key, x),
            Object::Pvc(x) => _ = self.pvcs.insert(key, x),
            Object::Vm(x) => _ = self.vms.insert(key, x),
            Object::Vmi(x) => _ = self.vmis.insert(key, x),
            Object::Migration(x) => _ = self.migrations.insert(key, x),
            Object::Event(x) => {
                self.events.insert(key, x);
                if self.events.len() > EVENT_CAPACITY {
                    let oldest = self.events.iter().min_by_key(|(_, e)| e.last_unix).map(|(k, _)| k.clone());
                    oldest.map(|k| self.events.remove(&k));
                }
            }
        }
    }

    fn remove(&mut self, kind: Kind, key: &str) {
        match kind {
            Kind::Node => _ = self.nodes.remove(key),
            Kind::Pod => _ = self.pods.remove(key),
            Kind::Service => _ = self.services.remove(key),
            Kind::Pvc => _ = self.pvcs.remove(key),
            Kind::Vm => _ = self.vms.remove(key),
            Kind::Vmi => _ = self.vmis.remove(key),
            Kind::Migration => _ = self.migrations.remove(key),
            Kind::Event => _ = self.events.remove(key),
        }
    }

    /// Notes restarts: growth of the count since `old`, or, for a pod seen for the first
    /// time, one per container whose last termination the API still records.
    fn record_restarts(&mut self, old: Option<&Pod>, new: &Pod) {
        let latest = new.last_restart_times.iter().copied().max().unwrap_or(0);
        match old {
            Some(old) if new.restarts > old.restarts => {
                self.restart_log.push_back((latest, new.restarts - old.restarts))
            }
            Some(_) => {}
            None => self.restart_log.extend(new.last_restart_times.iter().map(|t| (*t, 1))),
        }
        while self.restart_log.len() > RESTART_LOG_CAPACITY {
            self.restart_log.pop_front();
        }
    }

    /// Container restarts at or after `since` (seconds since the epoch).
    pub fn restarts_since(&self, since: i64) -> u64 {
        self.restart_log.iter().filter(|(t, _)| *t >= since).map(|(_, n)| u64::from(*n)).sum()
    }

    /// Whether anything about the cluster is known (a kind listed).
    pub fn is_known(&self) -> bool {
        !self.synced.is_empty()
    }

    /// This host's node, when it is one of the cluster's.
    pub fn this_node(&self) -> Option<&Node> {
        self.nodes.get(&self.info.node_name)
    }

    /// Events about one object (by kind-agnostic namespace/name), newest first.
    pub fn events_of(&self, namespace: &str, name: &str) -> Vec<&KEvent> {
        let mut v: Vec<&KEvent> =
            self.events.values().filter(|e| e.namespace == namespace && e.object_name == name).collect();
        v.sort_by(|a, b| b.last_unix.cmp(&a.last_unix).then_with(|| a.name.cmp(&b.name)));
        v
    }
}

#[cfg(test)]
mod tests;

/// A list or an event confirms its kind's data; a kind that cannot be read has no age.
pub fn confirm(f: &mut crate::model::freshness::Freshness, u: &KubeUpdate, now: i64) {
    use crate::model::freshness::kind_source;
    let kind = match u {
        KubeUpdate::Replace(k, _) | KubeUpdate::Delete(k, _) => *k,
        KubeUpdate::Apply(o) => o.kind(),
        KubeUpdate::Missing(k, _) => return f.forget(kind_source(*k), k.plural()),
        KubeUpdate::Info(_) => return,
    };
    f.confirm(kind_source(kind), Some(kind.plural()), now);
}
