//! F5's units panel: counts by state, failed units with their result, since when and the
//! last lines they logged, then the running services; a name filter; one selected row.

use crate::event::SourceId;
use crate::model::Model;
use crate::model::units::Unit;
use crate::ui::fmt::sanitize;
use crate::ui::screens::source_lines;
use crate::ui::theme::Theme;
use crate::ui::widgets::{fit::fit, line_edit};
use crate::view::SystemView;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Lines of a failed unit's journal shown under it: fewer on small screens.
fn log_lines_per_unit(height: u16) -> usize {
    if height >= 30 { 3 } else { 1 }
}

pub fn render(model: &Model, view: &SystemView, theme: &Theme, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let width = area.width as usize;
    let mut lines = vec![title(model, view, theme)];
    if !model.units.is_known() {
        lines.extend(source_lines(model, SourceId::Systemd, theme, area.width));
        lines.push(Line::styled(" failed units are taken from the journal meanwhile (F1)", theme.dim()));
        let lines: Vec<Line> = lines.into_iter().map(|l| fit(l, width, theme.glyphs.ascii)).collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let rows = view.rows(&model.units);
    let selected = view.selected_in(rows.len());
    let per_unit = log_lines_per_unit(area.height);
    // Each row is its line plus, for a failed unit, what it last logged.
    let mut body: Vec<(usize, Line)> = Vec::new();
    for (i, u) in rows.iter().enumerate() {
        let mut l = row(u, model, width, theme);
        if i == selected {
            l = l.style(Style::new().add_modifier(Modifier::REVERSED));
        }
        body.push((i, l));
        if u.is_failed() {
            body.extend(last_logged(model, &u.name, per_unit, theme).into_iter().map(|l| (i, l)));
        }
    }
    if rows.is_empty() {
        let what =
            if view.filter.is_empty() { "no failed units, no running services" } else { "no unit matches" };
        body.push((0, Line::styled(format!(" {what}"), theme.dim())));
    }
    let height = (area.height as usize).saturating_sub(lines.len());
    let first_of_selected = body.iter().position(|(i, _)| *i == selected).unwrap_or(0);
    let last_of_selected = body.iter().rposition(|(i, _)| *i == selected).unwrap_or(0);
    let offset = (last_of_selected + 1).saturating_sub(height).min(first_of_selected);
    lines.extend(body.into_iter().skip(offset).take(height).map(|(_, l)| l));
    let lines: Vec<Line> = lines.into_iter().map(|l| fit(l, width, theme.glyphs.ascii)).collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// " Units  3 failed · 41 active · 12 inactive   filter: …"
fn title<'a>(model: &Model, view: &SystemView, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(" Units ", theme.title())];
    if model.units.is_known() {
        let counts = model.units.counts_by_state();
        let failed = counts.get("failed").copied().unwrap_or(0);
        let style = if failed > 0 { theme.crit() } else { theme.ok() };
        spans.push(Span::styled(format!("{failed} failed"), style));
        for (state, n) in counts.iter().filter(|(s, _)| *s != "failed") {
            spans.push(Span::raw(format!(" {} {n} {}", theme.glyphs.sep, sanitize(state))));
        }
        let running = model.units.running_services().count();
        spans.push(Span::raw(format!(" {} {running} running services", theme.glyphs.sep)));
    }
    if view.editing || !view.filter.is_empty() {
        spans.push(Span::styled("   filter: ", theme.warn()));
        spans.extend(line_edit::spans(&view.filter, view.editing, theme.warn(), 30));
    }
    Line::from(spans)
}

/// One unit: mark, name, state, result, since when.
fn row<'a>(u: &Unit, model: &Model, width: usize, theme: &Theme) -> Line<'a> {
    let now = model.now_unix();
    let (mark, style) = if u.is_failed() {
        (if theme.glyphs.ascii { "x" } else { "✗" }, theme.crit())
    } else {
        (if theme.glyphs.ascii { "*" } else { "●" }, theme.ok())
    };
    let name_w = if width >= 100 { 40 } else { 28 };
    let state = if u.is_failed() {
        u.result.as_deref().map_or_else(|| "failed".to_string(), |r| format!("failed ({})", sanitize(r)))
    } else {
        sanitize(&u.sub)
    };
    let since = match u.since {
        Some(t) if width >= 100 => {
            format!("since {} ({})", crate::timefmt::when(t, now), crate::timefmt::ago(t, now))
        }
        Some(t) => crate::timefmt::ago(t, now),
        None => "since ?".to_string(),
    };
    let mut spans = vec![
        Span::styled(format!(" {mark} "), style),
        Span::raw(format!("{:<name_w$} ", sanitize(&u.name))),
        Span::styled(format!("{state:<20} "), style),
        Span::raw(since),
    ];
    if width >= 140 && !u.description.is_empty() {
        spans.push(Span::styled(format!("  {}", sanitize(&u.description)), theme.dim()));
    }
    Line::from(spans)
}

/// The last `n` lines the unit logged, from F1's buffer (only what F1 currently holds).
fn last_logged<'a>(model: &Model, unit: &str, n: usize, theme: &Theme) -> Vec<Line<'a>> {
    // Its own lines, and systemd's about it ("boom.service: Failed with result 'exit-code'.").
    let about = |l: &crate::model::log_buffer::LogLine| {
        &*l.unit == unit
            || (&*l.ident == "systemd" && l.message.strip_prefix(unit).is_some_and(|r| r.starts_with(": ")))
    };
    let mut found: Vec<&crate::model::log_buffer::LogLine> =
        model.logs.iter().rev().filter(|l| about(l)).take(n).collect();
    found.reverse();
    let bar = if theme.glyphs.ascii { "|" } else { "│" };
    found
        .into_iter()
        .map(|l| {
            let when = crate::timefmt::clock((l.realtime_usec / 1_000_000) as i64);
            Line::styled(format!("     {bar} {when} {}", sanitize(&l.message)), theme.dim())
        })
        .collect()
}
