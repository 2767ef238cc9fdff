//! The `?` overlay, generated from the keymap.

use super::theme::Theme;
use crate::event::{Action, Screen};
use crate::keymap;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn render(screen: Screen, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rows = rows(screen);
    let key_w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(k, h)| {
            Line::from(vec![Span::styled(format!(" {k:<key_w$}  "), theme.key()), Span::raw(h.clone())])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(" Esc or ? closes this help", theme.dim()));
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let height = lines.len() as u16 + 2;
    let [v] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center).areas(v);
    let block = Block::bordered()
        .border_set(theme.glyphs.border)
        .title(Span::styled(format!(" Keys: {} ", screen.title()), theme.title()));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
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
