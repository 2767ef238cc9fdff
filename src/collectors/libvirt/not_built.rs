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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_not_built_in_and_lists_nothing_rather_than_zero() {
        let want = Health::Disabled(NOT_BUILT_IN.into());
        assert_eq!(probe(&["qemu:///system".into()]), want);
        assert_eq!(list_once(&["qemu:///system".into()]), (None, want.clone()));
        let (tx, mut rx) = mpsc::channel(4);
        spawn(vec!["qemu:///system".into()], Duration::from_secs(2), tx);
        assert_eq!(rx.try_recv().ok(), Some(Update::Health(SourceId::Libvirt, want)));
    }
}
