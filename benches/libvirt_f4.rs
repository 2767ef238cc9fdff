//! F4 machines / libvirt benchmark (see BENCHMARKS.md):
//! 1. one full libvirt refresh (`Tracker::list`: list + info + state + XML parse + leases)
//!    of 1,000 domains on libvirt's test driver, read-only connection;
//! 2. one frame of F4 with 10,000 guests on `TestBackend`, at 200x60 and 80x24.
//!
//! Run: `cargo bench --bench libvirt_f4` (or `make bench`). Plain timing loop, no criterion:
//! median, min and max over the rounds are printed.

#[path = "../tests/support/guests.rs"]
mod sample;

use hypervisor_tui::collectors::libvirt::refresh::Tracker;
use hypervisor_tui::event::Screen;
use hypervisor_tui::model::Model;
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use virt::connect::Connect;

/// A node XML for the test driver with `n` domains in the seven states.
fn node_xml(n: usize) -> String {
    let mut s = String::from("<node>\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\
             <name>bench-{i:04}</name><memory unit='KiB'>1048576</memory><vcpu>2</vcpu>\
             <os><type>hvm</type></os><devices>\
             <disk type='file' device='disk'><source file='/img/{i}.qcow2'/><target dev='vda'/></disk>\
             <interface type='bridge'><mac address='52:54:00:01:{:02x}:{:02x}'/><source bridge='br0'/></interface>\
             </devices><test:runstate>{}</test:runstate></domain>",
            i / 256,
            i % 256,
            1 + i % 7
        );
    }
    s + "</node>\n"
}

/// Runs `f` `rounds` times (once under `cargo test`, which runs this binary as a smoke
/// test without `--bench`); returns (median, min, max).
fn time(rounds: usize, mut f: impl FnMut()) -> (Duration, Duration, Duration) {
    let rounds = if std::env::args().any(|a| a == "--bench") { rounds } else { 1 };
    let mut v: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn report(name: &str, (med, min, max): (Duration, Duration, Duration)) {
    println!("{name:<48} median {med:>10.3?}  min {min:>10.3?}  max {max:>10.3?}");
}

fn bench_refresh() {
    virt::error::clear_error_callback();
    let dir = std::env::temp_dir().join(format!("hypervisor-tui-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("node-1000.xml");
    std::fs::write(&path, node_xml(1000)).expect("write node xml");
    let uri = format!("test://{}", path.display());
    let mut conn = Connect::open_read_only(Some(&uri)).expect("test driver opens");
    let mut tracker = Tracker::default();
    let n = tracker.list(&conn, &uri).expect("list").len();
    assert_eq!(n, 1000);
    report(
        "libvirt refresh, 1,000 test-driver domains",
        time(30, || {
            let guests = tracker.list(&conn, &uri).expect("list");
            assert_eq!(guests.len(), 1000);
        }),
    );
    let _ = conn.close();
    report(
        "libvirt open + refresh, 1,000 domains (cold)",
        time(10, || {
            let mut c = Connect::open_read_only(Some(&uri)).expect("open");
            let _ = Tracker::default().list(&c, &uri).expect("list");
            let _ = c.close();
        }),
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn bench_render() {
    let model = Model { guests: sample::guests(10_000), ..Model::default() };
    let theme = Theme::new(Glyphs::UNICODE, false);
    for (w, h) in [(200, 60), (80, 24)] {
        for detail in [false, true] {
            let mut view = View { screen: Screen::Machines, ..View::default() };
            view.machines.detail = detail;
            view.machines.selected = 5_000;
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            let name = format!("F4 frame, 10,000 guests, {w}x{h}{}", if detail { ", detail" } else { "" });
            report(
                &name,
                time(200, || {
                    t.draw(|f| ui::render(&model, &view, &theme, f)).expect("draw");
                }),
            );
        }
    }
    let mut view = View { screen: Screen::Machines, ..View::default() };
    view.machines.filter = "vm-01".into();
    let mut t = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    report(
        "F4 frame, 10,000 guests, 200x60, filter",
        time(200, || {
            t.draw(|f| ui::render(&model, &view, &theme, f)).expect("draw");
        }),
    );
}

fn main() {
    // `cargo bench` passes --bench (full rounds); `cargo test --all-targets` does not (one
    // round each). A filter argument is accepted and ignored.
    bench_refresh();
    bench_render();
}
