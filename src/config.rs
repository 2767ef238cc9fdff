//! TOML configuration: `Config` with every key of SPEC §5, validated, with
//! errors that name the file, the key and the line.

mod actions;
mod locate;

pub use actions::{
    AUDIT_IDENTIFIER, ActionsConfig, DEFAULT_SOCKET as DEFAULT_ACTIONS_SOCKET, Severity, Verb,
};

use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the console looks when `--config` is not given.
pub const DEFAULT_PATH: &str = "/etc/hypervisor-tui/config.toml";

/// Largest config file read: a FIFO, a device or a huge file is refused, not read.
pub const MAX_BYTES: u64 = 1 << 20;

/// The keys that are tables: written as an array, serde would take them positionally.
const TABLES: [&str; 6] = ["journal", "kubernetes", "libvirt", "network", "alerts", "actions"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GlyphChoice {
    #[default]
    Auto,
    Unicode,
    Ascii,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Seconds between samples of the polled sources.
    pub refresh_interval: u64,
    /// Journal entries kept in memory for F1.
    pub log_buffer_size: usize,
    pub glyphs: GlyphChoice,
    /// Whether `q` / Ctrl-C end the console (the NixOS module sets false).
    pub allow_quit: bool,
    pub journal: JournalConfig,
    pub kubernetes: KubernetesConfig,
    pub libvirt: LibvirtConfig,
    pub network: NetworkConfig,
    pub alerts: AlertsConfig,
    /// Guarded actions (off by default: the console is read-only).
    pub actions: ActionsConfig,
    /// Zone of every time shown: "local" (the host's), "UTC", or an IANA name.
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JournalConfig {
    /// Units shown on F1; empty means all.
    pub units: Vec<String>,
    /// Most verbose priority shown (0 emerg … 7 debug).
    pub priority: u8,
    /// Read this journal directory instead of the host's.
    pub directory: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KubernetesConfig {
    pub enabled: bool,
    /// Explicit kubeconfig; otherwise KUBECONFIG, k3s, ~/.kube/config, in-cluster.
    pub kubeconfig: Option<PathBuf>,
    /// This host's node name in the cluster; the hostname when unset.
    pub node_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LibvirtConfig {
    pub uris: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// Extra URLs shown in F3's management banner.
    pub management_urls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// Gauges turn yellow at or above this percentage.
    pub warn_percent: u8,
    /// CPU busy percentage that turns red.
    pub cpu_percent: u8,
    /// Memory used percentage that turns red and raises an alert.
    pub memory_percent: u8,
    /// Filesystem used percentage that turns red and raises an alert.
    pub disk_percent: u8,
    /// Swap used percentage that raises an alert.
    pub swap_percent: u8,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            refresh_interval: 2,
            log_buffer_size: 10_000,
            glyphs: GlyphChoice::Auto,
            allow_quit: true,
            journal: JournalConfig::default(),
            kubernetes: KubernetesConfig::default(),
            libvirt: LibvirtConfig::default(),
            network: NetworkConfig::default(),
            alerts: AlertsConfig::default(),
            actions: ActionsConfig::default(),
            time_zone: "local".into(),
        }
    }
}

impl Default for JournalConfig {
    fn default() -> Self {
        JournalConfig { units: Vec::new(), priority: 7, directory: None }
    }
}

impl Default for KubernetesConfig {
    fn default() -> Self {
        KubernetesConfig { enabled: true, kubeconfig: None, node_name: None }
    }
}

impl Default for LibvirtConfig {
    fn default() -> Self {
        LibvirtConfig { uris: vec!["qemu:///system".into()] }
    }
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            warn_percent: 80,
            cpu_percent: 90,
            memory_percent: 90,
            disk_percent: 90,
            swap_percent: 50,
        }
    }
}

impl Config {
    pub fn refresh(&self) -> Duration {
        Duration::from_secs(self.refresh_interval)
    }

