//! F2 on a small console: one column of gauges with a sparkline row per panel while rows
//! allow, the top consumers last (they show from ~40 rows).

use super::panels::{self, History};
use super::{cluster, fitted, top};
use crate::model::Model;
use crate::ui::theme::Theme;
use crate::view::dashboard::DashboardView;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// A panel: its title, its lines, and the history row that goes first when rows run short.
struct Panel<'a> {
    title: Option<&'static str>,
    lines: Vec<Line<'a>>,
    history: Option<Line<'a>>,
}

impl<'a> Panel<'a> {
    fn new(title: &'static str, lines: Vec<Line<'a>>) -> Self {
        Panel { title: Some(title), lines, history: None }
    }

    fn with_history(mut self, which: History, model: &Model, theme: &Theme, width: usize) -> Self {
        self.history = Some(panels::history(which, model, theme, width));
        self
    }
}

/// Lays panels top to bottom in `rows` rows: history rows only in the rows the text leaves
/// (the first panels' first), then cuts from the end.
fn column<'a>(panels: Vec<Panel<'a>>, rows: usize, theme: &Theme) -> Vec<Line<'a>> {
    let text: usize = panels.iter().map(|p| p.lines.len() + usize::from(p.title.is_some())).sum();
    let mut spare = rows.saturating_sub(text);
    let mut out = Vec::new();
    for p in panels {
        out.extend(p.title.map(|t| Line::styled(format!(" {t}"), theme.title())));
        out.extend(p.lines);
        if spare > 0 && p.history.is_some() {
            spare -= 1;
            out.extend(p.history);
        }
    }
    out.truncate(rows);
    out
}

pub fn render(model: &Model, view: &DashboardView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (w, rows) = (area.width as usize, area.height as usize);
    let mut panels = vec![
        Panel::new("CPU", panels::cpu(model, theme, w, 2)).with_history(History::Cpu, model, theme, w),
        Panel::new("Memory", panels::memory(model, theme, w)).with_history(History::Memory, model, theme, w),
        Panel::new("Guests and cluster", cluster::lines(model, theme, 0)),
        Panel::new("Disks", panels::disks(model, theme, w, 5)).with_history(History::Disk, model, theme, w),
        Panel::new("Network", panels::network(model, 4)).with_history(History::Network, model, theme, w),
    ];
    let used: usize = panels.iter().map(|p| p.lines.len() + 2).sum();
    if rows > used + 3 {
        let lines = top::lines(model, view.sort, theme, w, rows - used);
        panels.push(Panel { title: None, lines, history: None });
    }
    let lines = fitted(column(panels, rows, theme), w, theme);
    frame.render_widget(Paragraph::new(lines), area);
}
