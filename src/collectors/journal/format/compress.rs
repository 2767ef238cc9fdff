//! Compressed DATA payloads: xz, lz4 (journald's block with an 8-byte size prefix) and
//! zstd, each capped at [`MAX_PAYLOAD`] so a corrupted size cannot take the memory.

use super::{FormatError, Result};
use std::io::Read;

pub const XZ: u8 = 1 << 0;
pub const LZ4: u8 = 1 << 1;
pub const ZSTD: u8 = 1 << 2;
pub const ANY: u8 = XZ | LZ4 | ZSTD;

/// The largest payload decompressed (journald itself refuses fields past 64 MiB in
/// practice; anything larger is treated as corruption).
pub const MAX_PAYLOAD: usize = 64 << 20;
/// liblzma's memory limit for one xz stream.
const XZ_MEMLIMIT: u64 = 128 << 20;

fn failed(offset: u64, what: impl ToString) -> FormatError {
    FormatError::Decompress { offset, what: what.to_string() }
}

/// Decompresses `raw` as the object flags say (`offset` names the object in errors).
pub fn decompress(flags: u8, raw: &[u8], offset: u64) -> Result<Vec<u8>> {
    match flags & ANY {
        XZ => xz(raw, offset),
        LZ4 => lz4(raw, offset),
        ZSTD => zstd(raw, offset),
        _ => Err(failed(offset, format!("unknown compression flags {flags:#x}"))),
    }
}

/// Reads at most `MAX_PAYLOAD` bytes; more is an error.
fn bounded(mut r: impl Read, offset: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    r.by_ref().take(MAX_PAYLOAD as u64 + 1).read_to_end(&mut out).map_err(|e| failed(offset, e))?;
    if out.len() > MAX_PAYLOAD {
        return Err(failed(offset, "payload larger than 64 MiB"));
    }
    Ok(out)
}

fn xz(raw: &[u8], offset: u64) -> Result<Vec<u8>> {
    let stream = xz2::stream::Stream::new_stream_decoder(XZ_MEMLIMIT, 0).map_err(|e| failed(offset, e))?;
    bounded(xz2::read::XzDecoder::new_stream(raw, stream), offset)
}

fn lz4(raw: &[u8], offset: u64) -> Result<Vec<u8>> {
    let (size, block) = raw.split_at_checked(8).ok_or_else(|| failed(offset, "lz4 payload without size"))?;
    let size = u64::from_le_bytes(size.try_into().map_err(|_| failed(offset, "lz4 size"))?);
    if size > MAX_PAYLOAD as u64 {
        return Err(failed(offset, "payload larger than 64 MiB"));
    }
    let mut out = vec![0u8; size as usize];
    let n = lz4_flex::block::decompress_into(block, &mut out).map_err(|e| failed(offset, e))?;
    if n != out.len() {
        return Err(failed(offset, "lz4 payload shorter than its size"));
    }
    Ok(out)
}

fn zstd(raw: &[u8], offset: u64) -> Result<Vec<u8>> {
    let d = ruzstd::decoding::StreamingDecoder::new(raw).map_err(|e| failed(offset, e))?;
    bounded(d, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lz4_round_trip_and_lies() {
        let text = b"MESSAGE=".repeat(200);
        let mut raw = (text.len() as u64).to_le_bytes().to_vec();
        raw.extend(lz4_flex::block::compress(&text));
        assert_eq!(decompress(LZ4, &raw, 0).unwrap(), text);
        raw[..8].copy_from_slice(&(u64::MAX).to_le_bytes());
        assert!(decompress(LZ4, &raw, 0).is_err());
        raw[..8].copy_from_slice(&((text.len() + 5) as u64).to_le_bytes());
        assert!(decompress(LZ4, &raw, 0).is_err());
        assert!(decompress(LZ4, &raw[..3], 0).is_err());
    }

    #[test]
    fn xz_and_zstd_round_trip_within_the_cap() {
        use std::io::Read;
        let text = b"MESSAGE=migration of vm4 ".repeat(100);
        let mut xz = Vec::new();
        xz2::read::XzEncoder::new(&text[..], 6).read_to_end(&mut xz).unwrap();
        assert_eq!(decompress(XZ, &xz, 0).unwrap(), text);
        // A zstd frame of one raw block: magic, header (single segment, 1-byte size), block.
        let mut zst = vec![0x28, 0xb5, 0x2f, 0xfd, 0x20, 5];
        zst.extend([(5 << 3) | 1, 0, 0]); // last block, raw, 5 bytes
        zst.extend(b"hello");
        assert_eq!(decompress(ZSTD, &zst, 0).unwrap(), b"hello");
    }

    #[test]
    fn garbage_is_an_error() {
        for flags in [XZ, ZSTD, LZ4, 0] {
            assert!(decompress(flags, b"not compressed at all", 8).is_err());
        }
    }
}
