//! F3 Network: a management banner (where the host is reached, gateways, DNS), the physical
//! interfaces in boxes, then every link as a tree (bridge → ports), scrollable and filterable.

mod boxes;
mod kube;
mod table;

use super::{body_block, source_lines};
use crate::event::SourceId;
use crate::model::Model;
use crate::model::network::{Link, Network};
use crate::ui::fmt::sanitize;
use crate::ui::theme::Theme;
use crate::ui::widgets::fit;
use crate::view::NetView;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(model: &Model, view: &NetView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = body_block("Network", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let net = &model.network;
    if !net.loaded {
        frame
            .render_widget(Paragraph::new(source_lines(model, SourceId::Netlink, theme, inner.width)), inner);
        return;
    }
    let mut banner = banner_lines(net, theme);
    banner.extend(kube::lines(model, theme));
    // Each banner line may take a second row at most (addresses, CIDRs and where they come from).
    let banner: Vec<Line> = banner
        .into_iter()
        .flat_map(|l| fit::wrap_max(l, inner.width as usize, 1, 2, theme.glyphs.ascii))
        .collect();
    let nics = boxes::physical(net);
    let box_rows = boxes::rows_for(nics.len(), inner.height.saturating_sub(banner.len() as u16));
    let [top, mid, bottom] = Layout::vertical([
        Constraint::Length(banner.len() as u16),
        Constraint::Length(box_rows),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(banner), top);
    boxes::render(net, &nics, theme, frame, mid);
    table::render(net, &model.guests.by_target_dev(), view, theme, frame, bottom);
}

/// Addresses of a link as "a/p b/p", global ones first, link-local last.
pub fn addr_list(net: &Network, l: &Link) -> String {
    let mut v: Vec<_> = net.addrs_of(l.index).collect();
    v.sort_by_key(|a| (a.local_scope, a.addr.is_ipv6()));
    v.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(" ")
}

/// Management banner: the default-route link's addresses and the configured URLs; then
/// default gateways and DNS servers.
fn banner_lines<'a>(net: &Network, theme: &Theme) -> Vec<Line<'a>> {
    let reach = match net.default_link() {
        Some(l) => {
            let addrs: Vec<String> =
                net.addrs_of(l.index).filter(|a| !a.local_scope).map(|a| a.addr.to_string()).collect();
            let addrs = if addrs.is_empty() { "no address".to_string() } else { addrs.join("  ") };
            format!("{addrs} on {}", sanitize(&l.name))
        }
        None => "no default route".to_string(),
    };
    let mut first = vec![Span::styled(" Reach ", theme.title()), Span::raw(reach)];
    for u in &net.management_urls {
        first.push(Span::raw(format!("  {}  ", theme.glyphs.sep)));
        first.push(Span::raw(sanitize(u)));
    }
    let gws: Vec<String> = net
        .default_routes()
        .iter()
        .map(|r| {
            let dev = r.oif.and_then(|i| net.name_of(i)).map(sanitize).unwrap_or_default();
            match r.gateway {
                Some(g) => format!("v{} {g} ({dev})", r.family),
                None => format!("v{} dev {dev}", r.family),
            }
        })
        .collect();
    let gw = if gws.is_empty() { "none".to_string() } else { gws.join("  ") };
    let dns = if net.dns.is_empty() { "none".to_string() } else { sanitize(&net.dns.join(" ")) };
    let second = Line::from(vec![
        Span::styled(" Gateway ", theme.title()),
        Span::raw(gw),
        Span::styled("  DNS ", theme.title()),
        Span::raw(dns),
    ]);
    vec![Line::from(first), second]
}
