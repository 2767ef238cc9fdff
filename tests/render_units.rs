//! F5 System with units (the units panel; the facts panels are tests/render_system.rs): rendered at 80x24 and 200x60 in both glyph sets, its keys, and
//! Enter opening F1 on the selected unit.

mod support;

use hypervisor_tui::app::App;
use hypervisor_tui::event::{Action, Event, Health, Screen, SourceId, SystemAction, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::units::{Unit, UnitsUpdate};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use support::{buffer_text, sample_model};

const T0: i64 = 1_735_689_600;

fn unit(name: &str, active: &str, sub: &str, result: Option<&str>, since: Option<i64>) -> Unit {
    Unit {
        name: name.into(),
        description: format!("The {} unit", name.split('.').next().unwrap_or_default()),
        load: "loaded".into(),
        active: active.into(),
        sub: sub.into(),
        result: result.map(Into::into),
        since,
    }
}

/// Two failed units (one with the journal lines of the sample), 24 running services and a
/// few inactive units, seen four minutes after the first failure.
fn model_with_units() -> Model {
    let mut m = sample_model();
    m.fixed_now = Some(T0 + 240);
    let mut list = vec![
        unit("k3s.service", "failed", "failed", Some("exit-code"), Some(T0 + 50)),
        unit("data.mount", "failed", "failed", None, None),
        unit("sshd.service", "active", "running", None, Some(T0 - 86_400 * 3)),
        unit("tmp.mount", "active", "mounted", None, Some(T0 - 3600)),
        unit("logrotate.service", "inactive", "dead", None, None),
    ];
    list.extend(
        (0..23).map(|i| unit(&format!("svc-{i:02}.service"), "active", "running", None, Some(T0 - 60 * i))),
    );
    m.apply(Update::Units(UnitsUpdate::List(list)));
    m.apply(Update::Health(SourceId::Systemd, Health::Ok("28 units, 2 failed".into())));
    m
}

fn draw(model: &Model, view: &View, theme: &Theme, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(model, view, theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn system_screen_at_both_sizes_in_both_glyph_sets() {
    let model = model_with_units();
    for (glyphs, gname) in [(Glyphs::UNICODE, "unicode"), (Glyphs::ASCII, "ascii")] {
        let theme = Theme::new(glyphs, false);
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let view = View { screen: Screen::System, allow_quit: true, ..View::default() };
            let text = draw(&model, &view, &theme, w, h);
            assert!(text.contains("k3s.service") && text.contains("failed (exit-code)"), "{text}");
            assert!(text.contains("3m ago"), "since when it failed:\n{text}");
            assert!(text.contains("NixOS"), "the facts panels:\n{text}");
            if glyphs.ascii {
                assert!(text.is_ascii(), "{w}x{h} has non-ASCII in the ascii set");
            }
            if (w, h) != (120, 40) {
                insta::assert_snapshot!(format!("system_units_{w}x{h}_{gname}"), text);
            }
        }
    }
}

#[test]
fn failed_units_come_first_with_what_they_logged() {
    let model = model_with_units();
    let theme = Theme::new(Glyphs::UNICODE, false);
    let view = View { screen: Screen::System, ..View::default() };
    let text = draw(&model, &view, &theme, 200, 60);
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing:\n{text}"));
    assert!(pos("data.mount") < pos("k3s.service") && pos("k3s.service") < pos("sshd.service"));
    assert!(!text.contains("logrotate.service"), "inactive units are counted, not listed");
    assert!(text.contains("1 inactive"), "{text}");
    // The sample's last k3s.service lines, under the unit.
    assert!(pos("migration of vm37") > pos("k3s.service"), "{text}");
    assert!(pos("migration of vm37") < pos("sshd.service"), "{text}");
    let alerts: Vec<String> = model.alerts().into_iter().map(|a| a.text).collect();
    assert!(alerts.contains(&"unit k3s.service failed 3m ago (exit-code)".to_string()), "{alerts:?}");
}

#[test]
fn tiny_sizes_do_not_panic() {
    let model = model_with_units();
    let theme = Theme::new(Glyphs::ASCII, false);
    let view = View { screen: Screen::System, ..View::default() };
    for (w, h) in [(1, 1), (0, 0), (10, 3), (80, 5), (20, 40)] {
        draw(&model, &view, &theme, w, h);
    }
}

#[test]
fn filter_and_enter_open_f1_on_the_unit() {
    let mut app = App::new(Theme::new(Glyphs::UNICODE, false), true);
    app.model = model_with_units();
    app.act(Action::Show(Screen::System));
    app.act(Action::System(SystemAction::Filter));
    for c in "k3s".chars() {
        app.update(Event::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c))));
    }
    app.update(Event::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter)));
    assert!(!app.view.system.editing);
    assert_eq!(app.view.screen, Screen::System, "Enter ends the filter first");
    app.update(Event::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter)));
    assert_eq!(app.view.screen, Screen::Logs);
    assert_eq!(app.view.logs.filter.units, ["k3s.service"]);
    assert!(app.view.logs.reading, "F1 re-reads the journal for the unit");
}

