//! Field matches: every group must match (AND), any value in a group may (OR), like
//! `sd_journal_add_match` + `sd_journal_add_conjunction`. Each value is looked up in the
//! DATA hash table and its entry list walked; groups are intersected by seeking.

use super::chain::{Cursor, Direction, OffsetList};
use super::file::JournalFile;
use super::hash::find_data;
use super::search::Hits;
use std::collections::BinaryHeap;

/// `FIELD=value` payloads: all groups must match, any payload in a group may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    pub groups: Vec<Vec<Vec<u8>>>,
}

impl Matches {
    /// Adds a group: any of `field=value` for the given pairs.
    pub fn any<'s>(mut self, pairs: impl IntoIterator<Item = (&'s str, &'s [u8])>) -> Matches {
        let group = pairs
            .into_iter()
            .map(|(k, v)| {
                let mut p = Vec::with_capacity(k.len() + 1 + v.len());
                p.extend_from_slice(k.as_bytes());
                p.push(b'=');
                p.extend_from_slice(v);
                p
            })
            .collect();
        self.groups.push(group);
        self
    }
}

/// A walk over the entry offsets that pass, one way.
#[derive(Debug)]
pub enum Node<'a> {
    Empty,
    List(Cursor<'a>),
    Union(Union<'a>),
    Inter(Vec<Node<'a>>),
}

impl<'a> Node<'a> {
    /// The walk over `f` for `m`, with one more group of DATA objects (`extra`, a search's
    /// matches) when given.
    pub fn build(f: &'a JournalFile, m: &Matches, extra: Option<Node<'a>>, dir: Direction) -> Node<'a> {
        let mut parts: Vec<Node<'a>> = m.groups.iter().map(|g| group(f, g, dir)).collect();
        parts.extend(extra);
        let mut node = match parts.len() {
            0 => Node::List(Cursor::new(OffsetList::global(f), dir)),
            1 => parts.pop().unwrap_or(Node::Empty),
            _ => Node::Inter(parts),
        };
        node.settle(dir);
        node
    }

    /// The entries of a search's matching DATA objects (any of them).
    pub fn of_data(f: &'a JournalFile, hits: &Hits, dir: Direction) -> Node<'a> {
        // Most messages are logged once: their single entries make one sorted list.
        let mut lists: Vec<OffsetList<'a>> = hits.multi.iter().map(|d| OffsetList::of_data(f, d)).collect();
        lists.push(OffsetList::sorted(hits.singles.clone()));
        Node::Union(Union::new(lists, dir))
    }

    pub fn peek(&self) -> Option<u64> {
        match self {
            Node::Empty => None,
            Node::List(c) => c.peek(),
            Node::Union(u) => u.peek(),
            Node::Inter(parts) => parts.first().and_then(Node::peek),
        }
    }

    pub fn advance(&mut self, dir: Direction) {
        match self {
            Node::Empty => {}
            Node::List(c) => c.advance(),
            Node::Union(u) => u.advance(),
            Node::Inter(parts) => {
                parts.iter_mut().for_each(|p| p.advance(dir));
                self.settle(dir);
            }
        }
    }

    pub fn seek(&mut self, target: u64, dir: Direction) {
        match self {
            Node::Empty => {}
            Node::List(c) => c.seek(target),
            Node::Union(u) => u.seek(target),
            Node::Inter(parts) => {
                parts.iter_mut().for_each(|p| p.seek(target, dir));
                self.settle(dir);
            }
        }
    }

    /// For an intersection: moves the parts until they all stand on the same offset (or
    /// one runs out). Every round moves at least one part, so it ends.
    fn settle(&mut self, dir: Direction) {
        let Node::Inter(parts) = self else { return };
        loop {
            let heads: Option<Vec<u64>> = parts.iter().map(Node::peek).collect();
            let Some(heads) = heads else {
                *self = Node::Empty;
                return;
            };
            let target = match dir {
                Direction::Forward => heads.iter().max(),
                Direction::Backward => heads.iter().min(),
            };
            let Some(&target) = target else { return };
            if heads.iter().all(|h| *h == target) {
                return;
            }
            for (p, h) in parts.iter_mut().zip(heads) {
                if h != target {
                    p.seek(target, dir);
                }
            }
        }
    }
}

/// One group: the union of the entry lists of its values found in `f`.
fn group<'a>(f: &'a JournalFile, payloads: &[Vec<u8>], dir: Direction) -> Node<'a> {
    let lists: Vec<OffsetList<'a>> = payloads
        .iter()
        .filter_map(|p| find_data(f, p).ok().flatten())
        .map(|d| OffsetList::of_data(f, &d))
        .collect();
    Node::Union(Union::new(lists, dir))
}

/// Several lists merged, the next offset first, duplicates once.
#[derive(Debug)]
pub struct Union<'a> {
    dir: Direction,
    parts: Vec<Cursor<'a>>,
    /// (offset as ordered for `dir`, part index): the top is the next offset.
    heap: BinaryHeap<(u64, usize)>,
}

impl<'a> Union<'a> {
    fn new(lists: Vec<OffsetList<'a>>, dir: Direction) -> Union<'a> {
        let parts: Vec<Cursor<'a>> = lists.into_iter().map(|l| Cursor::new(l, dir)).collect();
        let mut u = Union { dir, parts, heap: BinaryHeap::new() };
        for i in 0..u.parts.len() {
            u.push(i);
        }
        u
    }

    fn key(&self, off: u64) -> u64 {
        match self.dir {
            Direction::Forward => u64::MAX - off,
            Direction::Backward => off,
        }
    }

    fn push(&mut self, i: usize) {
        if let Some(off) = self.parts[i].peek() {
            self.heap.push((self.key(off), i));
        }
    }

    fn peek(&self) -> Option<u64> {
        self.heap.peek().map(|(_, i)| self.parts[*i].peek().unwrap_or(0))
    }

    fn advance(&mut self) {
        let Some((top, _)) = self.heap.peek().copied() else { return };
        while let Some((k, i)) = self.heap.peek().copied().filter(|(k, _)| *k == top) {
            debug_assert_eq!(k, top);
            self.heap.pop();
            self.parts[i].advance();
            self.push(i);
        }
    }

    fn seek(&mut self, target: u64) {
        while let Some((_, i)) = self.heap.peek().copied() {
            let off = self.parts[i].peek().unwrap_or(0);
            if self.dir.reached(off, target) {
                return;
            }
            self.heap.pop();
            self.parts[i].seek(target);
            self.push(i);
        }
    }
}
