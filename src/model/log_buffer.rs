//! F1's ring buffer: compact display lines, bounded whatever arrives.

use super::logs::{Fields, LogEntry};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// The unit picker offers at most this many units: the most recently seen.
pub const MAX_UNITS_SEEN: usize = 4096;

/// The units seen most recently, at most [`MAX_UNITS_SEEN`] (a journal with a unit per
/// transient scope or per container would otherwise grow it without end), iterated by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitsSeen {
    by_name: BTreeSet<Box<str>>,
    /// When each unit was last seen (a counter), and the units by that time.
    stamp: HashMap<Box<str>, u64>,
    by_stamp: BTreeMap<u64, Box<str>>,
    clock: u64,
}

impl UnitsSeen {
    pub fn insert(&mut self, unit: &str) {
        self.clock += 1;
        if let Some(old) = self.stamp.get_mut(unit) {
            self.by_stamp.remove(old);
            *old = self.clock;
            self.by_stamp.insert(self.clock, unit.into());
            return;
        }
        if self.stamp.len() >= MAX_UNITS_SEEN
            && let Some((_, oldest)) = self.by_stamp.pop_first()
        {
            self.stamp.remove(&oldest);
            self.by_name.remove(&oldest);
        }
        self.stamp.insert(unit.into(), self.clock);
        self.by_stamp.insert(self.clock, unit.into());
        self.by_name.insert(unit.into());
    }

    /// The units, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Box<str>> {
        self.by_name.iter()
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// Longest message kept; longer ones are cut with a marker.
pub const MAX_MESSAGE_BYTES: usize = 4096;

/// What F1 needs of an entry (a full entry keeps every field and costs ~10x more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
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
    /// Older entries a text search found (its results arrive newest first, in batches),
    /// oldest first; they go before the lines shown, while there is room.
    Older(Vec<LogLine>),
    /// How far the running text search has got; `None` when it is done or stopped.
    Progress(Option<SearchProgress>),
}

/// A text search's progress over the whole journal, for F1's progress line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchProgress {
    /// Files whose messages were all tried, of `files`.
    pub files_done: usize,
    pub files: usize,
    /// Distinct MESSAGE values (DATA objects) tried so far.
    pub scanned: u64,
    /// Entries found (and shown) so far.
    pub found: usize,
}

impl LogLine {
    /// The display line of any entry; only the fields F1 shows are copied.
    pub fn from_fields(e: &impl Fields, realtime_usec: u64) -> Self {
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
        LogLine::from_fields(e, e.realtime_usec)
    }
}

/// The lines F1 shows, newest last, never more than `capacity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    capacity: usize,
    /// The units seen most recently, for the unit picker.
    pub units_seen: UnitsSeen,
    /// Lines that arrived since the last reset (for the "N new" marker while paused).
    pub arrived: u64,
    /// The journal was read through the journalctl fallback.
    pub fallback: bool,
    /// A text search still running over the journal.
    pub progress: Option<SearchProgress>,
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
            units_seen: UnitsSeen::default(),
            arrived: 0,
            fallback: false,
            progress: None,
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

    /// Adds older lines at the front, while there is room (the newest are kept).
    pub fn prepend(&mut self, lines: Vec<LogLine>) {
        for l in lines.into_iter().rev() {
            if self.lines.len() == self.capacity {
                break;
            }
            if !l.unit.is_empty() {
                self.units_seen.insert(&l.unit);
            }
            self.lines.push_front(l);
        }
    }

    /// Adds lines at the end, dropping the oldest past capacity.
    pub fn append(&mut self, lines: Vec<LogLine>) {
        self.arrived += lines.len() as u64;
        for l in lines {
            if !l.unit.is_empty() {
                self.units_seen.insert(&l.unit);
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
        // A search's older results go in front while there is room.
        b.prepend(vec![line(95, ""), line(96, ""), line(97, "")]);
        let times: Vec<u64> = b.iter().map(|l| l.realtime_usec).collect();
        assert_eq!(times, vec![96, 97, 99], "the newest kept, in order");
    }

    /// 100,000 distinct units (a transient scope per job, say) keep the picker's list at
    /// its bound, holding the most recent ones; a unit seen again counts as recent.
    #[test]
    fn units_seen_stay_bounded_and_recent() {
        let mut b = LogBuffer::with_capacity(100);
        b.append(vec![line(0, "sshd.service")]);
        for chunk in 0..100u64 {
            let lines = (0..1000).map(|i| line(i, &format!("run-u{}.scope", chunk * 1000 + i))).collect();
            b.append(lines);
            if chunk % 2 == 0 {
                b.append(vec![line(0, "sshd.service")]); // every 2,000 new units
            }
        }
        assert_eq!(b.units_seen.len(), MAX_UNITS_SEEN);
        let names: Vec<&str> = b.units_seen.iter().map(|u| &**u).collect();
        assert!(names.contains(&"run-u99999.scope"), "the newest is kept");
        assert!(!names.contains(&"run-u0.scope"), "the oldest went");
        assert!(names.contains(&"sshd.service"), "seen again recently: kept");
        assert!(names.windows(2).all(|w| w[0] < w[1]), "offered by name");
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
