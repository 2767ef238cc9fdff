//! F2 Dashboard: is this box healthy? CPU, memory, disks, network, VMs and Kubernetes at a
//! glance; two columns on a large screen, one on 80x24.

mod cluster;
mod panels;

use super::body_block;
use crate::model::Model;
use crate::ui::theme::Theme;
use panels::History;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

/// From this inner width on, two columns.
const TWO_COLUMNS: u16 = 118;

/// A panel: its title, its lines, and the history row that goes first when rows run short.
struct Panel<'a> {
    title: &'static str,
    lines: Vec<Line<'a>>,
    history: Option<Line<'a>>,
}

impl<'a> Panel<'a> {
    fn new(title: &'static str, lines: Vec<Line<'a>>) -> Self {
        Panel { title, lines, history: None }
    }

    fn with_history(mut self, which: History, model: &Model, theme: &Theme, width: usize) -> Self {
        self.history = Some(panels::history(which, model, theme, width));
        self
    }
}

/// Lays panels top to bottom in `rows` rows: drops history rows, then cuts from the end.
fn column<'a>(panels: Vec<Panel<'a>>, rows: usize, theme: &Theme) -> Vec<Line<'a>> {
    let total: usize = panels.iter().map(|p| p.lines.len() + 1 + usize::from(p.history.is_some())).sum();
    let keep_history = total <= rows;
    let mut out = Vec::new();
    for p in panels {
        out.push(Line::styled(format!(" {}", p.title), theme.title()));
        out.extend(p.lines);
        out.extend(p.history.filter(|_| keep_history));
    }
    out.truncate(rows);
    out
}

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = body_block("Dashboard", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let rows = inner.height as usize;
    if inner.width < TWO_COLUMNS {
        let w = inner.width as usize;
        let panels = vec![
            Panel::new("CPU", panels::cpu(model, theme, w, 2)).with_history(History::Cpu, model, theme, w),
            Panel::new("Memory", panels::memory(model, theme, w)).with_history(
                History::Memory,
                model,
                theme,
                w,
            ),
            Panel::new("Guests and cluster", cluster::lines(model, theme)),
            Panel::new("Disks", panels::disks(model, theme, w, 5)).with_history(
                History::Disk,
                model,
                theme,
                w,
            ),
            Panel::new("Network", panels::network(model, 4)).with_history(History::Network, model, theme, w),
        ];
        frame.render_widget(Paragraph::new(column(panels, rows, theme)), inner);
        return;
    }
    let [left, right] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(inner);
    let (lw, rw, h) = (left.width.saturating_sub(1) as usize, right.width as usize, inner.height as usize);
    let cluster = cluster::lines(model, theme);
    // CPU gets the rows memory (4) and the cluster lines leave, less a margin.
    let core_rows = h.saturating_sub(12 + cluster.len()).max(2);
    let left_panels = vec![
        Panel::new("CPU", panels::cpu(model, theme, lw, core_rows)).with_history(
            History::Cpu,
            model,
            theme,
            lw,
        ),
        Panel::new("Memory", panels::memory(model, theme, lw)).with_history(
            History::Memory,
            model,
            theme,
            lw,
        ),
        Panel::new("Guests and cluster", cluster),
    ];
    let net = panels::network(model, (h / 2).saturating_sub(2));
    let right_panels = vec![
        Panel::new("Disks", panels::disks(model, theme, rw, h / 2)).with_history(
            History::Disk,
            model,
            theme,
            rw,
        ),
        Panel::new("Network", net).with_history(History::Network, model, theme, rw),
    ];
    let sep = Block::new().borders(Borders::RIGHT).border_set(theme.glyphs.border).border_style(theme.dim());
    frame.render_widget(Paragraph::new(column(left_panels, h, theme)).block(sep), left);
    frame.render_widget(Paragraph::new(column(right_panels, h, theme)), right);
}
