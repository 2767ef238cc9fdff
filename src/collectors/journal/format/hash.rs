//! The hashes of the format and lookups in the DATA and FIELD hash tables.
//!
//! Unkeyed files use Bob Jenkins' lookup3 `hashlittle2` (first result as the high 32
//! bits); files with the keyed-hash flag use siphash24 keyed by the file id.

use super::Result;
use super::file::JournalFile;
use super::object::{Data, Field};
use std::hash::Hasher;

fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*c) ^ c.rotate_left(4);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a) ^ a.rotate_left(6);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b) ^ b.rotate_left(8);
    *b = b.wrapping_add(*a);
    *a = a.wrapping_sub(*c) ^ c.rotate_left(16);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a) ^ a.rotate_left(19);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b) ^ b.rotate_left(4);
    *b = b.wrapping_add(*a);
}

fn finish(a: &mut u32, b: &mut u32, c: &mut u32) {
    *c = (*c ^ *b).wrapping_sub(b.rotate_left(14));
    *a = (*a ^ *c).wrapping_sub(c.rotate_left(11));
    *b = (*b ^ *a).wrapping_sub(a.rotate_left(25));
    *c = (*c ^ *b).wrapping_sub(b.rotate_left(16));
    *a = (*a ^ *c).wrapping_sub(c.rotate_left(4));
    *b = (*b ^ *a).wrapping_sub(a.rotate_left(14));
    *c = (*c ^ *b).wrapping_sub(b.rotate_left(24));
}

fn word(bytes: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    w[..bytes.len()].copy_from_slice(bytes);
    u32::from_le_bytes(w)
}

/// lookup3's `hashlittle2` with both seeds 0, as a 64-bit value (c << 32 | b).
pub fn jenkins64(data: &[u8]) -> u64 {
    let init = 0xdead_beefu32.wrapping_add(data.len() as u32);
    let (mut a, mut b, mut c) = (init, init, init);
    let mut rest = data;
    while rest.len() > 12 {
        a = a.wrapping_add(word(&rest[0..4]));
        b = b.wrapping_add(word(&rest[4..8]));
        c = c.wrapping_add(word(&rest[8..12]));
        mix(&mut a, &mut b, &mut c);
        rest = &rest[12..];
    }
    if !rest.is_empty() {
        let part = |from: usize| word(&rest[from.min(rest.len())..(from + 4).min(rest.len())]);
        a = a.wrapping_add(part(0));
        b = b.wrapping_add(part(4));
        c = c.wrapping_add(part(8));
        finish(&mut a, &mut b, &mut c);
    }
    (u64::from(c) << 32) | u64::from(b)
}

/// The hash the file uses for DATA and FIELD payloads.
pub fn hash(f: &JournalFile, payload: &[u8]) -> u64 {
    if f.header().keyed_hash() {
        let mut h = siphasher::sip::SipHasher24::new_with_key(&f.header().file_id);
        h.write(payload);
        h.finish()
    } else {
        jenkins64(payload)
    }
}

/// The heads of the hash-table bucket for `hash`, when the table is readable.
fn bucket_head(f: &JournalFile, table: u64, table_size: u64, hash: u64) -> Option<u64> {
    let buckets = table_size / 16;
    if buckets == 0 {
        return None;
    }
    let at = table.checked_add((hash % buckets) * 16)?;
    f.u64_at(at).ok().filter(|o| *o != 0)
}

/// The DATA object holding exactly `payload` (`FIELD=value`).
pub fn find_data(f: &JournalFile, payload: &[u8]) -> Result<Option<Data>> {
    let h = f.header();
    let want = hash(f, payload);
    let mut next = bucket_head(f, h.data_hash_table_offset, h.data_hash_table_size, want);
    let mut prev = 0;
    for _ in 0..f.max_objects() {
        let Some(off) = next.filter(|o| *o > prev) else { break };
        let d = Data::read(f, off)?;
        if d.hash == want && *d.payload(f)? == *payload {
            return Ok(Some(d));
        }
        (prev, next) = (off, Some(d.next_hash_offset).filter(|o| *o != 0));
    }
    Ok(None)
}

/// The FIELD object named `name`.
pub fn find_field(f: &JournalFile, name: &[u8]) -> Result<Option<Field>> {
    let h = f.header();
    let want = hash(f, name);
    let mut next = bucket_head(f, h.field_hash_table_offset, h.field_hash_table_size, want);
    let mut prev = 0;
    for _ in 0..f.max_objects() {
        let Some(off) = next.filter(|o| *o > prev) else { break };
        let field = Field::read(f, off)?;
        if field.hash == want && field.name(f)? == name {
            return Ok(Some(field));
        }
        (prev, next) = (off, Some(field.next_hash_offset).filter(|o| *o != 0));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup3_known_values() {
        // Bob Jenkins' published self-test values for hashlittle2 (seeds 0, 0).
        assert_eq!(jenkins64(b""), 0xdeadbeef_deadbeef);
        assert_eq!(jenkins64(b"Four score and seven years ago") >> 32, 0x17770551);
    }
}
