//! F2 Dashboard: is this box healthy? CPU, memory, disks, network, VMs and Kubernetes at a
//! glance; two columns on a large screen, one on 80x24.

mod cluster;
mod panels;

use super::body_block;
use crate::model::Model;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

/// From this inner width on, two columns.
const TWO_COLUMNS: u16 = 118;

/// A panel: its title and lines, sparklines marked so they go first when rows run short.
struct Panel<'a> {
    title: &'static str,
    lines: Vec<Line<'a>>,
}

fn is_spark(l: &Line) -> bool {
    l.spans.first().is_some_and(|s| s.content.trim() == "hist")
}

/// Lays panels top to bottom in `rows` rows: drops sparklines, then cuts from the end.
fn column<'a>(panels: Vec<Panel<'a>>, rows: usize, theme: &Theme) -> Vec<Line<'a>> {
    let total: usize = panels.iter().map(|p| p.lines.len() + 1).sum();
    let keep_sparks = total <= rows;
    let mut out = Vec::new();
    for p in panels {
        out.push(Line::styled(format!(" {}", p.title), theme.title()));
        out.extend(p.lines.into_iter().filter(|l| keep_sparks || !is_spark(l)));
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
            Panel { title: "CPU", lines: panels::cpu(model, theme, w, 2) },
            Panel { title: "Memory", lines: panels::memory(model, theme, w) },
            Panel { title: "Guests and cluster", lines: cluster::lines(model, theme) },
            Panel { title: "Disks", lines: panels::disks(model, theme, w, 5) },
            Panel { title: "Network", lines: panels::network(model, theme, w, 4) },
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
        Panel { title: "CPU", lines: panels::cpu(model, theme, lw, core_rows) },
        Panel { title: "Memory", lines: panels::memory(model, theme, lw) },
        Panel { title: "Guests and cluster", lines: cluster },
    ];
    let right_panels = vec![
        Panel { title: "Disks", lines: panels::disks(model, theme, rw, h / 2) },
        Panel { title: "Network", lines: panels::network(model, theme, rw, (h / 2).saturating_sub(2)) },
    ];
    let sep = Block::new().borders(Borders::RIGHT).border_set(theme.glyphs.border).border_style(theme.dim());
    frame.render_widget(Paragraph::new(column(left_panels, h, theme)).block(sep), left);
    frame.render_widget(Paragraph::new(column(right_panels, h, theme)), right);
}
