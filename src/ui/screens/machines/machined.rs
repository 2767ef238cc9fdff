//! The detail pane of a systemd-machined guest: class, unit, root, addresses, leader, and the
//! newest lines of its linked journal.

use super::table::state_style;
use crate::model::guests::{Guest, state_text};
use crate::ui::fmt::{self, sanitize};
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

fn or_dash(s: &str) -> String {
    if s.is_empty() { "-".to_string() } else { sanitize(s) }
}

pub fn facts<'a>(g: &Guest, now: i64, theme: &Theme) -> Vec<Line<'a>> {
    let Some(m) = g.machined.as_deref() else { return Vec::new() };
    let leader = m.leader.map_or("-".to_string(), |p| p.to_string());
    let up = g.uptime_at(now).filter(|_| g.state.is_active()).map_or("--".to_string(), fmt::duration);
    let cpu = match g.cpu_percent {
        Some(p) => format!("{p:.1}%"),
        None if !m.cpu_note.is_empty() => format!("-- ({})", sanitize(&m.cpu_note)),
        None => "--".to_string(),
    };
    let memory = match m.memory {
        Some(b) => format!("{} ({})", fmt::bytes(b), sanitize(&m.memory_note)),
        None => format!("-- ({})", sanitize(&m.memory_note)),
    };
    let ifaces: Vec<String> = g.nics.iter().filter_map(|n| n.target.as_deref()).map(sanitize).collect();
    let service =
        if m.service.is_empty() { String::new() } else { format!("  service {}", sanitize(&m.service)) };
    let running = if m.leader.is_none() && !m.configured.is_empty() {
        // Configured, not running: no leader, uptime, CPU or memory to show.
        "  not running".to_string()
    } else {
        format!("  leader {leader}  up {up}  CPU {cpu}  memory {memory}")
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", sanitize(&g.name)), theme.title()),
            Span::styled(sanitize(&state_text(g)), state_style(theme, g.state)),
            Span::raw(format!("  {}{service}  {}", sanitize(&m.class), sanitize(&m.machine_id))),
        ]),
        Line::raw(format!(" unit {}{running}", or_dash(&m.unit))),
        Line::raw(format!(
            " root {}  IP {}  host side {}",
            or_dash(&m.root),
            if g.ips.is_empty() { "-".to_string() } else { sanitize(&g.ips.join(" ")) },
            if ifaces.is_empty() { "-".to_string() } else { ifaces.join(" ") },
        )),
    ];
    if !m.configured.is_empty() {
        let auto = if g.autostart { "  autostart" } else { "" };
        lines.push(Line::raw(format!(" configured in {}{auto}", sanitize(&m.configured))));
    }
    if m.journal.is_empty() {
        lines.push(Line::styled(format!(" journal: {}", or_dash(&m.journal_note)), theme.dim()));
    } else {
        lines.push(Line::styled(" journal:", theme.dim()));
        lines.extend(m.journal.iter().map(|l| Line::raw(format!("  {}", sanitize(l)))));
    }
    lines
}
