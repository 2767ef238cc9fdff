//! Reading the journal for F1 with the project's own reader ([`super::format`]): files
//! mapped in place (no copies, nothing written anywhere), the newest entries found walking
//! the entry arrays back, unit and boot filters through the DATA hash tables, a text filter
//! tried once per distinct MESSAGE value.
//!
//! journalctl in a child process stays for one case: a `--file` the reader refuses (a
//! newer systemd's incompatible feature flag, a header it cannot parse). journalctl may
//! know the feature, and a crash there cannot take the console down.

use super::format::{self, Decoded, Direction, EntryRef, Journal, Location, Matches, Search};
use super::json;
use crate::model::log_buffer::LogLine;
use crate::model::log_filter::UNIT_FIELDS;
use crate::model::logs::{LogEntry, hex16};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The mapped pages are dropped from the resident set once a walk has moved this far
/// through its files since the last drop: each page fault maps its neighbours too, so a
/// walk over a large file would otherwise keep much of it resident. Measured by distance
/// in the files, not by entries: a filtered walk through sparse matches drops its pages as
/// often as a dense one per byte passed. F1's newest 10,000 (~4 MB of a 1.5M-entry
/// journal) drop them twice; without drops that tail peaks 13 MB higher (the DATA objects
/// shared by many entries lie all over the file, and each fault maps 64 KiB around them)
/// for ~1 ms less (`benches/journal_tail.rs`, BENCHMARKS.md).
const RELEASE_SPAN: u64 = 2 << 20;

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
    Format(#[from] format::FormatError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("journalctl fallback failed: {0}")]
    Fallback(String),
    #[error("no journal directory: {0} does not exist")]
    NoDirectory(String),
    #[error("{path}: {why}")]
    Refused { path: String, why: format::FormatError },
}

/// An open journal: its files mapped as they were when opened.
pub struct JournalReader {
    pub(super) journal: Journal,
}

/// What a filter asks of the reader: hash-table matches (units, boot), a value scan for
/// the text, and the filter itself for what those cannot say (level, kernel).
pub(super) struct Query {
    pub(super) matches: Matches,
    pub(super) search: Option<Search>,
    pub(super) filter: Filter,
}

impl JournalReader {
    pub fn open(origin: &Origin) -> Result<JournalReader, ReadError> {
        let mut journal = match origin {
            Origin::Directories(dirs) => {
                let existing: Vec<PathBuf> = dirs.iter().filter(|d| d.is_dir()).cloned().collect();
                if existing.is_empty() {
                    let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                    return Err(ReadError::NoDirectory(shown.join(", ")));
                }
                Journal::open_dirs(&existing)
            }
            Origin::Files(files) => Journal::open_files(files),
        };
        // A refused `--file` goes to the fallback; in a directory, a damaged file is
        // skipped unless nothing else could be opened.
        let fatal = matches!(origin, Origin::Files(_)) || journal.files().is_empty();
        if fatal && !journal.refused.is_empty() {
            let (path, why) = journal.refused.swap_remove(0);
            return Err(ReadError::Refused { path: path.display().to_string(), why });
        }
        Ok(JournalReader { journal })
    }

    /// Drops the mapped pages touched so far from the resident set.
    pub fn release(&self) {
        self.journal.files().iter().for_each(|f| f.release_pages());
    }

    /// The boot that started last before `boot` did: each boot's first entry is its
    /// `_BOOT_ID=` DATA object's first entry (the oldest that carries it in each file).
    pub fn boot_before(&self, boot: [u8; 16]) -> Result<Option<[u8; 16]>, ReadError> {
        let starts = boot_starts(&self.journal);
        let Some(start) = starts.get(&boot) else { return Ok(None) };
        let before = starts.iter().filter(|(b, t)| *t < start && **b != boot).max_by_key(|(_, t)| **t);
        Ok(before.map(|(b, _)| *b))
    }

    /// `filter` as the reader applies it, with a "boot before" turned into the boot id it names.
    pub(super) fn query(&self, filter: &Filter) -> Result<Query, ReadError> {
        let mut filter = filter.clone();
        if let Some(b) = filter.boot_before.take() {
            // No earlier boot: an id no entry has, so nothing shows rather than everything.
            filter.boot_id = Some(self.boot_before(b)?.unwrap_or([0xff; 16]));
        }
        let mut matches = Matches::default();
        if !filter.units.is_empty() {
            matches = matches.any(filter.units.iter().flat_map(|u| UNIT_FIELDS.map(|f| (f, u.as_bytes()))));
        }
        if let Some(b) = filter.boot_id {
            let id = hex16(&b);
            matches = matches.any([("_BOOT_ID", id.as_bytes())]);
        }
        for (key, values) in filter.field_groups() {
            matches = matches.any(values.into_iter().map(|v| (key, v.as_bytes())));
        }
        let search = filter.text.as_ref().and_then(Search::from_text);
        Ok(Query { matches, search, filter })
    }

    /// The newest `n` entries that pass `filter`, oldest first.
    pub fn tail(&self, n: usize, filter: &Filter) -> Result<Vec<LogEntry>, ReadError> {
        self.newest(n, filter, |e, _| e.to_log_entry())
    }

    /// The same as display lines, copying only what F1 shows.
    pub fn tail_lines(&self, n: usize, filter: &Filter) -> Result<Vec<LogLine>, ReadError> {
        self.newest(n, filter, |e, d| LogLine::from_fields(d, e.entry.realtime))
    }

