//! `snapshot [--json]`: one sample of every source. The JSON is a stable, versioned
//! contract (SPEC §4) made from the typed structs in `types`, described by
//! `docs/snapshot.schema.json` (see `schema`).

mod host;
mod kube;
mod libvirt;
mod machined;
mod net;
pub mod schema;
mod sources;
mod system;
mod text;
pub mod types;
mod units;

use crate::collectors::procs::ProcScanner;
use crate::collectors::{self, procfs};
use crate::config::Config;
use crate::event::{Health, SourceId};
use crate::model::cluster::Cluster;
use crate::model::guests::Guest;
use crate::model::host::HostSample;
use crate::model::procs::ProcTable;
use serde_json::Value;
use std::time::{Duration, Instant};

/// One source as this run saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSample {
    pub id: SourceId,
    pub health: Health,
    /// When the data shown from it was confirmed; `None` when none is shown.
    pub confirmed: Option<Instant>,
}

/// What `take` gathered: model types, before they become the contract.
pub struct Snapshot {
    pub host: Option<HostSample>,
    /// The process scan; `None` when /proc could not be scanned.
    pub procs: Option<ProcTable>,
    pub sources: Vec<SourceSample>,
    /// `None` when netlink did not answer (its reason is under `sources`).
    pub network: Option<crate::model::network::NetState>,
    /// libvirt guests of the URIs that answered; `None` when none did.
    pub guests: Option<Vec<Guest>>,
    /// The cluster as listed; `None` when the API did not answer.
    pub cluster: Option<Cluster>,
    /// machined's machines and configured containers; `None` when machined did not answer.
    pub machines: Option<Vec<Guest>>,
    /// systemd's units; `None` when its bus did not answer.
    pub units: Option<Vec<crate::model::units::Unit>>,
    /// F5's host facts (each part says itself whether it could be read).
    pub system: crate::model::system::SystemFacts,
    pub now_unix: i64,
    /// When the sample was complete: ages are measured to here.
    pub taken: Instant,
}

/// Runs `f` and notes when it ended.
async fn timed<F: Future>(f: F) -> (F::Output, Instant) {
    let out = f.await;
    (out, Instant::now())
}

/// Samples /proc twice (for CPU %) while asking every other source once.
/// Every source gets until `timeout` to answer (data or an error); Kubernetes waits for every
/// kind, so the same cluster gives the same `missing` set each run.
pub async fn take(config: &Config, timeout: Duration) -> Snapshot {
    let root = collectors::proc_root();
    let host = timed(async move {
        // Processes are scanned around the same interval as the CPU sample, for their CPU %.
        let sample = tokio::task::spawn_blocking(move || {
            let mut scanner = ProcScanner::new(root.clone());
            scanner.scan();
            let host = procfs::sample_twice(&root, Duration::from_millis(250)).ok();
            (host, scanner.scan())
        });
        sample.await.unwrap_or((None, ProcTable::default()))
    });
    let network = timed(tokio::time::timeout(timeout, collectors::netlink::snapshot_once()));
    let libvirt = timed(libvirt::sample(config, timeout));
    let kube = timed(kube::sample(config, timeout));
    let units = timed(units::sample(timeout));
    let machines = timed(machined::sample(timeout));
    let checks = timed(collectors::check_all(config, timeout));
    let facts = timed(tokio::task::spawn_blocking(collectors::system::read_host));
    let (
        (checks, checked),
        (host, host_at),
        (network, net_at),
        (libvirt, libvirt_at),
        (kube, kube_at),
        ((units, units_health), units_at),
        ((machines, machines_health), machines_at),
        (facts, facts_at),
    ) = tokio::join!(checks, host, network, libvirt, kube, units, machines, facts);
    let facts = facts.ok();
    let network = network.ok().and_then(Result::ok);
    let (host, procs) = host;
    let procs = (procs.scanned && procs.error.is_none()).then_some(procs);
    let (guests, libvirt_health) = libvirt;
    let kube::Sample { cluster, kubernetes, kubevirt } = kube;
    let kubevirt_listed = kube::kubevirt_listed(&cluster);
    let cluster = cluster.is_known().then_some(cluster);
    let sources = checks
        .into_iter()
        .map(|(id, probe)| {
            // The listing's own health wins over the probe's: both asked the same thing.
            let (health, shown, at) = match id {
                SourceId::Journal => (probe.clone(), probe.is_ok(), checked),
                SourceId::Procfs => (probe, host.is_some(), host_at),
                SourceId::Netlink => (probe, network.is_some(), net_at),
                SourceId::Libvirt => (libvirt_health.clone().unwrap_or(probe), guests.is_some(), libvirt_at),
                SourceId::Kubernetes => (answered(&kubernetes, probe), cluster.is_some(), kube_at),
                SourceId::Kubevirt => (answered(&kubevirt, probe), kubevirt_listed, kube_at),
                SourceId::Systemd => (units_health.clone(), units.is_some(), units_at),
                SourceId::Machined => (machines_health.clone(), machines.is_some(), machines_at),
                // The facts read for the sections say the health, as the probe read them too.
                SourceId::Nixos | SourceId::Time | SourceId::Storage | SourceId::Hardware => {
                    let health = facts.as_ref().and_then(|r| r.health.iter().find(|(i, _)| *i == id));
                    let health = health.map_or(probe, |(_, h)| h.clone());
                    (health.clone(), health.is_ok(), facts_at)
                }
            };
            SourceSample { id, health, confirmed: shown.then_some(at) }
        })
        .collect();
    let now_unix = crate::model::unix_now();
    let system = facts.map(|r| r.facts).unwrap_or_default();
    Snapshot {
        host,
        procs,
        sources,
        network,
        guests,
        cluster,
        machines,
        units,
        system,
        now_unix,
        taken: Instant::now(),
    }
}

