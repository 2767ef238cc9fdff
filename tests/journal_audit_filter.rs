//! F1 on the actions' audit records: records actiond wrote to a real journald (a systemd
//! container), read back from its journal files with the project's own reader through the
//! filters F1 sets: the `A` preset (only actiond's records) and `f` with `KEY=value` words
//! (journal field matches, OR within a key, AND across keys).

mod support;

use crossterm::event::KeyCode;
use hypervisor_tui::actiond::audit;
use hypervisor_tui::app::App;
use hypervisor_tui::collectors::journal::reader::{Origin, tail_lines};
use hypervisor_tui::model::log_filter::{Filter, parse_field_matches};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use ratatui::{Terminal, backend::TestBackend};
use support::actiond::{Client, journal_records, refusal, serve, settings};
use support::buffer_text;
use support::key;
use support::systemd::SystemdContainer;

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(140, 20)).unwrap();
    t.draw(|f| ui::render(&app.model, &app.view, &app.theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

/// The messages F1 would show for the filter the app holds, from the container's journal.
fn shown(c: &SystemdContainer, filter: &Filter) -> Vec<String> {
    let (lines, fallback) = tail_lines(&Origin::Directories(vec![c.journal_dir()]), 500, filter).unwrap();
    assert!(!fallback, "the reader refused journald's own files");
    lines.iter().map(|l| format!("{} {}", l.ident, l.message)).collect()
}

#[test]
fn f1_filters_on_the_audit_fields_of_real_journald_records() {
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(settings(tmp.path(), &c.root().join("run/systemd/journal/socket")), tmp.path());
    let mut cl = Client::connect(&sock);
    // Refused attempts are recorded without any login: two verbs, two targets.
    for (verb, name) in [("guest.force-off", "web-1"), ("guest.start", "db-1"), ("guest.start", "web-1")] {
        assert!(refusal(&cl.act("bogus", verb, name, "r", name)).contains("not authenticated"));
    }
    assert_eq!(journal_records(&c, audit::MSG_ACTION, 3).len(), 3);
    // Something else in the journal that mentions the same words.
    c.exec_ok(&["logger", "-t", "other", "guest.start web-1 HVTUI_ACTION=guest.start"]);

    let mut app = App::new(Theme::new(Glyphs::ASCII, false), true);
    // The audit preset: actiond's records only, the header says so.
    app.update(key(KeyCode::Char('A')));
    assert!(app.view.logs.filter.is_audit());
    assert!(screen(&app).contains("audit records"), "{}", screen(&app));
    let audit_only = shown(&c, &app.view.logs.filter);
    assert_eq!(audit_only.len(), 3, "{audit_only:#?}");
    assert!(
        audit_only.iter().all(|l| l.starts_with("hypervisor-tui-actiond actiond: guest.")),
        "{audit_only:#?}"
    );
    // Again: every entry.
    app.update(key(KeyCode::Char('A')));
    assert!(app.view.logs.filter.fields.is_empty());

    // `f` with field matches: this verb on this target.
    app.update(key(KeyCode::Char('f')));
    for ch in "HVTUI_ACTION=guest.start HVTUI_TARGET=web-1@test:///default".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    app.update(key(KeyCode::Enter));
    let f = &app.view.logs.filter;
    assert!(f.text.is_none() && f.fields.len() == 2, "{f:?}");
    assert!(screen(&app).contains("fields: HVTUI_ACTION=guest.start HVTUI_TARGET=web-1@test:///default"));
    let one = shown(&c, f);
    assert_eq!(
        one,
        [
            "hypervisor-tui-actiond actiond: guest.start web-1@test:///default refused: not authenticated, or the grace window has ended"
        ]
    );
    // OR within a key; a MESSAGE_ID match, as README "Actions" tells auditors.
    let words = format!(
        "MESSAGE_ID={} HVTUI_TARGET=web-1@test:///default HVTUI_TARGET=db-1@test:///default",
        audit::MSG_ACTION
    );
    let f = Filter { fields: parse_field_matches(&words).unwrap(), ..Filter::default() };
    assert_eq!(shown(&c, &f).len(), 3);
    // Text that is not `KEY=value` stays a text filter (and finds the logger line too).
    app.update(key(KeyCode::Char('f')));
    for _ in 0..80 {
        app.update(key(KeyCode::Backspace));
    }
    for ch in "guest.start web-1".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    app.update(key(KeyCode::Enter));
    let f = &app.view.logs.filter;
    assert!(f.fields.is_empty() && f.text.is_some(), "{f:?}");
    let text = shown(&c, f);
    assert!(text.iter().any(|l| l.starts_with("other ")), "{text:#?}");
}
