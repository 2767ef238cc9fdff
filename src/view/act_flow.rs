//! The prompts between `a` and an action (issue 16's flow), as view state: pick a verb, type
//! the target's name (destructive), give a reason (disruptive and destructive), confirm with
//! `y` (benign), then — without an open grace window — user and password. Pure: the app
//! sends the resulting `Plan` to actiond (src/app/actions.rs); `a` on F4 opens it.
//!
//! The password is never in a `LineEdit` (which keeps a history): it lives in `Password`
//! until the plan is taken, and is cleared on cancel.

use super::line_edit::{Edit, LineEdit};
use crate::config::{Severity, Verb};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

/// What the actions act on, as the console knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowTarget {
    pub name: String,
    pub kind: TargetKind,
}

/// Where a target lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// A libvirt domain on this URI.
    Libvirt { uri: String },
    /// A KubeVirt VM in this namespace.
    Kubevirt { namespace: String },
    /// A systemd unit on this host.
    Unit,
    /// A Kubernetes node.
    Node,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Choose { cursor: usize },
    TypeName(LineEdit),
    Reason(LineEdit),
    Confirm,
    User(LineEdit),
    Password { user: String, typed: String },
}

/// What the operator decided; `login` when no grace window was open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub verb: Verb,
    pub target: FlowTarget,
    pub reason: String,
    pub confirm: String,
    pub login: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    Cancel,
    Submit(Plan),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActFlow {
    pub target: FlowTarget,
    /// The verbs offered (allowed and fitting the target).
    pub verbs: Vec<Verb>,
    pub step: Step,
    /// The problem with the last answer, shown under the prompt.
    pub error: Option<String>,
    /// Whether a grace window is open (then no login is asked).
    authenticated: bool,
    verb: Option<Verb>,
    confirm: String,
    reason: String,
}

impl ActFlow {
    pub fn new(target: FlowTarget, verbs: Vec<Verb>, authenticated: bool) -> Self {
        ActFlow {
            target,
            verbs,
            step: Step::Choose { cursor: 0 },
            error: None,
            authenticated,
            verb: None,
            confirm: String::new(),
            reason: String::new(),
        }
    }

    pub fn verb(&self) -> Option<Verb> {
        self.verb
    }

    /// Applies one key.
    pub fn key(&mut self, k: &KeyEvent) -> Outcome {
        if k.kind == KeyEventKind::Release {
            return Outcome::Continue;
        }
        if k.code == KeyCode::Esc {
            self.clear_password();
            return Outcome::Cancel;
        }
        let step = std::mem::replace(&mut self.step, Step::Confirm);
        let (next, outcome) = self.step_key(step, k);
        self.step = next;
        outcome
    }

    fn step_key(&mut self, step: Step, k: &KeyEvent) -> (Step, Outcome) {
        match step {
            Step::Choose { cursor } => self.choose(cursor, k.code),
            Step::TypeName(mut e) => match e.key(k) {
                Edit::Submit if e.text() == self.target.name => {
                    self.confirm = e.text().to_string();
                    self.after_name()
                }
                Edit::Submit => {
                    self.error = Some(format!("type {} exactly to go on", self.target.name));
                    e.clear();
                    (Step::TypeName(e), Outcome::Continue)
                }
                _ => (Step::TypeName(e), Outcome::Continue),
            },
            Step::Reason(mut e) => match e.key(k) {
                Edit::Submit if !e.text().trim().is_empty() => {
                    self.reason = e.text().trim().to_string();
                    self.after_confirm()
                }
                Edit::Submit => {
                    self.error = Some("a reason is required".into());
                    (Step::Reason(e), Outcome::Continue)
                }
                _ => (Step::Reason(e), Outcome::Continue),
            },
            Step::Confirm => match k.code {
                KeyCode::Char('y') => self.after_confirm(),
                KeyCode::Char('n') => (Step::Confirm, Outcome::Cancel),
                _ => (Step::Confirm, Outcome::Continue),
            },
            Step::User(mut e) => match e.key(k) {
                Edit::Submit if !e.text().trim().is_empty() => (
                    Step::Password { user: e.text().trim().to_string(), typed: String::new() },
                    Outcome::Continue,
                ),
                _ => (Step::User(e), Outcome::Continue),
            },
            Step::Password { user, typed } => self.password_key(user, typed, k.code),
        }
    }

    fn password_key(&mut self, user: String, mut typed: String, code: KeyCode) -> (Step, Outcome) {
        match code {
            KeyCode::Enter => {
                let plan = self.plan(Some((user.clone(), std::mem::take(&mut typed))));
                (Step::Password { user, typed }, Outcome::Submit(plan))
            }
            KeyCode::Backspace => {
                typed.pop();
                (Step::Password { user, typed }, Outcome::Continue)
            }
            KeyCode::Char(c) if typed.chars().count() < 512 => {
                typed.push(c);
                (Step::Password { user, typed }, Outcome::Continue)
            }
            _ => (Step::Password { user, typed }, Outcome::Continue),
        }
    }

    fn choose(&mut self, cursor: usize, code: KeyCode) -> (Step, Outcome) {
        let last = self.verbs.len().saturating_sub(1);
        match code {
            KeyCode::Up => (Step::Choose { cursor: cursor.saturating_sub(1) }, Outcome::Continue),
            KeyCode::Down => (Step::Choose { cursor: (cursor + 1).min(last) }, Outcome::Continue),
            KeyCode::Enter if !self.verbs.is_empty() => {
                let verb = self.verbs[cursor.min(last)];
                self.verb = Some(verb);
                self.error = None;
                match verb.severity() {
                    Severity::Destructive => (Step::TypeName(LineEdit::new(256)), Outcome::Continue),
                    Severity::Disruptive => (Step::Reason(LineEdit::new(300)), Outcome::Continue),
                    Severity::Benign => (Step::Confirm, Outcome::Continue),
                }
            }
            _ => (Step::Choose { cursor }, Outcome::Continue),
        }
    }

    fn after_name(&mut self) -> (Step, Outcome) {
        self.error = None;
        (Step::Reason(LineEdit::new(300)), Outcome::Continue)
    }

    /// After the reason or the `y`: log in, or submit within the grace window.
    fn after_confirm(&mut self) -> (Step, Outcome) {
        self.error = None;
        if self.authenticated {
            (Step::Confirm, Outcome::Submit(self.plan(None)))
        } else {
            (Step::User(LineEdit::new(32)), Outcome::Continue)
        }
    }

    fn plan(&self, login: Option<(String, String)>) -> Plan {
        Plan {
            verb: self.verb.unwrap_or(Verb::GuestStart),
            target: self.target.clone(),
            reason: self.reason.clone(),
            confirm: self.confirm.clone(),
            login,
        }
    }

    fn clear_password(&mut self) {
        if let Step::Password { typed, .. } = &mut self.step {
            typed.clear();
        }
    }
}

#[cfg(test)]
#[path = "act_flow_tests.rs"]
mod tests;
