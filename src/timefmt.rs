//! The one time formatter: every time the console prints (F1 lines, `logs`, F4's feed and
//! detail pane, "as of" marks) and every relative age ("3m ago") comes from here, in one
//! time zone: the host's local zone by default, or `time_zone` from the config ("UTC" or an
//! IANA name). Bottom layer: it knows nothing of the screens.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::sync::OnceLock;

static ZONE: OnceLock<TimeZone> = OnceLock::new();

/// Resolves a `time_zone` setting: "local" (the system's zone), "UTC", or an IANA name.
pub fn zone_named(name: &str) -> Result<TimeZone, String> {
    match name {
        "local" | "" => Ok(TimeZone::try_system().unwrap_or(TimeZone::UTC)),
        "UTC" | "utc" => Ok(TimeZone::UTC),
        other => TimeZone::get(other).map_err(|e| format!("unknown time zone {other:?} ({e})")),
    }
}

/// Sets the zone every later call formats in. The first call wins (main sets it once from
/// the config, before anything is drawn); returns false when it was already set.
pub fn set_zone(tz: TimeZone) -> bool {
    ZONE.set(tz).is_ok()
}

/// The zone in use: the one set, else the system's.
pub fn zone() -> &'static TimeZone {
    ZONE.get_or_init(|| TimeZone::try_system().unwrap_or(TimeZone::UTC))
}

/// Formats in one zone; the free functions below use the configured one.
pub struct Clock<'a>(pub &'a TimeZone);

impl Clock<'_> {
    fn format(&self, unix_secs: i64, pattern: &str) -> String {
        match Timestamp::from_second(unix_secs) {
            Ok(t) => t.to_zoned(self.0.clone()).strftime(pattern).to_string(),
            Err(_) => format!("@{unix_secs}"),
        }
    }

    /// journalctl's short form, `Nov 06 10:23:45`, from microseconds since the epoch.
    pub fn short_usec(&self, usec: u64) -> String {
        self.format((usec / 1_000_000) as i64, "%b %d %H:%M:%S")
    }

    /// The time of day, `14:03:07`.
    pub fn clock(&self, unix_secs: i64) -> String {
        self.format(unix_secs, "%H:%M:%S")
    }

    /// A full timestamp, `2026-12-02 14:03:07`.
    pub fn stamp(&self, unix_secs: i64) -> String {
        self.format(unix_secs, "%Y-%m-%d %H:%M:%S")
    }

    /// `14:03:07` when `t` is within the last day of `now`, else `11-21 13:59`.
    pub fn when(&self, t: i64, now: i64) -> String {
        if (0..86_400).contains(&(now - t)) { self.clock(t) } else { self.format(t, "%m-%d %H:%M") }
    }
}

/// journalctl's short form, `Nov 06 10:23:45`, from microseconds since the epoch.
pub fn short_usec(usec: u64) -> String {
    Clock(zone()).short_usec(usec)
}

/// The time of day, `14:03:07`.
pub fn clock(unix_secs: i64) -> String {
    Clock(zone()).clock(unix_secs)
}

/// A full timestamp, `2026-12-02 14:03:07`.
pub fn stamp(unix_secs: i64) -> String {
    Clock(zone()).stamp(unix_secs)
}

/// `14:03:07` when `t` is within the last day of `now`, else `11-21 13:59`.
pub fn when(t: i64, now: i64) -> String {
    Clock(zone()).when(t, now)
}

/// 273_000 s → "3d 3h", 4000 s → "1h 6m", 59 s → "59s".
pub fn duration(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// "3m ago" for an event at `t` seen at `now`; "just now" for the future (clock skew).
pub fn ago(t: i64, now: i64) -> String {
    match now - t {
        d if d <= 0 => "just now".into(),
        d => format!("{} ago", duration(d as u64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_resolve_or_say_why() {
        assert_eq!(zone_named("UTC").unwrap(), TimeZone::UTC);
        assert!(zone_named("local").is_ok());
        let e = zone_named("Mars/Olympus").unwrap_err();
        assert!(e.contains("Mars/Olympus"), "{e}");
        // 2026-07-01 12:00:00 UTC is 14:00:00 in Berlin (summer time).
        assert_eq!(Clock(&zone_named("Europe/Berlin").unwrap()).clock(1_782_907_200), "14:00:00");
    }

    #[test]
    fn forms() {
        let c = Clock(&TimeZone::UTC);
        let t = 1_764_676_987; // 2025-12-02 12:03:07 UTC
        assert_eq!(c.short_usec(t as u64 * 1_000_000 + 999), "Dec 02 12:03:07");
        assert_eq!(c.clock(t), "12:03:07");
        assert_eq!(c.stamp(t), "2025-12-02 12:03:07");
        assert_eq!(c.when(t, t + 60), "12:03:07");
        assert_eq!(c.when(t, t + 2 * 86_400), "12-02 12:03");
        assert_eq!(c.clock(i64::MAX), format!("@{}", i64::MAX));
    }

    #[test]
    fn ages() {
        assert_eq!(duration(3 * 86_400 + 4 * 3600 + 5), "3d 4h");
        assert_eq!(duration(4000), "1h 6m");
        assert_eq!(ago(100, 280), "3m ago");
        assert_eq!(ago(100, 90), "just now");
    }
}
