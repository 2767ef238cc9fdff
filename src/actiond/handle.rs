//! One request: authenticate, act, or end a grace window, each leaving its audit record.

use super::audit::{self, Record};
use super::protocol::{ActRequest, MAX_REASON, Op, Response};
use super::sessions::{IDLE, MAX};
use super::{Server, groups, pam};
use crate::config::Severity;
use std::time::Instant;

/// Who is on the other end of the socket.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    pub uid: u32,
    pub pid: i32,
    /// The peer runs in an SSH session (see `listen::over_ssh`): read-only.
    pub ssh: bool,
}

impl Server {
    pub fn handle(&self, op: Op, peer: Peer) -> Response {
        if !self.settings.actions.enabled {
            return refused("actions are disabled ([actions] enabled = false)");
        }
        let channel = match &op {
            Op::Auth { channel, .. } | Op::Act(ActRequest { channel, .. }) => channel.as_str(),
            Op::End { .. } => "-",
        };
        if channel.is_empty()
            || channel.len() > 16
            || !channel.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return refused("the channel must be a short name such as tty1 or ttyS0");
        }
        if channel == "ssh" || peer.ssh {
            return refused("SSH sessions are read-only");
        }
        match op {
            Op::Auth { user, password, channel } => self.auth(&user, &password, &channel, peer),
            Op::Act(req) => self.act(req, peer),
            Op::End { token } => {
                self.sessions().end(&token);
                Response::Ended
            }
        }
    }

    fn auth(&self, user: &str, password: &str, channel: &str, peer: Peer) -> Response {
        let started = Instant::now();
        let record = |result: &str, error: &str| {
            base(audit::MSG_AUTH, peer, channel, started)
                .field("HVTUI_OPERATOR", user)
                .field("HVTUI_RESULT", result)
                .field("HVTUI_ERROR", error)
        };
        if let Some(left) = self.sessions().locked(started) {
            let why = format!("authentication is locked for {left} s after repeated failures");
            let r =
                record("locked", &why).message(format!("actiond: authentication of {user:?} refused: {why}"));
            return self.refuse_audited(&r, why);
        }
        if let Err(why) = self.verify(user, password) {
            self.sessions().failed(Instant::now());
            let r =
                record("failed", &why).message(format!("actiond: authentication of {user:?} failed: {why}"));
            return self.refuse_audited(&r, why);
        }
        let r = record("ok", "").message(format!("actiond: {user} authenticated on {channel}"));
        if let Err(e) = self.settings.journal.write(&r.priority(5)) {
            return refused(&format!("the audit record could not be written ({e}); not authenticated"));
        }
        match self.sessions().open(user, Instant::now()) {
            Ok(token) => Response::Authenticated {
                token,
                operator: user.to_string(),
                idle_s: IDLE.as_secs(),
                max_s: MAX.as_secs(),
            },
            Err(e) => refused(&format!("cannot make a session token: {e}")),
        }
    }

    /// PAM, then the operator group.
    fn verify(&self, user: &str, password: &str) -> Result<(), String> {
        let s = &self.settings;
        pam::authenticate(&s.pam_service, user, password)?;
        match groups::is_member(user, &s.actions.operator_group, &s.group_file, &s.passwd_file) {
            Ok(true) => Ok(()),
            Ok(false) => Err(format!("{user} is not in the operator group {}", s.actions.operator_group)),
            Err(e) => Err(format!("cannot read the group file: {e}")),
        }
    }

    fn act(&self, req: ActRequest, peer: Peer) -> Response {
        let started = Instant::now();
        let operator = self.sessions().use_token(&req.token, started);
        let what = format!("{} {}", req.verb.name(), req.target.describe());
        let who = operator.clone().unwrap_or_default();
        if let Err(why) = self.check(&req, operator.is_some()) {
            let r = action_record(&req, &who, peer, started)
                .field("HVTUI_RESULT", "refused")
                .field("HVTUI_ERROR", why.clone())
                .message(format!("actiond: {what} refused: {why}"));
            return self.refuse_audited(&r, why);
        }
        // No record, no action: the journal must take a datagram now (see audit.rs).
        let journal = match self.settings.journal.open() {
            Ok(w) => w,
            Err(e) => {
                return refused(&format!(
                    "the audit record could not be written ({e}); the action did not run"
                ));
            }
        };
        let outcome = self.verbs.run(req.verb, &req.target, &self.settings);
        let (result, error, priority) = match &outcome {
            Ok(_) => ("ok", String::new(), 5),
            Err(e) => ("failed", e.clone(), 4),
        };
        let said = if error.is_empty() { "ok" } else { &error };
        let record = action_record(&req, &who, peer, started)
            .field("HVTUI_RESULT", result)
            .field("HVTUI_ERROR", error.clone())
            .message(format!("actiond: {who} ran {what} ({}): {said}", req.reason))
            .priority(priority);
        let unrecorded = journal.write(&record).err().map(|e| {
            eprintln!("actiond: the audit record of {what} could not be written: {e}");
            format!(" (but its audit record could not be written: {e})")
        });
        let unrecorded = unrecorded.unwrap_or_default();
        match outcome {
            Ok(message) => Response::Done { message: message + &unrecorded },
            Err(error) => Response::Refused { error: error + &unrecorded },
        }
    }

    /// What must hold before a verb may run.
    fn check(&self, req: &ActRequest, authenticated: bool) -> Result<(), String> {
        if !authenticated {
            return Err("not authenticated, or the grace window has ended".into());
        }
        if !self.settings.actions.allows(req.verb) {
            return Err(format!("{} is not allowed here ([actions] allow)", req.verb.name()));
        }
        super::verbs::Verbs::permitted(req.verb, &req.target, &self.settings)?;
        let severity = req.verb.severity();
        if severity != Severity::Benign && req.reason.trim().is_empty() {
            return Err(format!("{} needs a reason", req.verb.name()));
        }
        if req.reason.chars().count() > MAX_REASON || req.reason.chars().any(char::is_control) {
            return Err(format!("the reason must be one line of at most {MAX_REASON} characters"));
        }
        if severity == Severity::Destructive && req.confirm != req.target.name() {
            return Err(format!("{} needs the target's name typed exactly", req.verb.name()));
        }
        Ok(())
    }

    /// Writes a refusal's record and answers; a record that cannot be written is said too.
    fn refuse_audited(&self, record: &Record, why: String) -> Response {
        match self.settings.journal.write(&record.clone().priority(4)) {
            Ok(()) => Response::Refused { error: why },
            Err(e) => refused(&format!("{why} (and the audit record could not be written: {e})")),
        }
    }
}

fn refused(why: &str) -> Response {
    Response::Refused { error: why.to_string() }
}

/// The fields of an action's record.
fn action_record(req: &ActRequest, operator: &str, peer: Peer, started: Instant) -> Record {
    base(audit::MSG_ACTION, peer, &req.channel, started)
        .field("HVTUI_OPERATOR", operator)
        .field("HVTUI_ACTION", req.verb.name())
        .field("HVTUI_TARGET_KIND", req.target.kind())
        .field("HVTUI_TARGET", req.target.describe())
        .field("HVTUI_REASON", req.reason.clone())
}

/// The fields every record carries.
fn base(id: &'static str, peer: Peer, channel: &str, started: Instant) -> Record {
    Record { message_id: id, priority: 5, ..Record::default() }
        .field("HVTUI_CHANNEL", channel)
        .field("HVTUI_PEER_UID", peer.uid.to_string())
        .field("HVTUI_PEER_PID", peer.pid.to_string())
        .field("HVTUI_DURATION_MS", started.elapsed().as_millis().to_string())
}
