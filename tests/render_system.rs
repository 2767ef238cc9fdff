//! F5's host-fact panels drawn alone (the F5 frame around them is another file's) on
//! TestBackend, at the sizes the F5 body gives them, in both glyph sets.

mod support;

use hypervisor_tui::model::Model;
use hypervisor_tui::model::system::SystemFacts;
use hypervisor_tui::ui::screens::system_facts;
use hypervisor_tui::ui::theme::{Glyphs, Theme};
use ratatui::{Terminal, backend::TestBackend};
use support::buffer_text;
use support::system::{plain_facts, troubled_facts};

fn draw(facts: &SystemFacts, glyphs: Glyphs, w: u16, h: u16) -> String {
    hypervisor_tui::timefmt::set_zone(hypervisor_tui::timefmt::zone_named("UTC").unwrap());
    let model = Model { system: facts.clone(), fixed_now: Some(1_735_689_600), ..Model::default() };
    let theme = Theme::new(glyphs, false);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| system_facts::render(&model, &theme, f, f.area())).unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn panels_at_each_size_in_both_glyph_sets() {
    for (facts, fname) in [(troubled_facts(), "troubled"), (plain_facts(), "plain")] {
        for (glyphs, gname) in [(Glyphs::UNICODE, "unicode"), (Glyphs::ASCII, "ascii")] {
            for (w, h) in [(80, 10), (120, 20), (200, 30)] {
                let text = draw(&facts, glyphs, w, h);
                if glyphs.ascii {
                    assert!(text.is_ascii(), "{fname} {w}x{h} has non-ASCII in the ascii set:\n{text}");
                }
                insta::assert_snapshot!(format!("system_facts_{fname}_{w}x{h}_{gname}"), text);
            }
        }
    }
}

#[test]
fn the_compact_block_still_names_every_problem() {
    let text = draw(&troubled_facts(), Glyphs::UNICODE, 80, 10);
    for needle in [
        "reboot needed: kernel 6.12.58 → 6.12.60",
        "NOT synchronised",
        "md0",
        "DEGRADED",
        "97.0 °C",
        "1 uncorrected",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let text = draw(&plain_facts(), Glyphs::ASCII, 80, 10);
    assert!(text.contains("not NixOS") && text.contains("no EDAC driver loaded"), "{text}");
}

#[test]
fn tiny_areas_do_not_panic() {
    for (w, h) in [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (20, 5), (99, 13), (100, 14)] {
        draw(&troubled_facts(), Glyphs::UNICODE, w, h);
    }
}
