//! Opening a connection under a watchdog. A frozen libvirtd (SIGSTOP, a deadlocked daemon)
//! still accepts connections on its socket, and libvirt's open then waits for its answer
//! for as long as the daemon stays frozen: the keepalive only starts once the connection is
//! open. So the open runs on a helper thread and the caller waits at most `limit`; an open
//! still under way is waited for again by the next attempt (never two at once per URI), and
//! one nobody waits for any more is closed when it finally completes.

use super::error::LibvirtError;
use super::worker::{self, GIVE_UP_S};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;
use virt::connect::Connect;

/// How long an open may take before the daemon counts as not answering.
pub const OPEN_LIMIT: Duration = Duration::from_secs(GIVE_UP_S);

type Opened = Result<Connect, LibvirtError>;

/// One URI's opens: at most one under way at a time.
pub struct Opener {
    uri: String,
    pending: Option<Receiver<Opened>>,
}

impl Opener {
    pub fn new(uri: &str) -> Opener {
        Opener { uri: uri.to_string(), pending: None }
    }

    /// Opens `uri` read-only (or keeps waiting for the open already under way), waiting at
    /// most `limit`; past it, "libvirtd not answering" and the open is left running.
    pub fn open(&mut self, limit: Duration) -> Opened {
        let rx = match self.pending.take() {
            Some(rx) => rx,
            None => spawn(&self.uri)?,
        };
        match rx.recv_timeout(limit) {
            Ok(opened) => opened,
            Err(RecvTimeoutError::Timeout) => {
                self.pending = Some(rx);
                let detail = format!("no answer to the connection request in {} s", limit.as_secs());
                Err(LibvirtError::NotAnswering { detail })
            }
            Err(RecvTimeoutError::Disconnected) => {
                Err(LibvirtError::Lost { detail: "the thread opening the connection died".into() })
            }
        }
    }
}

/// Starts one open on its own thread; its result arrives on the receiver.
fn spawn(uri: &str) -> Result<Receiver<Opened>, LibvirtError> {
    let (tx, rx) = channel();
    let owned = uri.to_string();
    let spawned = std::thread::Builder::new().name("libvirt-open".into()).spawn(move || {
        if let Err(unwanted) = tx.send(worker::open(&owned)) {
            // Given up on: close what finally opened (virt's Connect does not close on drop).
            if let Ok(mut conn) = unwanted.0 {
                let _ = conn.close();
            }
        }
    });
    match spawned {
        Ok(_) => Ok(rx),
        Err(e) => Err(LibvirtError::Other {
            code: -1,
            domain: -1,
            message: format!("no thread to open {uri}: {e}"),
        }),
    }
}

/// Opens `uri` once under the watchdog (`snapshot`, `check`): at most [`OPEN_LIMIT`].
pub fn open_within_limit(uri: &str) -> Opened {
    if let Some(e) = worker::missing_test_file(uri) {
        return Err(e);
    }
    Opener::new(uri).open(OPEN_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answering_driver_opens_within_the_limit() {
        let mut conn = open_within_limit("test:///default").expect("the test driver answers");
        assert!(conn.num_of_domains().is_ok());
        let _ = conn.close();
        let e = open_within_limit("test:///nonexistent/node.xml").err();
        assert!(matches!(e, Some(LibvirtError::NoNodeFile { .. })), "{e:?}");
    }
}
