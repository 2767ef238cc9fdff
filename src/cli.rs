//! Command line (SPEC §4): interactive by default, or one verb.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser, PartialEq)]
#[command(
    name = "hypervisor-tui",
    version,
    about = "Console for NixOS hypervisor hosts: journal, health, network and guests"
)]
pub struct Cli {
    /// Configuration file [default: /etc/hypervisor-tui/config.toml, optional]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Try the console without a host: every screen fed by embedded sources (a generated
    /// journal, libvirt's test driver, a made-up cluster on 127.0.0.1, this machine's
    /// network), in a temporary directory removed on exit. Touches nothing of the host's.
    #[arg(long)]
    pub demo: bool,

    /// Run as an SSH forced command: SSH_ORIGINAL_COMMAND picks a whitelisted verb.
    #[arg(long, hide = true)]
    pub forced_command: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand, PartialEq)]
pub enum Command {
    /// One sample of every source, as text or JSON; no terminal needed.
    Snapshot {
        /// Print the stable JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Wait at most this long for every source (and every Kubernetes kind) to answer;
        /// what did not answer by then is reported as such.
        #[arg(long, value_name = "SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60))]
        timeout: u64,
    },
    /// Journal lines as the F1 screen filters them.
    Logs(LogsArgs),
    /// Which sources are reachable, and why not.
    Check,
    /// The privileged helper behind guarded actions (started by its systemd socket unit).
    #[command(hide = true)]
    Actiond(ActiondArgs),
}

/// `actiond`'s options; the defaults are the production paths.
#[derive(Debug, Args, PartialEq, Default)]
pub struct ActiondArgs {
    /// Listen on this socket instead of the one systemd passes.
    #[arg(long, value_name = "PATH")]
    pub listen: Option<PathBuf>,
    /// Accept this peer uid (repeatable) [default: actions.client_user's uid].
    #[arg(long, value_name = "UID")]
    pub allow_uid: Vec<u32>,
    /// PAM service [default: hypervisor-tui].
    #[arg(long, value_name = "NAME")]
    pub pam_service: Option<String>,
    /// Group file for operator membership [default: /etc/group].
    #[arg(long, value_name = "PATH")]
    pub group_file: Option<PathBuf>,
    /// Passwd file for primary groups and the console user [default: /etc/passwd].
    #[arg(long, value_name = "PATH")]
    pub passwd_file: Option<PathBuf>,
    /// journald's native socket [default: /run/systemd/journal/socket].
    #[arg(long, value_name = "PATH")]
    pub journal_socket: Option<PathBuf>,
    /// actiond's kubeconfig for KubeVirt and node verbs [default: actions.kubeconfig].
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// D-Bus address of the system bus [default: unix:path=/run/dbus/system_bus_socket].
    #[arg(long, value_name = "ADDRESS")]
    pub system_bus: Option<String>,
}

#[derive(Debug, Args, PartialEq, Default)]
pub struct LogsArgs {
    /// Only this unit (repeatable).
    #[arg(short = 'u', long = "unit", value_name = "UNIT")]
    pub units: Vec<String>,
    /// Most verbose priority (0-7 or emerg..debug).
    #[arg(short = 'p', long = "priority", value_name = "PRIO")]
    pub priority: Option<String>,
    /// Number of lines.
    #[arg(short = 'n', long = "lines", value_name = "N")]
    pub lines: Option<usize>,
    /// Keep printing new entries.
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only messages matching this regex (case-insensitive unless it has capitals; as is if not a regex).
    #[arg(short = 'g', long = "grep", value_name = "PATTERN")]
    pub grep: Option<String>,
    /// Only the current boot.
    #[arg(short = 'b', long = "boot")]
    pub boot: bool,
    /// One JSON object a line, with journalctl's field names.
    #[arg(long)]
    pub json: bool,
    /// Read this journal file (repeatable).
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Read this journal directory.
    #[arg(short = 'D', long = "directory", value_name = "DIR")]
    pub directory: Option<PathBuf>,
}

/// Verbs an SSH forced command may run.
pub const FORCED_VERBS: [&str; 3] = ["snapshot", "logs", "check"];

/// `SSH_ORIGINAL_COMMAND` as the environment gives it: absent is the console, text that is
/// not UTF-8 is refused (it must not fall back to the console).
pub fn forced_command_env(var: Result<String, std::env::VarError>) -> Result<Option<Command>, String> {
    match var {
        Ok(text) => forced_command(Some(&text)),
        Err(std::env::VarError::NotPresent) => forced_command(None),
        Err(std::env::VarError::NotUnicode(_)) => Err("refused: the command is not valid UTF-8".into()),
    }
}

/// Turns `SSH_ORIGINAL_COMMAND` into a command, or says why not.
/// `None`/empty means the interactive console.
pub fn forced_command(original: Option<&str>) -> Result<Option<Command>, String> {
    let Some(text) = original.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if let Some(c) = text.chars().find(|c| !(c.is_ascii_alphanumeric() || " -_.@:=/".contains(*c))) {
        return Err(format!("refused: character {c:?} is not allowed in a command"));
    }
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    if !FORCED_VERBS.contains(&words[0]) {
        return Err(format!("refused: {:?} is not one of: {}", words[0], FORCED_VERBS.join(", ")));
    }
    if words.iter().any(|w| w.starts_with("--config") || w.starts_with("--forced-command")) {
        return Err("refused: --config cannot be given over SSH".into());
    }
    let argv = std::iter::once("hypervisor-tui").chain(words.iter().copied());
    match Cli::try_parse_from(argv) {
        Ok(cli) => Ok(cli.command),
        Err(e) => Err(format!("refused: {}", e.to_string().lines().next().unwrap_or("bad arguments"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_whitelist() {
        assert_eq!(forced_command(None), Ok(None));
        assert_eq!(forced_command(Some("  ")), Ok(None));
        assert_eq!(
            forced_command(Some("snapshot --json")),
            Ok(Some(Command::Snapshot { json: true, timeout: 5 }))
        );
        assert_eq!(
            forced_command(Some("snapshot --json --timeout 2")),
            Ok(Some(Command::Snapshot { json: true, timeout: 2 }))
        );
        assert!(forced_command(Some("snapshot --timeout 0")).is_err());
        assert_eq!(forced_command(Some("check")), Ok(Some(Command::Check)));
        assert!(matches!(forced_command(Some("logs -u sshd.service -n 5")), Ok(Some(Command::Logs(_)))));
        for bad in [
            "bash",
            "snapshot; id",
            "check && sh",
            "logs $(id)",
            "snapshot --config /tmp/x",
            "snapshot --bogus",
            "id",
        ] {
            assert!(forced_command(Some(bad)).is_err(), "{bad} accepted");
        }
    }
}
