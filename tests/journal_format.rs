//! The journal format reader against the real thing: files written by
//! systemd-journal-remote, read back by journalctl, compared field by field.

mod support;

use hypervisor_tui::collectors::journal::format::{Direction, Journal, Location, Matches, Search};
use serde_json::Value;
use std::path::PathBuf;
use support::journal_format::*;

const START: u64 = 1_735_689_600_000_000;

/// One file per layout: (compact, keyed hash).
fn layouts(dir: &std::path::Path, n: usize) -> Vec<PathBuf> {
    let stream = export_stream(n, 7, START);
    [(false, false), (false, true), (true, false), (true, true)]
        .iter()
        .map(|(c, k)| write_journal(dir, &format!("c{}-k{}", *c as u8, *k as u8), &stream, *c, *k))
        .collect()
}

#[test]
fn every_layout_reads_like_journalctl() {
    let dir = tempfile::tempdir().unwrap();
    for f in layouts(dir.path(), 700) {
        let one = [f.clone()];
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let all = journalctl(&one, &[]);
        assert_eq!(all.len(), 700, "{name}: journal-remote wrote every entry");
        let none = Matches::default();
        assert_same(&format!("{name}: all"), &reader_json(&one, None, &none, None), &all);
        assert_same(
            &format!("{name}: -n 100"),
            &reader_json(&one, Some(100), &none, None),
            &journalctl(&one, &["-n", "100"]),
        );
        let units = unit_matches(&["nginx.service", "k3s.service"]);
        let theirs = journalctl(&one, &["-u", "nginx.service", "-u", "k3s.service"]);
        assert!(theirs.iter().any(|e| e["_PID"] == "1"), "{name}: PID 1's UNIT= entries are in the test");
        assert_same(&format!("{name}: -u"), &reader_json(&one, None, &units, None), &theirs);
        let theirs = journalctl(&one, &["-p", "3"]);
        assert_same(&format!("{name}: -p 3"), &reader_json(&one, None, &priority_matches(3), None), &theirs);
        let boot = Matches::default().any([("_BOOT_ID", hex(&BOOTS[0]).as_bytes())]);
        let theirs = journalctl(&one, &["-n", "40", &format!("_BOOT_ID={}", hex(&BOOTS[0]))]);
        assert_eq!(theirs.len(), 40);
        assert_same(&format!("{name}: -n 40 boot"), &reader_json(&one, Some(40), &boot, None), &theirs);
    }
}

fn hex(id: &[u8; 16]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn search_finds_what_journalctl_grep_finds() {
    let dir = tempfile::tempdir().unwrap();
    for f in layouts(dir.path(), 500) {
        let one = [f];
        for pattern in
            ["migration.of", "failed", "FAILED", "Failed to", "BIG payload 4[0-9]", "^request [0-9]+ served"]
        {
            let s = Search::new(pattern).unwrap();
            let theirs = journalctl(&one, &["-g", pattern]);
            assert_eq!(theirs.is_empty(), pattern == "FAILED", "{pattern}: capitals make it case-sensitive");
            assert_same(pattern, &reader_json(&one, None, &Matches::default(), Some(&s)), &theirs);
            // With -n, journalctl -g prints the newest first.
            let mut ours = reader_json(&one, Some(7), &priority_matches(5), Some(&s));
            ours.reverse();
            assert_same(pattern, &ours, &journalctl(&one, &["-n", "7", "-p", "5", "-g", pattern]));
        }
    }
}

#[test]
fn files_merge_in_journalctl_order_and_copies_show_once() {
    let dir = tempfile::tempdir().unwrap();
    // Two writers whose times interleave, and a copy of one file (same entries twice).
    let a = write_journal(dir.path(), "a", &export_stream(300, 3, START), true, true);
    let b = write_journal(dir.path(), "b", &export_stream(250, 5, START + 500_000), false, false);
    let copy = dir.path().join("a-copy.journal~");
    std::fs::copy(&a, &copy).unwrap();
    let files = vec![a.clone(), b, copy];
    let all = journalctl(&files, &[]);
    assert_eq!(all.len(), 550);
    assert_same("merged", &reader_json(&files, None, &Matches::default(), None), &all);
    assert_same(
        "merged -n",
        &reader_json(&files, Some(123), &Matches::default(), None),
        &journalctl(&files, &["-n", "123"]),
    );
    let s = Search::new("connection from").unwrap();
    let theirs = journalctl(&files, &["-u", "sshd.service", "-g", "connection from"]);
    assert_same(
        "merged -u -g",
        &reader_json(&files, None, &unit_matches(&["sshd.service"]), Some(&s)),
        &theirs,
    );
    // A directory reads the same, and naming a file twice reads it once.
    let j = Journal::open_dirs(&[dir.path().to_path_buf()]);
    assert_eq!(j.files().len(), 3);
    assert_eq!(Journal::open_files(&[a.clone(), a]).files().len(), 1);
}

#[test]
fn cursors_are_journalctls_and_resume_after_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_journal(dir.path(), "a", &export_stream(200, 11, START), true, true);
    let b = write_journal(dir.path(), "b", &export_stream(200, 13, START + 700_000), false, true);
    let files = vec![a, b];
    let all = journalctl(&files, &[]);
    let j = Journal::open_files(&files);
    for k in [0, 1, 150, 398, 399] {
        let cursor = all[k]["__CURSOR"].as_str().unwrap();
        let loc = Location::parse(cursor).unwrap();
        let after: Vec<Value> = j
            .after(&loc, &Matches::default(), None)
            .map(|e| hypervisor_tui::collectors::journal::json::to_json(&e.to_log_entry()))
            .collect();
        assert_same(&format!("after {k}"), &after, &all[k + 1..]);
        assert_same(&format!("--after-cursor {k}"), &after, &journalctl(&files, &["--after-cursor", cursor]));
    }
    // Walking back from the newest gives the same entries, newest first.
    let back: Vec<String> =
        j.walk(&Matches::default(), None, Direction::Backward).map(|e| e.cursor()).collect();
    let fwd: Vec<String> = all.iter().rev().map(|e| e["__CURSOR"].as_str().unwrap().to_string()).collect();
    assert_eq!(back, fwd);
}
