//! Journal files for the format reader's tests, written by systemd's own
//! `systemd-journal-remote` from a small export-format stream made here, and the
//! reader's output put side by side with `journalctl -o json -a`.

use hypervisor_tui::collectors::journal::format::{Journal, Matches, Search};
use hypervisor_tui::collectors::journal::json;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const JOURNAL_REMOTE: &str = "/lib/systemd/systemd-journal-remote";
pub const UNITS: [&str; 4] = ["nginx.service", "sshd.service", "libvirtd.service", "k3s.service"];
pub const BOOTS: [[u8; 16]; 2] = [[0x11; 16], [0x22; 16]];
/// Both boots count monotonic time from here, so files of one boot agree on its order.
pub const BOOT_EPOCH: u64 = 1_735_680_000_000_000;

/// A small deterministic generator (xorshift), so a seed names a stream.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn hex(id: &[u8; 16]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

fn field(out: &mut Vec<u8>, k: &str, v: &[u8]) {
    if v.contains(&b'\n') || v.iter().any(|b| *b < 0x20 && *b != b'\t') {
        out.extend_from_slice(k.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&(v.len() as u64).to_le_bytes());
    } else {
        out.extend_from_slice(k.as_bytes());
        out.push(b'=');
    }
    out.extend_from_slice(v);
    out.push(b'\n');
}

/// `n` entries in journald's export format: two boots, units logged by the service and
/// by PID 1, every priority, repeated and unique messages, payloads large enough to be
/// compressed, binary and multi-valued fields, kernel messages, one clock step back.
pub fn export_stream(n: usize, seed: u64, start_usec: u64) -> Vec<u8> {
    Exporter::new(n, seed, start_usec).chunk(n)
}

/// The same stream made in pieces (for journals too large to hold in memory).
pub struct Exporter {
    rng: Rng,
    n: usize,
    i: usize,
    realtime: u64,
    /// Time since the (common) boot epoch: the monotonic clock, which never steps.
    steady: u64,
}

impl Exporter {
    pub fn new(n: usize, seed: u64, start_usec: u64) -> Exporter {
        Exporter { rng: Rng(seed | 1), n, i: 0, realtime: start_usec, steady: start_usec - BOOT_EPOCH }
    }

    /// The next `count` entries (fewer at the end).
    pub fn chunk(&mut self, count: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let stop = (self.i + count).min(self.n);
        while self.i < stop {
            let i = self.i;
            let boot = if i < self.n / 2 { 0 } else { 1 };
            let step = 1 + self.rng.below(2_000_000);
            self.realtime += step;
            self.steady += step;
            if i == self.n / 3 {
                self.realtime -= 30_000_000; // the wall clock stepped back
            }
            out.extend_from_slice(format!("__REALTIME_TIMESTAMP={}\n", self.realtime).as_bytes());
            out.extend_from_slice(format!("__MONOTONIC_TIMESTAMP={}\n", self.steady).as_bytes());
            field(&mut out, "_BOOT_ID", hex(&BOOTS[boot]).as_bytes());
            entry_fields(&mut out, &mut self.rng, i);
            out.push(b'\n');
            self.i += 1;
        }
        out
    }
}

fn entry_fields(out: &mut Vec<u8>, rng: &mut Rng, i: usize) {
    let unit = UNITS[rng.below(UNITS.len() as u64) as usize];
    let kind = rng.below(10);
    let message = match rng.below(6) {
        0 => format!("Started {unit}."),
        1 => format!("migration of vm{} to hv-0{} done", rng.below(8), rng.below(3)),
        2 => format!(
            "connection from 10.0.{}.{} port {} {}",
            rng.below(4),
            rng.below(250),
            rng.below(60000),
            i
        ),
        3 => format!("BIG payload {i} {}", "lorem ipsum dolor sit amet ".repeat(40)),
        4 => format!("Failed to reach API server: timeout (attempt {})", rng.below(5)),
        _ => format!("request {i} served in {} ms", rng.below(900)),
    };
    field(out, "_HOSTNAME", b"hv-01");
    field(out, "_MACHINE_ID", b"0123456789abcdef0123456789abcdef");
    if kind == 0 {
        field(out, "_TRANSPORT", b"kernel");
        field(out, "SYSLOG_IDENTIFIER", b"kernel");
    } else if kind == 1 {
        // PID 1 talking about a unit: UNIT=, not _SYSTEMD_UNIT.
        field(out, "_PID", b"1");
        field(out, "_SYSTEMD_UNIT", b"init.scope");
        field(out, "UNIT", unit.as_bytes());
    } else {
        field(out, "_PID", format!("{}", 100 + rng.below(5000)).as_bytes());
        field(out, "_SYSTEMD_UNIT", unit.as_bytes());
        field(out, "SYSLOG_IDENTIFIER", unit.trim_end_matches(".service").as_bytes());
    }
    if rng.below(8) != 0 {
        field(out, "PRIORITY", format!("{}", rng.below(8)).as_bytes());
    }
    field(out, "MESSAGE", message.as_bytes());
    if rng.below(10) == 0 {
        field(out, "TAG", b"alpha");
        field(out, "TAG", b"beta");
    }
    if rng.below(15) == 0 {
        field(out, "BINARY", &[0x1b, b'[', b'2', b'J', 0xff, b'\n', 0]);
    }
}

