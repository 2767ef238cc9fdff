//! The app: one owner of state. `update()` applies events; `run()` is the loop,
//! generic over the ratatui backend so tests drive it on `TestBackend`.

mod actions;
mod redraw;

pub use actions::ActionsLink;

use crate::collectors::journal::live::JournalHandle;
use crate::event::{Action, Event, Screen, ShowSender, Update};
use crate::keymap;
use crate::model::Model;
use crate::model::log_buffer::LogUpdate;
use crate::ui::{self, theme::Theme};
pub use crate::view::View;
use futures::{Stream, StreamExt};
use ratatui::{Terminal, backend::Backend};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

pub struct App {
    pub model: Model,
    pub view: View,
    pub theme: Theme,
    pub quit: bool,
    /// The journal thread, when one runs (not in most tests).
    pub journal: Option<JournalHandle>,
    /// This boot's id, for F1's boot filter.
    pub boot_id: Option<[u8; 16]>,
    /// actiond, when `[actions] enabled` (and not over SSH).
    pub actions: Option<ActionsLink>,
    /// Tells collectors which screen is shown (see `event::Shown`); `None` in most tests.
    pub shown: Option<ShowSender>,
}

/// Shortest time between two frames: ~30 fps at most, whatever arrives.
const FRAME_GAP: Duration = Duration::from_millis(33);

impl App {
    pub fn new(theme: Theme, allow_quit: bool) -> Self {
        App {
            model: Model { clock: crate::model::unix_now(), ..Model::default() },
            view: View { allow_quit, ..View::default() },
            theme,
            quit: false,
            journal: None,
            boot_id: None,
            actions: None,
            shown: None,
        }
    }

    /// Applies one event; returns whether the screen needs redrawing.
    pub fn update(&mut self, event: Event) -> bool {
        let before = self.view.screen;
        let redraw = self.update_inner(event);
        if self.view.screen != before {
            self.screen_changed(before);
        }
        redraw
    }

    /// Tells the collectors, and forgets F2's process table when F2 is left: it is not
    /// scanned while hidden, and an old table must not be shown as current when F2 returns.
    fn screen_changed(&mut self, from: Screen) {
        if let Some(s) = &self.shown {
            s.set(self.view.screen);
        }
        if from == Screen::Dashboard {
            self.model.procs = crate::model::procs::ProcTable::default();
        }
    }

    fn update_inner(&mut self, event: Event) -> bool {
        self.model.clock = crate::model::unix_now();
        match event {
            Event::Update(Update::Action(news)) => {
                self.on_action_news(news);
                true
            }
            Event::Update(u) => {
                if let Update::Logs(LogUpdate::Reset { .. }) = &u {
                    self.view.logs.reading = false;
                }
                if let Update::Logs(LogUpdate::Append(lines)) = &u {
                    let n = lines.len();
                    self.model.apply(u);
                    self.view.logs.on_append(n, &self.model.logs);
                    true
                } else {
                    self.apply_update(u)
                }
            }
            Event::Key(k) => {
                if self.view.act_flow.is_some() {
                    self.flow_key(&k);
                    return true;
                }
                if self.view.screen == Screen::Logs
                    && let Some(out) = self.view.logs.prompt_key(&k, &self.model.logs)
                {
                    return self.apply_logs_outcome(out);
                }
                if self.view.screen == Screen::Network && self.view.net.editing {
                    self.view.net.edit(&k);
                    return true;
                }
                if self.view.screen == Screen::System && self.view.system.editing {
                    self.view.system.edit(&k);
                    return true;
                }
                if self.view.screen == Screen::Machines
                    && self.view.machines.editing
                    && self.view.machines.edit(&k)
                {
                    return true;
                }
                self.update_key(k)
            }
            Event::Resize(w, h) => {
                self.view.size = (w, h);
                true
            }
            Event::Terminate => {
                self.end_actions();
                self.quit = true;
                false
            }
            Event::Redraw => true,
        }
    }

    fn update_key(&mut self, k: crossterm::event::KeyEvent) -> bool {
        if self.view.help && self.scroll_help(&k) {
            return true;
        }
        match keymap::action_for(self.view.screen, &k) {
            Some(a) => self.act(a),
            None => self.view.status.take().is_some(),
        }
    }

    /// The moving keys scroll the help while it is open (instead of the screen under it);
    /// false for any other key.
    fn scroll_help(&mut self, k: &crossterm::event::KeyEvent) -> bool {
        use crossterm::event::KeyCode;
        let (w, h) = self.view.size;
        let max = ui::help::max_scroll(self.view.screen, w, h);
        let page = h.saturating_sub(6).max(1);
        let at = self.view.help_scroll.min(max);
        self.view.help_scroll = match k.code {
            KeyCode::Up | KeyCode::Char('k') => at.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => (at + 1).min(max),
            KeyCode::PageUp => at.saturating_sub(page),
            KeyCode::PageDown => at.saturating_add(page).min(max),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => max,
            _ => return false,
        };
        true
    }

