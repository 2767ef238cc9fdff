//! F4 Machines: every guest in one table (sort, filter, detail pane, lifecycle feed).

pub mod detail;
mod machined;
pub mod table;

use super::{body_block, source_lines};
use crate::event::{Health, SourceId};
use crate::model::Model;
use crate::model::cluster::objects::Kind;
use crate::model::freshness::kind_source;
use crate::model::guests::Guest;
use crate::timefmt;
use crate::ui::fmt::sanitize;
use crate::ui::theme::Theme;
use crate::ui::widgets::{fit, line_edit};
use crate::view::MachinesView;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows the status line may wrap onto when sources are down (their causes are long).
const STATUS_ROWS: u16 = 3;

pub fn render(model: &Model, view: &MachinesView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = body_block("Machines", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let rows = view.rows(&model.guests, model.now_unix());
    let pane = pane_height(inner.height, view.detail);
    // The counts, and every source that is down with why: wrapped, a few rows at most.
    let status_rows = STATUS_ROWS.min(inner.height.saturating_sub(pane) / 4).max(1);
    let status_lines = fit::wrap_max(
        status_line(model, view, rows.len(), theme),
        inner.width as usize,
        1,
        status_rows as usize,
        theme.glyphs.ascii,
    );
    let [status, list, bottom] = Layout::vertical([
        Constraint::Length(status_lines.len() as u16),
        Constraint::Fill(1),
        Constraint::Length(pane),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(status_lines), status);
    if model.guests.is_empty() {
        render_empty(model, theme, frame, list);
    } else {
        let now = model.now_unix();
        let stale = |g: &Guest| stale_since(model, g, now);
        table::render(&rows, view, (theme, now), &stale, frame, list);
    }
    if view.detail {
        let selected = rows.get(view.selected_index(&rows)).copied();
        detail::render_detail(selected, model, theme, frame, bottom);
    } else if pane > 0 {
        detail::render_feed(model, theme, frame, bottom);
    }
}

/// When the source of `g`'s row last confirmed it, if that is past the stale bound: its
/// libvirt URI, or for a KubeVirt guest the older of its VM and VMI kinds.
fn stale_since(model: &Model, g: &Guest, now: i64) -> Option<i64> {
    let f = &model.freshness;
    if g.machined.is_some() {
        // machined's rows go when it stops answering (MachinesLost): never stale ones.
        return None;
    }
    if g.kubevirt.is_none() {
        return f.part_stale_since(SourceId::Libvirt, &g.uri, now);
    }
    [Kind::Vm, Kind::Vmi].iter().filter_map(|k| f.part_stale_since(kind_source(*k), k.plural(), now)).min()
}

/// Rows for the bottom pane: the detail pane takes up to half; the event feed a quarter
/// on tall screens, three events on an 80x24 console, none below.
fn pane_height(inner: u16, detail: bool) -> u16 {
    match (detail, inner) {
        (true, h) => (h / 2).clamp(h.min(3), 16),
        (false, h) if h >= 20 => (h / 4).min(10),
        (false, h) if h >= 12 => 4,
        _ => 0,
    }
}

fn status_line<'a>(model: &Model, view: &MachinesView, shown: usize, theme: &Theme) -> Line<'a> {
    let counts = guest_counts(model, shown);
    let arrow = if view.descending { "v" } else { "^" };
    let mut spans =
        vec![Span::raw(counts), Span::styled(format!("  sort {}{arrow}", view.sort.label()), theme.dim())];
    if view.editing || !view.filter.is_empty() {
        spans.push(Span::raw("  filter: "));
        spans.extend(line_edit::spans(&view.filter, view.editing, theme.key(), 40));
    }
    let now = model.now_unix();
    for uri in model.guests.uris() {
        if let Some(since) = model.freshness.part_stale_since(SourceId::Libvirt, uri, now) {
            let age = timefmt::duration((now - since).max(0) as u64);
            let text = format!("  {} as of {} ({age} ago)", sanitize(uri), timefmt::clock(since));
            spans.push(Span::styled(text, theme.warn()));
        }
    }
    for (uri, why) in &model.guests.down {
        spans
            .push(Span::styled(format!("  {}: unavailable: {}", sanitize(uri), sanitize(why)), theme.warn()));
    }
    let kvh = model.health(SourceId::Kubevirt);
    if matches!(kvh, Health::Error(_)) {
        spans.push(Span::styled(format!("  kubevirt: {}", sanitize(kvh.reason())), theme.warn()));
    }
    // machined's rows go when it stops answering; say so (a host that never ran it says nothing).
    let mh = model.health(SourceId::Machined);
    if (model.guests.machined_lost && !mh.is_ok()) || matches!(mh, Health::Error(_)) {
        spans.push(Span::styled(format!("  machines not shown: {}", sanitize(mh.reason())), theme.warn()));
    }
    Line::from(spans)
}

/// " 12 guests (10 libvirt, 2 KubeVirt)", " 3 of 12 guests": never a number for what no
/// source answered (" ? guests", and "libvirt ?" beside KubeVirt's count).
fn guest_counts(model: &Model, shown: usize) -> String {
    let total = model.guests.len();
    let kv = model.guests.kubevirt().len();
    let machined = model.guests.machined().len();
    let virt = model.health(SourceId::Libvirt);
    // Switched off (or left out of the build): no libvirt guests were asked for.
    let virt_off = matches!(virt, Health::Disabled(_)) && total == kv + machined;
    let virt_known = virt.is_ok() || total > kv + machined || virt_off;
    let all = if virt_known { total.to_string() } else { "?".to_string() };
    let mut counts = match (shown == total, any_guest_source(model)) {
        (_, false) => " ? guests".to_string(),
        (true, true) => format!(" {all} guests"),
        (false, true) => format!(" {shown} of {all} guests"),
    };
    if machined > 0 {
        // Each source's count, libvirt's as its word when it has none to give.
        let mut parts = Vec::new();
        match (virt_known, virt_off) {
            (true, false) => parts.push(format!("{} libvirt", total - kv - machined)),
            (true, true) => parts.push(format!("libvirt {}", virt.word())),
            (false, _) => parts.push("libvirt ?".to_string()),
        }
        if kv > 0 {
            parts.push(format!("{kv} KubeVirt"));
        }
        parts.push(format!("{machined} machined"));
        return format!("{counts} ({})", parts.join(", "));
    }
    match (kv > 0, virt_known) {
        (true, true) if virt_off => counts += &format!(" ({kv} KubeVirt, libvirt {})", virt.word()),
        (true, true) => counts += &format!(" ({} libvirt, {kv} KubeVirt)", total - kv),
        (true, false) => counts += &format!(" ({kv} KubeVirt, libvirt ?)"),
        _ => {}
    }
    counts
}

/// Whether any source of guests answered: with none, "0 guests" would be a number for what
/// is unknown.
fn any_guest_source(model: &Model) -> bool {
    model.health(SourceId::Libvirt).is_ok()
        || !model.guests.is_empty()
        || model.cluster.is_known()
        || model.health(SourceId::Machined).is_ok()
}

fn render_empty(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let first = if any_guest_source(model) {
        " No guests to show."
    } else {
        " Guests unknown: no source of guests answers."
    };
    let mut lines = vec![Line::styled(first, theme.warn())];
    for id in [SourceId::Libvirt, SourceId::Kubevirt] {
        lines.extend(source_lines(model, id, theme, area.width));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The guest under the cursor, as F4 shows it.
pub fn selected<'a>(model: &'a Model, view: &MachinesView) -> Option<&'a Guest> {
    let rows = view.rows(&model.guests, model.now_unix());
    rows.get(view.selected_index(&rows)).copied()
}
