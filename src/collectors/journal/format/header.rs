//! The journal file header: fixed fields, feature flags and the fields added later
//! (read only when `header_size` says they are there).

use super::file::{id128, le32, le64};
use super::{FormatError, Result};

pub const SIGNATURE: &[u8; 8] = b"LPKSHHRH";
/// Header fields up to `tail_entry_monotonic` exist in every revision of the format.
pub const MIN_HEADER_SIZE: u64 = 208;

pub const INCOMPAT_XZ: u32 = 1 << 0;
pub const INCOMPAT_LZ4: u32 = 1 << 1;
pub const INCOMPAT_KEYED_HASH: u32 = 1 << 2;
pub const INCOMPAT_ZSTD: u32 = 1 << 3;
pub const INCOMPAT_COMPACT: u32 = 1 << 4;
const INCOMPAT_KNOWN: u32 =
    INCOMPAT_XZ | INCOMPAT_LZ4 | INCOMPAT_KEYED_HASH | INCOMPAT_ZSTD | INCOMPAT_COMPACT;

/// The header fields the reader uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub compatible_flags: u32,
    pub incompatible_flags: u32,
    pub state: u8,
    pub file_id: [u8; 16],
    pub machine_id: [u8; 16],
    pub tail_entry_boot_id: [u8; 16],
    pub seqnum_id: [u8; 16],
    pub header_size: u64,
    pub arena_size: u64,
    pub data_hash_table_offset: u64,
    pub data_hash_table_size: u64,
    pub field_hash_table_offset: u64,
    pub field_hash_table_size: u64,
    pub n_objects: u64,
    pub n_entries: u64,
    pub tail_entry_seqnum: u64,
    pub head_entry_seqnum: u64,
    pub entry_array_offset: u64,
    pub head_entry_realtime: u64,
    pub tail_entry_realtime: u64,
    pub tail_entry_monotonic: u64,
    /// Counters added in systemd 187/189 (None in older files).
    pub n_data: Option<u64>,
    pub n_fields: Option<u64>,
    pub n_entry_arrays: Option<u64>,
}

impl Header {
    /// Parses the header at the start of `b` (the whole mapped file).
    pub fn parse(b: &[u8]) -> Result<Header> {
        if b.len() < MIN_HEADER_SIZE as usize || &b[..8] != SIGNATURE {
            return Err(if b.len() >= 8 && &b[..8] != SIGNATURE {
                FormatError::Signature
            } else {
                FormatError::HeaderSize(b.len() as u64)
            });
        }
        let incompatible_flags = le32(b, 12);
        if incompatible_flags & !INCOMPAT_KNOWN != 0 {
            return Err(FormatError::Incompatible(incompatible_flags & !INCOMPAT_KNOWN));
        }
        let header_size = le64(b, 88);
        if header_size < MIN_HEADER_SIZE || header_size > b.len() as u64 {
            return Err(FormatError::HeaderSize(header_size));
        }
        let optional = |at: usize| (header_size >= at as u64 + 8).then(|| le64(b, at));
        Ok(Header {
            compatible_flags: le32(b, 8),
            incompatible_flags,
            state: b[16],
            file_id: id128(b, 24),
            machine_id: id128(b, 40),
            tail_entry_boot_id: id128(b, 56),
            seqnum_id: id128(b, 72),
            header_size,
            arena_size: le64(b, 96),
            data_hash_table_offset: le64(b, 104),
            data_hash_table_size: le64(b, 112),
            field_hash_table_offset: le64(b, 120),
            field_hash_table_size: le64(b, 128),
            n_objects: le64(b, 144),
            n_entries: le64(b, 152),
            tail_entry_seqnum: le64(b, 160),
            head_entry_seqnum: le64(b, 168),
            entry_array_offset: le64(b, 176),
            head_entry_realtime: le64(b, 184),
            tail_entry_realtime: le64(b, 192),
            tail_entry_monotonic: le64(b, 200),
            n_data: optional(208),
            n_fields: optional(216),
            n_entry_arrays: optional(232),
        })
    }

    pub fn compact(&self) -> bool {
        self.incompatible_flags & INCOMPAT_COMPACT != 0
    }

    pub fn keyed_hash(&self) -> bool {
        self.incompatible_flags & INCOMPAT_KEYED_HASH != 0
    }

    /// The end of the used part of the file: header plus arena, within the mapped size.
    pub fn end(&self, file_len: u64) -> u64 {
        self.header_size.saturating_add(self.arena_size).min(file_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_short_and_foreign_files() {
        assert!(matches!(Header::parse(b"LPKS"), Err(FormatError::HeaderSize(4))));
        assert!(matches!(Header::parse(&[0u8; 300]), Err(FormatError::Signature)));
        let mut b = vec![0u8; 300];
        b[..8].copy_from_slice(SIGNATURE);
        b[88..96].copy_from_slice(&272u64.to_le_bytes());
        b[12..16].copy_from_slice(&(1u32 << 9).to_le_bytes());
        assert!(matches!(Header::parse(&b), Err(FormatError::Incompatible(0x200))));
        b[12..16].copy_from_slice(&INCOMPAT_COMPACT.to_le_bytes());
        let h = Header::parse(&b).unwrap();
        assert!(h.compact() && !h.keyed_hash());
        assert_eq!(h.n_data, Some(0));
        assert_eq!(h.end(300), 272);
    }
}
