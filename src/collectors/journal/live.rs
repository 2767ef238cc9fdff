//! The journal collector: the newest entries at once, then live follow; a filter change
//! re-reads from the journal. Runs on its own thread (the reader is blocking) and sleeps in
//! `poll` on inotify (the journal's directories) and an eventfd (the app's commands): no
//! polling loop, ~0 CPU while nothing is written.
//!
//! On each change the files are opened again (journald appends through its own mapping,
//! rotates by renaming and creates new files) and the entries after the last one seen
//! are read. A journal directory that does not exist yet is waited for through its
//! nearest existing parent.

use super::format::Location;
use super::reader::{self, Filter, JournalReader, Origin, ReadError};
use super::stream::Found;
use super::watch::{self, Bell, Inotify, Woken};
use crate::collectors::Backoff;
use crate::event::{Health, SourceId, Update};
use crate::model::log_buffer::{LogLine, LogUpdate};
use std::path::PathBuf;
use std::sync::{Arc, mpsc as std_mpsc};
use std::time::Duration;
use tokio::sync::mpsc;

/// Lines per update: big enough to batch a flood, small enough to draw soon.
const BATCH: usize = 256;

/// Entries written in a burst are read together: after a wake, this long for the rest.
const SETTLE: Duration = Duration::from_millis(20);

pub enum JournalCommand {
    SetFilter(Filter),
    /// Stop a running text search, keeping what it found, and follow.
    Cancel,
}

/// The app's handle on the journal thread; the thread ends when the last handle is gone.
#[derive(Clone)]
pub struct JournalHandle {
    inner: Arc<Inner>,
}

struct Inner {
    tx: std_mpsc::Sender<JournalCommand>,
    /// `None` when no thread could be started.
    bell: Option<Arc<Bell>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The sender is dropped right after: the woken thread finds it disconnected.
        self.bell.iter().for_each(|b| b.ring());
    }
}

impl JournalHandle {
    pub fn set_filter(&self, f: Filter) {
        self.command(JournalCommand::SetFilter(f));
    }

    /// Stops a running text search (what it found stays shown).
    pub fn cancel(&self) {
        self.command(JournalCommand::Cancel);
    }

    fn command(&self, c: JournalCommand) {
        let _ = self.inner.tx.send(c);
        self.inner.bell.iter().for_each(|b| b.ring());
    }
}

struct Session<'a> {
    origin: &'a Origin,
    capacity: usize,
    tx: &'a mpsc::Sender<Update>,
    commands: &'a std_mpsc::Receiver<JournalCommand>,
    bell: &'a Bell,
    last_health: Option<Health>,
}

enum Exit {
    AppGone,
    Refilter(Filter),
}

/// What the app asked while the thread slept.
enum Asked {
    Nothing,
    Refilter(Filter),
    Cancel,
    Gone,
}

pub fn spawn(origin: Origin, filter: Filter, capacity: usize, tx: mpsc::Sender<Update>) -> JournalHandle {
    let (ctx, crx) = std_mpsc::channel();
    let report = tx.clone();
    let bell = match Bell::new() {
        Ok(b) => Arc::new(b),
        Err(e) => {
            let why = format!("no journal thread (eventfd: {e})");
            let _ = report.try_send(Update::Health(SourceId::Journal, Health::Error(why)));
            return JournalHandle { inner: Arc::new(Inner { tx: ctx, bell: None }) };
        }
    };
    let ring = bell.clone();
    let spawned = std::thread::Builder::new().name("journal".into()).spawn(move || {
        let mut s =
            Session { origin: &origin, capacity, tx: &tx, commands: &crx, bell: &ring, last_health: None };
        s.run(filter);
    });
    if let Err(e) = spawned {
        let _ = report
            .try_send(Update::Health(SourceId::Journal, Health::Error(format!("no journal thread: {e}"))));
    }
    JournalHandle { inner: Arc::new(Inner { tx: ctx, bell: Some(bell) }) }
}

