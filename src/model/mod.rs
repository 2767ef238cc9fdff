//! Plain data: no I/O, no ratatui. Only `App::update` changes it.

pub mod cluster;
pub mod freshness;
pub mod guests;
pub mod history;
pub mod host;
pub mod log_alerts;
pub mod log_buffer;
pub mod log_filter;
pub mod logs;
pub mod network;
pub mod procs;
pub mod system;
pub mod units;

use crate::event::{Health, SourceId, Update};
use guests::{GuestUpdate, Guests};
use host::HostSample;
use log_buffer::LogUpdate;
use std::collections::BTreeMap;

/// The clock in seconds since the epoch (0 if it is before 1970).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    pub host: HostSample,
    pub history: history::History,
    /// `[alerts]` thresholds, for colours and the alerts strip.
    pub thresholds: crate::config::AlertsConfig,
    pub health: BTreeMap<SourceId, Health>,
    pub logs: log_buffer::LogBuffer,
    pub log_alerts: log_alerts::LogAlerts,
    pub network: network::Network,
    pub guests: Guests,
    pub cluster: cluster::Cluster,
    /// F2's top consumers among host processes.
    pub procs: procs::ProcTable,
    /// systemd's units over D-Bus (F5); unknown until the bus answers.
    pub units: units::Units,
    /// F5's host facts (NixOS, clock, storage health, sensors).
    pub system: system::SystemFacts,
    /// A fixed "now" (seconds since the epoch) for tests and benchmarks; `clock` otherwise.
    pub fixed_now: Option<i64>,
    /// When each source last confirmed its data.
    pub freshness: freshness::Freshness,
    /// When each source's health last changed state (ok → unavailable, …), seconds since the
    /// epoch: "libvirt unavailable since 14:02".
    pub health_since: BTreeMap<SourceId, i64>,
    /// The time the app last looked at the clock (it does on every event), so drawing a
    /// frame never reads the clock itself: a frame shows one instant.
    pub clock: i64,
    /// The data is made up (`--demo`): the header says so.
    pub demo: bool,
}

/// One line of the alerts strip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub critical: bool,
    pub text: String,
}

impl Model {
    pub fn health(&self, id: SourceId) -> &Health {
        static STARTING: Health = Health::Starting;
        self.health.get(&id).unwrap_or(&STARTING)
    }

    pub fn apply(&mut self, update: Update) {
        let now = self.now_unix();
        match &update {
            Update::Host(_) => self.freshness.confirm(SourceId::Procfs, None, now),
            Update::Guests(g) => match &**g {
                GuestUpdate::List { uri, .. } => self.freshness.confirm(SourceId::Libvirt, Some(uri), now),
                GuestUpdate::Down { uri, .. } => self.freshness.forget(SourceId::Libvirt, uri),
                GuestUpdate::Machines(_) => self.freshness.confirm(SourceId::Machined, None, now),
                GuestUpdate::Event(_) | GuestUpdate::MachinesLost => {}
            },
            Update::Confirmed(id, part) => self.freshness.confirm(*id, part.as_deref(), now),
            Update::System(_) => {
                SourceId::FACTS.into_iter().for_each(|id| self.freshness.confirm(id, None, now))
            }
            Update::Kube(u) => cluster::confirm(&mut self.freshness, u, now),
            _ => {}
        }
        match update {
            Update::Confirmed(..) | Update::Action(_) => {}
            Update::Health(id, h) => {
                if self.health.get(&id).is_none_or(|old| old.state() != h.state()) {
                    self.health_since.insert(id, now);
                }
                self.health.insert(id, h);
            }
            Update::Host(sample) => {
                self.history.record(&sample);
                self.host = *sample;
            }
            Update::Logs(LogUpdate::Reset { lines, fallback }) => {
                self.log_alerts.observe(&lines);
                self.logs.reset(lines, fallback);
            }
            Update::Logs(LogUpdate::Append(lines)) => {
                self.log_alerts.observe(&lines);
                self.logs.append(lines);
            }
            Update::Logs(LogUpdate::Older(lines)) => self.logs.prepend(lines),
            Update::Logs(LogUpdate::Progress(p)) => self.logs.progress = p,
            Update::Procs(t) => self.procs = *t,
            Update::Units(u) => self.units.apply(u),
            Update::System(f) => self.system = *f,
            Update::Net(u) => self.network.apply(u),
            Update::Guests(g) => self.guests.apply(*g),
            Update::Kube(u) => {
                if self.cluster.apply(*u) {
                    self.guests.set_kubevirt(self.cluster.guest_rows());
                }
            }
        }
    }

    /// Seconds since the epoch: `fixed_now` when set, else the app's `clock`.
    pub fn now_unix(&self) -> i64 {
        self.fixed_now.unwrap_or(self.clock)
    }

    /// `Some(since)` when `id` answers (its health is ok) but its data has not been confirmed
    /// for longer than it should: what is shown is as of `since`.
    pub fn stale_since(&self, id: SourceId) -> Option<i64> {
        self.health(id).is_ok().then(|| self.freshness.stale_since(id, self.now_unix())).flatten()
    }

    /// Things that need attention now, most severe first.
    pub fn alerts(&self) -> Vec<Alert> {
        let mut out: Vec<Alert> = self
            .health
            .iter()
            .filter_map(|(id, h)| match h {
                Health::Error(r) => Some(Alert { critical: true, text: format!("{}: {r}", id.key()) }),
                _ => None,
            })
            .collect();
        out.extend(history::host_alerts(&self.host, &self.thresholds));
        // Failed units come from systemd itself while its bus answers; from the journal's
        // "Failed with result" lines otherwise.
        if self.units.is_known() {
            out.extend(self.units.alerts(self.now_unix()));
            out.extend(
                self.log_alerts.alerts().into_iter().filter(|a| !a.text.ends_with(log_alerts::FAILED_SUFFIX)),
            );
        } else {
            out.extend(self.log_alerts.alerts());
        }
        out.extend(self.network.alerts().into_iter().map(|(critical, text)| Alert { critical, text }));
        // A partly failing libvirt is already an Error alert above that names the URI.
        out.extend(self.guests.alerts(matches!(self.health(SourceId::Libvirt), Health::Error(_))));
        out.extend(self.cluster.alerts());
        out.extend(self.system.alerts().into_iter().map(Alert::from));
        let now = self.now_unix();
        for id in freshness::HEARTBEAT {
            if let Some(since) = self.stale_since(id) {
                let text = format!(
                    "{}: no answer for {} (showing data as of {})",
                    id.key(),
                    crate::timefmt::duration((now - since).max(0) as u64),
                    crate::timefmt::clock(since)
                );
                out.push(Alert { critical: true, text });
            }
        }
        // A cluster that answered before and no longer does is news; one never seen is not.
        if let Health::Unavailable(r) = self.health(SourceId::Kubernetes)
            && self.cluster.is_known()
        {
            let text = format!("kubernetes: {r} (showing the last-known cluster)");
            out.push(Alert { critical: false, text });
        }
        out.sort_by_key(|a| !a.critical);
        out
    }
}
