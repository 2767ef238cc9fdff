//! Journal files for the tests. Most are made at test time: the project's own generator
//! (`hypervisor_tui::demo::journal_export`) piped into systemd's own writer,
//! `systemd-journal-remote`, in every layout this systemd (252) writes. The variants it
//! cannot write (xz, lz4, systemd 254's header) are committed, xz-compressed, under
//! tests/fixtures/journal/ (its README says how they were made) and unpacked here.
#![allow(dead_code)]

use hypervisor_tui::demo::journal_export::{Options, write_stream};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::Duration;

pub const JOURNAL_REMOTE: &str = "/lib/systemd/systemd-journal-remote";

/// An on-disk layout systemd-journal-remote 252 writes, chosen with its environment.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub name: &'static str,
    /// zstd for long values, or none (`--compress=no`).
    pub compress: bool,
    /// `SYSTEMD_JOURNAL_COMPACT`: 32-bit offsets in entries and entry arrays.
    pub compact: bool,
    /// `SYSTEMD_JOURNAL_KEYED_HASH`: siphash keyed by the file id (0 = the pre-246 hash).
    pub keyed: bool,
}

const fn layout(name: &'static str, compress: bool, compact: bool, keyed: bool) -> Layout {
    Layout { name, compress, compact, keyed }
}

/// Every layout made here, the first being systemd 252's default.
pub const LAYOUTS: [Layout; 5] = [
    layout("zstd-compact", true, true, true),
    layout("zstd-regular", true, false, true),
    layout("none-compact", false, true, true),
    layout("none-regular", false, false, true),
    layout("none-regular-unkeyed", false, false, false),
];

/// A systemd-journal-remote child fed by the generator from a thread.
pub struct Writer {
    child: Child,
    feeder: JoinHandle<std::io::Result<usize>>,
}

impl Writer {
    /// Waits for both; panics with the cause when either failed.
    pub fn wait(mut self) {
        let fed = self.feeder.join().expect("the generator thread");
        let status = self.child.wait().expect("systemd-journal-remote");
        assert!(status.success(), "systemd-journal-remote: {status}");
        fed.expect("feeding systemd-journal-remote");
    }
}

/// Starts writing `opts`'s entries into the journal file `out` (appending when it exists),
/// one every `pace` when given.
pub fn spawn_writer(out: &Path, opts: &Options, layout: Layout, pace: Option<Duration>) -> Writer {
    let flag = |b: bool| if b { "1" } else { "0" };
    let mut child = Command::new(JOURNAL_REMOTE)
        .arg(format!("--output={}", out.display()))
        .arg(format!("--compress={}", if layout.compress { "yes" } else { "no" }))
        .arg("-")
        .env("SYSTEMD_JOURNAL_COMPACT", flag(layout.compact))
        .env("SYSTEMD_JOURNAL_KEYED_HASH", flag(layout.keyed))
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("systemd-journal-remote (Debian package systemd-journal-remote; `make test` installs it)");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let opts = opts.clone();
    let feeder = std::thread::spawn(move || {
        let mut out = std::io::BufWriter::new(&mut stdin);
        write_stream(&opts, &mut out, pace)
    });
    Writer { child, feeder }
}

/// Writes `opts`'s entries into the journal file `out` with `layout`.
pub fn write_journal(out: &Path, opts: &Options, layout: Layout) -> PathBuf {
    spawn_writer(out, opts, layout, None).wait();
    out.to_path_buf()
}

/// The committed variants (`tests/fixtures/journal/*.journal.xz`), unpacked into `dir`.
pub fn unpack_committed(dir: &Path) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/journal");
    let mut packed: Vec<PathBuf> = std::fs::read_dir(&src)
        .expect("tests/fixtures/journal")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".journal.xz"))
        .collect();
    packed.sort();
    packed
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().trim_end_matches(".xz").to_string();
            let mut bytes = Vec::new();
            xz2::read::XzDecoder::new(std::fs::File::open(p).unwrap()).read_to_end(&mut bytes).unwrap();
            let out = dir.join(name);
            std::fs::write(&out, bytes).unwrap();
            out
        })
        .collect()
}

/// A directory of this test binary's own under target/tmp, emptied on first use (the
/// files are remade on every run, so a changed generator never meets stale data).
pub fn scratch_dir(what: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let stem = exe.file_stem().unwrap().to_string_lossy().to_string();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{what}-{stem}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The entries every variant holds (the committed ones came from the reference
/// generator with the same count: see tests/fixtures/journal/README.md).
pub const VARIANT_ENTRIES: usize = 10_000;

/// Every journal variant, one file each: made here in each layout from the default
/// options (10,000 entries, seed 1, three boots), plus the committed xz/lz4 files.
/// Built once per test binary.
pub fn variants() -> &'static [PathBuf] {
    static FILES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = scratch_dir("journal-variants");
        let opts = Options { entries: VARIANT_ENTRIES, ..Options::default() };
        let writers: Vec<(PathBuf, Writer)> = LAYOUTS
            .iter()
            .map(|l| {
                let out = dir.join(format!("{}.journal", l.name));
                let w = spawn_writer(&out, &opts, *l, None);
                (out, w)
            })
            .collect();
        let mut files = unpack_committed(&dir);
        for (out, w) in writers {
            w.wait();
            files.push(out);
        }
        files
    })
}

/// The variant called `name` (`zstd-compact`, `xz-regular`, …).
pub fn variant(name: &str) -> &'static Path {
    let want = format!("{name}.journal");
    variants().iter().find(|p| p.file_name().is_some_and(|n| n == want.as_str())).expect("a variant")
}

/// A one-entry journal file `dir/name` whose MESSAGE is `msg`, written by
/// systemd-journal-remote from export format.
pub fn journal_with_message(dir: &Path, name: &str, msg: &[u8]) -> PathBuf {
    let mut export = Vec::new();
    export.extend_from_slice(b"__REALTIME_TIMESTAMP=1735689600000000\n__MONOTONIC_TIMESTAMP=1000\n");
    export.extend_from_slice(b"_BOOT_ID=0123456789abcdef0123456789abcdef\nSYSLOG_IDENTIFIER=t\nPRIORITY=6\n");
    export.extend_from_slice(b"MESSAGE\n");
    export.extend_from_slice(&(msg.len() as u64).to_le_bytes());
    export.extend_from_slice(msg);
    export.extend_from_slice(b"\n\n");
    let out = dir.join(name);
    let mut child = Command::new(JOURNAL_REMOTE)
        .arg(format!("--output={}", out.display()))
        .arg("-")
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("systemd-journal-remote (make test installs it)");
    std::io::Write::write_all(child.stdin.as_mut().expect("piped stdin"), &export).expect("feeding");
    drop(child.stdin.take());
    assert!(child.wait().expect("systemd-journal-remote").success());
    out
}

/// `logs --json` / `journalctl -o json` output: one JSON object a line.
pub fn json_lines(out: &[u8]) -> Vec<serde_json::Map<String, serde_json::Value>> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| match serde_json::from_str(l).unwrap() {
            serde_json::Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        })
        .collect()
}
