//! Plain data: no I/O, no ratatui. Only `App::update` changes it.

pub mod guests;
pub mod host;

use crate::event::{Health, SourceId, Update};
use guests::Guests;
use host::HostSample;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    pub host: HostSample,
    pub health: BTreeMap<SourceId, Health>,
    pub guests: Guests,
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
        match update {
            Update::Health(id, h) => {
                self.health.insert(id, h);
            }
            Update::Host(sample) => self.host = *sample,
            Update::Guests(g) => self.guests.apply(*g),
        }
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
        out.extend(self.guest_alerts());
        out.sort_by_key(|a| !a.critical);
        out
    }

    /// Crashed guests and guests paused on an I/O error (summed up past a few),
    /// and libvirt URIs that cannot be reached.
    fn guest_alerts(&self) -> Vec<Alert> {
        const ONE_BY_ONE: usize = 3;
        let mut bad: Vec<_> = self.guests.iter().filter(|g| g.needs_alert()).collect();
        bad.sort_unstable_by(|a, b| (&a.name, &a.uri).cmp(&(&b.name, &b.uri)));
        let mut out: Vec<Alert> = if bad.len() <= ONE_BY_ONE {
            bad.iter()
                .map(|g| Alert {
                    critical: true,
                    text: format!("guest {} on {}: {}", g.name, g.uri, guests::state_text(g)),
                })
                .collect()
        } else {
            let names: Vec<&str> = bad.iter().take(ONE_BY_ONE).map(|g| g.name.as_str()).collect();
            let text = format!("{} guests crashed or paused on error: {}, ...", bad.len(), names.join(", "));
            vec![Alert { critical: true, text }]
        };
        // A partly failing libvirt is already an Error alert that names the URI.
        let named = matches!(self.health(SourceId::Libvirt), Health::Error(_));
        out.extend(
            self.guests.down.iter().filter(|_| !named).map(|(uri, why)| Alert {
                critical: false,
                text: format!("libvirt {uri} unreachable: {why}"),
            }),
        );
        out
    }
}
