//! `logs` on the project's own journal reader, the way an SSH forced-command user meets
//! it: equal to journalctl on files systemd-journal-remote wrote, streaming in bounded
//! memory, following with inotify, stopping when the reader goes away, writing nothing
//! to the temporary directory, showing hidden characters.

use hypervisor_tui::demo::journal_export::Options;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::journal::{
    LAYOUTS, journal_with_message, json_lines, scratch_dir, spawn_writer, variant, write_journal,
};

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

type Entry = Map<String, Value>;

fn ours(args: &[&str], f: &Path) -> Vec<Entry> {
    let out = Command::new(BIN).arg("logs").args(args).args(["--json", "--file"]).arg(f).output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

fn theirs(args: &[&str], f: &Path) -> Vec<Entry> {
    let out = Command::new("journalctl")
        .args(["-o", "json", "-a"])
        .args(args)
        .arg("--file")
        .arg(f)
        .output()
        .unwrap();
    json_lines(&out.stdout)
}

/// Every field of every entry, the cursor included (the reader prints journalctl's).
fn assert_same(a: &[Entry], b: &[Entry], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: entry count");
    for (x, y) in a.iter().zip(b) {
        for k in x.keys().chain(y.keys()) {
            assert_eq!(x.get(k), y.get(k), "{what}: field {k} of entry {:?}", y.get("__CURSOR"));
        }
    }
}

#[test]
fn filters_equal_journalctl_field_by_field() {
    let cases: [&[&str]; 8] = [
        &["-n", "300"],
        &["-u", "sshd.service", "-u", "nginx.service", "-n", "500"],
        &["-u", "sshd.service"],
        &["-b", "-n", "400"],
        &["-g", "migration.of.vm4", "-n", "10000"],
        &["-g", "Started Session", "-n", "10000"],
        &["-g", "started session"],
        &["-b", "-u", "nginx.service", "-g", "GET", "-n", "50"],
    ];
    for name in ["zstd-compact", "none-regular-unkeyed", "xz-regular", "lz4-compact"] {
        let f = variant(name);
        for args in cases {
            let (a, mut b) = (ours(args, f), theirs(args, f));
            if args.contains(&"-g") && args.contains(&"-n") {
                // journalctl 252 prints `-g` with `-n` newest first (it walks back and
                // prints as it finds); `logs -n` prints oldest first, with or without `-g`.
                b.reverse();
            }
            assert!(!b.is_empty(), "{name} {args:?}: journalctl finds entries");
            assert_same(&a, &b, &format!("{name} {args:?}"));
        }
    }
}

#[test]
fn grep_case_rule_is_journalctls() {
    let f = variant("zstd-compact");
    let lower = ours(&["-g", "started session"], f);
    let upper = ours(&["-g", "STARTED SESSION"], f);
    assert!(!lower.is_empty(), "no capitals: case-insensitive");
    assert!(upper.is_empty(), "capitals: case-sensitive ({} entries)", upper.len());
}

/// `-p` counts the level parsed from the message, as F1 does: journalctl's entries and
/// those journald logged at info/notice whose message says it is worse, in journal order.
#[test]
fn priority_is_journalctls_plus_levels_in_messages() {
    let f = variant("zstd-compact");
    let a = ours(&["-p", "3", "-n", "10000"], f);
    let b = theirs(&["-p", "3", "-n", "10000"], f);
    let all = theirs(&["-n", "10000"], f);
    let cursor = |e: &Entry| e["__CURSOR"].as_str().unwrap().to_string();
    let ours_set: std::collections::HashSet<String> = a.iter().map(cursor).collect();
    assert!(b.iter().all(|e| ours_set.contains(&cursor(e))), "every entry journalctl shows");
    let wanted: std::collections::HashSet<String> = b.iter().map(cursor).collect();
    let extra: Vec<&Entry> = a.iter().filter(|e| !wanted.contains(&cursor(e))).collect();
    for e in &extra {
        let p = e["PRIORITY"].as_str().unwrap();
        assert!(p == "5" || p == "6", "an extra entry journald logged at {p}: {e:?}");
    }
    // The same order as the journal's.
    let order: Vec<String> = all.iter().map(cursor).filter(|c| ours_set.contains(c)).collect();
    assert_eq!(a.iter().map(cursor).collect::<Vec<_>>(), order);
    println!("-p 3: journalctl {} entries, logs {} ({} by their message)", b.len(), a.len(), extra.len());
}

#[test]
fn too_many_files_are_refused() {
    let f = variant("zstd-compact");
    let mut cmd = Command::new(BIN);
    cmd.args(["logs", "-n", "1"]);
    for _ in 0..65 {
        cmd.arg("--file").arg(f);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too many --file arguments (65; at most 64)"));
}

/// The same file named twice is read once, and nothing is written to TMPDIR.
#[test]
fn files_are_read_in_place_once() {
    let tmp = tempfile::tempdir().unwrap();
    let f = variant("none-compact");
    let out = Command::new(BIN)
        .args(["logs", "-n", "20000", "--json", "--file"])
        .arg(f)
        .arg("--file")
        .arg(f)
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_same(&json_lines(&out.stdout), &theirs(&["-n", "20000"], f), "--file twice");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "files left in TMPDIR: {left:?}");
}

#[test]
fn bidi_and_zero_width_are_shown_in_text_not_json() {
    let dir = tempfile::tempdir().unwrap();
    let msg = "invoice\u{202e}fdp.exe \u{2066}x\u{2069} zero\u{200b}width \u{feff}bom";
    let f = journal_with_message(dir.path(), "bidi.journal", msg.as_bytes());
    let out = Command::new(BIN).args(["logs", "--file"]).arg(&f).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("invoice<U+202E>fdp.exe <U+2066>x<U+2069> zero<U+200B>width <U+FEFF>bom"),
        "{text}"
    );
    assert!(!text.contains('\u{202e}') && !text.contains('\u{200b}'), "{text:?}");
    let json = ours(&[], &f);
    assert_eq!(json[0]["MESSAGE"], Value::String(msg.into()), "--json keeps the text as it is");
}

