//! F4 Machines on `TestBackend`: 0, 5 and 10,000 guests at 80x24 and 200x60, with the
//! detail pane, a filter and a sort; untrusted names never reach the terminal raw.

#[path = "support/guests.rs"]
mod sample;
mod support;

use hypervisor_tui::event::Screen;
use hypervisor_tui::model::Model;
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::MachinesView;
use hypervisor_tui::view::SortBy;
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use support::{buffer_text, sample_model};

fn model(n: usize) -> Model {
    let mut m = sample_model();
    m.guests = sample::guests(n);
    m
}

fn draw(model: &Model, machines: MachinesView, w: u16, h: u16) -> String {
    buffer_text(&draw_buffer(model, machines, w, h))
}

fn draw_buffer(model: &Model, machines: MachinesView, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let theme = Theme::new(Glyphs::UNICODE, false);
    let view = View { screen: Screen::Machines, allow_quit: true, machines, ..View::default() };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(model, &view, &theme, f)).unwrap();
    t.backend().buffer().clone()
}

#[test]
fn f4_with_0_5_and_10000_guests() {
    for n in [0, 5, 10_000] {
        let mut m = model(n);
        if n == 0 {
            // libvirt answers with no domains: "0 guests" is then the truth.
            let ok = hypervisor_tui::event::Health::Ok("0 domains".into());
            m.health.insert(hypervisor_tui::event::SourceId::Libvirt, ok);
        }
        for (w, h) in [(80, 24), (200, 60)] {
            let text = draw(&m, MachinesView::default(), w, h);
            assert!(text.contains(&format!(" {n} guests")), "{n} guests {w}x{h}:\n{text}");
            assert!(!text.contains('\x1b'), "raw escape reached the screen");
            insta::assert_snapshot!(format!("machines_{n}_guests_{w}x{h}"), text);
        }
    }
}

/// No source of guests answers: the count is unknown, not 0.
#[test]
fn f4_with_no_source_says_unknown() {
    let text = draw(&model(0), MachinesView::default(), 80, 24);
    assert!(text.contains(" ? guests") && !text.contains(" 0 guests"), "{text}");
    assert!(text.contains("Guests unknown: no source of guests answers"), "{text}");
}

#[test]
fn f4_detail_pane_filter_and_sort() {
    let m = model(5);
    // Row 0 is the hostile name (sorted first), row 2 is vm-00001.
    let v = MachinesView { detail: true, selected: 2, ..MachinesView::default() };
    let text = draw(&m, v, 200, 60);
    for needle in [
        "vm-00001",
        "crashed (panicked)",
        "52:54:00:00:00:01 bridge br0 -> vnet1 virtio",
        "/var/lib/libvirt/images/vm-00001.qcow2",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    insta::assert_snapshot!("machines_5_detail_200x60", text);

    let v = MachinesView { filter: "pause".into(), editing: true, ..MachinesView::default() };
    let buf = draw_buffer(&m, v, 80, 24);
    let text = buffer_text(&buf);
    assert!(text.contains(" 1 of 5 guests") && text.contains("filter: pause "), "{text}");
    assert!(support::cursor_after(&buf, "filter: pause"), "the cursor cell follows the filter");
    insta::assert_snapshot!("machines_5_filter_80x24", text);

    let v = MachinesView { sort: SortBy::Memory, descending: true, ..MachinesView::default() };
    let text = draw(&m, v, 80, 24);
    let row = |name: &str| text.lines().position(|l| l.starts_with(&format!("│{name}"))).unwrap();
    let (first, second) = (row("vm-00004"), row("vm-00002"));
    assert!(first < second, "memory descending:\n{text}");
}

#[test]
fn f4_tiny_areas_do_not_panic() {
    let m = model(10_000);
    for (w, h) in [(0, 0), (1, 1), (3, 3), (10, 4), (20, 6), (40, 10)] {
        for detail in [false, true] {
            draw(&m, MachinesView { detail, selected: 9_999, ..MachinesView::default() }, w, h);
        }
    }
}

/// A libvirt URI that stopped confirming (a frozen libvirtd): its guests stay, dimmed, the
/// status line says as of when, the header word is `stale` and an alert says for how long.
/// Updates drive the model as the collectors do.
#[test]
fn a_silent_libvirt_is_stale_not_live() {
    use hypervisor_tui::event::{Health, SourceId, Update};
    use hypervisor_tui::model::guests::GuestUpdate;
    let now = 1_800_000_000;
    let mut m = sample_model();
    m.fixed_now = Some(now - 60);
    m.freshness.refresh_s = 2;
    m.apply(Update::Health(SourceId::Libvirt, Health::Ok("2 URIs".into())));
    let fresh = sample::guests(4);
    for uri in fresh.uris() {
        let guests = fresh.libvirt().filter(|g| g.uri == uri).cloned().collect();
        m.apply(Update::Guests(Box::new(GuestUpdate::List { uri: uri.to_string(), guests })));
    }
    let uris: Vec<String> = m.guests.uris().map(String::from).collect();
    // The first URI keeps confirming; the second said nothing for 60 s.
    m.fixed_now = Some(now - 1);
    m.apply(Update::Confirmed(SourceId::Libvirt, Some(uris[0].clone())));
    m.fixed_now = Some(now);
    assert_eq!(m.stale_since(SourceId::Libvirt), None, "the source as a whole still answers");
    let buf = {
        let theme = Theme::new(Glyphs::UNICODE, false);
        let view = View { screen: Screen::Machines, allow_quit: true, ..View::default() };
        let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
        t.draw(|f| ui::render(&m, &view, &theme, f)).unwrap();
        t.backend().buffer().clone()
    };
    let text = buffer_text(&buf);
    let stale_uri = &uris[1];
    let marker = format!("{stale_uri} as of ");
    assert!(text.contains(&marker) && text.contains("(1m ago)"), "{text}");
    assert!(!text.contains(&format!("{} as of", uris[0])), "{text}");
    // Every row of the silent URI is dimmed, the others are not.
    let dim = Theme::new(Glyphs::UNICODE, false).dim();
    let mut seen = (0, 0);
    for y in 0..60u16 {
        let line: String = (0..200u16).map(|x| buf[(x, y)].symbol()).collect();
        if line.contains("vm-") && !line.contains(" as of ") && !line.contains("│ ") {
            let is_dim = buf[(1, y)].fg == dim.fg.unwrap_or_default();
            assert_eq!(is_dim, line.contains(stale_uri.as_str()), "row {y}: {line}");
            if is_dim { seen.0 += 1 } else { seen.1 += 1 }
        }
    }
    assert_eq!(seen, (2, 2), "two guests of each URI checked");
    // The whole source silent: the header says stale and an alert says since when.
    m.fixed_now = Some(now + 120);
    assert!(m.stale_since(SourceId::Libvirt).is_some());
    let alerts: Vec<String> = m.alerts().into_iter().map(|a| a.text).collect();
    assert!(alerts.iter().any(|a| a.starts_with("libvirt: no answer for 2m")), "{alerts:?}");
    let text = draw(&m, MachinesView::default(), 130, 40);
    assert!(text.lines().next().unwrap().contains("libvirt stale"), "{text}");
}
