//! The console's side of the socket: one connection per request, blocking (run it off the
//! UI loop), bounded in size and time. The password is sent once and dropped here.

use super::protocol::{self, ActRequest, Op, Request, Response, VERSION};
use std::io::{BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

/// Longest wait for an answer: a unit job may take systemd's 90 s start timeout.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// A grace window actiond opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    pub token: String,
    pub operator: String,
    pub idle_s: u64,
    pub max_s: u64,
}

/// Sends one request and reads its answer; errors in words.
pub fn request(socket: &Path, op: Op) -> Result<Response, String> {
    let mut stream = UnixStream::connect(socket)
        .map_err(|e| format!("actiond is not reachable at {}: {e}", socket.display()))?;
    let lost = |e: std::io::Error| format!("actiond: {e}");
    stream.set_read_timeout(Some(ANSWER_TIMEOUT)).map_err(lost)?;
    stream.set_write_timeout(Some(Duration::from_secs(5))).map_err(lost)?;
    let mut line = serde_json::to_vec(&Request { v: VERSION, op }).map_err(|e| e.to_string())?;
    line.push(b'\n');
    let sent = stream.write_all(&line);
    line.fill(0); // the request may hold a password
    sent.map_err(lost)?;
    let answer = protocol::read_line(&mut BufReader::new(stream)).map_err(lost)?;
    let answer = answer.ok_or("actiond closed the connection without an answer")?;
    serde_json::from_slice(&answer).map_err(|e| format!("actiond answered something unreadable: {e}"))
}

/// Authenticates an operator; the password is consumed.
pub fn authenticate(socket: &Path, user: &str, password: String, channel: &str) -> Result<Granted, String> {
    let op = Op::Auth { user: user.into(), password, channel: channel.into() };
    match request(socket, op)? {
        Response::Authenticated { token, operator, idle_s, max_s } => {
            Ok(Granted { token, operator, idle_s, max_s })
        }
        Response::Refused { error } => Err(error),
        other => Err(format!("unexpected answer {other:?}")),
    }
}

/// Runs one verb; `Ok` with what happened, `Err` with why not.
pub fn act(socket: &Path, req: ActRequest) -> Result<String, String> {
    match request(socket, Op::Act(req))? {
        Response::Done { message } => Ok(message),
        Response::Refused { error } => Err(error),
        other => Err(format!("unexpected answer {other:?}")),
    }
}

/// Ends a grace window (VT switch, hang-up, quit).
pub fn end(socket: &Path, token: &str) -> Result<(), String> {
    match request(socket, Op::End { token: token.into() })? {
        Response::Ended => Ok(()),
        Response::Refused { error } => Err(error),
        other => Err(format!("unexpected answer {other:?}")),
    }
}
