//! Which journal entries F1 and `logs` show: units, level, boot, text, kernel messages.
//! Plain data shared by the view (which edits it) and the journal reader (which applies it).

use super::logs::{Fields, TextMatch};

/// Which entries to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Units, any of which matches; empty means all.
    pub units: Vec<String>,
    /// Most verbose level shown (the level parsed from the message counts).
    pub max_level: Option<u8>,
    /// Only this boot.
    pub boot_id: Option<[u8; 16]>,
    /// Only the boot before this one (resolved by the reader into `boot_id`).
    pub boot_before: Option<[u8; 16]>,
    /// Only messages matching this.
    pub text: Option<TextMatch>,
    /// Kernel messages shown.
    pub kernel: bool,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            units: Vec::new(),
            max_level: None,
            boot_id: None,
            boot_before: None,
            text: None,
            kernel: true,
        }
    }
}

/// The fields a unit filter looks at.
pub const UNIT_FIELDS: [&str; 3] = ["_SYSTEMD_UNIT", "UNIT", "OBJECT_SYSTEMD_UNIT"];

impl Filter {
    /// F1's starting filter: `[journal] units` and `priority`.
    pub fn from_config(cfg: &crate::config::JournalConfig) -> Filter {
        Filter {
            units: cfg.units.clone(),
            max_level: Some(cfg.priority).filter(|p| *p < 7),
            ..Filter::default()
        }
    }

    /// The whole filter on one entry (queries apply units and boot already; live
    /// entries and the journalctl fallback need all of it).
    pub fn admits(&self, e: &impl Fields) -> bool {
        let unit_ok = self.units.is_empty()
            || UNIT_FIELDS
                .iter()
                .any(|f| e.field(f).is_some_and(|v| self.units.iter().any(|u| u.as_bytes() == v)));
        let kernel_ok = self.kernel || e.field("_TRANSPORT") != Some(b"kernel".as_slice());
        let text_ok = self
            .text
            .as_ref()
            .is_none_or(|t| t.is_match(&String::from_utf8_lossy(e.field("MESSAGE").unwrap_or_default())));
        unit_ok
            && self.boot_id.is_none_or(|b| b == e.boot())
            && kernel_ok
            && text_ok
            && self.max_level.is_none_or(|max| e.level() <= max)
    }

    /// Whether every entry passes (no post-filtering needed).
    pub fn is_open(&self) -> bool {
        self.max_level.is_none() && self.text.is_none() && self.kernel
    }
}
