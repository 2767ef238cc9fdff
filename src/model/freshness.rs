//! When each source last confirmed what it says, and whether what is shown has gone stale.
//! A source that confirms on a timer (a poll that succeeded) and has not done so for
//! `max(3 × refresh_interval, 5 s)` is stale: its last data stays on screen, marked with its
//! age, never as live.

use crate::event::SourceId;
use std::collections::BTreeMap;

/// Sources that confirm on every refresh; only they can be stale (the journal and netlink
/// speak when something happens, so their silence means nothing happened). The Kubernetes
/// sources confirm each kind on its list and events, and every few seconds while the API
/// answers and the kind's watch is open.
pub const HEARTBEAT: [SourceId; 4] =
    [SourceId::Procfs, SourceId::Libvirt, SourceId::Kubernetes, SourceId::Kubevirt];

/// The source a Kubernetes kind's data comes from.
pub fn kind_source(kind: crate::model::cluster::objects::Kind) -> SourceId {
    if kind.is_kubevirt() { SourceId::Kubevirt } else { SourceId::Kubernetes }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Freshness {
    /// Seconds between two samples (`refresh_interval`); 0 counts as the 5 s floor.
    pub refresh_s: u64,
    /// Last confirmation of each source, seconds since the epoch.
    sources: BTreeMap<SourceId, i64>,
    /// Last confirmation of a part of a source (a libvirt URI).
    parts: BTreeMap<(SourceId, String), i64>,
}

impl Freshness {
    /// Age past which data is stale, in seconds.
    pub fn stale_after(&self) -> i64 {
        (3 * self.refresh_s as i64).max(5)
    }

    /// `id` (and, when given, its `part`) answered at `now`. A `now` of 0 is no time at all
    /// (a model no clock was ever read for, as tests build them): it cannot age.
    pub fn confirm(&mut self, id: SourceId, part: Option<&str>, now: i64) {
        if now <= 0 {
            return;
        }
        self.sources.insert(id, now);
        if let Some(p) = part {
            self.parts.insert((id, p.to_string()), now);
        }
    }

    /// A part that is gone (a URI that went down) has no age any more.
    pub fn forget(&mut self, id: SourceId, part: &str) {
        self.parts.remove(&(id, part.to_string()));
    }

    /// When `id` last confirmed, if ever.
    pub fn confirmed(&self, id: SourceId) -> Option<i64> {
        self.sources.get(&id).copied()
    }

    /// `Some(since)` when `id` confirms on a timer and has not for too long at `now` (a part
    /// that went quiet while others answer is marked where it is drawn, see `part_stale_since`).
    pub fn stale_since(&self, id: SourceId, now: i64) -> Option<i64> {
        let at = self.confirmed(id)?;
        (HEARTBEAT.contains(&id) && now - at > self.stale_after()).then_some(at)
    }

    /// The same for one part (a libvirt URI): `Some(since)` when its data is stale.
    pub fn part_stale_since(&self, id: SourceId, part: &str, now: i64) -> Option<i64> {
        let at = *self.parts.get(&(id, part.to_string()))?;
        (HEARTBEAT.contains(&id) && now - at > self.stale_after()).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_after_three_refreshes_or_five_seconds() {
        let mut f = Freshness { refresh_s: 2, ..Freshness::default() };
        assert_eq!(f.stale_after(), 6);
        f.confirm(SourceId::Libvirt, Some("qemu:///system"), 100);
        assert_eq!(f.stale_since(SourceId::Libvirt, 106), None);
        assert_eq!(f.stale_since(SourceId::Libvirt, 107), Some(100));
        assert_eq!(f.part_stale_since(SourceId::Libvirt, "qemu:///system", 107), Some(100));
        f.confirm(SourceId::Libvirt, Some("qemu:///system"), 107);
        assert_eq!(f.stale_since(SourceId::Libvirt, 110), None, "a confirmation makes it fresh again");
        f.forget(SourceId::Libvirt, "qemu:///system");
        assert_eq!(f.part_stale_since(SourceId::Libvirt, "qemu:///system", 999), None);
        f.confirm(SourceId::Journal, None, 0);
        assert_eq!(f.stale_since(SourceId::Journal, 999), None, "the journal speaks only on news");
        assert_eq!(Freshness::default().stale_after(), 5);
        let mut untimed = Freshness::default();
        untimed.confirm(SourceId::Procfs, None, 0);
        assert_eq!(untimed.stale_since(SourceId::Procfs, 1_000_000), None, "no clock, no age");
        assert_eq!(Freshness { refresh_s: 30, ..Freshness::default() }.stale_after(), 90);
    }
}
