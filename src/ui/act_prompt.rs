//! The action prompts (`a` on F4) drawn over the screen: the verbs, then the one question
//! the flow is asking. The password is never drawn, not even as stars.

use super::fmt;
use super::theme::Theme;
use super::widgets::line_edit;
use crate::config::Severity;
use crate::view::act_flow::{ActFlow, Step};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

fn question(flow: &ActFlow, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let name = fmt::sanitize(&flow.target.name);
    let edit = |label: String, e: &crate::view::LineEdit| {
        let mut spans = vec![Span::raw(label)];
        spans.extend(line_edit::spans(e, true, theme.key(), width.saturating_sub(20)));
        Line::from(spans)
    };
    match &flow.step {
        Step::Choose { cursor } => flow
            .verbs
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mark = match v.severity() {
                    Severity::Benign => "",
                    Severity::Disruptive => "  (asks a reason)",
                    Severity::Destructive => "  (type the name)",
                };
                let style = if i == *cursor { theme.tab_active() } else { ratatui::style::Style::new() };
                Line::styled(format!(" {}{mark}", v.name()), style)
            })
            .collect(),
        Step::TypeName(e) => vec![edit(format!(" type {name} to confirm: "), e)],
        Step::Reason(e) => vec![edit(" reason (recorded): ".into(), e)],
        Step::Confirm => vec![Line::from(format!(" {} {name}? y/n", flow.verb().map_or("", |v| v.name())))],
        Step::User(e) => vec![edit(" operator: ".into(), e)],
        Step::Password { user, .. } => {
            vec![Line::from(format!(" password for {} (not shown), Enter: ", fmt::sanitize(user)))]
        }
    }
}

pub fn render(flow: &ActFlow, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.clamp(10, 70);
    let mut lines = question(flow, theme, usize::from(width));
    if let Some(e) = &flow.error {
        lines.push(Line::styled(format!(" {e}"), theme.warn()));
    }
    lines.push(Line::styled(" Enter chooses, Esc cancels", theme.dim()));
    let height = (lines.len() as u16 + 2).min(area.height);
    let [v] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    let title = format!(" Actions: {} ", fmt::sanitize(&flow.target.name));
    let block = Block::bordered().border_set(theme.glyphs.border).title(Span::styled(title, theme.title()));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
