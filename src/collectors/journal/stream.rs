//! F1's text filter over the whole journal, streamed: files are searched newest first
//! (each distinct MESSAGE value tried once, see [`super::format::search`]) and what is
//! found is sent as soon as nothing in the files left to search can be newer, so the
//! newest results show while older files are still being read. Progress is reported as
//! it goes, and the caller can stop it at every report. Once `capacity` results are
//! shown, the older files are not read at all.

use super::format::{Direction, Journal};
use super::reader::{JournalReader, ReadError};
use crate::model::log_buffer::{LogLine, SearchProgress};
use crate::model::log_filter::Filter;

/// What a streamed search reports.
#[derive(Debug)]
pub enum Found {
    /// Results older than every one sent before, oldest first.
    Older(Vec<LogLine>),
    Progress(SearchProgress),
}

/// A result waiting until no file left to search can hold a newer one.
struct Pending {
    realtime: u64,
    line: LogLine,
}

impl JournalReader {
    /// Streams the newest `capacity` entries passing `filter` (which has a text) through
    /// `emit`, newest batches first; stops when `emit` returns false. Returns whether the
    /// search ran to its end.
    pub fn stream_search(
        &self,
        filter: &Filter,
        capacity: usize,
        emit: &mut dyn FnMut(Found) -> bool,
    ) -> Result<bool, ReadError> {
        let q = self.query(filter)?;
        let files = self.journal.files();
        // Newest first, by the time of each file's last entry.
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by_key(|i| std::cmp::Reverse(files[*i].header().tail_entry_realtime));
        let mut progress = SearchProgress { files: files.len(), ..SearchProgress::default() };
        let mut pending: Vec<Pending> = Vec::new();
        for (done, &i) in order.iter().enumerate() {
            let before = progress.scanned;
            let hits = match &q.search {
                Some(s) => s.scan_with(&files[i], |n| {
                    progress.scanned = before + n;
                    emit(Found::Progress(progress))
                }),
                None => Some(Default::default()),
            };
            let Some(hits) = hits else { return Ok(false) };
            progress.scanned = before + hits.scanned;
            // This file alone, through the hits just found.
            let one = Journal::open_files(&[files[i].path().to_path_buf()]);
            let walk = one.walk_hits(
                &q.matches,
                q.search.as_ref().map(|_| std::slice::from_ref(&hits)),
                Direction::Backward,
            );
            let room = capacity - progress.found;
            let found =
                walk.map(|e| (e, e.decode())).filter(|(_, d)| q.filter.admits(d)).take(room).map(|(e, d)| {
                    Pending { realtime: e.entry.realtime, line: LogLine::from_fields(&d, e.entry.realtime) }
                });
            pending.extend(found);
            one.files().iter().for_each(|f| f.release_pages());
            files[i].release_pages();
            // Nothing in a file left to search is newer than its last entry.
            let horizon = order[done + 1..].iter().map(|j| files[*j].header().tail_entry_realtime).max();
            let ready = take_newer(&mut pending, horizon, room);
            progress.found += ready.len();
            progress.files_done = done + 1;
            if !ready.is_empty() && !emit(Found::Older(ready)) || !emit(Found::Progress(progress)) {
                return Ok(false);
            }
            if progress.found >= capacity {
                break;
            }
        }
        Ok(true)
    }
}

/// The pending results newer than `horizon` (all when `None`), at most `room`, oldest
/// first; the rest stay pending.
fn take_newer(pending: &mut Vec<Pending>, horizon: Option<u64>, room: usize) -> Vec<LogLine> {
    pending.sort_by_key(|p| std::cmp::Reverse(p.realtime));
    let newer = pending.iter().take_while(|p| horizon.is_none_or(|h| p.realtime > h)).count();
    let mut ready: Vec<LogLine> = pending.drain(..newer).take(room).map(|p| p.line).collect();
    ready.reverse();
    ready
}
