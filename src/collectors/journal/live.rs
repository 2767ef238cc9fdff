//! The journal collector: the newest entries at once, then live follow; a filter change
//! re-reads from the journal. Runs on its own thread (sdjournal is blocking).

use super::reader::{self, Filter, JournalReader, Origin, ReadError};
use crate::collectors::Backoff;
use crate::event::{Health, SourceId, Update};
use crate::model::log_buffer::LogUpdate;
use std::collections::HashSet;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Lines per update: big enough to batch a flood, small enough to draw soon.
const BATCH: usize = 256;

pub enum JournalCommand {
    SetFilter(Filter),
}

/// The app's handle on the journal thread.
#[derive(Clone)]
pub struct JournalHandle {
    tx: std_mpsc::Sender<JournalCommand>,
}

impl JournalHandle {
    pub fn set_filter(&self, f: Filter) {
        let _ = self.tx.send(JournalCommand::SetFilter(f));
    }
}

struct Session<'a> {
    origin: &'a Origin,
    capacity: usize,
    tx: &'a mpsc::Sender<Update>,
    commands: &'a std_mpsc::Receiver<JournalCommand>,
    last_health: Option<Health>,
}

enum Exit {
    AppGone,
    Refilter(Filter),
}

pub fn spawn(origin: Origin, filter: Filter, capacity: usize, tx: mpsc::Sender<Update>) -> JournalHandle {
    let (ctx, crx) = std_mpsc::channel();
    let report = tx.clone();
    let spawned = std::thread::Builder::new().name("journal".into()).spawn(move || {
        let mut s = Session { origin: &origin, capacity, tx: &tx, commands: &crx, last_health: None };
        s.run(filter);
    });
    if let Err(e) = spawned {
        let _ = report
            .try_send(Update::Health(SourceId::Journal, Health::Error(format!("no journal thread: {e}"))));
    }
    JournalHandle { tx: ctx }
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
                    // Wait before retrying, but a new filter or the app leaving wakes us.
                    match self.commands.recv_timeout(backoff.next_delay()) {
                        Ok(JournalCommand::SetFilter(f)) => filter = f,
                        Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
                        Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                    }
                }
            }
        }
    }

    fn session(&mut self, filter: &Filter) -> Result<Exit, ReadError> {
        // Subscribe before reading the tail so nothing written in between is lost; a
        // live-only subscription does not walk the files' history (a backlog replay after a
        // cursor touched ~400 MB of a 1.5M-entry journal).
        let live = JournalReader::open(self.origin).and_then(|j| {
            let mut live = j.live()?;
            let sub = live.subscribe(live.filter())?;
            Ok((live, sub))
        });
        let (lines, fallback) = reader::tail_lines(self.origin, self.capacity, filter)?;
        let shown: HashSet<Box<str>> = lines.iter().map(|l| l.cursor.clone()).collect();
        if !self.send(Update::Logs(LogUpdate::Reset { lines, fallback })) {
            return Ok(Exit::AppGone);
        }
        release_freed_memory();
        if fallback {
            self.health(Health::Ok("read through journalctl (fallback): no live follow".into()));
            return Ok(match self.commands.recv() {
                Ok(JournalCommand::SetFilter(f)) => Exit::Refilter(f),
                Err(_) => Exit::AppGone,
            });
        }
        let (live, sub) = live?;
        self.follow(filter, live, sub, shown)
    }

    fn follow(
        &mut self,
        filter: &Filter,
        mut live: sdjournal::LiveJournal,
        sub: sdjournal::LiveSubscription,
        mut shown: HashSet<Box<str>>,
    ) -> Result<Exit, ReadError> {
        self.health(Health::Ok(format!("following {}", describe(self.origin))));
        loop {
            live.poll_once()?;
            let mut batch = Vec::new();
            while let Ok(item) = sub.try_recv() {
                let e = item?;
                if filter.admits(&*e) {
                    let line = reader::to_line(&e);
                    // Entries written while the tail was read arrive twice: once is enough.
                    if shown.is_empty() || !shown.contains(&line.cursor) {
                        batch.push(line);
                    }
                }
                if batch.len() >= BATCH
                    && !self.send(Update::Logs(LogUpdate::Append(std::mem::take(&mut batch))))
                {
                    return Ok(Exit::AppGone);
                }
            }
            // The overlap with the tail arrives with the first poll; past it, nothing repeats.
            shown = HashSet::new();
            if !batch.is_empty() && !self.send(Update::Logs(LogUpdate::Append(batch))) {
                return Ok(Exit::AppGone);
            }
            match self.commands.try_recv() {
                Ok(JournalCommand::SetFilter(f)) => return Ok(Exit::Refilter(f)),
                Err(std_mpsc::TryRecvError::Disconnected) => return Ok(Exit::AppGone),
                Err(std_mpsc::TryRecvError::Empty) => {}
            }
        }
    }
}

fn describe(origin: &Origin) -> String {
    let paths: Vec<String> = match origin {
        Origin::Directories(d) => d.iter().filter(|p| p.is_dir()).map(|p| p.display().to_string()).collect(),
        Origin::Files(f) => f.iter().map(|p| p.display().to_string()).collect(),
    };
    paths.join(", ")
}

/// Reading a tail parses thousands of entries into short-lived allocations; glibc keeps
/// the freed pages in this thread's arena. Hand them back so an idle console stays small.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
