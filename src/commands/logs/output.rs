//! `logs` output: journalctl's short format made safe for a terminal, or its JSON.

use crate::collectors::journal;
use crate::collectors::journal::format::EntryRef;
use crate::model::logs::LogEntry;
use crate::ui::fmt::sanitize;
use std::io::{BufWriter, StdoutLock, Write};

/// journalctl's short format, made safe for a terminal.
pub fn short_line(e: &LogEntry) -> String {
    let ident =
        e.get_str("SYSLOG_IDENTIFIER").or_else(|| e.get_str("_COMM")).unwrap_or_else(|| "unknown".into());
    let pid =
        e.get_str("_PID").or_else(|| e.get_str("SYSLOG_PID")).map(|p| format!("[{p}]")).unwrap_or_default();
    let host = e.get_str("_HOSTNAME").unwrap_or_default();
    let msg = e.get("MESSAGE").map(|m| String::from_utf8_lossy(m).into_owned()).unwrap_or_default();
    sanitize(&format!("{} {host} {ident}{pid}: {msg}", crate::timefmt::short_usec(e.realtime_usec)))
}

/// Buffered stdout, flushed after each batch (a line-buffered stdout costs a write per line).
pub struct Printer {
    out: BufWriter<StdoutLock<'static>>,
    json: bool,
}

impl Printer {
    pub fn new(json: bool) -> Printer {
        Printer { out: BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()), json }
    }

    pub fn entry(&mut self, e: &EntryRef) -> std::io::Result<()> {
        if self.json {
            journal::json::write_entry(&mut self.out, e)
        } else {
            writeln!(self.out, "{}", short_line(&e.to_log_entry()))
        }
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
