//! Alerts that F1's lines raise: a unit logging errors just now, a unit that failed.

use super::Alert;
use super::log_buffer::LogLine;
use std::collections::BTreeMap;

/// "Just now": errors within this long of the newest line count.
const WINDOW_USEC: u64 = 5 * 60 * 1_000_000;
/// How a journal-based failed-unit alert ends (the systemd collector's replace them).
pub const FAILED_SUFFIX: &str = " failed (see F1)";
/// Units remembered at most, per kind; the stalest go first.
const MAX_UNITS: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogAlerts {
    /// unit → (errors seen in a row within the window, time of the last one)
    errors: BTreeMap<Box<str>, (u32, u64)>,
    /// unit → when systemd said it failed
    failed: BTreeMap<Box<str>, u64>,
    newest_usec: u64,
}

/// The unit systemd names in "x.service: Failed with result 'exit-code'." or
/// "x.service: Main process exited, code=exited, status=1/FAILURE" style lines.
fn failed_unit(l: &LogLine) -> Option<&str> {
    if &*l.ident != "systemd" {
        return None;
    }
    let (unit, rest) = l.message.split_once(": ")?;
    let failed = rest.starts_with("Failed with result") || rest.starts_with("Unit entered failed state");
    (failed && !unit.contains(' ')).then_some(unit)
}

fn remember<V>(map: &mut BTreeMap<Box<str>, V>, key: &str, value: V, age: impl Fn(&V) -> u64) {
    map.insert(key.into(), value);
    if map.len() > MAX_UNITS
        && let Some(stalest) = map.iter().min_by_key(|(_, v)| age(v)).map(|(k, _)| k.clone())
    {
        map.remove(&stalest);
    }
}

impl LogAlerts {
    pub fn observe(&mut self, lines: &[LogLine]) {
        for l in lines {
            self.newest_usec = self.newest_usec.max(l.realtime_usec);
            if let Some(unit) = failed_unit(l) {
                remember(&mut self.failed, unit, l.realtime_usec, |t| *t);
            }
            let who: &str = if l.unit.is_empty() { &l.ident } else { &l.unit };
            if l.level <= 3 && !who.is_empty() {
                let count = match self.errors.get(who) {
                    Some((n, last)) if l.realtime_usec.saturating_sub(*last) <= WINDOW_USEC => n + 1,
                    _ => 1,
                };
                remember(&mut self.errors, who, (count, l.realtime_usec), |v| v.1);
            }
        }
    }

    pub fn alerts(&self) -> Vec<Alert> {
        let recent = |t: u64| self.newest_usec.saturating_sub(t) <= WINDOW_USEC;
        let failed = self
            .failed
            .iter()
            .filter(|(_, t)| recent(**t))
            .map(|(u, _)| Alert { critical: true, text: format!("{u}{FAILED_SUFFIX}") });
        let errors = self.errors.iter().filter(|(_, (_, t))| recent(*t)).map(|(u, (n, _))| Alert {
            critical: false,
            text: format!("{u} logged {n} error{} in the last 5 min", if *n == 1 { "" } else { "s" }),
        });
        failed.chain(errors).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t_s: u64, level: u8, ident: &str, unit: &str, msg: &str) -> LogLine {
        LogLine {
            realtime_usec: t_s * 1_000_000,
            level,
            unit: unit.into(),
            ident: ident.into(),
            pid: None,
            kernel: false,
            message: msg.into(),
        }
    }

    #[test]
    fn errors_and_failures_raise_alerts_that_age_out() {
        let mut a = LogAlerts::default();
        a.observe(&[
            line(0, 3, "k3s", "k3s.service", "boom"),
            line(10, 3, "k3s", "k3s.service", "boom again"),
            line(20, 6, "systemd", "init.scope", "nginx.service: Failed with result 'exit-code'."),
            line(21, 6, "sshd", "sshd.service", "fine"),
        ]);
        let texts: Vec<String> = a.alerts().into_iter().map(|x| x.text).collect();
        assert_eq!(texts, ["nginx.service failed (see F1)", "k3s.service logged 2 errors in the last 5 min"]);
        a.observe(&[line(20 + 301, 6, "sshd", "sshd.service", "later")]);
        assert!(a.alerts().is_empty(), "five minutes later both are old news");
    }

    #[test]
    fn bounded() {
        let mut a = LogAlerts::default();
        let lines: Vec<LogLine> = (0..500).map(|i| line(i, 2, "x", &format!("u{i}.service"), "e")).collect();
        a.observe(&lines);
        assert_eq!(a.errors.len(), MAX_UNITS);
        assert!(a.errors.contains_key("u499.service"));
    }
}
