//! The console's action flow beyond libvirt, through `App::update` against a real actiond
//! (in-process, real PAM through pam_wrapper, records in a real journald): `a` on a
//! KubeVirt row of F4 (a live migration through the fake API server, which creates the
//! VirtualMachineInstanceMigration), `a` on an F5 unit (a restart through the container's
//! real systemd, only for units in `[actions] units`), and each step in F4's event feed.
#![cfg(feature = "kubernetes")]

mod support;

use crossterm::event::KeyCode;
use hypervisor_tui::actiond::audit;
use hypervisor_tui::actiond::client;
use hypervisor_tui::actiond::protocol::{ActRequest, Target};
use hypervisor_tui::app::{ActionsLink, App};
use hypervisor_tui::config::Verb;
use hypervisor_tui::event::{Event, Update};
use hypervisor_tui::model::guests::{Guest, GuestState, KubevirtGuest};
use hypervisor_tui::model::units::{Unit, UnitsUpdate};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use ratatui::{Terminal, backend::TestBackend};
use support::actiond::{journal_records, serve, settings, under_pam_wrapper};
use support::buffer_text;
use support::kube_api::{FakeApi, NODES, VMIMS};
use support::systemd::SystemdContainer;
use support::{key, typed};
use tokio::sync::mpsc;

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(120, 30)).unwrap();
    t.draw(|f| ui::render(&app.model, &app.view, &app.theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

/// Feeds actiond's next answer to the app; the footer's text.
fn answer(app: &mut App, rx: &mut mpsc::Receiver<Update>) -> String {
    let u = rx.blocking_recv().expect("actiond's answer");
    app.update(Event::Update(u));
    app.view.status.clone().unwrap_or_default()
}

fn linked_app(sock: std::path::PathBuf, units: Vec<String>) -> (App, mpsc::Receiver<Update>) {
    let (tx, rx) = mpsc::channel(16);
    let mut app = App::new(Theme::new(Glyphs::ASCII, false), true);
    app.view.actions.enabled = true;
    app.actions = Some(ActionsLink {
        socket: sock,
        channel: "tty1".into(),
        allow: Verb::ALL.to_vec(),
        units,
        updates: tx,
        token: None,
    });
    (app, rx)
}

fn login(app: &mut App) {
    assert!(screen(app).contains("operator:"), "{}", screen(app));
    typed(app, "alice");
    typed(app, "alice-secret");
}

#[test]
fn kubevirt_row_migrates_and_the_feed_shows_it() {
    let Some(fixture) = under_pam_wrapper("kubevirt_row_migrates_and_the_feed_shows_it") else { return };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let api = FakeApi::with_fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let mut s = settings(&fixture, &c.root().join("run/systemd/journal/socket"));
    s.kubeconfig = Some(api.write_kubeconfig(tmp.path()));
    let sock = serve(s, tmp.path());
    let (mut app, mut rx) = linked_app(sock.clone(), Vec::new());
    let kv = KubevirtGuest {
        status: "Running".into(),
        node: "hv1".into(),
        has_vm: true,
        has_vmi: true,
        ..Default::default()
    };
    let guest = Guest {
        name: "web-01".into(),
        uri: "vms".into(),
        state: GuestState::Running,
        kubevirt: Some(Box::new(kv)),
        ..Guest::default()
    };
    app.model.guests.set_kubevirt(vec![guest]);
    app.update(key(KeyCode::F(4)));
    app.update(key(KeyCode::Char('a')));
    let menu = screen(&app);
    assert!(menu.contains("guest.migrate  (asks a reason)") && menu.contains("guest.force-off"), "{menu}");
    for _ in 0..6 {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    typed(&mut app, "drain hv1");
    login(&mut app);
    // Asked: in the feed before actiond answers.
    assert!(
        screen(&app).contains("action guest.migrate vms/web-01 (drain hv1): asking actiond"),
        "{}",
        screen(&app)
    );
    assert_eq!(answer(&mut app, &mut rx), "alice authenticated");
    let done = answer(&mut app, &mut rx);
    assert!(done.starts_with("guest.migrate vms/web-01: migration web-01-migration-"), "{done}");
    let name = done.rsplit(' ').nth(1).unwrap().to_string();
    assert_eq!(api.get(&VMIMS, Some("vms"), &name).unwrap()["spec"]["vmiName"], "web-01");
    let s = screen(&app);
    assert!(s.contains(&format!("action done {done}")), "{s}");

    // A refusal from the API server is in the feed in its words too (within the window: y).
    app.update(key(KeyCode::Char('a')));
    for _ in 0..4 {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    typed(&mut app, "backup");
    answer(&mut app, &mut rx);
    app.update(key(KeyCode::Char('a')));
    for _ in 0..4 {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    typed(&mut app, "backup");
    assert_eq!(answer(&mut app, &mut rx), "guest.suspend vms/web-01: VMI is already paused (409)");
    assert!(screen(&app).contains("action failed guest.suspend vms/web-01: VMI is already paused (409)"));

    // `c`: the guest's node, cordoned within the same window (a reason, no login).
    app.update(key(KeyCode::Char('c')));
    assert!(
        screen(&app).contains("Actions: hv1") && screen(&app).contains("node.uncordon"),
        "{}",
        screen(&app)
    );
    app.update(key(KeyCode::Enter));
    typed(&mut app, "disk swap");
    assert_eq!(answer(&mut app, &mut rx), "node.cordon hv1: done");
    assert_eq!(api.get(&NODES, None, "hv1").unwrap()["spec"]["unschedulable"], true);
    assert!(screen(&app).contains("action done node.cordon hv1: done"));

    // A hang-up (SIGHUP is `Event::Terminate`) ends the window at actiond.
    let token = app.actions.as_ref().and_then(|l| l.token.clone()).unwrap();
    app.update(Event::Terminate);
    assert!(app.quit && app.view.actions.admin.is_none());
    let why = client::act(&sock, resume(token)).unwrap_err();
    assert!(why.contains("not authenticated"), "{why}");

    let recs = journal_records(&c, audit::MSG_ACTION, 3);
    let m = recs.iter().find(|r| r["HVTUI_ACTION"] == "guest.migrate").unwrap();
    assert_eq!((&m["HVTUI_TARGET"], &m["HVTUI_REASON"]), (&"vms/web-01".into(), &"drain hv1".into()));
}

fn resume(token: String) -> ActRequest {
    ActRequest {
        token,
        verb: Verb::GuestResume,
        target: Target::KubevirtVm { namespace: "vms".into(), name: "web-01".into() },
        reason: String::new(),
        confirm: String::new(),
        channel: "tty1".into(),
    }
}

fn unit(name: &str, active: &str) -> Unit {
    Unit {
        name: name.into(),
        description: String::new(),
        load: "loaded".into(),
        active: active.into(),
        sub: if active == "active" { "running".into() } else { "dead".into() },
        result: None,
        since: None,
    }
}

#[test]
fn f5_unit_restart_only_for_listed_units() {
    let Some(fixture) = under_pam_wrapper("f5_unit_restart_only_for_listed_units") else { return };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    std::fs::write(
        c.root().join("etc/systemd/system/hvtui-flow.service"),
        "[Service]\nExecStart=/bin/sleep infinity\n",
    )
    .unwrap();
    c.exec_ok(&["systemctl", "daemon-reload"]);
    c.exec_ok(&["systemctl", "start", "hvtui-flow.service"]);
    let pid = || c.exec_ok(&["systemctl", "show", "-P", "MainPID", "hvtui-flow.service"]).trim().to_string();
    let before = pid();
    let mut s = settings(&fixture, &c.root().join("run/systemd/journal/socket"));
    s.actions.units = vec!["hvtui-flow.service".into()];
    s.system_bus = format!("unix:path={}", c.bus_path().display());
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(s, tmp.path());
    let (mut app, mut rx) = linked_app(sock.clone(), vec!["hvtui-flow.service".into()]);
    let list = vec![unit("dbus.service", "active"), unit("hvtui-flow.service", "active")];
    app.update(Event::Update(Update::Units(UnitsUpdate::List(list))));
    app.update(key(KeyCode::F(5)));
    // The footer offers it; a unit off the list has no actions.
    assert!(screen(&app).contains("a actions"), "{}", screen(&app));
    app.update(key(KeyCode::Char('a')));
    assert!(app.view.act_flow.is_none());
    let why = app.view.status.clone().unwrap_or_default();
    assert_eq!(why, "dbus.service is not one of the units actions may touch ([actions] units)");
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char('a')));
    let menu = screen(&app);
    assert!(menu.contains("unit.restart  (asks a reason)") && menu.contains("unit.stop"), "{menu}");
    app.update(key(KeyCode::Enter));
    typed(&mut app, "stuck");
    login(&mut app);
    assert_eq!(answer(&mut app, &mut rx), "alice authenticated");
    assert_eq!(answer(&mut app, &mut rx), "unit.restart hvtui-flow.service: done");
    assert_ne!(pid(), before, "the unit was not restarted");
    // F4's feed has it too.
    app.update(key(KeyCode::F(4)));
    assert!(screen(&app).contains("action done unit.restart hvtui-flow.service: done"), "{}", screen(&app));
    // The console is on tty1: while it is shown the window stays; another VT ends it at once.
    assert!(app.watching_vt());
    assert!(!app.check_vt(Ok("tty1\n".into())));
    assert!(app.view.actions.admin.is_some());
    let token = app.actions.as_ref().and_then(|l| l.token.clone()).unwrap();
    assert!(app.check_vt(Ok("tty2\n".into())));
    assert!(app.view.actions.admin.is_none() && !app.watching_vt());
    let status = app.view.status.clone().unwrap_or_default();
    assert_eq!(status, "the authentication window ended: tty2 is shown instead of tty1");
    assert!(screen(&app).starts_with(" [RO] "), "{}", screen(&app));
    let req = ActRequest {
        token,
        verb: Verb::UnitStart,
        target: Target::SystemdUnit { name: "hvtui-flow.service".into() },
        reason: String::new(),
        confirm: String::new(),
        channel: "tty1".into(),
    };
    assert!(client::act(&sock, req).unwrap_err().contains("not authenticated"));
    // The next action asks for the login again.
    app.update(key(KeyCode::F(5)));
    app.update(key(KeyCode::Char('a')));
    app.update(key(KeyCode::Enter));
    typed(&mut app, "again");
    assert!(screen(&app).contains("operator:"), "{}", screen(&app));

    let recs = journal_records(&c, audit::MSG_ACTION, 1);
    assert_eq!(recs[0]["HVTUI_TARGET_KIND"], "systemd-unit");
    assert_eq!(recs[0]["HVTUI_REASON"], "stuck");
}
