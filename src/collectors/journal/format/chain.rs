//! Sorted lists of entry offsets: the global entry-array chain, a DATA object's inline
//! entry plus its chain, or a sorted vector. Walked both ways, with bisection to seek.
//!
//! A chain is read once into its segments (one per ENTRY_ARRAY object; arrays double in
//! size, so there are few). Each array must lie after the previous one, which bounds the
//! walk even when the file links arrays into a loop.

use super::file::{JournalFile, OBJECT_ENTRY_ARRAY};
use super::object::Data;

const ARRAY_ITEMS: u64 = 24;

/// Which way a walk goes: towards newer entries or towards older ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

impl Direction {
    /// Whether `a` is at `b` or past it, walking this way.
    pub fn reached(self, a: u64, b: u64) -> bool {
        match self {
            Direction::Forward => a >= b,
            Direction::Backward => a <= b,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Position of the segment's first item in the whole list.
    start: u64,
    /// Where its items are (0 for the inline entry held in `inline`).
    items: u64,
    inline: u64,
}

/// Where the offsets come from.
#[derive(Debug)]
enum Source<'a> {
    Chain { f: &'a JournalFile, segs: Vec<Seg>, len: u64 },
    Sorted(Vec<u64>),
}

/// A list of entry offsets, ascending in a sound file.
#[derive(Debug)]
pub struct OffsetList<'a>(Source<'a>);

impl<'a> OffsetList<'a> {
    /// Every entry of the file, oldest first.
    pub fn global(f: &'a JournalFile) -> OffsetList<'a> {
        let h = f.header();
        let mut segs = Vec::new();
        let len = walk(f, h.entry_array_offset, h.n_entries, 0, &mut segs);
        OffsetList(Source::Chain { f, segs, len })
    }

    /// The entries that carry the DATA object `d`.
    pub fn of_data(f: &'a JournalFile, d: &Data) -> OffsetList<'a> {
        let mut segs = Vec::new();
        if d.entry_offset == 0 || d.n_entries == 0 {
            return OffsetList(Source::Chain { f, segs, len: 0 });
        }
        segs.push(Seg { start: 0, items: 0, inline: d.entry_offset });
        let len = 1 + walk(f, d.entry_array_offset, d.n_entries - 1, 1, &mut segs);
        OffsetList(Source::Chain { f, segs, len })
    }

    /// Offsets gathered elsewhere; sorted and deduplicated here.
    pub fn sorted(mut v: Vec<u64>) -> OffsetList<'a> {
        v.sort_unstable();
        v.dedup();
        OffsetList(Source::Sorted(v))
    }

    pub fn len(&self) -> u64 {
        match &self.0 {
            Source::Chain { len, .. } => *len,
            Source::Sorted(v) => v.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The offset at position `p` (0 when unreadable).
    pub fn get(&self, p: u64) -> u64 {
        match &self.0 {
            Source::Sorted(v) => v.get(p as usize).copied().unwrap_or(0),
            Source::Chain { f, segs, .. } => {
                let i = segs.partition_point(|s| s.start <= p).saturating_sub(1);
                let Some(s) = segs.get(i) else { return 0 };
                if s.items == 0 {
                    return s.inline;
                }
                let at = p - s.start;
                if f.compact() {
                    f.u32_at(s.items + at * 4).map(u64::from).unwrap_or(0)
                } else {
                    f.u64_at(s.items + at * 8).unwrap_or(0)
                }
            }
        }
    }
}

/// Reads the chain starting at `first` into `segs`, at most `max` items; returns how
/// many items it found.
fn walk(f: &JournalFile, first: u64, max: u64, start: u64, segs: &mut Vec<Seg>) -> u64 {
    let size = if f.compact() { 4 } else { 8 };
    let (mut off, mut found, mut prev) = (first, 0u64, 0u64);
    while off != 0 && off > prev && found < max {
        let Ok(h) = f.object(off, OBJECT_ENTRY_ARRAY, ARRAY_ITEMS) else { break };
        let n = ((h.size - ARRAY_ITEMS) / size).min(max - found);
        if n == 0 {
            break;
        }
        segs.push(Seg { start: start + found, items: off + ARRAY_ITEMS, inline: 0 });
        found += n;
        prev = off;
        off = f.u64_at(off + 16).unwrap_or(0);
    }
    found
}

/// A position in an [`OffsetList`], walked one way.
#[derive(Debug)]
pub struct Cursor<'a> {
    list: OffsetList<'a>,
    dir: Direction,
    /// The position of the head; None once walked off the end.
    pos: Option<u64>,
}

impl<'a> Cursor<'a> {
    pub fn new(list: OffsetList<'a>, dir: Direction) -> Cursor<'a> {
        let pos = match dir {
            Direction::Forward => (!list.is_empty()).then_some(0),
            Direction::Backward => list.len().checked_sub(1),
        };
        Cursor { list, dir, pos }
    }

    pub fn peek(&self) -> Option<u64> {
        self.pos.map(|p| self.list.get(p))
    }

    pub fn advance(&mut self) {
        self.pos = match (self.dir, self.pos) {
            (Direction::Forward, Some(p)) => Some(p + 1).filter(|p| *p < self.list.len()),
            (Direction::Backward, Some(p)) => p.checked_sub(1),
            (_, None) => None,
        };
    }

    /// Moves to the first offset at `target` or past it; never moves back.
    pub fn seek(&mut self, target: u64) {
        let Some(p) = self.pos else { return };
        if self.dir.reached(self.list.get(p), target) {
            return;
        }
        self.pos = match self.dir {
            Direction::Forward => {
                let (mut lo, mut hi) = (p + 1, self.list.len());
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if self.list.get(mid) >= target { hi = mid } else { lo = mid + 1 }
                }
                Some(lo).filter(|p| *p < self.list.len())
            }
            Direction::Backward => {
                let (mut lo, mut hi) = (0, p);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if self.list.get(mid) <= target { lo = mid + 1 } else { hi = mid }
                }
                lo.checked_sub(1)
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk_all(mut c: Cursor) -> Vec<u64> {
        let mut out = Vec::new();
        while let Some(o) = c.peek() {
            out.push(o);
            c.advance();
        }
        out
    }

    #[test]
    fn sorted_lists_walk_and_seek_both_ways() {
        let list = || OffsetList::sorted(vec![40, 10, 30, 20, 30]);
        assert_eq!(walk_all(Cursor::new(list(), Direction::Forward)), [10, 20, 30, 40]);
        assert_eq!(walk_all(Cursor::new(list(), Direction::Backward)), [40, 30, 20, 10]);
        let mut c = Cursor::new(list(), Direction::Backward);
        c.seek(25);
        assert_eq!(c.peek(), Some(20));
        c.seek(35); // never back
        assert_eq!(c.peek(), Some(20));
        c.seek(5);
        assert_eq!(c.peek(), None);
        let mut c = Cursor::new(list(), Direction::Forward);
        c.seek(21);
        assert_eq!(c.peek(), Some(30));
        c.seek(41);
        assert_eq!(c.peek(), None);
    }
}