/// The watcher's answer, or the probe's when the watcher never answered.
fn answered(watched: &Health, probe: Health) -> Health {
    if *watched == Health::Starting { probe } else { watched.clone() }
}

impl Snapshot {
    /// The contract document.
    pub fn document(&self) -> types::Snapshot {
        let host = self.host.as_ref();
        types::Snapshot {
            schema_version: types::SchemaVersion,
            host: host.map(host::host),
            cpu: host.map(|h| host::cpu(&h.cpu)),
            memory: host.map(|h| host::memory(&h.memory)),
            disks: host.map(|h| h.disks.iter().map(host::disk).collect()),
            network: self.network.as_ref().map(net::network),
            guests: self.all_guests(),
            kubernetes: self.cluster.as_ref().map(|c| kube::kubernetes(c, self.now_unix)),
            top_processes: self.procs.as_ref().map(host::top_processes),
            units: self.units.as_deref().map(units::units),
            nixos: system::nixos(&self.system.nixos),
            time: system::time(&self.system.time),
            storage: system::storage(&self.system.storage),
            hardware: system::hardware(&self.system.hardware),
            sources: sources::sources(&self.sources, self.taken),
        }
    }

    /// The document as JSON; it serialises infallibly (plain data, string keys).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.document()).unwrap_or(Value::Null)
    }

    pub fn to_text(&self) -> String {
        text::render(self)
    }

    /// libvirt's guests, KubeVirt's, then machined's; `None` when no source answered.
    fn all_guests(&self) -> Option<Vec<types::Guest>> {
        let libvirt = self.guests.as_ref().map(|g| g.iter().map(libvirt::guest).collect::<Vec<_>>());
        let kubevirt = self
            .cluster
            .as_ref()
            .filter(|c| kube::kubevirt_listed(c))
            .map(|c| c.guest_rows().iter().map(|g| kube::guest(g, self.now_unix)).collect::<Vec<_>>());
        let machines = self
            .machines
            .as_ref()
            .map(|g| g.iter().map(|g| machined::guest(g, self.now_unix)).collect::<Vec<_>>());
        match (libvirt, kubevirt, machines) {
            (None, None, None) => None,
            (l, k, m) => Some(l.into_iter().chain(k).chain(m).flatten().collect()),
        }
    }
}
