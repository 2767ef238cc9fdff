//! The journal source: which journal files exist and can be read (`probe`),
//! and reading them (`reader`, `json`).

pub mod format;
pub mod json;
pub mod live;
pub mod reader;
pub mod stream;
pub mod watch;

use crate::config::JournalConfig;
use crate::event::Health;
use std::path::{Path, PathBuf};

/// The host's journal directories, persistent first.
pub const HOST_DIRS: [&str; 2] = ["/var/log/journal", "/run/log/journal"];

pub fn directories(cfg: &JournalConfig) -> Vec<PathBuf> {
    match &cfg.directory {
        Some(d) => vec![d.clone()],
        None => HOST_DIRS.iter().map(PathBuf::from).collect(),
    }
}

/// Journal files in `dir` and its machine-id subdirectories.
pub fn journal_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Ok(sub) = std::fs::read_dir(&p) {
                out.extend(sub.flatten().map(|s| s.path()).filter(|s| is_journal(s)));
            }
        } else if is_journal(&p) {
            out.push(p);
        }
    }
    out
}

fn is_journal(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".journal") || name.ends_with(".journal~")
}

/// Health of the journal source: files found and readable.
pub fn probe(cfg: &JournalConfig) -> Health {
    probe_dirs(&directories(cfg))
}

/// Health of journal directories: files found and readable.
pub fn probe_dirs(dirs: &[PathBuf]) -> Health {
    let shown = dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ");
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| journal_files(d)).collect();
    if files.is_empty() {
        let denied = dirs
            .iter()
            .any(|d| std::fs::read_dir(d).is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied));
        return if denied {
            Health::Error(format!("permission denied on {shown} (join the systemd-journal group)"))
        } else {
            Health::Unavailable(format!("no journal files in {shown}"))
        };
    }
    let readable = files.iter().filter(|f| std::fs::File::open(f).is_ok()).count();
    if readable == 0 {
        return Health::Error(format!(
            "{} journal files in {shown}, none readable (join the systemd-journal group)",
            files.len()
        ));
    }
    Health::Ok(format!("{readable} files in {shown}"))
}

/// A journal file written by systemd-journal-remote from the project's generator, for the
/// unit tests of this module and its children.
#[cfg(test)]
pub(crate) fn write_test_journal(out: &std::path::Path, opts: &crate::demo::journal_export::Options) {
    use std::process::{Command, Stdio};
    let mut child = Command::new("/lib/systemd/systemd-journal-remote")
        .arg(format!("--output={}", out.display()))
        .arg("-")
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("systemd-journal-remote (make test installs it)");
    crate::demo::journal_export::write_stream(opts, child.stdin.as_mut().unwrap(), None).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_directory_is_unavailable() {
        let cfg = JournalConfig { directory: Some("/nonexistent/journal".into()), ..Default::default() };
        assert!(matches!(probe(&cfg), Health::Unavailable(r) if r.contains("/nonexistent/journal")));
    }

    fn write_journal(out: &Path, entries: usize) {
        let opts = crate::demo::journal_export::Options { entries, ..Default::default() };
        super::write_test_journal(out, &opts);
    }

    #[test]
    fn directory_of_journal_files_is_ok() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("0123456789abcdef0123456789abcdef")).unwrap();
        write_journal(&dir.path().join("system.journal"), 20);
        // A file journald set aside after a crash, in a machine-id subdirectory.
        let sub = dir.path().join("0123456789abcdef0123456789abcdef");
        write_journal(&sub.join("system@1.journal"), 20);
        std::fs::rename(sub.join("system@1.journal"), sub.join("system@1.journal~")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a journal").unwrap();
        let cfg = JournalConfig { directory: Some(dir.path().to_path_buf()), ..Default::default() };
        let health = probe(&cfg);
        assert!(matches!(&health, Health::Ok(r) if r.starts_with("2 files")), "{health:?}");
    }
}