    /// Loads `path`; when `explicit` is false a missing file means defaults, and so does
    /// `/dev/null`. Only a regular file of at most `MAX_BYTES` is read, and it must be UTF-8.
    pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
        let err = |line: Option<usize>, key: Option<String>, message: String| ConfigError {
            file: path.to_path_buf(),
            key,
            line,
            message,
        };
        if path == Path::new("/dev/null") {
            // The usual way to say "no configuration": the defaults.
            return Ok(Config::default());
        }
        let bytes = match locate::read_regular(path, MAX_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => return Ok(Config::default()),
            Err(e) => return Err(err(None, None, format!("cannot read: {e}"))),
        };
        match String::from_utf8(bytes) {
            Ok(text) => Config::parse(&text, path),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes());
                let key = locate::key_near(&lossy, at);
                Err(err(
                    Some(locate::line_at(&lossy, at)),
                    key,
                    "invalid UTF-8 (the file must be UTF-8)".into(),
                ))
            }
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let err = |key: Option<String>, line: Option<usize>, message: String| ConfigError {
            file: path.to_path_buf(),
            key,
            line,
            message,
        };
        if let Some((key, line)) = locate::arrays_for_tables(text, &TABLES) {
            return Err(err(
                Some(key),
                Some(line),
                "must be a table ([section] or { … }), not an array".into(),
            ));
        }
        let config: Config = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let (key, line) = match e.span() {
                    Some(span) => locate::key_at(text, span),
                    // Some errors (a recursion limit) carry no position: find the first line
                    // whose prefix of the file no longer parses.
                    None => locate::first_bad_line(text),
                };
                return Err(err(key, line, e.message().trim().to_string()));
            }
        };
        match config.validate() {
            Ok(()) => Ok(config),
            Err(bad) => {
                // Name a key that is in the file: a cross-check against a default names the
                // key the operator wrote.
                let (key, line) = match locate::line_of_key(text, &bad.key) {
                    Some(line) => (bad.key, Some(line)),
                    None => {
                        match bad.also.as_deref().and_then(|k| Some((k, locate::line_of_key(text, k)?))) {
                            Some((k, line)) => (k.to_string(), Some(line)),
                            None => (bad.key, None),
                        }
                    }
                };
                Err(err(Some(key), line, bad.message))
            }
        }
    }

    /// Range and consistency checks serde cannot express.
    fn validate(&self) -> Result<(), Invalid> {
        let bad = |k: &str, m: String| Err(Invalid { key: k.to_string(), message: m, also: None });
        if !(1..=3600).contains(&self.refresh_interval) {
            return bad(
                "refresh_interval",
                format!("{} is out of range 1..=3600 seconds", self.refresh_interval),
            );
        }
        if !(100..=1_000_000).contains(&self.log_buffer_size) {
            return bad("log_buffer_size", format!("{} is out of range 100..=1000000", self.log_buffer_size));
        }
        if self.journal.priority > 7 {
            return bad(
                "journal.priority",
                format!("{} is out of range 0 (emerg) ..= 7 (debug)", self.journal.priority),
            );
        }
        if let Some(u) = self.journal.units.iter().find(|u| u.trim().is_empty()) {
            return bad("journal.units", format!("unit name {u:?} is empty"));
        }
        if let Some(u) = self.libvirt.uris.iter().find(|u| !u.contains(':')) {
            return bad("libvirt.uris", format!("{u:?} is not a libvirt URI (e.g. qemu:///system)"));
        }
        if let Err(why) = crate::timefmt::zone_named(&self.time_zone) {
            return bad("time_zone", why);
        }
        if let Err((key, why)) = self.actions.validate() {
            return bad(key, why);
        }
        self.alerts.validate()
    }
}

/// A value that failed a check: its dotted key, why, and the other key of a cross-check.
struct Invalid {
    key: String,
    message: String,
    also: Option<String>,
}

impl AlertsConfig {
    fn validate(&self) -> Result<(), Invalid> {
        let fields = [
            ("alerts.warn_percent", self.warn_percent),
            ("alerts.cpu_percent", self.cpu_percent),
            ("alerts.memory_percent", self.memory_percent),
            ("alerts.disk_percent", self.disk_percent),
            ("alerts.swap_percent", self.swap_percent),
        ];
        if let Some((k, v)) = fields.iter().find(|(_, v)| !(1..=100).contains(v)) {
            return Err(Invalid {
                key: k.to_string(),
                message: format!("{v} is out of range 1..=100 percent"),
                also: None,
            });
        }
        if let Some((k, v)) = fields[1..4].iter().find(|(_, v)| *v < self.warn_percent) {
            return Err(Invalid {
                key: k.to_string(),
                message: format!(
                    "{k} ({v}) is below alerts.warn_percent ({}); red must not come before yellow",
                    self.warn_percent
                ),
                also: Some("alerts.warn_percent".into()),
            });
        }
        Ok(())
    }

    /// Severity of a percentage against a red threshold: 0 ok, 1 warn, 2 critical.
    pub fn level(&self, percent: f64, crit: u8) -> u8 {
        if percent >= f64::from(crit) {
            2
        } else if percent >= f64::from(self.warn_percent) {
            1
        } else {
            0
        }
    }
}

