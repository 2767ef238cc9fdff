//! Damaged journals: thousands of seeded mutations of valid files (made here by
//! systemd-journal-remote, plus the committed xz/lz4 ones) read by the in-process reader.
//! It must never panic or hang; fewer entries or an error is fine. The journalctl
//! fallback is not involved: `JournalReader` is the project's own reader alone.
//!
//! Reproduce a failure with the seed and case it prints:
//! `JOURNAL_MUTATION_SEED=S JOURNAL_MUTATION_CASE=N cargo test --test journal_mutations`.
//! `JOURNAL_MUTATION_CASES=100000` runs a longer campaign.

use hypervisor_tui::collectors::journal::reader::{Filter, JournalReader, Origin, ReadError};
use hypervisor_tui::demo::journal_export::Options;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

#[path = "support/journal.rs"]
mod journal;
#[path = "support/journal_mutate.rs"]
mod journal_mutate;

use journal::{LAYOUTS, VARIANT_ENTRIES, scratch_dir, unpack_committed, write_journal};
use journal_mutate::{Base, Mutation, mutate};

/// No read of these small files takes more than a fraction of a second; far past that
/// is a hang.
const HANG: Duration = Duration::from_secs(20);

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Entries in each journal made here: small, so a case reads the whole file quickly.
const SMALL: usize = 60;

/// A valid journal and how much of it a case reads.
struct Subject {
    base: Base,
    /// Entries the undamaged file gives.
    entries: usize,
    /// Entries a case reads from the tail: all of a small file, the newest of the large
    /// committed ones (10,000 entries each: a whole read costs ~0.5 s).
    read: usize,
    /// Its share of the cases: the large files cost ~10 times more a case.
    weight: usize,
}

/// Small valid journals in every layout made here, and the committed ones.
fn subjects(dir: &Path) -> Vec<Subject> {
    let opts = Options { entries: SMALL, seed: 5, boots: 3, ..Options::default() };
    let mut out: Vec<Subject> = LAYOUTS
        .iter()
        .map(|l| {
            let f = write_journal(&dir.join(format!("{}.journal", l.name)), &opts, *l);
            let base = Base::new(&format!("{}.journal", l.name), std::fs::read(f).unwrap());
            Subject { base, entries: SMALL, read: usize::MAX, weight: 4 }
        })
        .collect();
    for f in unpack_committed(dir) {
        let base = Base::new(&f.file_name().unwrap().to_string_lossy(), std::fs::read(&f).unwrap());
        out.push(Subject { base, entries: VARIANT_ENTRIES, read: 30, weight: 1 });
    }
    out
}

/// What one read did: entries read, or the error's text.
type Outcome = Result<usize, String>;

/// F1's and `logs`' reads of a journal, in-process, in a thread with a time bound.
fn read(dir: &Path, n: usize) -> Result<Outcome, &'static str> {
    let (tx, rx) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| read_all_ways(dir, n).map_err(|e| e.to_string()));
        let _ = tx.send(r);
    });
    match rx.recv_timeout(HANG) {
        Ok(Ok(outcome)) => Ok(outcome),
        Ok(Err(_)) => Err("panicked"),
        Err(_) => Err("hung"),
    }
}

/// The newest `n` lines; on small files (`n` unbounded) also a two-unit query, the boot
/// before, and the entries after a cursor.
fn read_all_ways(dir: PathBuf, n: usize) -> Result<usize, ReadError> {
    let reader = JournalReader::open(&Origin::Directories(vec![dir]))?;
    let lines = reader.tail_lines(n, &Filter::default())?;
    if n == usize::MAX {
        let units = Filter { units: vec!["sshd.service".into(), "k3s.service".into()], ..Filter::default() };
        let some = reader.tail(20, &units)?;
        if let Some(e) = some.first() {
            reader.boot_before(e.boot_id)?;
            reader.after(Some(e), &Filter::default())?;
        }
    }
    Ok(lines.len())
}

/// A journal file a worker damages in place and repairs after each case.
struct Workbench {
    dir: PathBuf,
    file: std::fs::File,
}

impl Workbench {
    fn new(dir: PathBuf, base: &Base) -> Workbench {
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("system.journal");
        std::fs::write(&path, &base.bytes).unwrap();
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        Workbench { dir, file }
    }

    fn damage(&self, m: &Mutation) {
        if let Some(len) = m.truncate {
            self.file.set_len(len as u64).unwrap();
        }
        for (at, bytes) in &m.patches {
            self.file.write_all_at(bytes, *at as u64).unwrap();
        }
    }

