//! journalctl's JSON (`-o json`): field names as they are, values as strings when
//! printable, byte arrays when not, arrays when a field has several values.

use super::format::EntryRef;
use super::format::cursor::hex;
use crate::model::logs::LogEntry;
use serde_json::{Map, Value};
use std::io::Write;

/// systemd's `utf8_is_printable`: valid UTF-8 with no control characters but tab and newline.
pub fn is_printable(v: &[u8]) -> bool {
    match std::str::from_utf8(v) {
        Ok(s) => s.chars().all(|c| !(c.is_control() && c != '\t' && c != '\n')),
        Err(_) => false,
    }
}

fn value(v: &[u8]) -> Value {
    if is_printable(v) {
        Value::String(String::from_utf8_lossy(v).into_owned())
    } else {
        Value::Array(v.iter().map(|b| Value::from(*b)).collect())
    }
}

/// The entry as journalctl prints it with `-o json -a`.
pub fn to_json(e: &LogEntry) -> Value {
    let mut m = Map::new();
    m.insert("__CURSOR".into(), Value::String(e.cursor.clone()));
    m.insert("__REALTIME_TIMESTAMP".into(), Value::String(e.realtime_usec.to_string()));
    m.insert("__MONOTONIC_TIMESTAMP".into(), Value::String(e.monotonic_usec.to_string()));
    for (k, v) in &e.fields {
        let new = value(v);
        match m.get_mut(&**k) {
            None => {
                m.insert(k.to_string(), new);
            }
            // A second value turns the field into an array of values.
            Some(Value::Array(items)) if items.first().is_some_and(|i| !i.is_number()) => items.push(new),
            Some(old) => {
                let first = old.take();
                *old = Value::Array(vec![first, new]);
            }
        }
    }
    // journalctl prints the entry header's boot id when the entry has no _BOOT_ID field.
    m.entry("_BOOT_ID").or_insert_with(|| Value::String(e.boot_id_hex()));
    Value::Object(m)
}

/// The entry as [`to_json`] prints it, written straight from the decoded payloads (no
/// `LogEntry`, no `Value` in between): the three `__` fields, then each field at its first
/// occurrence with all its values (an array when there are several), then `_BOOT_ID` from
/// the entry header when the entry has no such field. One line, newline-terminated.
pub fn write_entry(w: &mut impl Write, e: &EntryRef) -> std::io::Result<()> {
    let d = e.decode();
    let pairs: Vec<(&[u8], &[u8])> = d.pairs().collect();
    w.write_all(b"{\"__CURSOR\":")?;
    write_str(w, &e.cursor())?;
    write!(
        w,
        ",\"__REALTIME_TIMESTAMP\":\"{}\",\"__MONOTONIC_TIMESTAMP\":\"{}\"",
        e.entry.realtime, e.entry.monotonic
    )?;
    let mut has_boot = false;
    for (i, (k, v)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(seen, _)| seen == k) {
            continue; // printed with the field's first value
        }
        has_boot |= *k == b"_BOOT_ID";
        w.write_all(b",")?;
        write_str(w, &String::from_utf8_lossy(k))?;
        w.write_all(b":")?;
        let mut more = pairs[i + 1..].iter().filter(|(other, _)| other == k).peekable();
        if more.peek().is_none() {
            write_value(w, v)?;
            continue;
        }
        w.write_all(b"[")?;
        write_value(w, v)?;
        for (_, v) in more {
            w.write_all(b",")?;
            write_value(w, v)?;
        }
        w.write_all(b"]")?;
    }
    if !has_boot {
        write!(w, ",\"_BOOT_ID\":\"{}\"", hex(&e.entry.boot_id))?;
    }
    w.write_all(b"}\n")
}

/// A JSON string with serde_json's escaping.
fn write_str(w: &mut impl Write, s: &str) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, s).map_err(std::io::Error::other)
}

