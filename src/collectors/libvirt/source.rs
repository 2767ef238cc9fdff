//! The libvirt source as built with the `libvirt` feature: workers, one-shot listing, probe.

use super::error::LibvirtError;
use super::{events, open, refresh, status, worker};
use crate::event::{Health, SourceId, Update};
use crate::model::guests::Guest;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// Starts the event loop and one worker thread per URI; blocking work never touches the runtime.
pub fn spawn(uris: Vec<String>, interval: Duration, tx: mpsc::Sender<Update>) {
    silence_default_errors();
    if uris.is_empty() {
        let _ = tx.try_send(Update::Health(
            SourceId::Libvirt,
            Health::Disabled("no URIs in [libvirt] uris".into()),
        ));
        return;
    }
    if let Err(e) = events::ensure_event_loop() {
        let _ = tx.try_send(Update::Health(SourceId::Libvirt, Health::Error(e.to_string())));
    }
    let status = status::Status::new(uris.len());
    for (i, uri) in uris.into_iter().enumerate() {
        let w = worker::Worker { uri, interval, tx: tx.clone(), status: status.clone() };
        let spawned = std::thread::Builder::new().name(format!("libvirt-{i}")).spawn(move || w.run());
        if let Err(e) = spawned {
            let _ = tx.try_send(Update::Health(SourceId::Libvirt, Health::Error(format!("thread: {e}"))));
        }
    }
}

/// Stops libvirt from printing its errors onto the console; call once at start.
pub fn silence_default_errors() {
    virt::error::clear_error_callback();
}

/// Every guest of every URI, listed once (for `snapshot`); blocking. Guests of URIs
/// that answered, and the source's health; `None` when no URI answered.
pub fn list_once(uris: &[String]) -> (Option<Vec<Guest>>, Health) {
    silence_default_errors();
    if uris.is_empty() {
        return (None, Health::Disabled("no URIs in [libvirt] uris".into()));
    }
    let mut all = Vec::new();
    let mut results = BTreeMap::new();
    let mut any = false;
    for uri in uris {
        let listed = open::open_within_limit(uri).and_then(|mut conn| {
            let r = refresh::Tracker::default().list(&conn, uri).map_err(LibvirtError::from);
            let _ = conn.close();
            r
        });
        let r = match listed {
            Ok(guests) => {
                any = true;
                let n = guests.len();
                all.extend(guests);
                Ok(format!("{n} domains"))
            }
            Err(e) => Err(e),
        };
        results.insert(uri.clone(), r);
    }
    (any.then_some(all), status::fold(&results, uris.len()))
}

/// Domain count of one URI, read-only.
pub fn count_domains(uri: &str) -> Result<u32, LibvirtError> {
    let mut conn = open::open_within_limit(uri)?;
    let n = conn.num_of_domains().and_then(|a| Ok(a + conn.num_of_defined_domains()?));
    let _ = conn.close();
    Ok(n?)
}

/// Health over every configured URI (blocking), for `check`: each failure in short words
/// and then libvirt's full text.
pub fn probe(uris: &[String]) -> Health {
    silence_default_errors();
    if uris.is_empty() {
        return Health::Disabled("no URIs in [libvirt] uris".into());
    }
    let mut total = 0;
    let mut failures = Vec::new();
    for uri in uris {
        match count_domains(uri) {
            Ok(n) => total += n,
            Err(e) => failures.push(format!("{uri}: {}", e.with_detail())),
        }
    }
    match failures.len() {
        0 => Health::Ok(format!("{total} domains on {} URI(s)", uris.len())),
        n if n == uris.len() => Health::Unavailable(failures.join("; ")),
        _ => Health::Error(format!("{total} domains; {}", failures.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_driver_answers() {
        assert!(
            matches!(probe(&["test:///default".into()]), Health::Ok(r) if r.starts_with("1 domains on 1 URI"))
        );
    }

    #[test]
    fn unreachable_uri_is_unavailable_with_reason() {
        let h = probe(&["qemu+unix:///system?socket=/nonexistent/sock".into()]);
        // Short words first, then libvirt's own text for `check`.
        let short = "qemu+unix:///system?socket=/nonexistent/sock: libvirtd not running (no socket at /nonexistent/sock): ";
        assert!(
            matches!(&h, Health::Unavailable(r) if r.starts_with(short) && r.contains("No such file")),
            "{h:?}"
        );
    }
}
