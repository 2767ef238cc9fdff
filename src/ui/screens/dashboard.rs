//! F2 Dashboard: CPU and memory from the /proc collector; disks, network,
//! Kubernetes and VM panels come with their collectors.

use super::{body_block, source_line};
use crate::event::SourceId;
use crate::model::Model;
use crate::ui::fmt;
use crate::ui::theme::Theme;
use crate::ui::widgets::bar::bar;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Fixed thresholds until the dashboard issue wires `[alerts]` through.
const WARN: f64 = 80.0;
const CRIT: f64 = 90.0;

fn level(p: f64) -> u8 {
    u8::from(p >= WARN) + u8::from(p >= CRIT)
}

fn gauge_line<'a>(
    label: &str,
    percent: Option<f64>,
    detail: String,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let bar_w = width.saturating_sub(label.len() + 10 + 36).min(50);
    let (text, style) = match percent {
        Some(p) => (format!("{p:5.1}%"), theme.level(level(p))),
        None => ("  --  ".to_string(), theme.dim()),
    };
    Line::from(vec![
        Span::raw(format!(" {label} ")),
        Span::styled(bar(percent.unwrap_or(0.0), bar_w, &theme.glyphs), style),
        Span::styled(format!(" {text} "), style),
        Span::raw(detail),
    ])
}

/// Per-core bars folded into as many columns as fit.
fn core_lines<'a>(per_core: &[f64], width: usize, rows: usize, theme: &Theme) -> Vec<Line<'a>> {
    const CELL: usize = 14; // "c127 ####  99"
    if per_core.is_empty() || rows == 0 {
        return Vec::new();
    }
    let cols = (width.saturating_sub(1) / CELL).max(1);
    let needed_rows = per_core.len().div_ceil(cols).min(rows);
    (0..needed_rows)
        .map(|r| {
            let mut spans = vec![Span::raw(" ")];
            for c in 0..cols {
                let i = c * needed_rows + r;
                let Some(p) = per_core.get(i) else { break };
                spans.push(Span::raw(format!("{i:>3} ")));
                spans.push(Span::styled(bar(*p, 5, &theme.glyphs), theme.level(level(*p))));
                spans.push(Span::raw(format!("{:>4.0} ", p)));
            }
            Line::from(spans)
        })
        .collect()
}

pub fn render(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let h = &model.host;
    let inner_w = area.width.saturating_sub(2) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let mem = &h.memory;
    let swap_pct =
        (mem.swap_total_bytes > 0).then(|| mem.swap_used_bytes as f64 * 100.0 / mem.swap_total_bytes as f64);
    let mut lines = vec![
        gauge_line(
            "CPU ",
            h.cpu.usage_percent,
            format!("{} cores  load {:.2} {:.2} {:.2}", h.cpu.cores, h.load[0], h.load[1], h.load[2]),
            inner_w,
            theme,
        ),
        gauge_line(
            "Mem ",
            (mem.total_bytes > 0).then(|| mem.used_percent()),
            format!(
                "{} used, {} avail",
                fmt::bytes_pair(mem.used_bytes, mem.total_bytes),
                fmt::bytes(mem.available_bytes)
            ),
            inner_w,
            theme,
        ),
        gauge_line(
            "Swap",
            swap_pct,
            fmt::bytes_pair(mem.swap_used_bytes, mem.swap_total_bytes),
            inner_w,
            theme,
        ),
    ];
    let footer = [
        Line::from(""),
        Line::styled(
            " Disks, network I/O, connections and the Kubernetes and VM panels follow here.",
            theme.dim(),
        ),
        source_line(model, SourceId::Procfs, theme),
    ];
    let core_rows = inner_h.saturating_sub(lines.len() + footer.len());
    lines.extend(core_lines(&h.cpu.per_core_percent, inner_w, core_rows, theme));
    lines.extend(footer);
    frame.render_widget(Paragraph::new(lines).block(body_block("Dashboard", theme)), area);
}
