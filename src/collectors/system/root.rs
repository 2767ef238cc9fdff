//! The host's files seen from `HYPERVISOR_TUI_ROOT` (default `/`): a path of the host such
//! as `/run/current-system` is looked up under the root, and every symlink on the way is
//! followed *inside* the root — an absolute target is re-rooted, `..` stops at the root —
//! so a fixture tree behaves like the host it copies (`/run/current-system` →
//! `/nix/store/…` lands in ROOT/nix/store/…), and nothing outside the root is ever read.

use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Symlinks followed for one lookup at most, as the kernel's `MAXSYMLINKS` (40).
const MAX_LINKS: usize = 40;

/// Where the host's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRoot {
    root: PathBuf,
}

/// A path of the host and where it is on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The path as the host names it, absolute, without symlinks: `/nix/store/…`.
    pub host: String,
    /// The same file under the root, to open.
    pub real: PathBuf,
}

impl HostRoot {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        HostRoot { root: root.into() }
    }

    /// `HYPERVISOR_TUI_ROOT`, else `/`.
    pub fn from_env() -> Self {
        HostRoot::new(
            std::env::var_os("HYPERVISOR_TUI_ROOT").map_or_else(|| PathBuf::from("/"), PathBuf::from),
        )
    }

    /// The host path under the root without following anything (for `lstat`, `read_dir`
    /// of a directory known to hold no links on the way).
    pub fn lexical(&self, host_path: &str) -> PathBuf {
        let mut real = self.root.clone();
        for c in normalise(host_path) {
            real.push(c);
        }
        real
    }

    /// Follows every symlink of `host_path`, the last one too (as `realpath`).
    pub fn resolve(&self, host_path: &str) -> io::Result<Resolved> {
        self.walk(host_path, true)
    }

    /// Follows the symlinks of the directories on the way but not the last component:
    /// the link itself, for `lstat` and `read_link`.
    pub fn resolve_parent(&self, host_path: &str) -> io::Result<Resolved> {
        self.walk(host_path, false)
    }

    fn walk(&self, host_path: &str, follow_last: bool) -> io::Result<Resolved> {
        let mut todo: Vec<OsString> = components(Path::new(host_path));
        todo.reverse(); // a stack: the next component is at the end
        let mut done: Vec<OsString> = Vec::new();
        let mut links = 0;
        while let Some(c) = todo.pop() {
            if c == ".." {
                done.pop();
                continue;
            }
            done.push(c);
            if todo.is_empty() && !follow_last {
                break;
            }
            let real = self.real(&done);
            let meta = std::fs::symlink_metadata(&real)?;
            if !meta.file_type().is_symlink() {
                continue;
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(io::Error::other(format!("too many symlinks under {host_path}")));
            }
            let target = std::fs::read_link(&real)?;
            done.pop();
            if target.is_absolute() {
                done.clear();
            }
            let mut more = components(&target);
            more.reverse();
            todo.extend(more);
        }
        Ok(Resolved { host: host_string(&done), real: self.real(&done) })
    }

    fn real(&self, parts: &[OsString]) -> PathBuf {
        let mut p = self.root.clone();
        p.extend(parts);
        p
    }
}

/// The named components of `p` (`.` and the root dropped, `..` kept for the walk).
fn components(p: &Path) -> Vec<OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect()
}

/// `host_path` without `.`, with `..` applied, never above the root.
fn normalise(host_path: &str) -> Vec<OsString> {
    let mut out = Vec::new();
    for c in components(Path::new(host_path)) {
        if c == ".." {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out
}

fn host_string(parts: &[OsString]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push('/');
        s.push_str(&p.to_string_lossy());
    }
    if s.is_empty() { "/".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> (tempfile::TempDir, HostRoot) {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::create_dir_all(r.join("nix/store/abc-nixos-system-h-25.11")).unwrap();
        std::fs::write(r.join("nix/store/abc-nixos-system-h-25.11/nixos-version"), "25.11").unwrap();
        std::fs::create_dir_all(r.join("run")).unwrap();
        symlink("/nix/store/abc-nixos-system-h-25.11", r.join("run/current-system")).unwrap();
        std::fs::create_dir_all(r.join("nix/var/nix/profiles")).unwrap();
        symlink("/nix/store/abc-nixos-system-h-25.11", r.join("nix/var/nix/profiles/system-1-link")).unwrap();
        symlink("system-1-link", r.join("nix/var/nix/profiles/system")).unwrap();
        let host = HostRoot::new(r);
        (dir, host)
    }

    #[test]
    fn absolute_targets_are_re_rooted() {
        let (dir, host) = tree();
        let r = host.resolve("/run/current-system/nixos-version").unwrap();
        assert_eq!(r.host, "/nix/store/abc-nixos-system-h-25.11/nixos-version");
        assert_eq!(r.real, dir.path().join("nix/store/abc-nixos-system-h-25.11/nixos-version"));
        assert_eq!(std::fs::read_to_string(r.real).unwrap(), "25.11");
    }

    #[test]
    fn relative_links_and_chains_resolve() {
        let (_dir, host) = tree();
        let r = host.resolve("/nix/var/nix/profiles/system").unwrap();
        assert_eq!(r.host, "/nix/store/abc-nixos-system-h-25.11");
        let link = host.resolve_parent("/nix/var/nix/profiles/system").unwrap();
        assert_eq!(link.host, "/nix/var/nix/profiles/system", "the link itself, not followed");
        assert!(std::fs::symlink_metadata(link.real).unwrap().file_type().is_symlink());
    }

    #[test]
    fn dot_dot_never_escapes_the_root() {
        let (dir, host) = tree();
        symlink("../../../../../../etc", dir.path().join("run/escape")).unwrap();
        let err = host.resolve("/run/escape/passwd").unwrap_err();
        assert_eq!(
            err.kind(),
            io::ErrorKind::NotFound,
            "ROOT/etc/passwd does not exist, /etc/passwd must not be read"
        );
        std::fs::create_dir(dir.path().join("etc")).unwrap();
        std::fs::write(dir.path().join("etc/passwd"), "fixture").unwrap();
        let r = host.resolve("/../../run/escape/passwd").unwrap();
        assert_eq!(
            (r.host.as_str(), std::fs::read_to_string(&r.real).unwrap().as_str()),
            ("/etc/passwd", "fixture")
        );
        assert_eq!(host.lexical("/../x/./y"), dir.path().join("x/y"));
    }

    #[test]
    fn loops_end_with_an_error() {
        let (dir, host) = tree();
        symlink("b", dir.path().join("run/a")).unwrap();
        symlink("a", dir.path().join("run/b")).unwrap();
        let err = host.resolve("/run/a").unwrap_err();
        assert!(err.to_string().contains("too many symlinks"), "{err}");
    }

    #[test]
    fn the_root_itself_and_missing_paths() {
        let (dir, host) = tree();
        let r = host.resolve("/").unwrap();
        assert_eq!((r.host.as_str(), r.real.as_path()), ("/", dir.path()));
        assert_eq!(host.resolve("/run/booted-system").unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
