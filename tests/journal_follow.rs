//! Live follow on a journal that systemd-journal-remote is still writing, across a rotation.

use hypervisor_tui::collectors::journal::live;
use hypervisor_tui::collectors::journal::reader::{Filter, Origin};
use hypervisor_tui::demo::journal_export::Options;
use hypervisor_tui::event::{Health, SourceId, Update};
use hypervisor_tui::model::log_buffer::LogUpdate;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/journal.rs"]
mod journal;

use journal::{LAYOUTS, Writer, spawn_writer};

/// `entries` entries written at 5 per second into `out`, starting at `start_usec`.
fn slow_writer(out: &Path, entries: usize, start_usec: u64, seed: u64) -> Writer {
    let opts = Options { entries, seed, start_usec, boots: 1, ..Options::default() };
    spawn_writer(out, &opts, LAYOUTS[0], Some(Duration::from_millis(200)))
}

/// Each entry's `__REALTIME_TIMESTAMP`, as journalctl reads the file (unique here: the
/// generator's clock only moves forward).
fn timestamps_in(file: &Path) -> Vec<u64> {
    let out = Command::new("journalctl").args(["-o", "json", "-a", "--file"]).arg(file).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["__REALTIME_TIMESTAMP"].as_str().unwrap().parse().unwrap()
        })
        .collect()
}

#[test]
fn follows_a_live_journal_across_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("system@0001.journal");
    let second = dir.path().join("system@0002.journal");
    // Something to read at start.
    slow_writer(&first, 5, 1_735_689_600_000_000, 11).wait();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let _handle =
        live::spawn(Origin::Directories(vec![dir.path().to_path_buf()]), Filter::default(), 1000, tx);
    let mut seen: Vec<u64> = Vec::new();
    let mut healthy = false;
    let mut pump = |rx: &mut tokio::sync::mpsc::Receiver<Update>, until: Instant, seen: &mut Vec<u64>| {
        while Instant::now() < until {
            match rx.try_recv() {
                Ok(Update::Logs(LogUpdate::Reset { lines, .. })) => {
                    *seen = lines.iter().map(|l| l.realtime_usec).collect();
                }
                Ok(Update::Logs(LogUpdate::Append(lines))) => {
                    seen.extend(lines.iter().map(|l| l.realtime_usec))
                }
                Ok(Update::Health(SourceId::Journal, Health::Ok(_))) => healthy = true,
                Ok(_) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    };
    pump(&mut rx, Instant::now() + Duration::from_secs(2), &mut seen);
    assert_eq!(seen.len(), 5, "the first file's entries at start");
    // More entries into the same file while following…
    slow_writer(&first, 10, 1_735_689_700_000_000, 12).wait();
    // …then the writer moves on to a new file, as journald does when it rotates.
    slow_writer(&second, 10, 1_735_689_800_000_000, 13).wait();
    pump(&mut rx, Instant::now() + Duration::from_secs(3), &mut seen);
    assert!(healthy, "the journal source reported ok");
    let mut expected = timestamps_in(&first);
    expected.extend(timestamps_in(&second));
    assert_eq!(expected.len(), 25);
    assert_eq!(seen, expected, "every entry, once, in order, across the rotation");
}
