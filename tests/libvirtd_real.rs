//! The libvirt source against a real libvirtd (QEMU driver, TCG guests) in its own
//! namespaces (tests/support/libvirtd.rs): what F4, F2 and `snapshot` say while the daemon
//! is healthy, frozen (SIGSTOP), killed, and back. Bounds are generous (15 s): they catch a
//! backoff grown to a minute, not a slow machine; the measured times are in BENCHMARKS.md
//! (`cargo test --test libvirtd_real -- --nocapture` prints them).
#![cfg(feature = "libvirt")]

mod support;

use hypervisor_tui::collectors::libvirt;
use hypervisor_tui::event::{Health, Screen, SourceId, Update};
use hypervisor_tui::model::{Model, unix_now};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};
use support::libvirtd::{self, Libvirtd};
use support::require::require;
use tokio::sync::mpsc;

/// Long enough that only the keepalive, the socket watch and the reconnect logic matter.
const REFRESH: Duration = Duration::from_secs(2);
const BOUND: Duration = Duration::from_secs(15);

/// A model fed by the real collector, with the real clock (as `App::update` stamps it).
struct Console {
    model: Model,
    rx: mpsc::Receiver<Update>,
}

impl Console {
    fn start(uri: &str) -> Console {
        let (tx, rx) = mpsc::channel(256);
        libvirt::spawn(vec![uri.to_string()], REFRESH, tx);
        let mut model = Model::default();
        model.freshness.refresh_s = REFRESH.as_secs();
        Console { model, rx }
    }

    fn pump(&mut self) {
        while let Ok(u) = self.rx.try_recv() {
            self.model.clock = unix_now();
            self.model.apply(u);
        }
        self.model.clock = unix_now();
    }