/// Writes `stream` into `dir/name.journal` with systemd-journal-remote, in the layout
/// the environment asks for (compact or regular, keyed hash or not).
pub fn write_journal(dir: &Path, name: &str, stream: &[u8], compact: bool, keyed: bool) -> PathBuf {
    let mut once = Some(stream.to_vec());
    write_journal_from(dir, name, || once.take(), compact, keyed)
}

/// [`write_journal`] from a stream given in pieces (`next` returns None at the end).
pub fn write_journal_from(
    dir: &Path,
    name: &str,
    mut next: impl FnMut() -> Option<Vec<u8>>,
    compact: bool,
    keyed: bool,
) -> PathBuf {
    let out = dir.join(format!("{name}.journal"));
    let mut child = Command::new(JOURNAL_REMOTE)
        .arg(format!("--output={}", out.display()))
        .args(["--split-mode=none", "--compress=yes", "-"])
        .env("SYSTEMD_JOURNAL_COMPACT", if compact { "1" } else { "0" })
        .env("SYSTEMD_JOURNAL_KEYED_HASH", if keyed { "1" } else { "0" })
        .env("SYSTEMD_LOG_LEVEL", "err")
        .stdin(Stdio::piped())
        .spawn()
        .expect("systemd-journal-remote (Debian package systemd-journal-remote) must be installed");
    let mut stdin = child.stdin.take().unwrap();
    while let Some(piece) = next() {
        stdin.write_all(&piece).unwrap();
    }
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "systemd-journal-remote failed: {status}");
    out
}

/// `journalctl -o json -a` over `files` with extra arguments, one value per entry.
pub fn journalctl(files: &[PathBuf], args: &[&str]) -> Vec<Value> {
    let mut cmd = Command::new("journalctl");
    cmd.args(["-o", "json", "-a", "-q", "--no-pager"]);
    for f in files {
        cmd.arg("--file").arg(f);
    }
    let out = cmd.args(args).output().unwrap();
    assert!(
        out.status.success() || out.stdout.is_empty(),
        "journalctl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The reader's entries as journalctl would print them.
pub fn reader_json(files: &[PathBuf], n: Option<usize>, m: &Matches, search: Option<&Search>) -> Vec<Value> {
    let j = Journal::open_files(files);
    assert!(j.refused.is_empty(), "refused: {:?}", j.refused);
    let entries = match n {
        Some(n) => j.newest(n, m, search),
        None => j.walk(m, search, hypervisor_tui::collectors::journal::format::Direction::Forward).collect(),
    };
    entries.iter().map(|e| json::to_json(&e.to_log_entry())).collect()
}

/// Field-by-field equality, with the first difference named.
pub fn assert_same(what: &str, ours: &[Value], theirs: &[Value]) {
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(a, b, "{what}: entry {i} differs");
    }
    assert_eq!(ours.len(), theirs.len(), "{what}: entry count");
}

/// `_SYSTEMD_UNIT=u` or `UNIT=u` or `OBJECT_SYSTEMD_UNIT=u`, for any of `units`.
pub fn unit_matches(units: &[&str]) -> Matches {
    Matches::default().any(
        units
            .iter()
            .flat_map(|u| ["_SYSTEMD_UNIT", "UNIT", "OBJECT_SYSTEMD_UNIT"].map(|f| (f, u.as_bytes()))),
    )
}

/// `PRIORITY=0` … `PRIORITY=max`.
pub fn priority_matches(max: u8) -> Matches {
    const DIGITS: [&[u8]; 8] = [b"0", b"1", b"2", b"3", b"4", b"5", b"6", b"7"];
    Matches::default().any(DIGITS[..=max as usize].iter().map(|d| ("PRIORITY", *d)))
}

/// Every way of reading a file, for corrupted inputs: open, walk both ways with and
/// without matches, search, resume after a location, decode everything visited.
pub fn exercise(path: &Path) -> usize {
    use hypervisor_tui::collectors::journal::format::{Direction, Location};
    let j = Journal::open_files(&[path.to_path_buf()]);
    let mut n = 0;
    for e in j.walk(&Matches::default(), None, Direction::Forward) {
        n += e.to_log_entry().fields.len();
    }
    for e in j.newest(100, &Matches::default(), None) {
        n += e.to_line().message.len();
    }
    for e in j.walk(&priority_matches(4), None, Direction::Backward) {
        n += e.decode().payloads.len();
    }
    for e in j.walk(&unit_matches(&["nginx.service", "sshd.service"]), None, Direction::Forward) {
        n += e.cursor().len();
    }
    let s = Search::new("fail|migration").unwrap();
    for e in j.newest(50, &priority_matches(6), Some(&s)) {
        n += e.to_log_entry().fields.len();
    }
    if let Some(f) = j.files().first() {
        let loc = Location {
            realtime: Some(f.header().head_entry_realtime.saturating_add(1)),
            ..Default::default()
        };
        n += j.after(&loc, &Matches::default(), None).count();
    }
    n
}

/// Runs [`exercise`] on its own thread: Ok(true) when it finished, Ok(false) when it
/// panicked, Err when it was still running after `limit` (a hang).
pub fn exercise_bounded(path: &Path, limit: std::time::Duration) -> Result<bool, ()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let p = path.to_path_buf();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| exercise(&p));
        let _ = tx.send(r.is_ok());
    });
    rx.recv_timeout(limit).map_err(|_| ())
}
