//! The README's screens: each screen of the demo's fixed model (`demo::screens::model`, the
//! same journal generator, guests and cluster as `--demo`, at a fixed instant, with a fixed
//! host and network) drawn on ratatui's `TestBackend`, as text between markers in README.md.
//! `make screenshots` (`UPDATE_SCREENSHOTS=1 cargo test --test screenshots`) rewrites them;
//! otherwise this fails when the README differs from what is drawn, byte for byte.

mod support;

use hypervisor_tui::config::GlyphChoice;
use hypervisor_tui::demo::screens;
use hypervisor_tui::event::Screen;
use hypervisor_tui::ui::{self, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use std::path::Path;

/// (marker name, screen, width, height, TERM). A new screen is one more line here, then
/// `make screenshots`, then a marker pair in README.md where it should appear.
const SHOTS: [(&str, Screen, u16, u16, &str); 6] = [
    ("f1-logs", Screen::Logs, 120, 40, "xterm-256color"),
    ("f2-dashboard", Screen::Dashboard, 120, 40, "xterm-256color"),
    ("f2-dashboard-linux-80x24", Screen::Dashboard, 80, 24, "linux"),
    ("f3-network", Screen::Network, 120, 40, "xterm-256color"),
    ("f4-machines", Screen::Machines, 120, 40, "xterm-256color"),
    ("f5-system", Screen::System, 120, 40, "xterm-256color"),
];

fn shot(screen: Screen, w: u16, h: u16, term: &str) -> String {
    let model = screens::model();
    let theme = Theme::detect(GlyphChoice::Auto, Some(term), Some("C.UTF-8"));
    let view = View { screen, allow_quit: true, size: (w, h), ..View::default() };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(&model, &view, &theme, f)).unwrap();
    let text = support::buffer_text(t.backend().buffer());
    text.lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

/// `text` with the block between `<!-- screen:NAME -->` and `<!-- /screen -->` replaced.
fn replace_block(text: &str, name: &str, body: &str) -> Option<String> {
    let open = format!("<!-- screen:{name} -->\n");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find("<!-- /screen -->")?;
    Some(format!("{}```text\n{body}```\n{}", &text[..start], &text[end..]))
}

#[test]
fn the_readme_shows_the_screens_as_drawn() {
    // Times in UTC whatever the machine's zone (the first call wins; both tests ask the same).
    let _ = hypervisor_tui::timefmt::set_zone(jiff::tz::TimeZone::UTC);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let mut want = readme.clone();
    for (name, screen, w, h, term) in SHOTS {
        let body = shot(screen, w, h, term);
        assert!(body.contains(" DEMO "), "{name}: the header says DEMO\n{body}");
        want = replace_block(&want, name, &body)
            .unwrap_or_else(|| panic!("README.md has no <!-- screen:{name} --> … <!-- /screen --> block"));
    }
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(&path, &want).unwrap();
    } else {
        assert!(readme == want, "README.md's screens are not what is drawn: run `make screenshots`");
    }
}

#[test]
fn the_linux_console_capture_has_no_braille() {
    let _ = hypervisor_tui::timefmt::set_zone(jiff::tz::TimeZone::UTC);
    // The console font has no braille (the graphs' dots); text captures show no colours, so
    // this is where TERM=linux shows in the README's capture.
    let linux = shot(Screen::Dashboard, 120, 40, "linux");
    assert!(!linux.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)), "{linux}");
}