impl Session<'_> {
    fn send(&self, u: Update) -> bool {
        self.tx.blocking_send(u).is_ok()
    }

    fn health(&mut self, h: Health) {
        if self.last_health.as_ref() != Some(&h) {
            self.last_health = Some(h.clone());
            self.send(Update::Health(SourceId::Journal, h));
        }
    }

    /// Everything the app asked since the bell last rang: the newest filter wins.
    fn asked(&self) -> Asked {
        self.bell.clear();
        let mut out = Asked::Nothing;
        loop {
            match self.commands.try_recv() {
                Ok(JournalCommand::SetFilter(f)) => out = Asked::Refilter(f),
                Ok(JournalCommand::Cancel) if !matches!(out, Asked::Refilter(_)) => out = Asked::Cancel,
                Ok(JournalCommand::Cancel) => {}
                Err(std_mpsc::TryRecvError::Empty) => return out,
                Err(std_mpsc::TryRecvError::Disconnected) => {
                    return if matches!(out, Asked::Nothing) { Asked::Gone } else { out };
                }
            }
        }
    }

    fn run(&mut self, mut filter: Filter) {
        let mut backoff = Backoff::new(Duration::from_secs(30));
        loop {
            match self.session(&filter) {
                Ok(Exit::AppGone) => return,
                Ok(Exit::Refilter(f)) => {
                    filter = f;
                    backoff.reset();
                }
                Err(e) => {
                    let h = match self.origin {
                        Origin::Directories(d) => super::probe_dirs(d),
                        Origin::Files(_) => Health::Unavailable(e.to_string()),
                    };
                    self.health(if h.is_ok() { Health::Error(e.to_string()) } else { h });
                    match self.wait_retry(backoff.next_delay()) {
                        Asked::Gone => return,
                        Asked::Refilter(f) => filter = f,
                        Asked::Nothing | Asked::Cancel => {}
                    }
                }
            }
        }
    }

    /// After a failed read: waits for the journal's directories (or their nearest
    /// existing parents) to change, a command, or `delay`.
    fn wait_retry(&self, delay: Duration) -> Asked {
        let Ok(ino) = Inotify::new() else {
            std::thread::sleep(delay);
            return self.asked();
        };
        ino.watch_all(&self.watched());
        match watch::wait(ino.raw(), Some((self.bell.raw(), libc::POLLIN)), Some(delay)) {
            Woken::Changed => {
                std::thread::sleep(SETTLE);
                self.asked()
            }
            Woken::Other | Woken::Timeout => self.asked(),
        }
    }

    /// The directories whose changes matter.
    fn watched(&self) -> Vec<PathBuf> {
        match self.origin {
            Origin::Directories(d) => watch::watch_dirs(d),
            Origin::Files(f) => watch::parents(f),
        }
    }

    fn session(&mut self, filter: &Filter) -> Result<Exit, ReadError> {
        // Watch before reading the tail, so nothing written in between is missed.
        let ino = Inotify::new()?;
        ino.watch_all(&self.watched());
        let r = match JournalReader::open(self.origin) {
            Ok(r) => r,
            Err(e @ ReadError::Refused { .. }) => return self.fallback(filter, e),
            Err(e) => return Err(e),
        };
        let last = r.end();
        if filter.text.is_some() {
            if let Some(exit) = self.search(&r, filter)? {
                return Ok(exit);
            }
        } else {
            let lines = r.tail_lines(self.capacity, filter)?;
            if !self.send(Update::Logs(LogUpdate::Reset { lines, fallback: false })) {
                return Ok(Exit::AppGone);
            }
        }
        drop(r);
        release_freed_memory();
        self.health(Health::Ok(format!("following {}", describe(self.origin))));
        self.follow(filter, &ino, last)
    }

    /// A text filter: the results streamed newest first with progress, stoppable by a
    /// command. `None` when it ended or was cancelled (follow next).
    fn search(&self, r: &JournalReader, filter: &Filter) -> Result<Option<Exit>, ReadError> {
        if !self.send(Update::Logs(LogUpdate::Reset { lines: Vec::new(), fallback: false })) {
            return Ok(Some(Exit::AppGone));
        }
        let mut asked = Asked::Nothing;
        r.stream_search(filter, self.capacity, &mut |found| {
            let u = match found {
                Found::Older(lines) => LogUpdate::Older(lines),
                Found::Progress(p) => LogUpdate::Progress(Some(p)),
            };
            if !self.send(Update::Logs(u)) {
                asked = Asked::Gone;
                return false;
            }
            asked = self.asked();
            matches!(asked, Asked::Nothing)
        })?;
        if !self.send(Update::Logs(LogUpdate::Progress(None))) {
            return Ok(Some(Exit::AppGone));
        }
        Ok(match asked {
            Asked::Gone => Some(Exit::AppGone),
            Asked::Refilter(f) => Some(Exit::Refilter(f)),
            Asked::Nothing | Asked::Cancel => None,
        })
    }

    /// A `--file` the reader refuses, read once by journalctl; no live follow.
    fn fallback(&mut self, filter: &Filter, why: ReadError) -> Result<Exit, ReadError> {
        let Origin::Files(files) = self.origin else { return Err(why) };
        let entries = reader::tail_with_journalctl(files, self.capacity, filter)?;
        let lines = entries.iter().map(LogLine::from).collect();
        if !self.send(Update::Logs(LogUpdate::Reset { lines, fallback: true })) {
            return Ok(Exit::AppGone);
        }
        self.health(Health::Ok("read through journalctl (fallback): no live follow".into()));
        loop {
            match watch::wait(self.bell.raw(), None, None) {
                Woken::Timeout => {}
                _ => match self.asked() {
                    Asked::Nothing | Asked::Cancel => {}
                    Asked::Refilter(f) => return Ok(Exit::Refilter(f)),
                    Asked::Gone => return Ok(Exit::AppGone),
                },
            }
        }
    }

    fn follow(
        &mut self,
        filter: &Filter,
        ino: &Inotify,
        mut last: Option<Location>,
    ) -> Result<Exit, ReadError> {
        loop {
            match watch::wait(ino.raw(), Some((self.bell.raw(), libc::POLLIN)), None) {
                Woken::Changed => {
                    std::thread::sleep(SETTLE);
                    ino.drain();
                    // New files, a new machine-id directory, the directory itself appearing.
                    ino.watch_all(&self.watched());
                    if !self.send_new(filter, &mut last) {
                        return Ok(Exit::AppGone);
                    }
                }
                Woken::Other | Woken::Timeout => match self.asked() {
                    Asked::Nothing | Asked::Cancel => {}
                    Asked::Refilter(f) => return Ok(Exit::Refilter(f)),
                    Asked::Gone => return Ok(Exit::AppGone),
                },
            }
        }
    }

    /// Sends the entries written after `last` that pass `filter`, in batches; false when
    /// the app is gone. A journal that cannot be opened for a moment (a file being
    /// created) is read again on the next change.
    fn send_new(&self, filter: &Filter, last: &mut Option<Location>) -> bool {
        let Ok(r) = JournalReader::open(self.origin) else { return true };
        let mut batch = Vec::new();
        let mut gone = false;
        let end = r.lines_after(last.as_ref(), filter, |e, d| {
            if filter.admits(d) {
                batch.push(LogLine::from_fields(d, e.entry.realtime));
            }
            if batch.len() >= BATCH {
                gone = !self.send(Update::Logs(LogUpdate::Append(std::mem::take(&mut batch))));
            }
            !gone
        });
        if let Ok(end) = end {
            *last = end;
        }
        !gone && (batch.is_empty() || self.send(Update::Logs(LogUpdate::Append(batch))))
    }
}

fn describe(origin: &Origin) -> String {
    let paths: Vec<String> = match origin {
        Origin::Directories(d) => d.iter().filter(|p| p.is_dir()).map(|p| p.display().to_string()).collect(),
        Origin::Files(f) => f.iter().map(|p| p.display().to_string()).collect(),
    };
    paths.join(", ")
}

/// Reading a tail makes thousands of short-lived allocations; glibc keeps the freed pages
/// in this thread's arena. Hand them back so an idle console stays small.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
