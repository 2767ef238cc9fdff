//! Reading the journal: sdjournal first; for files it refuses, journalctl in a
//! child process (a crash there cannot take the console down).

use super::json;
use crate::model::log_buffer::LogLine;
use crate::model::logs::{Fields, LogEntry, hex16};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Where the entries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Journal directories (the host's, or one from the config or `--directory`).
    Directories(Vec<PathBuf>),
    /// Single journal files (`--file`).
    Files(Vec<PathBuf>),
}

pub use crate::model::log_filter::Filter;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Journal(#[from] sdjournal::SdJournalError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("journalctl fallback failed: {0}")]
    Fallback(String),
    #[error("no journal directory: {0} does not exist")]
    NoDirectory(String),
}

/// A private directory of hard links (or copies) to `--file` arguments: sdjournal opens
/// directories only. Removed on drop.
struct LinkDir(PathBuf);

impl LinkDir {
    fn new(files: &[PathBuf]) -> std::io::Result<LinkDir> {
        let dir = std::env::temp_dir().join(format!("hypervisor-tui-{}-{}", std::process::id(), unique()));
        std::fs::create_dir(&dir)?;
        let me = LinkDir(dir);
        for (i, f) in files.iter().enumerate() {
            let target = me.0.join(format!("{i}.journal"));
            if std::fs::hard_link(f, &target).is_err() {
                std::fs::copy(f, &target)?;
            }
        }
        Ok(me)
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

impl Drop for LinkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An open journal.
pub struct JournalReader {
    journal: sdjournal::Journal,
    _links: Option<LinkDir>,
}

impl Fields for sdjournal::EntryRef {
    fn field(&self, name: &str) -> Option<&[u8]> {
        self.get(name)
    }

    fn boot(&self) -> [u8; 16] {
        self.boot_id()
    }
}

fn cursor_of(e: &sdjournal::EntryRef) -> String {
    e.cursor().map(|c| c.to_string()).unwrap_or_default()
}

/// F1's display line straight from the reader's entry.
pub fn to_line(e: &sdjournal::EntryRef) -> LogLine {
    LogLine::from_fields(e, cursor_of(e), e.realtime_usec())
}

pub fn to_entry(e: &sdjournal::EntryRef) -> LogEntry {
    LogEntry {
        cursor: cursor_of(e),
        boot_id: e.boot_id(),
        realtime_usec: e.realtime_usec(),
        monotonic_usec: e.monotonic_usec(),
        fields: e.iter_fields().map(|(k, v)| (k.into(), v.into())).collect(),
    }
}

impl JournalReader {
    pub fn open(origin: &Origin) -> Result<JournalReader, ReadError> {
        // Live follow waits on inotify; this is only the safety-net re-check.
        let config =
            sdjournal::JournalConfig { poll_interval: Duration::from_millis(250), ..Default::default() };
        match origin {
            Origin::Directories(dirs) => {
                let existing: Vec<PathBuf> = dirs.iter().filter(|d| d.is_dir()).cloned().collect();
                if existing.is_empty() {
                    // sdjournal would say "open_dirs requires at least one path".
                    let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                    return Err(ReadError::NoDirectory(shown.join(", ")));
                }
                let journal = sdjournal::Journal::open_dirs_with_config(&existing, config)?;
                Ok(JournalReader { journal, _links: None })
            }
            Origin::Files(files) => {
                let links = LinkDir::new(files)?;
                let journal = sdjournal::Journal::open_dir_with_config(&links.0, config)?;
                Ok(JournalReader { journal, _links: Some(links) })
            }
        }
    }

    /// The boot that logged last before `boot`'s first entry.
    pub fn boot_before(&self, boot: [u8; 16]) -> Result<Option<[u8; 16]>, ReadError> {
        let mut first = self.journal.query();
        first.match_exact("_BOOT_ID", hex16(&boot).as_bytes()).seek_head().limit(1);
        let Some(start) = first.iter()?.next().transpose()?.map(|e| e.realtime_usec()) else {
            return Ok(None);
        };
        let mut before = self.journal.query();
        before.until_realtime(start.saturating_sub(1)).seek_tail().reverse(true).limit(1);
        Ok(before.iter()?.next().transpose()?.map(|e| e.boot_id()).filter(|b| *b != boot))
    }

    /// `filter` with a "boot before" turned into the boot id it names.
    fn resolved(&self, filter: &Filter) -> Result<Filter, ReadError> {
        let mut f = filter.clone();
        if let Some(b) = f.boot_before.take() {
            // No earlier boot: an id no entry has, so nothing shows rather than everything.
            f.boot_id = Some(self.boot_before(b)?.unwrap_or([0xff; 16]));
        }
        Ok(f)
    }

    /// The live-follow engine over the same files.
    pub fn live(&self) -> Result<sdjournal::LiveJournal, ReadError> {
        Ok(self.journal.live()?)
    }

    /// One query per unit (all entries when no unit is given). sdjournal 0.1.15 returns
    /// nothing for an OR-group of two values of one field, so units are merged here.
    fn queries(&self, filter: &Filter) -> Vec<sdjournal::JournalQuery> {
        let base = || {
            let mut q = self.journal.query();
            if let Some(b) = filter.boot_id {
                q.match_exact("_BOOT_ID", hex16(&b).as_bytes());
            }
            q
        };
        if filter.units.is_empty() {
            return vec![base()];
        }
        filter
            .units
            .iter()
            .map(|u| {
                let mut q = base();
                q.match_unit(u);
                q
            })
            .collect()
    }

    /// The newest `n` entries that pass `filter`, oldest first.
    pub fn tail(&self, n: usize, filter: &Filter) -> Result<Vec<LogEntry>, ReadError> {
        let filter = &self.resolved(filter)?;
        let v = self.tail_with(n, filter, |e| (e.realtime_usec(), cursor_of(e), to_entry(e)))?;
        Ok(v.into_iter().map(|(_, _, e)| e).collect())
    }

    /// The same as display lines, copying only what F1 shows.
    pub fn tail_lines(&self, n: usize, filter: &Filter) -> Result<Vec<LogLine>, ReadError> {
        let filter = &self.resolved(filter)?;
        let v = self.tail_with(n, filter, |e| {
            let l = to_line(e);
            (l.realtime_usec, l.cursor.to_string(), l)
        })?;
        Ok(v.into_iter().map(|(_, _, l)| l).collect())
    }

    /// Filters on the reader's own entries and converts only those that pass.
    fn tail_with<T>(
        &self,
        n: usize,
        filter: &Filter,
        map: impl Fn(&sdjournal::EntryRef) -> Keyed<T>,
    ) -> Result<Vec<Keyed<T>>, ReadError> {
        let mut merged = Vec::new();
        for mut q in self.queries(filter) {
            q.seek_tail().reverse(true);
            if filter.is_open() {
                q.limit(n);
            }
            let mut newest_first = Vec::new();
            for item in q.iter()? {
                if newest_first.len() >= n {
                    break;
                }
                let e = item?;
                if filter.admits(&e) {
                    newest_first.push(map(&e));
                }
            }
            merged.extend(newest_first.into_iter().rev());
        }
        Ok(newest_in_order(merged, n, filter.units.len() > 1))
    }

    /// Entries after `last` (all when `None`) that pass `filter`, oldest first.
    pub fn after(&self, last: Option<&LogEntry>, filter: &Filter) -> Result<Vec<LogEntry>, ReadError> {
        let mut merged = Vec::new();
        for mut q in self.queries(filter) {
            match last {
                Some(e) => q.after_cursor(sdjournal::Cursor::parse(&e.cursor)?),
                None => q.seek_head(),
            };
            for item in q.iter()? {
                let e = item?;
                if filter.admits(&e) {
                    merged.push((e.realtime_usec(), cursor_of(&e), to_entry(&e)));
                }
            }
        }
        Ok(newest_in_order(merged, usize::MAX, filter.units.len() > 1)
            .into_iter()
            .map(|(_, _, e)| e)
            .collect())
    }
}

/// Time order across merged queries, duplicates (one entry matching two units) dropped,
/// the newest `n` kept.
/// An item with its realtime and cursor, for merging.
type Keyed<T> = (u64, String, T);

fn newest_in_order<T>(mut v: Vec<Keyed<T>>, n: usize, merged: bool) -> Vec<Keyed<T>> {
    if merged {
        v.sort_by_key(|e| e.0); // stable: each query's own order is kept
        let mut seen = std::collections::HashSet::new();
        v.retain(|e| seen.insert(e.1.clone()));
    }
    let skip = v.len().saturating_sub(n);
    v.drain(..skip);
    v
}

/// The journalctl child for files sdjournal refuses: `journalctl --file F -o json -a`.
pub fn tail_with_journalctl(
    files: &[PathBuf],
    n: usize,
    filter: &Filter,
) -> Result<Vec<LogEntry>, ReadError> {
    let mut cmd = Command::new("journalctl");
    cmd.args(["-o", "json", "-a", "-q", "--no-pager"]);
    for f in files {
        cmd.arg("--file").arg(f);
    }
    for u in &filter.units {
        cmd.arg("-u").arg(u);
    }
    if let Some(b) = filter.boot_id {
        cmd.arg(format!("_BOOT_ID={}", hex16(&b)));
    }
    let out = cmd.output().map_err(|e| ReadError::Fallback(format!("cannot run journalctl: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut entries: Vec<LogEntry> =
        text.lines().filter_map(json::from_json).filter(|e| filter.admits(e)).collect();
    if entries.is_empty() && !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(ReadError::Fallback(format!("journalctl: {} ({})", why.trim(), out.status)));
    }
    let skip = entries.len().saturating_sub(n);
    entries.drain(..skip);
    Ok(entries)
}

/// Tail through sdjournal, falling back to journalctl for files it refuses.
/// Returns the entries and whether the fallback was used.
pub fn tail(origin: &Origin, n: usize, filter: &Filter) -> Result<(Vec<LogEntry>, bool), ReadError> {
    let primary = JournalReader::open(origin).and_then(|r| r.tail(n, filter));
    match (primary, origin) {
        (Ok(v), _) => Ok((v, false)),
        (Err(_), Origin::Files(files)) => tail_with_journalctl(files, n, filter).map(|v| (v, true)),
        (Err(e), _) => Err(e),
    }
}

/// `tail` as F1's display lines: straight from sdjournal, or converted from the fallback.
pub fn tail_lines(origin: &Origin, n: usize, filter: &Filter) -> Result<(Vec<LogLine>, bool), ReadError> {
    let primary = JournalReader::open(origin).and_then(|r| r.tail_lines(n, filter));
    match (primary, origin) {
        (Ok(v), _) => Ok((v, false)),
        (Err(_), Origin::Files(files)) => {
            tail_with_journalctl(files, n, filter).map(|v| (v.iter().map(LogLine::from).collect(), true))
        }
        (Err(e), _) => Err(e),
    }
}

/// This boot's id, from the kernel.
pub fn current_boot_id(proc_root: &Path) -> Option<[u8; 16]> {
    let text = std::fs::read_to_string(proc_root.join("sys/kernel/random/boot_id")).ok()?;
    let hex: String = text.trim().chars().filter(|c| *c != '-').collect();
    let mut out = [0u8; 16];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}
