//! F4 with guests of every source: libvirt domains, a KubeVirt VM and systemd-machined's
//! machines (a running nspawn container, a VM another manager registered, a declarative NixOS
//! container that does not run, an image whose unit failed), at 80x24 and 200x60; the detail
//! pane of a container; F3 naming its `ve-` port; F2 counting them.

#[path = "support/guests.rs"]
mod sample;
mod support;

use hypervisor_tui::event::{Health, Screen, SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::guests::{
    EventDetail, EventKind, Guest, GuestState, GuestUpdate, KubevirtGuest, LifecycleEvent, MachinedGuest, Nic,
};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::{MachinesView, View};
use ratatui::{Terminal, backend::TestBackend};
use support::{buffer_text, sample_model};

const NOW: i64 = 1_800_000_000;

fn machined(name: &str, class: &str, state: &str, memory: Option<u64>) -> MachinedGuest {
    MachinedGuest {
        class: class.into(),
        state: state.into(),
        memory,
        memory_note: if memory.is_some() { "cgroup v2".into() } else { "no memory accounting".into() },
        unit: if class == "vm" {
            format!("{name}.service")
        } else {
            format!("systemd-nspawn@{name}.service")
        },
        ..MachinedGuest::default()
    }
}

fn machines() -> Vec<Guest> {
    let web = MachinedGuest {
        service: "systemd-nspawn".into(),
        root: "/var/lib/machines/web".into(),
        leader: Some(4242),
        machine_id: "0123456789abcdef0123456789abcdef".into(),
        journal: vec![
            "12:00:01 systemd: Startup finished in 402ms.".into(),
            "12:00:05 nginx: evil \x1b]0;pwned\x07 request".into(),
        ],
        ..machined("web", "container", "running", Some(96 << 20))
    };
    let web = Guest {
        name: "web".into(),
        uri: "nspawn".into(),
        state: GuestState::Running,
        memory_bytes: 96 << 20,
        cpu_percent: Some(12.5),
        started_unix: Some(NOW - 3600),
        ips: vec!["10.233.1.2".into()],
        nics: vec![Nic { kind: "veth".into(), target: Some("ve-web".into()), ..Nic::default() }],
        machined: Some(Box::new(web)),
        ..Guest::default()
    };
    let vm = Guest {
        name: "vm-registered".into(),
        uri: "machined".into(),
        state: GuestState::Running,
        cpu_percent: Some(0.3),
        started_unix: Some(NOW - 120),
        machined: Some(Box::new(MachinedGuest {
            service: "busctl".into(),
            leader: Some(77),
            ..machined("vm-registered", "vm", "running", None)
        })),
        ..Guest::default()
    };
    let db = Guest {
        name: "db".into(),
        uri: "nspawn".into(),
        state: GuestState::Shutoff,
        autostart: true,
        persistent: true,
        ips: vec!["10.233.2.2/24".into()],
        machined: Some(Box::new(MachinedGuest {
            configured: "/etc/nixos-containers/db.conf".into(),
            unit: "container@db.service".into(),
            ..machined("db", "container", "stopped", None)
        })),
        ..Guest::default()
    };
    let empty = Guest {
        name: "empty".into(),
        uri: "nspawn".into(),
        state: GuestState::Crashed,
        machined: Some(Box::new(MachinedGuest {
            configured: "/var/lib/machines/empty".into(),
            ..machined("empty", "container", "failed", None)
        })),
        ..Guest::default()
    };
    vec![web, vm, db, empty]
}

fn model() -> Model {
    let mut m = sample_model();
    m.fixed_now = Some(NOW);
    m.apply(Update::Health(SourceId::Libvirt, Health::Ok("2 domains".into())));
    m.apply(Update::Health(SourceId::Machined, Health::Ok("4 machines, 2 running".into())));
    let libvirt: Vec<Guest> = (0..2).map(sample::guest).collect();
    m.apply(Update::Guests(Box::new(GuestUpdate::List { uri: "qemu:///system".into(), guests: libvirt })));
    let kv = Guest {
        name: "kv-app".into(),
        uri: "tenants".into(),
        state: GuestState::Running,
        vcpus: 2,
        memory_bytes: 2 << 30,
        kubevirt: Some(Box::new(KubevirtGuest {
            status: "Running".into(),
            node: "hv-01".into(),
            ready: true,
            has_vm: true,
            has_vmi: true,
            ..KubevirtGuest::default()
        })),
        ..Guest::default()
    };
    m.guests.set_kubevirt(vec![kv]);
    m.apply(Update::Guests(Box::new(GuestUpdate::Machines(machines()))));
    let e = LifecycleEvent {
        at_unix: NOW as u64 - 30,
        uri: "nspawn".into(),
        name: "web".into(),
        kind: EventKind::Started,
        detail: EventDetail::None,
    };
    m.apply(Update::Guests(Box::new(GuestUpdate::Event(e))));
    m
}

fn draw(model: &Model, screen: Screen, machines: MachinesView, w: u16, h: u16) -> String {
    let theme = Theme::new(Glyphs::UNICODE, false);
    let view = View { screen, allow_quit: true, machines, ..View::default() };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(model, &view, &theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn f4_mixed_sources() {
    let m = model();
    let text = draw(&m, Screen::Machines, MachinesView::default(), 80, 24);
    for needle in
        ["web", "nspawn", "vm-registered", "machined", "stopped", "failed", "kv/tenants", "vm-00000"]
    {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    assert!(text.contains(" 7 guests (2 libvirt, 1 KubeVirt, 4 machined)"), "{text}");
    assert!(text.contains("web started"), "the feed has the machine's event:\n{text}");
    insta::assert_snapshot!("machined_mixed_80x24", text);

    let text = draw(&m, Screen::Machines, MachinesView::default(), 200, 60);
    let row = text.lines().find(|l| l.starts_with("│web ")).unwrap_or_else(|| panic!("no web row:\n{text}"));
    for cell in ["running", " - ", "96M", "12.5", "1h", "nspawn", "10.233.1.2"] {
        assert!(row.contains(cell), "{cell:?} missing in {row:?}");
    }
    let vm = text.lines().find(|l| l.starts_with("│vm-registered")).unwrap();
    assert!(vm.contains(" -- ") && vm.contains("machined"), "unknown memory is --, not 0: {vm:?}");
    insta::assert_snapshot!("machined_mixed_200x60", text);
}

#[test]
fn f4_detail_of_a_container_with_its_journal() {
    let m = model();
    let v = MachinesView { detail: true, filter: "web".into(), ..MachinesView::default() };
    let text = draw(&m, Screen::Machines, v, 200, 60);
    for needle in [
        "web running  container  service systemd-nspawn  0123456789abcdef0123456789abcdef",
        "unit systemd-nspawn@web.service  leader 4242  up 1h 0m  CPU 12.5%  memory 96M (cgroup v2)",
        "root /var/lib/machines/web  IP 10.233.1.2  host side ve-web",
        "12:00:01 systemd: Startup finished in 402ms.",
        "started",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "hostile journal text reached the screen");
    insta::assert_snapshot!("machined_detail_200x60", text);

    let v = MachinesView { detail: true, filter: "db".into(), ..MachinesView::default() };
    let text = draw(&m, Screen::Machines, v, 200, 60);
    assert!(text.contains("configured in /etc/nixos-containers/db.conf  autostart"), "{text}");
    assert!(text.contains("unit container@db.service  not running"), "{text}");
}

#[test]
fn f2_counts_machined_guests() {
    let s = model().guests.summary();
    // libvirt: vm-00000 running, vm-00001 crashed; machined: 2 running, 1 stopped, 1 failed.
    assert_eq!((s.running, s.stopped, s.errors), (3, 1, 2), "{s:?}");
    let text = draw(&model(), Screen::Dashboard, MachinesView::default(), 200, 60);
    assert!(text.contains("libvirt+machined: 3 running"), "{text}");
}

#[test]
fn no_machined_changes_nothing_else() {
    let mut m = sample_model();
    m.fixed_now = Some(NOW);
    m.apply(Update::Health(SourceId::Libvirt, Health::Ok("2 domains".into())));
    let libvirt: Vec<Guest> = (0..2).map(sample::guest).collect();
    m.apply(Update::Guests(Box::new(GuestUpdate::List { uri: "qemu:///system".into(), guests: libvirt })));
    let why = "systemd-machined is not on the system bus (ServiceUnknown)";
    m.apply(Update::Health(SourceId::Machined, Health::Unavailable(why.into())));
    let text = draw(&m, Screen::Machines, MachinesView::default(), 80, 24);
    assert!(text.contains(" 2 guests") && !text.contains("machined"), "a host without machined: {text}");
}

/// machined answered, then stopped: its rows go, and F4 says why there are fewer guests.
#[test]
fn machined_lost_is_said_on_f4() {
    let mut m = model();
    m.apply(Update::Guests(Box::new(GuestUpdate::MachinesLost)));
    let why = "systemd-machined did not answer within 10 s";
    m.apply(Update::Health(SourceId::Machined, Health::Unavailable(why.into())));
    let text = draw(&m, Screen::Machines, MachinesView::default(), 200, 60);
    assert!(text.contains(" 3 guests (2 libvirt, 1 KubeVirt)") && !text.contains("nspawn"), "{text}");
    assert!(text.contains("machines not shown: systemd-machined did not answer within 10 s"), "{text}");
    m.apply(Update::Guests(Box::new(GuestUpdate::Machines(machines()))));
    m.apply(Update::Health(SourceId::Machined, Health::Ok("4 machines, 2 running".into())));
    let text = draw(&m, Screen::Machines, MachinesView::default(), 200, 60);
    assert!(!text.contains("not shown") && text.contains("4 machined"), "{text}");
}
