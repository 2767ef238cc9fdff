//! F1's view state and its keys: scrolling, pause, search, filters, pickers.

use super::{Edit, LineEdit};
use crate::event::Action;
use crate::model::log_buffer::LogBuffer;
use crate::model::log_filter::{AUDIT_IDENTIFIER, Filter, parse_field_matches};
use crate::model::logs::TextMatch;
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::BTreeSet;

pub const PRIORITY_NAMES: [&str; 8] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/// Which boots F1 shows; `b` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BootChoice {
    #[default]
    All,
    This,
    Previous,
}

impl BootChoice {
    pub fn label(self) -> Option<&'static str> {
        match self {
            BootChoice::All => None,
            BootChoice::This => Some("this boot"),
            BootChoice::Previous => Some("previous boot"),
        }
    }
}

/// A line of input or a picker that has the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// `/`: typing into `LogsView::search_line`.
    Search,
    /// `f`: typing into `LogsView::filter_line`.
    Filter,
    Units {
        cursor: usize,
        selected: BTreeSet<String>,
    },
    Priority {
        cursor: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogsView {
    /// Entries between the newest and the bottom of the screen; 0 follows the tail.
    pub scroll: usize,
    pub paused: bool,
    /// `LogBuffer::arrived` when the pause began, for the "N new" marker.
    pub paused_at: u64,
    pub wrap: bool,
    pub search: Option<TextMatch>,
    /// What the journal thread reads; changing it re-reads the journal.
    pub filter: Filter,
    pub boot: BootChoice,
    pub prompt: Option<Prompt>,
    /// The `/` search being typed (and the searches before it).
    pub search_line: LineEdit,
    /// The `f` filter being typed (and the filters before it).
    pub filter_line: LineEdit,
    /// A one-line note for the operator (e.g. "no match").
    pub note: Option<String>,
    /// A new filter was sent and its entries have not arrived yet.
    pub reading: bool,
    /// `n` found no older match among the loaded lines for this pattern: the next `n` (and
    /// only the very next key) searches the whole journal.
    pub reread_offer: Option<String>,
}

/// What a key did: whether to redraw, and a new filter for the journal thread.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub redraw: bool,
    pub refilter: Option<Filter>,
}

impl Outcome {
    fn redraw() -> Self {
        Outcome { redraw: true, refilter: None }
    }
}

impl LogsView {
    pub fn following(&self) -> bool {
        !self.paused && self.scroll == 0
    }

    /// New lines arrived: a paused or scrolled view stays on the lines it shows.
    pub fn on_append(&mut self, count: usize, buf: &LogBuffer) {
        if !self.following() {
            self.scroll = (self.scroll + count).min(buf.len().saturating_sub(1));
        }
    }

    fn clamp(&mut self, buf: &LogBuffer) {
        self.scroll = self.scroll.min(buf.len().saturating_sub(1));
    }