#[test]
fn without_the_bus_the_journal_alert_stays() {
    let mut m = sample_model();
    let failed = support::sample_log_lines(1).into_iter().map(|mut l| {
        l.ident = "systemd".into();
        l.message = "nginx.service: Failed with result 'exit-code'.".into();
        l
    });
    m.apply(Update::Logs(hypervisor_tui::model::log_buffer::LogUpdate::Append(failed.collect())));
    let texts = |m: &Model| m.alerts().into_iter().map(|a| a.text).collect::<Vec<_>>();
    assert!(texts(&m).contains(&"nginx.service failed (see F1)".to_string()), "{:?}", texts(&m));
    m.apply(Update::Units(UnitsUpdate::List(vec![unit("k3s.service", "failed", "failed", None, None)])));
    let with_bus = texts(&m);
    assert!(with_bus.contains(&"unit k3s.service failed".to_string()), "{with_bus:?}");
    assert!(!with_bus.iter().any(|t| t.contains("nginx")), "the bus is the truth while it answers");
    m.apply(Update::Units(UnitsUpdate::Lost));
    assert!(texts(&m).contains(&"nginx.service failed (see F1)".to_string()), "fallback again");
}

/// Every word of the screen, borders and padding left out: a wrapped cause reads whole.
fn words(screen: &str) -> String {
    let border = |c: char| matches!(c, '│' | '|');
    let words = screen.split_whitespace().map(|t| t.trim_matches(border)).filter(|t| !t.is_empty());
    words.collect::<Vec<_>>().join(" ")
}

#[test]
fn without_the_bus_f5_gives_the_whole_cause_even_at_80_columns() {
    let mut m = sample_model();
    let why = "system bus not reachable (no socket at /run/dbus/system_bus_socket)";
    m.apply(Update::Health(SourceId::Systemd, Health::Unavailable(why.into())));
    let view = View { screen: Screen::System, ..View::default() };
    for (glyphs, w, h) in [(Glyphs::UNICODE, 80, 24), (Glyphs::ASCII, 80, 24), (Glyphs::UNICODE, 60, 24)] {
        let screen = draw(&m, &view, &Theme::new(glyphs, false), w, h);
        assert!(words(&screen).contains(&format!("systemd unavailable {why}")), "{w}x{h}:\n{screen}");
        assert!(!screen.contains('…') && !screen.contains("socket~"), "nothing cut:\n{screen}");
        // The cause's second row hangs under the cause, not under the source's name.
        let row = screen.lines().find(|l| l.contains("/run/dbus")).unwrap_or_default();
        assert!(row.find("/run/dbus").unwrap_or(0) > 20 || row.contains("at /run/dbus"), "{screen}");
        assert!(screen.contains("failed units are taken from the journal meanwhile"), "{screen}");
    }
}
