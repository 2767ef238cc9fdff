//! Kubernetes watch traffic (see BENCHMARKS.md): on a model of a 3-node k3s cluster with
//! 50 KubeVirt VMIs (src/demo/cluster),
//! 1. the initial sync: one `Replace(Kind::Pod, 5,000 pods)`;
//! 2. 5,000 pod watch events applied one by one (`Apply` with phase, readiness and restart
//!    changes, Terminating, `Delete`s and new pods), total and per event;
//! 3. one F2 and one F4 frame of the result at 200x60 and 80x24 on `TestBackend`;
//! 4. the app's loop: the same 5,000 events with a frame drawn every 100 (redraws coalesced).
//!
//! Usage: `cargo bench --bench kube_events [-- EVENTS [PODS]]` (both 5,000 by default).
//! Plain timing loop, no criterion: median, min and max over the rounds are printed as a
//! markdown table. `cargo test --all-targets` runs this binary without `--bench`: one round
//! of each, plus the checks that the generated cluster is what the tests expect.

use hypervisor_tui::demo::cluster;

use hypervisor_tui::event::{Screen, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::cluster::objects::{Kind, Object, Pod};
use hypervisor_tui::model::cluster::{Cluster, KubeUpdate, KubevirtSummary};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use std::time::{Duration, Instant};

const NODES: usize = 3;
const VMIS: usize = 50;

struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
    rounds: usize,
}

