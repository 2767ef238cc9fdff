//! F5's view state: the selected unit and the name filter, and the rows they select.

use super::{Edit, LineEdit};
use crate::event::SystemAction;
use crate::model::units::{Unit, Units};
use crossterm::event::KeyEvent;

/// Rows moved by PageUp/PageDown.
const PAGE: usize = 10;
/// Longest unit-name filter (unit names are at most 255 bytes; nobody types that many).
const FILTER_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemView {
    /// Index into `rows()`; the renderer and `act` clamp it.
    pub selected: usize,
    /// Case-insensitive substring of unit names; empty shows every row.
    pub filter: LineEdit,
    /// Keys go to the filter while true.
    pub editing: bool,
}

impl Default for SystemView {
    fn default() -> Self {
        SystemView { selected: 0, filter: LineEdit::new(FILTER_CHARS), editing: false }
    }
}

impl SystemView {
    /// The unit rows F5 lists: failed units first, then running services, each by name,
    /// filtered on the name.
    pub fn rows<'a>(&self, units: &'a Units) -> Vec<&'a Unit> {
        let needle = self.filter.text().to_lowercase();
        let keep = |u: &&Unit| needle.is_empty() || u.name.to_lowercase().contains(&needle);
        units.failed().chain(units.running_services()).filter(keep).collect()
    }

    /// The selected row, clamped to `rows`.
    pub fn selected_in(&self, rows: usize) -> usize {
        self.selected.min(rows.saturating_sub(1))
    }

    pub fn act(&mut self, a: SystemAction, rows: usize) {
        let last = rows.saturating_sub(1);
        let s = self.selected_in(rows);
        self.selected = match a {
            SystemAction::Up => s.saturating_sub(1),
            SystemAction::Down => (s + 1).min(last),
            SystemAction::PageUp => s.saturating_sub(PAGE),
            SystemAction::PageDown => (s + PAGE).min(last),
            SystemAction::Top => 0,
            SystemAction::Bottom => last,
            SystemAction::Filter => {
                self.editing = true;
                s
            }
            SystemAction::OpenLogs | SystemAction::Actions => s,
        };
    }

    /// A key while the filter is being typed: Enter keeps it, Esc clears it.
    pub fn edit(&mut self, k: &KeyEvent) {
        match self.filter.key(k) {
            Edit::Submit => self.editing = false,
            Edit::Cancel => {
                self.editing = false;
                self.filter.clear();
            }
            Edit::Changed => {}
            Edit::Moved | Edit::Unused => return,
        }
        self.selected = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::units::UnitsUpdate;
    use crossterm::event::KeyCode;

    fn unit(name: &str, active: &str, sub: &str) -> Unit {
        let s = |x: &str| x.to_string();
        Unit {
            name: s(name),
            description: s(""),
            load: s("loaded"),
            active: s(active),
            sub: s(sub),
            result: None,
            since: None,
        }
    }

    #[test]
    fn failed_first_then_running_filtered_and_clamped() {
        let mut units = Units::default();
        units.apply(UnitsUpdate::List(vec![
            unit("a.service", "active", "running"),
            unit("z.service", "failed", "failed"),
            unit("b.service", "inactive", "dead"),
            unit("k3s.service", "active", "running"),
        ]));
        let mut v = SystemView::default();
        let names = |v: &SystemView| v.rows(&units).iter().map(|u| u.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&v), ["z.service", "a.service", "k3s.service"]);
        v.act(SystemAction::Bottom, 3);
        v.act(SystemAction::Down, 3);
        assert_eq!(v.selected, 2);
        v.act(SystemAction::Filter, 3);
        for c in "K3S".chars() {
            v.edit(&KeyEvent::from(KeyCode::Char(c)));
        }
        v.edit(&KeyEvent::from(KeyCode::Enter));
        assert_eq!((names(&v), v.selected, v.editing), (vec!["k3s.service".to_string()], 0, false));
    }
}
