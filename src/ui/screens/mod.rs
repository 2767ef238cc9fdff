//! One file per screen; each draws its body inside the shared frame.

pub mod dashboard;
pub mod logs;
pub mod machines;
pub mod network;
pub mod system;
pub mod system_facts;

use super::chrome::health_style;
use super::fmt::sanitize;
use super::theme::Theme;
use crate::event::SourceId;
use crate::model::Model;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// The bordered block around a screen body.
pub fn body_block<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::bordered().border_set(theme.glyphs.border).title(Span::styled(format!(" {title} "), theme.title()))
}

/// Where the reason starts in a [`source_line`]: after the key and the health word.
const REASON_COLUMN: usize = 24;

/// [`source_line`] wrapped to `width`, the reason's rows under the reason: a cause is worth
/// reading whole (a socket path, an API server's refusal).
pub fn source_lines<'a>(model: &Model, id: SourceId, theme: &Theme, width: u16) -> Vec<Line<'a>> {
    super::widgets::fit::wrap(source_line(model, id, theme), width as usize, REASON_COLUMN)
}

/// "libvirt: ok — 3 domains on 1 URI(s)", coloured by state.
pub fn source_line<'a>(model: &Model, id: SourceId, theme: &Theme) -> Line<'a> {
    let h = model.health(id);
    Line::from(vec![
        Span::raw(format!(" {:<11}", id.key())),
        Span::styled(format!("{:<12}", h.label()), health_style(theme, h)),
        Span::raw(sanitize(h.reason())),
    ])
}
