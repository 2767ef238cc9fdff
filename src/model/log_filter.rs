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
    /// Field matches as journalctl takes them (`HVTUI_ACTION=guest.force-off`): an entry
    /// must carry every key named, with one of the values given for it.
    pub fields: Vec<(String, String)>,
}

pub use crate::config::AUDIT_IDENTIFIER;

/// `KEY=value` words, each a journal field match (`MESSAGE_ID=…`, `HVTUI_OPERATOR=alice`);
/// `None` when any word is not one (then the text is a text filter).
pub fn parse_field_matches(text: &str) -> Option<Vec<(String, String)>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    words
        .into_iter()
        .map(|w| {
            let (k, v) = w.split_once('=')?;
            let key_ok = k.len() <= 64
                && k.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
                && k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            (key_ok && !v.is_empty()).then(|| (k.to_string(), v.to_string()))
        })
        .collect()
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
            fields: Vec::new(),
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
        let fields_ok = self.fields.iter().all(|(key, _)| {
            e.field(key).is_some_and(|v| self.fields.iter().any(|(k, want)| k == key && want.as_bytes() == v))
        });
        unit_ok
            && fields_ok
            && self.boot_id.is_none_or(|b| b == e.boot())
            && kernel_ok
            && text_ok
            && self.max_level.is_none_or(|max| e.level() <= max)
    }

    /// Whether every entry passes (no post-filtering needed).
    pub fn is_open(&self) -> bool {
        self.max_level.is_none() && self.text.is_none() && self.kernel && self.fields.is_empty()
    }

    /// The field matches grouped by key, in first-seen order: OR within a key, AND across.
    pub fn field_groups(&self) -> Vec<(&str, Vec<&str>)> {
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for (k, v) in &self.fields {
            match groups.iter_mut().find(|(g, _)| g == k) {
                Some((_, vs)) => vs.push(v),
                None => groups.push((k, vec![v])),
            }
        }
        groups
    }

    /// Whether this is F1's audit preset.
    pub fn is_audit(&self) -> bool {
        self.fields.len() == 1 && self.fields[0] == ("SYSLOG_IDENTIFIER".into(), AUDIT_IDENTIFIER.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::logs::LogEntry;

    fn entry(fields: &[(&str, &str)]) -> LogEntry {
        LogEntry {
            cursor: String::new(),
            boot_id: [0; 16],
            realtime_usec: 0,
            monotonic_usec: 0,
            fields: fields.iter().map(|(k, v)| ((*k).into(), v.as_bytes().into())).collect(),
        }
    }

    #[test]
    fn field_matches_or_within_a_key_and_across_keys() {
        let m = parse_field_matches("HVTUI_RESULT=failed HVTUI_RESULT=refused HVTUI_OPERATOR=alice").unwrap();
        let f = Filter { fields: m, ..Filter::default() };
        assert!(!f.is_open());
        assert_eq!(
            f.field_groups(),
            [("HVTUI_RESULT", vec!["failed", "refused"]), ("HVTUI_OPERATOR", vec!["alice"])]
        );
        assert!(f.admits(&entry(&[("HVTUI_RESULT", "refused"), ("HVTUI_OPERATOR", "alice")])));
        assert!(!f.admits(&entry(&[("HVTUI_RESULT", "ok"), ("HVTUI_OPERATOR", "alice")])));
        assert!(!f.admits(&entry(&[("HVTUI_RESULT", "failed")])), "a missing key does not match");
        // Text stays text.
        for text in ["disk full", "a=b", "HVTUI_ACTION=", "=x", "HVTUI_ACTION=x and more"] {
            assert_eq!(parse_field_matches(text), None, "{text}");
        }
        let audit = Filter {
            fields: vec![("SYSLOG_IDENTIFIER".into(), AUDIT_IDENTIFIER.into())],
            ..Filter::default()
        };
        assert!(audit.is_audit() && !f.is_audit());
    }
}
