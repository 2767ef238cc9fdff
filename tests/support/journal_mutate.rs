//! A deterministic, seeded mutator of valid journal files: the damage a crash, a full
//! disk or a bad sector does (truncations, bit flips, zeroed and garbage objects) and
//! offsets that point outside the file, in header fields and inside objects. The layout
//! it knows is systemd's (src/libsystemd/sd-journal/journal-def.h).
#![allow(dead_code)]

use hypervisor_tui::demo::rng::Rng;
use std::fmt;

const HEADER_COMPACT: u32 = 1 << 4;
const OBJECT_HEADER: usize = 16;
const DATA: u8 = 1;
const FIELD: u8 = 2;
const ENTRY: u8 = 3;
const DATA_HASH_TABLE: u8 = 4;
const FIELD_HASH_TABLE: u8 = 5;
const ENTRY_ARRAY: u8 = 6;

/// Header fields holding an offset, size or count (u64), with their names.
const HEADER_U64: [(usize, &str); 13] = [
    (88, "header_size"),
    (96, "arena_size"),
    (104, "data_hash_table_offset"),
    (112, "data_hash_table_size"),
    (120, "field_hash_table_offset"),
    (128, "field_hash_table_size"),
    (136, "tail_object_offset"),
    (144, "n_objects"),
    (152, "n_entries"),
    (176, "entry_array_offset"),
    (208, "n_data"),
    (216, "n_fields"),
    (232, "n_entry_arrays"),
];

#[derive(Debug, Clone, Copy)]
pub struct Object {
    pub offset: usize,
    pub kind: u8,
    pub size: usize,
}

/// A valid journal file and the objects in it.
pub struct Base {
    pub name: String,
    pub bytes: Vec<u8>,
    pub objects: Vec<Object>,
    pub compact: bool,
    header_size: usize,
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

impl Base {
    /// Walks the objects from the end of the header to the tail object.
    pub fn new(name: &str, bytes: Vec<u8>) -> Base {
        let header_size = u64_at(&bytes, 88) as usize;
        let tail = u64_at(&bytes, 136) as usize;
        let compact = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) & HEADER_COMPACT != 0;
        let mut objects = Vec::new();
        let mut at = header_size;
        while at <= tail {
            let size = u64_at(&bytes, at + 8) as usize;
            assert!(size >= OBJECT_HEADER, "{name}: object at {at} has size {size}");
            objects.push(Object { offset: at, kind: bytes[at], size });
            at += size.next_multiple_of(8);
        }
        Base { name: name.to_string(), bytes, objects, compact, header_size }
    }

    /// The used part of the file (the rest is preallocated zeros).
    pub fn used_len(&self) -> usize {
        self.objects.last().map_or(self.header_size, |o| o.offset + o.size)
    }

    /// Offset fields inside `o`: (position, width in bytes).
    fn offset_slots(&self, o: &Object) -> Vec<(usize, usize)> {
        let at = |rel: usize, w: usize| (o.offset + rel, w);
        let items = |start: usize, stride: usize, w: usize| {
            (start..o.size)
                .step_by(stride)
                .map(move |r| (o.offset + r, w))
                .filter(|(p, w)| p + w <= o.offset + o.size)
        };
        let item_w = if self.compact { 4 } else { 8 };
        match o.kind {
            DATA => {
                let mut v = vec![at(24, 8), at(32, 8), at(40, 8), at(48, 8)];
                if self.compact {
                    v.push(at(64, 4));
                }
                v
            }
            FIELD => vec![at(24, 8), at(32, 8)],
            ENTRY => items(64, if self.compact { 4 } else { 16 }, item_w).collect(),
            DATA_HASH_TABLE | FIELD_HASH_TABLE => items(OBJECT_HEADER, 8, 8).collect(),
            ENTRY_ARRAY => std::iter::once(at(16, 8)).chain(items(24, item_w, item_w)).collect(),
            _ => Vec::new(),
        }
    }
}

/// One damaged file: byte patches and an optional truncation, with what was done.
pub struct Mutation {
    pub patches: Vec<(usize, Vec<u8>)>,
    pub truncate: Option<usize>,
    pub what: String,
}

impl fmt::Display for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

impl Mutation {
    /// The damaged bytes.
    pub fn apply(&self, base: &[u8]) -> Vec<u8> {
        let mut b = base[..self.truncate.unwrap_or(base.len())].to_vec();
        for (at, bytes) in &self.patches {
            let end = (at + bytes.len()).min(b.len());
            if *at < end {
                b[*at..end].copy_from_slice(&bytes[..end - at]);
            }
        }
        b
    }
}

