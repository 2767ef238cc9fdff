//! The libvirt source's one health word, folded from every URI's worker.

use super::error::LibvirtError;
use crate::event::{Health, SourceId, Update};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

#[derive(Default)]
struct Inner {
    uris: BTreeMap<String, Result<String, LibvirtError>>,
    last: Option<Health>,
}

/// Shared by the workers; each reports its URI, the fold is sent when it changes.
#[derive(Clone)]
pub struct Status {
    inner: Arc<Mutex<Inner>>,
    total: usize,
}

impl Status {
    pub fn new(total: usize) -> Self {
        Status { inner: Arc::default(), total }
    }

    pub fn set(&self, uri: &str, r: Result<String, LibvirtError>, tx: &mpsc::Sender<Update>) {
        let Ok(mut inner) = self.inner.lock() else { return };
        inner.uris.insert(uri.to_string(), r);
        let h = fold(&inner.uris, self.total);
        if inner.last.as_ref() != Some(&h) {
            inner.last = Some(h.clone());
            drop(inner);
            let _ = tx.blocking_send(Update::Health(SourceId::Libvirt, h));
        }
    }
}

/// Ok when every URI answers, Unavailable when none does, Error (with who) in between.
pub fn fold(uris: &BTreeMap<String, Result<String, LibvirtError>>, total: usize) -> Health {
    let ok: Vec<String> =
        uris.iter().filter_map(|(u, r)| Some(format!("{u}: {}", r.as_ref().ok()?))).collect();
    let bad: Vec<String> =
        uris.iter().filter_map(|(u, r)| Some(format!("{u}: {}", r.as_ref().err()?))).collect();
    if uris.len() < total && bad.is_empty() {
        return Health::Starting;
    }
    match (ok.is_empty(), bad.is_empty()) {
        (_, true) => Health::Ok(ok.join("; ")),
        (true, false) => Health::Unavailable(bad.join("; ")),
        (false, false) => Health::Error(format!("{}; {}", bad.join("; "), ok.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_uris() {
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), Ok("3 domains".to_string()));
        assert_eq!(fold(&m, 2), Health::Starting);
        let down = LibvirtError::NotRunning { socket: "/s".into(), detail: "Failed to connect".into() };
        m.insert("b".to_string(), Err(down));
        let short = "b: libvirtd not running (no socket at /s)";
        assert_eq!(fold(&m, 2), Health::Error(format!("{short}; a: 3 domains")));
        m.remove("a");
        assert_eq!(fold(&m, 1), Health::Unavailable(short.into()));
        m.insert("b".to_string(), Ok("0 domains".into()));
        assert_eq!(fold(&m, 1), Health::Ok("b: 0 domains".into()));
    }
}
