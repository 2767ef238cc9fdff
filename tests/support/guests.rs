//! Deterministic guests for render tests and the F4 benchmark.
#![allow(dead_code)]

use hypervisor_tui::model::guests::{
    Disk, EventDetail, EventKind, Guest, GuestState, GuestUpdate, Guests, LifecycleEvent, Nic, reason,
};

const URIS: [&str; 2] = ["qemu:///system", "qemu+ssh://hv-02/system"];

/// Guest number `i`: states cycle through every libvirt state, sizes vary.
pub fn guest(i: usize) -> Guest {
    const CYCLE: [GuestState; 7] = [
        GuestState::Running,
        GuestState::Crashed,
        GuestState::Paused,
        GuestState::Shutdown,
        GuestState::Shutoff,
        GuestState::Blocked,
        GuestState::PmSuspended,
    ];
    let state = CYCLE[i % 7];
    let active = state.is_active();
    let name = if i == 3 { "evil\x1b[2J\x1b]0;pwned\x07-vm".to_string() } else { format!("vm-{i:05}") };
    Guest {
        name,
        uuid: format!("00000000-0000-4000-8000-{i:012}"),
        uri: URIS[i % 2].to_string(),
        id: active.then_some(i as u32 + 1),
        state,
        reason: if state == GuestState::Paused && i.is_multiple_of(2) { reason::PAUSED_IOERROR } else { 1 },
        vcpus: 1 + (i % 8) as u32,
        max_memory_bytes: (8 << 30) + ((i as u64 % 4) << 30),
        memory_bytes: (1 << 30) * (1 + i as u64 % 16),
        autostart: i.is_multiple_of(3),
        persistent: !i.is_multiple_of(5),
        cpu_time_ns: i as u64 * 1_000_000_000,
        cpu_percent: active.then_some((i * 37 % 1000) as f64 / 10.0),
        uptime_s: active.then_some(60 * (i as u64 * 97 % 100_000)),
        disks: vec![Disk {
            device: "disk".into(),
            target: "vda".into(),
            source: format!("/var/lib/libvirt/images/vm-{i:05}.qcow2"),
            readonly: false,
        }],
        nics: vec![Nic {
            mac: format!("52:54:00:00:{:02x}:{:02x}", i / 256 % 256, i % 256),
            kind: "bridge".into(),
            source: "br0".into(),
            target: active.then(|| format!("vnet{i}")),
            model: Some("virtio".into()),
        }],
        ips: if active { vec![format!("10.0.{}.{}/24", i / 250 % 250, i % 250 + 2)] } else { vec![] },
        ..Guest::default()
    }
}

/// `n` guests spread over two URIs, plus a few lifecycle events for guest 0 and 1.
pub fn guests(n: usize) -> Guests {
    let mut g = Guests::default();
    for (k, uri) in URIS.iter().enumerate() {
        let list = (0..n).filter(|i| i % 2 == k).map(guest).collect();
        g.apply(GuestUpdate::List { uri: uri.to_string(), guests: list });
    }
    let evs = [
        (0, EventKind::Started, EventDetail::Booted),
        (1, EventKind::Crashed, EventDetail::Panicked),
        (0, EventKind::Suspended, EventDetail::Paused),
        (0, EventKind::Resumed, EventDetail::Unpaused),
    ];
    for (k, (i, kind, detail)) in evs.into_iter().enumerate().take(if n == 0 { 0 } else { 4 }) {
        let e = LifecycleEvent {
            at_unix: 1_763_900_000 + 60 * k as u64,
            uri: URIS[i % 2].into(),
            name: guest(i).name,
            kind,
            detail,
        };
        g.apply(GuestUpdate::Event(e));
    }
    g
}
