//! The project's own reader of systemd's journal files, written from the documented
//! on-disk format (systemd's `docs/JOURNAL_FILE_FORMAT.md`).
//!
//! Files are mapped read-only in place (no copies, no temporary files) and every read is
//! checked against the mapped size and the header's arena: a corrupted file gives fewer
//! entries or an error, never a panic, a hang (every chain walk is bounded, offsets in
//! chains must grow) or unbounded memory (decompression is capped).
//!
//! - [`file`]: the mapping and bounds-checked reads; [`header`]: the file header.
//! - [`object`]: DATA, FIELD, ENTRY objects in their regular and compact layouts.
//! - [`hash`]: jenkins lookup3 / siphash24 and the DATA/FIELD hash tables.
//! - [`compress`]: xz, lz4 and zstd payloads.
//! - [`chain`]: entry-array chains walked both ways, with seeking.
//! - [`select`]: field=value matches as unions and intersections of chains.
//! - [`merge`]: several files in journalctl's order; [`search`]: MESSAGE regex.
//! - [`cursor`]: journalctl's cursor strings; [`entry`]: decoded entries.

pub mod chain;
pub mod compress;
pub mod cursor;
pub mod entry;
pub mod file;
pub mod hash;
pub mod header;
pub mod merge;
pub mod object;
pub mod search;
pub mod select;

pub use chain::Direction;
pub use cursor::Location;
pub use entry::{Decoded, EntryRef};
pub use file::JournalFile;
pub use merge::Journal;
pub use search::Search;
pub use select::Matches;

/// Why a file (or an object in it) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not a journal file (bad signature)")]
    Signature,
    #[error("journal header too small ({0} bytes)")]
    HeaderSize(u64),
    #[error("unsupported journal features (incompatible flags {0:#x})")]
    Incompatible(u32),
    #[error("offset {0:#x} outside the file or misaligned")]
    Bounds(u64),
    #[error("object at {offset:#x}: {what}")]
    Object { offset: u64, what: &'static str },
    #[error("cannot decompress the payload at {offset:#x}: {what}")]
    Decompress { offset: u64, what: String },
    #[error("invalid cursor: {0}")]
    Cursor(String),
}

pub type Result<T> = std::result::Result<T, FormatError>;
