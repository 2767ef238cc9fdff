//! F2's panels as lines: CPU, memory, disks, network, and the cluster and VM summary.

use crate::model::Model;
use crate::ui::fmt::{bytes, bytes_pair, sanitize};
use crate::ui::theme::{Glyphs, Theme};
use crate::ui::widgets::bar::{bar, sparkline};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::collections::VecDeque;

fn rate(v: f64) -> String {
    format!("{}/s", bytes(v.max(0.0) as u64))
}

fn level_style(model: &Model, theme: &Theme, pct: f64, crit: u8) -> Style {
    theme.level(model.thresholds.level(pct, crit))
}

/// `label [bar] 45.2% detail`, the bar `bar_w` cells wide.
fn gauge<'a>(
    label: &str,
    pct: Option<f64>,
    style: Style,
    bar_w: usize,
    detail: String,
    theme: &Theme,
) -> Line<'a> {
    let (text, style) = match pct {
        Some(p) => (format!("{p:5.1}%"), style),
        None => ("   --".to_string(), theme.dim()),
    };
    Line::from(vec![
        Span::raw(format!(" {label:<5}")),
        Span::styled(bar(pct.unwrap_or(0.0), bar_w, &theme.glyphs), style),
        Span::styled(format!(" {text} "), style),
        Span::raw(detail),
    ])
}

/// The history series a panel can end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    Cpu,
    Memory,
    Disk,
    Network,
}

/// A panel's history as a sparkline row, `width` cells wide (the compact layout's graph).
pub fn history<'a>(which: History, model: &Model, theme: &Theme, width: usize) -> Line<'a> {
    let h = &model.history;
    let sum =
        |a: &VecDeque<f64>, b: &VecDeque<f64>| a.iter().zip(b).map(|(x, y)| x + y).collect::<Vec<f64>>();
    let (values, max): (Vec<f64>, Option<f64>) = match which {
        History::Cpu => (h.cpu.iter().copied().collect(), Some(100.0)),
        History::Memory => (h.mem_used.iter().copied().collect(), Some(100.0)),
        History::Disk => (sum(&h.disk_read, &h.disk_write), None),
        History::Network => {
            let link = super::graphs::busiest_links(model).first().and_then(|n| h.links.get(*n));
            (link.map(|l| sum(&l.rx, &l.tx)).unwrap_or_default(), None)
        }
    };
    let values: Vec<f64> = values.into_iter().skip_while(|v| !v.is_finite()).collect();
    // The Linux console's font has no eighth blocks: shades there.
    let glyphs = if theme.basic && !theme.glyphs.ascii {
        Glyphs { spark: &['░', '▒', '▓', '█'], ..theme.glyphs }
    } else {
        theme.glyphs
    };
    Line::from(vec![
        Span::styled(" hist ", theme.dim()),
        Span::styled(sparkline(&values, width.saturating_sub(7), max, &glyphs), theme.title()),
    ])
}

pub fn bar_width(width: usize) -> usize {
    width.saturating_sub(46).clamp(8, 40)
}

pub fn cpu<'a>(model: &Model, theme: &Theme, width: usize, core_rows: usize) -> Vec<Line<'a>> {
    let h = &model.host;
    let pct = h.cpu.usage_percent;
    let style = level_style(model, theme, pct.unwrap_or(0.0), model.thresholds.cpu_percent);
    let detail = match h.cpu.breakdown {
        Some(b) => format!("usr {:.0} sys {:.0} io {:.0} st {:.0}", b.user, b.system, b.iowait, b.steal),
        None => String::new(),
    };
    let mut lines = vec![
        gauge("CPU", pct, style, bar_width(width), detail, theme),
        Line::from(format!(
            " {:<5}{} cores{}  load {:.2} {:.2} {:.2}  {}",
            "",
            h.cpu.cores,
            if h.cpu.frequency_mhz > 0 {
                format!(" @ {:.1} GHz", h.cpu.frequency_mhz as f64 / 1000.0)
            } else {
                String::new()
            },
            h.load[0],
            h.load[1],
            h.load[2],
            sanitize(&h.cpu.model),
        )),
    ];
    lines.extend(cores(model, theme, width, core_rows));
    lines
}

