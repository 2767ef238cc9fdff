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

#[cfg(test)]
mod tests {
    use super::*;

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
