//! The accept loop: a thread per connection (at most `MAX_CONNECTIONS`), peers checked,
//! every read bounded in size and time.

use super::handle::Peer;
use super::protocol::{self, Response};
use super::{Server, listen};
use std::io::{BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Connections served at once; more are closed at once.
const MAX_CONNECTIONS: usize = 4;
/// A connection that sends nothing for this long is closed.
const IDLE: Duration = Duration::from_secs(120);
/// An SSH peer gets one refusal, within this, and the connection is closed: it must not
/// hold one of the `MAX_CONNECTIONS` slots.
const SSH_IDLE: Duration = Duration::from_secs(2);
/// A peer that does not read its answer within this is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves connections until the listener fails.
pub fn serve(server: &Arc<Server>, listener: &UnixListener) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (srv, count) = (Arc::clone(server), Arc::clone(&active));
        let spawned = std::thread::Builder::new().name("actiond-conn".into()).spawn(move || {
            connection(&srv, stream);
            count.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One client: its uid must be allowed; then request/response lines until it hangs up.
pub fn connection(server: &Server, stream: UnixStream) {
    let peer = match listen::peer(&stream) {
        Ok((uid, pid)) if server.settings.allowed_uids.contains(&uid) => {
            Peer { uid, pid, ssh: listen::over_ssh(pid) }
        }
        _ => return,
    };
    let idle = if peer.ssh { SSH_IDLE } else { IDLE };
    if stream.set_read_timeout(Some(idle)).is_err() || stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err()
    {
        return;
    }
    let Ok(mut out) = stream.try_clone() else { return };
    let mut input = BufReader::with_capacity(protocol::MAX_LINE, stream);
    loop {
        let line = match protocol::read_line(&mut input) {
            Ok(Some(line)) => line,
            Ok(None) => return,
            Err(e) => {
                let _ = answer(&mut out, &Response::Refused { error: e.to_string() });
                return;
            }
        };
        let response = match protocol::parse(&line) {
            Ok(req) => server.handle(req.op, peer),
            Err(why) => Response::Refused { error: why },
        };
        // SSH sessions are read-only: every answer is a refusal, so the first ends it.
        if answer(&mut out, &response).is_err() || peer.ssh {
            return;
        }
    }
}

fn answer(out: &mut UnixStream, r: &Response) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(r).map_err(std::io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)
}
