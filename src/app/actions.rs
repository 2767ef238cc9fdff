//! The console's side of guarded actions: `a` opens the prompts for the selected guest, the
//! resulting plan goes to actiond from a thread (the loop never blocks), and actiond's
//! answers come back as `Update::Action`. The console holds a grace window's token, never
//! a privilege; the password leaves with the request.

use super::App;
use crate::actiond::client;
use crate::actiond::protocol::{ActRequest, Target};
use crate::config::Verb;
use crate::event::{ActionNews, Update};
use crate::view::act_flow::{ActFlow, FlowTarget, Outcome, Plan};
use crate::view::actions::Admin;
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

impl App {
    /// `a` on F4: the selected libvirt guest's actions, or why there are none.
    pub(super) fn open_actions(&mut self) {
        let Some(link) = self.actions.as_ref().filter(|_| self.view.actions.enabled) else {
            self.view.status = Some("read-only: actions are off ([actions] enabled = false)".into());
            return;
        };
        let rows = self.view.machines.rows(&self.model.guests, self.model.now_unix());
        let Some(g) = rows.get(self.view.machines.selected_index(&rows)) else {
            self.view.status = Some("no guest selected".into());
            return;
        };
        if g.source() != "libvirt" {
            self.view.status = Some("KubeVirt guests have no actions yet".into());
            return;
        }
        let verbs: Vec<Verb> = GUEST_VERBS.into_iter().filter(|v| link.allow.contains(v)).collect();
        let target = FlowTarget { name: g.name.clone(), uri: Some(g.uri.clone()) };
        let open = link.token.is_some() && self.view.actions.badge(self.model.now_unix()) != "[RO]";
        self.view.act_flow = Some(ActFlow::new(target, verbs, open));
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
        let what = format!("{} {}", plan.verb.name(), plan.target.name);
        self.view.status = Some(format!("{what}: asking actiond…"));
        let Some(uri) = plan.target.uri.clone() else { return };
        let mut req = ActRequest {
            token: link.token.clone().unwrap_or_default(),
            verb: plan.verb,
            target: Target::LibvirtDomain { uri, name: plan.target.name.clone() },
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
        self.view.status = Some(news.text);
    }

    /// Quit or hang-up: the grace window ends with the console.
    pub fn end_actions(&mut self) {
        if let Some(token) = self.actions.as_mut().and_then(|l| l.token.take()) {
            let socket = self.actions.as_ref().map(|l| l.socket.clone()).unwrap_or_default();
            let _ = client::end(&socket, &token);
        }
        self.view.actions.admin = None;
    }
}
