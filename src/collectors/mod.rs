//! Collectors: one per source, each a task (or a thread for blocking libraries)
//! that sends `Update`s over a bounded channel and reports its own health.

pub mod cpuinfo;
pub mod disks;
pub mod disks_parse;
pub mod journal;
pub mod kube;
pub mod libvirt;
pub mod machined;
pub mod netlink;
pub mod netstat_parse;
pub mod procfs;
pub mod procfs_parse;
pub mod procfs_rates;
pub mod procs;
pub mod procs_parse;
pub mod sock_diag;
pub mod system;
pub mod systemd;

use crate::config::Config;
use crate::event::{Health, Shown, SourceId, Update};
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// Capacity of the collector → app channel; a slow UI slows the collectors, never grows memory.
pub const CHANNEL_CAPACITY: usize = 256;

/// A collector's handle on the channel, remembering the last health it sent.
pub struct SourceTx {
    id: SourceId,
    tx: mpsc::Sender<Update>,
    last: Option<Health>,
}

impl SourceTx {
    pub fn new(id: SourceId, tx: mpsc::Sender<Update>) -> Self {
        SourceTx { id, tx, last: None }
    }

    /// Sends an update; false once the app has gone.
    pub async fn send(&self, u: Update) -> bool {
        self.tx.send(u).await.is_ok()
    }

    /// Reports health, only when it changed (an idle console redraws nothing).
    pub async fn health(&mut self, h: Health) {
        if self.last.as_ref() != Some(&h) {
            self.last = Some(h.clone());
            let _ = self.tx.send(Update::Health(self.id, h)).await;
        }
    }
}

/// Exponential backoff for retries: 1 s, 2 s, 4 s … capped.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub fn new(max: Duration) -> Self {
        Backoff { next: Duration::from_secs(1), max }
    }

    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.max);
        d
    }

    pub fn reset(&mut self) {
        self.next = Duration::from_secs(1);
    }
}

/// What a D-Bus source (systemd, machined) keeps between its connections: the backoff, and
/// whether the last connection sent anything the app must now be told is gone.
#[derive(Debug)]
pub struct Reconnect {
    pub backoff: Backoff,
    pub known: bool,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect { backoff: Backoff::new(Duration::from_secs(30)), known: false }
    }
}

impl Reconnect {
    /// After a connection failed with `err`: `lost` to the app if anything had been sent,
    /// the source unavailable with why, then the backoff's wait. False when the app is gone.
    pub async fn failed(
        &mut self,
        tx: &mut SourceTx,
        lost: impl FnOnce() -> Update,
        err: impl std::fmt::Display,
    ) -> bool {
        if std::mem::take(&mut self.known) && !tx.send(lost()).await {
            return false;
        }
        tx.health(Health::Unavailable(err.to_string())).await;
        tokio::time::sleep(self.backoff.next_delay()).await;
        true
    }
}

/// The wait before the next probe: `interval` while the source answers, backoff while
/// it does not, an hour when it is disabled.
pub fn next_probe_delay(h: &Health, backoff: &mut Backoff, interval: Duration) -> Duration {
    match h {
        Health::Ok(_) => {
            backoff.reset();
            interval
        }
        Health::Disabled(_) => Duration::from_secs(3600),
        _ => backoff.next_delay(),
    }
}

