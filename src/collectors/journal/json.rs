//! journalctl's JSON (`-o json`): field names as they are, values as strings when
//! printable, byte arrays when not, arrays when a field has several values.

use crate::model::logs::LogEntry;
use serde_json::{Map, Value};

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
}
