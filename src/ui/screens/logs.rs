//! F1 Logs. The journal reader fills this body; until then it says what will be here.

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
        source_line(model, SourceId::Journal, theme),
        Line::from(""),
        Line::styled(
            " The systemd journal will show here: the newest entries at once, then live",
            theme.dim(),
        ),
        Line::styled(" follow; colour by severity; filters by unit, priority, boot and text.", theme.dim()),
    ];
    let p = Paragraph::new(lines).wrap(Wrap { trim: false }).block(body_block("Logs", theme));
    frame.render_widget(p, area);
}
