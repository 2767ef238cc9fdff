//! DATA, FIELD and ENTRY objects, in the regular and the compact layouts.

use super::file::{JournalFile, OBJECT_DATA, OBJECT_ENTRY, OBJECT_FIELD, id128, le32, le64};
use super::{Result, compress};
use std::borrow::Cow;

const DATA_REGULAR_PAYLOAD: u64 = 64;
const DATA_COMPACT_PAYLOAD: u64 = 72;
const FIELD_PAYLOAD: u64 = 40;
const ENTRY_ITEMS: u64 = 64;

/// A DATA object: one `FIELD=value`, and the entries that carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Data {
    pub offset: u64,
    pub flags: u8,
    pub hash: u64,
    pub next_hash_offset: u64,
    pub next_field_offset: u64,
    /// The first entry that has this data, stored inline.
    pub entry_offset: u64,
    /// The chain of the other entries.
    pub entry_array_offset: u64,
    pub n_entries: u64,
    payload: (u64, u64),
}

impl Data {
    pub fn read(f: &JournalFile, offset: u64) -> Result<Data> {
        let start = if f.compact() { DATA_COMPACT_PAYLOAD } else { DATA_REGULAR_PAYLOAD };
        let (h, b) = f.object_bytes(offset, OBJECT_DATA, start)?;
        Ok(Data {
            offset,
            flags: h.flags,
            hash: le64(b, 16),
            next_hash_offset: le64(b, 24),
            next_field_offset: le64(b, 32),
            entry_offset: le64(b, 40),
            entry_array_offset: le64(b, 48),
            n_entries: le64(b, 56),
            payload: (offset + start, h.size - start),
        })
    }

    /// The stored payload, compressed or not.
    pub fn raw<'a>(&self, f: &'a JournalFile) -> Result<&'a [u8]> {
        f.slice(self.payload.0, self.payload.1)
    }

    pub fn is_compressed(&self) -> bool {
        self.flags & compress::ANY != 0
    }

    /// `FIELD=value`, decompressed when needed (borrowed from the mapping otherwise).
    pub fn payload<'a>(&self, f: &'a JournalFile) -> Result<Cow<'a, [u8]>> {
        let raw = self.raw(f)?;
        if self.is_compressed() {
            compress::decompress(self.flags, raw, self.offset).map(Cow::Owned)
        } else {
            Ok(Cow::Borrowed(raw))
        }
    }
}

/// A FIELD object: one field name, and the DATA objects that carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub offset: u64,
    pub hash: u64,
    pub next_hash_offset: u64,
    pub head_data_offset: u64,
    payload: (u64, u64),
}

impl Field {
    pub fn read(f: &JournalFile, offset: u64) -> Result<Field> {
        let (h, b) = f.object_bytes(offset, OBJECT_FIELD, FIELD_PAYLOAD)?;
        Ok(Field {
            offset,
            hash: le64(b, 16),
            next_hash_offset: le64(b, 24),
            head_data_offset: le64(b, 32),
            payload: (offset + FIELD_PAYLOAD, h.size - FIELD_PAYLOAD),
        })
    }

    pub fn name<'a>(&self, f: &'a JournalFile) -> Result<&'a [u8]> {
        f.slice(self.payload.0, self.payload.1)
    }
}

/// An ENTRY object's header: its identity, times, and how many items it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub offset: u64,
    pub seqnum: u64,
    pub realtime: u64,
    pub monotonic: u64,
    pub boot_id: [u8; 16],
    pub xor_hash: u64,
    pub n_items: u64,
}

impl Entry {
    pub fn read(f: &JournalFile, offset: u64) -> Result<Entry> {
        let (h, b) = f.object_bytes(offset, OBJECT_ENTRY, ENTRY_ITEMS)?;
        Ok(Entry {
            offset,
            seqnum: le64(b, 16),
            realtime: le64(b, 24),
            monotonic: le64(b, 32),
            boot_id: id128(b, 40),
            xor_hash: le64(b, 56),
            n_items: (h.size - ENTRY_ITEMS) / item_size(f),
        })
    }

    /// The offsets of the entry's DATA objects, in the order stored: the items read from one
    /// slice checked once (none when the entry no longer fits the file).
    pub fn items<'a>(&self, f: &'a JournalFile) -> impl Iterator<Item = u64> + 'a {
        let (size, compact) = (item_size(f), f.compact());
        let bytes = f.slice(self.offset + ENTRY_ITEMS, self.n_items * size).unwrap_or_default();
        bytes
            .chunks_exact(size as usize)
            .map(move |c| if compact { u64::from(le32(c, 0)) } else { le64(c, 0) })
    }

    /// The entry's DATA objects, in the order stored; unreadable ones skipped.
    pub fn data<'a>(&self, f: &'a JournalFile) -> impl Iterator<Item = Data> + 'a {
        self.items(f).filter_map(move |o| Data::read(f, o).ok())
    }
}

fn item_size(f: &JournalFile) -> u64 {
    if f.compact() { 4 } else { 16 }
}
