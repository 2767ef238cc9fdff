//! The console's action flow through `App::update`, against a real actiond (in-process, real
//! PAM through pam_wrapper, records in a real journald) and libvirt's test driver: F4 → `a`
//! → force off → wrong password refused and audited → right password → typed name → reason
//! → the domain is shut off. And with actions off, no key path reaches actiond.
#![cfg(feature = "libvirt")]

mod support;

use crossterm::event::KeyCode;
use hypervisor_tui::actiond::{audit, client};
use hypervisor_tui::app::{ActionsLink, App};
use hypervisor_tui::config::Verb;
use hypervisor_tui::event::{Event, Update};
use hypervisor_tui::keymap;
use hypervisor_tui::model::guests::{Guest, GuestState, GuestUpdate};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use ratatui::{Terminal, backend::TestBackend};
use support::actiond::{journal_records, serve, settings, under_pam_wrapper};
use support::buffer_text;
use support::systemd::SystemdContainer;
use support::{key, typed};
use tokio::sync::mpsc;
use virt::connect::Connect;
use virt::domain::Domain;

fn app_with_guest() -> App {
    let mut app = App::new(Theme::new(Glyphs::ASCII, false), true);
    let guest = Guest {
        name: "test".into(),
        uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f".into(),
        uri: "test:///default".into(),
        state: GuestState::Running,
        ..Guest::default()
    };
    let list = GuestUpdate::List { uri: "test:///default".into(), guests: vec![guest] };
    app.update(Event::Update(Update::Guests(Box::new(list))));
    app.update(key(KeyCode::F(4)));
    app
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| ui::render(&app.model, &app.view, &app.theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

/// F4 → a → force off (the fourth verb) → name → reason → user → password.
fn force_off(app: &mut App, password: &str) {
    app.update(key(KeyCode::Char('a')));
    for _ in 0..3 {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    typed(app, "test");
    typed(app, "hung at boot");
    assert!(screen(app).contains("operator:"), "{}", screen(app));
    typed(app, "alice");
    for c in password.chars() {
        app.update(key(KeyCode::Char(c)));
    }
    assert!(!screen(app).contains(password), "the password is on screen");
    app.update(key(KeyCode::Enter));
}

/// Feeds actiond's next answer to the app.
fn answer(app: &mut App, rx: &mut mpsc::Receiver<Update>) -> String {
    let u = rx.blocking_recv().expect("actiond's answer");
    assert!(matches!(u, Update::Action(_)), "{u:?}");
    app.update(Event::Update(u));
    app.view.status.clone().unwrap_or_default()
}

fn state(conn: &Connect) -> u32 {
    Domain::lookup_by_name(conn, "test").unwrap().get_state().unwrap().0
}

#[test]
fn f4_force_off_with_login_reason_and_typed_name() {
    let Some(fixture) = under_pam_wrapper("f4_force_off_with_login_reason_and_typed_name") else { return };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let conn = Connect::open(Some("test:///default")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(settings(&fixture, &c.root().join("run/systemd/journal/socket")), tmp.path());
    let (tx, mut rx) = mpsc::channel(16);
    let mut app = app_with_guest();
    app.view.actions.enabled = true;
    let link = ActionsLink {
        socket: sock.clone(),
        channel: "tty1".into(),
        allow: Verb::ALL.to_vec(),
        units: Vec::new(),
        updates: tx,
        token: None,
    };
    app.actions = Some(link);
    assert!(screen(&app).starts_with(" [RO] "));

    force_off(&mut app, "wrong");
    assert_eq!(answer(&mut app, &mut rx), "guest.force-off test: wrong user or password");
    assert_eq!(state(&conn), 1, "refused, yet the domain changed");
    assert!(screen(&app).starts_with(" [RO] "));

    force_off(&mut app, "alice-secret");
    assert_eq!(answer(&mut app, &mut rx), "alice authenticated");
    assert_eq!(answer(&mut app, &mut rx), "guest.force-off test: done");
    assert_eq!(state(&conn), 5, "the domain is not shut off");
    let head = screen(&app);
    assert!(head.starts_with(" [ADMIN alice 5:00] "), "{head}");

    // Within the grace window a benign verb is `y` and done, no login.
    app.update(key(KeyCode::Char('a')));
    app.update(key(KeyCode::Enter));
    assert!(screen(&app).contains("guest.start test? y/n"));
    app.update(key(KeyCode::Char('y')));
    assert_eq!(answer(&mut app, &mut rx), "guest.start test: done");
    assert_eq!(state(&conn), 1);

    // Quitting ends the window at actiond.
    let token = app.actions.as_ref().and_then(|l| l.token.clone()).unwrap();
    app.update(key(KeyCode::Char('q')));
    assert!(app.quit);
    let req = hypervisor_tui::actiond::protocol::ActRequest {
        token,
        verb: Verb::GuestStart,
        target: hypervisor_tui::actiond::protocol::Target::LibvirtDomain {
            uri: "test:///default".into(),
            name: "test".into(),
        },
        reason: String::new(),
        confirm: String::new(),
        channel: "tty1".into(),
    };
    assert!(client::act(&sock, req).unwrap_err().contains("not authenticated"));

    let auth = journal_records(&c, audit::MSG_AUTH, 2);
    assert!(
        auth.iter().any(|r| r["HVTUI_RESULT"] == "failed" && r["HVTUI_OPERATOR"] == "alice"),
        "{auth:#?}"
    );
    let results = journal_records(&c, audit::MSG_ACTION, 2);
    let off = results.iter().find(|r| r["HVTUI_ACTION"] == "guest.force-off").unwrap();
    assert_eq!(
        [
            &off["HVTUI_OPERATOR"],
            &off["HVTUI_TARGET"],
            &off["HVTUI_REASON"],
            &off["HVTUI_RESULT"],
            &off["HVTUI_CHANNEL"]
        ],
        ["alice", "test@test:///default", "hung at boot", "ok", "tty1"]
    );
}

#[test]
fn with_actions_off_no_key_reaches_actiond() {
    let mut app = app_with_guest();
    app.update(key(KeyCode::Char('a')));
    assert!(app.view.act_flow.is_none());
    let status = app.view.status.clone().unwrap_or_default();
    assert_eq!(status, "read-only: actions are off ([actions] enabled = false)");
    assert!(screen(&app).contains("read-only"));
    // Every key of every binding, on every screen: no prompt opens, nothing is asked.
    for b in keymap::BINDINGS {
        for k in b.keys {
            let ev = match k {
                keymap::Key::Char(c) if *c != 'q' => key(KeyCode::Char(*c)),
                keymap::Key::F(n) => key(KeyCode::F(*n)),
                keymap::Key::Enter => key(KeyCode::Enter),
                keymap::Key::Down => key(KeyCode::Down),
                _ => continue,
            };
            app.update(ev);
            app.update(key(KeyCode::Esc));
            assert!(app.view.act_flow.is_none() && app.actions.is_none(), "{k:?} opened the action prompts");
        }
    }
}