/// A value as [`value`] makes it: a string when printable, else an array of byte values.
fn write_value(w: &mut impl Write, v: &[u8]) -> std::io::Result<()> {
    if is_printable(v) {
        // Printable means valid UTF-8.
        return write_str(w, std::str::from_utf8(v).unwrap_or_default());
    }
    w.write_all(b"[")?;
    for (i, b) in v.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write!(w, "{b}")?;
    }
    w.write_all(b"]")
}

fn bytes_of(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Array(a) if a.iter().all(Value::is_number) => {
            Some(a.iter().filter_map(Value::as_u64).map(|b| b as u8).collect())
        }
        _ => None,
    }
}

fn parse_boot_id(hex: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = hex.get(i * 2..i * 2 + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0);
    }
    out
}

/// Reads one line of journalctl's JSON back into an entry (the fallback reader).
pub fn from_json(line: &str) -> Option<LogEntry> {
    let Value::Object(m) = serde_json::from_str(line).ok()? else { return None };
    let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let mut fields = Vec::new();
    for (k, v) in &m {
        if k.starts_with("__") || k == "_BOOT_ID" {
            continue;
        }
        match bytes_of(v) {
            Some(b) => fields.push((k.as_str().into(), b.into_boxed_slice())),
            None => {
                for item in v.as_array().into_iter().flatten() {
                    fields.extend(bytes_of(item).map(|b| (k.as_str().into(), b.into_boxed_slice())));
                }
            }
        }
    }
    Some(LogEntry {
        cursor: text("__CURSOR"),
        boot_id: parse_boot_id(&text("_BOOT_ID")),
        realtime_usec: text("__REALTIME_TIMESTAMP").parse().unwrap_or(0),
        monotonic_usec: text("__MONOTONIC_TIMESTAMP").parse().unwrap_or(0),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_journalctl_and_reads_back() {
        let e = LogEntry {
            cursor: "c".into(),
            boot_id: [0xab; 16],
            realtime_usec: 42,
            monotonic_usec: 7,
            fields: vec![
                ("MESSAGE".into(), b"hi\tthere\n".as_slice().into()),
                ("TAG".into(), b"alpha".as_slice().into()),
                ("TAG".into(), b"beta".as_slice().into()),
                ("BIN".into(), b"\x1b[2J\xff".as_slice().into()),
            ],
        };
        let j = to_json(&e);
        assert_eq!(j["MESSAGE"], "hi\tthere\n");
        assert_eq!(j["TAG"], serde_json::json!(["alpha", "beta"]));
        assert_eq!(j["BIN"], serde_json::json!([27, 91, 50, 74, 255]));
        assert_eq!(j["__REALTIME_TIMESTAMP"], "42");
        let back = from_json(&j.to_string()).unwrap();
        assert_eq!(back.fields.len(), 4);
        assert_eq!(back.boot_id, [0xab; 16]);
        assert_eq!(back.get("BIN"), Some(b"\x1b[2J\xff".as_slice()));
    }

    /// The direct writer prints byte for byte what `to_json` serialises, on a journal
    /// systemd-journal-remote wrote from the generator (multi-valued fields, binary
    /// values, invalid UTF-8, compressed messages, three boots).
    #[test]
    fn the_direct_writer_equals_the_value_path() {
        use crate::collectors::journal::format::{Direction, Journal, Matches};
        use crate::demo::journal_export::Options;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("system.journal");
        let opts = Options { entries: 3000, seed: 9, boots: 3, ..Options::default() };
        crate::collectors::journal::write_test_journal(&out, &opts);
        let j = Journal::open_files(&[out]);
        let (mut arrays, mut binary) = (0, 0);
        for e in j.walk(&Matches::default(), None, Direction::Forward) {
            let mut direct = Vec::new();
            write_entry(&mut direct, &e).unwrap();
            let via_value = serde_json::to_string(&to_json(&e.to_log_entry())).unwrap() + "\n";
            assert_eq!(String::from_utf8(direct).unwrap(), via_value);
            arrays += usize::from(via_value.contains("\"TAG\":["));
            binary += usize::from(via_value.contains(":[27,") || via_value.contains(":[255,"));
        }
        assert!(arrays > 0 && binary > 0, "multi-valued {arrays}, binary {binary}: the mix was there");
    }
}
