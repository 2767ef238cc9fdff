//! F3 Network. The rtnetlink model fills this body; until then it says what will be here.

use super::{body_block, source_line};
use crate::event::SourceId;
use crate::model::Model;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = vec![
        source_line(model, SourceId::Netlink, theme),
        Line::from(""),
        Line::styled(
            " Every link will show here with its kind, state, addresses, MTU and rates;",
            theme.dim(),
        ),
        Line::styled(
            " default gateways, DNS, bridges with their VM ports, Kubernetes networking.",
            theme.dim(),
        ),
    ];
    let p = Paragraph::new(lines).wrap(Wrap { trim: false }).block(body_block("Network", theme));
    frame.render_widget(p, area);
}
