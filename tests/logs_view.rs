//! F1's keys on a default `App`: scrolling, pause, search, filters, pickers.

mod support;

use crossterm::event::KeyCode;
use hypervisor_tui::app::App;
use hypervisor_tui::event::{Event, Update};
use hypervisor_tui::model::log_buffer::LogUpdate;
use hypervisor_tui::ui::theme::{Glyphs, Theme};
use hypervisor_tui::view::BootChoice;
use support::sample_log_lines;
use support::{key, typed};

fn app_with_lines(n: u64) -> App {
    let mut a = App::new(Theme::new(Glyphs::UNICODE, false), true);
    a.view.size = (80, 24);
    a.update(Event::Update(Update::Logs(LogUpdate::Reset { lines: sample_log_lines(n), fallback: false })));
    a
}

#[test]
fn scrolling_pauses_and_new_lines_keep_the_view_still() {
    let mut a = app_with_lines(40);
    assert!(a.view.logs.following());
    a.update(key(KeyCode::PageUp));
    assert_eq!(a.view.logs.scroll, 18, "a page is the screen less the frame");
    assert!(!a.view.logs.following());
    a.update(Event::Update(Update::Logs(LogUpdate::Append(sample_log_lines(3)))));
    assert_eq!(a.view.logs.scroll, 21, "the same lines stay on screen");
    a.update(key(KeyCode::End));
    assert!(a.view.logs.following());
    a.update(key(KeyCode::Char(' ')));
    assert!(a.view.logs.paused);
    a.update(Event::Update(Update::Logs(LogUpdate::Append(sample_log_lines(2)))));
    assert_eq!(a.model.logs.arrived - a.view.logs.paused_at, 2, "the N new marker counts");
    a.update(key(KeyCode::Home));
    assert_eq!(a.view.logs.scroll, a.model.logs.len() - 1);
}

#[test]
fn search_jumps_between_matches_and_reports_none() {
    let mut a = app_with_lines(40);
    a.update(key(KeyCode::Char('/')));
    typed(&mut a, "failed to sync");
    // Line 33 is the newest klog error (every 10th from 3); the bottom was 39.
    assert_eq!(a.view.logs.scroll, 39 - 33);
    a.update(key(KeyCode::Char('n')));
    assert_eq!(a.view.logs.scroll, 39 - 23);
    a.update(key(KeyCode::Char('N')));
    assert_eq!(a.view.logs.scroll, 39 - 33);
    a.update(key(KeyCode::Char('N')));
    assert!(a.view.logs.note.as_deref().unwrap_or("").contains("no newer match"));
    a.update(key(KeyCode::Esc));
    assert!(a.view.logs.search.is_none(), "Esc clears the search");
}

#[test]
fn filters_change_the_view_filter() {
    let mut a = app_with_lines(40);
    a.update(key(KeyCode::Char('p')));
    a.update(key(KeyCode::Char('3')));
    assert_eq!(a.view.logs.filter.max_level, Some(3));
    assert!(a.view.logs.reading, "until the journal thread answers");
    a.update(Event::Update(Update::Logs(LogUpdate::Reset { lines: sample_log_lines(3), fallback: false })));
    assert!(!a.view.logs.reading);
    a.update(key(KeyCode::Char('f')));
    typed(&mut a, "vm-1[0-9]");
    assert_eq!(a.view.logs.filter.text.as_ref().map(|t| t.pattern.as_str()), Some("vm-1[0-9]"));
    a.update(key(KeyCode::Char('u')));
    a.update(key(KeyCode::Down)); // units seen: k3s, libvirtd, sshd (sorted)
    a.update(key(KeyCode::Char(' ')));
    a.update(key(KeyCode::Enter));
    assert_eq!(a.view.logs.filter.units, vec!["libvirtd.service".to_string()]);
    a.update(key(KeyCode::Char('k')));
    assert!(!a.view.logs.filter.kernel);
    // With no boot id known, the boot filter stays at every boot.
    a.update(key(KeyCode::Char('b')));
    assert_eq!(a.view.logs.boot, BootChoice::All);
    a.boot_id = Some([7; 16]);
    a.update(key(KeyCode::Char('b')));
    assert_eq!(a.view.logs.filter.boot_id, Some([7; 16]));
    a.update(key(KeyCode::Char('b')));
    assert_eq!((a.view.logs.filter.boot_id, a.view.logs.filter.boot_before), (None, Some([7; 16])));
    a.update(key(KeyCode::Char('b')));
    assert_eq!(a.view.logs.boot, BootChoice::All);
    // While a prompt is open, keys are text, not commands.
    a.update(key(KeyCode::Char('/')));
    a.update(key(KeyCode::Char('q')));
    assert!(!a.quit);
}

#[test]
fn units_logging_errors_reach_the_alerts_strip() {
    let a = app_with_lines(40);
    let texts: Vec<String> = a.model.alerts().into_iter().map(|x| x.text).collect();
    // Levels 2 and 3 land on k3s (i % 10 == 5 → k3s) and on the kernel ident (i % 10 == 3).
    assert!(texts.iter().any(|t| t.starts_with("k3s.service logged 4 errors")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("kernel logged 4 errors")), "{texts:?}");
}
