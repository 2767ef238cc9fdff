//! `--demo`'s journal: the generator's entries (k3s, kubelet, libvirt, sshd… with their real
//! levels) as a history ending now, then a few more every second stamped with the clock;
//! written by systemd's own `systemd-journal-remote` into a journal file the console reads
//! like any other, or handed over as lines when that program is not installed.

use super::journal_export::{Entry, Generator, Options};
use crate::model::log_buffer::LogLine;
use crate::model::logs::Fields;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// Where Debian and NixOS-like layouts keep systemd's journal writer.
const JOURNAL_REMOTE: [&str; 2] =
    ["/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"];

/// The installed `systemd-journal-remote`, if any.
pub fn journal_remote() -> Option<PathBuf> {
    JOURNAL_REMOTE.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// The endless stream of entries.
pub struct Feed {
    generator: Generator,
    history: usize,
    last_usec: u64,
    monotonic: u64,
    tick: u64,
}

impl Feed {
    /// `history` entries ending about `now_usec`, then live ones.
    pub fn new(history: usize, now_usec: u64) -> Feed {
        // The generator spaces entries 0.1 s apart on average.
        let start_usec = now_usec.saturating_sub(history as u64 * 100_000);
        let opts =
            Options { entries: usize::MAX / 2, seed: 20, start_usec, boots: 1, hostname: "hv-demo".into() };
        Feed { generator: Generator::new(opts), history, last_usec: 0, monotonic: 0, tick: 0 }
    }

    /// The history (once).
    pub fn history(&mut self) -> Vec<Entry> {
        let out: Vec<Entry> = self.generator.by_ref().take(std::mem::take(&mut self.history)).collect();
        if let Some(e) = out.last() {
            (self.last_usec, self.monotonic) = (e.realtime_usec, e.monotonic_usec);
        }
        out
    }

    /// The entries of one second at `now_usec`: one to three, in order.
    pub fn second(&mut self, now_usec: u64) -> Vec<Entry> {
        self.tick += 1;
        let n = 1 + (self.tick * 7 % 3) as usize;
        let mut out = Vec::with_capacity(n);
        for e in self.generator.by_ref().take(n) {
            let mut e = e;
            let at = now_usec.max(self.last_usec + 1);
            self.monotonic += at - self.last_usec.min(at);
            (e.realtime_usec, e.monotonic_usec, self.last_usec) = (at, self.monotonic, at);
            out.push(e);
        }
        out
    }
}

impl Fields for Entry {
    fn field(&self, name: &str) -> Option<&[u8]> {
        Entry::field(self, name)
    }

    fn boot(&self) -> [u8; 16] {
        self.boot_id
    }
}

/// An entry as F1 keeps it.
pub fn line(e: &Entry) -> LogLine {
    LogLine::from_fields(e, e.realtime_usec)
}

/// A `systemd-journal-remote` child writing what it is given into one journal file.
pub struct JournalWriter {
    child: Child,
    stdin: Option<io::BufWriter<ChildStdin>>,
}

impl JournalWriter {
    /// Starts `program` writing `dir/demo.journal`.
    pub fn spawn(program: &Path, dir: &Path) -> io::Result<JournalWriter> {
        let mut child = Command::new(program)
            .arg(format!("--output={}", dir.join("demo.journal").display()))
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().map(io::BufWriter::new);
        Ok(JournalWriter { child, stdin })
    }

    /// Writes entries and flushes them to the writer.
    pub fn write(&mut self, entries: &[Entry]) -> io::Result<()> {
        let Some(out) = self.stdin.as_mut() else { return Err(io::ErrorKind::BrokenPipe.into()) };
        for e in entries {
            e.write_export(out)?;
        }
        out.flush()
    }

    /// Ends the stream and reaps the child (killed if it does not end by itself).
    pub fn finish(&mut self) {
        drop(self.stdin.take());
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_then_seconds_in_order_at_the_clock() {
        let now = 1_795_348_800_000_000;
        let mut f = Feed::new(500, now);
        let h = f.history();
        assert_eq!(h.len(), 500);
        assert!(h.windows(2).all(|w| w[0].realtime_usec < w[1].realtime_usec));
        let first = h[0].realtime_usec;
        assert!(first < now && now - first < 200_000_000, "the history ends about now");
        let s = f.second(now + 5_000_000);
        assert!((1..=3).contains(&s.len()));
        assert_eq!(s[0].realtime_usec, (now + 5_000_000).max(h[499].realtime_usec + 1));
        assert!(f.second(now + 6_000_000).iter().all(|e| e.realtime_usec > s[s.len() - 1].realtime_usec));
        let levels: std::collections::BTreeSet<u8> = h.iter().map(|e| line(e).level).collect();
        assert!(levels.contains(&3) && levels.contains(&4) && levels.contains(&6), "{levels:?}");
    }
}
