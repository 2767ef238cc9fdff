//! `App::update` driven by `Update`s and `Action`s, and the loop on `TestBackend`.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hypervisor_tui::app::App;
use hypervisor_tui::event::{Action, Event, Health, Screen, SourceId, Update};
use hypervisor_tui::ui::theme::{Glyphs, Theme};
use ratatui::{Terminal, backend::TestBackend};
use support::key;
use support::{buffer_text, sample_host};

fn app(allow_quit: bool) -> App {
    App::new(Theme::new(Glyphs::UNICODE, false), allow_quit)
}

#[test]
fn updates_change_the_model() {
    let mut a = app(true);
    assert_eq!(a.model.health(SourceId::Libvirt), &Health::Starting);
    assert!(a.update(Event::Update(Update::Health(SourceId::Libvirt, Health::Error("boom".into())))));
    assert_eq!(a.model.health(SourceId::Libvirt).state(), "error");
    assert_eq!(a.model.alerts().len(), 1, "an erroring source raises an alert");
    a.update(Event::Update(Update::Host(Box::new(sample_host(16)))));
    assert_eq!(a.model.host.cpu.cores, 16);
}

#[test]
fn keys_and_actions_move_between_screens() {
    let mut a = app(true);
    a.update(key(KeyCode::F(3)));
    assert_eq!(a.view.screen, Screen::Network);
    a.update(key(KeyCode::Tab));
    assert_eq!(a.view.screen, Screen::Machines);
    a.update(key(KeyCode::Tab));
    assert_eq!(a.view.screen, Screen::System);
    a.update(key(KeyCode::Tab));
    assert_eq!(a.view.screen, Screen::Logs, "Tab wraps around");
    a.update(key(KeyCode::BackTab));
    assert_eq!(a.view.screen, Screen::System);
    a.update(key(KeyCode::F(5)));
    assert_eq!(a.view.screen, Screen::System);
    a.update(key(KeyCode::Char('5')));
    assert_eq!(a.view.screen, Screen::System);
    a.update(key(KeyCode::Char('2')));
    assert_eq!(a.view.screen, Screen::Dashboard);
    a.act(Action::ToggleHelp);
    assert!(a.view.help);
    a.update(key(KeyCode::Esc));
    assert!(!a.view.help);
    assert!(!a.update(key(KeyCode::Char('z'))), "an unbound key does not redraw");
}

#[test]
fn quit_obeys_allow_quit_but_signals_always_end() {
    let mut a = app(false);
    a.update(key(KeyCode::Char('q')));
    a.update(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(!a.quit);
    assert!(a.view.status.as_deref().unwrap_or("").contains("disabled"));
    a.update(Event::Terminate);
    assert!(a.quit);
    let mut b = app(true);
    b.update(key(KeyCode::Char('q')));
    assert!(b.quit);
}

#[tokio::test]
async fn run_loop_draws_updates_and_ends_on_q() {
    let mut a = app(true);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tx.send(Update::Host(Box::new(sample_host(2)))).await.unwrap();
    tx.send(Update::Health(SourceId::Journal, Health::Ok("1 files".into()))).await.unwrap();
    // Keys arrive after the updates have been drained.
    let keys = futures::stream::iter([key(KeyCode::F(2)), key(KeyCode::Char('q'))]);
    let input = Box::pin(futures::StreamExt::then(keys, |k| async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        k
    }));
    a.run(&mut term, input, rx).await.unwrap();
    assert!(a.quit);
    let text = buffer_text(term.backend().buffer());
    assert!(text.contains("Dashboard") && text.contains("hv-01"), "{text}");
    assert!(text.contains("journal ok") || text.contains("jrnl:ok"), "{text}");
}

