//! What `logs` reads and which entries it prints, from the command line and the config.

use crate::cli::LogsArgs;
use crate::collectors::journal::format::cursor::hex;
use crate::collectors::journal::format::{Direction, EntryRef, Journal, Matches, Search};
use crate::collectors::{journal, proc_root};
use crate::config::Config;
use crate::model::logs::{Fields, parse_priority};
use std::path::PathBuf;

/// The most `--file` arguments one command may name: each is mapped and walked.
pub const MAX_FILES: usize = 64;

/// journalctl's MESSAGE_ID of a coredump (`-u` shows the unit's coredumps too).
const COREDUMP_ID: &[u8] = b"fc2e22bc6ee647b6b90729ab34a250b1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Dirs(Vec<PathBuf>),
    Files(Vec<PathBuf>),
}

/// Which boot `-b` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boot {
    Any,
    /// This machine's boot (reading the host's journal).
    This([u8; 16]),
    /// The newest boot in the journal (`-D`/`--file`, as journalctl does).
    Newest,
}

#[derive(Debug)]
pub struct Plan {
    pub source: Source,
    pub matches: Matches,
    pub search: Option<Search>,
    pub units: Vec<String>,
    pub max_level: Option<u8>,
    pub json: bool,
    boot: Boot,
}

impl Plan {
    pub fn new(args: &LogsArgs, config: &Config) -> Result<Plan, String> {
        let source = source(args, config)?;
        let units: Vec<String> =
            if args.units.is_empty() { config.journal.units.clone() } else { args.units.clone() };
        let units: Vec<String> = units.iter().map(|u| mangle(u)).collect();
        let max_level = match &args.priority {
            Some(p) => {
                Some(parse_priority(p).ok_or_else(|| format!("bad priority {p:?}: 0-7 or emerg..debug"))?)
            }
            None => Some(config.journal.priority).filter(|p| *p < 7),
        };
        let boot = match (args.boot, &source) {
            (false, _) => Boot::Any,
            (true, _) if args.directory.is_some() || !args.files.is_empty() => Boot::Newest,
            (true, _) => Boot::This(
                crate::collectors::journal::reader::current_boot_id(&proc_root())
                    .ok_or("cannot read this boot's id")?,
            ),
        };
        let search = args.grep.as_deref().map(search).transpose()?;
        let mut matches = Matches::default();
        if !units.is_empty() {
            let fields = ["_SYSTEMD_UNIT", "UNIT", "OBJECT_SYSTEMD_UNIT", "COREDUMP_UNIT"];
            matches = matches.any(units.iter().flat_map(|u| fields.map(|f| (f, u.as_bytes()))));
        }
        Ok(Plan { source, matches, search, units, max_level, json: args.json, boot })
    }

    /// The plan with `-b` turned into a match on the journal just opened.
    pub fn resolve(mut self, j: &Journal) -> Plan {
        let id = match self.boot {
            Boot::Any => return self,
            Boot::This(id) => id,
            Boot::Newest => match j.walk(&Matches::default(), None, Direction::Backward).next() {
                Some(e) => e.entry.boot_id,
                None => return self,
            },
        };
        let id = hex(&id);
        self.matches = self.matches.any([("_BOOT_ID", id.as_bytes())]);
        self
    }

    /// What the hash-table matches cannot say: journalctl's `-u` (UNIT= only from PID 1,
    /// OBJECT_SYSTEMD_UNIT= and coredumps only from root) and F1's level, parsed from the
    /// message when journald says info or notice.
    pub fn admits(&self, e: &EntryRef) -> bool {
        if self.units.is_empty() && self.max_level.is_none() {
            return true;
        }
        let d = e.decode();
        let is = |f: &str, v: &[u8]| d.field(f) == Some(v);
        let unit_in = |f: &str| d.field(f).is_some_and(|v| self.units.iter().any(|u| u.as_bytes() == v));
        let unit_ok = self.units.is_empty()
            || unit_in("_SYSTEMD_UNIT")
            || (unit_in("UNIT") && is("_PID", b"1"))
            || (unit_in("OBJECT_SYSTEMD_UNIT") && is("_UID", b"0"))
            || (unit_in("COREDUMP_UNIT") && is("_UID", b"0") && is("MESSAGE_ID", COREDUMP_ID));
        unit_ok && self.max_level.is_none_or(|max| d.level() <= max)
    }

    /// Whether the MESSAGE of `e` matches `-g` (used when following, where new entries are
    /// few and the value scan of a search would be the whole journal again).
    pub fn message_matches(&self, e: &EntryRef) -> bool {
        self.search.as_ref().is_none_or(|s| e.get("MESSAGE").is_some_and(|m| s.is_match(&m)))
    }
}

fn source(args: &LogsArgs, config: &Config) -> Result<Source, String> {
    if args.files.len() > MAX_FILES {
        return Err(format!("too many --file arguments ({}; at most {MAX_FILES})", args.files.len()));
    }
    if !args.files.is_empty() {
        return Ok(Source::Files(args.files.clone()));
    }
    let dirs = match args.directory.clone().or_else(|| config.journal.directory.clone()) {
        Some(d) => vec![d],
        None => journal::directories(&config.journal),
    };
    if !dirs.iter().any(|d| d.is_dir()) {
        let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(format!("no journal directory: {} does not exist", shown.join(", ")));
    }
    Ok(Source::Dirs(dirs))
}

/// journalctl's case rule; text that is not a valid regex is looked for as it is.
fn search(pattern: &str) -> Result<Search, String> {
    Search::new(pattern)
        .or_else(|_| Search::new(&regex::escape(pattern)))
        .map_err(|e| format!("bad pattern {pattern:?}: {e}"))
}

/// journalctl's `-u NAME`: a name without a unit type means the service.
fn mangle(unit: &str) -> String {
    let types = [
        ".service",
        ".socket",
        ".target",
        ".device",
        ".mount",
        ".automount",
        ".swap",
        ".timer",
        ".path",
        ".slice",
        ".scope",
    ];
    if types.iter().any(|t| unit.ends_with(t)) || unit.contains(['*', '?', '[']) {
        unit.to_string()
    } else {
        format!("{unit}.service")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_are_mangled_like_journalctl() {
        assert_eq!(mangle("sshd"), "sshd.service");
        assert_eq!(mangle("sshd.service"), "sshd.service");
        assert_eq!(mangle("user@1000.service"), "user@1000.service");
        assert_eq!(mangle("systemd-journald.socket"), "systemd-journald.socket");
    }

    #[test]
    fn too_many_files_are_refused() {
        let args = LogsArgs { files: vec![PathBuf::from("/x"); MAX_FILES + 1], ..LogsArgs::default() };
        let err = Plan::new(&args, &Config::default()).unwrap_err();
        assert!(err.contains("too many --file"), "{err}");
        let args = LogsArgs { files: vec![PathBuf::from("/x"); MAX_FILES], ..LogsArgs::default() };
        assert!(Plan::new(&args, &Config::default()).is_ok());
    }
}