/// A value for an offset field that points where it must not: past the end, into the
/// header, misaligned, or near the top of the range (overflow when added to).
fn bad_offset(r: &mut Rng, file_len: usize, width: usize) -> u64 {
    let len = file_len as u64;
    let max = if width == 4 { u64::from(u32::MAX) } else { u64::MAX };
    match r.below(8) {
        0 => len,
        1 => len + 8 * r.range(1, 1 << 16),
        2 => max,
        3 => max - 7,
        4 => r.below(240),     // inside the header
        5 => r.below(len) | 1, // misaligned, inside the file
        6 => 1 << 62 & max,
        _ => 0,
    }
    .min(max)
}

fn le(v: u64, width: usize) -> Vec<u8> {
    v.to_le_bytes()[..width].to_vec()
}

/// Bytes to write at an offset.
type Patch = (usize, Vec<u8>);
/// Patches, a truncation, and what they do.
type Damage = (Vec<Patch>, Option<usize>, String);

/// The mutation of case `seed` over `base`.
pub fn mutate(base: &Base, seed: u64) -> Mutation {
    let r = &mut Rng::new(seed);
    // Damage lands in the used part; the hash tables are one object among thousands.
    let obj = *r.pick(&base.objects);
    let (patches, truncate, what) = match r.below(8) {
        0 => truncation(r, base, &obj),
        1 | 2 => bit_flips(r, base, &obj),
        3 | 4 => overwritten(r, &obj),
        5 => header_offset(r, base),
        6 => match object_offset(r, base, &obj) {
            Some(d) => d,
            None => return mutate(base, seed.wrapping_add(0x1000_0000)),
        },
        _ => object_size(r, base, &obj),
    };
    Mutation { patches, truncate, what: format!("{}: {what}", base.name) }
}

fn in_object(r: &mut Rng, obj: &Object) -> usize {
    obj.offset + r.below(obj.size as u64) as usize
}

fn truncation(r: &mut Rng, base: &Base, obj: &Object) -> Damage {
    let at = if r.chance(0.5) { r.below(base.used_len() as u64) as usize } else { in_object(r, obj) };
    (vec![], Some(at), format!("truncated at {at}"))
}

fn bit_flips(r: &mut Rng, base: &Base, obj: &Object) -> Damage {
    let n = r.range(1, 9) as usize;
    let in_header = r.chance(0.2);
    let patches = (0..n)
        .map(|_| {
            let at = if in_header { r.below(base.header_size as u64) as usize } else { in_object(r, obj) };
            (at, vec![base.bytes[at] ^ (1 << r.below(8))])
        })
        .collect();
    let place =
        if in_header { "the header".to_string() } else { format!("object {} at {}", obj.kind, obj.offset) };
    (patches, None, format!("{n} bit flips in {place}"))
}

/// The object zeroed or filled with garbage, its header kept or not.
fn overwritten(r: &mut Rng, obj: &Object) -> Damage {
    let keep_header = r.chance(0.5);
    let start = if keep_header { OBJECT_HEADER } else { 0 };
    let (how, bytes) = if r.chance(0.5) {
        ("zeroed", vec![0; obj.size.saturating_sub(start)])
    } else {
        ("garbage in", (start..obj.size).map(|_| r.below(256) as u8).collect())
    };
    let what = format!("{how} object {} at {} (header kept: {keep_header})", obj.kind, obj.offset);
    (vec![(obj.offset + start, bytes)], None, what)
}

fn header_offset(r: &mut Rng, base: &Base) -> Damage {
    let (at, name) = *r.pick(&HEADER_U64);
    let v = bad_offset(r, base.bytes.len(), 8);
    (vec![(at, le(v, 8))], None, format!("header {name} = {v}"))
}

fn object_offset(r: &mut Rng, base: &Base, obj: &Object) -> Option<Damage> {
    let slots = base.offset_slots(obj);
    if slots.is_empty() {
        return None;
    }
    let (at, w) = *r.pick(&slots);
    let v = bad_offset(r, base.bytes.len(), w);
    Some((
        vec![(at, le(v, w))],
        None,
        format!("offset at {at} in object {} at {} = {v}", obj.kind, obj.offset),
    ))
}

fn object_size(r: &mut Rng, base: &Base, obj: &Object) -> Damage {
    let v = match r.below(4) {
        0 => 0,
        1 => r.below(OBJECT_HEADER as u64),
        2 => u64::MAX - r.below(8),
        _ => (base.bytes.len() - obj.offset) as u64 + r.range(1, 4096),
    };
    (vec![(obj.offset + 8, le(v, 8))], None, format!("size of object {} at {} = {v}", obj.kind, obj.offset))
}
