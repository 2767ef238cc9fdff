//! `units`: systemd's units, listed once over the system bus.

use super::types;
use crate::collectors::systemd;
use crate::event::Health;
use crate::model::units::Unit;
use std::time::Duration;

/// The units and the source's health; `None` with the reason when the bus did not answer.
pub async fn sample(timeout: Duration) -> (Option<Vec<Unit>>, Health) {
    let path = systemd::bus_path();
    match tokio::time::timeout(timeout, systemd::snapshot_once(&path)).await {
        Ok(Ok(units)) => {
            let failed = units.iter().filter(|u| u.is_failed()).count();
            let h = Health::Ok(format!("{} units, {failed} failed", units.len()));
            (Some(units), h)
        }
        Ok(Err(e)) => (None, Health::Unavailable(e.to_string())),
        Err(_) => {
            (None, Health::Unavailable(format!("systemd did not answer within {} s", timeout.as_secs())))
        }
    }
}

pub fn units(list: &[Unit]) -> types::Units {
    let mut model = crate::model::units::Units::default();
    model.apply(crate::model::units::UnitsUpdate::List(list.to_vec()));
    types::Units {
        failed: model
            .failed()
            .map(|u| types::FailedUnit {
                name: u.name.clone(),
                result: u.result.clone(),
                sub_state: u.sub.clone(),
                since_unix: u.since,
            })
            .collect(),
        counts_by_state: model.counts_by_state().into_iter().map(|(k, v)| (k, v as u64)).collect(),
        running_services: model.running_services().count() as u64,
        total: list.len() as u64,
    }
}
