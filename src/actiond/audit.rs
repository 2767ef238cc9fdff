//! The audit record: one journal entry per attempt, sent with journald's native protocol
//! (a datagram of `KEY=value\n` fields; a value with a newline is `KEY\n`, its length as
//! 64-bit little-endian, the bytes, `\n`). No record, no action: a verb runs only after its
//! intent record was accepted by the socket.

use std::io;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

/// journald's native socket.
pub const JOURNAL_SOCKET: &str = "/run/systemd/journal/socket";

/// Stable ids (`journalctl MESSAGE_ID=…`), documented in README "Actions".
pub const MSG_AUTH: &str = "267cec4095ff664ffbee19b59572d298";
/// Written before a verb runs: who asked for what, and why.
pub const MSG_ACTION_START: &str = "42f929c9e59134ed8446356784fcb67f";
/// Written after a verb ran (or was refused before running): the result.
pub const MSG_ACTION_RESULT: &str = "acbe6eef60fa86e8e8bfb1543b42c353";

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
            ("SYSLOG_IDENTIFIER", "hypervisor-tui-actiond".to_string()),
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

impl Journal {
    pub fn new(socket: &Path) -> Self {
        Journal { socket: socket.to_path_buf() }
    }

    /// Sends one record; an error means it was not recorded.
    pub fn write(&self, record: &Record) -> io::Result<()> {
        let sock = UnixDatagram::unbound()?;
        let bytes = record.encode();
        let sent = sock.send_to(&bytes, &self.socket)?;
        if sent != bytes.len() {
            return Err(io::Error::other("the journal took part of the record"));
        }
        Ok(())
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
    }
}
