//! F3 rendered on `TestBackend` from a fixed network: a hypervisor with two NICs, a bond with
//! a vlan, a bridge with VM ports, a vxlan; and 500 links to scroll through.

#[path = "support/guests.rs"]
mod sample;
mod support;

use hypervisor_tui::event::NetAction;
use hypervisor_tui::event::{Action, Screen, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::network::{Addr, Link, LinkKind, LinkStats, NetState, NetUpdate, Route};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::NetView;
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use support::{buffer_text, sample_model};

fn link(index: u32, name: &str, kind: LinkKind, master: Option<u32>) -> Link {
    Link {
        index,
        name: name.into(),
        kind: Some(kind),
        operstate: "UP".into(),
        admin_up: true,
        carrier: Some(true),
        mtu: 1500,
        mac: Some(format!("52:54:00:00:00:{index:02x}")),
        master,
        stats: Some(LinkStats {
            rx_bytes: u64::from(index) << 30,
            tx_bytes: u64::from(index) << 28,
            ..LinkStats::default()
        }),
        rx_rate: Some(1_200_000.0),
        tx_rate: Some(800_000.0),
        ..Link::default()
    }
}

fn addr(index: u32, s: &str) -> Addr {
    let (ip, p) = s.split_once('/').unwrap();
    let ip: std::net::IpAddr = ip.parse().unwrap();
    let local_scope = ip.is_loopback() || ip.to_string().starts_with("fe80");
    Addr { index, addr: ip, prefix: p.parse().unwrap(), local_scope, temporary: false }
}

fn hypervisor() -> NetState {
    let mut eno1 = link(2, "eno1", LinkKind::Physical, Some(5));
    (eno1.speed_mbps, eno1.duplex) = (Some(10_000), Some("full".into()));
    let mut eno2 = link(3, "eno2", LinkKind::Physical, Some(4));
    eno2.mtu = 9000;
    if let Some(st) = eno2.stats.as_mut() {
        (st.rx_errors, st.rx_dropped, st.tx_dropped) = (3, 12, 1);
    }
    let mut eno3 = link(11, "eno3", LinkKind::Physical, None);
    (eno3.operstate, eno3.carrier, eno3.rx_rate, eno3.tx_rate) = ("DOWN".into(), Some(false), None, None);
    let mut vnet1 = link(8, "vnet1", LinkKind::Tap, Some(5));
    vnet1.name = "vnet1\x1b[2J".into(); // hostile name: must be shown escaped
    let links = vec![
        link(1, "lo", LinkKind::Loopback, None),
        eno1,
        eno2,
        link(4, "bond0", LinkKind::Bond, Some(6)),
        link(5, "br0", LinkKind::Bridge, None),
        link(6, "br-storage", LinkKind::Bridge, None),
        link(7, "vnet0", LinkKind::Tap, Some(5)),
        vnet1,
        link(9, "vx100", LinkKind::Vxlan(100), Some(5)),
        link(10, "bond0.20", LinkKind::Vlan(20), None),
        eno3,
    ];
    let addrs = vec![
        addr(1, "127.0.0.1/8"),
        addr(5, "192.0.2.10/24"),
        addr(5, "2001:db8::10/64"),
        addr(5, "fe80::1/64"),
        addr(6, "10.0.0.50/24"),
        addr(10, "10.20.0.5/24"),
    ];
    let gw4 =
        Route { family: 4, dst: None, gateway: Some("192.0.2.1".parse().unwrap()), oif: Some(5), metric: 0 };
    let gw6 =
        Route { family: 6, dst: None, gateway: Some("fe80::1".parse().unwrap()), oif: Some(5), metric: 1024 };
    NetState { links, addrs, routes: vec![gw4, gw6], dns: vec!["192.0.2.53".into(), "2001:db8::53".into()] }
}

fn model_with(state: NetState) -> Model {
    let mut m = sample_model();
    m.network.management_urls = vec!["https://hv-01.example:9090".into()];
    m.apply(Update::Net(NetUpdate::Full(Box::new(state))));
    m
}

fn draw(model: &Model, net: NetView, ascii: bool, w: u16, h: u16) -> String {
    let theme = Theme::new(if ascii { Glyphs::ASCII } else { Glyphs::UNICODE }, false);
    let view = View { screen: Screen::Network, allow_quit: true, net, ..View::default() };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(model, &view, &theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn hypervisor_at_both_sizes() {
    let model = model_with(hypervisor());
    for (w, h) in [(80, 24), (200, 60)] {
        let text = draw(&model, NetView::default(), false, w, h);
        for needle in ["192.0.2.10", "eno1", "DNS", "vnet1^[[2J", "├─ ", "└─ ", "https://hv-01.example:9090"]
        {
            assert!(text.contains(needle), "{needle} missing at {w}x{h}:\n{text}");
        }
        assert!(!text.contains('\x1b'));
        insta::assert_snapshot!(format!("network_hypervisor_{w}x{h}"), text);
    }
    let wide = draw(&model, NetView::default(), false, 200, 60);
    assert!(wide.contains("MTU 9000 (jumbo)  err 3/0 drop 12/1"), "{wide}");
    let ascii = draw(&model, NetView::default(), true, 80, 24);
    assert!(ascii.is_ascii(), "{ascii}");
    insta::assert_snapshot!("network_hypervisor_80x24_ascii", ascii);
}

fn many(n: u32) -> NetState {
    let mut s = hypervisor();
    for i in 0..n - s.links.len() as u32 {
        let idx = 100 + i;
        s.links.push(link(idx, &format!("vnet{i}"), LinkKind::Tap, Some(5)));
        s.addrs.push(addr(idx, &format!("10.{}.{}.1/24", i / 256, i % 256)));
    }
    s
}

#[test]
fn five_hundred_links_scroll_and_filter() {
    let model = model_with(many(500));
    for (w, h) in [(80, 24), (200, 60)] {
        let top = draw(&model, NetView::default(), false, w, h);
        assert!(top.contains(" of 500"), "{top}");
        insta::assert_snapshot!(format!("network_500_top_{w}x{h}"), top);
        let mut v = NetView::default();
        v.act(NetAction::Bottom);
        let bottom = draw(&model, v, false, w, h);
        assert!(bottom.contains("500 of 500"), "{bottom}");
        insta::assert_snapshot!(format!("network_500_bottom_{w}x{h}"), bottom);
    }
    let filtered = NetView { filter: "VNET48".into(), ..NetView::default() };
    let text = draw(&model, filtered, false, 80, 24);
    // vnet48 and vnet480..488 (the generated ports end at vnet488): 10 links.
    assert!(text.contains("1-10 of 10") && text.contains("filter: VNET48"), "{text}");
    insta::assert_snapshot!("network_500_filtered_80x24", text);
}

#[test]
fn keys_scroll_and_filter_through_the_app() {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut app = hypervisor_tui::app::App::new(Theme::new(Glyphs::ASCII, false), true);
    app.act(Action::Show(Screen::Network));
    for k in [KeyCode::PageDown, KeyCode::Down, KeyCode::Char('/'), KeyCode::Char('q'), KeyCode::Enter] {
        app.update(hypervisor_tui::event::Event::Key(KeyEvent::from(k)));
    }
    assert_eq!(app.view.net.filter.text(), "q", "q typed into the filter, not quitting");
    assert!(!app.quit);
    assert_eq!(app.view.net.scroll, 0, "a new filter starts at the top");
}

#[test]
fn waiting_and_tiny_sizes() {
    let empty = sample_model();
    let text = draw(&empty, NetView::default(), false, 80, 24);
    assert!(text.contains("netlink"), "{text}");
    let model = model_with(many(500));
    for (w, h) in [(1, 1), (10, 3), (20, 5), (80, 8), (30, 24)] {
        draw(&model, NetView { scroll: usize::MAX, ..NetView::default() }, false, w, h);
    }
}

#[test]
fn vm_ports_are_named_after_their_guest() {
    let mut m = model_with(hypervisor());
    m.guests = sample::guests(2); // guest 0 (running) has target vnet0
    let text = draw(&m, NetView::default(), false, 200, 60);
    assert!(text.contains("vnet0 [vm-00000]"), "{text}");
    // Without libvirt's word, a tap port is still marked as a VM port.
    let text = draw(&model_with(hypervisor()), NetView::default(), false, 200, 60);
    assert!(text.contains("vnet0 vm"), "{text}");
}
