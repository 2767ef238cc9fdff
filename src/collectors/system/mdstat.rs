//! `/proc/mdstat` → md arrays. The format is the kernel's `md_seq_show` (drivers/md/md.c)
//! and `status_resync`: one header line per array, indented lines after it.

use crate::model::system::{MdArray, MdMember, MdSync};

pub fn parse_mdstat(text: &str) -> Vec<MdArray> {
    let mut out: Vec<MdArray> = Vec::new();
    for line in text.lines() {
        if line.starts_with(char::is_whitespace) {
            if let Some(a) = out.last_mut() {
                detail_line(a, line);
            }
        } else if let Some((name, rest)) = line.split_once(" : ")
            && name.starts_with("md")
            && !name.contains(' ')
        {
            out.push(header(name, rest));
        }
    }
    out
}

/// `active (auto-read-only) raid1 sdb1[1](F) sda1[0]`
fn header(name: &str, rest: &str) -> MdArray {
    let mut a = MdArray { name: name.to_string(), ..MdArray::default() };
    let mut tokens = rest.split_ascii_whitespace().peekable();
    a.state = tokens.next().unwrap_or("").to_string();
    while let Some(t) = tokens.next_if(|t| t.starts_with('(')) {
        a.state.push(' ');
        a.state.push_str(t);
    }
    if a.state.starts_with("active") {
        a.level = tokens.next_if(|t| !t.contains('[')).map(str::to_string);
    }
    a.members = tokens.filter_map(member).collect();
    a
}

/// `sdb1[1](F)`
fn member(t: &str) -> Option<MdMember> {
    let (device, rest) = t.split_once('[')?;
    let (index, flags) = rest.split_once(']')?;
    Some(MdMember {
        device: device.to_string(),
        index: index.parse().ok(),
        faulty: flags.contains("(F)"),
        spare: flags.contains("(S)"),
    })
}

fn detail_line(a: &mut MdArray, line: &str) {
    for t in line.split_ascii_whitespace() {
        let Some(inner) = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else { continue };
        if let Some((w, k)) = inner.split_once('/') {
            a.wanted = w.parse().ok();
            a.working = k.parse().ok();
        } else if !inner.is_empty() && inner.chars().all(|c| c == 'U' || c == '_') {
            a.slots = inner.to_string();
        }
    }
    if let Some(s) = sync_line(line) {
        a.sync = Some(s);
    }
}

/// `[=>....]  recovery =  8.5% (83084160/976630272) finish=76.9min speed=193392K/sec`
fn sync_line(line: &str) -> Option<MdSync> {
    const ACTIONS: [&str; 5] = ["resync", "recovery", "check", "reshape", "repair"];
    let (before, after) = line.split_once(" = ").or_else(|| line.split_once("= "))?;
    let action = before.split_ascii_whitespace().last()?;
    if !ACTIONS.contains(&action) {
        return None;
    }
    let (pct, rest) = after.trim_start().split_once('%')?;
    let percent: f64 = pct.trim().parse().ok().filter(|p: &f64| p.is_finite())?;
    let field = |key: &str| rest.split_ascii_whitespace().find_map(|t| t.strip_prefix(key));
    let finish_s = field("finish=")
        .and_then(|f| f.strip_suffix("min"))
        .and_then(|m| m.parse::<f64>().ok())
        .filter(|m| m.is_finite() && *m >= 0.0)
        .map(|m| (m * 60.0).round() as u64);
    let speed_kib_s = field("speed=").and_then(|s| s.strip_suffix("K/sec")).and_then(|k| k.parse().ok());
    Some(MdSync { action: action.to_string(), percent, finish_s, speed_kib_s })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MDSTAT: &str = "\
Personalities : [raid1] [raid6] [raid5] [raid4]
md1 : active raid1 sdb2[1] sda2[0]
      976629760 blocks super 1.2 [2/2] [UU]
      bitmap: 2/8 pages [8KB], 65536KB chunk

md0 : active raid1 sdb1[1](F) sda1[0]
      1047552 blocks super 1.2 [2/1] [U_]

md2 : active raid5 sdd1[3] sdc1[1] sdb1[0]
      1953260544 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [UU_]
      [=>...................]  recovery =  8.5% (83084160/976630272) finish=76.9min speed=193392K/sec

md127 : active (auto-read-only) raid1 sde[0] sdf[1]
      1046528 blocks super 1.2 [2/2] [UU]
      \tresync=PENDING

md3 : inactive sdg1[1](S)
      1048576 blocks super 1.2

unused devices: <none>
";

    #[test]
    fn arrays_members_and_slots() {
        let a = parse_mdstat(MDSTAT);
        let names: Vec<&str> = a.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["md1", "md0", "md2", "md127", "md3"]);
        assert!(!a[0].degraded());
        assert_eq!((a[0].wanted, a[0].working, a[0].slots.as_str()), (Some(2), Some(2), "UU"));
        assert!(a[1].degraded());
        assert_eq!(
            a[1].members[0],
            MdMember { device: "sdb1".into(), index: Some(1), faulty: true, spare: false }
        );
        assert_eq!(a[3].state, "active (auto-read-only)");
        assert_eq!(a[3].level.as_deref(), Some("raid1"));
        assert_eq!(a[3].sync, None, "a pending resync is not progress");
        assert_eq!((a[4].state.as_str(), a[4].level.as_deref()), ("inactive", None));
        assert!(a[4].members[0].spare);
    }

    #[test]
    fn recovery_progress() {
        let a = parse_mdstat(MDSTAT);
        let s = a[2].sync.as_ref().unwrap();
        assert_eq!(s.action, "recovery");
        assert_eq!(s.percent, 8.5);
        assert_eq!(s.finish_s, Some(4614));
        assert_eq!(s.speed_kib_s, Some(193392));
        assert!(a[2].degraded());
    }

    #[test]
    fn no_arrays() {
        assert_eq!(parse_mdstat("Personalities : \nunused devices: <none>\n"), []);
        assert_eq!(parse_mdstat(""), []);
    }
}
