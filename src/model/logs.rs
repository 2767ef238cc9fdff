//! Journal entries as the console keeps them: fields as bytes, several values allowed.

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub cursor: String,
    pub boot_id: [u8; 16],
    pub realtime_usec: u64,
    pub monotonic_usec: u64,
    /// Fields in the entry's order; a field may appear more than once.
    pub fields: Vec<(Box<str>, Box<[u8]>)>,
}

/// Read access to an entry's fields, whoever holds them (our `LogEntry`, or the reader's
/// own entry before anything is copied).
pub trait Fields {
    /// The first value of `name`.
    fn field(&self, name: &str) -> Option<&[u8]>;
    fn boot(&self) -> [u8; 16];

    /// journald's PRIORITY, 6 (info) when absent or malformed.
    fn journal_priority(&self) -> u8 {
        self.field("PRIORITY")
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|p| *p <= 7)
            .unwrap_or(6)
    }

    /// The real severity: k3s, kubelet, containerd and klog log everything at 6, so the
    /// level written in the message wins when there is one.
    fn level(&self) -> u8 {
        let p = self.journal_priority();
        match self.field("MESSAGE").and_then(level_in_message) {
            Some(l) if p == 6 || p == 5 => l,
            _ => p,
        }
    }
}

impl Fields for LogEntry {
    fn field(&self, name: &str) -> Option<&[u8]> {
        self.get(name)
    }

    fn boot(&self) -> [u8; 16] {
        self.boot_id
    }
}

impl LogEntry {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.fields.iter().find(|(k, _)| &**k == name).map(|(_, v)| &**v)
    }

    pub fn get_str(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| String::from_utf8_lossy(v).into_owned())
    }

    pub fn boot_id_hex(&self) -> String {
        hex16(&self.boot_id)
    }
}

/// A 128-bit id (boot, machine) as journald writes it: 32 lowercase hex digits.
pub fn hex16(id: &[u8; 16]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(32);
    for b in id {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The level a k3s/containerd (`level=error`) or klog (`E1122 10:00:00.000 …`) line states.
pub fn level_in_message(msg: &[u8]) -> Option<u8> {
    if let Some(l) = klog_level(msg) {
        return Some(l);
    }
    let text = std::str::from_utf8(msg.get(..msg.len().min(512))?).ok()?;
    let pos = text.find("level=")?;
    let word: String =
        text[pos + 6..].trim_start_matches('"').chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    match word.to_ascii_lowercase().as_str() {
        "panic" | "fatal" => Some(2),
        "error" | "err" => Some(3),
        "warning" | "warn" => Some(4),
        "info" => Some(6),
        "debug" | "trace" => Some(7),
        _ => None,
    }
}

/// klog's header: a letter among I/W/E/F then MMDD and a space.
fn klog_level(msg: &[u8]) -> Option<u8> {
    let (first, rest) = msg.split_first()?;
    let digits = rest.get(..4)?;
    if !digits.iter().all(u8::is_ascii_digit) || rest.get(4) != Some(&b' ') {
        return None;
    }
    match first {
        b'F' => Some(2),
        b'E' => Some(3),
        b'W' => Some(4),
        b'I' => Some(6),
        _ => None,
    }
}

/// "err" → 3, "3" → 3; journalctl's names.
pub fn parse_priority(s: &str) -> Option<u8> {
    const NAMES: [&str; 8] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
    s.parse::<u8>().ok().filter(|p| *p <= 7).or_else(|| NAMES.iter().position(|n| *n == s).map(|i| i as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(prio: &str, msg: &str) -> LogEntry {
        LogEntry {
            cursor: String::new(),
            boot_id: [0; 16],
            realtime_usec: 0,
            monotonic_usec: 0,
            fields: vec![
                ("PRIORITY".into(), prio.as_bytes().into()),
                ("MESSAGE".into(), msg.as_bytes().into()),
            ],
        }
    }

    #[test]
    fn levels_from_messages() {
        assert_eq!(entry("6", "time=\"x\" level=error msg=\"boom\"").level(), 3);
        assert_eq!(entry("6", "E1122 10:00:00.000000    1234 pod.go:1] failed").level(), 3);
        assert_eq!(entry("6", "W0101 00:00:00.0 x").level(), 4);
        assert_eq!(entry("6", "Everything fine").level(), 6);
        assert_eq!(entry("3", "level=info but journald says err").level(), 3);
        assert_eq!(entry("x", "no priority").level(), 6);
        assert_eq!(entry("6", "E").level(), 6);
    }

    #[test]
    fn priority_names() {
        assert_eq!(parse_priority("err"), Some(3));
        assert_eq!(parse_priority("7"), Some(7));
        assert_eq!(parse_priority("8"), None);
        assert_eq!(parse_priority("loud"), None);
    }
}

/// The most matches highlighted in one line.
pub const MAX_HIGHLIGHTS: usize = 256;

/// A text filter or search: a case-insensitive regex, or, when the pattern is not a valid
/// regex, the pattern as a case-insensitive literal (the same case rule either way).
#[derive(Debug, Clone)]
pub struct TextMatch {
    pub pattern: String,
    /// `None` only for a literal too big to compile: it matches nothing.
    regex: Option<regex::Regex>,
    literal: bool,
}

impl PartialEq for TextMatch {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for TextMatch {}

impl TextMatch {
    pub fn new(pattern: &str) -> Self {
        let build = |p: &str| regex::RegexBuilder::new(p).case_insensitive(true).size_limit(1 << 20).build();
        match build(pattern) {
            Ok(regex) => TextMatch { pattern: pattern.to_string(), regex: Some(regex), literal: false },
            Err(_) => {
                let regex = build(&regex::escape(pattern)).ok();
                TextMatch { pattern: pattern.to_string(), regex, literal: true }
            }
        }
    }

    pub fn is_regex(&self) -> bool {
        !self.literal
    }

    /// Byte ranges of the matches in `text`, at most [`MAX_HIGHLIGHTS`] (a hostile line
    /// full of one-character matches would otherwise cost a range per character).
    pub fn find_all(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let Some(r) = &self.regex else { return Vec::new() };
        r.find_iter(text).filter(|m| !m.is_empty()).map(|m| m.range()).take(MAX_HIGHLIGHTS).collect()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex.as_ref().is_some_and(|r| r.is_match(text))
    }
}

#[cfg(test)]
mod text_tests {
    use super::TextMatch;

    #[test]
    fn regex_or_substring() {
        let m = TextMatch::new("fail(ed)?");
        assert!(m.is_regex());
        assert_eq!(m.find_all("Failed, then fail"), vec![0..6, 13..17]);
        let bad = TextMatch::new("vm[1");
        assert!(!bad.is_regex());
        assert_eq!(bad.find_all("x vm[1 y"), vec![2..6]);
        // A hostile line: a match per character, a million of them.
        let hostile = "a".repeat(1_000_000);
        let ranges = TextMatch::new("a").find_all(&hostile);
        assert_eq!(ranges.len(), super::MAX_HIGHLIGHTS);
        assert_eq!(ranges.last(), Some(&(255..256)));
        assert!(bad.is_match("VM[1 failed"), "the literal fallback ignores case like the regex path");
        assert!(!bad.is_match("vm1"));
    }
}
