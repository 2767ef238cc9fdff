//! Grace windows and lockout. After PAM says yes, a random token stands for the operator
//! for 5 minutes of activity (15 at most); repeated failures lock authentication for a
//! while. Time is passed in, so the rules are tested without waiting.

use std::collections::HashMap;
use std::time::{Duration, Instant};

pub const IDLE: Duration = Duration::from_secs(5 * 60);
pub const MAX: Duration = Duration::from_secs(15 * 60);
/// Failures in a row that lock authentication …
pub const MAX_FAILURES: u32 = 5;
/// … for this long.
pub const LOCKOUT: Duration = Duration::from_secs(60);
/// Grace windows open at once (older ones are dropped first).
const MAX_SESSIONS: usize = 16;

#[derive(Debug, Clone)]
struct Session {
    operator: String,
    started: Instant,
    last: Instant,
}

#[derive(Debug, Default)]
pub struct Sessions {
    open: HashMap<String, Session>,
    failures: u32,
    locked_until: Option<Instant>,
}

impl Sessions {
    /// Opens a grace window for `operator`; returns its token.
    pub fn open(&mut self, operator: &str, now: Instant) -> std::io::Result<String> {
        self.failures = 0;
        self.open.retain(|_, s| alive(s, now));
        if self.open.len() >= MAX_SESSIONS
            && let Some(oldest) = self.open.iter().min_by_key(|(_, s)| s.started).map(|(t, _)| t.clone())
        {
            self.open.remove(&oldest);
        }
        let token = random_token()?;
        self.open.insert(token.clone(), Session { operator: operator.into(), started: now, last: now });
        Ok(token)
    }

    /// The operator behind a live token (and the window is extended); `None` when unknown,
    /// idle too long or past its maximum.
    pub fn use_token(&mut self, token: &str, now: Instant) -> Option<String> {
        let s = self.open.get_mut(token)?;
        if !alive(s, now) {
            self.open.remove(token);
            return None;
        }
        s.last = now;
        Some(s.operator.clone())
    }

    pub fn end(&mut self, token: &str) -> bool {
        self.open.remove(token).is_some()
    }

    /// Seconds left of a lockout, if authentication is locked now.
    pub fn locked(&self, now: Instant) -> Option<u64> {
        let until = self.locked_until?;
        (until > now).then(|| (until - now).as_secs().max(1))
    }

    /// Counts a failed authentication; the fifth in a row locks.
    pub fn failed(&mut self, now: Instant) {
        self.failures += 1;
        if self.failures >= MAX_FAILURES {
            self.failures = 0;
            self.locked_until = Some(now + LOCKOUT);
        }
    }
}

fn alive(s: &Session, now: Instant) -> bool {
    now.duration_since(s.last) < IDLE && now.duration_since(s.started) < MAX
}

/// 128 random bits as hex, from the kernel.
fn random_token() -> std::io::Result<String> {
    let mut buf = [0u8; 16];
    // SAFETY: getrandom writes at most buf.len() bytes into buf.
    let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n != buf.len() as isize {
        return Err(std::io::Error::last_os_error());
    }
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_window_idle_and_max() {
        let t0 = Instant::now();
        let mut s = Sessions::default();
        let tok = s.open("alice", t0).unwrap();
        assert_eq!(tok.len(), 32);
        assert_eq!(s.use_token(&tok, t0 + Duration::from_secs(240)).as_deref(), Some("alice"));
        // Activity keeps it open up to the maximum …
        let mut t = t0;
        for _ in 0..3 {
            t += Duration::from_secs(240);
            assert!(s.use_token(&tok, t).is_some());
        }
        // … and not past it.
        assert!(s.use_token(&tok, t0 + MAX + Duration::from_secs(1)).is_none());
        let tok = s.open("alice", t0).unwrap();
        assert!(s.use_token(&tok, t0 + IDLE).is_none(), "idle for 5 minutes ends it");
        assert!(s.use_token("nope", t0).is_none());
        let tok = s.open("bob", t0).unwrap();
        assert!(s.end(&tok) && s.use_token(&tok, t0).is_none());
    }

    #[test]
    fn lockout_after_five_failures() {
        let t0 = Instant::now();
        let mut s = Sessions::default();
        for _ in 0..4 {
            s.failed(t0);
        }
        assert_eq!(s.locked(t0), None);
        s.failed(t0);
        assert_eq!(s.locked(t0), Some(60));
        assert_eq!(s.locked(t0 + LOCKOUT), None);
    }
}