    /// Carries out an F1 action; `page` is the number of rows a page scrolls.
    pub fn act(&mut self, a: Action, buf: &LogBuffer, page: usize, boot: Option<[u8; 16]>) -> Outcome {
        self.note = None;
        let offer = self.reread_offer.take();
        match a {
            Action::ScrollUp => self.scroll += 1,
            Action::ScrollDown => self.scroll = self.scroll.saturating_sub(1),
            Action::PageUp => self.scroll += page.max(1),
            Action::PageDown => self.scroll = self.scroll.saturating_sub(page.max(1)),
            Action::Top => self.scroll = buf.len(),
            Action::Bottom => {
                self.scroll = 0;
                self.paused = false;
            }
            Action::LogTogglePause => {
                self.paused = !self.paused;
                self.paused_at = buf.arrived;
                if !self.paused {
                    self.scroll = 0;
                }
            }
            Action::LogToggleWrap => self.wrap = !self.wrap,
            Action::LogSearch => {
                self.search_line.clear();
                self.prompt = Some(Prompt::Search);
            }
            Action::LogTextFilter => {
                let fields: Vec<String> =
                    self.filter.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let current = match &self.filter.text {
                    Some(t) => t.pattern.clone(),
                    None => fields.join(" "),
                };
                self.filter_line.set(&current);
                self.prompt = Some(Prompt::Filter);
            }
            Action::LogPickUnits => {
                let selected = self.filter.units.iter().cloned().collect();
                self.prompt = Some(Prompt::Units { cursor: 0, selected });
            }
            Action::LogPickPriority => {
                let cursor = self.filter.max_level.map_or(8, usize::from);
                self.prompt = Some(Prompt::Priority { cursor });
            }
            Action::LogSearchNext => return self.search_older(buf, offer),
            Action::LogSearchPrev => {
                self.jump(buf, false);
            }
            Action::LogCycleBoot => {
                self.boot = match (self.boot, boot) {
                    (_, None) => BootChoice::All,
                    (BootChoice::All, _) => BootChoice::This,
                    (BootChoice::This, _) => BootChoice::Previous,
                    (BootChoice::Previous, _) => BootChoice::All,
                };
                self.filter.boot_id = (self.boot == BootChoice::This).then_some(boot).flatten();
                self.filter.boot_before = (self.boot == BootChoice::Previous).then_some(boot).flatten();
                return self.refiltered();
            }
            Action::LogToggleKernel => {
                self.filter.kernel = !self.filter.kernel;
                return self.refiltered();
            }
            Action::LogAuditOnly => {
                self.filter.fields = if self.filter.is_audit() {
                    Vec::new()
                } else {
                    vec![("SYSLOG_IDENTIFIER".into(), AUDIT_IDENTIFIER.into())]
                };
                return self.refiltered();
            }
            _ => return Outcome::default(),
        }
        self.clamp(buf);
        Outcome::redraw()
    }

    /// Shows only these units' entries (F5's Enter), every other filter kept.
    pub fn show_units(&mut self, units: Vec<String>) -> Outcome {
        self.note = None;
        self.filter.units = units;
        self.refiltered()
    }

    fn refiltered(&mut self) -> Outcome {
        self.scroll = 0;
        self.paused = false;
        self.reading = true;
        Outcome { redraw: true, refilter: Some(self.filter.clone()) }
    }

    /// `n`: the next older match among the loaded lines. When there is none, the next `n`
    /// searches the whole journal: the search becomes F1's text filter, which the journal
    /// thread answers from the journal's distinct MESSAGE objects, newest first, with a
    /// progress line (Esc stops it).
    fn search_older(&mut self, buf: &LogBuffer, offer: Option<String>) -> Outcome {
        if self.jump(buf, true) {
            return Outcome::redraw();
        }
        let Some(search) = self.search.clone() else { return Outcome::redraw() };
        if offer.as_deref() != Some(search.pattern.as_str()) {
            self.offer_reread(buf);
            return Outcome::redraw();
        }
        self.filter_line.set(&search.pattern);
        self.filter.text = Some(search);
        self.refiltered()
    }

    fn offer_reread(&mut self, buf: &LogBuffer) {
        let Some(search) = &self.search else { return };
        self.note = Some(format!(
            "no older match in the {} loaded lines: n again searches the whole journal for {:?}",
            buf.len(),
            search.pattern
        ));
        self.reread_offer = Some(search.pattern.clone());
    }

    /// Moves to the next match older (`older`) or newer than the line at the bottom; false
    /// when there is none (and a note says so).
    fn jump(&mut self, buf: &LogBuffer, older: bool) -> bool {
        let Some(search) = &self.search else {
            self.note = Some("no search: press / first".into());
            return false;
        };
        let len = buf.len();
        let bottom = len.saturating_sub(1 + self.scroll);
        let hit = |i: usize| buf.get(i).is_some_and(|l| search.is_match(&l.message));
        let found =
            if older { (0..bottom).rev().find(|&i| hit(i)) } else { (bottom + 1..len).find(|&i| hit(i)) };
        match found {
            Some(i) => {
                self.scroll = len - 1 - i;
                self.paused = true;
                true
            }
            None => {
                self.note = Some(format!(
                    "no {} match for {:?}",
                    if older { "older" } else { "newer" },
                    search.pattern
                ));
                false
            }
        }
    }

