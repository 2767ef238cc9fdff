//! F2's top consumers: one pass over `/proc/*/stat` per refresh. Cheap by design: one
//! reused buffer and path, no allocation per process beyond `read_dir`'s entry, strings only
//! for the rows kept, and a qemu command line read once per process (cached by PID and start
//! time, since PIDs are reused).

use super::procs_parse::{is_qemu, parse_pid_stat, qemu_guest_name};
use crate::model::procs::{ProcTable, ProcUsage};
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

/// Rows kept per order (CPU, memory); the table shows at most this many.
pub const KEEP: usize = 40;

/// The read buffer's starting size: a `stat` line is ~300 bytes, a qemu command line a few KiB.
const READ_CHUNK: usize = 4096;

/// A process seen in this scan, before it is known whether it is kept.
#[derive(Clone, Copy)]
struct Seen {
    pid: u32,
    cpu: Option<f64>,
    rss_pages: u64,
    /// `comm`, cut to 32 bytes (workqueue threads' names can pass the kernel's 15).
    comm: [u8; 32],
    comm_len: u8,
}

impl Seen {
    fn comm(&self) -> String {
        String::from_utf8_lossy(&self.comm[..usize::from(self.comm_len)]).into_owned()
    }
}

/// Reads `/proc/*/stat` under `root` and keeps each process's CPU ticks for the next scan.
pub struct ProcScanner {
    root: PathBuf,
    buf: Vec<u8>,
    /// `PID/FILE` and a NUL, opened relative to `root_fd` (the root is not walked again).
    path: String,
    root_fd: Option<std::fs::File>,
    /// PID → (start time, ticks) at the previous scan.
    prev: HashMap<u32, (u64, u64)>,
    next: HashMap<u32, (u64, u64)>,
    seen: Vec<Seen>,
    /// PID → (start time, guest name) for qemu processes.
    names: HashMap<u32, (u64, Option<String>)>,
    at: Option<Instant>,
    ticks_per_s: f64,
    page_bytes: u64,
}

fn sysconf(name: libc::c_int, fallback: i64) -> i64 {
    // SAFETY: sysconf reads a constant of the C library; it has no preconditions.
    let v = unsafe { libc::sysconf(name) };
    if v > 0 { v } else { fallback }
}

