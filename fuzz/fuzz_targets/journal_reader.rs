//! Arbitrary bytes as a journal file: every way F1 and `logs` read it (newest entries,
//! a unit match, the boot before, a text search, entries after a cursor, JSON output)
//! must end without a panic, a hang or unbounded memory.
#![no_main]

use hypervisor_tui::collectors::journal::format::{Direction, Journal, Matches, Search};
use hypervisor_tui::collectors::journal::json::write_entry;
use hypervisor_tui::collectors::journal::reader::{Filter, JournalReader, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("system.journal");
    std::fs::write(&path, data).expect("write the case");
    let j = Journal::open_files(std::slice::from_ref(&path));
    let m = Matches::default().any([("_SYSTEMD_UNIT", b"sshd.service".as_slice())]);
    let search = Search::new("fail|vm4").expect("a valid pattern");
    let mut sink = std::io::sink();
    for e in j.newest(200, &Matches::default(), None) {
        let _ = write_entry(&mut sink, &e);
    }
    let _ = j.newest(50, &m, Some(&search)).len();
    if let Some(first) = j.walk(&Matches::default(), None, Direction::Forward).next() {
        let _ = j.after(&first.location(), &m, None).take(100).count();
    }
    if let Ok(r) = JournalReader::open(&Origin::Files(vec![path])) {
        let _ = r.tail_lines(100, &Filter::default());
        let _ = r.tail(20, &Filter { units: vec!["sshd.service".into()], ..Filter::default() });
        let _ = r.boot_before([0; 16]);
    }
});