/// The peak RSS (VmHWM, KiB) of `logs ARGS -D dir`, read while it is still running: it
/// stops reading 2,000 lines before the end, so the child blocks on its full pipe; and
/// the number of lines it printed.
fn run_measured(args: &[&str], dir: &Path, expect: usize) -> (u64, usize) {
    let mut child =
        Command::new(BIN).arg("logs").args(args).arg("-D").arg(dir).stdout(Stdio::piped()).spawn().unwrap();
    let status = format!("/proc/{}/status", child.id());
    let (mut n, mut hwm) = (0, 0);
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        line.unwrap();
        n += 1;
        if n == expect - 2000 {
            std::thread::sleep(Duration::from_millis(300));
            let text = std::fs::read_to_string(&status).unwrap();
            let kib =
                text.lines().find_map(|l| l.strip_prefix("VmHWM:")).expect("alive, blocked on its pipe");
            hwm = kib.trim().trim_end_matches(" kB").parse().unwrap();
        }
    }
    assert!(child.wait().unwrap().success());
    (hwm, n)
}

#[test]
fn streaming_without_n_stays_bounded() {
    const ENTRIES: usize = 200_000;
    let dir = scratch_dir("logs-stream");
    let opts = Options { entries: ENTRIES, seed: 9, ..Options::default() };
    let f = write_journal(&dir.join("system.journal"), &opts, LAYOUTS[0]);
    let size = std::fs::metadata(&f).unwrap().len();
    let (json_kib, json_lines) = run_measured(&["--json"], &dir, ENTRIES);
    let (text_kib, text_lines) = run_measured(&[], &dir, ENTRIES);
    println!(
        "logs without -n over {ENTRIES} entries ({} MiB): peak RSS {} MiB (--json), {} MiB (text)",
        size >> 20,
        json_kib / 1024,
        text_kib / 1024
    );
    assert_eq!(json_lines, ENTRIES);
    assert_eq!(text_lines, ENTRIES);
    assert!(json_kib < 64 * 1024, "peak RSS {json_kib} KiB");
    assert!(text_kib < 64 * 1024, "peak RSS {text_kib} KiB");
}

fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// A second systemd-journal-remote run appends to the directory `-f` watches; with a
/// `-g` filter, only the matching new entries are printed. Nothing appears in TMPDIR.
#[test]
fn follow_prints_what_a_second_writer_appends() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.journal");
    let write = |entries: usize, seed: u64, start_usec: u64| {
        let opts = Options { entries, seed, start_usec, boots: 1, ..Options::default() };
        spawn_writer(&file, &opts, LAYOUTS[0], None).wait();
    };
    write(200, 31, 1_735_689_600_000_000);
    let mut child = Command::new(BIN)
        .args(["logs", "-f", "-n", "0", "--json", "-g", "session", "-D"])
        .arg(dir.path())
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(&mut child);
    std::thread::sleep(Duration::from_millis(500));
    write(300, 32, 1_735_776_000_000_000);
    let expected = theirs(&["-g", "session", "--since", "@1735775999"], &file);
    assert!(!expected.is_empty(), "the second run logged sessions");
    let mut got = Vec::new();
    while got.len() < expected.len() {
        got.push(rx.recv_timeout(Duration::from_secs(10)).expect("each new matching entry"));
    }
    assert!(rx.recv_timeout(Duration::from_millis(500)).is_err(), "nothing more");
    let _ = child.kill();
    let _ = child.wait();
    assert_same(&json_lines(got.join("\n").as_bytes()), &expected, "followed");
    assert!(std::fs::read_dir(tmp.path()).unwrap().next().is_none(), "TMPDIR stays empty");
}

/// `-f` on a journal directory that does not exist says so and stops, like journalctl
/// (an operator who mistyped the path learns it at once instead of watching nothing).
#[test]
fn follow_on_a_missing_directory_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/journal");
    let out = Command::new(BIN).args(["logs", "-f", "-D"]).arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no journal directory") && err.contains("does not exist"), "{err}");
}

/// `-f` with nothing being written stops soon after its reader closes the pipe.
#[test]
fn follow_exits_when_stdout_goes_away() {
    let f = variant("zstd-regular");
    let mut child = Command::new(BIN)
        .args(["logs", "-f", "-n", "3", "--file"])
        .arg(f)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let closed = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if closed.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            panic!("still running 5 s after its stdout was closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    println!("exited {:?} after the pipe closed", closed.elapsed());
    assert!(status.success(), "{status}");
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_comm = &stat[stat.rfind(')').unwrap() + 1..];
    let f: Vec<&str> = after_comm.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// `-f -g` with nothing matching and nothing written sleeps: no re-scan loop.
#[test]
fn follow_costs_no_cpu_while_idle() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { entries: 5_000, seed: 41, ..Options::default() };
    write_journal(&dir.path().join("system.journal"), &opts, LAYOUTS[0]);
    let mut child = Command::new(BIN)
        .args(["logs", "-f", "-g", "no-such-message-anywhere", "-D"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let before = cpu_ticks(child.id());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(child.id()) - before;
    let _ = child.kill();
    let _ = child.wait();
    println!("idle -f -g: {used} ticks of CPU in 2 s");
    assert!(used <= 2, "{used} clock ticks while idle");
}
