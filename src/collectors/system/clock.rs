//! The clock's synchronisation from the kernel (`adjtimex(2)` with `modes = 0` only reads):
//! no daemon needs to answer. Who keeps the clock is found cheaply: timesyncd leaves
//! `/run/systemd/timesync/synchronized`; chronyd or ntpd show in /proc.

use super::root::HostRoot;
use crate::model::system::{Clock, Fact};
use std::io;
use std::path::Path;

/// What `adjtimex` reports, in its own units (`offset` is in ns when `STA_NANO` is set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timex {
    pub status: i32,
    pub offset: i64,
    pub maxerror: i64,
    pub esterror: i64,
}

/// Where the kernel's clock state comes from: the syscall, or values a test gives.
pub trait ClockSource {
    fn read(&self) -> io::Result<Timex>;
}

/// The real `adjtimex(2)`.
pub struct Adjtimex;

impl ClockSource for Adjtimex {
    fn read(&self) -> io::Result<Timex> {
        // SAFETY: timex is plain data; all-zero is valid and modes = 0 makes the call read-only.
        let mut t: libc::timex = unsafe { std::mem::zeroed() };
        // SAFETY: `t` is a valid, writable timex for the duration of the call.
        let state = unsafe { libc::adjtimex(&mut t) };
        if state < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Timex {
            status: t.status,
            offset: t.offset as i64,
            maxerror: t.maxerror as i64,
            esterror: t.esterror as i64,
        })
    }
}

/// The clock facts from one reading.
pub fn clock(t: Timex, source: Option<String>) -> Clock {
    let offset_us = if t.status & libc::STA_NANO != 0 { t.offset / 1000 } else { t.offset };
    Clock {
        synchronized: t.status & libc::STA_UNSYNC == 0,
        offset_us,
        max_error_us: t.maxerror,
        est_error_us: t.esterror,
        source,
    }
}

pub fn read(src: &dyn ClockSource, root: &HostRoot, proc: &Path) -> Fact<Clock> {
    match src.read() {
        Ok(t) => Fact::Known(clock(t, time_daemon(root, proc))),
        Err(e) => Fact::Unknown(format!("adjtimex: {e}")),
    }
}

/// The time daemon running, if one is seen.
fn time_daemon(root: &HostRoot, proc: &Path) -> Option<String> {
    if root.lexical("/run/systemd/timesync/synchronized").exists() {
        return Some("systemd-timesyncd".into());
    }
    const DAEMONS: [&str; 4] = ["chronyd", "ntpd", "systemd-timesyncd", "openntpd"];
    let dir = std::fs::read_dir(proc).ok()?;
    dir.flatten().filter(|e| e.file_name().as_encoded_bytes().iter().all(u8::is_ascii_digit)).find_map(|e| {
        let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
        let comm = comm.trim();
        // `comm` keeps 15 bytes of the name: "systemd-timesyn".
        DAEMONS
            .iter()
            .find(|d| **d == comm || (comm.len() == 15 && d.starts_with(comm)))
            .map(|d| d.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Timex);

    impl ClockSource for Fixed {
        fn read(&self) -> io::Result<Timex> {
            Ok(self.0)
        }
    }

    #[test]
    fn unsync_bit_and_nanoseconds() {
        let c = clock(
            Timex { status: libc::STA_UNSYNC, offset: 0, maxerror: 16_000_000, esterror: 16_000_000 },
            None,
        );
        assert!(!c.synchronized);
        let c = clock(Timex { status: libc::STA_NANO, offset: -250_000, maxerror: 1500, esterror: 20 }, None);
        assert_eq!((c.synchronized, c.offset_us, c.max_error_us), (true, -250, 1500));
    }

    #[test]
    fn daemons_are_found_in_the_root_and_in_proc() {
        let dir = tempfile::tempdir().unwrap();
        let proc = dir.path().join("proc");
        std::fs::create_dir_all(proc.join("412")).unwrap();
        std::fs::write(proc.join("412/comm"), "chronyd\n").unwrap();
        let root = HostRoot::new(dir.path().join("root"));
        let c = read(&Fixed(Timex::default()), &root, &proc);
        assert_eq!(c.known().unwrap().source.as_deref(), Some("chronyd"));
        std::fs::create_dir_all(dir.path().join("root/run/systemd/timesync")).unwrap();
        std::fs::write(dir.path().join("root/run/systemd/timesync/synchronized"), "").unwrap();
        let c = read(&Fixed(Timex::default()), &root, &proc);
        assert_eq!(c.known().unwrap().source.as_deref(), Some("systemd-timesyncd"));
    }

    #[test]
    fn the_real_syscall_answers() {
        let t = Adjtimex.read().expect("adjtimex(2) with modes = 0 works for any user");
        // The kernel caps maxerror at NTP_PHASE_LIMIT (16 s) and keeps it non-negative.
        assert!((0..=16_000_000).contains(&t.maxerror), "{t:?}");
        assert!(t.esterror >= 0, "{t:?}");
    }
}
