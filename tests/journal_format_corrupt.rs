//! The format reader on damaged files: a seeded mutator breaks journals written by
//! systemd-journal-remote (truncations, bit flips, offsets pointing outside the file or
//! back into it, lying header counts) and every way of reading them must end — fewer
//! entries or none, never a panic or a hang.

mod support;

use std::path::Path;
use std::time::Duration;
use support::journal_format::*;

/// Header fields a mutation aims at: arena size, hash tables, counters, entry array.
const HEADER_U64S: [u64; 12] = [96, 104, 112, 120, 128, 136, 144, 152, 176, 208, 232, 264];

fn mutate(orig: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = orig.to_vec();
    let len = b.len() as u64;
    let put = |b: &mut Vec<u8>, at: u64, v: u64| {
        if let Some(s) = b.get_mut(at as usize..at as usize + 8) {
            s.copy_from_slice(&v.to_le_bytes());
        }
    };
    let wild = |rng: &mut Rng| match rng.below(6) {
        0 => len + rng.below(1 << 20) * 8,
        1 => u64::MAX - rng.below(64),
        2 => rng.below(len / 8) * 8, // somewhere inside, maybe the wrong object
        3 => 0,
        4 => rng.below(len / 8) * 8 + 1 + rng.below(7), // misaligned
        _ => rng.next(),
    };
    for _ in 0..1 + rng.below(4) {
        match rng.below(4) {
            0 => b.truncate(rng.below(len) as usize),
            1 => {
                let at = rng.below(b.len().max(1) as u64) as usize;
                if let Some(x) = b.get_mut(at) {
                    *x ^= 1 << rng.below(8);
                }
            }
            2 => {
                let at = HEADER_U64S[rng.below(HEADER_U64S.len() as u64) as usize];
                let v = wild(rng);
                put(&mut b, at, v);
            }
            _ => {
                // An object field (next pointers, counts, sizes) past the header.
                let at = 272 + rng.below(len.saturating_sub(280) / 8 + 1) * 8;
                let v = wild(rng);
                put(&mut b, at, v);
            }
        }
    }
    b
}

fn run_mutants(base: &Path, seed: u64, count: usize, dir: &Path) {
    let orig = std::fs::read(base).unwrap();
    let mut rng = Rng(seed);
    let (mut panics, mut hangs) = (Vec::new(), Vec::new());
    for i in 0..count {
        let path = dir.join(format!("mutant-{seed}-{i}.journal"));
        std::fs::write(&path, mutate(&orig, &mut rng)).unwrap();
        match exercise_bounded(&path, Duration::from_secs(60)) {
            Ok(true) => {}
            Ok(false) => panics.push(i),
            Err(()) => hangs.push(i),
        }
    }
    assert!(panics.is_empty() && hangs.is_empty(), "seed {seed}: panics {panics:?}, hangs {hangs:?}");
}

#[test]
fn damaged_files_never_panic_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let stream = export_stream(300, 17, 1_735_689_600_000_000);
    for (i, (compact, keyed)) in [(true, true), (false, false)].into_iter().enumerate() {
        let base = write_journal(dir.path(), &format!("base{i}"), &stream, compact, keyed);
        assert!(exercise(&base) > 0, "the undamaged file reads");
        run_mutants(&base, 0x5eed + i as u64, 150, dir.path());
    }
}

#[test]
fn empty_and_foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.journal");
    std::fs::write(&empty, b"").unwrap();
    let foreign = dir.path().join("foreign.journal");
    std::fs::write(&foreign, vec![b'x'; 4096]).unwrap();
    let j = hypervisor_tui::collectors::journal::format::Journal::open_files(&[empty, foreign]);
    assert!(j.files().is_empty());
    assert_eq!(j.refused.len(), 2);
}
