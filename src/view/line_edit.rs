//! The one line editor every prompt uses (F1 search and filter, F3 and F4 filters): a cursor,
//! Left/Right, Home/End (and Ctrl-A/Ctrl-E), Backspace/Delete, Ctrl-U (to the start), Ctrl-K
//! (to the end), Ctrl-W (the word before the cursor), and Up/Down through the last entries.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::VecDeque;

/// Entries remembered for Up/Down.
const HISTORY: usize = 20;

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// Enter: the text is final (and remembered).
    Submit,
    /// Esc: the operator gave up.
    Cancel,
    /// Not an editing key (the caller may use it).
    Unused,
}

/// A line of text with a cursor (a char index) and a history of submitted lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// Position in chars, `0..=len`.
    cursor: usize,
    max_chars: usize,
    history: VecDeque<String>,
    /// Where Up/Down is in the history; `None` while on the line being typed.
    recall: Option<usize>,
    /// The line being typed, kept while the history is browsed.
    draft: String,
}

impl Default for LineEdit {
    fn default() -> Self {
        LineEdit::new(200)
    }
}

impl From<&str> for LineEdit {
    fn from(text: &str) -> Self {
        let mut e = LineEdit::default();
        e.set(text);
        e
    }
}

impl LineEdit {
    /// An empty line that takes at most `max_chars` characters.
    pub fn new(max_chars: usize) -> Self {
        LineEdit {
            text: String::new(),
            cursor: 0,
            max_chars,
            history: VecDeque::new(),
            recall: None,
            draft: String::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The cursor as a char index.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text (cut to the limit) and puts the cursor at its end; history stays.
    pub fn set(&mut self, text: &str) {
        self.text = text.chars().take(self.max_chars).collect();
        self.cursor = self.len();
        self.recall = None;
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// The submitted lines, newest first.
    pub fn history(&self) -> impl Iterator<Item = &str> {
        self.history.iter().map(String::as_str)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Byte offset of char index `i`.
    fn byte(&self, i: usize) -> usize {
        self.text.char_indices().nth(i).map_or(self.text.len(), |(b, _)| b)
    }

    /// Applies one key.
    pub fn key(&mut self, k: &KeyEvent) -> Edit {
        if k.kind == KeyEventKind::Release {
            return Edit::Unused;
        }
        if k.modifiers.contains(KeyModifiers::CONTROL) {
            return self.ctrl(k.code);
        }
        match k.code {
            KeyCode::Enter => {
                self.remember();
                Edit::Submit
            }
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Left => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Right => self.move_to((self.cursor + 1).min(self.len())),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(self.len()),
            KeyCode::Backspace if self.cursor > 0 => self.delete(self.cursor - 1, self.cursor),
            KeyCode::Delete if self.cursor < self.len() => self.delete(self.cursor, self.cursor + 1),
            KeyCode::Backspace | KeyCode::Delete => Edit::Moved,
            KeyCode::Up => self.browse(true),
            KeyCode::Down => self.browse(false),
            KeyCode::Char(c) if !c.is_control() => self.insert(c),
            _ => Edit::Unused,
        }
    }

    fn ctrl(&mut self, code: KeyCode) -> Edit {
        match code {
            KeyCode::Char('a') | KeyCode::Char('A') => self.move_to(0),
            KeyCode::Char('e') | KeyCode::Char('E') => self.move_to(self.len()),
            KeyCode::Char('u') | KeyCode::Char('U') => self.delete(0, self.cursor),
            KeyCode::Char('k') | KeyCode::Char('K') => self.delete(self.cursor, self.len()),
            KeyCode::Char('w') | KeyCode::Char('W') => self.delete(self.word_start(), self.cursor),
            _ => Edit::Unused,
        }
    }

    fn move_to(&mut self, i: usize) -> Edit {
        self.cursor = i;
        Edit::Moved
    }

    fn insert(&mut self, c: char) -> Edit {
        if self.len() >= self.max_chars {
            return Edit::Moved;
        }
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        Edit::Changed
    }

    /// Removes chars `from..to` and leaves the cursor at `from`.
    fn delete(&mut self, from: usize, to: usize) -> Edit {
        if from >= to {
            return Edit::Moved;
        }
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
        Edit::Changed
    }

    /// Start of the word before the cursor (spaces before it are taken too), as readline.
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut i = chars.len();
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    fn remember(&mut self) {
        self.recall = None;
        if self.text.is_empty() || self.history.front() == Some(&self.text) {
            return;
        }
        self.history.retain(|h| *h != self.text);
        self.history.push_front(self.text.clone());
        self.history.truncate(HISTORY);
    }

    /// Up (`older`) or Down through the history; Down past the newest restores the draft.
    fn browse(&mut self, older: bool) -> Edit {
        let next = match (self.recall, older) {
            (None, true) if !self.history.is_empty() => Some(0),
            (None, _) => return Edit::Moved,
            (Some(i), true) => Some((i + 1).min(self.history.len() - 1)),
            (Some(0), false) => None,
            (Some(i), false) => Some(i - 1),
        };
        if self.recall.is_none() {
            self.draft = self.text.clone();
        }
        let text = match next {
            Some(i) => self.history.get(i).cloned().unwrap_or_default(),
            None => std::mem::take(&mut self.draft),
        };
        self.text = text;
        self.cursor = self.len();
        self.recall = next;
        Edit::Changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(e: &mut LineEdit, s: &str) {
        for c in s.chars() {
            e.key(&KeyEvent::from(KeyCode::Char(c)));
        }
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn cursor_moves_and_edits_in_the_middle() {
        let mut e = LineEdit::default();
        typed(&mut e, "hllo");
        for k in [KeyCode::Home, KeyCode::Right] {
            assert_eq!(e.key(&KeyEvent::from(k)), Edit::Moved);
        }
        typed(&mut e, "e");
        assert_eq!((e.text(), e.cursor()), ("hello", 2));
        e.key(&KeyEvent::from(KeyCode::Delete));
        e.key(&KeyEvent::from(KeyCode::End));
        e.key(&KeyEvent::from(KeyCode::Backspace));
        assert_eq!(e.text(), "hel");
        e.key(&ctrl('a'));
        assert_eq!(e.cursor(), 0);
        e.key(&KeyEvent::from(KeyCode::Backspace));
        assert_eq!(e.text(), "hel", "Backspace at the start deletes nothing");
        e.key(&ctrl('e'));
        assert_eq!(e.cursor(), 3);
    }

    #[test]
    fn ctrl_u_w_k_cut_like_readline() {
        let mut e = LineEdit::default();
        typed(&mut e, "unit=k3s  level=error");
        assert_eq!(e.key(&ctrl('w')), Edit::Changed);
        assert_eq!(e.text(), "unit=k3s  ");
        e.key(&ctrl('w'));
        assert_eq!(e.text(), "");
        typed(&mut e, "abc déf");
        for _ in 0..3 {
            e.key(&KeyEvent::from(KeyCode::Left));
        }
        e.key(&ctrl('k'));
        assert_eq!(e.text(), "abc ");
        e.key(&KeyEvent::from(KeyCode::Left));
        e.key(&ctrl('u'));
        assert_eq!((e.text(), e.cursor()), (" ", 0));
    }

    #[test]
    fn multibyte_text_and_the_length_limit() {
        let mut e = LineEdit::new(4);
        typed(&mut e, "äöüßx");
        assert_eq!(e.text(), "äöüß");
        e.key(&KeyEvent::from(KeyCode::Left));
        e.key(&KeyEvent::from(KeyCode::Backspace));
        assert_eq!((e.text(), e.cursor()), ("äöß", 2));
        assert_eq!(e.key(&KeyEvent::from(KeyCode::Char('\u{1b}'))), Edit::Unused);
        assert_eq!(e.key(&KeyEvent::from(KeyCode::F(1))), Edit::Unused);
    }

    #[test]
    fn history_recalls_submitted_lines_and_restores_the_draft() {
        let mut e = LineEdit::default();
        for s in ["first", "second", "first"] {
            e.clear();
            typed(&mut e, s);
            assert_eq!(e.key(&KeyEvent::from(KeyCode::Enter)), Edit::Submit);
        }
        assert_eq!(e.history().collect::<Vec<_>>(), ["first", "second"], "no duplicates, newest first");
        e.clear();
        typed(&mut e, "dra");
        e.key(&KeyEvent::from(KeyCode::Up));
        assert_eq!(e.text(), "first");
        e.key(&KeyEvent::from(KeyCode::Up));
        e.key(&KeyEvent::from(KeyCode::Up));
        assert_eq!(e.text(), "second", "Up stops at the oldest");
        e.key(&KeyEvent::from(KeyCode::Down));
        e.key(&KeyEvent::from(KeyCode::Down));
        assert_eq!((e.text(), e.cursor()), ("dra", 3));
        assert_eq!(e.key(&KeyEvent::from(KeyCode::Esc)), Edit::Cancel);
    }
}
