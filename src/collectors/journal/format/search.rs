//! `journalctl -g`: a regex over MESSAGE, tried once per distinct MESSAGE value. The
//! journal stores each value once (a DATA object, linked from the MESSAGE FIELD object),
//! so a search reads the values, not the entries; the entries of the values that match
//! are then found through each DATA object's entry list. Files are scanned in parallel.

use super::file::JournalFile;
use super::hash::find_field;
use super::object::Data;

/// The scan drops the pages it touched from the resident set every this many values: a
/// whole file's values would otherwise stay resident until the file is done (peak RSS
/// ~ the largest files, one per core).
const RELEASE_EVERY: u64 = 16_384;

/// The DATA objects of one file whose MESSAGE matched.
#[derive(Debug, Default)]
pub struct Hits {
    /// Entries of values logged once (most messages): just the entry offset.
    pub singles: Vec<u64>,
    /// Values logged more than once.
    pub multi: Vec<Data>,
    /// MESSAGE values tried.
    pub scanned: u64,
}

/// A compiled `-g` pattern.
#[derive(Debug, Clone)]
pub struct Search {
    regex: regex::bytes::Regex,
}

impl Search {
    /// Like journalctl: case-insensitive unless the pattern has a capital letter.
    pub fn new(pattern: &str) -> Result<Search, regex::Error> {
        let regex = regex::bytes::RegexBuilder::new(pattern)
            .case_insensitive(!pattern.chars().any(char::is_uppercase))
            .size_limit(1 << 22)
            .build()?;
        Ok(Search { regex })
    }

    /// F1's text filter as a search: its rule (always case-insensitive; a pattern that is
    /// not a valid regex is looked for as it is). `None` when it cannot compile.
    pub fn from_text(t: &crate::model::logs::TextMatch) -> Option<Search> {
        let p = if t.is_regex() { t.pattern.clone() } else { regex::escape(&t.pattern) };
        let regex = regex::bytes::RegexBuilder::new(&p).case_insensitive(true).size_limit(1 << 22).build();
        regex.ok().map(|regex| Search { regex })
    }

    pub fn is_match(&self, message: &[u8]) -> bool {
        self.regex.is_match(message)
    }

    /// The matching values of every file, scanned on all cores.
    pub fn matching_data(&self, files: &[JournalFile]) -> Vec<Hits> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
        if threads <= 1 {
            return files.iter().map(|f| self.scan(f)).collect();
        }
        let per = files.len().div_ceil(threads);
        std::thread::scope(|s| {
            let jobs: Vec<_> = files
                .chunks(per)
                .map(|chunk| s.spawn(move || chunk.iter().map(|f| self.scan(f)).collect::<Vec<_>>()))
                .collect();
            jobs.into_iter().flat_map(|j| j.join().unwrap_or_default()).collect()
        })
    }

    /// One file: walks the MESSAGE field's DATA objects (newest first, offsets falling).
    pub fn scan(&self, f: &JournalFile) -> Hits {
        self.scan_with(f, |_| true).unwrap_or_default()
    }

    /// [`Search::scan`], calling `tick` with the number of values tried every
    /// [`RELEASE_EVERY`] values; `None` when `tick` said stop.
    pub fn scan_with(&self, f: &JournalFile, mut tick: impl FnMut(u64) -> bool) -> Option<Hits> {
        let mut hits = Hits::default();
        let Ok(Some(field)) = find_field(f, b"MESSAGE") else { return Some(hits) };
        let mut off = field.head_data_offset;
        let mut prev = u64::MAX;
        while off != 0 && off < prev && hits.scanned < f.max_objects() {
            let Ok(d) = Data::read(f, off) else { break };
            hits.scanned += 1;
            if let Ok(p) = d.payload(f)
                && let Some(value) = p.strip_prefix(b"MESSAGE=")
                && self.regex.is_match(value)
            {
                match d.n_entries {
                    0 => {}
                    1 => hits.singles.push(d.entry_offset),
                    _ => hits.multi.push(d),
                }
            }
            (prev, off) = (off, d.next_field_offset);
            if hits.scanned.is_multiple_of(RELEASE_EVERY) {
                f.release_pages();
                if !tick(hits.scanned) {
                    return None;
                }
            }
        }
        f.release_pages();
        Some(hits)
    }
}
