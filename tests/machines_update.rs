//! F4 keys through `App::update`: selection, sort, filter typing, detail, and guest updates.

#[path = "support/guests.rs"]
mod sample;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hypervisor_tui::app::App;
use hypervisor_tui::event::{Event, Screen, Update};
use hypervisor_tui::model::guests::{GuestState, GuestUpdate};
use hypervisor_tui::ui::theme::{Glyphs, Theme};
use hypervisor_tui::view::SortBy;

fn key(c: KeyCode) -> Event {
    Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn app_with(n: usize) -> App {
    let mut a = App::new(Theme::new(Glyphs::ASCII, false), true);
    a.model.guests = sample::guests(n);
    a.update(key(KeyCode::F(4)));
    assert_eq!(a.view.screen, Screen::Machines);
    a
}

#[test]
fn navigation_sort_and_detail() {
    let mut a = app_with(30);
    for k in [KeyCode::Down, KeyCode::Char('j'), KeyCode::PageDown] {
        a.update(key(k));
    }
    assert_eq!(a.view.machines.selected, 12);
    a.update(key(KeyCode::End));
    assert_eq!(a.view.machines.selected, 29);
    a.update(key(KeyCode::Char('g')));
    assert_eq!(a.view.machines.selected, 0);
    a.update(key(KeyCode::Char('s')));
    assert_eq!(a.view.machines.sort, SortBy::Source);
    a.update(key(KeyCode::Char('r')));
    assert!(a.view.machines.descending);
    a.update(key(KeyCode::Enter));
    assert!(a.view.machines.detail);
    // The same keys mean nothing on another screen.
    a.update(key(KeyCode::F(1)));
    a.update(key(KeyCode::Char('s')));
    assert_eq!(a.view.machines.sort, SortBy::Source);
}

#[test]
fn typing_a_filter_does_not_trigger_other_keys() {
    let mut a = app_with(30);
    a.update(key(KeyCode::Char('/')));
    for c in "vm-0001q".chars() {
        a.update(key(KeyCode::Char(c)));
    }
    assert!(!a.quit, "q typed into the filter must not quit");
    assert_eq!(a.view.machines.filter.text(), "vm-0001q");
    a.update(key(KeyCode::Backspace));
    a.update(key(KeyCode::Enter));
    assert!(!a.view.machines.editing);
    assert_eq!(a.view.machines.rows(&a.model.guests, a.model.now_unix()).len(), 10, "vm-00010 … vm-00019");
    // F-keys still switch screens while typing.
    a.update(key(KeyCode::Char('/')));
    a.update(key(KeyCode::F(2)));
    assert_eq!(a.view.screen, Screen::Dashboard);
}

#[test]
fn a_crash_raises_an_alert_and_a_down_uri_hides_its_guests() {
    let mut a = App::new(Theme::new(Glyphs::ASCII, false), true);
    let mut g = sample::guest(0);
    a.update(Event::Update(Update::Guests(Box::new(GuestUpdate::List {
        uri: g.uri.clone(),
        guests: vec![g.clone()],
    }))));
    assert!(a.model.alerts().is_empty());
    g.state = GuestState::Crashed;
    a.update(Event::Update(Update::Guests(Box::new(GuestUpdate::List {
        uri: g.uri.clone(),
        guests: vec![g.clone()],
    }))));
    assert!(a.model.alerts().iter().any(|al| al.critical && al.text.contains("crashed")));
    let down = GuestUpdate::Down { uri: g.uri.clone(), reason: "connection refused".into() };
    a.update(Event::Update(Update::Guests(Box::new(down))));
    assert!(a.model.guests.is_empty(), "no stale guests shown as current");
    assert!(a.model.alerts().iter().any(|al| al.text.contains("connection refused")));
}