    /// Carries out an action.
    pub fn act(&mut self, action: Action) -> bool {
        self.view.status = None;
        match action {
            Action::Show(s) => {
                self.view.screen = s;
                self.view.help = false;
            }
            Action::NextScreen => self.view.screen = self.view.screen.next(),
            Action::PrevScreen => self.view.screen = self.view.screen.prev(),
            Action::ToggleHelp => {
                self.view.help = !self.view.help;
                self.view.help_scroll = 0;
            }
            Action::CloseOverlay if self.view.help => self.view.help = false,
            Action::CloseOverlay if !self.view.help && self.view.screen == Screen::Logs => {
                self.view.logs.search = None;
                // Esc also stops a text search still reading the journal.
                if let (Some(_), Some(j)) = (self.model.logs.progress, &self.journal) {
                    j.cancel();
                }
            }
            Action::Net(a) => self.view.net.act(a),
            Action::Dashboard(a) => self.view.dashboard.act(a),
            Action::Machines(crate::event::MachinesAction::Actions) => self.open_actions(),
            Action::Machines(crate::event::MachinesAction::NodeActions) => self.open_node_actions(),
            Action::Machines(a) => {
                let rows = self.view.machines.rows(&self.model.guests, self.model.now_unix());
                self.view.machines.act(a, &rows);
            }
            Action::System(a) => return self.act_system(a),
            Action::Quit if self.view.allow_quit => {
                self.end_actions();
                self.quit = true;
            }
            Action::Quit => {
                self.view.status = Some("quit is disabled on this console (allow_quit = false)".into())
            }
            other => {
                let page = usize::from(self.view.size.1.saturating_sub(6)).max(1);
                let out = self.view.logs.act(other, &self.model.logs, page, self.boot_id);
                return self.apply_logs_outcome(out);
            }
        }
        true
    }

    /// F5's keys; Enter shows the selected unit's journal on F1.
    fn act_system(&mut self, a: crate::event::SystemAction) -> bool {
        let rows = self.view.system.rows(&self.model.units);
        let selected = rows.get(self.view.system.selected_in(rows.len())).map(|u| u.name.clone());
        let count = rows.len();
        if a == crate::event::SystemAction::Actions {
            self.open_unit_actions(selected);
            return true;
        }
        self.view.system.act(a, count);
        if let (crate::event::SystemAction::OpenLogs, Some(name)) = (a, selected) {
            let out = self.view.logs.show_units(vec![name]);
            self.view.screen = Screen::Logs;
            return self.apply_logs_outcome(out);
        }
        true
    }

    fn apply_logs_outcome(&mut self, out: crate::view::logs::Outcome) -> bool {
        if let (Some(f), Some(j)) = (out.refilter, &self.journal) {
            j.set_filter(f);
        }
        out.redraw
    }

    pub fn draw<B: Backend>(&self, terminal: &mut Terminal<B>) -> Result<(), B::Error> {
        terminal.draw(|f| ui::render(&self.model, &self.view, &self.theme, f))?;
        Ok(())
    }

    /// The loop: redraw on change, at most one frame per `FRAME_GAP`, until quit.
    pub async fn run<B, S>(
        &mut self,
        terminal: &mut Terminal<B>,
        mut input: S,
        mut updates: mpsc::Receiver<crate::event::Update>,
    ) -> Result<(), B::Error>
    where
        B: Backend,
        S: Stream<Item = Event> + Unpin,
    {
        self.draw(terminal)?;
        // When a batch of collector updates is due on screen; keys draw at once.
        let mut frame_due: Option<Instant> = None;
        let mut updates_open = true;
        // While a grace window is open on a VT: which VT is shown, every second.
        let mut vt_poll = tokio::time::interval(std::time::Duration::from_secs(1));
        vt_poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !self.quit {
            let due = frame_due.unwrap_or_else(Instant::now);
            let event = tokio::select! {
                ev = input.next() => match ev {
                    Some(ev) => ev,
                    None => break,
                },
                u = updates.recv(), if updates_open => match u {
                    Some(u) => Event::Update(u),
                    None => { updates_open = false; continue; }
                },
                _ = tokio::time::sleep_until(due), if frame_due.is_some() => {
                    self.draw(terminal)?;
                    frame_due = None;
                    continue;
                }
                _ = vt_poll.tick(), if self.watching_vt() => {
                    let active = std::fs::read_to_string(crate::view::actions::VT_ACTIVE).map_err(|e| e.to_string());
                    if self.check_vt(active) {
                        self.draw(terminal)?;
                    }
                    continue;
                }
            };
            if event == Event::Redraw {
                // The terminal was cleared when taken back: forget the last frame so the next
                // one is drawn whole (not `clear()`, which asks the terminal for its cursor
                // while our input stream reads the answer).
                terminal.swap_buffers();
            }
            let is_key = matches!(event, Event::Key(_) | Event::Resize(..) | Event::Redraw);
            if !self.update(event) {
                continue;
            }
            if is_key {
                self.draw(terminal)?;
                frame_due = None;
            } else {
                frame_due.get_or_insert_with(|| Instant::now() + FRAME_GAP);
            }
        }
        Ok(())
    }
}
