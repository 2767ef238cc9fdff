//! The detail pane of the selected guest, and the lifecycle event feed.

use super::table::state_style;
use crate::model::guests::{Guest, Guests, LifecycleEvent, state_text};
use crate::ui::fmt::{self, sanitize};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// How many of the guest's own events the detail pane lists.
const DETAIL_EVENTS: usize = 5;

/// "14:03:07" (UTC) from seconds since the epoch.
pub fn clock(at_unix: u64) -> String {
    let s = at_unix % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

fn event_line<'a>(e: &LifecycleEvent, with_name: bool, theme: &Theme) -> Line<'a> {
    let style = match e.kind.as_str() {
        "crashed" => theme.crit(),
        "stopped" if e.detail == "failed" => theme.crit(),
        "suspended" if e.detail == "ioerror" => theme.crit(),
        "started" | "resumed" => theme.ok(),
        _ => theme.warn(),
    };
    let mut spans = vec![Span::styled(format!(" {} ", clock(e.at_unix)), theme.dim())];
    if with_name {
        spans.push(Span::raw(format!("{} ", sanitize(&e.name))));
    }
    spans.push(Span::styled(e.kind.clone(), style));
    if !e.detail.is_empty() {
        spans.push(Span::raw(format!(" ({})", e.detail)));
    }
    Line::from(spans)
}

fn facts<'a>(g: &Guest, theme: &Theme) -> Vec<Line<'a>> {
    let id = g.id.map_or("-".to_string(), |i| i.to_string());
    let flags = [(g.persistent, "persistent"), (!g.persistent, "transient"), (g.autostart, "autostart")];
    let flags: Vec<&str> = flags.iter().filter(|(on, _)| *on).map(|(_, w)| *w).collect();
    vec![
        Line::from(vec![
            Span::styled(format!(" {} ", sanitize(&g.name)), theme.title()),
            Span::styled(state_text(g), state_style(theme, g.state)),
            Span::raw(format!("  id {id}  {}  {}", flags.join(" "), sanitize(&g.uuid))),
        ]),
        Line::raw(format!(
            " {}  {} vCPU  memory {} of {}  CPU time {}s  IP {}",
            sanitize(&g.uri),
            g.vcpus,
            fmt::bytes(g.memory_bytes),
            fmt::bytes(g.max_memory_bytes),
            g.cpu_time_ns / 1_000_000_000,
            if g.ips.is_empty() { "-".to_string() } else { sanitize(&g.ips.join(" ")) },
        )),
    ]
}

fn devices<'a>(g: &Guest, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for d in &g.disks {
        let ro = if d.readonly { " (ro)" } else { "" };
        let src = if d.source.is_empty() { "(empty)" } else { &d.source };
        lines.push(Line::from(vec![
            Span::styled(" disk ", theme.dim()),
            Span::raw(format!("{:<5} {:<6} {}{ro}", sanitize(&d.target), sanitize(&d.device), sanitize(src))),
        ]));
    }
    for n in &g.nics {
        let target = n.target.as_deref().map_or("-".to_string(), sanitize);
        let model = n.model.as_deref().map_or(String::new(), |m| format!(" {}", sanitize(m)));
        lines.push(Line::from(vec![
            Span::styled(" nic  ", theme.dim()),
            Span::raw(format!(
                "{} {} {} -> {target}{model}",
                sanitize(&n.mac),
                sanitize(&n.kind),
                sanitize(&n.source)
            )),
        ]));
    }
    lines
}

/// Facts, disks, NICs and the guest's recent events.
pub fn render_detail(g: Option<&Guest>, guests: &Guests, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::new().borders(Borders::TOP).border_set(theme.glyphs.border).title(" Detail ");
    let Some(g) = g else {
        frame.render_widget(
            Paragraph::new(Line::styled(" no guest selected", theme.dim())).block(block),
            area,
        );
        return;
    };
    let mut lines = facts(g, theme);
    lines.extend(devices(g, theme));
    let events: Vec<Line> =
        guests.events_of(&g.uri, &g.name).take(DETAIL_EVENTS).map(|e| event_line(e, false, theme)).collect();
    if events.is_empty() {
        lines.push(Line::styled(" no lifecycle events seen since start", theme.dim()));
    } else {
        lines.push(Line::styled(" recent events:", theme.dim()));
        lines.extend(events);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The newest lifecycle events of every guest.
pub fn render_feed(guests: &Guests, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block =
        Block::new().borders(Borders::TOP).border_set(theme.glyphs.border).title(" Lifecycle events ");
    let rows = area.height.saturating_sub(1) as usize;
    let mut lines: Vec<Line> =
        guests.events.iter().rev().take(rows).map(|e| event_line(e, true, theme)).collect();
    if lines.is_empty() {
        lines.push(Line::styled(" none since start", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_is_utc_time_of_day() {
        assert_eq!(super::clock(86_400 * 3 + 3600 * 14 + 3 * 60 + 7), "14:03:07");
    }
}
