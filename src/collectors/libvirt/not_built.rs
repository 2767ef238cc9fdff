//! The libvirt source in a build without the `libvirt` cargo feature: it says so in its
//! health ("not built in") and lists nothing, so no screen counts guests it never asked for.

use crate::event::{Health, SourceId, Update};
use crate::model::guests::Guest;
use std::time::Duration;
use tokio::sync::mpsc;

/// The reason every libvirt health carries in such a build.
pub const NOT_BUILT_IN: &str = "not built in (cargo feature \"libvirt\")";

fn not_built_in() -> Health {
    Health::Disabled(NOT_BUILT_IN.into())
}

/// Reports the source as not built in, once.
pub fn spawn(_uris: Vec<String>, _interval: Duration, tx: mpsc::Sender<Update>) {
    let _ = tx.try_send(Update::Health(SourceId::Libvirt, not_built_in()));
}

/// Nothing to silence: libvirt is not linked.
pub fn silence_default_errors() {}

/// No guests (`None`: not "zero guests"), and why.
pub fn list_once(_uris: &[String]) -> (Option<Vec<Guest>>, Health) {
    (None, not_built_in())
}

pub fn probe(_uris: &[String]) -> Health {
    not_built_in()
}
