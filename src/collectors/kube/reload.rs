//! A renewed kubeconfig, picked up without a restart: the NixOS module's token service
//! replaces the console's kubeconfig (a fresh short-lived token) well before the old token
//! expires. The collector notes the file it built its client from, and rebuilds the client
//! when that file changed (`Stamp`: mtime, size, inode; a rename gives a new inode) or when
//! the API rejects the token (401).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What tells one version of a file from the next without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    ino: u64,
}

/// The stamp of `path`, `None` when it cannot be read (gone, no permission).
pub fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp { modified: m.modified().ok(), len: m.len(), ino: m.ino() })
}

/// The kubeconfig a client was built from, as it was before it was read.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    seen: Option<Stamp>,
}

impl Source {
    /// Stamps `path` now: call before reading it, so a replacement while it is read counts
    /// as a change.
    pub fn before_reading(path: &Path) -> Source {
        Source { path: path.to_path_buf(), seen: stamp(path) }
    }

    /// Whether the file is now another one than the client was built from. A file that
    /// cannot be read at the moment is not a change (the old client may still work).
    pub fn changed(&self) -> bool {
        stamp(&self.path).is_some_and(|now| self.seen.as_ref() != Some(&now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_file_is_a_change_an_untouched_or_missing_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("kubeconfig");
        std::fs::write(&p, "token: a").unwrap();
        let s = Source::before_reading(&p);
        assert!(!s.changed());
        // Written beside it and renamed over it, as the token service does: same size.
        let tmp = dir.path().join(".new");
        std::fs::write(&tmp, "token: b").unwrap();
        std::fs::rename(&tmp, &p).unwrap();
        assert!(s.changed(), "a new inode");
        let s = Source::before_reading(&p);
        std::fs::remove_file(&p).unwrap();
        assert!(!s.changed(), "gone for a moment: keep the client");
        let s = Source::before_reading(&p);
        std::fs::write(&p, "token: c").unwrap();
        assert!(s.changed(), "appeared");
    }
}
