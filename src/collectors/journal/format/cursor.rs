//! Entry locations: journalctl's cursor strings (`s=…;i=…;b=…;m=…;t=…;x=…`), the
//! `SJ1:` cursors the sdjournal-based reader printed before, and journalctl's order of
//! entries from different files.

use super::{FormatError, Result};
use std::cmp::Ordering;

/// Where an entry stands: what a cursor names. Parsed cursors may leave parts out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Location {
    pub seqnum_id: Option<[u8; 16]>,
    pub seqnum: Option<u64>,
    pub boot_id: Option<[u8; 16]>,
    pub monotonic: Option<u64>,
    pub realtime: Option<u64>,
    pub xor_hash: Option<u64>,
    /// An sdjournal cursor names its file by id; the seqnum id is found from it.
    pub file_id: Option<[u8; 16]>,
}

pub fn hex(id: &[u8; 16]) -> String {
    crate::model::logs::hex16(id)
}

fn parse_id(s: &str) -> Option<[u8; 16]> {
    let s: String = s.chars().filter(|c| *c != '-').collect();
    let mut out = [0u8; 16];
    if s.len() != 32 {
        return None;
    }
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

impl Location {
    /// journalctl's cursor text.
    pub fn cursor(&self) -> String {
        format!(
            "s={};i={:x};b={};m={:x};t={:x};x={:x}",
            hex(&self.seqnum_id.unwrap_or_default()),
            self.seqnum.unwrap_or(0),
            hex(&self.boot_id.unwrap_or_default()),
            self.monotonic.unwrap_or(0),
            self.realtime.unwrap_or(0),
            self.xor_hash.unwrap_or(0),
        )
    }

    /// A journalctl cursor, or an `SJ1:` cursor from the earlier reader.
    pub fn parse(text: &str) -> Result<Location> {
        let bad = || FormatError::Cursor(text.chars().take(200).collect());
        if let Some(hexed) = text.strip_prefix("SJ1:") {
            return parse_sj1(hexed).ok_or_else(bad);
        }
        let mut l = Location::default();
        for part in text.split(';') {
            let (k, v) = part.split_once('=').ok_or_else(bad)?;
            let num = || u64::from_str_radix(v, 16).map_err(|_| bad());
            match k {
                "s" => l.seqnum_id = Some(parse_id(v).ok_or_else(bad)?),
                "i" => l.seqnum = Some(num()?),
                "b" => l.boot_id = Some(parse_id(v).ok_or_else(bad)?),
                "m" => l.monotonic = Some(num()?),
                "t" => l.realtime = Some(num()?),
                "x" => l.xor_hash = Some(num()?),
                _ => {} // journalctl ignores what it does not know
            }
        }
        let usable = (l.seqnum_id.is_some() && l.seqnum.is_some())
            || (l.boot_id.is_some() && l.monotonic.is_some())
            || l.realtime.is_some();
        if usable { Ok(l) } else { Err(bad()) }
    }

    /// journalctl's order of two entries (`journal_file_compare_locations`): by seqnum
    /// within one seqnum source, else by monotonic time within one boot, else by wall
    /// clock, then by content hash. Parts a location lacks are skipped.
    pub fn compare(&self, other: &Location) -> Ordering {
        if let (Some(a), Some(b)) = (self.seqnum_id, other.seqnum_id)
            && a == b
            && let (Some(x), Some(y)) = (self.seqnum, other.seqnum)
            && x != y
        {
            return x.cmp(&y);
        }
        if let (Some(a), Some(b)) = (self.boot_id, other.boot_id)
            && a == b
            && let (Some(x), Some(y)) = (self.monotonic, other.monotonic)
            && x != y
        {
            return x.cmp(&y);
        }
        let by = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => Ordering::Equal,
        };
        by(self.realtime, other.realtime).then(by(self.xor_hash, other.xor_hash))
    }
}

/// The `SJ1:` cursors sdjournal 0.1 printed: hex of a tag byte and its fields.
fn parse_sj1(hexed: &str) -> Option<Location> {
    let bytes: Vec<u8> = (0..hexed.len() / 2)
        .map(|i| u8::from_str_radix(hexed.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let (tag, rest) = bytes.split_first()?;
    let u64_at = |at: usize| rest.get(at..at + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
    match tag {
        // file id, entry offset, seqnum, realtime
        0x04 => Some(Location {
            file_id: Some(rest.get(..16)?.try_into().ok()?),
            seqnum: Some(u64_at(24)?),
            realtime: Some(u64_at(32)?),
            ..Location::default()
        }),
        0x02 => Location::parse(std::str::from_utf8(rest).ok()?).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip() {
        let l = Location {
            seqnum_id: Some([1; 16]),
            seqnum: Some(0x2a),
            boot_id: Some([0xab; 16]),
            monotonic: Some(5),
            realtime: Some(1_700_000_000_000_000),
            xor_hash: Some(0xdead),
            file_id: None,
        };
        assert_eq!(Location::parse(&l.cursor()).unwrap(), l);
        assert!(l.cursor().starts_with("s=01010101010101010101010101010101;i=2a;b=abab"));
        assert!(Location::parse("hello").is_err());
        assert!(Location::parse("i=5").is_err());
    }

    #[test]
    fn old_sdjournal_cursors_still_parse() {
        let mut bytes = vec![0x04];
        bytes.extend([7u8; 16]);
        bytes.extend(4096u64.to_le_bytes());
        bytes.extend(9u64.to_le_bytes());
        bytes.extend(77u64.to_le_bytes());
        let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let l = Location::parse(&format!("SJ1:{text}")).unwrap();
        assert_eq!((l.file_id, l.seqnum, l.realtime), (Some([7; 16]), Some(9), Some(77)));
    }

    #[test]
    fn order_prefers_seqnum_then_monotonic_then_realtime() {
        let a =
            Location { seqnum_id: Some([1; 16]), seqnum: Some(2), realtime: Some(9), ..Default::default() };
        let b =
            Location { seqnum_id: Some([1; 16]), seqnum: Some(3), realtime: Some(1), ..Default::default() };
        assert_eq!(a.compare(&b), Ordering::Less);
        let c = Location { seqnum_id: Some([2; 16]), ..b };
        assert_eq!(a.compare(&c), Ordering::Greater);
    }
}
