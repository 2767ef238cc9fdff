//! F5 System: systemd's units (failed first, with what they last logged; then the running
//! services), and an area for the host facts (NixOS generation, time, storage, hardware).

mod units;

use super::body_block;
use crate::model::Model;
use crate::ui::theme::Theme;
use crate::view::SystemView;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

/// From this width the facts stand beside the units instead of under them.
const SIDE_BY_SIDE: u16 = 160;

pub fn render(model: &Model, view: &SystemView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = body_block("System", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let (units_area, facts_area) = split(inner);
    units::render(model, view, theme, frame, units_area);
    draw_facts(frame, facts_area, model, theme);
}

/// Units and facts: side by side on wide screens (the facts get room for their 2x2 grid),
/// else the facts under the units: half the height up to the grid's 14 rows, and at least
/// the 8 rows their compact form needs when the body has them.
fn split(inner: Rect) -> (Rect, Rect) {
    if inner.width >= SIDE_BY_SIDE {
        let [u, f] = Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(inner);
        return (u, f);
    }
    let facts = (inner.height / 2).min(14).max(inner.height.min(8));
    let [u, f] = Layout::vertical([Constraint::Fill(1), Constraint::Length(facts)]).areas(inner);
    (u, f)
}

/// The host facts panels (NixOS generation, time, storage, hardware) in `area`.
pub fn draw_facts(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    super::system_facts::render(model, theme, frame, area);
}
