//! The console's side of guarded actions: `a` opens the prompts for the selected guest (F4,
//! libvirt or KubeVirt) or unit (F5), the resulting plan goes to actiond from a thread (the
//! loop never blocks), and actiond's answers come back as `Update::Action`; progress and
//! results go to the footer and to F4's event feed. The console holds a grace window's
//! token, never a privilege; the password leaves with the request.

use super::App;
use crate::actiond::client;
use crate::actiond::protocol::{ActRequest, Target};
use crate::config::Verb;
use crate::event::{ActionNews, Update};
use crate::model::guests::{ActionNote, ActionStage};
use crate::view::act_flow::{ActFlow, FlowTarget, Outcome, Plan, TargetKind};
use crate::view::actions::{Admin, is_vt, vt_left};
use std::path::PathBuf;
use tokio::sync::mpsc;

/// How the console reaches actiond (present only with `[actions] enabled`).
#[derive(Debug, Clone)]
pub struct ActionsLink {
    pub socket: PathBuf,
    /// `tty1`, `ttyS0`: recorded as HVTUI_CHANNEL.
    pub channel: String,
    /// The verbs `[actions] allow` lets this console offer.
    pub allow: Vec<Verb>,
    /// The units `[actions] units` lets the unit verbs touch (F5).
    pub units: Vec<String>,
    /// Where actiond's answers go (the loop's update channel).
    pub updates: mpsc::Sender<Update>,
    /// The open grace window's token.
    pub token: Option<String>,
}

const GUEST_VERBS: [Verb; 6] = [
    Verb::GuestStart,
    Verb::GuestShutdown,
    Verb::GuestReboot,
    Verb::GuestForceOff,
    Verb::GuestSuspend,
    Verb::GuestResume,
];

const KUBEVIRT_VERBS: [Verb; 7] = [
    Verb::GuestStart,
    Verb::GuestShutdown,
    Verb::GuestReboot,
    Verb::GuestForceOff,
    Verb::GuestSuspend,
    Verb::GuestResume,
    Verb::GuestMigrate,
];

const UNIT_VERBS: [Verb; 3] = [Verb::UnitRestart, Verb::UnitStart, Verb::UnitStop];

impl App {
    /// The link when actions are on; otherwise says read-only in the footer.
    fn link_or_read_only(&mut self) -> Option<&ActionsLink> {
        if self.actions.is_none() || !self.view.actions.enabled {
            self.view.status = Some("read-only: actions are off ([actions] enabled = false)".into());
            return None;
        }
        self.actions.as_ref()
    }

    fn window_open(&self) -> bool {
        self.actions.as_ref().is_some_and(|l| l.token.is_some())
            && self.view.actions.badge(self.model.now_unix()) != "[RO]"
    }

    /// `a` on F4: the selected guest's actions (libvirt or KubeVirt), or why there are none.
    pub(super) fn open_actions(&mut self) {
        let Some(link) = self.link_or_read_only() else { return };
        let allow = link.allow.clone();
        let rows = self.view.machines.rows(&self.model.guests, self.model.now_unix());
        let Some(g) = rows.get(self.view.machines.selected_index(&rows)) else {
            self.view.status = Some("no guest selected".into());
            return;
        };
        let (kind, offered): (TargetKind, &[Verb]) = match g.source() {
            "libvirt" => (TargetKind::Libvirt { uri: g.uri.clone() }, &GUEST_VERBS),
            "kubevirt" => (TargetKind::Kubevirt { namespace: g.uri.clone() }, &KUBEVIRT_VERBS),
            other => {
                self.view.status = Some(format!("{other} guests have no actions"));
                return;
            }
        };
        let target = FlowTarget { name: g.name.clone(), kind };
        self.open_flow(target, offered, &allow, "guest");
    }

    /// Opens the prompts for `target` with the `offered` verbs `[actions] allow` lets through,
    /// or says that none is allowed (`what`: guest, node, unit).
    fn open_flow(&mut self, target: FlowTarget, offered: &[Verb], allow: &[Verb], what: &str) {
        let verbs: Vec<Verb> = offered.iter().copied().filter(|v| allow.contains(v)).collect();
        if verbs.is_empty() {
            self.view.status = Some(format!("no {what} action is allowed here ([actions] allow)"));
            return;
        }
        let open = self.window_open();
        self.view.act_flow = Some(ActFlow::new(target, verbs, open));
    }

    /// `c` on F4: cordon or uncordon the node the selected KubeVirt guest runs on.
    pub(super) fn open_node_actions(&mut self) {
        let Some(link) = self.link_or_read_only() else { return };
        let allow = link.allow.clone();
        let rows = self.view.machines.rows(&self.model.guests, self.model.now_unix());
        let node = rows.get(self.view.machines.selected_index(&rows)).map(|g| g.node().to_string());
        let Some(node) = node.filter(|n| !n.is_empty()) else {
            self.view.status = Some("no node: select a KubeVirt guest that runs on one".into());
            return;
        };
        let target = FlowTarget { name: node, kind: TargetKind::Node };
        self.open_flow(target, &[Verb::NodeCordon, Verb::NodeUncordon], &allow, "node");
    }

