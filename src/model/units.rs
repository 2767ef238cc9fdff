//! systemd units as the manager reports them over D-Bus (F5, `snapshot`, the alerts strip).

use super::Alert;
use std::collections::BTreeMap;

/// One loaded unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `k3s.service`
    pub name: String,
    pub description: String,
    /// `loaded`, `not-found`, `masked`, …
    pub load: String,
    /// `active`, `failed`, `inactive`, `activating`, …
    pub active: String,
    /// `running`, `exited`, `failed`, `dead`, …
    pub sub: String,
    /// The unit's `Result` (`exit-code`, `signal`, `timeout`, …) when its kind has one and
    /// it could be read.
    pub result: Option<String>,
    /// When it entered its current state (seconds since the epoch); `None` when systemd
    /// did not say (0) or it could not be read.
    pub since: Option<i64>,
}

impl Unit {
    pub fn is_failed(&self) -> bool {
        self.active == "failed"
    }

    pub fn is_running_service(&self) -> bool {
        self.name.ends_with(".service") && self.sub == "running"
    }
}

/// What the systemd collector sends.
#[derive(Debug, Clone, PartialEq)]
pub enum UnitsUpdate {
    /// Every loaded unit, as just listed.
    List(Vec<Unit>),
    /// The bus went away: what was listed is no longer known.
    Lost,
}

/// The units, `None` until the bus has answered (or after it went away).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Units {
    list: Option<Vec<Unit>>,
}

impl Units {
    pub fn apply(&mut self, u: UnitsUpdate) {
        self.list = match u {
            UnitsUpdate::List(mut l) => {
                l.sort_by(|a, b| a.name.cmp(&b.name));
                Some(l)
            }
            UnitsUpdate::Lost => None,
        };
    }

    /// Whether the list is known (the bus answered and has not gone away since).
    pub fn is_known(&self) -> bool {
        self.list.is_some()
    }

    pub fn all(&self) -> &[Unit] {
        self.list.as_deref().unwrap_or_default()
    }

    /// Failed units, by name.
    pub fn failed(&self) -> impl Iterator<Item = &Unit> {
        self.all().iter().filter(|u| u.is_failed())
    }

    /// Services with a running main process, by name.
    pub fn running_services(&self) -> impl Iterator<Item = &Unit> {
        self.all().iter().filter(|u| u.is_running_service())
    }

    /// How many units are in each active state (`active`, `failed`, `inactive`, …).
    pub fn counts_by_state(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for u in self.all() {
            *out.entry(u.active.clone()).or_insert(0) += 1;
        }
        out
    }

    /// One alert per failed unit: "unit k3s.service failed 3m ago (exit-code)".
    pub fn alerts(&self, now: i64) -> Vec<Alert> {
        self.failed().map(|u| Alert { critical: true, text: failed_text(u, now) }).collect()
    }
}

/// "unit k3s.service failed 3m ago (exit-code)"; the time and the result only when known.
pub fn failed_text(u: &Unit, now: i64) -> String {
    let mut s = format!("unit {} failed", u.name);
    if let Some(t) = u.since {
        s += &format!(" {}", crate::timefmt::ago(t, now));
    }
    if let Some(r) = &u.result {
        s += &format!(" ({r})");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn unit(name: &str, active: &str, sub: &str) -> Unit {
        Unit {
            name: name.into(),
            description: String::new(),
            load: "loaded".into(),
            active: active.into(),
            sub: sub.into(),
            result: None,
            since: None,
        }
    }

    #[test]
    fn failed_first_counts_and_alerts() {
        let mut u = Units::default();
        assert!(!u.is_known() && u.alerts(0).is_empty());
        let mut boom = unit("boom.service", "failed", "failed");
        boom.result = Some("exit-code".into());
        boom.since = Some(1000);
        u.apply(UnitsUpdate::List(vec![
            unit("sshd.service", "active", "running"),
            boom,
            unit("-.mount", "active", "mounted"),
            unit("old.mount", "failed", "failed"),
        ]));
        let failed: Vec<&str> = u.failed().map(|x| x.name.as_str()).collect();
        assert_eq!(failed, ["boom.service", "old.mount"]);
        assert_eq!(u.running_services().count(), 1);
        assert_eq!(u.counts_by_state(), BTreeMap::from([("active".into(), 2), ("failed".into(), 2)]));
        let texts: Vec<String> = u.alerts(1180).into_iter().map(|a| a.text).collect();
        assert_eq!(texts, ["unit boom.service failed 3m ago (exit-code)", "unit old.mount failed"]);
        u.apply(UnitsUpdate::Lost);
        assert!(!u.is_known() && u.all().is_empty(), "a lost bus knows no units, not zero failed");
    }
}