/// Per-core bars while they fit, else one shaded cell per core (128 cores fit at 80x24).
fn cores<'a>(model: &Model, theme: &Theme, width: usize, rows: usize) -> Vec<Line<'a>> {
    let per = &model.host.cpu.per_core_percent;
    if per.is_empty() || rows == 0 {
        return Vec::new();
    }
    const CELL: usize = 13; // " 12 #####  99"
    let cols = (width.saturating_sub(1) / CELL).max(1);
    if per.len().div_ceil(cols) <= rows {
        let n = per.len().div_ceil(cols);
        return (0..n)
            .map(|r| {
                let mut spans = vec![Span::raw(" ")];
                for i in (0..cols).map(|c| c * n + r).filter(|i| *i < per.len()) {
                    let p = per[i];
                    spans.push(Span::raw(format!("{i:>3} ")));
                    spans.push(Span::styled(
                        bar(p, 5, &theme.glyphs),
                        level_style(model, theme, p, model.thresholds.cpu_percent),
                    ));
                    spans.push(Span::raw(format!("{p:>4.0}")));
                }
                Line::from(spans)
            })
            .collect();
    }
    let per_row = width.saturating_sub(7).max(8);
    per.chunks(per_row)
        .take(rows)
        .enumerate()
        .map(|(r, chunk)| {
            let mut spans = vec![Span::styled(format!(" {:>4} ", r * per_row), theme.dim())];
            spans.extend(chunk.iter().map(|p| {
                let cell = heat_cell(*p, theme);
                Span::styled(cell, level_style(model, theme, *p, model.thresholds.cpu_percent))
            }));
            Line::from(spans)
        })
        .collect()
}

/// One core as one cell: its level as a glyph (and, by the caller, a colour). The Linux
/// console's font has no eighth blocks: shades there.
fn heat_cell(p: f64, theme: &Theme) -> String {
    const SHADES: [char; 4] = ['░', '▒', '▓', '█'];
    if theme.basic && !theme.glyphs.ascii {
        let i = ((p.clamp(0.0, 100.0) / 100.0) * 3.0).round() as usize;
        return SHADES[i.min(3)].to_string();
    }
    sparkline(&[p], 1, Some(100.0), &theme.glyphs)
}

pub fn memory<'a>(model: &Model, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let m = &model.host.memory;
    let bw = bar_width(width);
    let pct = (m.total_bytes > 0).then(|| m.used_percent());
    let style = level_style(model, theme, pct.unwrap_or(0.0), model.thresholds.memory_percent);
    let detail = format!(
        "{} avail {} cache {} buf {}",
        bytes_pair(m.used_bytes, m.total_bytes),
        bytes(m.available_bytes),
        bytes(m.cached_bytes),
        bytes(m.buffers_bytes)
    );
    let swap_pct =
        (m.swap_total_bytes > 0).then(|| m.swap_used_bytes as f64 * 100.0 / m.swap_total_bytes as f64);
    let swap_style = level_style(model, theme, swap_pct.unwrap_or(0.0), model.thresholds.swap_percent);
    let mut swap_detail = bytes_pair(m.swap_used_bytes, m.swap_total_bytes);
    if m.hugepages_total > 0 {
        let used = m.hugepages_total.saturating_sub(m.hugepages_free);
        swap_detail += &format!(
            "  huge {used}/{} x {} ({} used)",
            m.hugepages_total,
            bytes(m.hugepage_size_bytes),
            bytes(used * m.hugepage_size_bytes)
        );
    }
    vec![
        gauge("Mem", pct, style, bw, detail, theme),
        gauge("Swap", swap_pct, swap_style, bw, swap_detail, theme),
    ]
}

pub fn disks<'a>(model: &Model, theme: &Theme, width: usize, max_rows: usize) -> Vec<Line<'a>> {
    let h = &model.host;
    let bw = bar_width(width).min(20);
    let name_w = width.saturating_sub(bw + 24).clamp(8, 40);
    let mut lines: Vec<Line> = h
        .disks
        .iter()
        .take(max_rows.saturating_sub(2).max(1))
        .map(|d| {
            let p = d.used_percent();
            let style = level_style(model, theme, p, model.thresholds.disk_percent);
            let mut name = sanitize(&d.mount);
            if name.chars().count() > name_w {
                name = format!(
                    "~{}",
                    name.chars()
                        .rev()
                        .take(name_w - 1)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect::<String>()
                );
            }
            Line::from(vec![
                Span::raw(format!(" {name:<name_w$} ")),
                Span::styled(bar(p, bw, &theme.glyphs), style),
                Span::styled(format!(" {p:3.0}% "), style),
                Span::raw(bytes_pair(d.used_bytes, d.total_bytes)),
            ])
        })
        .collect();
    let (r, w, ri, wi) = h.disk_io.iter().fold((0.0, 0.0, 0.0, 0.0), |a, d| {
        (a.0 + d.read_bytes_per_s, a.1 + d.write_bytes_per_s, a.2 + d.read_iops, a.3 + d.write_iops)
    });
    let io = if h.disk_io.is_empty() {
        " I/O  --".to_string()
    } else {
        format!(
            " I/O  read {} write {}  {:.0}/{:.0} IOPS  ({} devices)",
            rate(r),
            rate(w),
            ri,
            wi,
            h.disk_io.len()
        )
    };
    lines.push(Line::from(io));
    lines
}

