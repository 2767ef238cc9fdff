//! F2, F3 and F4 with a cluster (3 nodes, 200 pods, 50 VMIs) and without one, on
//! `TestBackend` at 80x24 and 200x60.

mod support;

use hypervisor_tui::event::{Health, Screen, SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::network::{Addr, Link, LinkKind, NetState, NetUpdate};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::MachinesView;
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use support::{buffer_text, cluster, sample_model};

fn with_cluster() -> Model {
    let mut m = sample_model();
    m.fixed_now = Some(cluster::NOW);
    for u in cluster::cluster_updates(3, 200, 50) {
        m.apply(u);
    }
    m.apply(Update::Health(
        SourceId::Kubernetes,
        Health::Ok("API server v1.31.4+k3s1 at https://127.0.0.1:6443".into()),
    ));
    m.apply(Update::Health(SourceId::Kubevirt, Health::Ok("kubevirt.io/v1 served".into())));
    m
}

fn without_cluster() -> Model {
    let mut m = sample_model();
    m.fixed_now = Some(cluster::NOW);
    let why = "no kubeconfig (/etc/rancher/k3s/k3s.yaml, /root/.kube/config) and not in a cluster";
    m.apply(Update::Health(SourceId::Kubernetes, Health::Unavailable(why.into())));
    m.apply(Update::Health(SourceId::Kubevirt, Health::Unavailable("needs Kubernetes".into())));
    m
}

fn draw(model: &Model, view: View, w: u16, h: u16) -> String {
    let theme = Theme::new(Glyphs::UNICODE, false);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(model, &view, &theme, f)).unwrap();
    buffer_text(t.backend().buffer())
}

fn screen(s: Screen) -> View {
    View { screen: s, allow_quit: true, ..View::default() }
}

#[test]
fn f2_with_and_without_a_cluster() {
    let m = with_cluster();
    let s = m.cluster.summary();
    assert_eq!((s.nodes_total, s.pods_total), (3, 200));
    for (w, h) in [(80, 24), (200, 60)] {
        let text = draw(&m, screen(Screen::Dashboard), w, h);
        assert!(text.contains(&format!("{}/3 ready", s.nodes_ready)), "{w}x{h}:\n{text}");
        assert!(text.contains("KubeVirt"), "{w}x{h}:\n{text}");
        insta::assert_snapshot!(format!("cluster_f2_{w}x{h}"), text);
    }
    let m = without_cluster();
    for (w, h) in [(80, 24), (200, 60)] {
        let text = draw(&m, screen(Screen::Dashboard), w, h);
        assert!(text.contains("no kubeconfig"), "{w}x{h}:\n{text}");
        insta::assert_snapshot!(format!("no_cluster_f2_{w}x{h}"), text);
    }
}

/// On a tall console each node has a row under the Nodes line: the one in trouble first,
/// with what is wrong, and this host marked; an 80x24 console keeps the one line.
#[test]
fn f2_node_rows_put_trouble_first() {
    let mut m = with_cluster();
    let mut hv3 = m.cluster.nodes["hv3"].clone();
    hv3.unschedulable = true;
    hv3.ready = Some(false);
    hv3.pressures = vec!["MemoryPressure".into()];
    m.cluster.nodes.insert("hv3".into(), hv3);
    let text = draw(&m, screen(Screen::Dashboard), 200, 60);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(" VMIs ") && l.contains(" pods")).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows[0].contains("hv3 ") && rows[0].contains("NotReady"), "{rows:#?}");
    assert!(rows[0].contains("cordoned") && rows[0].contains("MemoryPressure"), "{rows:#?}");
    assert!(rows[1].contains("hv1 ") && rows[1].contains("(this host)"), "{rows:#?}");
    let small = draw(&m, screen(Screen::Dashboard), 80, 24);
    assert!(!small.contains(" VMIs "), "{small}");
}