    /// Back to `base`: only the bytes the mutation touched (the file's tail past the used
    /// part is zeros, as `set_len` makes it).
    fn repair(&self, m: &Mutation, base: &Base) {
        for (at, bytes) in &m.patches {
            self.file.write_all_at(&base.bytes[*at..*at + bytes.len()], *at as u64).unwrap();
        }
        if let Some(len) = m.truncate {
            self.file.set_len(base.bytes.len() as u64).unwrap();
            let used = base.used_len().max(len);
            self.file.write_all_at(&base.bytes[len..used], len as u64).unwrap();
        }
    }
}

#[derive(Default)]
struct Tally {
    read: usize,
    refused: usize,
    entries: usize,
    failures: Vec<String>,
}

/// Runs `cases` (case numbers) over `subject` on one workbench.
fn run_cases(bench: &Workbench, subject: &Subject, seed: u64, cases: &[u64], tally: &mut Tally) {
    let base = &subject.base;
    for &case in cases {
        let m = mutate(base, seed << 32 | case);
        bench.damage(&m);
        match read(&bench.dir, subject.read) {
            Ok(Ok(n)) => {
                tally.read += 1;
                tally.entries += n;
            }
            Ok(Err(_)) => tally.refused += 1,
            Err(how) => {
                tally
                    .failures
                    .push(format!("{how}: JOURNAL_MUTATION_SEED={seed} JOURNAL_MUTATION_CASE={case} ({m})"));
                if how == "hung" {
                    return; // the hung thread still holds the file
                }
            }
        }
        bench.repair(&m, base);
    }
}

/// Case numbers `0..total` of `subject`: cases go round a schedule in which each subject
/// appears `weight` times.
fn cases_of(subjects: &[Subject], subject: usize, total: u64) -> Vec<u64> {
    let schedule: Vec<usize> = subjects.iter().enumerate().flat_map(|(i, s)| vec![i; s.weight]).collect();
    let only = env_u64("JOURNAL_MUTATION_CASE");
    (0..total)
        .filter(|c| schedule[(*c % schedule.len() as u64) as usize] == subject)
        .filter(|c| only.is_none_or(|o| o == *c))
        .collect()
}

/// One subject on one workbench: first the undamaged file (the harness itself is sound),
/// then its cases.
fn run_subject(dir: &Path, subjects: &[Subject], i: usize, seed: u64, total: u64) -> Tally {
    let subject = &subjects[i];
    let bench = Workbench::new(dir.join(format!("bench-{i}")), &subject.base);
    let got = read(&bench.dir, subject.read).unwrap();
    assert_eq!(got, Ok(subject.entries.min(subject.read)), "{}: the undamaged file", subject.base.name);
    let mut tally = Tally::default();
    let only = std::env::var("JOURNAL_MUTATION_FILE").ok();
    if only.is_none_or(|o| subject.base.name.starts_with(&o)) {
        run_cases(&bench, subject, seed, &cases_of(subjects, i, total), &mut tally);
    }
    tally
}

#[test]
fn damaged_journals_never_panic_or_hang() {
    let dir = scratch_dir("journal-mutations");
    let subjects = subjects(&dir);
    let seed = env_u64("JOURNAL_MUTATION_SEED").unwrap_or(20_251_202);
    let total = env_u64("JOURNAL_MUTATION_CASES").unwrap_or(2400);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(subjects.len());
    // Workers take whole subjects (one copy of each file), the costly large ones first.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(i) = subjects.len().checked_sub(k + 1) else { break out };
                        out.push(run_subject(&dir, &subjects, i, seed, total));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    report(&tallies, subjects.len());
}

fn report(tallies: &[Tally], subjects: usize) {
    let sum = |f: fn(&Tally) -> usize| tallies.iter().map(f).sum::<usize>();
    let (read, refused, entries) = (sum(|t| t.read), sum(|t| t.refused), sum(|t| t.entries));
    eprintln!(
        "{subjects} journals, {} cases: {read} read ({entries} entries), {refused} refused",
        read + refused
    );
    let failures: Vec<&str> = tallies.iter().flat_map(|t| &t.failures).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} damaged journals broke the reader:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if env_u64("JOURNAL_MUTATION_CASE").is_none() {
        assert!(
            read > 0 && refused > 0,
            "the damage is real ({refused} refused) and survivable ({read} read)"
        );
    }
}
