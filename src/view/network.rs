//! F3's view state: scroll position and the name filter. Changed only by `App::act`.

use super::{Edit, LineEdit};
use crate::event::NetAction;
use crossterm::event::KeyEvent;

/// Rows moved by PageUp/PageDown (the list is at least this tall on a 80x24 console).
const PAGE: usize = 10;

/// Longest link-name filter (link names are at most 15 bytes).
const FILTER_CHARS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetView {
    /// First row of the link list shown; the renderer clamps it to the list.
    pub scroll: usize,
    /// Case-insensitive substring of link names; empty shows every link.
    pub filter: LineEdit,
    /// Keys go to the filter while true.
    pub editing: bool,
}

impl Default for NetView {
    fn default() -> Self {
        NetView { scroll: 0, filter: LineEdit::new(FILTER_CHARS), editing: false }
    }
}

impl NetView {
    pub fn act(&mut self, a: NetAction) {
        match a {
            NetAction::Down => self.scroll = self.scroll.saturating_add(1),
            NetAction::Up => self.scroll = self.scroll.saturating_sub(1),
            NetAction::PageDown => self.scroll = self.scroll.saturating_add(PAGE),
            NetAction::PageUp => self.scroll = self.scroll.saturating_sub(PAGE),
            NetAction::Top => self.scroll = 0,
            NetAction::Bottom => self.scroll = usize::MAX,
            NetAction::Filter => self.editing = true,
        }
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
        self.scroll = 0;
    }

    /// The clamped first row for a list of `rows` shown `height` at a time.
    pub fn first_row(&self, rows: usize, height: usize) -> usize {
        self.scroll.min(rows.saturating_sub(height))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyCode;

    #[test]
    fn filter_editing_and_scroll_clamp() {
        let mut v = NetView::default();
        v.act(NetAction::Filter);
        for c in "br0".chars() {
            v.edit(&KeyEvent::from(KeyCode::Char(c)));
        }
        v.edit(&KeyEvent::from(KeyCode::Backspace));
        v.edit(&KeyEvent::from(KeyCode::Enter));
        assert_eq!((v.filter.text(), v.editing), ("br", false));
        v.act(NetAction::Bottom);
        assert_eq!(v.first_row(500, 20), 480);
        v.act(NetAction::Top);
        v.act(NetAction::PageDown);
        v.act(NetAction::Up);
        assert_eq!(v.first_row(500, 20), 9);
        assert_eq!(v.first_row(5, 20), 0);
        v.act(NetAction::Filter);
        v.edit(&KeyEvent::from(KeyCode::Esc));
        assert!(v.filter.is_empty() && !v.editing);
    }
}
