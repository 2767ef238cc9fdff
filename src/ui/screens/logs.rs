//! F1 Logs: the journal tail, coloured by severity, with search highlights,
//! a pause marker, and the prompt and pickers of the filters.

use super::{body_block, source_lines};
use crate::event::SourceId;
use crate::model::Model;
use crate::model::log_buffer::{LogBuffer, LogLine, SearchProgress};
use crate::model::logs::TextMatch;
use crate::ui::fmt::sanitize;
use crate::ui::theme::Theme;
use crate::ui::widgets::line_edit;
use crate::view::{LogsView, PRIORITY_NAMES, Prompt, View};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

fn level_style(theme: &Theme, level: u8) -> Style {
    match level {
        0..=2 => theme.crit(),
        3 => Style::new().fg(ratatui::style::Color::Red),
        4 => theme.warn(),
        5 => Style::new().add_modifier(Modifier::BOLD),
        6 => Style::new(),
        _ => theme.dim(),
    }
}

/// `text` with the matches of `search` reversed.
fn highlighted<'a>(text: String, style: Style, search: Option<&TextMatch>) -> Vec<Span<'a>> {
    let ranges = search.map(|s| s.find_all(&text)).unwrap_or_default();
    if ranges.is_empty() {
        return vec![Span::styled(text, style)];
    }
    let mut spans = Vec::new();
    let mut at = 0;
    for r in ranges {
        spans.push(Span::styled(text[at..r.start].to_string(), style));
        spans.push(Span::styled(text[r.clone()].to_string(), style.add_modifier(Modifier::REVERSED)));
        at = r.end;
    }
    spans.push(Span::styled(text[at..].to_string(), style));
    spans
}

fn entry_line<'a>(l: &LogLine, theme: &Theme, search: Option<&TextMatch>) -> Line<'a> {
    let ident = if l.ident.is_empty() { &l.unit } else { &l.ident };
    let pid = l.pid.map(|p| format!("[{p}]")).unwrap_or_default();
    let mut spans = vec![
        Span::styled(crate::timefmt::short_usec(l.realtime_usec), theme.dim()),
        Span::raw(" "),
        Span::styled(format!("{}{pid}", sanitize(ident)), theme.title().remove_modifier(Modifier::BOLD)),
        Span::raw(": "),
    ];
    spans.extend(highlighted(sanitize(&l.message), level_style(theme, l.level), search));
    Line::from(spans)
}

/// The entries that fill `rows` rows ending `scroll` entries above the newest.
fn visible<'a>(
    buf: &LogBuffer,
    v: &LogsView,
    theme: &Theme,
    width: u16,
    rows: usize,
) -> (Vec<Line<'a>>, u16) {
    let end = buf.len().saturating_sub(v.scroll);
    let mut lines = Vec::new();
    let mut used = 0usize;
    for l in buf.iter().take(end).rev() {
        if used >= rows {
            break;
        }
        let line = entry_line(l, theme, v.search.as_ref());
        used += if v.wrap { line.width().div_ceil(width.max(1) as usize).max(1) } else { 1 };
        lines.push(line);
    }
    lines.reverse();
    (lines, used.saturating_sub(rows) as u16)
}

fn status<'a>(model: &Model, v: &LogsView, theme: &Theme) -> Line<'a> {
    let mut parts = vec![];
    if v.reading {
        parts.push(Span::styled(" reading the journal... ", theme.warn()));
    } else if v.following() {
        parts.push(Span::styled(" following ", theme.ok()));
    } else {
        let new = model.logs.arrived.saturating_sub(v.paused_at);
        parts.push(Span::styled(format!(" paused, {new} new "), theme.warn()));
    }
    let f = &v.filter;
    let mut what = Vec::new();
    if !f.units.is_empty() {
        what.push(format!("units: {}", f.units.join(",")));
    }
    if let Some(p) = f.max_level {
        what.push(format!("prio<={}", PRIORITY_NAMES[usize::from(p.min(7))]));
    }
    if let Some(b) = v.boot.label() {
        what.push(b.into());
    }
    if !f.kernel {
        what.push("no kernel".into());
    }
    if let Some(t) = &f.text {
        what.push(format!("filter: {}", t.pattern));
    }
    if f.is_audit() {
        what.push("audit records".into());
    } else if !f.fields.is_empty() {
        let m: Vec<String> = f.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        what.push(format!("fields: {}", m.join(" ")));
    }
    if model.logs.fallback {
        what.push("via journalctl".into());
    }
    if !what.is_empty() {
        parts.push(Span::raw(format!("{} ", sanitize(&what.join(" | ")))));
    }
    Line::from(parts).right_aligned()
}

