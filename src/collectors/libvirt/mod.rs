//! The libvirt source: read-only connections, off the async runtime.
//! One thread per URI (`worker`), libvirt's event loop on another (`events`).

pub mod domain_xml;
pub mod events;
pub mod refresh;
pub mod status;
pub mod worker;

use crate::event::{Health, SourceId, Update};
use crate::model::guests::Guest;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc;
use virt::connect::Connect;

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
        let _ = tx.try_send(Update::Health(SourceId::Libvirt, Health::Error(format!("event loop: {e}"))));
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
        let listed =
            worker::missing_test_file(uri).map_or_else(|| worker::open(uri), Err).and_then(|mut conn| {
                let r = refresh::Tracker::default()
                    .list(&conn, uri)
                    .map_err(|e| first_line(&e.to_string()).to_string());
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

pub async fn list_once_async(uris: Vec<String>) -> (Option<Vec<Guest>>, Health) {
    tokio::task::spawn_blocking(move || list_once(&uris))
        .await
        .unwrap_or_else(|e| (None, Health::Error(format!("libvirt listing failed: {e}"))))
}

/// Domain count of one URI, read-only.
pub fn count_domains(uri: &str) -> Result<u32, String> {
    let mut conn = Connect::open_read_only(Some(uri)).map_err(|e| e.to_string())?;
    let n = conn.num_of_domains().and_then(|a| Ok(a + conn.num_of_defined_domains()?));
    let _ = conn.close();
    n.map_err(|e| e.to_string())
}

/// Health over every configured URI (blocking).
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
            Err(e) => failures.push(format!("{uri}: {}", first_line(&e))),
        }
    }
    match failures.len() {
        0 => Health::Ok(format!("{total} domains on {} URI(s)", uris.len())),
        n if n == uris.len() => Health::Unavailable(failures.join("; ")),
        _ => Health::Error(format!("{total} domains; {}", failures.join("; "))),
    }
}

pub async fn probe_async(uris: Vec<String>) -> Health {
    tokio::task::spawn_blocking(move || probe(&uris))
        .await
        .unwrap_or_else(|e| Health::Error(format!("libvirt probe failed: {e}")))
}

use worker::first_line;

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
        assert!(matches!(&h, Health::Unavailable(r) if r.contains("/nonexistent/sock")), "{h:?}");
    }
}
