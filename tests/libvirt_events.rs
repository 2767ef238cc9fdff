//! Lifecycle events from a second, read-write connection reach the collector.
//! `test:///default` is one shared state per process (every other `test:///…` open is
//! private), so the writer below and the collector's read-only connection see the same
//! domain. This file is its own test binary: nothing else touches that state.
#![cfg(feature = "libvirt")]

use hypervisor_tui::collectors::libvirt;
use hypervisor_tui::event::Update;
use hypervisor_tui::model::guests::{EventDetail, EventKind, GuestState, GuestUpdate, LifecycleEvent};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use virt::connect::Connect;
use virt::domain::Domain;

const URI: &str = "test:///default";

/// Reads updates until `want` matches one, or fails after 10 s.
fn wait_for<T>(
    rx: &mut mpsc::Receiver<Update>,
    what: &str,
    mut want: impl FnMut(&GuestUpdate) -> Option<T>,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Update::Guests(g) = rx.blocking_recv().expect("collector alive")
            && let Some(t) = want(&g)
        {
            return t;
        }
    }
    panic!("timed out waiting for {what}");
}

fn event(rx: &mut mpsc::Receiver<Update>, kind: EventKind) -> LifecycleEvent {
    wait_for(rx, kind.label(), |u| match u {
        GuestUpdate::Event(e) if e.kind == kind => Some(e.clone()),
        _ => None,
    })
}

fn state_of_test(rx: &mut mpsc::Receiver<Update>, want: GuestState) {
    wait_for(rx, want.label(), |u| match u {
        GuestUpdate::List { guests, .. } => {
            guests.iter().any(|g| g.name == "test" && g.state == want).then_some(())
        }
        _ => None,
    })
}

#[test]
fn events_from_a_writer_reach_the_collector() {
    // The collector listens far longer than the test runs: only events can explain a change.
    let (tx, mut rx) = mpsc::channel(64);
    libvirt::spawn(vec![URI.into()], Duration::from_secs(3600), tx);
    state_of_test(&mut rx, GuestState::Running);

    let mut writer = Connect::open(Some(URI)).unwrap();
    let d = Domain::lookup_by_name(&writer, "test").unwrap();
    d.suspend().unwrap();
    let e = event(&mut rx, EventKind::Suspended);
    assert_eq!((e.name.as_str(), e.uri.as_str(), e.detail), ("test", URI, EventDetail::Paused));
    state_of_test(&mut rx, GuestState::Paused);

    d.resume().unwrap();
    event(&mut rx, EventKind::Resumed);
    state_of_test(&mut rx, GuestState::Running);

    d.destroy().unwrap();
    assert_eq!(event(&mut rx, EventKind::Stopped).detail, EventDetail::Destroyed);
    state_of_test(&mut rx, GuestState::Shutoff);

    d.create().unwrap();
    assert_eq!(event(&mut rx, EventKind::Started).detail, EventDetail::Booted);
    let uptime = wait_for(&mut rx, "running with uptime", |u| match u {
        GuestUpdate::List { guests, .. } => {
            guests.iter().find(|g| g.name == "test" && g.state == GuestState::Running).map(|g| g.uptime_s)
        }
        _ => None,
    });
    assert!(uptime.is_some_and(|s| s < 10), "uptime counted from the start event: {uptime:?}");
    drop(d);
    writer.close().unwrap();
}
