//! F1's load: the newest 10,000 entries of a journal into display lines, as the journal
//! thread does at start and on every filter change. Run by benches/journal.sh.
//! Usage: cargo bench --bench journal_tail -- DIR [N [CASE]]   (CASE: a word of the case names, e.g. `unit`)

#[path = "../tests/support/journal.rs"]
mod journal;

use hypervisor_tui::collectors::journal::reader::{Filter, JournalReader, Origin};
use hypervisor_tui::model::log_buffer::LogLine;
use hypervisor_tui::model::logs::TextMatch;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Without a journal given, a smoke run on a small one made here: the project's
/// generator piped into systemd-journal-remote (the tests' own helper), in a temporary directory.
fn small_journal(dir: &Path) -> PathBuf {
    use hypervisor_tui::demo::journal_export::Options;
    let opts = Options { entries: 20_000, seed: 7, ..Options::default() };
    journal::write_journal(&dir.join("system.journal"), &opts, journal::LAYOUTS[0])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = args.first().map_or_else(|| small_journal(tmp.path()), PathBuf::from);
    let n: usize =
        args.get(1).and_then(|s| s.parse().ok()).unwrap_or(if args.is_empty() { 1_000 } else { 10_000 });
    let origin = if dir.is_dir() { Origin::Directories(vec![dir]) } else { Origin::Files(vec![dir]) };
    let cases = [
        ("last N, no filter", Filter::default()),
        (
            "last N of one unit (sshd.service)",
            Filter { units: vec!["sshd.service".into()], ..Filter::default() },
        ),
        (
            "last N matching a text search (\"migration of vm4\")",
            Filter { text: Some(TextMatch::new("migration of vm4")), ..Filter::default() },
        ),
    ];
    println!("| case | entries | median of 5 (warm) |");
    println!("|---|---|---|");
    let only = args.get(2);
    for (name, filter) in cases.into_iter().filter(|(name, _)| only.is_none_or(|o| name.contains(o.as_str())))
    {
        let mut times = Vec::new();
        let mut count = 0;
        for i in 0..6 {
            let t = Instant::now();
            let reader = JournalReader::open(&origin).expect("open the journal");
            let lines: Vec<LogLine> = reader.tail_lines(n, &filter).expect("tail");
            count = lines.len();
            if i > 0 {
                times.push(t.elapsed()); // the first run warms the page cache
            }
        }
        println!("| {name} | {count} | {:.1} ms |", median(times).as_secs_f64() * 1000.0);
    }
}
