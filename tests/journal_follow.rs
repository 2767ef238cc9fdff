//! Live follow on a journal that systemd-journal-remote is still writing, across a rotation.

use hypervisor_tui::collectors::journal::live;
use hypervisor_tui::collectors::journal::reader::{Filter, Origin};
use hypervisor_tui::event::{Health, SourceId, Update};
use hypervisor_tui::model::log_buffer::LogUpdate;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `entries` entries written at 5 per second into `out`, starting at `start_usec`.
fn slow_writer(out: &Path, entries: u32, start_usec: u64, seed: u32) -> Child {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/gen_export.py");
    let gen_cmd = format!(
        "python3 {} --entries {entries} --seed {seed} --boots 1 --start-usec {start_usec} --delay 0.2 | /lib/systemd/systemd-journal-remote --output={} -",
        script.display(),
        out.display()
    );
    Command::new("sh").args(["-c", &gen_cmd]).stderr(Stdio::null()).spawn().unwrap()
}

fn messages_in(file: &Path) -> Vec<String> {
    let out = Command::new("journalctl").args(["-o", "cat", "-a", "--file"]).arg(file).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn follows_a_live_journal_across_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("system@0001.journal");
    let second = dir.path().join("system@0002.journal");
    // Something to read at start.
    assert!(slow_writer(&first, 5, 1_735_689_600_000_000, 11).wait().unwrap().success());
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let _handle =
        live::spawn(Origin::Directories(vec![dir.path().to_path_buf()]), Filter::default(), 1000, tx);
    let mut seen: Vec<String> = Vec::new();
    let mut healthy = false;
    let mut pump = |rx: &mut tokio::sync::mpsc::Receiver<Update>, until: Instant, seen: &mut Vec<String>| {
        while Instant::now() < until {
            match rx.try_recv() {
                Ok(Update::Logs(LogUpdate::Reset { lines, .. })) => {
                    *seen = lines.iter().map(|l| l.message.to_string()).collect();
                }
                Ok(Update::Logs(LogUpdate::Append(lines))) => {
                    seen.extend(lines.iter().map(|l| l.message.to_string()))
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
    let mut w = slow_writer(&first, 10, 1_735_689_700_000_000, 12);
    assert!(w.wait().unwrap().success());
    // …then the writer moves on to a new file, as journald does when it rotates.
    let mut w2 = slow_writer(&second, 10, 1_735_689_800_000_000, 13);
    assert!(w2.wait().unwrap().success());
    pump(&mut rx, Instant::now() + Duration::from_secs(3), &mut seen);
    assert!(healthy, "the journal source reported ok");
    let mut expected = messages_in(&first);
    expected.extend(messages_in(&second));
    assert_eq!(expected.len(), 25);
    assert_eq!(seen, expected, "every entry, once, in order, across the rotation");
}
