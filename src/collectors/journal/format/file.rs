//! One journal file mapped read-only in place, with bounds-checked reads.

use super::header::Header;
use super::{FormatError, Result};
use std::path::{Path, PathBuf};

pub const OBJECT_DATA: u8 = 1;
pub const OBJECT_FIELD: u8 = 2;
pub const OBJECT_ENTRY: u8 = 3;
pub const OBJECT_ENTRY_ARRAY: u8 = 6;
pub const OBJECT_HEADER_SIZE: u64 = 16;

/// The common object header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectHeader {
    pub kind: u8,
    pub flags: u8,
    pub size: u64,
}

/// A mapped journal file.
pub struct JournalFile {
    path: PathBuf,
    map: memmap2::Mmap,
    header: Header,
    /// The end of the used part: header + arena, within the mapped size.
    end: u64,
}

impl std::fmt::Debug for JournalFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalFile").field("path", &self.path).field("end", &self.end).finish()
    }
}

impl JournalFile {
    /// Maps `path` read-only. journald only ever grows its files (it never truncates a
    /// file a reader may hold), so the mapping stays valid for as long as it is held; what
    /// was appended after opening is not seen until the file is opened again.
    pub fn open(path: &Path) -> Result<JournalFile> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len < super::header::MIN_HEADER_SIZE {
            return Err(FormatError::HeaderSize(len));
        }
        // SAFETY: the mapping is read-only and every access below is bounds-checked
        // against the length it had when mapped.
        let map = unsafe { memmap2::MmapOptions::new().map(&file)? };
        let header = Header::parse(&map)?;
        let end = header.end(map.len() as u64);
        Ok(JournalFile { path: path.to_path_buf(), map, header, end })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn compact(&self) -> bool {
        self.header.compact()
    }

    /// The end of the readable part of the file.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// `len` bytes at `offset`, inside the used part of the file.
    pub fn slice(&self, offset: u64, len: u64) -> Result<&[u8]> {
        // The error is built only on failure: one built eagerly (`ok_or`) is dropped on the
        // success path too, an out-of-line call on every read (5 % of F1's tail).
        let Some(stop) = offset.checked_add(len).filter(|s| *s <= self.end) else {
            return Err(FormatError::Bounds(offset));
        };
        match self.map.get(offset as usize..stop as usize) {
            Some(b) => Ok(b),
            None => Err(FormatError::Bounds(offset)),
        }
    }

    pub fn u64_at(&self, offset: u64) -> Result<u64> {
        let b = self.slice(offset, 8)?;
        Ok(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }

    pub fn u32_at(&self, offset: u64) -> Result<u32> {
        let b = self.slice(offset, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The object header at `offset`, checked: aligned, after the file header, of type
    /// `kind`, at least `min_size` long and wholly inside the file.
    pub fn object(&self, offset: u64, kind: u8, min_size: u64) -> Result<ObjectHeader> {
        self.object_bytes(offset, kind, min_size).map(|(h, _)| h)
    }

    /// The object at `offset` as [`Self::object`] checks it, with all its bytes: one bounds
    /// check for the whole object, so its fields are read with [`le64`] at fixed places
    /// below `min_size` instead of one checked read each (the hot path of every tail).
    pub fn object_bytes(&self, offset: u64, kind: u8, min_size: u64) -> Result<(ObjectHeader, &[u8])> {
        if !offset.is_multiple_of(8) || offset < self.header.header_size {
            return Err(FormatError::Bounds(offset));
        }
        let b = self.slice(offset, OBJECT_HEADER_SIZE)?;
        let h = ObjectHeader { kind: b[0], flags: b[1], size: le64(b, 8) };
        if h.kind != kind {
            return Err(FormatError::Object { offset, what: "unexpected object type" });
        }
        if h.size < min_size.max(OBJECT_HEADER_SIZE) {
            return Err(FormatError::Object { offset, what: "object too small" });
        }
        Ok((h, self.slice(offset, h.size)?))
    }

    /// Drops the pages this process has touched from its resident set (they stay in the
    /// page cache): after a scan over the whole file, only what is read next comes back.
    pub fn release_pages(&self) {
        // SAFETY: the mapping is a read-only view of a file; dropped pages are read
        // again from the file on the next access, so no reference can see other bytes.
        let _ = unsafe { self.map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
    }

    /// An upper bound on the number of objects the used part of the file can hold
    /// (every object is at least 16 bytes): the limit of every chain walk.
    pub fn max_objects(&self) -> u64 {
        self.end / OBJECT_HEADER_SIZE
    }
}

/// The little-endian u64 at `at` in `b` (0 past its end: callers read inside a size they checked).
pub fn le64(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).and_then(|s| s.try_into().ok()).map_or(0, u64::from_le_bytes)
}

/// The 128-bit id at `at` in `b` (zeros past its end).
pub fn id128(b: &[u8], at: usize) -> [u8; 16] {
    b.get(at..at + 16).and_then(|s| s.try_into().ok()).unwrap_or([0; 16])
}

/// The little-endian u32 at `at` in `b` (0 past its end).
pub fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).and_then(|s| s.try_into().ok()).map_or(0, u32::from_le_bytes)
}
