//! F5's host-fact panels: NixOS, Time, Storage, Hardware. Drawn into whatever part of the
//! F5 body they are given: four bordered panels in a 2x2 grid when there is room, else one
//! block with a line or two per fact (80x8 still says everything that needs attention).

mod lines;

use super::body_block;
use crate::model::Model;
use crate::model::system::SystemFacts;
use crate::ui::theme::{Glyphs, Theme};
use crate::ui::widgets::fit;
use lines::{Detail, hardware, nixos, storage, time};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The grid needs this much room; below it the compact block is used.
const GRID_MIN: (u16, u16) = (100, 14);

/// Draws the four fact panels into `area`.
pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    if area.width >= GRID_MIN.0 && area.height >= GRID_MIN.1 {
        grid(model, theme, frame, area);
    } else {
        compact(model, theme, frame, area);
    }
}

fn grid(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [nix, clock] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(top);
    let [disks, hw] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    let now = model.now_unix();
    let f = &model.system;
    panel(frame, nix, "NixOS", nixos(&f.nixos, now, theme, Detail::Full), theme);
    panel(frame, clock, "Time", time(&f.time, theme, Detail::Full), theme);
    panel(frame, disks, "Storage", storage(&f.storage, theme, Detail::Full), theme);
    panel(frame, hw, "Hardware", hardware(&f.hardware, theme, Detail::Full), theme);
}

fn panel(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, theme: &Theme) {
    let block = body_block(title, theme);
    let lines = shape(lines, block.inner(area), 2, theme);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `lines` wrapped into `inner` (rows after the first of a line `indent` further in) when
/// they all fit so; else each cut to the width with a marker, so the rows say as much.
fn shape(lines: Vec<Line<'static>>, inner: Rect, indent: usize, theme: &Theme) -> Vec<Line<'static>> {
    let width = inner.width as usize;
    let wrapped: Vec<Line<'static>> =
        lines.iter().flat_map(|l| fit::wrap(l.clone(), width, indent)).collect();
    if wrapped.len() <= inner.height as usize {
        wrapped
    } else {
        lines.into_iter().map(|l| fit::fit(l, width, theme.glyphs.ascii)).collect()
    }
}

/// Each fact's name and its brief lines (the compact block, and `snapshot`'s text form).
fn sections(f: &SystemFacts, now: i64, theme: &Theme) -> [(&'static str, Vec<Line<'static>>); 4] {
    [
        ("NixOS", nixos(&f.nixos, now, theme, Detail::Brief)),
        ("Time", time(&f.time, theme, Detail::Brief)),
        ("Storage", storage(&f.storage, theme, Detail::Brief)),
        ("Hardware", hardware(&f.hardware, theme, Detail::Brief)),
    ]
}

/// One block, each fact led by its name, one line each (two for storage and hardware
/// when there is trouble): 8 rows hold it all. Lines too long wrap under their text when
/// the block has the rows for it, else they are cut with a marker.
fn compact(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut out: Vec<Line<'static>> = Vec::new();
    for (name, lines) in sections(&model.system, model.now_unix(), theme) {
        for (i, mut l) in lines.into_iter().enumerate() {
            let lead = if i == 0 { format!("{name:<LEAD$}") } else { " ".repeat(LEAD) };
            l.spans.insert(0, ratatui::text::Span::styled(lead, theme.title()));
            out.push(l);
        }
    }
    let block = body_block("Host facts", theme);
    let out = shape(out, block.inner(area), LEAD + 2, theme);
    frame.render_widget(Paragraph::new(out).block(block), area);
}

/// The width of a fact's name in the compact block (and in `snapshot`'s text form).
const LEAD: usize = 9;

/// The same lines as plain ASCII text, each fact led by its name in lower case (the text
/// form of `snapshot`, read on any terminal or in a mail).
pub fn plain_text(f: &SystemFacts, now: i64) -> String {
    let theme = Theme::new(Glyphs::ASCII, false);
    let mut out = String::new();
    for (name, lines) in sections(f, now, &theme) {
        for (i, l) in lines.into_iter().enumerate() {
            let lead = if i == 0 { name.to_lowercase() } else { String::new() };
            out += &format!("{lead:<LEAD$}{l}\n");
        }
    }
    out
}
