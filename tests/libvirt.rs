//! The libvirt collector against libvirt's built-in test driver (no daemon needed).
//! Each `test:///path/node.xml` open gets private state, so these tests only read;
//! events from a second connection are tested on the shared `test:///default` in
//! tests/libvirt_events.rs (its own process, so nothing here races with it).
#![cfg(feature = "libvirt")]

use hypervisor_tui::collectors::libvirt;
use hypervisor_tui::event::{Health, SourceId, Update};
use hypervisor_tui::model::guests::{Guest, GuestUpdate};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

fn node_uri() -> String {
    format!("test://{}/tests/fixtures/libvirt/node.xml", env!("CARGO_MANIFEST_DIR"))
}

/// `virsh -c URI list --all` as (name, state) pairs, sorted.
fn virsh_list(uri: &str) -> Vec<(String, String)> {
    let out = Command::new("virsh").args(["-c", uri, "list", "--all"]).output().expect("virsh runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows: Vec<(String, String)> = text
        .lines()
        .skip(2)
        .filter_map(|l| {
            let mut cols = l.split_whitespace();
            let (_id, name) = (cols.next()?, cols.next()?);
            Some((name.to_string(), cols.collect::<Vec<_>>().join(" ")))
        })
        .collect();
    rows.sort();
    rows
}

/// Waits for the first listing of `uri` (and the health updates along the way).
fn first_list(rx: &mut mpsc::Receiver<Update>, uri: &str) -> (Vec<Guest>, Vec<Health>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut healths = Vec::new();
    while Instant::now() < deadline {
        match rx.blocking_recv().expect("collector alive") {
            Update::Guests(g) => match *g {
                GuestUpdate::List { uri: u, guests } if u == uri => return (guests, healths),
                GuestUpdate::Down { uri: u, reason } if u == uri => panic!("{u} down: {reason}"),
                _ => {}
            },
            Update::Health(SourceId::Libvirt, h) => healths.push(h),
            _ => {}
        }
    }
    panic!("no listing of {uri}");
}

#[test]
fn node_xml_listing_equals_virsh() {
    let uri = node_uri();
    let (tx, mut rx) = mpsc::channel(64);
    libvirt::spawn(vec![uri.clone()], Duration::from_secs(60), tx);
    let (guests, _) = first_list(&mut rx, &uri);
    let mut ours: Vec<(String, String)> =
        guests.iter().map(|g| (g.name.clone(), g.state.label().to_string())).collect();
    ours.sort();
    let theirs = virsh_list(&uri);
    assert_eq!(theirs.len(), 28, "fixture has 28 domains");
    assert_eq!(ours, theirs);
    // Every state of the fixture is represented, and the XML was parsed.
    let states: std::collections::BTreeSet<_> = guests.iter().map(|g| g.state).collect();
    assert_eq!(states.len(), 7, "{states:?}");
    let g = guests.iter().find(|g| g.name == "running-03").unwrap();
    assert_eq!((g.vcpus, g.memory_bytes, g.max_memory_bytes), (3, 3 * (512 << 20), 6 * (512 << 20)));
    assert_eq!(g.disks.len(), 2);
    assert_eq!(g.nics[0].mac, "52:54:00:00:00:03");
    assert_eq!(g.nics[0].source, "br0");
    assert!(guests.iter().all(|g| g.uri == uri && !g.uuid.is_empty()));
}

#[test]
fn default_listing_equals_virsh() {
    let uri = "test:///default".to_string();
    let (tx, mut rx) = mpsc::channel(64);
    libvirt::spawn(vec![uri.clone()], Duration::from_secs(60), tx);
    let (guests, _) = first_list(&mut rx, &uri);
    let ours: Vec<(String, String)> =
        guests.iter().map(|g| (g.name.clone(), g.state.label().to_string())).collect();
    assert_eq!(ours, virsh_list(&uri));
}

#[test]
fn read_only_connection_cannot_change_anything() {
    let uri = node_uri();
    let mut conn = virt::connect::Connect::open_read_only(Some(&uri)).unwrap();
    let d = virt::domain::Domain::lookup_by_name(&conn, "running-01").unwrap();
    assert!(d.suspend().is_err(), "suspend allowed on a read-only connection");
    assert!(d.destroy().is_err(), "destroy allowed on a read-only connection");
    assert!(d.set_autostart(true).is_err());
    assert_eq!(d.get_state().unwrap().0, virt_sys::VIR_DOMAIN_RUNNING);
    drop(d);
    conn.close().unwrap();
}

#[test]
fn unreachable_uri_is_reported_and_the_other_uri_still_lists() {
    let bad = "qemu+unix:///system?socket=/nonexistent/libvirt-sock".to_string();
    let good = node_uri();
    let (tx, mut rx) = mpsc::channel(64);
    libvirt::spawn(vec![bad.clone(), good.clone()], Duration::from_secs(60), tx);
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut down, mut listed, mut health) = (None, None, None);
    while Instant::now() < deadline && (down.is_none() || listed.is_none() || health.is_none()) {
        match rx.blocking_recv().unwrap() {
            Update::Guests(g) => match *g {
                GuestUpdate::Down { uri, reason } if uri == bad => down = Some(reason),
                GuestUpdate::List { uri, guests } if uri == good => listed = Some(guests.len()),
                _ => {}
            },
            Update::Health(_, h @ Health::Error(_)) => health = Some(h),
            _ => {}
        }
    }
    assert!(down.as_deref().is_some_and(|r| r.contains("/nonexistent/libvirt-sock")), "{down:?}");
    assert_eq!(listed, Some(28));
    let reason = health.expect("mixed health").reason().to_string();
    assert!(reason.contains(&bad) && reason.contains("28 domains"), "{reason}");
}

#[test]
fn a_uri_that_comes_back_is_reconnected_with_backoff() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.xml");
    let uri = format!("test://{}", path.display());
    let (tx, mut rx) = mpsc::channel(64);
    libvirt::spawn(vec![uri.clone()], Duration::from_secs(60), tx);
    // Not there yet: the URI is reported down, with why.
    loop {
        if let Update::Guests(g) = rx.blocking_recv().unwrap()
            && let GuestUpdate::Down { reason, .. } = *g
        {
            assert!(reason.contains("late.xml"), "{reason}");
            break;
        }
    }
    let fixture = format!("{}/tests/fixtures/libvirt/node.xml", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(fixture, &path).unwrap();
    let started = Instant::now();
    let (guests, _) = first_list(&mut rx, &uri);
    assert_eq!(guests.len(), 28);
    assert!(started.elapsed() < Duration::from_secs(10), "backoff starts at 1 s");
}