/// F2's order of interfaces: the busiest first; among equally busy ones (a quiet host: all
/// at 0 B/s) those that are up, then those that carry a default route, then by name, so an
/// idle uplink comes before a row of down taps and a small panel shows what matters.
fn net_order(model: &Model, nets: &mut [&crate::model::host::NetRate]) {
    let net = &model.network;
    let uplinks: Vec<u32> = net.default_routes().iter().filter_map(|r| r.oif).collect();
    let by_name: std::collections::HashMap<&str, &crate::model::network::Link> =
        net.links.values().map(|l| (l.name.as_str(), l)).collect();
    let rank = |n: &crate::model::host::NetRate| {
        let link = by_name.get(n.iface.as_str());
        let up = link.is_some_and(|l| l.is_up());
        let uplink = link.is_some_and(|l| uplinks.contains(&l.index));
        (std::cmp::Reverse(up), std::cmp::Reverse(uplink))
    };
    nets.sort_by(|a, b| {
        let busy = |n: &crate::model::host::NetRate| n.rx_bytes_per_s + n.tx_bytes_per_s;
        busy(b).total_cmp(&busy(a)).then_with(|| rank(a).cmp(&rank(b))).then_with(|| a.iface.cmp(&b.iface))
    });
}

pub fn network<'a>(model: &Model, max_rows: usize) -> Vec<Line<'a>> {
    let h = &model.host;
    let mut nets: Vec<_> = h.net_io.iter().filter(|n| n.iface != "lo").collect();
    net_order(model, &mut nets);
    let mut lines: Vec<Line> = nets
        .iter()
        .take(max_rows.saturating_sub(2).max(1))
        .map(|n| {
            Line::from(format!(
                " {:<14} RX {:>9}  TX {:>9}",
                sanitize(&n.iface),
                rate(n.rx_bytes_per_s),
                rate(n.tx_bytes_per_s)
            ))
        })
        .collect();
    lines.push(Line::from(match &h.tcp {
        Some(counts) => {
            let tcp = |k: &str| counts.get(k).copied().unwrap_or(0);
            format!(
                " TCP  {} established  {} listening  {} time-wait  ({} in all)",
                tcp("ESTABLISHED"),
                tcp("LISTEN"),
                tcp("TIME_WAIT"),
                counts.values().sum::<u64>()
            )
        }
        None => " TCP  ? (not countable: no sock_diag, /proc/net/tcp unreadable)".to_string(),
    }));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::host::NetRate;
    use crate::model::network::{Link, NetState, NetUpdate, Route};

    fn rate(iface: &str, bps: f64) -> NetRate {
        NetRate { iface: iface.into(), rx_bytes_per_s: bps, tx_bytes_per_s: 0.0 }
    }

    fn link(index: u32, name: &str, operstate: &str) -> Link {
        Link { index, name: name.into(), operstate: operstate.into(), ..Link::default() }
    }

    fn shown(model: &Model, rows: usize) -> Vec<String> {
        let lines = network(model, rows + 2);
        lines[..lines.len() - 1]
            .iter()
            .map(|l| l.to_string().split_whitespace().next().unwrap().into())
            .collect()
    }

    /// A quiet host: every interface at 0 B/s. The uplink (up, default route) comes first,
    /// then other up links, the down ones last; traffic still comes before all of that.
    #[test]
    fn an_idle_uplink_comes_before_down_taps() {
        let mut m = Model::default();
        m.host.net_io = vec![rate("ifb0", 0.0), rate("ifb1", 0.0), rate("br0", 0.0), rate("eth0", 0.0)];
        let state = NetState {
            links: vec![
                link(2, "eth0", "UP"),
                link(3, "ifb0", "DOWN"),
                link(4, "ifb1", "DOWN"),
                link(5, "br0", "UP"),
            ],
            routes: vec![Route { family: 2, dst: None, gateway: None, oif: Some(2), metric: 0 }],
            ..NetState::default()
        };
        m.network.apply(NetUpdate::Full(Box::new(state)));
        assert_eq!(shown(&m, 4), ["eth0", "br0", "ifb0", "ifb1"]);
        m.host.net_io[1].rx_bytes_per_s = 10.0;
        assert_eq!(shown(&m, 2), ["ifb1", "eth0"]);
    }
}
