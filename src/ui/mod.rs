//! Rendering: a pure function of model + view state.

pub mod act_prompt;
pub mod chrome;
pub mod fmt;
pub mod help;
pub mod screens;
pub mod theme;
pub mod widgets;

use crate::event::Screen;
use crate::model::Model;
use crate::view::View;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use theme::Theme;
use widgets::fit::fit;

/// Most alert lines shown at once; the rest are counted.
const MAX_ALERT_LINES: usize = 3;

pub fn render(model: &Model, view: &View, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let alerts = model.alerts();
    let alert_lines = alerts.len().min(MAX_ALERT_LINES) as u16;
    let [head, strip, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(alert_lines),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    chrome::render_header(model, view, theme, frame, head);
    render_alerts(&alerts, theme, frame, strip);
    match view.screen {
        Screen::Logs => screens::logs::render(model, view, theme, frame, body),
        Screen::Dashboard => screens::dashboard::render(model, &view.dashboard, theme, frame, body),
        Screen::Network => screens::network::render(model, &view.net, theme, frame, body),
        Screen::Machines => screens::machines::render(model, &view.machines, theme, frame, body),
        Screen::System => screens::system::render(model, &view.system, theme, frame, body),
    }
    chrome::render_footer(view, theme, frame, foot);
    if view.help {
        // Over the alert lines too when the body is too short for it (a 24-line console).
        let over = Rect { y: strip.y, height: strip.height + body.height, ..body };
        let area = if help::fits(view.screen, body) { body } else { over };
        help::render(view.screen, theme, frame, area, view.help_scroll);
    }
    if let Some(flow) = &view.act_flow {
        act_prompt::render(flow, theme, frame, body);
    }
}

fn render_alerts(alerts: &[crate::model::Alert], theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let extra = alerts.len().saturating_sub(area.height as usize);
    let lines: Vec<Line> = alerts
        .iter()
        .take(area.height as usize)
        .enumerate()
        .map(|(i, a)| {
            let style = if a.critical { theme.crit() } else { theme.warn() };
            let mark = if a.critical { "!! " } else { " ! " };
            let more = if i + 1 == area.height as usize && extra > 0 {
                format!("  (+{extra} more)")
            } else {
                String::new()
            };
            let text = if theme.glyphs.ascii {
                fmt::ascii_fallback(&fmt::sanitize(&a.text))
            } else {
                fmt::sanitize(&a.text)
            };
            // Cut with a marker, never through "(+N more)": the count of hidden alerts stays.
            let room = (area.width as usize).saturating_sub(more.chars().count());
            let mut line = fit(
                Line::from(vec![Span::styled(mark, style), Span::styled(text, style)]),
                room,
                theme.glyphs.ascii,
            );
            line.spans.push(Span::raw(more));
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
