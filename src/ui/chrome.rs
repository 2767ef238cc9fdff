//! The header and footer every screen shares.

use super::fmt;
use super::theme::Theme;
use crate::event::{Action, Health, Screen, SourceId};
use crate::keymap;
use crate::model::Model;
use crate::view::View;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Sources whose health word the header shows (procfs and netlink speak through alerts).
const HEADER_SOURCES: [SourceId; 4] =
    [SourceId::Journal, SourceId::Kubernetes, SourceId::Kubevirt, SourceId::Libvirt];

pub fn health_style(theme: &Theme, h: &Health) -> Style {
    match h {
        Health::Ok(_) => theme.ok(),
        Health::Error(_) => theme.crit(),
        Health::Unavailable(_) => theme.warn(),
        Health::Starting | Health::Disabled(_) => theme.dim(),
    }
}

/// How much the header says: the longest form that fits the width wins.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Wide,
    Compact,
    Tight,
    /// Tight without the load average (F2 shows it): long health words still fit 80 columns.
    Minimal,
}

/// Host facts for the header.
fn host_parts(model: &Model, detail: Detail) -> Vec<String> {
    let h = &model.host;
    if h.hostname.is_empty() {
        return vec!["waiting for /proc".into()];
    }
    let cpu = h.cpu.usage_percent.map_or("--".to_string(), |p| format!("{p:.0}%"));
    let mem = fmt::bytes_pair(h.memory.used_bytes, h.memory.total_bytes);
    let mut parts = vec![fmt::sanitize(&h.hostname)];
    if !matches!(detail, Detail::Tight | Detail::Minimal) {
        parts.push(format!("up {}", fmt::duration(h.uptime_s)));
    }
    parts.push(format!("CPU {cpu}"));
    parts.push(format!("mem {mem}"));
    match detail {
        Detail::Wide => parts.push(format!("load {:.2} {:.2} {:.2}", h.load[0], h.load[1], h.load[2])),
        Detail::Minimal => {}
        _ => parts.push(format!("load {:.2}", h.load[0])),
    }
    parts
}

fn header_line<'a>(model: &Model, view: &View, theme: &Theme, detail: Detail) -> Line<'a> {
    let sep = match detail {
        Detail::Wide => format!(" {} ", theme.glyphs.sep),
        _ => " ".to_string(),
    };
    let badge = view.actions.badge(model.now_unix());
    let style =
        if badge == "[RO]" { Style::new() } else { theme.warn().bg(theme.header().bg.unwrap_or_default()) };
    let mut spans = vec![Span::raw(" "), Span::styled(badge, style), Span::raw(" ")];
    if model.demo {
        // Made-up data must never pass for a host's.
        spans.push(Span::styled("DEMO", theme.crit()));
        spans.push(Span::raw(" "));
    }
    for (i, p) in host_parts(model, detail).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(sep.clone()));
        }
        spans.push(Span::raw(p));
    }
    if detail != Detail::Wide {
        spans.push(Span::raw(format!(" {} ", theme.glyphs.sep)));
    }
    for (i, id) in HEADER_SOURCES.into_iter().enumerate() {
        let h = model.health(id);
        let label = match detail {
            Detail::Wide => format!("{} ", id.label()),
            _ => format!("{}:", short_label(id)),
        };
        if detail == Detail::Wide || i > 0 {
            spans.push(Span::raw(sep.clone()));
        }
        spans.push(Span::raw(label));
        let bg = theme.header().bg.unwrap_or_default();
        if model.stale_since(id).is_some() {
            spans.push(Span::styled("stale", theme.warn().bg(bg)));
        } else {
            spans.push(Span::styled(header_word(h), health_style(theme, h).bg(bg)));
        }
    }
    Line::from(spans)
}

/// The health word, except that a source left out of the build says so: "off" would read
/// as switched off in the config.
fn header_word(h: &Health) -> &'static str {
    match h {
        Health::Disabled(r) if r.starts_with("not built in") => "not built",
        _ => h.word(),
    }
}

fn short_label(id: SourceId) -> &'static str {
    match id {
        SourceId::Journal => "jrnl",
        SourceId::Kubernetes => "k8s",
        SourceId::Kubevirt => "kv",
        SourceId::Libvirt => "virt",
        other => other.key(),
    }
}

pub fn render_header(model: &Model, view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    let line = [Detail::Wide, Detail::Compact, Detail::Tight, Detail::Minimal]
        .into_iter()
        .map(|d| header_line(model, view, theme, d))
        .find(|l| l.width() <= area.width as usize)
        .unwrap_or_else(|| header_line(model, view, theme, Detail::Minimal));
    frame.render_widget(Paragraph::new(line).style(theme.header()), area);
}

/// From this width every tab shows its screen's name.
const WIDE_FOOTER: u16 = 110;

pub fn render_footer(view: &View, theme: &Theme, frame: &mut Frame, area: Rect) {
    // On narrow terminals the tabs are packed closer, to leave room for the hints.
    let narrow = area.width < WIDE_FOOTER;
    let mut spans = vec![Span::raw(if narrow { " " } else { "" })];
    for s in Screen::ALL {
        let label = if narrow {
            format!("F{} {}", s.index() + 1, s.title())
        } else {
            format!(" F{} {} ", s.index() + 1, s.title())
        };
        if narrow && s.index() > 0 {
            spans.push(Span::raw(" "));
        }
        let style = if s == view.screen { theme.tab_active() } else { Style::new() };
        spans.push(Span::styled(label, style));
    }
    spans.push(Span::raw(format!(" {} ", theme.glyphs.sep)));
    if !view.actions.enabled {
        spans.push(Span::styled("read-only", theme.dim()));
        spans.push(Span::raw("  "));
    }
    if let Some(msg) = &view.status {
        // Status lines carry names and actiond's answers: never raw to the terminal.
        spans.push(Span::styled(super::fmt::sanitize(msg), theme.warn()));
    } else {
        let hints = keymap::bindings_for(view.screen)
            .filter(|b| view.allow_quit || b.action != Action::Quit)
            .filter_map(|b| Some((b.keys.first()?, b.hint?)));
        // Whole hints only, as many as fit; `?` lists the rest.
        let mut used: usize = spans.iter().map(Span::width).sum();
        for (key, hint) in hints {
            let (k, h) = (key.label(), format!(" {hint}  "));
            used += k.len() + h.len();
            if used > area.width as usize + 2 {
                break;
            }
            spans.push(Span::styled(k, theme.key()));
            spans.push(Span::raw(h));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
