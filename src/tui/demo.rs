//! `--demo`: the real console fed by real but embedded sources, set up in a private
//! temporary directory that goes when the console ends (quit, SIGTERM, SIGHUP, a panic):
//! - F1: the project's journal generator written by `systemd-journal-remote` into a journal
//!   file there, a few entries a second (without that program, the same entries handed to
//!   F1 directly);
//! - F4: libvirt's test driver only, a node file of guests in every state plus guests on
//!   `test:///default` that change state every second;
//! - F2/F4: the synthetic cluster served by the fake API server on an ephemeral port of
//!   127.0.0.1, through a kubeconfig there, moving every second;
//! - F2/F3: the host's own /proc and netlink, read-only as always;
//! - F5: the host's own systemd bus and files, read-only; a host without them says so
//!   (the README's F5 screen is `demo::system`'s fixed host, not a live source).
//!
//! Nothing here writes outside that directory or talks to anything but 127.0.0.1 and the
//! test driver. Sources left out of the build say "not built in", as always.

use crate::collectors;
use crate::config::Config;
use crate::demo::journal_feed::{self, Feed, JournalWriter};
use crate::event::{Health, SourceId, Update};
use crate::model::log_buffer::LogUpdate;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

/// Entries in the journal at start.
const HISTORY: usize = 2_000;
/// How often the sources move.
const TICK: Duration = Duration::from_secs(1);

/// The demo's directory: made private, removed (with everything in it) on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> std::io::Result<TempDir> {
        use std::os::unix::fs::DirBuilderExt;
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("hypervisor-tui-demo.{}.{nanos:x}", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::DirBuilder::new().mode(0o700).create(&path)?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn now_usec() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64)
}

/// What feeds F1.
enum Journal {
    Writer(JournalWriter),
    /// No systemd-journal-remote: lines straight to the app.
    Memory(mpsc::Sender<Update>),
}

impl Journal {
    fn send(&mut self, entries: &[crate::demo::journal_export::Entry], first: bool) {
        match self {
            Journal::Writer(w) => _ = w.write(entries),
            Journal::Memory(tx) => {
                let lines = entries.iter().map(journal_feed::line).collect();
                let u = if first {
                    LogUpdate::Reset { lines, fallback: false }
                } else {
                    LogUpdate::Append(lines)
                };
                let _ = tx.blocking_send(Update::Logs(u));
            }
        }
    }
}

/// The sources' moving parts, stopped on drop (threads joined, the writer reaped).
pub struct Sources {
    /// Dropped to stop the ticker at once.
    stop: Option<Sender<()>>,
    ticker: Option<JoinHandle<()>>,
    #[cfg(feature = "libvirt")]
    _guests: Option<crate::demo::libvirt_driver::GuestDriver>,
}

impl Drop for Sources {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

/// The configuration the collectors get: every source pointed into `dir`.
fn demo_config(config: &Config, dir: &Path) -> std::io::Result<Config> {
    let mut c = config.clone();
    let journal = dir.join("journal");
    std::fs::create_dir(&journal)?;
    c.journal.directory = Some(journal);
    c.journal.units.clear();
    let node = dir.join("node.xml");
    std::fs::write(&node, crate::demo::guests::node_xml())?;
    c.libvirt.uris = vec![crate::demo::guests::LIVE_URI.into(), format!("test://{}", node.display())];
    c.kubernetes.enabled = true;
    c.kubernetes.kubeconfig = Some(dir.join("kubeconfig.yaml"));
    Ok(c)
}

/// Starts the sources; `tx` is for the in-memory journal when there is no writer.
fn start(dir: &Path, tx: &mpsc::Sender<Update>) -> anyhow::Result<(Sources, bool)> {
    let mut feed = Feed::new(HISTORY, now_usec());
    let mut journal = match journal_feed::journal_remote() {
        Some(prog) => Journal::Writer(JournalWriter::spawn(&prog, &dir.join("journal"))?),
        None => {
            let why = "demo: in-memory feed (no systemd-journal-remote installed)".to_string();
            let _ = tx.try_send(Update::Health(SourceId::Journal, Health::Ok(why)));
            Journal::Memory(tx.clone())
        }
    };
    let in_memory = matches!(journal, Journal::Memory(..));
    journal.send(&feed.history(), true);
    #[cfg(feature = "kubernetes")]
    let mut cluster = {
        let now = crate::model::unix_now();
        let c = crate::demo::cluster::live::ClusterFeed::serve(now)?;
        c.api().kubeconfig_in(dir)?;
        c
    };
    #[cfg(feature = "libvirt")]
    let guests = crate::demo::libvirt_driver::start(TICK).ok();
    let (stop, stopped) = channel();
    let ticker = std::thread::Builder::new().name("demo".into()).spawn(move || {
        while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
            journal.send(&feed.second(now_usec()), false);
            #[cfg(feature = "kubernetes")]
            cluster.tick();
        }
    })?;
    let sources = Sources {
        stop: Some(stop),
        ticker: Some(ticker),
        #[cfg(feature = "libvirt")]
        _guests: guests,
    };
    Ok((sources, in_memory))
}

/// The console on the demo's sources; everything it made is gone when this returns.
pub async fn run(config: &Config) -> anyhow::Result<()> {
    let dir = TempDir::new()?;
    let config = demo_config(config, dir.path())?;
    let (tx, rx) = mpsc::channel(collectors::CHANNEL_CAPACITY);
    let (sources, in_memory) = start(dir.path(), &tx)?;
    let (show, shown) = crate::event::Shown::channel(crate::event::Screen::default());
    let journal = if in_memory {
        collectors::spawn_sources(&config, tx, shown);
        None
    } else {
        Some(collectors::spawn_all(&config, tx, shown))
    };
    let result = super::console(&config, rx, journal, None, show).await;
    drop(sources);
    drop(dir);
    result
}
