//! The physical interfaces, each in a box, as in the design's mock-up.

use super::addr_list;
use crate::model::network::{Link, LinkKind, Network};
use crate::ui::fmt::{bytes, sanitize};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Rows one box takes: two borders and two lines.
const BOX_ROWS: u16 = 4;
/// Jumbo frames from this MTU on.
const JUMBO: u32 = 9000;

pub fn physical(net: &Network) -> Vec<&Link> {
    net.links.values().filter(|l| l.kind == Some(LinkKind::Physical)).collect()
}

/// Rows for the boxes: as many as fit in 40 % of `height`, leaving the list at least 6.
pub fn rows_for(n: usize, height: u16) -> u16 {
    let fit = (height * 2 / 5).min(height.saturating_sub(6)) / BOX_ROWS;
    (n as u16).min(fit) * BOX_ROWS
}

pub fn render(net: &Network, nics: &[&Link], theme: &Theme, frame: &mut Frame, area: Rect) {
    let n = (area.height / BOX_ROWS) as usize;
    let areas = Layout::vertical(vec![Constraint::Length(BOX_ROWS); n]).split(area);
    for (l, a) in nics.iter().zip(areas.iter()) {
        render_box(net, l, theme, frame, *a);
    }
}

fn render_box(net: &Network, l: &Link, theme: &Theme, frame: &mut Frame, area: Rect) {
    let state_style = if l.is_up() && l.carrier != Some(false) { theme.ok() } else { theme.crit() };
    let block = Block::bordered()
        .border_set(theme.glyphs.border)
        .title(Span::styled(format!(" {} ", sanitize(&l.name)), theme.title()));
    let addrs = addr_list(net, l);
    let gw = net
        .default_routes()
        .iter()
        .filter(|r| r.oif == Some(l.index))
        .filter_map(|r| r.gateway.map(|g| g.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let speed = match (l.speed_mbps, &l.duplex) {
        (Some(s), Some(d)) => format!("{} {d}", mbps(s)),
        (Some(s), None) => mbps(s),
        _ => "--".into(),
    };
    let st = l.stats.unwrap_or_default();
    let jumbo = if l.mtu >= JUMBO { " (jumbo)" } else { "" };
    let carrier = if l.carrier == Some(false) { " no carrier" } else { "" };
    let port = l
        .master
        .and_then(|m| net.name_of(m))
        .map(|m| format!("  port of {}", sanitize(m)))
        .unwrap_or_default();
    let lines = vec![
        Line::from(vec![
            Span::raw(format!("IP {}  ", if addrs.is_empty() { "--" } else { &addrs })),
            Span::styled(format!("{}{carrier}", l.operstate), state_style),
            Span::raw(format!("  Speed {speed}{port}")),
        ]),
        Line::from(vec![
            Span::raw(format!(
                "GW {}  RX {} TX {}{}  MTU {}{jumbo}",
                if gw.is_empty() { "--" } else { &gw },
                bytes(st.rx_bytes),
                bytes(st.tx_bytes),
                rates(l),
                l.mtu
            )),
            Span::styled(faults(l), theme.warn()),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// "  err 3/0 drop 12/1" (rx/tx) when any counter is non-zero.
fn faults(l: &Link) -> String {
    let st = l.stats.unwrap_or_default();
    if st.rx_errors + st.tx_errors + st.rx_dropped + st.tx_dropped == 0 {
        return String::new();
    }
    format!("  err {}/{} drop {}/{}", st.rx_errors, st.tx_errors, st.rx_dropped, st.tx_dropped)
}

fn mbps(s: u32) -> String {
    if s >= 1000 && s.is_multiple_of(1000) { format!("{} Gb/s", s / 1000) } else { format!("{s} Mb/s") }
}

/// " (1.2M/s in, 800K/s out)" once two samples exist.
pub fn rates(l: &Link) -> String {
    match (l.rx_rate, l.tx_rate) {
        (Some(r), Some(t)) => format!(" ({}/s in, {}/s out)", bytes(r as u64), bytes(t as u64)),
        _ => String::new(),
    }
}
