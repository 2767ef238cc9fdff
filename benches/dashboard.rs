//! F2's cost per refresh: one full /proc sample (stat, meminfo, diskstats, mounts + statvfs,
//! net/dev, tcp) plus one frame at 200x60, on this machine's real /proc; one scan of the
//! top consumers over a synthetic tree of 2,000 processes and over the real /proc; one F2
//! frame at 240x67 with full history and the top-consumers table.
//! Usage: cargo bench --bench dashboard [-- N]

use hypervisor_tui::collectors::netstat_parse::count_tcp;
use hypervisor_tui::collectors::procfs::ProcReader;
use hypervisor_tui::collectors::procs::ProcScanner;
use hypervisor_tui::collectors::sock_diag::SockDiag;
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
    // The TCP state count each sample makes (sock_diag), beside the /proc/net/tcp{,6} walk
    // it replaced (still the fallback when sock_diag is refused).
    let mut diag = SockDiag::open().expect("sock_diag");
    let tcp_diag = time20(|| {
        diag.tcp_states().expect("sock_diag dump");
    });
    let tcp_text = time20(|| {
        let mut counts = std::collections::BTreeMap::new();
        for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
            count_tcp(&std::fs::read_to_string(f).unwrap_or_default(), &mut counts);
        }
    });
    println!("| step | median of {n} |");
    println!("|---|---|");
    println!(
        "| one /proc sample (all files + statvfs of {} mounts; TCP every 10 s, below) | {:.3} ms |",
        model.host.disks.len(),
        median(sample)
    );
    println!("| one F2 frame at 200x60 ({} cores) | {:.3} ms |", model.host.cpu.cores, median(frame));
    println!("| the TCP state count in it: sock_diag (median of 20) | {:.3} ms |", median(tcp_diag));
    println!("| the same from /proc/net/tcp{{,6}} text (median of 20) | {:.3} ms |", median(tcp_text));
    procs(n);
    large_frame(n, reader, model);
}

/// A /proc-like tree of `n` processes: `PID/stat` (real-sized lines) and `PID/cmdline`,
/// one in 20 a libvirt qemu.
fn synthetic_proc(n: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for pid in 1..=n {
        let d = dir.path().join(pid.to_string());
        std::fs::create_dir(&d).expect("pid dir");
        let (comm, cmd) = if pid % 20 == 0 {
            (
                "qemu-system-x86",
                format!("/usr/bin/qemu-system-x86_64\0-name\0guest=vm-{pid},debug-threads=on\0"),
            )
        } else {
            ("kworker/u8:2-ev", format!("/usr/bin/worker-{pid}\0"))
        };
        let stat = format!(
            "{pid} ({comm}) S 1 {pid} {pid} 0 -1 4194560 {pid} 0 0 0 {} {} 0 0 20 0 1 0 {} 12345678 {} 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n",
            pid * 3,
            pid,
            1000 + pid,
            pid * 7 % 5000
        );
        std::fs::write(d.join("stat"), stat).expect("stat");
        std::fs::write(d.join("cmdline"), cmd).expect("cmdline");
    }
    dir
}

/// CPU time this thread has used (user + system): on a loaded machine, what a scan costs
/// the host, without the time spent waiting for a core.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Medians of wall time and of CPU time per scan, and the process count.
fn time_scans(scanner: &mut ProcScanner, n: usize) -> (f64, f64, usize) {
    scanner.scan();
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    let mut total = 0;
    for _ in 0..n {
        let (t, c) = (Instant::now(), thread_cpu());
        total = scanner.scan().total;
        cpu.push(thread_cpu().saturating_sub(c));
        wall.push(t.elapsed());
    }
    (median(wall), median(cpu), total)
}

fn procs(n: usize) {
    let tree = synthetic_proc(2000);
    let (wall, cpu, count) = time_scans(&mut ProcScanner::new(tree.path()), n);
    println!(
        "| one top-consumers scan, synthetic tree of {count} processes (warm) | {wall:.3} ms (CPU {cpu:.3} ms) |"
    );
    let (wall, cpu, count) = time_scans(&mut ProcScanner::new("/proc"), n);
    println!(
        "| one top-consumers scan, this machine's /proc ({count} processes) | {wall:.3} ms (CPU {cpu:.3} ms) |"
    );
}

/// One frame at 240x67 after a full history (320 samples) and a 2,000-process table.
fn large_frame(n: usize, mut reader: ProcReader, mut model: Model) {
    let tree = synthetic_proc(2000);
    let mut scanner = ProcScanner::new(tree.path());
    scanner.scan();
    for _ in 0..320 {
        model.apply(Update::Host(Box::new(reader.sample().expect("read /proc"))));
    }
    model.apply(Update::Procs(Box::new(scanner.scan())));
    let view = View { screen: Screen::Dashboard, ..View::default() };
    let theme = Theme::new(Glyphs::UNICODE, false);
    let mut term = Terminal::new(TestBackend::new(240, 67)).expect("test backend");
    let times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            term.draw(|f| ui::render(&model, &view, &theme, f)).expect("draw");
            t.elapsed()
        })
        .collect();
    println!(
        "| one F2 frame at 240x67 ({} cores, {} samples of history, {} top rows) | {:.3} ms |",
        model.host.cpu.cores,
        model.history.cpu.len(),
        model.procs.top.len(),
        median(times)
    );
}

fn time20(mut f: impl FnMut()) -> Vec<Duration> {
    (0..20)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}