    /// Pumps updates until `cond` holds; how long it took.
    fn until(&mut self, what: &str, cond: impl Fn(&Model) -> bool) -> Duration {
        let start = Instant::now();
        while start.elapsed() < BOUND {
            self.pump();
            if cond(&self.model) {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "not within {BOUND:?}: {what}; libvirt {:?}\n{}",
            self.model.health(SourceId::Libvirt),
            self.screen(Screen::Machines)
        );
    }

    fn screen(&self, screen: Screen) -> String {
        let theme = Theme::new(Glyphs::UNICODE, false);
        let view = View { screen, allow_quit: true, ..View::default() };
        let mut t = Terminal::new(TestBackend::new(200, 50)).unwrap();
        t.draw(|f| ui::render(&self.model, &view, &theme, f)).unwrap();
        support::buffer_text(t.backend().buffer())
    }
}

fn running(m: &Model, name: &str) -> bool {
    m.guests.libvirt().any(|g| g.name == name && g.state.label() == "running")
}

fn snapshot(uri: &str, timeout: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, format!("[libvirt]\nuris = [{uri:?}]\n[kubernetes]\nenabled = false\n")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"));
    command.args(["--config", cfg.to_str().unwrap(), "snapshot", "--json", "--timeout", timeout]);
    let (out, v) = support::snapshot::snapshot_json(&mut command);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    v
}

#[test]
fn snapshot_of_a_real_libvirtd_healthy_frozen_and_killed() {
    if !require(libvirtd::available(), libvirtd::NEEDS) {
        return;
    }
    let mut d = Libvirtd::start();
    d.define("tiny", true);
    d.define("off1", false);
    let v = snapshot(&d.uri(), "5");
    let mut names: Vec<(String, String)> = v["guests"]
        .as_array()
        .expect("guests listed")
        .iter()
        .map(|g| (g["name"].as_str().unwrap().into(), g["state"].as_str().unwrap().into()))
        .collect();
    names.sort();
    assert_eq!(names, [("off1".to_string(), "shut off".to_string()), ("tiny".into(), "running".into())]);
    assert_eq!(v["sources"]["libvirt"]["state"], "ok");

    d.freeze();
    let v = snapshot(&d.uri(), "2");
    assert_eq!(v["guests"], Value::Null, "a frozen daemon's guests are unknown, not listed: {v}");
    assert_eq!(v["sources"]["libvirt"]["state"], "unavailable", "{v}");
    d.thaw();

    d.kill();
    let v = snapshot(&d.uri(), "5");
    assert_eq!(v["guests"], Value::Null, "{v}");
    let reason = v["sources"]["libvirt"]["reason"].as_str().unwrap();
    assert!(reason.contains(": libvirtd not running (nothing listens on "), "{reason}");
}

#[test]
fn console_through_freeze_kill_and_restart() {
    if !require(libvirtd::available(), libvirtd::NEEDS) {
        return;
    }
    let mut d = Libvirtd::start();
    d.define("tiny", true);
    d.define("off1", false);
    let mut c = Console::start(&d.uri());
    c.until("tiny listed running", |m| running(m, "tiny") && m.health(SourceId::Libvirt).is_ok());
    let f2 = c.screen(Screen::Dashboard);
    assert!(f2.contains("libvirt: 1 running  0 paused  1 stopped  0 errors"), "{f2}");

    // Frozen: noticed by the keepalive (stale, then "not answering"), never shown as live.
    d.freeze();
    let frozen = c.until("a frozen libvirtd noticed", |m| {
        m.stale_since(SourceId::Libvirt).is_some() || !m.health(SourceId::Libvirt).is_ok()
    });
    c.until("libvirtd not answering", |m| m.health(SourceId::Libvirt).reason().contains("not answering"));
    let f4 = c.screen(Screen::Machines);
    assert!(f4.contains("libvirtd not answering"), "{f4}");
    assert!(!f4.contains("1 running"), "{f4}");
    let f2 = c.screen(Screen::Dashboard);
    // No cluster either: the panel is the one line of sources without data, no counts.
    assert!(f2.contains("Guests and cluster: libvirt n/a"), "{f2}");
    assert!(!f2.contains("libvirt: 1 running"), "{f2}");
    d.thaw();
    let thawed = c.until("back after SIGCONT", |m| running(m, "tiny") && m.health(SourceId::Libvirt).is_ok());

    // Killed: unavailable with the reason in words, no counts.
    d.kill();
    let killed = c.until("a killed libvirtd noticed", |m| {
        matches!(m.health(SourceId::Libvirt), Health::Unavailable(_))
    });
    // "connection lost" first, then the reconnect attempt finds nobody listening.
    c.until("libvirtd not running", |m| {
        m.health(SourceId::Libvirt).reason().contains("libvirtd not running")
    });
    let f4 = c.screen(Screen::Machines);
    assert!(f4.contains("libvirtd not running (nothing listens on"), "{f4}");
    assert!(f4.contains("? guests"), "unknown, not 0: {f4}");
    let f2 = c.screen(Screen::Dashboard);
    assert!(f2.contains("Guests and cluster: libvirt n/a"), "{f2}");
    assert!(!f2.contains(" 0 running"), "{f2}");

    // Restarted after a while (the backoff had time to grow): fresh guests within seconds.
    std::thread::sleep(Duration::from_secs(8));
    let start = Instant::now();
    d.start_daemon();
    let accepting = start.elapsed();
    c.until("guests back after the restart", |m| running(m, "tiny") && m.health(SourceId::Libvirt).is_ok());
    let back = start.elapsed();
    println!(
        "real libvirtd: frozen noticed after {:.1} s, back {:.1} s after SIGCONT, kill noticed after {:.1} s, \
         restarted daemon answering virsh after {:.1} s, fresh guests on screen after {:.1} s",
        frozen.as_secs_f64(),
        thawed.as_secs_f64(),
        killed.as_secs_f64(),
        accepting.as_secs_f64(),
        back.as_secs_f64()
    );
}
