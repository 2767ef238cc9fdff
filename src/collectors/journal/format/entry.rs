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

    /// Every `FIELD=value` payload, in the order stored (unreadable ones skipped), with the
    /// fields F1 and the filters ask for indexed on the way.
    pub fn decode(&self) -> Decoded<'a> {
        let mut d = Decoded {
            boot: self.entry.boot_id,
            payloads: Vec::with_capacity(self.entry.n_items.min(256) as usize),
            index: [NOT_SEEN; INDEXED.len()],
        };
        for p in self.entry.data(self.file).filter_map(|o| o.payload(self.file).ok()) {
            if let (Some(slot), Ok(at)) = (slot_of_payload(&p), u16::try_from(d.payloads.len()))
                && d.index[slot] == NOT_SEEN
            {
                d.index[slot] = at;
            }
            d.payloads.push(p);
        }
        d
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
        LogLine::from_fields(&self.decode(), self.entry.realtime)
    }
}

fn value_of<'p>(payload: &'p [u8], name: &str) -> Option<&'p [u8]> {
    payload.strip_prefix(name.as_bytes())?.strip_prefix(b"=")
}

/// The fields every F1 line and filter reads, found in one pass over the payloads instead of
/// one pass per lookup (~10 lookups of ~25 payloads an entry was a third of F1's tail).
const INDEXED: [&str; 11] = [
    "MESSAGE",
    "PRIORITY",
    "SYSLOG_IDENTIFIER",
    "_COMM",
    "_SYSTEMD_UNIT",
    "_PID",
    "_TRANSPORT",
    "UNIT",
    "OBJECT_SYSTEMD_UNIT",
    "_SYSTEMD_USER_UNIT",
    "_BOOT_ID",
];

/// An indexed field this entry does not have (or has only past the 65,535th payload).
const NOT_SEEN: u16 = u16::MAX;

fn slot_of_name(name: &[u8]) -> Option<usize> {
    // A match on the bytes: a jump on the length, then one comparison.
    Some(match name {
        b"MESSAGE" => 0,
        b"PRIORITY" => 1,
        b"SYSLOG_IDENTIFIER" => 2,
        b"_COMM" => 3,
        b"_SYSTEMD_UNIT" => 4,
        b"_PID" => 5,
        b"_TRANSPORT" => 6,
        b"UNIT" => 7,
        b"OBJECT_SYSTEMD_UNIT" => 8,
        b"_SYSTEMD_USER_UNIT" => 9,
        b"_BOOT_ID" => 10,
        _ => return None,
    })
}

fn slot_of_payload(p: &[u8]) -> Option<usize> {
    // Field names are at most 64 bytes; the indexed ones far less.
    let eq = p.iter().take(24).position(|b| *b == b'=')?;
    slot_of_name(&p[..eq])
}

/// An entry's payloads, decoded once.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    pub boot: [u8; 16],
    pub payloads: Vec<Cow<'a, [u8]>>,
    /// For each of `INDEXED`, the first payload carrying it.
    index: [u16; INDEXED.len()],
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
        match slot_of_name(name.as_bytes()) {
            Some(slot) if self.payloads.len() < usize::from(NOT_SEEN) => {
                let at = self.index[slot];
                (at != NOT_SEEN).then(|| value_of(&self.payloads[usize::from(at)], name)).flatten()
            }
            _ => self.payloads.iter().find_map(|p| value_of(p, name)),
        }
    }

    fn boot(&self) -> [u8; 16] {
        self.boot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::journal::format::{Direction, Journal, Matches};

    /// The index answers exactly what a scan of the payloads does, for every field of every
    /// entry of a journal written by systemd-journal-remote.
    #[test]
    fn indexed_fields_equal_a_scan_of_the_payloads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("system.journal");
        let opts = crate::demo::journal_export::Options { entries: 400, ..Default::default() };
        crate::collectors::journal::write_test_journal(&path, &opts);
        let journal = Journal::open_files(&[path]);
        let mut checked = 0;
        for e in journal.walk(&Matches::default(), None, Direction::Forward) {
            let d = e.decode();
            let mut names: Vec<String> = INDEXED.iter().map(|s| s.to_string()).collect();
            names.extend(d.pairs().map(|(k, _)| String::from_utf8_lossy(k).into_owned()));
            names.push("NOT_A_FIELD".into());
            for name in &names {
                let scan = d.payloads.iter().find_map(|p| value_of(p, name));
                assert_eq!(d.field(name), scan, "{name}");
                checked += 1;
            }
        }
        assert!(checked > 400 * INDEXED.len(), "{checked}");
    }
}
