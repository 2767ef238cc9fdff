//! The audit record: one journal entry per attempt, sent with journald's native protocol
//! (a datagram of `KEY=value\n` fields; a value with a newline is `KEY\n`, its length as
//! 64-bit little-endian, the bytes, `\n`).
//!
//! One record per attempt, written when the attempt is over, so the record says what
//! happened (`ok`, `failed`, `refused`, `locked`) rather than what was about to happen. An
//! intent record before the verb plus a result record after it would be two records per
//! attempt, and one written before acting with `started` alone would never say whether
//! the verb worked. "No record, no action" is kept by a pre-flight instead: before a verb
//! runs, actiond connects a datagram socket to journald and has an empty datagram accepted
//! on it (journald drops empty datagrams without writing anything), proving the socket is
//! there, has a reader and has room; the record then goes out on that same connected
//! socket. If the journal fails in the moment between the pre-flight and the record (a
//! verb takes seconds at most), the write is retried, and the operator is told in words
//! that the action ran without its record.

use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// journald's native socket.
pub const JOURNAL_SOCKET: &str = "/run/systemd/journal/socket";

/// Stable ids (`journalctl MESSAGE_ID=…`), documented in README "Actions".
pub const MSG_AUTH: &str = "267cec4095ff664ffbee19b59572d298";
/// An action attempt: who asked for what and why, and what came of it (run, failed or
/// refused before running).
pub const MSG_ACTION: &str = "acbe6eef60fa86e8e8bfb1543b42c353";

/// One record: its id, a human message, and the `HVTUI_*` fields.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub message_id: &'static str,
    pub message: String,
    /// syslog priority: 5 notice for success, 4 warning for refusals and failures.
    pub priority: u8,
    pub fields: Vec<(&'static str, String)>,
}

impl Record {
    pub fn message(mut self, message: String) -> Self {
        self.message = message;
        self
    }

    pub fn priority(mut self, priority: u8) -> Self {
        self.priority = priority;
        self
    }

    pub fn field(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((key, value.into()));
        self
    }

    /// The datagram journald reads.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        let fixed = [
            ("MESSAGE_ID", self.message_id.to_string()),
            ("MESSAGE", self.message.clone()),
            ("PRIORITY", self.priority.to_string()),
            ("SYSLOG_IDENTIFIER", crate::config::AUDIT_IDENTIFIER.to_string()),
        ];
        for (k, v) in fixed.iter().map(|(k, v)| (*k, v)).chain(self.fields.iter().map(|(k, v)| (*k, v))) {
            put(&mut out, k, v.as_bytes());
        }
        out
    }
}

fn put(out: &mut Vec<u8>, key: &str, value: &[u8]) {
    out.extend_from_slice(key.as_bytes());
    if value.contains(&b'\n') {
        out.push(b'\n');
        out.extend_from_slice(&(value.len() as u64).to_le_bytes());
        out.extend_from_slice(value);
    } else {
        out.push(b'=');
        out.extend_from_slice(value);
    }
    out.push(b'\n');
}

/// Where records go.
#[derive(Debug, Clone)]
pub struct Journal {
    socket: PathBuf,
}

/// A send that takes longer than this has failed (journald's queue stayed full).
const SEND_TIMEOUT: Duration = Duration::from_secs(2);
/// Tries of a record whose pre-flight passed.
const TRIES: u32 = 3;

impl Journal {
    pub fn new(socket: &Path) -> Self {
        Journal { socket: socket.to_path_buf() }
    }

    /// The pre-flight: a datagram socket connected to journald that has just had an empty
    /// datagram accepted. An error means a record could not be written now.
    pub fn open(&self) -> io::Result<Writer> {
        let sock = UnixDatagram::unbound()?;
        sock.set_write_timeout(Some(SEND_TIMEOUT))?;
        sock.connect(&self.socket)?;
        sock.send(&[])?;
        Ok(Writer { sock })
    }

    /// Sends one record now (pre-flight and record at once); an error means it was not
    /// recorded.
    pub fn write(&self, record: &Record) -> io::Result<()> {
        self.open()?.write(record)
    }
}

/// A connected socket whose pre-flight passed.
#[derive(Debug)]
pub struct Writer {
    sock: UnixDatagram,
}

impl Writer {
    /// Sends one record, retrying a failed send twice; an error means it was not recorded.
    pub fn write(&self, record: &Record) -> io::Result<()> {
        let bytes = record.encode();
        let mut last = io::Error::other("not sent");
        for attempt in 0..TRIES {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(100 << attempt));
            }
            match self.sock.send(&bytes) {
                Ok(n) if n == bytes.len() => return Ok(()),
                Ok(_) => last = io::Error::other("the journal took part of the record"),
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_plain_and_multiline_values() {
        let r = Record { message_id: MSG_AUTH, message: "m".into(), priority: 5, fields: vec![] }
            .field("HVTUI_REASON", "a\nb");
        let bytes = r.encode();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with(&format!("MESSAGE_ID={MSG_AUTH}\nMESSAGE=m\nPRIORITY=5\n")), "{text}");
        let tail = b"HVTUI_REASON\n\x03\0\0\0\0\0\0\0a\nb\n";
        assert!(bytes.ends_with(tail), "{text}");
    }

    #[test]
    fn a_missing_socket_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(&dir.path().join("none"));
        assert!(j.write(&Record::default()).is_err());
        assert!(j.open().is_err(), "the pre-flight passed without a journal");
    }

    #[test]
    fn the_preflight_is_an_empty_datagram_and_the_record_follows_on_the_same_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        let journald = UnixDatagram::bind(&path).unwrap();
        let w = Journal::new(&path).open().unwrap();
        let mut buf = [0u8; 4096];
        assert_eq!(journald.recv(&mut buf).unwrap(), 0, "the pre-flight carries nothing");
        let r = Record { message_id: MSG_ACTION, message: "m".into(), priority: 5, fields: vec![] };
        w.write(&r).unwrap();
        let n = journald.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], &r.encode()[..]);
        // A journal gone after the pre-flight: the record is an error, not a silent loss.
        drop(journald);
        assert!(w.write(&r).is_err());
    }
}
