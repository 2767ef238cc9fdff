//! Pure parsers for the per-process files F2's top consumers need: `/proc/PID/stat` and,
//! for qemu only, `/proc/PID/cmdline`.

/// What the table needs from one `/proc/PID/stat` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PidStat<'a> {
    /// `comm`, between the first `(` and the last `)` (it may hold spaces and parentheses).
    pub comm: &'a str,
    /// utime + stime, in clock ticks.
    pub ticks: u64,
    /// Start time after boot, in clock ticks: with the PID, it names one process (PIDs are reused).
    pub starttime: u64,
    /// Resident set, in pages.
    pub rss_pages: u64,
}

/// Parses `/proc/PID/stat`; `None` when the line is cut or malformed.
pub fn parse_pid_stat(s: &str) -> Option<PidStat<'_>> {
    let open = s.find('(')?;
    let close = s.rfind(')')?;
    let comm = s.get(open + 1..close)?;
    // After ")": field 3 (state) is index 0, so field N is index N - 3.
    let mut f = s.get(close + 1..)?.split_ascii_whitespace();
    let mut nth = |skip: usize| f.nth(skip).and_then(|v| v.parse::<u64>().ok());
    let utime = nth(11)?; // field 14
    let stime = nth(0)?; // 15
    let starttime = nth(6)?; // 22
    let rss = nth(1)?; // 24
    Some(PidStat { comm, ticks: utime + stime, starttime, rss_pages: rss })
}

/// Whether a process name is a qemu/KVM emulator (whose guest name is worth looking up).
pub fn is_qemu(comm: &str) -> bool {
    comm.starts_with("qemu") || comm == "kvm"
}

/// The guest name from a qemu command line (NUL-separated): libvirt passes
/// `-name guest=NAME,debug-threads=on` (a `,` in the name is doubled); plain qemu `-name NAME`.
pub fn qemu_guest_name(cmdline: &[u8]) -> Option<String> {
    let mut args = cmdline.split(|b| *b == 0);
    args.find(|a| *a == b"-name")?;
    let v = String::from_utf8_lossy(args.next()?);
    let v = v.strip_prefix("guest=").unwrap_or(&v);
    let mut name = String::new();
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ',' {
            if chars.peek() == Some(&',') {
                chars.next();
            } else {
                break;
            }
        }
        name.push(c);
    }
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "4242 (qemu-system-x86) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 5 0 98765 4096000000 262144 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

    #[test]
    fn stat_fields() {
        let p = parse_pid_stat(STAT).unwrap();
        assert_eq!(p, PidStat { comm: "qemu-system-x86", ticks: 1750, starttime: 98765, rss_pages: 262_144 });
    }

    #[test]
    fn comm_with_spaces_and_parentheses() {
        let s = "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 55 0 9 0";
        let p = parse_pid_stat(s).unwrap();
        assert_eq!((p.comm, p.ticks, p.starttime, p.rss_pages), ("a) b (c)", 7, 55, 9));
    }

    #[test]
    fn cut_or_garbage_lines_are_none() {
        assert_eq!(parse_pid_stat(""), None);
        assert_eq!(parse_pid_stat("12 (x) S 1 2 3"), None);
        assert_eq!(parse_pid_stat("12 (x S 1"), None);
        assert_eq!(parse_pid_stat(&STAT.replace("1500", "x")), None);
    }

    #[test]
    fn guest_names() {
        let libvirt = b"/usr/bin/qemu-system-x86_64\0-name\0guest=web,,01,debug-threads=on\0-S\0";
        assert_eq!(qemu_guest_name(libvirt).as_deref(), Some("web,01"));
        assert_eq!(qemu_guest_name(b"qemu\0-name\0plain\0").as_deref(), Some("plain"));
        assert_eq!(qemu_guest_name(b"qemu\0-m\x00512\0"), None);
        assert_eq!(qemu_guest_name(b"qemu\0-name\0"), None);
        assert!(is_qemu("qemu-system-x86") && is_qemu("kvm") && !is_qemu("bash"));
    }
}