    /// Walks back from the newest entry, decoding only the entries the matches let through.
    fn newest<T>(
        &self,
        n: usize,
        filter: &Filter,
        map: impl Fn(&EntryRef, &Decoded) -> T,
    ) -> Result<Vec<T>, ReadError> {
        let q = self.query(filter)?;
        let mut v = Vec::new();
        let walk = self.journal.walk(&q.matches, q.search.as_ref(), Direction::Backward);
        let mut span = Span::default();
        for e in walk {
            if v.len() >= n {
                break;
            }
            let d = e.decode();
            if q.filter.admits(&d) {
                v.push(map(&e, &d));
            }
            span.passed(self, &e);
        }
        self.release();
        v.reverse();
        Ok(v)
    }

    /// Entries after `last` (all when `None`) that pass `filter`, oldest first.
    pub fn after(&self, last: Option<&LogEntry>, filter: &Filter) -> Result<Vec<LogEntry>, ReadError> {
        let loc = last.map(|e| Location::parse(&e.cursor)).transpose()?;
        let mut out = Vec::new();
        self.lines_after(loc.as_ref(), filter, |e, d| {
            if filter.admits(d) {
                out.push(e.to_log_entry());
            }
            true
        })?;
        Ok(out)
    }

    /// Where the journal ends now, whatever the filter: following starts there.
    pub fn end(&self) -> Option<Location> {
        self.journal.walk(&Matches::default(), None, Direction::Backward).next().map(|e| e.location())
    }

    /// Calls `each` on every entry after `last` the filter's matches let through (each
    /// decoded once), oldest first, until it returns false. Returns the location of the
    /// last entry visited (`last` when there was none): where the next call starts.
    pub fn lines_after(
        &self,
        last: Option<&Location>,
        filter: &Filter,
        mut each: impl FnMut(&EntryRef, &Decoded) -> bool,
    ) -> Result<Option<Location>, ReadError> {
        let q = self.query(filter)?;
        // The text is tried on each entry: a value scan would read the whole journal
        // again for the few entries that arrived.
        let walk: Box<dyn Iterator<Item = EntryRef>> = match last {
            Some(loc) => Box::new(self.journal.after(loc, &q.matches, None)),
            None => Box::new(self.journal.walk(&q.matches, None, Direction::Forward)),
        };
        let mut end = last.copied();
        let mut span = Span::default();
        for e in walk {
            end = Some(e.location());
            if !each(&e, &e.decode()) {
                break;
            }
            span.passed(self, &e);
        }
        self.release();
        Ok(end)
    }
}

/// How far a walk has moved through its files since the pages were last dropped.
#[derive(Default)]
struct Span {
    /// Each file's last entry offset walked, by the file's address.
    last: Vec<(usize, u64)>,
    moved: u64,
}

impl Span {
    /// Counts the distance to `e` from the last entry walked in its file, and drops the
    /// mapped pages once it passes [`RELEASE_SPAN`].
    fn passed(&mut self, reader: &JournalReader, e: &EntryRef) {
        let (file, at) = (std::ptr::from_ref(e.file) as usize, e.entry.offset);
        match self.last.iter_mut().find(|(f, _)| *f == file) {
            Some((_, last)) => self.moved += std::mem::replace(last, at).abs_diff(at),
            // A file entered counts too: a walk that visits many files a little each
            // touches their entry arrays and shared objects.
            None => {
                self.last.push((file, at));
                self.moved += RELEASE_SPAN / 16;
            }
        }
        if self.moved >= RELEASE_SPAN {
            reader.release();
            self.moved = 0;
        }
    }
}

/// Each boot's first entry time, over every file: the first entry of each `_BOOT_ID=`
/// DATA object (a bounded walk of the field's chain, like the search's).
fn boot_starts(j: &Journal) -> std::collections::HashMap<[u8; 16], u64> {
    use format::hash::find_field;
    use format::object::{Data, Entry};
    let mut starts = std::collections::HashMap::new();
    for f in j.files() {
        let Ok(Some(field)) = find_field(f, b"_BOOT_ID") else { continue };
        let (mut off, mut prev, mut seen) = (field.head_data_offset, u64::MAX, 0);
        while off != 0 && off < prev && seen < f.max_objects() {
            let Ok(d) = Data::read(f, off) else { break };
            seen += 1;
            let id = d.payload(f).ok().and_then(|p| parse_id(p.strip_prefix(b"_BOOT_ID=")?));
            if let (Some(id), Ok(e)) = (id, Entry::read(f, d.entry_offset)) {
                let t = starts.entry(id).or_insert(u64::MAX);
                *t = e.realtime.min(*t);
            }
            (prev, off) = (off, d.next_field_offset);
        }
    }
    starts
}

fn parse_id(hex: &[u8]) -> Option<[u8; 16]> {
    let text = std::str::from_utf8(hex).ok().filter(|t| t.len() == 32)?;
    let mut out = [0u8; 16];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The journalctl child for files the reader refuses: `journalctl --file F -o json -a`.
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
    for (k, v) in &filter.fields {
        cmd.arg(format!("{k}={v}"));
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

/// Tail through the reader, falling back to journalctl for files it refuses.
/// Returns the entries and whether the fallback was used.
pub fn tail(origin: &Origin, n: usize, filter: &Filter) -> Result<(Vec<LogEntry>, bool), ReadError> {
    let primary = JournalReader::open(origin).and_then(|r| r.tail(n, filter));
    match (primary, origin) {
        (Ok(v), _) => Ok((v, false)),
        (Err(_), Origin::Files(files)) => tail_with_journalctl(files, n, filter).map(|v| (v, true)),
        (Err(e), _) => Err(e),
    }
}

/// `tail` as F1's display lines: straight from the reader, or converted from the fallback.
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
