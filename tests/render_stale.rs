//! What the header, F2 and F4 say when a source has gone quiet (stale: last-known data with
//! its age) or away (unavailable: no counts, a `?` and why), at 80x24 and 120x40. Time is
//! injected (`Model::fixed_now` moved forward between updates): no sleeps.

#[path = "support/guests.rs"]
mod guests;
mod support;

use hypervisor_tui::event::{Health, Screen, SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::cluster::KubeUpdate;
use hypervisor_tui::model::cluster::objects::Kind;
use hypervisor_tui::model::guests::GuestUpdate;
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use support::{buffer_text, cluster, sample_host};

/// When the sources last answered (11:59:23 UTC).
const T0: i64 = cluster::NOW - 37;
/// The stale bound at `refresh_interval = 2` is 6 s; this is 37 s later (the synthetic
/// cluster's own "now").
const LATER: i64 = cluster::NOW;

fn at(m: &mut Model, t: i64, u: Update) {
    m.fixed_now = Some(t);
    m.apply(u);
}

/// Every source answered at `T0`: host, two libvirt URIs, the whole cluster.
fn answered_at_t0() -> Model {
    let mut m = Model::default();
    m.freshness.refresh_s = 2;
    at(&mut m, T0, Update::Host(Box::new(sample_host(4))));
    for (id, h) in [
        (SourceId::Journal, Health::Ok("12 files in /var/log/journal".into())),
        (SourceId::Procfs, Health::Ok("4 cores".into())),
        (SourceId::Netlink, Health::Ok("7 links".into())),
        (SourceId::Libvirt, Health::Ok("2 URIs".into())),
        (SourceId::Kubernetes, Health::Ok("API server v1.31.4+k3s1".into())),
        (SourceId::Kubevirt, Health::Ok("kubevirt.io/v1 served".into())),
    ] {
        at(&mut m, T0, Update::Health(id, h));
    }
    for (k, uri) in URIS.into_iter().enumerate() {
        let list = (0..6).filter(|i| i % 2 == k).map(guests::guest).collect();
        at(&mut m, T0, Update::Guests(Box::new(GuestUpdate::List { uri: uri.into(), guests: list })));
    }
    for u in cluster::cluster_updates(3, 40, 4) {
        at(&mut m, T0, u);
    }
    m
}

/// 37 s later: the host and one libvirt URI confirmed since, the other URI and the whole
/// cluster silent while their connections stay open (frozen daemon, frozen API server).
fn stale() -> Model {
    let mut m = answered_at_t0();
    at(&mut m, LATER - 1, Update::Host(Box::new(sample_host(4))));
    at(&mut m, LATER - 1, Update::Confirmed(SourceId::Libvirt, Some("qemu:///system".into())));
    m.fixed_now = Some(LATER);
    m
}

/// libvirtd went away 30 s ago; the token may not list pods or PVCs; services never
/// answered; the host is live.
fn unavailable() -> Model {
    let mut m = answered_at_t0();
    for uri in URIS {
        let reason = "libvirtd not running (no socket at /run/libvirt/libvirt-sock-ro)".to_string();
        at(&mut m, LATER - 30, Update::Guests(Box::new(GuestUpdate::Down { uri: uri.into(), reason })));
    }
    let why = "qemu:///system: libvirtd not running (no socket at /run/libvirt/libvirt-sock-ro)";
    at(&mut m, LATER - 30, Update::Health(SourceId::Libvirt, Health::Unavailable(why.into())));
    for kind in [Kind::Pod, Kind::Pvc] {
        let why = format!("forbidden: {} (RBAC)", kind.plural());
        at(&mut m, LATER - 20, Update::Kube(Box::new(KubeUpdate::Missing(kind, why))));
    }
    m.cluster.synced.remove(&Kind::Service);
    for kind in Kind::ALL {
        let part = Some(kind.plural().to_string());
        let id = hypervisor_tui::model::freshness::kind_source(kind);
        at(&mut m, LATER - 1, Update::Confirmed(id, part));
    }
    at(&mut m, LATER - 1, Update::Host(Box::new(sample_host(4))));
    m.fixed_now = Some(LATER);
    m
}

fn draw(model: &Model, screen: Screen, w: u16, h: u16) -> String {
    let theme = Theme::new(Glyphs::UNICODE, false);
    let view = View { screen, allow_quit: true, ..View::default() };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(model, &view, &theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

/// The URIs of `support::guests`: even guests on the first, odd on the second.
const URIS: [&str; 2] = ["qemu:///system", "qemu+ssh://hv-02/system"];

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// On a tall F2 the node rows of a silent API server are dimmed under the Nodes line that
/// says their age; live, they are not.
#[test]
fn stale_node_rows_are_dimmed_under_their_age() {
    let dim = Theme::new(Glyphs::UNICODE, false).dim().fg;
    for (m, stale) in [(stale(), true), (answered_at_t0(), false)] {
        let theme = Theme::new(Glyphs::UNICODE, false);
        let view = View { screen: Screen::Dashboard, allow_quit: true, ..View::default() };
        let mut t = Terminal::new(TestBackend::new(200, 60)).unwrap();
        t.draw(|f| ui::render(&m, &view, &theme, f)).unwrap();
        let text = buffer_text(t.backend().buffer());
        let (y, line) = text.lines().enumerate().find(|(_, l)| l.contains(" VMIs ")).expect("a node row");
        // The column of " pods" in the row (in characters: the borders are multi-byte).
        let x = line[..line.find(" pods").unwrap()].chars().count() + 1;
        let cell = &t.backend().buffer()[(x as u16, y as u16)];
        assert_eq!(cell.fg == dim.unwrap(), stale, "stale {stale}: {line}");
        assert_eq!(text.contains("as of 11:59:23 (37s ago)"), stale, "{text}");
    }
}

#[test]
fn stale_sources_are_marked_with_their_age_never_drawn_as_live() {
    let m = stale();
    assert!(m.stale_since(SourceId::Kubernetes).is_some() && m.stale_since(SourceId::Libvirt).is_none());
    for (w, h) in SIZES {
        let f2 = draw(&m, Screen::Dashboard, w, h);
        let header = f2.lines().next().unwrap();
        assert!(header.contains("k8s") && header.contains("stale"), "{w}x{h}: {header}");
        if h >= 40 {
            assert!(f2.contains("as of 11:59:23 (37s ago)"), "{w}x{h}:\n{f2}");
        }
        insta::assert_snapshot!(format!("stale_f2_{w}x{h}"), f2);
        let f4 = draw(&m, Screen::Machines, w, h);
        assert!(f4.contains("AGE"), "the stale rows' age column: {w}x{h}\n{f4}");
        let hv2 = f4.lines().find(|l| l.starts_with("│vm-00001")).unwrap();
        assert!(hv2.contains("37s"), "a row of the silent URI says how old it is: {hv2}");
        if w >= 120 {
            // SOURCE, the last column below 150, takes the room the others leave.
            assert!(hv2.contains("qemu+ssh://hv-02/system "), "the whole URI: {hv2}");
        }
        let live = f4.lines().find(|l| l.starts_with("│vm-00000")).unwrap();
        assert!(!live.contains("37s"), "a row of the answering URI has no age: {live}");
        insta::assert_snapshot!(format!("stale_f4_{w}x{h}"), f4);
    }
}

#[test]
fn unavailable_sources_and_unreadable_kinds_are_question_marks_never_zero() {
    let m = unavailable();
    for (w, h) in SIZES {
        let f2 = draw(&m, Screen::Dashboard, w, h);
        let header = f2.lines().next().unwrap();
        assert!(!header.contains("stale"), "{w}x{h}: {header}");
        assert!(header.contains("n/a"), "libvirt unavailable in the header: {header}");
        if h >= 40 {
            assert!(f2.contains("libvirt unavailable since 11:59:30"), "{w}x{h}:\n{f2}");
            assert!(f2.contains("Pods     ? (forbidden)"), "{w}x{h}:\n{f2}");
            assert!(f2.contains("Services ? (starting)  PVCs ? (forbidden)"), "{w}x{h}:\n{f2}");
            assert!(!f2.contains(" 0 running") && !f2.contains("0/0 bound"), "{w}x{h}:\n{f2}");
        }
        // A long last alert is cut with a marker before the count of those not shown, not through it.
        assert!(f2.lines().nth(3).is_some_and(|l| l.contains("…  (+2 more)")), "{w}x{h}:\n{f2}");
        insta::assert_snapshot!(format!("unavailable_f2_{w}x{h}"), f2);
        let f4 = draw(&m, Screen::Machines, w, h);
        assert!(f4.contains(" ? guests (5 KubeVirt, libvirt ?)"), "{w}x{h}:\n{f4}");
        // The status line wraps: the down URI's cause is read whole, even at 80 columns.
        let words: Vec<&str> =
            f4.split_whitespace().map(|t| t.trim_matches('│')).filter(|t| !t.is_empty()).collect();
        let cause = "qemu+ssh://hv-02/system: unavailable: libvirtd not running \
                     (no socket at /run/libvirt/libvirt-sock-ro)";
        assert!(words.join(" ").contains(cause), "{w}x{h}:\n{f4}");
        assert!(!f4.contains("vm-0000"), "no libvirt rows from a daemon that is gone:\n{f4}");
        insta::assert_snapshot!(format!("unavailable_f4_{w}x{h}"), f4);
    }
}

#[test]
fn the_header_says_a_source_is_not_built_in() {
    let mut m = answered_at_t0();
    let not_built = Health::Disabled("not built in (cargo feature \"libvirt\")".into());
    at(&mut m, T0, Update::Health(SourceId::Libvirt, not_built));
    at(&mut m, T0, Update::Health(SourceId::Journal, Health::Disabled("journal = false".into())));
    for (w, h) in SIZES {
        let header = draw(&m, Screen::Dashboard, w, h).lines().next().unwrap().to_string();
        assert!(header.contains("not built"), "{w}x{h}: {header}");
        assert!(header.contains("off"), "switched off in the config is still `off`: {header}");
    }
}
