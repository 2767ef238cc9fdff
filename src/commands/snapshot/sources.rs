//! `sources`: each source's health and the age of the data shown from it.

use super::SourceSample;
use super::types::{SourceReport, SourceState, Sources};
use crate::event::{Health, SourceId};
use std::time::Instant;

impl From<&Health> for SourceState {
    fn from(h: &Health) -> SourceState {
        match h {
            Health::Starting => SourceState::Starting,
            Health::Ok(_) => SourceState::Ok,
            Health::Disabled(_) | Health::Unavailable(_) => SourceState::Unavailable,
            Health::Error(_) => SourceState::Error,
        }
    }
}

/// One source's report; `taken` is when the document's data was complete.
pub fn report(s: &SourceSample, taken: Instant) -> SourceReport {
    SourceReport {
        state: SourceState::from(&s.health),
        reason: s.health.reason().to_string(),
        age_s: s.confirmed.map(|at| {
            let ms = taken.saturating_duration_since(at).as_millis();
            ms as f64 / 1000.0
        }),
    }
}

/// Every source, `starting` for one this run did not ask (it asks all of them today).
pub fn sources(samples: &[SourceSample], taken: Instant) -> Sources {
    let get = |id: SourceId| {
        samples.iter().find(|s| s.id == id).map_or_else(
            || report(&SourceSample { id, health: Health::Starting, confirmed: None }, taken),
            |s| report(s, taken),
        )
    };
    Sources {
        journal: get(SourceId::Journal),
        procfs: get(SourceId::Procfs),
        netlink: get(SourceId::Netlink),
        libvirt: get(SourceId::Libvirt),
        kubernetes: get(SourceId::Kubernetes),
        kubevirt: get(SourceId::Kubevirt),
        systemd: get(SourceId::Systemd),
        nixos: get(SourceId::Nixos),
        time: get(SourceId::Time),
        storage: get(SourceId::Storage),
        hardware: get(SourceId::Hardware),
        machined: get(SourceId::Machined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn age_is_null_without_data_and_measured_with_it() {
        let taken = Instant::now();
        let shown = SourceSample {
            id: SourceId::Procfs,
            health: Health::Ok("4 cores".into()),
            confirmed: taken.checked_sub(Duration::from_millis(1500)),
        };
        let r = report(&shown, taken);
        assert_eq!((r.state, r.age_s), (SourceState::Ok, Some(1.5)));
        let down = SourceSample {
            id: SourceId::Libvirt,
            health: Health::Unavailable("no socket".into()),
            confirmed: None,
        };
        let r = report(&down, taken);
        assert_eq!((r.state, r.reason.as_str(), r.age_s), (SourceState::Unavailable, "no socket", None));
        let all = sources(&[shown], taken);
        assert_eq!(all.kubevirt.state, SourceState::Starting, "a source not asked is not invented as ok");
        assert_eq!(all.kubevirt.age_s, None);
    }
}