    /// A key while a prompt is open. Returns `None` when there is no prompt.
    pub fn prompt_key(&mut self, key: &KeyEvent, buf: &LogBuffer) -> Option<Outcome> {
        let prompt = self.prompt.take()?;
        let mut out = Outcome::redraw();
        self.prompt = match prompt {
            Prompt::Search => match self.search_line.key(key) {
                Edit::Submit => {
                    let t = self.search_line.text();
                    self.search = (!t.is_empty()).then(|| TextMatch::new(t));
                    self.scroll = 0;
                    if self.search.is_some() && !self.jump(buf, true) {
                        self.offer_reread(buf);
                    }
                    if self.search.is_none() {
                        self.note = None;
                    }
                    None
                }
                Edit::Cancel => None,
                _ => Some(Prompt::Search),
            },
            Prompt::Filter => match self.filter_line.key(key) {
                Edit::Submit => {
                    // `KEY=value` words are journal field matches (`HVTUI_ACTION=…`).
                    let t = self.filter_line.text();
                    match parse_field_matches(t) {
                        Some(fields) => {
                            self.filter.fields = fields;
                            self.filter.text = None;
                        }
                        None => {
                            self.filter.fields.clear();
                            self.filter.text = (!t.is_empty()).then(|| TextMatch::new(t));
                        }
                    }
                    out = self.refiltered();
                    None
                }
                Edit::Cancel => None,
                _ => Some(Prompt::Filter),
            },
            Prompt::Units { cursor, selected } => self.units_key(cursor, selected, key, buf, &mut out),
            Prompt::Priority { cursor } => self.priority_key(cursor, key, &mut out),
        };
        Some(out)
    }

    fn units_key(
        &mut self,
        cursor: usize,
        mut selected: BTreeSet<String>,
        key: &KeyEvent,
        buf: &LogBuffer,
        out: &mut Outcome,
    ) -> Option<Prompt> {
        let units: Vec<&str> = buf.units_seen.iter().map(|u| &**u).collect();
        let last = units.len().saturating_sub(1);
        match key.code {
            KeyCode::Up => Some(Prompt::Units { cursor: cursor.saturating_sub(1), selected }),
            KeyCode::Down => Some(Prompt::Units { cursor: (cursor + 1).min(last), selected }),
            KeyCode::Char(' ') => {
                if let Some(u) = units.get(cursor)
                    && !selected.remove(*u)
                {
                    selected.insert(u.to_string());
                }
                Some(Prompt::Units { cursor, selected })
            }
            KeyCode::Char('a') => Some(Prompt::Units { cursor, selected: BTreeSet::new() }),
            KeyCode::Enter => {
                self.filter.units = selected.into_iter().collect();
                *out = self.refiltered();
                None
            }
            KeyCode::Esc => None,
            _ => Some(Prompt::Units { cursor, selected }),
        }
    }

    fn priority_key(&mut self, cursor: usize, key: &KeyEvent, out: &mut Outcome) -> Option<Prompt> {
        match key.code {
            KeyCode::Up => Some(Prompt::Priority { cursor: cursor.saturating_sub(1) }),
            KeyCode::Down => Some(Prompt::Priority { cursor: (cursor + 1).min(8) }),
            KeyCode::Char(c @ '0'..='7') => {
                self.filter.max_level = Some(c as u8 - b'0');
                *out = self.refiltered();
                None
            }
            KeyCode::Enter => {
                self.filter.max_level = (cursor < 8).then_some(cursor as u8);
                *out = self.refiltered();
                None
            }
            KeyCode::Esc => None,
            _ => Some(Prompt::Priority { cursor }),
        }
    }
}
