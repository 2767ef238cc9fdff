//! `logs`: journal lines as F1 filters them, text or journalctl-compatible JSON.

use crate::cli::LogsArgs;
use crate::collectors::journal::reader::{self, Filter, JournalReader, Origin};
use crate::collectors::{journal, proc_root};
use crate::config::Config;
use crate::model::logs::{LogEntry, TextMatch, parse_priority};
use crate::ui::fmt::sanitize;
use std::io::Write;
use std::time::Duration;

fn origin(args: &LogsArgs, config: &Config) -> Origin {
    if !args.files.is_empty() {
        return Origin::Files(args.files.clone());
    }
    let dir = args.directory.clone().or_else(|| config.journal.directory.clone());
    match dir {
        Some(d) => Origin::Directories(vec![d]),
        None => Origin::Directories(journal::directories(&config.journal)),
    }
}

fn filter(args: &LogsArgs, config: &Config) -> Result<Filter, String> {
    let units = if args.units.is_empty() { config.journal.units.clone() } else { args.units.clone() };
    let max_level = match &args.priority {
        Some(p) => Some(parse_priority(p).ok_or_else(|| format!("bad priority {p:?}: 0-7 or emerg..debug"))?),
        None => Some(config.journal.priority).filter(|p| *p < 7),
    };
    let boot_id = if args.boot {
        Some(reader::current_boot_id(&proc_root()).ok_or("cannot read this boot's id")?)
    } else {
        None
    };
    let text = args.grep.as_deref().map(TextMatch::new);
    Ok(Filter { units, max_level, boot_id, text, ..Filter::default() })
}

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

fn print(out: &mut impl Write, entries: &[LogEntry], json: bool) -> std::io::Result<()> {
    for e in entries {
        if json {
            writeln!(out, "{}", journal::json::to_json(e))?;
        } else {
            writeln!(out, "{}", short_line(e))?;
        }
    }
    out.flush()
}

/// Polls for entries after the last one printed; reopens so rotated files are seen.
fn follow(origin: &Origin, filter: &Filter, mut last: Option<LogEntry>, json: bool) -> u8 {
    let mut out = std::io::stdout().lock();
    loop {
        std::thread::sleep(Duration::from_millis(250));
        let Ok(r) = JournalReader::open(origin) else { continue };
        let Ok(new) = r.after(last.as_ref(), filter) else { continue };
        if print(&mut out, &new, json).is_err() {
            return 0; // the reader went away (pipe closed)
        }
        if let Some(e) = new.into_iter().last() {
            last = Some(e);
        }
    }
}

pub fn run(args: &LogsArgs, config: &Config) -> u8 {
    let filter = match filter(args, config) {
        Ok(f) => f,
        Err(why) => {
            eprintln!("hypervisor-tui logs: {why}");
            return 2;
        }
    };
    let origin = origin(args, config);
    let n = args.lines.unwrap_or(if args.follow { 10 } else { usize::MAX });
    let (entries, fallback) = match reader::tail(&origin, n, &filter) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hypervisor-tui logs: {e}");
            return 1;
        }
    };
    if fallback {
        eprintln!("hypervisor-tui logs: the file could not be read directly; read through journalctl");
    }
    if print(&mut std::io::stdout().lock(), &entries, args.json).is_err() {
        return 0;
    }
    if args.follow {
        return follow(&origin, &filter, entries.into_iter().last(), args.json);
    }
    0
}