impl ProcScanner {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root: PathBuf = root.into();
        ProcScanner {
            root_fd: None,
            root,
            buf: Vec::with_capacity(READ_CHUNK),
            path: String::new(),
            prev: HashMap::new(),
            next: HashMap::new(),
            seen: Vec::new(),
            names: HashMap::new(),
            at: None,
            ticks_per_s: sysconf(libc::_SC_CLK_TCK, 100) as f64,
            page_bytes: sysconf(libc::_SC_PAGESIZE, 4096) as u64,
        }
    }

    /// Opens `self.path` (NUL-terminated) relative to the root directory.
    fn open_in_root(&self) -> Option<std::fs::File> {
        use std::os::fd::{AsRawFd, FromRawFd};
        let dir = self.root_fd.as_ref()?;
        // SAFETY: `path` ends in a NUL we wrote; `dir` is an open directory we own; a
        // returned descriptor is new and ours, so the File may own (and close) it.
        let fd = unsafe {
            libc::openat(dir.as_raw_fd(), self.path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC)
        };
        (fd >= 0).then(|| unsafe { std::fs::File::from_raw_fd(fd) })
    }

    /// Reads `root/PID/FILE` into the reused buffer; false when it is gone or unreadable.
    /// Three system calls (open, read, close): procfs hands the whole record to one read
    /// into a buffer larger than it, so no size probe (`read_to_end` stats and seeks first)
    /// and no read for the end of file unless the buffer came back full.
    fn read(&mut self, pid: u32, file: &str) -> bool {
        use std::fmt::Write;
        self.path.clear();
        let _ = write!(self.path, "{pid}/{file}\0");
        let Some(mut f) = self.open_in_root() else {
            return false;
        };
        self.buf.resize(self.buf.capacity().max(READ_CHUNK), 0);
        let mut len = 0;
        loop {
            match f.read(&mut self.buf[len..]) {
                Ok(0) => break,
                Ok(n) if len + n < self.buf.len() => {
                    len += n;
                    break;
                }
                Ok(n) => {
                    len += n;
                    self.buf.resize(self.buf.len() * 2, 0);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        self.buf.truncate(len);
        true
    }

    /// One scan: every process's CPU % since the previous scan and RSS; the busiest and the
    /// largest `KEEP` each are returned.
    pub fn scan(&mut self) -> ProcTable {
        let now = Instant::now();
        let secs = self.at.map(|a| now.duration_since(a).as_secs_f64()).filter(|s| *s > 0.0);
        let dir = match std::fs::read_dir(&self.root) {
            Ok(d) => d,
            Err(e) => {
                let error = Some(format!("cannot list {}: {e}", self.root.display()));
                return ProcTable { error, scanned: true, ..ProcTable::default() };
            }
        };
        if self.root_fd.is_none() {
            self.root_fd = std::fs::File::open(&self.root).ok();
        }
        self.seen.clear();
        self.next.clear();
        for entry in dir.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            self.observe(pid, secs);
        }
        std::mem::swap(&mut self.prev, &mut self.next);
        self.at = Some(now);
        let total = self.seen.len();
        let top = self.keep();
        let alive = &self.prev;
        self.names.retain(|pid, _| alive.contains_key(pid));
        ProcTable { top, total, error: None, scanned: true }
    }

    fn observe(&mut self, pid: u32, secs: Option<f64>) {
        if !self.read(pid, "stat") {
            return; // exited between the listing and the read
        }
        let Some(st) = std::str::from_utf8(&self.buf).ok().and_then(parse_pid_stat) else {
            return;
        };
        let (start, ticks, rss_pages) = (st.starttime, st.ticks, st.rss_pages);
        let mut comm = [0u8; 32];
        let mut len = st.comm.len().min(32);
        while !st.comm.is_char_boundary(len) {
            len -= 1;
        }
        comm[..len].copy_from_slice(&st.comm.as_bytes()[..len]);
        if is_qemu(st.comm) && self.names.get(&pid).is_none_or(|n| n.0 != start) {
            let guest = if self.read(pid, "cmdline") { qemu_guest_name(&self.buf) } else { None };
            self.names.insert(pid, (start, guest));
        }
        let cpu = match (self.prev.get(&pid), secs) {
            (Some(&(s0, t0)), Some(secs)) if s0 == start => {
                Some(ticks.saturating_sub(t0) as f64 / self.ticks_per_s / secs * 100.0)
            }
            _ => None,
        };
        self.next.insert(pid, (start, ticks));
        self.seen.push(Seen { pid, cpu, rss_pages, comm, comm_len: len as u8 });
    }

    /// The union of the `KEEP` busiest and the `KEEP` largest, busiest first.
    fn keep(&mut self) -> Vec<ProcUsage> {
        let by_cpu = |a: &Seen, b: &Seen| b.cpu.unwrap_or(-1.0).total_cmp(&a.cpu.unwrap_or(-1.0));
        let mut picked: Vec<Seen> = Vec::with_capacity(2 * KEEP);
        if self.seen.len() > KEEP {
            self.seen.select_nth_unstable_by(KEEP - 1, by_cpu);
        }
        picked.extend(self.seen.iter().take(KEEP));
        if self.seen.len() > KEEP {
            self.seen.select_nth_unstable_by(KEEP - 1, |a, b| b.rss_pages.cmp(&a.rss_pages));
            let by_cpu_n = picked.len();
            for s in self.seen.iter().take(KEEP) {
                if !picked[..by_cpu_n].iter().any(|p| p.pid == s.pid) {
                    picked.push(*s);
                }
            }
        }
        picked.sort_by(by_cpu);
        picked.iter().map(|s| self.row(s)).collect()
    }

    /// A kept row with its name (and, for qemu, its guest's).
    fn row(&self, s: &Seen) -> ProcUsage {
        let guest = self.names.get(&s.pid).and_then(|n| n.1.clone());
        ProcUsage {
            pid: s.pid,
            name: s.comm(),
            guest,
            cpu_percent: s.cpu,
            rss_bytes: s.rss_pages * self.page_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_proc(root: &std::path::Path, pid: u32, comm: &str, ticks: u64, rss: u64, cmdline: &[u8]) {
        let d = root.join(pid.to_string());
        std::fs::create_dir_all(&d).unwrap();
        let stat = format!("{pid} ({comm}) S 1 1 1 0 -1 0 0 0 0 0 {ticks} 0 0 0 20 0 1 0 100 0 {rss} 0");
        std::fs::write(d.join("stat"), stat).unwrap();
        std::fs::write(d.join("cmdline"), cmdline).unwrap();
    }

    #[test]
    fn cpu_needs_two_scans_and_qemu_shows_its_guest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_proc(root, 10, "bash", 5, 100, b"bash\0");
        write_proc(root, 20, "qemu-system-x86", 1000, 50_000, b"qemu\0-name\0guest=db-01,debug-threads=on\0");
        std::fs::create_dir_all(root.join("self")).unwrap();
        std::fs::write(root.join("stat"), "cpu 1 2 3").unwrap();
        let mut s = ProcScanner::new(root);
        let first = s.scan();
        assert_eq!(first.total, 2);
        assert!(first.top.iter().all(|p| p.cpu_percent.is_none()), "no CPU % from one scan");
        std::thread::sleep(std::time::Duration::from_millis(50));
        write_proc(root, 20, "qemu-system-x86", 1010, 50_000, b"qemu\0-name\0guest=db-01,debug-threads=on\0");
        let second = s.scan();
        let q = second.top.iter().find(|p| p.pid == 20).unwrap();
        assert_eq!((q.guest.as_deref(), q.label()), (Some("db-01"), "db-01 (qemu)".to_string()));
        assert!(q.cpu_percent.unwrap() > 0.0, "{q:?}");
        let b = second.top.iter().find(|p| p.pid == 10).unwrap();
        assert_eq!((b.name.as_str(), b.cpu_percent), ("bash", Some(0.0)));
        assert_eq!(b.rss_bytes, 100 * s.page_bytes);
        assert_eq!(second.top[0].pid, 20, "busiest first");
    }

    #[test]
    fn a_missing_root_is_an_error_not_an_empty_host() {
        let t = ProcScanner::new("/nonexistent/proc").scan();
        assert!(t.scanned && t.error.as_deref().is_some_and(|e| e.contains("/nonexistent/proc")));
    }

    #[test]
    fn keeps_the_busiest_and_the_largest() {
        let dir = tempfile::tempdir().unwrap();
        for pid in 1..=200u32 {
            write_proc(dir.path(), pid, "w", 0, u64::from(pid), b"w\0");
        }
        let mut s = ProcScanner::new(dir.path());
        s.scan();
        for pid in 1..=200u32 {
            write_proc(dir.path(), pid, "w", u64::from(1000 - pid), u64::from(pid), b"w\0");
        }
        let t = s.scan();
        assert_eq!(t.total, 200);
        let pids: Vec<u32> = t.top.iter().map(|p| p.pid).collect();
        assert!(pids.contains(&1) && pids.contains(&200), "busiest (1) and largest (200) kept");
        assert_eq!(pids.len(), 2 * KEEP);
    }
}
