//! Whether the console may act, and who is acting: the header's `[RO]` /
//! `[ADMIN alice 4:12]` badge and the footer's "read-only".

/// An operator's grace window, as actiond granted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub operator: String,
    /// When the window closes without activity (seconds since the epoch).
    pub idle_until: i64,
    /// When it closes whatever happens.
    pub max_until: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionsView {
    /// `[actions] enabled`; off, the console is read-only.
    pub enabled: bool,
    pub admin: Option<Admin>,
}

impl ActionsView {
    /// The header badge at `now` (the model's clock): `[RO]` unless a grace window is open.
    pub fn badge(&self, now: i64) -> String {
        match &self.admin {
            Some(a) if self.enabled && now < a.idle_until.min(a.max_until) => {
                let left = a.idle_until.min(a.max_until) - now;
                format!("[ADMIN {} {}:{:02}]", a.operator, left / 60, left % 60)
            }
            _ => "[RO]".into(),
        }
    }
}

/// The kernel's foreground VT.
pub const VT_ACTIVE: &str = "/sys/class/tty/tty0/active";

/// Whether `channel` (this console's terminal as actiond records it) is a Linux VT
/// (`tty1`…`tty63`), whose switches end a grace window.
pub fn is_vt(channel: &str) -> bool {
    channel.strip_prefix("tty").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Why the grace window must end now, given what `VT_ACTIVE` said (`tty2`) or why it could
/// not be read: another VT is shown, or which one cannot be told (then the window ends
/// too: an operator who walked away must not leave it open). `None` on other terminals.
pub fn vt_left(channel: &str, active: &Result<String, String>) -> Option<String> {
    if !is_vt(channel) {
        return None;
    }
    match active {
        Ok(a) if a.trim() == channel => None,
        Ok(a) => Some(format!("{} is shown instead of {channel}", a.trim())),
        Err(e) => Some(format!("which VT is shown cannot be read ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vt_switch_ends_the_window_other_terminals_do_not_poll() {
        assert!(is_vt("tty1") && is_vt("tty12") && !is_vt("ttyS0") && !is_vt("pts-3") && !is_vt("tty"));
        assert_eq!(vt_left("tty1", &Ok("tty1\n".into())), None);
        assert_eq!(vt_left("tty1", &Ok("tty2\n".into())).as_deref(), Some("tty2 is shown instead of tty1"));
        let unreadable = vt_left("tty1", &Err("permission denied".into()));
        assert_eq!(unreadable.as_deref(), Some("which VT is shown cannot be read (permission denied)"));
        assert_eq!(vt_left("ttyS0", &Ok("tty2".into())), None);
        assert_eq!(vt_left("pts-3", &Err("x".into())), None);
    }

    #[test]
    fn badge_counts_down_to_the_nearer_end() {
        let mut v = ActionsView::default();
        assert_eq!(v.badge(1000), "[RO]");
        v.admin = Some(Admin { operator: "alice".into(), idle_until: 1300, max_until: 1900 });
        assert_eq!(v.badge(1048), "[RO]", "actions off: read-only whatever the view holds");
        v.enabled = true;
        assert_eq!(v.badge(1048), "[ADMIN alice 4:12]");
        v.admin = Some(Admin { operator: "alice".into(), idle_until: 1300, max_until: 1100 });
        assert_eq!(v.badge(1048), "[ADMIN alice 0:52]");
        assert_eq!(v.badge(1100), "[RO]");
    }
}