/// Re-probes a source forever: every `interval` while it answers, with backoff while it does not.
pub async fn poll_health<F, Fut>(mut tx: SourceTx, interval: Duration, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Health>,
{
    let mut backoff = Backoff::new(Duration::from_secs(60).max(interval));
    loop {
        let h = probe().await;
        let delay = next_probe_delay(&h, &mut backoff, interval);
        tx.health(h).await;
        if tx.tx.is_closed() {
            return;
        }
        tokio::time::sleep(delay).await;
    }
}

/// Where /proc is: `HYPERVISOR_TUI_PROC` for tests on fixture trees, else /proc.
pub fn proc_root() -> PathBuf {
    std::env::var_os("HYPERVISOR_TUI_PROC").map(PathBuf::from).unwrap_or_else(|| "/proc".into())
}

/// Where F1 reads: the configured directory, else the host's journal.
pub fn journal_origin(config: &Config) -> journal::reader::Origin {
    journal::reader::Origin::Directories(journal::directories(&config.journal))
}

/// Starts every collector on the current runtime; returns the journal thread's handle.
pub fn spawn_all(config: &Config, tx: mpsc::Sender<Update>, shown: Shown) -> journal::live::JournalHandle {
    spawn_sources(config, tx.clone(), shown);
    let filter = journal::reader::Filter::from_config(&config.journal);
    journal::live::spawn(journal_origin(config), filter, config.log_buffer_size, tx)
}

/// Starts every collector but the journal's (`--demo` without systemd-journal-remote feeds
/// F1 itself).
/// `shown` tells the collectors whose costly part serves one screen which one is on show.
pub fn spawn_sources(config: &Config, tx: mpsc::Sender<Update>, shown: Shown) {
    let refresh = config.refresh();
    let procfs = SourceTx::new(SourceId::Procfs, tx.clone());
    tokio::spawn(procfs::run(procfs, proc_root(), refresh, shown.clone()));
    tokio::spawn(netlink::run(SourceTx::new(SourceId::Netlink, tx.clone()), refresh, shown));
    libvirt::spawn(config.libvirt.uris.clone(), refresh.max(Duration::from_secs(1)), tx.clone());
    tokio::spawn(kube::run(config.kubernetes.clone(), tx.clone()));
    tokio::spawn(systemd::run(SourceTx::new(SourceId::Systemd, tx.clone()), systemd::bus_path()));
    let machined = SourceTx::new(SourceId::Machined, tx.clone());
    tokio::spawn(machined::run(machined, systemd::bus_path(), refresh.max(Duration::from_secs(1))));
    tokio::spawn(system::run(tx, refresh));
}

/// Asks every source once (for `check` and `snapshot`), each bounded by `timeout`.
pub async fn check_all(config: &Config, timeout: Duration) -> Vec<(SourceId, Health)> {
    let bounded = |f: std::pin::Pin<Box<dyn Future<Output = Health> + Send>>| async move {
        tokio::time::timeout(timeout, f)
            .await
            .unwrap_or_else(|_| Health::Unavailable(format!("no answer within {} s", timeout.as_secs())))
    };
    let procfs = match std::fs::read_to_string(proc_root().join("stat")) {
        Ok(_) => Health::Ok(proc_root().display().to_string()),
        Err(e) => Health::Error(format!("cannot read {}: {e}", proc_root().join("stat").display())),
    };
    let journal = journal::probe(&config.journal);
    let bus = systemd::bus_path();
    let (netlink, libvirt, (k8s, kubevirt), systemd, machined) = tokio::join!(
        bounded(Box::pin(netlink::probe())),
        bounded(Box::pin(libvirt::probe_async(config.libvirt.uris.clone()))),
        kube::probe_both(&config.kubernetes, timeout),
        bounded(Box::pin(systemd::probe(&bus))),
        bounded(Box::pin(machined::probe(&bus))),
    );
    let facts = tokio::task::spawn_blocking(system::read_host).await.ok().map(|r| r.health);
    let mut out = vec![
        (SourceId::Journal, journal),
        (SourceId::Procfs, procfs),
        (SourceId::Netlink, netlink),
        (SourceId::Libvirt, libvirt),
        (SourceId::Kubernetes, k8s),
        (SourceId::Kubevirt, kubevirt),
        (SourceId::Systemd, systemd),
        (SourceId::Machined, machined),
    ];
    out.extend(facts.into_iter().flatten());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap_and_resets_on_ok() {
        let mut b = Backoff::new(Duration::from_secs(5));
        let fail = Health::Unavailable("x".into());
        let i = Duration::from_secs(2);
        let delays: Vec<u64> = (0..5).map(|_| next_probe_delay(&fail, &mut b, i).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
        assert_eq!(next_probe_delay(&Health::Ok(String::new()), &mut b, i), i);
        assert_eq!(next_probe_delay(&fail, &mut b, i).as_secs(), 1);
    }

    /// A failed connection: what it had sent is said lost (once), the source unavailable
    /// with why; a connection that sent nothing loses nothing; a gone app ends the loop.
    #[tokio::test]
    async fn a_failed_connection_says_what_was_lost_once() {
        let (utx, mut rx) = mpsc::channel(8);
        let mut tx = SourceTx::new(SourceId::Machined, utx);
        let mut r = Reconnect { backoff: Backoff::new(Duration::from_millis(1)), known: true };
        r.backoff.next = Duration::from_millis(1);
        let lost = || Update::Guests(Box::new(crate::model::guests::GuestUpdate::MachinesLost));
        assert!(r.failed(&mut tx, lost, "machined went away").await);
        assert!(matches!(rx.recv().await, Some(Update::Guests(_))));
        let h = rx.recv().await;
        assert!(
            matches!(&h, Some(Update::Health(SourceId::Machined, Health::Unavailable(w))) if w == "machined went away")
        );
        assert!(!r.known);
        assert!(r.failed(&mut tx, lost, "still away").await);
        assert!(
            matches!(rx.recv().await, Some(Update::Health(_, Health::Unavailable(_)))),
            "no second 'lost'"
        );
        drop(rx);
        r.known = true;
        assert!(!r.failed(&mut tx, lost, "x").await, "the app has gone");
    }
}
