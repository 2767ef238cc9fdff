//! F2 Dashboard: is this box healthy, and who is using it? On a small console (80x24) the
//! compact list of gauges; from 118 columns and 28 rows the graphs, per-core heat grid and
//! top consumers share the whole body.

mod cluster;
mod compact;
mod graphs;
mod large;
mod panels;
mod top;

use super::body_block;
use crate::model::Model;
use crate::ui::theme::Theme;
use crate::ui::widgets::fit::fit;
use crate::view::dashboard::DashboardView;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// From this inner width on, two columns.
const TWO_COLUMNS: u16 = 118;
/// From this inner height on (and two columns), the graph layout.
const GRAPH_ROWS: u16 = 26;

/// Lines cut at a word boundary to `width`.
fn fitted<'a>(lines: Vec<Line<'a>>, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    lines.into_iter().map(|l| fit(l, width, theme.glyphs.ascii)).collect()
}

pub fn render(model: &Model, view: &DashboardView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = body_block("Dashboard", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if inner.width >= TWO_COLUMNS && inner.height >= GRAPH_ROWS {
        large::render(model, view, theme, frame, inner);
    } else {
        compact::render(model, view, theme, frame, inner);
    }
}
