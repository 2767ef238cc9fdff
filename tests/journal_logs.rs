//! `logs` against journal files written by systemd's own tools, compared with journalctl.

use hypervisor_tui::collectors::journal::reader::{Filter, Origin};
use hypervisor_tui::demo::journal_export::Options;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

mod support;

use support::hostile_journal;
use support::journal::{LAYOUTS, VARIANT_ENTRIES, json_lines, spawn_writer, variant, variants};

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

#[test]
fn every_variant_equals_journalctl_field_by_field() {
    let files = variants();
    assert_eq!(files.len(), 9, "5 layouts made here, 4 committed");
    // Two files at a time: each comparison is two processes and 20,000 JSON lines.
    std::thread::scope(|s| {
        for pair in files.chunks(2) {
            let handles: Vec<_> = pair.iter().map(|f| s.spawn(move || equals_journalctl(f))).collect();
            handles.into_iter().for_each(|h| h.join().unwrap());
        }
    });
}

fn equals_journalctl(f: &Path) {
    let ours = Command::new(BIN).args(["logs", "-n", "10000", "--json", "--file"]).arg(f).output().unwrap();
    assert!(ours.status.success(), "{}: {}", f.display(), String::from_utf8_lossy(&ours.stderr));
    assert!(ours.stderr.is_empty(), "the reader refuses nothing in {}", f.display());
    let theirs = Command::new("journalctl")
        .args(["-o", "json", "-a", "-n", "10000", "--file"])
        .arg(f)
        .output()
        .unwrap();
    let (a, b) = (json_lines(&ours.stdout), json_lines(&theirs.stdout));
    assert_eq!(a.len(), VARIANT_ENTRIES, "{}", f.display());
    assert_eq!(a.len(), b.len());
    let (mut multi, mut binary) = (0, 0);
    for (x, y) in a.iter().zip(&b) {
        // Every field, the cursor included: the reader prints journalctl's.
        for k in x.keys().chain(y.keys()) {
            let when = y.get("__REALTIME_TIMESTAMP");
            assert_eq!(x.get(k), y.get(k), "{} field {k} of entry {when:?}", f.display());
        }
        multi +=
            x.values().filter(|v| v.as_array().is_some_and(|a| a.iter().all(|i| !i.is_number()))).count();
        binary += x.values().filter(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_number))).count();
    }
    assert!(
        multi > 0 && binary > 0,
        "{}: the fixture has multi-valued ({multi}) and binary ({binary}) fields",
        f.display()
    );
}

#[test]
fn unit_filter_matches_journalctl() {
    let f = variant("zstd-compact");
    let ours = Command::new(BIN)
        .args(["logs", "-u", "sshd.service", "-u", "nginx.service", "-n", "500", "--json", "--file"])
        .arg(f)
        .output()
        .unwrap();
    let theirs = Command::new("journalctl")
        .args(["-o", "json", "-a", "-n", "500", "-u", "sshd.service", "-u", "nginx.service", "--file"])
        .arg(f)
        .output()
        .unwrap();
    let (a, b) = (json_lines(&ours.stdout), json_lines(&theirs.stdout));
    assert_eq!(a.len(), 500);
    let ts = |v: &[serde_json::Map<String, Value>]| {
        v.iter().map(|m| m["__REALTIME_TIMESTAMP"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(ts(&a), ts(&b));
}

#[test]
fn escape_sequences_in_messages_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let f = hostile_journal(dir.path());
    let out = Command::new(BIN).args(["logs", "--file"]).arg(&f).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.bytes().any(|b| b == 0x1b || b == 0x07), "raw control bytes reached the output: {text:?}");
    assert!(text.contains("before ^[]0;pwned^G ^[[2J ^[[?1049l after"), "{text}");
    let json = Command::new(BIN).args(["logs", "--json", "--file"]).arg(&f).output().unwrap();
    let m = &json_lines(&json.stdout)[0];
    assert!(m["MESSAGE"].is_array(), "like journalctl, unprintable text is a byte array");
}

#[test]
fn logs_follow_prints_new_entries() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.journal");
    // A slow writer (one entry every 0.1 s), as a live journal is written.
    let write = |entries: usize, seed: u64, start_usec: u64| {
        let opts = Options { entries, seed, start_usec, boots: 1, ..Options::default() };
        spawn_writer(&file, &opts, LAYOUTS[0], Some(Duration::from_millis(100))).wait();
    };
    write(3, 21, 1_735_689_600_000_000);
    let mut child = Command::new(BIN)
        .args(["logs", "-f", "-n", "1", "--json", "-D"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(10)).expect("the newest entry first");
    write(5, 22, 1_735_689_700_000_000);
    let mut more = Vec::new();
    while more.len() < 5 {
        more.push(rx.recv_timeout(Duration::from_secs(10)).expect("each new entry"));
    }
    let _ = child.kill();
    let _ = child.wait();
    let expected = Command::new("journalctl")
        .args(["-o", "json", "-a", "-n", "6", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    let expected: Vec<String> =
        json_lines(&expected.stdout).iter().map(|m| m["MESSAGE"].to_string()).collect();
    let got: Vec<String> = std::iter::once(&first)
        .chain(&more)
        .map(|l| json_lines(l.as_bytes())[0]["MESSAGE"].to_string())
        .collect();
    assert_eq!(got, expected);
}

fn boot_id(hex: &str) -> [u8; 16] {
    let mut b = [0u8; 16];
    for (i, slot) in b.iter_mut().enumerate() {
        *slot = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap();
    }
    b
}

#[test]
fn previous_boot_matches_journalctl_list_boots() {
    use hypervisor_tui::collectors::journal::reader::JournalReader;
    let f = variant("zstd-compact").to_path_buf();
    let out =
        Command::new("journalctl").args(["--list-boots", "-o", "json", "--file"]).arg(&f).output().unwrap();
    let boots: Vec<[u8; 16]> = serde_json::from_slice::<Vec<Value>>(&out.stdout)
        .unwrap()
        .iter()
        .map(|b| boot_id(b["boot_id"].as_str().unwrap()))
        .collect();
    assert_eq!(boots.len(), 3);
    let r = JournalReader::open(&Origin::Files(vec![f])).unwrap();
    assert_eq!(r.boot_before(boots[2]).unwrap(), Some(boots[1]));
    assert_eq!(r.boot_before(boots[1]).unwrap(), Some(boots[0]));
    assert_eq!(r.boot_before(boots[0]).unwrap(), None, "nothing before the first boot");
    // F1's "previous boot" filter shows exactly that boot's last entries.
    let filter = Filter { boot_before: Some(boots[2]), ..Filter::default() };
    let lines = r.tail_lines(50, &filter).unwrap();
    assert_eq!(lines.len(), 50);
    let last = r.tail(50, &filter).unwrap();
    assert!(last.iter().all(|e| e.boot_id == boots[1]));
}
