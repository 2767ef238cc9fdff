use super::objects::*;
use super::*;

fn node(name: &str, ready: Option<bool>) -> Object {
    Object::Node(Node {
        name: name.into(),
        ready,
        pod_cidrs: vec![format!("10.42.{}.0/24", name.len())],
        kubelet_version: "v1.31.4+k3s1".into(),
        ..Node::default()
    })
}

fn pod(ns: &str, name: &str, node: &str, phase: &str) -> Pod {
    Pod {
        namespace: ns.into(),
        name: name.into(),
        node: node.into(),
        phase: phase.into(),
        ready: phase == "Running",
        ..Pod::default()
    }
}

fn cluster() -> Cluster {
    let mut c = Cluster::default();
    c.apply(KubeUpdate::Info(ClusterInfo { node_name: "hv1".into(), ..ClusterInfo::default() }));
    c.apply(KubeUpdate::Replace(Kind::Node, vec![node("hv1", Some(true)), node("hv22", Some(false))]));
    c
}

#[test]
fn summary_counts_nodes_pods_and_this_node() {
    let mut c = cluster();
    let pods = vec![
        Object::Pod(pod("kube-system", "coredns-1", "hv1", "Running")),
        Object::Pod(pod("kube-system", "helm-install-traefik-x", "hv1", "Succeeded")),
        Object::Pod(pod("default", "web", "hv22", "Pending")),
    ];
    c.apply(KubeUpdate::Replace(Kind::Pod, pods));
    let s = c.summary();
    assert_eq!((s.nodes_total, s.nodes_ready, s.not_ready.clone()), (2, 1, vec!["hv22".to_string()]));
    assert_eq!(s.pods_total, 3);
    assert_eq!(s.node_pods_by_phase.get("Running"), Some(&1));
    assert_eq!(s.node_pods_by_phase.get("Pending"), None);
    assert_eq!((s.system_pods, s.system_pods_ready), (1, 1), "completed helm jobs are not counted");
    assert_eq!(c.pod_cidrs(), ["10.42.3.0/24", "10.42.4.0/24"], "this node's CIDR first");
    assert!(c.alerts().iter().any(|a| a.critical && a.text == "node hv22 NotReady"));
}

#[test]
fn apply_delete_and_missing() {
    let mut c = cluster();
    c.apply(KubeUpdate::Apply(Object::Pod(pod("a", "p", "hv1", "Running"))));
    assert_eq!(c.pods.len(), 1);
    c.apply(KubeUpdate::Delete(Kind::Pod, "a/p".into()));
    assert!(c.pods.is_empty());
    c.apply(KubeUpdate::Missing(Kind::Pod, "forbidden".into()));
    assert_eq!(c.missing_text(false), ["pods: forbidden"]);
    c.apply(KubeUpdate::Replace(Kind::Pod, vec![]));
    assert!(c.missing.is_empty() && c.synced.contains(&Kind::Pod));
}

#[test]
fn restarts_are_counted_from_growth_and_first_sight() {
    let mut c = cluster();
    let mut p = pod("a", "p", "hv1", "Running");
    p.restarts = 3;
    p.last_restart_times = vec![1000];
    c.apply(KubeUpdate::Replace(Kind::Pod, vec![Object::Pod(p.clone())]));
    assert_eq!(c.restarts_since(900), 1, "first sight: one per container with a recorded termination");
    p.restarts = 5;
    p.last_restart_times = vec![2000];
    c.apply(KubeUpdate::Apply(Object::Pod(p.clone())));
    assert_eq!(c.restarts_since(900), 3);
    assert_eq!(c.restarts_since(1500), 2);
    // A re-list with the same count adds nothing.
    c.apply(KubeUpdate::Replace(Kind::Pod, vec![Object::Pod(p)]));
    assert_eq!(c.restarts_since(0), 3);
}

#[test]
fn crash_loops_on_this_node_alert() {
    let mut c = cluster();
    let mut p = pod("default", "bad", "hv1", "Running");
    p.crash_looping = true;
    let mut elsewhere = pod("default", "other", "hv22", "Running");
    elsewhere.crash_looping = true;
    c.apply(KubeUpdate::Replace(Kind::Pod, vec![Object::Pod(p), Object::Pod(elsewhere)]));
    let texts: Vec<String> = c.alerts().into_iter().map(|a| a.text).collect();
    assert!(texts.contains(&"1 pod(s) crash-looping on hv1: default/bad".to_string()), "{texts:?}");
}

