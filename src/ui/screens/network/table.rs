//! Every link, one row each, as a tree (a bridge or bond followed by its ports), scrollable
//! and filtered by name.

type GuestPorts<'g> = std::collections::HashMap<&'g str, &'g str>;

use super::addr_list;
use crate::model::network::{Link, Network, tree};
use crate::ui::fmt::{bytes, sanitize};
use crate::ui::theme::Theme;
use crate::ui::widgets::line_edit;
use crate::view::NetView;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// From this width on the list shows MAC, speed and totals too.
const WIDE: usize = 140;

/// The rows after the filter: (depth, is last sibling, link).
fn rows<'a>(net: &'a Network, filter: &str) -> Vec<(usize, bool, &'a Link)> {
    let all = tree(net);
    let last: Vec<bool> = (0..all.len())
        .map(|i| {
            let d = all[i].0;
            all[i + 1..].iter().find(|(e, _)| *e <= d).is_none_or(|(e, _)| *e < d)
        })
        .collect();
    let needle = filter.to_lowercase();
    all.into_iter()
        .zip(last)
        .filter(|((_, l), _)| needle.is_empty() || l.name.to_lowercase().contains(&needle))
        // A filtered list is flat: a port without its bridge above it would mislead.
        .map(|((d, l), last)| if needle.is_empty() { (d, last, l) } else { (0, last, l) })
        .collect()
}

/// `guests` maps a host device (`vnet3`) to the guest it belongs to (from libvirt).
pub fn render(
    net: &Network,
    guests: &GuestPorts,
    view: &NetView,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    if area.height == 0 {
        return;
    }
    let width = area.width as usize;
    let rows = rows(net, view.filter.text());
    let visible = (area.height as usize).saturating_sub(2);
    let first = view.first_row(rows.len(), visible);
    let shown = rows.iter().skip(first).take(visible);
    let mut lines = vec![title(rows.len(), first, visible, view, theme), header(width, theme)];
    lines.extend(shown.map(|(d, last, l)| row(net, guests, *d, *last, l, width, theme)));
    frame.render_widget(Paragraph::new(lines), area);
}

fn title<'a>(n: usize, first: usize, visible: usize, view: &NetView, theme: &Theme) -> Line<'a> {
    let range = if n == 0 {
        "none".to_string()
    } else {
        format!("{}-{} of {n}", first + 1, (first + visible).min(n))
    };
    let mut spans = vec![Span::styled(" Links ", theme.title()), Span::raw(range)];
    if view.editing || !view.filter.is_empty() {
        spans.push(Span::styled("   filter: ", theme.warn()));
        spans.extend(line_edit::spans(&view.filter, view.editing, theme.warn(), 34));
    }
    Line::from(spans)
}

fn header<'a>(width: usize, theme: &Theme) -> Line<'a> {
    let text = if width >= WIDE {
        format!(
            " {:<24}{:<12}{:<9}{:>6}  {:<18}{:>8}{:>9}{:>9}{:>8}{:>8}  ADDRESSES",
            "NAME", "KIND", "STATE", "MTU", "MAC", "SPEED", "RX/s", "TX/s", "RX", "TX"
        )
    } else {
        format!(
            " {:<18}{:<11}{:<8}{:>5}{:>8}{:>8}  ADDRESSES",
            "NAME", "KIND", "STATE", "MTU", "RX/s", "TX/s"
        )
    };
    Line::styled(fit(&text, width), theme.dim())
}

fn row<'a>(
    net: &Network,
    guests: &GuestPorts,
    depth: usize,
    last: bool,
    l: &Link,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let (mid, end) = if theme.glyphs.ascii { ("|- ", "`- ") } else { ("├─ ", "└─ ") };
    let branch = if depth == 0 {
        String::new()
    } else {
        format!("{}{}", "   ".repeat(depth - 1), if last { end } else { mid })
    };
    let vm = match guests.get(l.name.as_str()) {
        Some(guest) => format!(" [{}]", sanitize(guest)),
        None if l.is_vm_port() => " vm".to_string(),
        None => String::new(),
    };
    let wide = width >= WIDE;
    let name_w = if wide { 24 } else { 18 };
    let name = fit(&format!("{branch}{}{vm}", sanitize(&l.name)), name_w - 1);
    let kind = l.kind.as_ref().map_or("?".to_string(), |k| k.to_string());
    let rate = |r: Option<f64>| r.map_or("--".to_string(), |r| format!("{}/s", bytes(r as u64)));
    let state_style: Style = if l.is_up() && l.carrier != Some(false) { theme.ok() } else { theme.warn() };
    let state = if l.carrier == Some(false) && l.operstate == "UP" { "NO-CARRIER" } else { &l.operstate };
    let st = l.stats.unwrap_or_default();
    let mut spans = vec![
        Span::raw(format!(" {name:<w$} ", w = name_w - 1)),
        Span::raw(format!("{:<w$}", fit(&kind, if wide { 11 } else { 10 }), w = if wide { 12 } else { 11 })),
        Span::styled(
            format!("{:<w$}", fit(state, if wide { 8 } else { 7 }), w = if wide { 9 } else { 8 }),
            state_style,
        ),
        Span::raw(format!("{:>w$}", l.mtu, w = if wide { 6 } else { 5 })),
    ];
    if wide {
        let speed = l.speed_mbps.map_or("--".to_string(), |s| format!("{s}M"));
        spans.push(Span::raw(format!("  {:<18}{speed:>8}", l.mac.as_deref().unwrap_or("--"))));
        spans.push(Span::raw(format!("{:>9}{:>9}", rate(l.rx_rate), rate(l.tx_rate))));
        spans.push(Span::raw(format!("{:>8}{:>8}", bytes(st.rx_bytes), bytes(st.tx_bytes))));
    } else {
        spans.push(Span::raw(format!("{:>8}{:>8}", rate(l.rx_rate), rate(l.tx_rate))));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let addrs = addr_list(net, l);
    spans.push(Span::raw(fit(&format!("  {addrs}"), width.saturating_sub(used))));
    Line::from(spans)
}

/// At most `w` characters, cut with "~" when longer.
fn fit(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
    if w > 0 {
        out.push('~');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_cuts_with_a_mark() {
        assert_eq!(fit("bridge0", 10), "bridge0");
        assert_eq!(fit("verylongname", 5), "very~");
        assert_eq!(fit("x", 0), "");
    }
}
