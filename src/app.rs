//! The app: one owner of state. `update()` applies events; `run()` is the loop,
//! generic over the ratatui backend so tests drive it on `TestBackend`.

use crate::event::{Action, Event, Screen};
use crate::keymap;
use crate::model::Model;
use crate::ui::screens::machines::MachinesView;
use crate::ui::{self, theme::Theme};
use futures::{Stream, StreamExt};
use ratatui::{Terminal, backend::Backend};
use std::time::Duration;
use tokio::sync::mpsc;

/// View state: what the operator is looking at, not what the host is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub screen: Screen,
    pub help: bool,
    /// A one-shot message in the footer (e.g. "quit is disabled").
    pub status: Option<String>,
    /// Whether `q` / Ctrl-C may end the console (from the config).
    pub allow_quit: bool,
    /// F4's sort, filter, selection and detail pane.
    pub machines: MachinesView,
}

pub struct App {
    pub model: Model,
    pub view: View,
    pub theme: Theme,
    pub quit: bool,
}

/// Shortest time between two frames: ~30 fps at most, whatever arrives.
const FRAME_GAP: Duration = Duration::from_millis(33);

impl App {
    pub fn new(theme: Theme, allow_quit: bool) -> Self {
        App { model: Model::default(), view: View { allow_quit, ..View::default() }, theme, quit: false }
    }

    /// Applies one event; returns whether the screen needs redrawing.
    pub fn update(&mut self, event: Event) -> bool {
        match event {
            Event::Update(u) => {
                self.model.apply(u);
                true
            }
            Event::Key(k) if self.view.screen == Screen::Machines && self.view.machines.editing => {
                self.view.machines.edit(&k) || self.update_key(k)
            }
            Event::Key(k) => self.update_key(k),
            Event::Resize(..) => true,
            Event::Terminate => {
                self.quit = true;
                false
            }
        }
    }

    fn update_key(&mut self, k: crossterm::event::KeyEvent) -> bool {
        match keymap::action_for(self.view.screen, &k) {
            Some(a) => self.act(a),
            None => self.view.status.take().is_some(),
        }
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
            Action::ToggleHelp => self.view.help = !self.view.help,
            Action::CloseOverlay => self.view.help = false,
            Action::Refresh => {}
            Action::Machines(a) => {
                let rows = self.view.machines.rows(&self.model.guests);
                self.view.machines.act(a, &rows);
            }
            Action::Quit if self.view.allow_quit => self.quit = true,
            Action::Quit => {
                self.view.status = Some("quit is disabled on this console (allow_quit = false)".into())
            }
        }
        true
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
        let mut dirty = false;
        let mut updates_open = true;
        while !self.quit {
            let event = tokio::select! {
                ev = input.next() => match ev {
                    Some(ev) => ev,
                    None => break,
                },
                u = updates.recv(), if updates_open => match u {
                    Some(u) => Event::Update(u),
                    None => { updates_open = false; continue; }
                },
                _ = tokio::time::sleep(FRAME_GAP), if dirty => {
                    self.draw(terminal)?;
                    dirty = false;
                    continue;
                }
            };
            let redraw = self.update(event);
            // Keys answer at once; collector updates are batched into the next frame.
            if redraw && !dirty && updates.is_empty() {
                self.draw(terminal)?;
            } else {
                dirty |= redraw;
            }
        }
        Ok(())
    }
}
