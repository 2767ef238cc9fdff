//! F1's ring buffer: compact display lines, bounded whatever arrives.

use super::logs::{Fields, LogEntry};
use std::collections::{BTreeSet, VecDeque};

/// Longest message kept; longer ones are cut with a marker.
pub const MAX_MESSAGE_BYTES: usize = 4096;

/// What F1 needs of an entry (a full entry keeps every field and costs ~10x more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub cursor: Box<str>,
    pub realtime_usec: u64,
    /// The level shown and filtered on (parsed from the message for k3s/klog lines).
    pub level: u8,
    /// `_SYSTEMD_UNIT`, empty for the kernel and for entries without one.
    pub unit: Box<str>,
    /// `SYSLOG_IDENTIFIER`, else `_COMM`.
    pub ident: Box<str>,
    pub pid: Option<u32>,
    pub kernel: bool,
    /// The message as UTF-8 (invalid bytes replaced), not yet made terminal-safe.
    pub message: Box<str>,
}

/// Messages to the app from the journal thread.
#[derive(Debug, Clone, PartialEq)]
pub enum LogUpdate {
    /// The filter's newest entries; replaces the buffer.
    Reset { lines: Vec<LogLine>, fallback: bool },
    /// New entries, oldest first.
    Append(Vec<LogLine>),
}

impl LogLine {
    /// The display line of any entry; only the fields F1 shows are copied.
    pub fn from_fields(e: &impl Fields, cursor: String, realtime_usec: u64) -> Self {
        let text = |k: &str| e.field(k).map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default();
        let ident = match e.field("SYSLOG_IDENTIFIER") {
            Some(_) => text("SYSLOG_IDENTIFIER"),
            None => text("_COMM"),
        };
        let raw = e.field("MESSAGE").unwrap_or_default();
        let mut message = String::from_utf8_lossy(&raw[..raw.len().min(MAX_MESSAGE_BYTES)]).into_owned();
        if raw.len() > MAX_MESSAGE_BYTES {
            message.push_str(&format!(" […{} more bytes]", raw.len() - MAX_MESSAGE_BYTES));
        }
        LogLine {
            cursor: cursor.into_boxed_str(),
            realtime_usec,
            level: e.level(),
            unit: text("_SYSTEMD_UNIT").into_boxed_str(),
            ident: ident.into_boxed_str(),
            pid: std::str::from_utf8(e.field("_PID").unwrap_or_default()).ok().and_then(|p| p.parse().ok()),
            kernel: e.field("_TRANSPORT") == Some(b"kernel".as_slice()),
            message: message.into_boxed_str(),
        }
    }
}

impl From<&LogEntry> for LogLine {
    fn from(e: &LogEntry) -> Self {
        LogLine::from_fields(e, e.cursor.clone(), e.realtime_usec)
    }
}

/// The lines F1 shows, newest last, never more than `capacity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    capacity: usize,
    /// Every unit seen since start, for the unit picker.
    pub units_seen: BTreeSet<Box<str>>,
    /// Lines that arrived since the last reset (for the "N new" marker while paused).
    pub arrived: u64,
    /// The journal was read through the journalctl fallback.
    pub fallback: bool,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::with_capacity(10_000)
    }
}

impl LogBuffer {
    pub fn with_capacity(capacity: usize) -> Self {
        LogBuffer {
            lines: VecDeque::new(),
            capacity: capacity.max(1),
            units_seen: BTreeSet::new(),
            arrived: 0,
            fallback: false,
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&LogLine> {
        self.lines.get(i)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogLine> + ExactSizeIterator {
        self.lines.iter()
    }

    /// Replaces everything (a filter changed, or the first read).
    pub fn reset(&mut self, lines: Vec<LogLine>, fallback: bool) {
        self.lines.clear();
        self.fallback = fallback;
        self.arrived = 0;
        self.append(lines);
        self.arrived = 0;
    }

    /// Adds lines at the end, dropping the oldest past capacity.
    pub fn append(&mut self, lines: Vec<LogLine>) {
        self.arrived += lines.len() as u64;
        for l in lines {
            if !l.unit.is_empty() && !self.units_seen.contains(&l.unit) {
                self.units_seen.insert(l.unit.clone());
            }
            if self.lines.len() == self.capacity {
                self.lines.pop_front();
            }
            self.lines.push_back(l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(i: u64, unit: &str) -> LogLine {
        LogLine {
            cursor: i.to_string().into(),
            realtime_usec: i,
            level: 6,
            unit: unit.into(),
            ident: "x".into(),
            pid: None,
            kernel: false,
            message: format!("m{i}").into(),
        }
    }

    #[test]
    fn bounded_and_tracks_units() {
        let mut b = LogBuffer::with_capacity(3);
        b.append((0..10).map(|i| line(i, if i % 2 == 0 { "a.service" } else { "b.service" })).collect());
        assert_eq!(b.len(), 3);
        assert_eq!(b.get(0).unwrap().realtime_usec, 7);
        assert_eq!(b.units_seen.len(), 2);
        assert_eq!(b.arrived, 10);
        b.reset(vec![line(99, "")], true);
        assert_eq!((b.len(), b.arrived, b.fallback), (1, 0, true));
    }

    #[test]
    fn long_messages_are_cut_with_a_marker() {
        let e = LogEntry {
            cursor: "c".into(),
            boot_id: [0; 16],
            realtime_usec: 1,
            monotonic_usec: 1,
            fields: vec![("MESSAGE".into(), vec![b'a'; 10_000].into())],
        };
        let l = LogLine::from(&e);
        assert!(
            l.message.len() < 4200 && l.message.ends_with("[…5904 more bytes]"),
            "{}",
            &l.message[4000..]
        );
    }
}
