//! Draws the one line editor (`view::LineEdit`) the same way on every screen: the text made
//! safe for the terminal, and while it has the keyboard a reverse-video cursor cell.

use crate::ui::fmt::sanitize;
use crate::view::LineEdit;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

/// The text of `edit` in at most `width` cells (the part around the cursor when it is longer),
/// in `style`, with the cursor shown when `editing`.
pub fn spans(edit: &LineEdit, editing: bool, style: Style, width: usize) -> Vec<Span<'static>> {
    let chars: Vec<char> = edit.text().chars().collect();
    let cursor = edit.cursor().min(chars.len());
    let width = width.max(2);
    // Keep the cursor in view: a window of `width - 1` chars ending at the cursor at most.
    let first = cursor.saturating_sub(width - 1);
    let last = (first + width - usize::from(editing)).min(chars.len());
    let text = |r: std::ops::Range<usize>| sanitize(&chars[r].iter().collect::<String>());
    if !editing {
        return vec![Span::styled(text(first..last), style)];
    }
    let under = chars.get(cursor).map_or(" ".to_string(), |c| sanitize(&c.to_string()));
    let next = (cursor + 1).min(chars.len());
    vec![
        Span::styled(text(first..cursor), style),
        Span::styled(under, style.add_modifier(Modifier::REVERSED)),
        Span::styled(text(next..last.max(next)), style),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent};

    fn joined(s: &[Span]) -> String {
        s.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn cursor_cell_and_window() {
        let mut e = LineEdit::from("abc");
        e.key(&KeyEvent::from(KeyCode::Left));
        let s = spans(&e, true, Style::new(), 40);
        assert_eq!((joined(&s), s[1].content.as_ref()), ("abc".to_string(), "c"));
        assert!(s[1].style.add_modifier.contains(Modifier::REVERSED));
        e.key(&KeyEvent::from(KeyCode::End));
        assert_eq!(joined(&spans(&e, true, Style::new(), 40)), "abc ");
        assert_eq!(joined(&spans(&e, false, Style::new(), 40)), "abc");
        let long = LineEdit::from("0123456789");
        assert_eq!(joined(&spans(&long, true, Style::new(), 5)), "6789 ", "the end stays in view");
        let evil = LineEdit::from("a\u{1b}[2J");
        assert_eq!(joined(&spans(&evil, false, Style::new(), 40)), "a^[[2J");
    }
}