fn vm(name: &str, status: &str) -> Object {
    Object::Vm(Vm {
        namespace: "vms".into(),
        name: name.into(),
        uid: format!("uid-{name}"),
        status: status.into(),
        vcpus: 2,
        memory_bytes: 2 << 30,
        ..Vm::default()
    })
}

fn vmi(name: &str, phase: &str, node: &str) -> Vmi {
    Vmi {
        namespace: "vms".into(),
        name: name.into(),
        phase: phase.into(),
        node: node.into(),
        vcpus: 4,
        memory_bytes: 4 << 30,
        has_vm: true,
        ..Vmi::default()
    }
}

#[test]
fn guest_rows_join_vms_and_vmis() {
    let mut c = cluster();
    assert!(c.apply(KubeUpdate::Replace(
        Kind::Vm,
        vec![vm("a", "Running"), vm("b", "Stopped"), vm("c", "Migrating")]
    )));
    let mut migrating = vmi("c", "Running", "hv1");
    migrating.migration = Some(MigrationState {
        source_node: "hv1".into(),
        target_node: "hv22".into(),
        start_unix: Some(5),
        ..Default::default()
    });
    let standalone = Vmi { has_vm: false, ..vmi("solo", "Failed", "hv22") };
    c.apply(KubeUpdate::Replace(
        Kind::Vmi,
        vec![Object::Vmi(vmi("a", "Running", "hv1")), Object::Vmi(migrating), Object::Vmi(standalone)],
    ));
    let rows = c.guest_rows();
    let names: Vec<&str> = rows.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "solo"]);
    assert_eq!((rows[0].vcpus, rows[0].node()), (4, "hv1"), "the instance's live figures win");
    assert_eq!((rows[1].vcpus, rows[1].state), (2, crate::model::guests::GuestState::Shutoff));
    let m = rows[2].kubevirt.as_ref().and_then(|k| k.migration.clone()).expect("migration");
    assert!(m.in_progress && m.target_node == "hv22");
    assert_eq!(rows[3].state, crate::model::guests::GuestState::Crashed);
    let s = c.kubevirt_summary();
    assert_eq!((s.running, s.stopped, s.migrating, s.failed), (1, 1, 1, 1));
    assert!(c.alerts().iter().any(|a| a.text == "VMI vms/solo on hv22 failed"));
}

#[test]
fn the_newest_failed_migration_alerts_and_a_later_success_clears_it() {
    let mut c = cluster();
    let m = |name: &str, phase: &str, created: i64| {
        Object::Migration(Migration {
            namespace: "vms".into(),
            name: name.into(),
            vmi: "a".into(),
            phase: phase.into(),
            created_unix: Some(created),
            ..Migration::default()
        })
    };
    c.apply(KubeUpdate::Replace(Kind::Migration, vec![m("m1", "Failed", 10)]));
    assert!(c.alerts().iter().any(|a| a.text == "migration of vms/a (m1) failed"));
    c.apply(KubeUpdate::Apply(m("m2", "Succeeded", 20)));
    assert!(!c.alerts().iter().any(|a| a.text.contains("migration")));
}

#[test]
fn service_cidr_sources() {
    let mut c = cluster();
    assert_eq!(c.service_cidr(), None);
    let svc = Service {
        namespace: "default".into(),
        name: "kubernetes".into(),
        kind: "ClusterIP".into(),
        cluster_ip: "10.43.0.1".into(),
    };
    c.apply(KubeUpdate::Apply(Object::Service(svc)));
    assert_eq!(c.service_cidr(), Some(("10.43.0.0/16".into(), "k3s default")));
    c.info.service_cidr = Some("10.96.0.0/12".into());
    assert_eq!(c.service_cidr(), Some(("10.96.0.0/12".into(), "k3s config")));
}

#[test]
fn events_are_bounded_and_found_by_object() {
    let mut c = cluster();
    for i in 0..EVENT_CAPACITY + 5 {
        c.apply(KubeUpdate::Apply(Object::Event(KEvent {
            namespace: "vms".into(),
            name: format!("e{i}"),
            object_name: if i % 2 == 0 { "a".into() } else { "b".into() },
            last_unix: i as i64,
            ..KEvent::default()
        })));
    }
    assert_eq!(c.events.len(), EVENT_CAPACITY);
    let a = c.events_of("vms", "a");
    assert_eq!(a.first().map(|e| e.last_unix), Some(EVENT_CAPACITY as i64 + 4));
    assert!(a.iter().all(|e| e.last_unix >= 5), "the oldest went first");
}