/// The model remembers when a source changed state (for "libvirt unavailable since 14:02"),
/// not when it last repeated the same state.
#[test]
fn health_since_is_the_last_change_of_state() {
    let mut m = hypervisor_tui::model::Model { fixed_now: Some(1_000), ..Default::default() };
    m.apply(Update::Health(SourceId::Libvirt, Health::Ok("3 domains".into())));
    m.fixed_now = Some(2_000);
    m.apply(Update::Health(SourceId::Libvirt, Health::Unavailable("libvirtd not running".into())));
    m.fixed_now = Some(3_000);
    m.apply(Update::Health(SourceId::Libvirt, Health::Unavailable("still not running".into())));
    assert_eq!(m.health_since.get(&SourceId::Libvirt), Some(&2_000));
    m.apply(Update::Health(SourceId::Libvirt, Health::Ok("back".into())));
    assert_eq!(m.health_since.get(&SourceId::Libvirt), Some(&3_000));
}

/// An idle console draws only what changed on the screen being looked at: F2's process table
/// while F1 is shown, or a source repeating its health, costs no frame.
#[tokio::test]
async fn only_updates_that_show_on_the_current_screen_ask_for_a_frame() {
    use hypervisor_tui::model::procs::{ProcTable, ProcUsage};
    let table = || {
        let p = ProcUsage { pid: 42, name: "burner".into(), cpu_percent: Some(99.0), ..ProcUsage::default() };
        Box::new(ProcTable { top: vec![p], total: 1, scanned: true, error: None })
    };
    let mut a = app(true);
    let (show, shown) = hypervisor_tui::event::Shown::channel(Screen::Logs);
    a.shown = Some(show);
    assert!(!a.update(Event::Update(Update::Procs(table()))), "F2's table is not on F1");
    let ok = || Update::Health(SourceId::Procfs, Health::Ok("2 cores".into()));
    assert!(a.update(Event::Update(ok())), "a new health is news");
    assert!(!a.update(Event::Update(ok())), "the same health again is not");
    assert!(!a.update(Event::Update(Update::Confirmed(SourceId::Procfs, None))), "nothing was stale");
    assert!(a.update(Event::Update(Update::Host(Box::new(sample_host(2))))), "the header shows the host");

    a.update(key(KeyCode::F(2)));
    assert!(shown.is(Screen::Dashboard), "the collectors are told F2 is shown");
    assert!(a.update(Event::Update(Update::Procs(table()))), "on F2 the table is drawn");
    assert_eq!(a.model.procs.top[0].pid, 42);
    a.update(key(KeyCode::F(1)));
    assert!(shown.is(Screen::Logs));
    assert!(!a.model.procs.scanned, "a table not scanned while F2 is hidden is not kept as current");
}

/// At 80x24 F4's help is taller than the screen: nothing is cut at the right border,
/// the box says there is more, and the moving keys scroll it (not the table under it).
#[test]
fn help_taller_than_the_screen_scrolls_and_wraps() {
    let mut a = app(true);
    a.update(Event::Resize(80, 24));
    a.update(key(KeyCode::F(4)));
    a.update(key(KeyCode::Char('?')));
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    a.draw(&mut t).unwrap();
    let first = buffer_text(t.backend().buffer());
    assert!(first.contains("Up/Down scroll"), "{first}");
    assert!(first.contains("start, shutdown (reason)"), "{first}");
    assert!(!first.contains("Esc or ? closes"), "the end is below:\n{first}");
    a.update(key(KeyCode::End));
    a.draw(&mut t).unwrap();
    let end = buffer_text(t.backend().buffer());
    assert!(end.contains("Esc or ? closes this help"), "{end}");
    assert!(end.contains("cordon (reason) or uncordon"), "{end}");
    assert!(end.contains("force off (type its name)"), "the long line is wrapped, not cut:\n{end}");
    let scrolled = a.view.help_scroll;
    assert!(scrolled > 0);
    a.update(key(KeyCode::Char('k')));
    assert_eq!(a.view.help_scroll, scrolled - 1, "Up answers at once after the end");
    assert_eq!(a.view.machines.selected, 0, "the table under the help did not move");
    a.update(key(KeyCode::Esc));
    assert!(!a.view.help);
}
