//! `logs` against journal files written by systemd's own tools, compared with journalctl.

use hypervisor_tui::collectors::journal::reader::{self, Filter, Origin};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod support;

use support::hostile_journal;

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/journal").join(kind);
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Map<String, Value>> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| match serde_json::from_str(l).unwrap() {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        })
        .collect()
}

#[test]
fn every_variant_equals_journalctl_field_by_field() {
    let files = fixtures("variants");
    assert_eq!(files.len(), 9);
    for f in files {
        let ours =
            Command::new(BIN).args(["logs", "-n", "10000", "--json", "--file"]).arg(&f).output().unwrap();
        assert!(ours.status.success(), "{}: {}", f.display(), String::from_utf8_lossy(&ours.stderr));
        assert!(ours.stderr.is_empty(), "sdjournal, not the fallback, reads {}", f.display());
        let theirs = Command::new("journalctl")
            .args(["-o", "json", "-a", "-n", "10000", "--file"])
            .arg(&f)
            .output()
            .unwrap();
        let (a, b) = (json_lines(&ours.stdout), json_lines(&theirs.stdout));
        assert_eq!(a.len(), 10_000, "{}", f.display());
        assert_eq!(a.len(), b.len());
        let (mut multi, mut binary) = (0, 0);
        for (x, y) in a.iter().zip(&b) {
            // Every field but the cursor, whose text is reader-specific.
            for k in x.keys().chain(y.keys()).filter(|k| *k != "__CURSOR") {
                assert_eq!(
                    x.get(k),
                    y.get(k),
                    "{} field {k} of entry {:?}",
                    f.display(),
                    y.get("__REALTIME_TIMESTAMP")
                );
            }
            multi +=
                x.values().filter(|v| v.as_array().is_some_and(|a| a.iter().all(|i| !i.is_number()))).count();
            binary +=
                x.values().filter(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_number))).count();
        }
        assert!(
            multi > 0 && binary > 0,
            "{}: the fixture has multi-valued ({multi}) and binary ({binary}) fields",
            f.display()
        );
    }
}

#[test]
fn unit_filter_matches_journalctl() {
    let f = &fixtures("variants")[0];
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
fn corrupted_files_never_panic_or_hang() {
    let files = fixtures("corrupted");
    assert!(files.len() >= 600);
    let (mut read, mut refused) = (0, 0);
    for f in files {
        let (tx, rx) = std::sync::mpsc::channel();
        let path = f.clone();
        std::thread::spawn(move || {
            let r = std::panic::catch_unwind(|| {
                reader::tail(&Origin::Files(vec![path]), usize::MAX, &Filter::default())
            });
            let _ = tx.send(r.map(|r| r.map(|(v, _)| v.len())));
        });
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Ok(Ok(_))) => read += 1,
            Ok(Ok(Err(_))) => refused += 1,
            Ok(Err(_)) => panic!("panic reading {}", f.display()),
            Err(_) => panic!("hang reading {}", f.display()),
        }
    }
    eprintln!("corrupted corpus: {read} read, {refused} refused with an error");
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
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/gen_export.py");
    let write = |entries: u32, seed: u32, start: u64| {
        let cmd = format!(
            "python3 {} --entries {entries} --seed {seed} --boots 1 --start-usec {start} --delay 0.1 | /lib/systemd/systemd-journal-remote --output={} -",
            script.display(),
            file.display()
        );
        Command::new("sh").args(["-c", &cmd]).stderr(std::process::Stdio::null()).status().unwrap()
    };
    assert!(write(3, 21, 1_735_689_600_000_000).success());
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
    assert!(write(5, 22, 1_735_689_700_000_000).success());
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
    let f = fixtures("variants").into_iter().find(|p| p.ends_with("zstd-compact.journal")).unwrap();
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
