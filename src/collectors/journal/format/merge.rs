//! Several journal files read as one stream in journalctl's order: at each step the
//! file whose next entry comes first (see [`Location::compare`]) gives it, and every
//! file then moves past it, so an entry stored in two files (same boot, times and
//! content hash) shows once.

use super::FormatError;
use super::chain::Direction;
use super::cursor::Location;
use super::entry::EntryRef;
use super::file::JournalFile;
use super::object::Entry;
use super::search::{Hits, Search};
use super::select::{Matches, Node};
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// The journal files of a directory and its machine-id subdirectories.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for p in entries.flatten().map(|e| e.path()) {
        if p.is_dir() {
            if let Ok(sub) = std::fs::read_dir(&p) {
                out.extend(sub.flatten().map(|s| s.path()).filter(|s| is_journal(s)));
            }
        } else if is_journal(&p) {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn is_journal(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".journal") || name.ends_with(".journal~")
}

/// Open journal files, each once.
#[derive(Debug, Default)]
pub struct Journal {
    files: Vec<JournalFile>,
    /// Files that could not be opened, and why.
    pub refused: Vec<(PathBuf, FormatError)>,
}

impl Journal {
    /// Opens `paths`; the same file named twice (or linked) is opened once.
    pub fn open_files(paths: &[PathBuf]) -> Journal {
        use std::os::unix::fs::MetadataExt;
        let mut seen = std::collections::HashSet::new();
        let mut j = Journal::default();
        for p in paths {
            if let Ok(m) = std::fs::metadata(p)
                && !seen.insert((m.dev(), m.ino()))
            {
                continue;
            }
            match JournalFile::open(p) {
                Ok(f) => j.files.push(f),
                Err(e) => j.refused.push((p.clone(), e)),
            }
        }
        j
    }

    /// Opens every journal file in `dirs`.
    pub fn open_dirs(dirs: &[PathBuf]) -> Journal {
        let paths: Vec<PathBuf> = dirs.iter().flat_map(|d| files_in(d)).collect();
        Journal::open_files(&paths)
    }

    pub fn files(&self) -> &[JournalFile] {
        &self.files
    }

    /// Every entry passing `m` (and `search`), walking `dir`.
    pub fn walk<'a>(&'a self, m: &Matches, search: Option<&Search>, dir: Direction) -> Walk<'a> {
        let extra = search.map(|s| s.matching_data(&self.files));
        self.walk_hits(m, extra.as_deref(), dir)
    }

    /// [`Journal::walk`] with a search's matching values already found (`hits`, one per file).
    pub fn walk_hits<'a>(&'a self, m: &Matches, extra: Option<&[Hits]>, dir: Direction) -> Walk<'a> {
        let heads = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let more = extra.map(|e| e.get(i).map_or(Node::Empty, |h| Node::of_data(f, h, dir)));
                Head::new(f, Node::build(f, m, more, dir), dir)
            })
            .collect();
        Walk { dir, heads, last: None }
    }

    /// The newest `n` entries passing `m` (and `search`), oldest first; older entries
    /// are never visited.
    pub fn newest<'a>(&'a self, n: usize, m: &Matches, search: Option<&Search>) -> Vec<EntryRef<'a>> {
        let mut v: Vec<EntryRef<'a>> = self.walk(m, search, Direction::Backward).take(n).collect();
        v.reverse();
        v
    }

    /// The entries after `loc` passing `m` (and `search`), oldest first.
    pub fn after<'a>(&'a self, loc: &Location, m: &Matches, search: Option<&Search>) -> Walk<'a> {
        let mut loc = *loc;
        if loc.seqnum_id.is_none()
            && let Some(f) = self.files.iter().find(|f| Some(f.header().file_id) == loc.file_id)
        {
            loc.seqnum_id = Some(f.header().seqnum_id);
        }
        let mut walk = self.walk(m, search, Direction::Forward);
        let mut back = self.walk(m, search, Direction::Backward);
        for (fwd, bwd) in walk.heads.iter_mut().zip(back.heads.iter_mut()) {
            // The oldest entry of this file past `loc`, found walking back from the end.
            let mut first = None;
            while let Some(e) = bwd.entry.filter(|e| location(bwd.file, e).compare(&loc) == Ordering::Greater)
            {
                first = Some(e.offset);
                bwd.advance(Direction::Backward);
            }
            match first {
                Some(off) => fwd.seek(off, Direction::Forward),
                None => fwd.entry = None,
            }
        }
        walk
    }
}

fn location(f: &JournalFile, e: &Entry) -> Location {
    EntryRef { file: f, entry: *e }.location()
}

/// One file's walk, standing on its next readable entry.
#[derive(Debug)]
struct Head<'a> {
    file: &'a JournalFile,
    node: Node<'a>,
    entry: Option<Entry>,
}

impl<'a> Head<'a> {
    fn new(file: &'a JournalFile, node: Node<'a>, dir: Direction) -> Head<'a> {
        let mut h = Head { file, node, entry: None };
        h.fill(dir);
        h
    }

    /// Reads the entry at the node's head, skipping offsets that are not entries.
    fn fill(&mut self, dir: Direction) {
        self.entry = None;
        while let Some(off) = self.node.peek() {
            if let Ok(e) = Entry::read(self.file, off) {
                self.entry = Some(e);
                return;
            }
            self.node.advance(dir);
        }
    }

    fn advance(&mut self, dir: Direction) {
        self.node.advance(dir);
        self.fill(dir);
    }

    fn seek(&mut self, off: u64, dir: Direction) {
        self.node.seek(off, dir);
        self.fill(dir);
    }
}

/// Entries of several files, merged.
#[derive(Debug)]
pub struct Walk<'a> {
    dir: Direction,
    heads: Vec<Head<'a>>,
    last: Option<Location>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = EntryRef<'a>;

    fn next(&mut self) -> Option<EntryRef<'a>> {
        if let Some(last) = self.last {
            // Like journalctl, each file moves past what was already shown: entries
            // not beyond it, the same entry in another file among them.
            for h in &mut self.heads {
                while h.entry.is_some_and(|e| !beyond(self.dir, &location(h.file, &e), &last)) {
                    h.advance(self.dir);
                }
            }
        }
        let best = self.best()?;
        let h = &mut self.heads[best];
        let e = EntryRef { file: h.file, entry: h.entry? };
        h.advance(self.dir);
        self.last = Some(e.location());
        Some(e)
    }
}

/// Whether `a` comes after `b` walking `dir`.
fn beyond(dir: Direction, a: &Location, b: &Location) -> bool {
    let want = match dir {
        Direction::Forward => Ordering::Greater,
        Direction::Backward => Ordering::Less,
    };
    a.compare(b) == want
}

impl Walk<'_> {
    /// The file whose entry comes next.
    fn best(&self) -> Option<usize> {
        let mut best: Option<(usize, Location)> = None;
        for (i, h) in self.heads.iter().enumerate() {
            let Some(e) = &h.entry else { continue };
            let loc = location(h.file, e);
            let better = best.as_ref().is_none_or(|(_, b)| beyond(self.dir, b, &loc));
            if better {
                best = Some((i, loc));
            }
        }
        best.map(|(i, _)| i)
    }
}