/// A configuration problem, printed as `file:line: key `k`: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub key: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Config, ConfigError> {
        Config::parse(s, Path::new("/t/config.toml"))
    }

    #[test]
    fn empty_is_default() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn a_partial_table_keeps_the_other_defaults() {
        let c = parse("[journal]\nunits = [\"a.service\"]\n[alerts]\ndisk_percent = 95\n").unwrap();
        assert_eq!(c.journal.priority, 7);
        assert_eq!(c.alerts.warn_percent, 80);
        assert_eq!(c.libvirt, LibvirtConfig::default());
    }

    #[test]
    fn unknown_nested_key_names_path_and_line() {
        let e = parse("refresh_interval = 2\n\n[journal]\nunits = []\ncolour = true\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("journal.colour"));
        assert_eq!(e.line, Some(5));
        assert!(e.message.contains("unknown field"), "{}", e.message);
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let e = parse("glyphs = \"ascii\"\nrefresh_interval = \"fast\"\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("refresh_interval"));
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn bad_enum_value_names_key() {
        let e = parse("\nglyphs = \"emoji\"\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("glyphs"), Some(2)));
    }

    #[test]
    fn out_of_range_names_key_and_line() {
        let e = parse("[alerts]\nwarn_percent = 80\ndisk_percent = 50\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("alerts.disk_percent"), Some(3)));
        let e = parse("refresh_interval = 0\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("refresh_interval"), Some(1)));
    }

    #[test]
    fn dotted_and_inline_keys_are_located() {
        let e = parse("alerts.cpu_percent = 101\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("alerts.cpu_percent"), Some(1)));
        let e = parse("libvirt = { uris = [\"nope\"] }\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("libvirt.uris"), Some(1)));
    }

    #[test]
    fn syntax_error_has_line() {
        let e = parse("a = 1\nb = \n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn time_zone_is_checked() {
        assert_eq!(parse("time_zone = \"UTC\"\n").unwrap().time_zone, "UTC");
        let e = parse("refresh_interval = 2\ntime_zone = \"Mars/Base\"\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("time_zone"), Some(2)));
        assert!(e.message.contains("Mars/Base"), "{}", e.message);
    }

    #[test]
    fn tables_written_as_arrays_are_refused() {
        for body in ["journal = [[], 7, \"/x\", 5]\n", "refresh_interval = 2\njournal = []\n"] {
            let e = parse(body).unwrap_err();
            assert_eq!(e.key.as_deref(), Some("journal"), "{body}");
            assert_eq!(e.line, Some(body.lines().count()), "{body}");
            assert!(e.message.contains("table"), "{}", e.message);
        }
        assert!(parse("[journal]\nunits = []\n").is_ok());
        assert!(parse("journal = { units = [] }\n").is_ok());
    }

    #[test]
    fn errors_without_a_position_still_name_line_and_key() {
        let deep = format!("refresh_interval = 2\n{} = 1\n", ["a"; 100].join("."));
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.key.as_deref().is_some_and(|k| k.starts_with("a.a.a")), "{e}");
    }

    #[test]
    fn a_cross_check_names_the_key_in_the_file() {
        let e = parse("\n[alerts]\nwarn_percent = 95\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("alerts.warn_percent"), Some(3)), "{e}");
        assert!(e.message.contains("alerts.cpu_percent (90)"), "{e}");
    }

    #[test]
    fn load_refuses_what_is_not_a_small_regular_file_and_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = Config::load(&fifo, true).unwrap_err();
        assert!(e.message.contains("not a regular file"), "{e}");
        let e = Config::load(Path::new("/dev/zero"), true).unwrap_err();
        assert!(e.message.contains("not a regular file"), "{e}");
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; MAX_BYTES as usize + 1]).unwrap();
        assert!(Config::load(&big, true).unwrap_err().message.contains("larger than"));
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, b"refresh_interval = 2\n[journal]\nunits = [\"a\xff\"]\n").unwrap();
        let e = Config::load(&bad, true).unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("journal.units"), Some(3)), "{e}");
        assert!(e.message.contains("UTF-8"), "{e}");
    }

    #[test]
    fn actions_are_off_by_default_and_checked() {
        let c = parse("").unwrap();
        assert!(!c.actions.enabled);
        let c = parse("[actions]\nenabled = true\nallow = [\"guest.start\"]\n").unwrap();
        assert!(c.actions.allows(Verb::GuestStart) && !c.actions.allows(Verb::GuestForceOff));
        let e = parse("[actions]\nenabled = true\nallow = [\"guest.explode\"]\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("actions.allow"), Some(3)), "{e}");
        let e = parse("[actions]\n\noperator_group = \"a b\"\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("actions.operator_group"), Some(3)), "{e}");
        let e = parse("[actions]\nunits = [\"k3s.service\", \"../etc/x\"]\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("actions.units"), Some(2)), "{e}");
        assert!(parse("[actions]\nunits = [\"getty@tty2.service\"]\n").is_ok());
        let e = parse("[actions]\nsocket = \"rel.sock\"\n").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("actions.socket"), Some(2)), "{e}");
    }

    #[test]
    fn levels() {
        let a = AlertsConfig::default();
        assert_eq!((a.level(10.0, 90), a.level(85.0, 90), a.level(95.0, 90)), (0, 1, 2));
    }
}