/// Runs `setup` then times `f` on its result, `rounds` times.
fn time<S, R>(rounds: usize, mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> R) -> Stats {
    let mut v: Vec<Duration> = (0..rounds)
        .map(|_| {
            let s = setup();
            let t = Instant::now();
            let r = f(s);
            let d = t.elapsed();
            drop(r); // freeing the model is not part of the case
            d
        })
        .collect();
    v.sort();
    Stats { median: v[v.len() / 2], min: v[0], max: v[v.len() - 1], rounds }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn row(case: &str, s: &Stats) {
    println!("| {case} | {} | {} | {} | {} |", ms(s.median), ms(s.min), ms(s.max), s.rounds);
}

fn kube(u: KubeUpdate) -> Update {
    Update::Kube(Box::new(u))
}

/// Heap of the pods map, approximately: the hash table's buckets and every string and
/// vector a pod owns (allocator overhead not counted).
fn pods_heap(c: &Cluster) -> usize {
    let buckets = (c.pods.capacity() * 8 / 7).next_power_of_two();
    let table = buckets * (size_of::<(String, Pod)>() + 1);
    let owned: usize = c
        .pods
        .iter()
        .map(|(k, p)| {
            k.capacity()
                + p.namespace.capacity()
                + p.name.capacity()
                + p.node.capacity()
                + p.phase.capacity()
                + p.last_restart_times.capacity() * size_of::<i64>()
        })
        .sum();
    table + owned
}

/// The cluster the render tests use (3 nodes, 200 pods, 50 VMIs) is deterministic and
/// holds every case the generator promises; smoke-tests every generator function.
fn check_generator() {
    assert_eq!(cluster::cluster_updates(3, 200, 50), cluster::cluster_updates(3, 200, 50));
    let m = cluster::model_with_cluster(3, 200, 50);
    assert_eq!(m, cluster::model_with_cluster(3, 200, 50));
    let c = &m.cluster;
    assert_eq!(c.info, cluster::info());
    assert_eq!(c.synced.len(), Kind::ALL.len(), "every kind listed");
    let s = c.summary();
    assert_eq!((s.nodes_total, s.nodes_ready, s.pods_total), (3, 3, 200));
    assert_eq!((s.services, s.pvcs, s.pvcs_bound, s.pvcs_pending), (10, 6, 5, 1));
    for phase in ["Running", "Pending", "Succeeded", "Failed"] {
        assert!(s.pods_by_phase.get(phase).is_some_and(|n| *n > 0), "{phase}: {:?}", s.pods_by_phase);
    }
    assert!(s.system_pods > 0 && s.system_pods == s.system_pods_ready);
    assert!(c.restarts_since(cluster::NOW - 3600) > 0, "crash loops restarted within the hour");
    assert_eq!(
        c.kubevirt_summary(),
        KubevirtSummary { vms: 50, vmis: 50, running: 45, stopped: 6, migrating: 2, failed: 1, other: 2 }
    );
    assert_eq!(m.guests.kubevirt().len(), 56, "50 VMs (6 stopped) + 6 VMIs without a VM");
    let alerts: Vec<String> = c.alerts().into_iter().map(|a| a.text).collect();
    let has = |s: &str| alerts.iter().any(|a| a.contains(s));
    assert!(has("VMI vms/db-001 on hv2 failed"), "{alerts:?}");
    assert!(has("migration of vms/cache-004 (kubevirt-migrate-vm-"), "{alerts:?}");
    assert!(has("crash-looping on hv1"), "{alerts:?}");
    assert!(!c.events_of("vms", "cache-004").is_empty());
    assert_eq!(cluster::migrations(), cluster::migrations_on(3));
    let bad = cluster::nodes(3, &[2]);
    assert!(matches!(&bad[2], Object::Node(n) if n.name == "hv3" && n.ready == Some(false)));
    // Names are unique: 5,000 pods land as 5,000 keys.
    let pods = cluster::pods(5_000, 3);
    let keys: std::collections::BTreeSet<String> = pods.iter().map(Object::key).collect();
    assert_eq!(keys.len(), 5_000);
    let evs = cluster::pod_events(1_000, &pods, 3);
    assert_eq!(evs, cluster::pod_events(1_000, &pods, 3));
    assert!(evs.iter().any(|u| matches!(u, Update::Kube(k) if matches!(**k, KubeUpdate::Delete(..)))));
    let _ = (cluster::services(), cluster::pvcs(), cluster::vms(50), cluster::vmis(50, 3), cluster::events());
}

fn draw(t: &mut Terminal<TestBackend>, model: &Model, view: &View, theme: &Theme) {
    t.draw(|f| ui::render(model, view, theme, f)).expect("draw");
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let nums: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n_events = nums.first().copied().unwrap_or(5_000);
    let n_pods = nums.get(1).copied().unwrap_or(5_000);
    let rounds = |r: usize| if bench { r } else { 1 };
    check_generator();

    let theme = Theme::new(Glyphs::UNICODE, false);
    let f2 = View { screen: Screen::Dashboard, ..View::default() };
    let f4 = View { screen: Screen::Machines, ..View::default() };
    let base = cluster::model_with_cluster(NODES, 0, VMIS);
    let pods = cluster::pods(n_pods, NODES);
    let events = cluster::pod_events(n_events, &pods, NODES);
    let mut synced = base.clone();
    synced.apply(kube(KubeUpdate::Replace(Kind::Pod, pods.clone())));
    let mut after = synced.clone();
    for u in events.clone() {
        after.apply(u);
    }
    let deletes =
        events.iter().filter(|u| matches!(u, Update::Kube(k) if matches!(**k, KubeUpdate::Delete(..))));

    println!(
        "{NODES} nodes, {VMIS} VMIs, {n_pods} pods, {n_events} pod events ({} deletes); {} build",
        deletes.count(),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    println!();
    println!("| case | median | min | max | rounds |");
    println!("|---|---|---|---|---|");
    let sync = time(
        rounds(21),
        || (base.clone(), pods.clone()),
        |(mut m, p)| {
            m.apply(kube(KubeUpdate::Replace(Kind::Pod, p)));
            m
        },
    );
    row(&format!("initial sync: one Replace of {n_pods} pods"), &sync);
    let apply = time(
        rounds(11),
        || (synced.clone(), events.clone()),
        |(mut m, evs)| {
            for u in evs {
                m.apply(u);
            }
            m
        },
    );
    row(&format!("{n_events} pod events applied one by one"), &apply);
    for (screen, view) in [("F2", &f2), ("F4", &f4)] {
        for (w, h) in [(200, 60), (80, 24)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            let s = time(rounds(200), || (), |()| draw(&mut t, &after, view, &theme));
            row(&format!("{screen} frame at {w}x{h} after the events"), &s);
        }
    }
    // What every frame computes from the pods: F2's panel and the alert strip (all screens).
    let s = time(rounds(200), || (), |()| after.cluster.summary());
    row(&format!("Cluster::summary() over {} pods (F2 panel)", after.cluster.pods.len()), &s);
    let s = time(rounds(200), || (), |()| after.alerts());
    row("Model::alerts() (the alert strip, every screen)", &s);
    let mut t = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let s = time(rounds(200), || (), |()| draw(&mut t, &base, &f2, &theme));
    row("F2 frame at 200x60, same cluster without pods (reference)", &s);
    for (screen, view) in [("F2", &f2), ("F4", &f4)] {
        let mut t = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        let s = time(
            rounds(5),
            || (synced.clone(), events.clone()),
            |(mut m, evs)| {
                for (k, u) in evs.into_iter().enumerate() {
                    m.apply(u);
                    if (k + 1) % 100 == 0 {
                        draw(&mut t, &m, view, &theme);
                    }
                }
                m
            },
        );
        row(&format!("{n_events} events + one {screen} frame (200x60) every 100 events"), &s);
    }
    println!();
    let per_event = apply.median.as_secs_f64() * 1e6 / n_events.max(1) as f64;
    println!("per event (median run / {n_events}): {per_event:.3} µs");
    let c = &after.cluster;
    let s = c.summary();
    println!(
        "pods kept after the events: {} (before: {}); by phase {:?}; restarts in the last hour: {}",
        c.pods.len(),
        synced.cluster.pods.len(),
        s.pods_by_phase,
        c.restarts_since(cluster::NOW - 3600)
    );
    println!(
        "pods map heap, approximately: {:.0} KiB ({} bytes a pod)",
        pods_heap(c) as f64 / 1024.0,
        pods_heap(c) / c.pods.len().max(1)
    );
}
