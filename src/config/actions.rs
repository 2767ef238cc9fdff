//! `[actions]`: guarded actions, off by default. The verbs are a fixed list; each has a
//! severity that decides what the operator must give before it runs (SPEC §2 "Actions").

use serde::Deserialize;
use std::path::PathBuf;

/// `SYSLOG_IDENTIFIER` of every audit record actiond writes (and F1's audit preset).
pub const AUDIT_IDENTIFIER: &str = "hypervisor-tui-actiond";

/// Where actiond listens (the NixOS module's socket unit) and the console connects.
pub const DEFAULT_SOCKET: &str = "/run/hypervisor-tui/actiond.sock";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ActionsConfig {
    /// Off: the console is read-only and actiond refuses to serve.
    pub enabled: bool,
    /// Operators must be members of this group (primary or supplementary).
    pub operator_group: String,
    /// The verbs that may run; anything else is refused by actiond.
    pub allow: Vec<Verb>,
    /// actiond's unix socket.
    pub socket: PathBuf,
    /// The only local user whose processes actiond answers (the console's user).
    pub client_user: String,
    /// systemd units the unit verbs may touch (exact names); empty: none.
    pub units: Vec<String>,
    /// actiond's own kubeconfig for the KubeVirt and node verbs (a root-only file with
    /// an account allowed to use the subresources and patch nodes); unset: those verbs
    /// are refused. The console's read-only `[kubernetes] kubeconfig` is never used to act.
    pub kubeconfig: Option<PathBuf>,
}

impl Default for ActionsConfig {
    fn default() -> Self {
        ActionsConfig {
            enabled: false,
            operator_group: "wheel".into(),
            allow: Verb::ALL.to_vec(),
            socket: PathBuf::from(DEFAULT_SOCKET),
            client_user: "hypervisor-tui".into(),
            units: Vec::new(),
            kubeconfig: None,
        }
    }
}

impl ActionsConfig {
    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 32
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        };
        if !name_ok(&self.operator_group) {
            return Err(("actions.operator_group", format!("{:?} is not a group name", self.operator_group)));
        }
        if !name_ok(&self.client_user) {
            return Err(("actions.client_user", format!("{:?} is not a user name", self.client_user)));
        }
        if let Some(u) = self.units.iter().find(|u| !unit_name_ok(u)) {
            return Err(("actions.units", format!("{u:?} is not a unit name (e.g. k3s.service)")));
        }
        if let Some(k) = self.kubeconfig.as_ref().filter(|k| !k.is_absolute()) {
            return Err(("actions.kubeconfig", format!("{} is not an absolute path", k.display())));
        }
        if !self.socket.is_absolute() {
            return Err(("actions.socket", format!("{} is not an absolute path", self.socket.display())));
        }
        Ok(())
    }

    pub fn allows(&self, verb: Verb) -> bool {
        self.enabled && self.allow.contains(&verb)
    }
}

/// A systemd unit name: `name.type`, with systemd's characters, no path or glob.
pub fn unit_name_ok(u: &str) -> bool {
    u.len() <= 256
        && u.rsplit_once('.').is_some_and(|(n, t)| !n.is_empty() && !t.is_empty())
        && u.chars().all(|c| c.is_ascii_alphanumeric() || ":-_.@\\".contains(c))
}

/// What an action costs: what the operator must give before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Confirm with `y`.
    Benign,
    /// Confirm and give a reason.
    Disruptive,
    /// Type the target's name, and give a reason.
    Destructive,
}

/// The fixed list of verbs actiond can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
pub enum Verb {
    #[serde(rename = "guest.start")]
    GuestStart,
    #[serde(rename = "guest.shutdown")]
    GuestShutdown,
    #[serde(rename = "guest.reboot")]
    GuestReboot,
    #[serde(rename = "guest.force-off")]
    GuestForceOff,
    #[serde(rename = "guest.suspend")]
    GuestSuspend,
    #[serde(rename = "guest.resume")]
    GuestResume,
    #[serde(rename = "unit.start")]
    UnitStart,
    #[serde(rename = "unit.stop")]
    UnitStop,
    #[serde(rename = "unit.restart")]
    UnitRestart,
    /// KubeVirt only: a live migration (a VirtualMachineInstanceMigration).
    #[serde(rename = "guest.migrate")]
    GuestMigrate,
    #[serde(rename = "node.cordon")]
    NodeCordon,
    #[serde(rename = "node.uncordon")]
    NodeUncordon,
}

impl Verb {
    pub const ALL: [Verb; 12] = [
        Verb::GuestStart,
        Verb::GuestShutdown,
        Verb::GuestReboot,
        Verb::GuestForceOff,
        Verb::GuestSuspend,
        Verb::GuestResume,
        Verb::UnitStart,
        Verb::UnitStop,
        Verb::UnitRestart,
        Verb::GuestMigrate,
        Verb::NodeCordon,
        Verb::NodeUncordon,
    ];

    /// The name in the config, the protocol and the audit record (`HVTUI_ACTION`).
    pub fn name(self) -> &'static str {
        match self {
            Verb::GuestStart => "guest.start",
            Verb::GuestShutdown => "guest.shutdown",
            Verb::GuestReboot => "guest.reboot",
            Verb::GuestForceOff => "guest.force-off",
            Verb::GuestSuspend => "guest.suspend",
            Verb::GuestResume => "guest.resume",
            Verb::UnitStart => "unit.start",
            Verb::UnitStop => "unit.stop",
            Verb::UnitRestart => "unit.restart",
            Verb::GuestMigrate => "guest.migrate",
            Verb::NodeCordon => "node.cordon",
            Verb::NodeUncordon => "node.uncordon",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Verb::GuestStart | Verb::GuestResume | Verb::UnitStart => Severity::Benign,
            Verb::NodeUncordon => Severity::Benign,
            Verb::GuestShutdown | Verb::GuestReboot | Verb::GuestSuspend => Severity::Disruptive,
            Verb::UnitStop | Verb::UnitRestart => Severity::Disruptive,
            Verb::GuestMigrate | Verb::NodeCordon => Severity::Disruptive,
            Verb::GuestForceOff => Severity::Destructive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde() {
        for v in Verb::ALL {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.name()));
        }
    }

    #[test]
    fn off_allows_nothing() {
        let c = ActionsConfig::default();
        assert!(Verb::ALL.iter().all(|v| !c.allows(*v)));
        let on = ActionsConfig { enabled: true, allow: vec![Verb::GuestStart], ..c };
        assert!(on.allows(Verb::GuestStart) && !on.allows(Verb::GuestForceOff));
    }
}
