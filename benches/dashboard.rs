//! F2's cost per refresh: one full /proc sample (stat, meminfo, diskstats, mounts + statvfs,
//! net/dev, tcp) plus one frame at 200x60, on this machine's real /proc.
//! Usage: cargo bench --bench dashboard [-- N]

use hypervisor_tui::collectors::procfs::ProcReader;
use hypervisor_tui::event::{Screen, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(200);
    let mut reader = ProcReader::new("/proc");
    let mut model = Model::default();
    let view = View { screen: Screen::Dashboard, ..View::default() };
    let theme = Theme::new(Glyphs::UNICODE, false);
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let (mut sample, mut frame) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let t = Instant::now();
        let s = reader.sample().expect("read /proc");
        sample.push(t.elapsed());
        model.apply(Update::Host(Box::new(s)));
        let t = Instant::now();
        term.draw(|f| ui::render(&model, &view, &theme, f)).expect("draw");
        frame.push(t.elapsed());
    }
    // A fresh reader also walks /proc/net/tcp{,6}, which the collector does every 10 s only.
    let with_tcp: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            ProcReader::new("/proc").sample().expect("read /proc");
            t.elapsed()
        })
        .collect();
    println!("| step | median of {n} |");
    println!("|---|---|");
    println!(
        "| one /proc sample (all files + statvfs of {} mounts) | {:.3} ms |",
        model.host.disks.len(),
        median(sample)
    );
    println!("| one F2 frame at 200x60 ({} cores) | {:.3} ms |", model.host.cpu.cores, median(frame));
    println!(
        "| one sample with the TCP state count (every 10 s; median of 20) | {:.3} ms |",
        median(with_tcp)
    );
}
