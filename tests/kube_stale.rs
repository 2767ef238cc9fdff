//! Per-kind freshness through kube's real client: while the (fake) API server answers, every
//! watched kind stays confirmed; frozen (as by SIGSTOP: connections accepted, nothing
//! answered, no bookmarks), the header says `stale` and F2's cluster lines say
//! `as of … (N ago)`; thawed, fresh again. Bounds are generous (15 s), never timings.
#![cfg(feature = "kubernetes")]

mod support;

use hypervisor_tui::config::KubernetesConfig;
use hypervisor_tui::event::{Screen, SourceId, Update};
use hypervisor_tui::model::cluster::objects::Kind;
use hypervisor_tui::model::freshness::kind_source;
use hypervisor_tui::model::{Model, unix_now};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use std::time::{Duration, Instant};
use support::kube_api::FakeApi;
use tokio::sync::mpsc;

const BOUND: Duration = Duration::from_secs(15);

struct Console {
    model: Model,
    rx: mpsc::Receiver<Update>,
    _dir: tempfile::TempDir,
}

impl Console {
    fn start(api: &FakeApi) -> Console {
        let dir = tempfile::tempdir().unwrap();
        let cfg = KubernetesConfig {
            enabled: true,
            kubeconfig: Some(api.write_kubeconfig(dir.path())),
            node_name: Some("hv1".into()),
        };
        let (tx, rx) = mpsc::channel(256);
        tokio::spawn(hypervisor_tui::collectors::kube::run(cfg, tx));
        let mut model = Model::default();
        model.freshness.refresh_s = 1;
        Console { model, rx, _dir: dir }
    }

    /// Applies updates (stamped with the real clock, as `App::update` does) until `done`.
    async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            self.model.clock = unix_now();
            if done(&self.model) {
                return start.elapsed();
            }
            assert!(start.elapsed() < BOUND, "not within {BOUND:?}: {what}\n{}", self.screen());
            if let Ok(Some(u)) = tokio::time::timeout(Duration::from_millis(200), self.rx.recv()).await {
                self.model.clock = unix_now();
                self.model.apply(u);
            }
        }
    }

    fn screen(&self) -> String {
        let theme = Theme::new(Glyphs::UNICODE, false);
        let view = View { screen: Screen::Dashboard, allow_quit: true, ..View::default() };
        let mut t = Terminal::new(TestBackend::new(200, 50)).unwrap();
        t.draw(|f| ui::render(&self.model, &view, &theme, f)).unwrap();
        support::buffer_text(t.backend().buffer())
    }
}

/// Whether any watched kind's data is stale.
fn stale(m: &Model) -> bool {
    let now = m.now_unix();
    Kind::ALL.iter().any(|k| m.freshness.part_stale_since(kind_source(*k), k.plural(), now).is_some())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_api_server_makes_the_cluster_stale_and_a_thaw_fresh() {
    let api = FakeApi::with_fixtures();
    let mut c = Console::start(&api);
    c.until("every kind listed", |m| {
        Kind::ALL.iter().all(|k| m.cluster.synced.contains(k)) && m.health(SourceId::Kubernetes).is_ok()
    })
    .await;
    // A quiet but answering API keeps every kind confirmed past the stale bound (5 s).
    let quiet_until = Instant::now() + Duration::from_secs(8);
    while Instant::now() < quiet_until {
        if let Ok(Some(u)) = tokio::time::timeout(Duration::from_millis(500), c.rx.recv()).await {
            c.model.clock = unix_now();
            c.model.apply(u);
        }
        assert!(!stale(&c.model), "a quiet, answering cluster is not stale\n{}", c.screen());
    }

    api.freeze(true);
    let noticed = c.until("the frozen API noticed", |m| m.stale_since(SourceId::Kubernetes).is_some()).await;
    let f2 = c.screen();
    assert!(f2.contains("k8s stale"), "header word: {f2}");
    assert!(f2.contains(" as of "), "F2 cluster lines marked: {f2}");
    assert!(c.model.health(SourceId::Kubernetes).is_ok(), "the watches have not failed: stale, not down");

    api.freeze(false);
    let fresh = c.until("fresh after the thaw", |m| !stale(m)).await;
    assert!(!c.screen().contains(" as of "), "{}", c.screen());
    println!(
        "fake API frozen: stale after {:.1} s, fresh {:.1} s after the thaw",
        noticed.as_secs_f64(),
        fresh.as_secs_f64()
    );
}
