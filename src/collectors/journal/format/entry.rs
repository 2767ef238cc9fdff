//! Entries as read from a file: the header fields right away, the DATA payloads only
//! when asked, borrowed from the mapping unless compressed.

use super::cursor::Location;
use super::file::JournalFile;
use super::object::Entry;
use crate::model::log_buffer::LogLine;
use crate::model::logs::{Fields, LogEntry};
use std::borrow::Cow;

/// One entry of one file.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    pub file: &'a JournalFile,
    pub entry: Entry,
}

impl<'a> EntryRef<'a> {
    pub fn location(&self) -> Location {
        Location {
            seqnum_id: Some(self.file.header().seqnum_id),
            seqnum: Some(self.entry.seqnum),
            boot_id: Some(self.entry.boot_id),
            monotonic: Some(self.entry.monotonic),
            realtime: Some(self.entry.realtime),
            xor_hash: Some(self.entry.xor_hash),
            file_id: Some(self.file.header().file_id),
        }
    }

    /// journalctl's cursor for this entry.
    pub fn cursor(&self) -> String {
        self.location().cursor()
    }

    /// Every `FIELD=value` payload, in the order stored (unreadable ones skipped).
    pub fn decode(&self) -> Decoded<'a> {
        let mut payloads = Vec::with_capacity(self.entry.n_items.min(256) as usize);
        payloads.extend(self.entry.data(self.file).filter_map(|d| d.payload(self.file).ok()));
        Decoded { boot: self.entry.boot_id, payloads }
    }

    /// The first value of `name`, decompressing only DATA objects that are compressed.
    pub fn get(&self, name: &str) -> Option<Cow<'a, [u8]>> {
        let f = self.file;
        self.entry.data(f).find_map(|d| match d.payload(f).ok()? {
            Cow::Borrowed(p) => value_of(p, name).map(Cow::Borrowed),
            Cow::Owned(p) => value_of(&p, name).map(|v| Cow::Owned(v.to_vec())),
        })
    }

    /// The whole entry, as `logs --json` prints it.
    pub fn to_log_entry(&self) -> LogEntry {
        let fields =
            self.decode().pairs().map(|(k, v)| (String::from_utf8_lossy(k).into(), v.into())).collect();
        LogEntry {
            cursor: self.cursor(),
            boot_id: self.entry.boot_id,
            realtime_usec: self.entry.realtime,
            monotonic_usec: self.entry.monotonic,
            fields,
        }
    }

    /// F1's display line.
    pub fn to_line(&self) -> LogLine {
        LogLine::from_fields(&self.decode(), self.cursor(), self.entry.realtime)
    }
}

fn value_of<'p>(payload: &'p [u8], name: &str) -> Option<&'p [u8]> {
    payload.strip_prefix(name.as_bytes())?.strip_prefix(b"=")
}

/// An entry's payloads, decoded once.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    pub boot: [u8; 16],
    pub payloads: Vec<Cow<'a, [u8]>>,
}

impl Decoded<'_> {
    /// (field name, value) pairs; payloads without `=` are left out, as journalctl does.
    pub fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.payloads.iter().filter_map(|p| {
            let eq = p.iter().position(|b| *b == b'=')?;
            Some((&p[..eq], &p[eq + 1..]))
        })
    }
}

impl Fields for Decoded<'_> {
    fn field(&self, name: &str) -> Option<&[u8]> {
        self.payloads.iter().find_map(|p| value_of(p, name))
    }

    fn boot(&self) -> [u8; 16] {
        self.boot
    }
}