    /// `a` on F5: restart / start / stop of the selected unit, when `[actions] units` lists it.
    pub(super) fn open_unit_actions(&mut self, unit: Option<String>) {
        let Some(link) = self.link_or_read_only() else { return };
        let Some(unit) = unit else {
            self.view.status = Some("no unit selected".into());
            return;
        };
        if !link.units.contains(&unit) {
            self.view.status =
                Some(format!("{unit} is not one of the units actions may touch ([actions] units)"));
            return;
        }
        let allow = link.allow.clone();
        self.open_flow(FlowTarget { name: unit, kind: TargetKind::Unit }, &UNIT_VERBS, &allow, "unit");
    }

    /// A key while the prompts are open.
    pub(super) fn flow_key(&mut self, k: &crossterm::event::KeyEvent) {
        let Some(flow) = self.view.act_flow.as_mut() else { return };
        match flow.key(k) {
            Outcome::Continue => {}
            Outcome::Cancel => self.view.act_flow = None,
            Outcome::Submit(plan) => {
                self.view.act_flow = None;
                self.submit(plan);
            }
        }
    }

    fn submit(&mut self, plan: Plan) {
        let Some(link) = self.actions.clone() else { return };
        let shown = match &plan.target.kind {
            TargetKind::Kubevirt { namespace } => format!("{namespace}/{}", plan.target.name),
            _ => plan.target.name.clone(),
        };
        let what = format!("{} {shown}", plan.verb.name());
        self.view.status = Some(format!("{what}: asking actiond…"));
        let reason = if plan.reason.is_empty() { String::new() } else { format!(" ({})", plan.reason) };
        self.note(ActionStage::Asked, format!("{what}{reason}: asking actiond"));
        let name = plan.target.name.clone();
        let target = match plan.target.kind {
            TargetKind::Libvirt { uri } => Target::LibvirtDomain { uri, name },
            TargetKind::Kubevirt { namespace } => Target::KubevirtVm { namespace, name },
            TargetKind::Unit => Target::SystemdUnit { name },
            TargetKind::Node => Target::KubeNode { name },
        };
        let mut req = ActRequest {
            token: link.token.clone().unwrap_or_default(),
            verb: plan.verb,
            target,
            reason: plan.reason,
            confirm: plan.confirm,
            channel: link.channel.clone(),
        };
        let login = plan.login;
        std::thread::spawn(move || {
            let send = |news: ActionNews| {
                let _ = link.updates.blocking_send(Update::Action(news));
            };
            if let Some((user, password)) = login {
                match client::authenticate(&link.socket, &user, password, &link.channel) {
                    Ok(g) => {
                        req.token = g.token.clone();
                        let text = format!("{} authenticated", g.operator);
                        send(ActionNews {
                            granted: Some((g.token, g.operator, g.idle_s, g.max_s)),
                            ok: true,
                            text,
                        });
                    }
                    Err(why) => {
                        return send(ActionNews { granted: None, ok: false, text: format!("{what}: {why}") });
                    }
                }
            }
            let (ok, text) = match client::act(&link.socket, req) {
                Ok(done) => (true, done),
                Err(why) => (false, format!("{what}: {why}")),
            };
            send(ActionNews { granted: None, ok, text });
        });
    }

    /// actiond's answer: the badge, the token, the footer.
    pub(super) fn on_action_news(&mut self, news: ActionNews) {
        let now = self.model.now_unix();
        if let Some((token, operator, idle_s, max_s)) = news.granted {
            let (idle, max) = (i64::try_from(idle_s).unwrap_or(0), i64::try_from(max_s).unwrap_or(0));
            self.view.actions.admin = Some(Admin { operator, idle_until: now + idle, max_until: now + max });
            if let Some(link) = self.actions.as_mut() {
                link.token = Some(token);
            }
        } else if news.ok
            && let Some(a) = self.view.actions.admin.as_mut()
        {
            a.idle_until = now + 300;
        }
        self.note(if news.ok { ActionStage::Done } else { ActionStage::Failed }, news.text.clone());
        self.view.status = Some(news.text);
    }

    /// An action's progress or result in F4's event feed.
    fn note(&mut self, stage: ActionStage, text: String) {
        let at_unix = self.model.now_unix();
        self.model.guests.note_action(ActionNote { at_unix, stage, text });
    }

    /// Whether the loop should poll the foreground VT: a grace window is open on a VT.
    pub fn watching_vt(&self) -> bool {
        self.view.actions.admin.is_some() && self.actions.as_ref().is_some_and(|l| is_vt(&l.channel))
    }

    /// One poll of the foreground VT (`view::actions::VT_ACTIVE`'s text, or why it could
    /// not be read): another VT shown ends the grace window at once. True when it ended.
    pub fn check_vt(&mut self, active: Result<String, String>) -> bool {
        let Some(channel) = self.actions.as_ref().map(|l| l.channel.clone()) else { return false };
        let Some(why) = vt_left(&channel, &active).filter(|_| self.view.actions.admin.is_some()) else {
            return false;
        };
        self.end_actions();
        let text = format!("the authentication window ended: {why}");
        self.note(ActionStage::Done, text.clone());
        self.view.status = Some(text);
        true
    }

    /// Quit, hang-up or VT switch: the grace window ends at actiond.
    pub fn end_actions(&mut self) {
        if let Some(token) = self.actions.as_mut().and_then(|l| l.token.take()) {
            let socket = self.actions.as_ref().map(|l| l.socket.clone()).unwrap_or_default();
            let _ = client::end(&socket, &token);
        }
        self.view.actions.admin = None;
    }
}