#[test]
fn f4_lists_kubevirt_guests_beside_libvirt() {
    let m = with_cluster();
    let kv = m.guests.kubevirt().len();
    assert!(kv >= 50, "{kv} KubeVirt rows");
    for (w, h) in [(80, 24), (200, 60)] {
        let text = draw(&m, screen(Screen::Machines), w, h);
        assert!(text.contains(&format!("{kv} KubeVirt")), "{w}x{h}:\n{text}");
        insta::assert_snapshot!(format!("cluster_f4_{w}x{h}"), text);
    }
    // Filtered to the migrating ones, the wide table shows where they go.
    let v = View {
        machines: MachinesView { filter: "Migrating".into(), ..MachinesView::default() },
        ..screen(Screen::Machines)
    };
    let text = draw(&m, v, 200, 60);
    assert!(text.contains("MIGRATION") && text.contains("Running"), "{text}");
    insta::assert_snapshot!("cluster_f4_migrating_200x60", text);
    // The detail pane of a KubeVirt guest: conditions and its events.
    let v = View {
        machines: MachinesView { filter: "kv/".into(), detail: true, ..MachinesView::default() },
        ..screen(Screen::Machines)
    };
    let text = draw(&m, v, 200, 60);
    assert!(text.contains("namespace") && text.contains(" VMI Ready True"), "{text}");
    insta::assert_snapshot!("cluster_f4_detail_200x60", text);
    let m = without_cluster();
    let text = draw(&m, screen(Screen::Machines), 80, 24);
    insta::assert_snapshot!("no_cluster_f4_80x24", text);
}

#[test]
fn f3_shows_kubernetes_networking() {
    let mut m = with_cluster();
    let eno1 = Link {
        index: 2,
        name: "eno1".into(),
        kind: Some(LinkKind::Physical),
        operstate: "UP".into(),
        admin_up: true,
        carrier: Some(true),
        mtu: 1500,
        ..Link::default()
    };
    let addr = Addr {
        index: 2,
        addr: "192.0.2.10".parse().unwrap(),
        prefix: 24,
        local_scope: false,
        temporary: false,
    };
    let state = NetState { links: vec![eno1], addrs: vec![addr], routes: vec![], dns: vec![] };
    m.apply(Update::Net(NetUpdate::Full(Box::new(state))));
    let text = draw(&m, screen(Screen::Network), 200, 60);
    for needle in [
        "Pod CIDR 10.42.0.0/24 (hv1 of 3 nodes)",
        "Service CIDR 10.43.0.0/16 (k3s default)",
        "CNI flannel",
        "LoadBalancer",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    insta::assert_snapshot!("cluster_f3_200x60", text);
    // At 80 columns the banner lines take a second row rather than lose their ends.
    let text = draw(&m, screen(Screen::Network), 80, 24);
    let words: Vec<&str> =
        text.split_whitespace().map(|t| t.trim_matches('│')).filter(|t| !t.is_empty()).collect();
    let words = words.join(" ");
    for needle in ["Service CIDR 10.43.0.0/16 (k3s default)", "LoadBalancer"] {
        assert!(words.contains(needle), "{needle} missing at 80x24:\n{text}");
    }
}

#[test]
fn cluster_alerts_reach_the_strip() {
    let m = with_cluster();
    let text = draw(&m, screen(Screen::Dashboard), 200, 60);
    let alerts: Vec<String> = m.alerts().into_iter().map(|a| a.text).collect();
    assert!(alerts.iter().any(|a| a.contains("crash-looping on hv1")), "{alerts:?}");
    let failed =
        alerts.iter().find(|a| a.starts_with("VMI ") && a.ends_with("failed")).expect("a VMI failed");
    // Critical first; the strip keeps its rows and counts the rest.
    assert!(text.contains(failed.as_str()), "{text}");
    assert!(text.contains(&format!("(+{} more)", alerts.len() - 3)), "{alerts:?}\n{text}");
}
