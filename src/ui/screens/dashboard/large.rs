//! F2 on a large console: two columns that fill the body. Left: CPU (gauge, per-core grid,
//! graph), memory and disks, each with a graph. Right: network links with a graph per busy
//! link, guests and cluster, and the top consumers. Text takes what it needs; graphs and the
//! table share the rest, so the body has no blank rows to speak of.

use super::{cluster, fitted, graphs, panels, top};
use crate::model::Model;
use crate::ui::theme::Theme;
use crate::ui::widgets::graph::Graph;
use crate::view::dashboard::DashboardView;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// A piece of a column: lines of text, or a graph with its share of the spare rows.
enum Item<'a> {
    Text(Vec<Line<'a>>),
    Graph(Graph<'a>, usize),
}

fn titled<'a>(title: &'static str, mut lines: Vec<Line<'a>>, theme: &Theme) -> Item<'a> {
    lines.insert(0, Line::styled(format!(" {title}"), theme.title()));
    Item::Text(lines)
}

/// Draws items top to bottom in `area`: text at its height, graphs sharing what is left
/// by weight (the first graph takes the rounding).
fn stack(items: Vec<Item>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let text: usize = items.iter().map(|i| if let Item::Text(l) = i { l.len() } else { 0 }).sum();
    let weights: usize = items.iter().map(|i| if let Item::Graph(_, w) = i { *w } else { 0 }).sum();
    let spare = (area.height as usize).saturating_sub(text);
    let share = |w: usize| spare * w / weights.max(1);
    let given: usize = items.iter().map(|i| if let Item::Graph(_, w) = i { share(*w) } else { 0 }).sum();
    let mut extra = spare.saturating_sub(given);
    let mut y = area.y;
    for item in items {
        let left = area.bottom().saturating_sub(y);
        if left == 0 {
            return;
        }
        let (h, what) = match item {
            Item::Text(lines) => (lines.len() as u16, Err(lines)),
            Item::Graph(g, w) => ((share(w) + std::mem::take(&mut extra)) as u16, Ok(g)),
        };
        let rect = Rect { y, height: h.min(left), ..area };
        match what {
            Err(lines) => {
                frame.render_widget(Paragraph::new(fitted(lines, area.width as usize, theme)), rect)
            }
            Ok(g) => {
                frame.render_widget(g, Rect { x: rect.x + 1, width: rect.width.saturating_sub(1), ..rect })
            }
        }
        y += rect.height;
    }
}

fn left<'a>(model: &'a Model, theme: &'a Theme, area: Rect) -> Vec<Item<'a>> {
    let (w, h) = (area.width as usize, area.height as usize);
    let cols = w.saturating_sub(2);
    vec![
        titled("CPU", panels::cpu(model, theme, w, (h / 4).max(1)), theme),
        Item::Graph(graphs::cpu(model, theme, cols), 4),
        titled("Memory", panels::memory(model, theme, w), theme),
        Item::Graph(graphs::memory(model, theme, cols), 3),
        titled("Disks", panels::disks(model, theme, w, (h / 6).max(3)), theme),
        Item::Graph(graphs::disk(model, theme, cols), 3),
    ]
}

/// The right column's height from which nodes get a row each.
const NODE_ROWS_FROM: usize = 40;

/// Rows a link graph needs at least to be worth drawing.
const LINK_GRAPH_MIN: usize = 3;

fn right<'a>(model: &'a Model, view: &DashboardView, theme: &'a Theme, area: Rect) -> Vec<Item<'a>> {
    let (w, h) = (area.width as usize, area.height as usize);
    let net = titled("Network", panels::network(model, (h / 8).max(3)), theme);
    let guests = if cluster::nothing(model) {
        let mut l = cluster::absent(model, theme);
        l.spans.insert(0, Span::styled(" Guests and cluster:", theme.title()));
        Item::Text(vec![l])
    } else {
        // A row per node on a tall console (a k3s host's few nodes; at most 8 rows).
        let node_rows = if h >= NODE_ROWS_FROM { 8 } else { 0 };
        titled("Guests and cluster", cluster::lines(model, theme, node_rows), theme)
    };
    let fixed: usize = [&net, &guests].iter().map(|i| if let Item::Text(l) = i { l.len() } else { 0 }).sum();
    let mut links = graphs::busiest_links(model);
    // Idle links get no graph of their own, unless no link is busy (one flat graph then).
    let active = links.iter().filter(|n| graphs::link_active(model, n)).count();
    links.truncate(active.max(1));
    let n_links = links.len().min(if h >= 50 { 3 } else { 2 });
    let room = h.saturating_sub(fixed);
    let n_links = n_links.min(room.saturating_sub(4) / LINK_GRAPH_MIN);
    let top_rows = top::wanted(model, view.sort).min(room.saturating_sub(n_links * LINK_GRAPH_MIN));
    let mut items = vec![net];
    for name in links.into_iter().take(n_links) {
        items.extend(graphs::link(model, theme, name, w.saturating_sub(2)).map(|g| Item::Graph(g, 1)));
    }
    items.push(guests);
    items.push(Item::Text(top::lines(model, view.sort, theme, w, top_rows)));
    items
}

pub fn render(model: &Model, view: &DashboardView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [l, r] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(area);
    let sep = Block::new().borders(Borders::RIGHT).border_set(theme.glyphs.border).border_style(theme.dim());
    let l_inner = sep.inner(l);
    frame.render_widget(sep, l);
    stack(left(model, theme, l_inner), theme, frame, l_inner);
    let r_inner = Rect { x: r.x + 1, width: r.width.saturating_sub(1), ..r };
    stack(right(model, view, theme, r_inner), theme, frame, r_inner);
}