pub fn render(model: &Model, view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let v = &view.logs;
    let block = body_block("Logs", theme).title_top(status(model, v, theme));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let prompt_rows = u16::from(
        matches!(v.prompt, Some(Prompt::Search | Prompt::Filter))
            || v.note.is_some()
            || model.logs.progress.is_some(),
    );
    let [body, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(prompt_rows)]).areas(inner);
    if model.logs.is_empty() {
        let mut lines = source_lines(model, SourceId::Journal, theme, body.width);
        lines.push(Line::styled(" No entries to show yet (or none match the filter).", theme.dim()));
        frame.render_widget(Paragraph::new(lines), body);
    } else {
        let (lines, overflow) = visible(&model.logs, v, theme, body.width, body.height as usize);
        let mut p = Paragraph::new(lines).scroll((overflow, 0));
        if v.wrap {
            p = p.wrap(Wrap { trim: false });
        }
        frame.render_widget(p, body);
    }
    render_prompt(v, model.logs.progress.as_ref(), theme, frame, bottom);
    match &v.prompt {
        Some(Prompt::Units { cursor, selected }) => {
            let items: Vec<(String, bool)> =
                model.logs.units_seen.iter().map(|u| (u.to_string(), selected.contains(&**u))).collect();
            picker(" Units (Space toggles, a all, Enter applies) ", &items, *cursor, theme, frame, area);
        }
        Some(Prompt::Priority { cursor }) => {
            let mut items: Vec<(String, bool)> =
                PRIORITY_NAMES.iter().enumerate().map(|(i, n)| (format!("{i} {n}"), false)).collect();
            items.push(("all".into(), false));
            let current = v.filter.max_level.map_or(8, usize::from);
            items[current].1 = true;
            picker(" Most verbose priority (0-7, Enter) ", &items, *cursor, theme, frame, area);
        }
        _ => {}
    }
}

/// A running text search's progress line.
fn progress_line<'a>(p: &SearchProgress, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!(
                "searching the journal: {}/{} files, {} messages tried, {} found ",
                p.files_done, p.files, p.scanned, p.found
            ),
            theme.warn(),
        ),
        Span::styled("(Esc stops)", theme.dim()),
    ])
}

fn render_prompt(
    v: &LogsView,
    progress: Option<&SearchProgress>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = usize::from(area.width);
    let edited = |label: &'static str, edit| {
        let mut spans = vec![Span::styled(label, theme.key())];
        spans.extend(line_edit::spans(edit, true, Style::new(), width.saturating_sub(label.len())));
        Line::from(spans)
    };
    let line = match (&v.prompt, &v.note) {
        (Some(Prompt::Search), _) => edited("/", &v.search_line),
        (Some(Prompt::Filter), _) => edited("filter: ", &v.filter_line),
        (_, Some(note)) => Line::styled(sanitize(note), theme.warn()),
        _ => match progress {
            Some(p) => progress_line(p, theme),
            None => return,
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// A centred list with a cursor and check marks.
fn picker(
    title: &str,
    items: &[(String, bool)],
    cursor: usize,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = items.iter().map(|(s, _)| s.len() + 6).max().unwrap_or(0).max(title.len() + 2) as u16;
    let height = (items.len().max(1) + 2) as u16;
    let [v] = Layout::vertical([Constraint::Length(height)]).flex(Flex::Center).areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center).areas(v);
    let rows = popup.height.saturating_sub(2) as usize;
    let first = cursor.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, (name, on))| {
            let mark = if *on { "[x] " } else { "[ ] " };
            let style = if i == cursor { theme.tab_active() } else { Style::new() };
            Line::styled(format!(" {mark}{}", sanitize(name)), style)
        })
        .collect();
    let lines =
        if lines.is_empty() { vec![Line::styled(" (no units seen yet)", theme.dim())] } else { lines };
    let block = super::body_block(title.trim(), theme);
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
