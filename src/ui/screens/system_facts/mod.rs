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
    let now = model.now_unix();
    let f = &model.system;
    let (nix_l, time_l) = (nixos(&f.nixos, now, theme, Detail::Full), time(&f.time, theme, Detail::Full));
    let (disk_l, hw_l) =
        (storage(&f.storage, theme, Detail::Full), hardware(&f.hardware, theme, Detail::Full));
    // Each row of panels as tall as its longer panel needs (borders included), the spare
    // rows to the lower one; when both do not fit, shared in proportion to their needs.
    let need = |a: &[Line], b: &[Line]| a.len().max(b.len()) as u16 + 2;
    let top_rows = split(area.height, need(&nix_l, &time_l), need(&disk_l, &hw_l));
    let [top, bottom] = Layout::vertical([Constraint::Length(top_rows), Constraint::Fill(1)]).areas(area);
    let [nix, clock] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(top);
    let [disks, hw] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    panel(frame, nix, "NixOS", nix_l, theme);
    panel(frame, clock, "Time", time_l, theme);
    panel(frame, disks, "Storage", disk_l, theme);
    panel(frame, hw, "Hardware", hw_l, theme);
}

/// Rows for the upper of two stacked panels needing `top` and `bottom` rows out of `height`.
fn split(height: u16, top: u16, bottom: u16) -> u16 {
    if top + bottom <= height {
        top
    } else {
        let shared = u32::from(height) * u32::from(top) / u32::from((top + bottom).max(1));
        (shared as u16).clamp(height.min(3), height.saturating_sub(3).max(height.min(3)))
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_upper_panels_get_what_they_need_and_share_when_short() {
        use super::split;
        assert_eq!(split(40, 8, 6), 8, "room for both: the upper as tall as it needs");
        assert_eq!(split(10, 8, 8), 5, "short: shared by need");
        assert_eq!(split(10, 12, 2), 7, "never so tall the lower panels lose their rows");
        assert_eq!(split(4, 8, 8), 3);
        assert_eq!(split(0, 8, 8), 0);
    }
}
