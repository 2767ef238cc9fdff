//! The `?` overlay, generated from the keymap: each key's help wrapped to the width there
//! is, and scrolled (Up/Down, PgUp/PgDn, Home/End) when the list is taller than the screen.

use super::theme::Theme;
use crate::event::{Action, Screen};
use crate::keymap;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Rows the terminal keeps outside the overlay: the header line and the footer line.
const CHROME_ROWS: u16 = 2;
/// The overlay's frame: two borders across, two down.
const FRAME: u16 = 2;
/// The longest line of help text: a wide terminal gets a box that reads easily, not a
/// line across the whole screen.
const MAX_TEXT: usize = 72;

/// One line of the overlay: the key (on a key's first line only) and a piece of its help.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HelpLine {
    key: String,
    text: String,
    dim: bool,
}

/// Draws the overlay over `area` (everything between the header and the footer),
/// starting `scroll` lines down (less when that would leave the box part empty).
pub fn render(screen: Screen, theme: &Theme, frame: &mut Frame, area: Rect, scroll: u16) {
    let lines = layout(screen, area.width);
    let key_w = key_width(screen);
    let width = lines.iter().map(|l| line_width(l, key_w)).max().unwrap_or(0) as u16 + FRAME + 1;
    let height = (lines.len() as u16 + FRAME).min(area.height);
    let [v] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    let visible = usize::from(height.saturating_sub(FRAME));
    let first = usize::from(scroll).min(lines.len().saturating_sub(visible));
    let shown: Vec<Line> = lines
        .iter()
        .skip(first)
        .take(visible)
        .map(|l| {
            if l.dim {
                return Line::styled(format!(" {}", l.text), theme.dim());
            }
            Line::from(vec![
                Span::styled(format!(" {:<key_w$}  ", l.key), theme.key()),
                Span::raw(l.text.clone()),
            ])
        })
        .collect();
    let mut block = Block::bordered()
        .border_set(theme.glyphs.border)
        .title(Span::styled(format!(" Keys: {} ", screen.title()), theme.title()));
    if lines.len() > visible {
        let last = (first + visible).min(lines.len());
        let more = format!(" {}-{} of {}, Up/Down scroll ", first + 1, last, lines.len());
        block = block.title_bottom(Span::styled(more, theme.dim()));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(shown).block(block), popup);
}

/// Whether the whole overlay fits in `area` without scrolling.
pub fn fits(screen: Screen, area: Rect) -> bool {
    layout(screen, area.width).len() as u16 + FRAME <= area.height
}

/// The furthest the overlay can scroll on a `width` x `height` terminal: the app keeps
/// its offset within this, so Up answers at once after the end was reached.
pub fn max_scroll(screen: Screen, width: u16, height: u16) -> u16 {
    let visible = height.saturating_sub(CHROME_ROWS + FRAME);
    let total = layout(screen, width).len() as u16;
    total.saturating_sub(visible)
}

fn line_width(l: &HelpLine, key_w: usize) -> usize {
    if l.dim { 1 + l.text.chars().count() } else { 1 + key_w + 2 + l.text.chars().count() }
}

fn key_width(screen: Screen) -> usize {
    rows(screen).iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0)
}

/// Every line of the overlay for a terminal `width` wide: the help texts wrapped at
/// spaces so that no line is cut by the right border.
fn layout(screen: Screen, width: u16) -> Vec<HelpLine> {
    let rows = rows(screen);
    let key_w = key_width(screen);
    // Inside the borders, less the key column and a margin on the right.
    let room = usize::from(width.saturating_sub(FRAME + 1)).saturating_sub(1 + key_w + 2).clamp(12, MAX_TEXT);
    let mut out = Vec::new();
    for (key, help) in rows {
        for (i, piece) in wrap(&help, room).into_iter().enumerate() {
            out.push(HelpLine {
                key: if i == 0 { key.clone() } else { String::new() },
                text: piece,
                dim: false,
            });
        }
    }
    out.push(HelpLine { key: String::new(), text: String::new(), dim: true });
    out.push(HelpLine { key: String::new(), text: "Esc or ? closes this help".into(), dim: true });
    out
}

/// `text` in lines of at most `room` characters, broken at spaces (a word longer than a
/// line is broken inside).
fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let (lw, ww) = (line.chars().count(), word.chars().count());
        if lw > 0 && lw + 1 + ww > room {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > room {
            let cut: String = line.chars().take(room).collect();
            line = line.chars().skip(room).collect();
            lines.push(cut);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// (keys, what they do) for `screen`; the screen keys share one row so the overlay fits a
/// 24-line console.
fn rows(screen: Screen) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut screens_done = false;
    for b in keymap::bindings_for(screen) {
        if let Action::Show(_) = b.action {
            if !screens_done {
                let n = Screen::ALL.len();
                let names: Vec<&str> = Screen::ALL.iter().map(|s| s.title()).collect();
                out.push((format!("F1-F{n}/1-{n}"), format!("screens: {}", names.join(", "))));
                screens_done = true;
            }
            continue;
        }
        out.push((keymap::keys_label(b), b.help.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), vec![""]);
    }

    #[test]
    fn every_help_line_fits_80_columns_and_nothing_is_lost() {
        for screen in Screen::ALL {
            let lines = layout(screen, 80);
            let key_w = key_width(screen);
            for l in &lines {
                assert!(line_width(l, key_w) + usize::from(FRAME) < 80, "{screen:?}: {l:?}");
            }
            let joined: String = lines.iter().filter(|l| !l.dim).map(|l| format!("{} ", l.text)).collect();
            for (_, help) in rows(screen) {
                let words: Vec<&str> = help.split(' ').collect();
                assert!(words.iter().all(|w| joined.contains(w)), "{help}");
            }
        }
    }

    #[test]
    fn max_scroll_reaches_the_last_line_on_a_small_terminal() {
        let total = layout(Screen::Machines, 80).len() as u16;
        let max = max_scroll(Screen::Machines, 80, 24);
        assert_eq!(max + (24 - CHROME_ROWS - FRAME), total);
        assert_eq!(max_scroll(Screen::Machines, 200, 60), 0);
    }
}
