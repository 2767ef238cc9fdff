//! The project's journal reader (src/collectors/journal/format) beside journalctl, in
//! the same run on the same files: the newest 10,000 entries as JSON, the newest 10,000
//! of one unit, and a `-g` regex search, on a journal written by systemd-journal-remote.
//! Usage: cargo bench --bench journal_format -- DIR [ENTRIES]
//! (DIR is filled once with ENTRIES entries, default 1,500,000; without arguments, as
//! under `cargo test --all-targets`, a smoke run on 3,000 entries in a temporary directory.)

#[allow(dead_code)]
#[path = "../tests/support/journal_format.rs"]
mod support;

use hypervisor_tui::collectors::journal::format::{Journal, Matches, Search};
use hypervisor_tui::collectors::journal::json::to_json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn make_journal(dir: &Path, entries: usize) {
    if dir.join(".complete").exists() {
        return;
    }
    std::fs::create_dir_all(dir).unwrap();
    eprintln!("making a {entries}-entry journal in {} (once)…", dir.display());
    let mut export = support::Exporter::new(entries, 7, 1_735_689_600_000_000);
    let mut left = entries;
    support::write_journal_from(
        dir,
        "system",
        || {
            let piece = (left > 0).then(|| export.chunk(20_000));
            left = left.saturating_sub(20_000);
            piece
        },
        true,
        true,
    );
    std::fs::write(dir.join(".complete"), b"").unwrap();
}

/// Resets the process's peak RSS (Linux `clear_refs` 5), then reads it back later.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", b"5");
}

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Ours: open the directory, read, print JSON lines (into a discarding writer).
fn ours(dir: &Path, m: &Matches, search: Option<&str>) -> usize {
    let j = Journal::open_dirs(&[dir.to_path_buf()]);
    let s = search.map(|p| Search::new(p).unwrap());
    let entries = j.newest(10_000, m, s.as_ref());
    let mut out = std::io::BufWriter::new(std::io::sink());
    for e in &entries {
        serde_json::to_writer(&mut out, &to_json(&e.to_log_entry())).unwrap();
        out.write_all(b"\n").unwrap();
    }
    entries.len()
}

/// journalctl with the same question, output discarded; its peak RSS in MiB, measured
/// by GNU time (NaN, shown as unknown, where /usr/bin/time is missing).
fn journalctl(dir: &Path, args: &[&str]) -> f64 {
    let timed = Path::new("/usr/bin/time").exists();
    let mut cmd = if timed { Command::new("/usr/bin/time") } else { Command::new("journalctl") };
    if timed {
        cmd.args(["-f", "%M", "journalctl"]);
    }
    let out = cmd
        .arg("-D")
        .arg(dir)
        .args(["-o", "json", "-a", "-q", "--no-pager", "-n", "10000"])
        .args(args)
        .stdout(Stdio::null())
        .output()
        .expect("journalctl runs");
    let text = String::from_utf8_lossy(&out.stderr);
    text.lines().last().and_then(|l| l.trim().parse::<f64>().ok()).map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn timed(runs: usize, mut f: impl FnMut() -> f64) -> (f64, f64) {
    f(); // warms the page cache
    let mut times = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..runs {
        let t = Instant::now();
        let p = f();
        peak = if p.is_nan() || peak.is_nan() { f64::NAN } else { peak.max(p) };
        times.push(t.elapsed());
    }
    (median(times), peak)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let tmp = tempfile::tempdir().unwrap();
    let (dir, entries, runs) = match args.first() {
        Some(d) => (PathBuf::from(d), args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1_500_000), 7),
        None => (tmp.path().to_path_buf(), 3_000, 1),
    };
    make_journal(&dir, entries);
    let files = std::fs::read_dir(&dir).unwrap().flatten().filter(|e| e.path().extension().is_some()).count();
    let size: u64 =
        std::fs::read_dir(&dir).unwrap().flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum();
    println!("journal: {entries} entries, {files} files, {} MiB; median of {runs} warm runs\n", size >> 20);
    let unit = support::unit_matches(&["sshd.service"]);
    let cases: [(&str, Matches, Option<&str>, Vec<&str>); 3] = [
        ("newest 10,000 (-n 10000)", Matches::default(), None, vec![]),
        ("newest 10,000 of a unit (-u sshd.service)", unit, None, vec!["-u", "sshd.service"]),
        (
            "search (-g 'migration.of.vm4' -n 10000)",
            Matches::default(),
            Some("migration.of.vm4"),
            vec!["-g", "migration.of.vm4"],
        ),
    ];
    println!("| case | entries | format reader | peak RSS | journalctl | peak RSS | speed-up |");
    println!("|---|---|---|---|---|---|---|");
    for (name, m, search, jargs) in cases {
        let mut count = 0;
        let (t_ours, p_ours) = timed(runs, || {
            reset_peak();
            count = ours(&dir, &m, search);
            peak_mib()
        });
        let (t_jc, p_jc) = timed(runs, || journalctl(&dir, &jargs));
        let p_jc = if p_jc.is_nan() { "unknown (no /usr/bin/time)".into() } else { format!("{p_jc:.0} MiB") };
        println!(
            "| {name} | {count} | {t_ours:.1} ms | {p_ours:.0} MiB | {t_jc:.1} ms | {p_jc} | {:.1}x |",
            t_jc / t_ours
        );
    }
}
