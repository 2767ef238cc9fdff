//! Every screen rendered on `TestBackend` at 80x24 and 200x60 in both glyph sets.

mod support;

use hypervisor_tui::event::Screen;
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use support::{buffer_text, sample_model};

fn draw(view: &View, theme: &Theme, w: u16, h: u16) -> String {
    let model = sample_model();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(&model, view, theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn screens_at_both_sizes_in_both_glyph_sets() {
    for (glyphs, gname) in [(Glyphs::UNICODE, "unicode"), (Glyphs::ASCII, "ascii")] {
        let theme = Theme::new(glyphs, false);
        for screen in Screen::ALL {
            for (w, h) in [(80, 24), (200, 60)] {
                let view = View { screen, allow_quit: true, ..View::default() };
                let text = draw(&view, &theme, w, h);
                assert!(text.contains(&format!(" {} ", screen.title())), "title of {screen:?} missing");
                if glyphs.ascii {
                    assert!(text.is_ascii(), "{screen:?} {w}x{h} has non-ASCII in the ascii set");
                }
                let name = format!("{}_{w}x{h}_{gname}", screen.title().to_lowercase());
                insta::assert_snapshot!(name, text);
            }
        }
    }
}

#[test]
fn help_overlay_lists_the_keymap() {
    let theme = Theme::new(Glyphs::UNICODE, false);
    let view = View { screen: Screen::Network, help: true, allow_quit: false, ..View::default() };
    let text = draw(&view, &theme, 80, 24);
    for needle in ["Keys: Network", "F1-F5/1-5", "Shift-Tab", "q/Ctrl-C"] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    // With quitting disabled the footer does not offer it.
    assert!(!text.lines().last().unwrap().contains("quit"));
    insta::assert_snapshot!("help_80x24", text);
}

#[test]
fn tiny_areas_do_not_panic() {
    let theme = Theme::new(Glyphs::UNICODE, true);
    for screen in Screen::ALL {
        for (w, h) in [(0, 0), (1, 1), (0, 5), (5, 0), (2, 2), (10, 3), (20, 5)] {
            for help in [false, true] {
                let view = View { screen, help, ..View::default() };
                draw(&view, &theme, w, h);
            }
        }
    }
}

#[test]
fn linux_console_gets_only_the_basic_colours() {
    use ratatui::style::Color;
    let theme = Theme::detect(hypervisor_tui::config::GlyphChoice::Auto, Some("linux"), Some("C.UTF-8"));
    assert!(theme.basic);
    let model = sample_model();
    for screen in Screen::ALL {
        for help in [false, true] {
            let view = View { screen, help, allow_quit: true, ..View::default() };
            let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
            t.draw(|f| ui::render(&model, &view, &theme, f)).unwrap();
            for cell in t.backend().buffer().content() {
                for c in [cell.fg, cell.bg] {
                    assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?} on {screen:?}");
                }
            }
        }
    }
}

#[test]
fn logs_screen_states() {
    use hypervisor_tui::model::logs::TextMatch;
    use hypervisor_tui::view::Prompt;
    let theme = Theme::new(Glyphs::UNICODE, false);
    let mut view = View { screen: Screen::Logs, allow_quit: true, ..View::default() };
    view.logs.search = Some(TextMatch::new("session"));
    view.logs.paused = true;
    view.logs.scroll = 5;
    view.logs.wrap = true;
    let text = draw(&view, &theme, 80, 24);
    assert!(text.contains("paused"), "{text}");
    assert!(!text.contains('\u{1b}'), "escape reached the screen");
    insta::assert_snapshot!("logs_paused_wrapped_80x24", text);
    view.logs.prompt = Some(Prompt::Units { cursor: 1, selected: ["k3s.service".to_string()].into() });
    let text = draw(&view, &theme, 80, 24);
    assert!(text.contains("[x] k3s.service") && text.contains("[ ] libvirtd.service"), "{text}");
    view.logs.search_line = "fail".into();
    view.logs.prompt = Some(Prompt::Search);
    let model = sample_model();
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| ui::render(&model, &view, &theme, f)).unwrap();
    assert!(buffer_text(t.backend().buffer()).contains("/fail "));
    assert!(support::cursor_after(t.backend().buffer(), "/fail"), "the cursor cell follows the text");
}

#[test]
fn read_only_badge_and_footer_and_the_admin_countdown() {
    use hypervisor_tui::view::actions::{ActionsView, Admin};
    let theme = Theme::new(Glyphs::ASCII, false);
    let first_last = |view: &View| {
        let text = draw(view, &theme, 100, 24);
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        (lines[0].clone(), lines[lines.len() - 1].clone())
    };
    let (head, foot) = first_last(&View::default());
    assert!(head.starts_with(" [RO] "), "{head}");
    assert!(foot.contains("read-only"), "{foot}");
    let mut view = View { actions: ActionsView { enabled: true, admin: None }, ..View::default() };
    let (head, foot) = first_last(&view);
    assert!(head.starts_with(" [RO] ") && !foot.contains("read-only"), "{head}\n{foot}");
    let now = sample_model().now_unix();
    let admin = Admin { operator: "alice".into(), idle_until: now + 252, max_until: now + 800 };
    view.actions.admin = Some(admin);
    let (head, _) = first_last(&view);
    assert!(head.starts_with(" [ADMIN alice 4:12] "), "{head}");
}
