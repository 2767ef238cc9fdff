//! The guest table: only the rows that fit are built, so 10,000 guests cost what 20 do.

use crate::model::guests::{Guest, GuestState, state_text};
use crate::timefmt;
use crate::ui::fmt::{self, sanitize};
use crate::ui::theme::Theme;
use crate::view::{MachinesView, SortBy};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table};

/// Colour of a state: green fine, yellow attention, red trouble, dim when off.
pub fn state_style(theme: &Theme, s: GuestState) -> Style {
    match s.severity() {
        3 => theme.dim(),
        n => theme.level(n),
    }
}

/// First visible row so that `selected` is on screen.
pub fn scroll_offset(selected: usize, height: usize) -> usize {
    if height == 0 { 0 } else { selected.saturating_sub(height - 1) }
}

/// The state with its reason when there is room ("paused (I/O error)"), else a `!` mark;
/// KubeVirt's own word for its guests.
fn state_word(g: &Guest, wide: bool) -> String {
    match (wide, g.needs_alert()) {
        _ if g.kubevirt.is_some() || g.machined.is_some() => state_text(g),
        (true, _) => state_text(g),
        (false, true) => format!("{} !", g.state.label()),
        (false, false) => g.state.label().to_string(),
    }
}

/// Which optional columns the table has.
#[derive(Clone, Copy)]
struct Columns {
    /// IP (and wider bounds): a wide screen.
    wide: bool,
    /// NODE and MIGRATION: a wide screen with KubeVirt guests.
    kube: bool,
    /// AGE: a visible row comes from a source that stopped confirming.
    aged: bool,
}

fn header(view: &MachinesView, theme: &Theme, c: Columns) -> Row<'static> {
    let mut cols = vec![("NAME", Some(SortBy::Name)), ("STATE", Some(SortBy::State))];
    if c.aged {
        cols.push(("AGE", None));
    }
    cols.extend([
        ("VCPU", Some(SortBy::Vcpus)),
        ("MEMORY", Some(SortBy::Memory)),
        ("CPU%", Some(SortBy::Cpu)),
        ("UPTIME", Some(SortBy::Uptime)),
        ("SOURCE", Some(SortBy::Source)),
    ]);
    if c.kube {
        cols.extend([("NODE", None), ("MIGRATION", None)]);
    }
    if c.wide {
        cols.push(("IP", None));
    }
    let arrow = if view.descending { "v" } else { "^" };
    Row::new(cols.into_iter().map(|(name, by)| {
        let sorted = by == Some(view.sort);
        let text = if sorted { format!("{name}{arrow}") } else { name.to_string() };
        let style = if sorted { theme.title() } else { theme.title().remove_modifier(Modifier::BOLD) };
        Cell::from(Span::styled(text, style))
    }))
}

/// "hv1>hv2 Running 5/6 42s", "failed 3m ago": a KubeVirt guest's migration, if any.
pub fn migration_text(g: &Guest, now: i64) -> String {
    let Some(m) = g.kubevirt.as_ref().and_then(|k| k.migration.as_ref()) else { return String::new() };
    if m.in_progress {
        let step = m.step.map(|(i, n)| format!(" {i}/{n}")).unwrap_or_default();
        let src = if m.source_node.is_empty() { String::new() } else { format!("{}>", m.source_node) };
        let t = m.since_unix.map(|t| format!(" {}", timefmt::duration(now.saturating_sub(t).max(0) as u64)));
        format!("{src}{} {}{step}{}", m.target_node, m.phase, t.unwrap_or_default())
    } else {
        let t = m.since_unix.map(|t| format!(" {}", timefmt::ago(t, now))).unwrap_or_default();
        format!("{}{t}", if m.failed { "failed" } else { "done" })
    }
}

/// "libvirt URI" or "kv/namespace".
fn source_text(g: &Guest) -> String {
    if g.kubevirt.is_some() { format!("kv/{}", sanitize(&g.uri)) } else { sanitize(&g.uri) }
}

/// One guest's row; `stale_since` is when its source last confirmed it, if that is too long ago.
fn row<'a>(g: &Guest, theme: &Theme, c: Columns, now: i64, stale_since: Option<i64>) -> Row<'a> {
    let (wide, kube) = (c.wide, c.kube);
    let cpu = g.cpu_percent.map_or("--".to_string(), |p| format!("{p:.1}"));
    // Containers have no vCPUs, and machined does not know a VM's.
    let vcpus = if g.machined.is_some() { "-".to_string() } else { g.vcpus.to_string() };
    let memory = g.memory_known().map_or("--".to_string(), fmt::bytes);
    let up = g.uptime_at(now).map_or("--".to_string(), fmt::duration);
    let mut cells = vec![
        Cell::from(sanitize(&g.name)),
        Cell::from(Span::styled(state_word(g, wide), state_style(theme, g.state))),
    ];
    if c.aged {
        // How old this row's data is: empty for a live one.
        let age = stale_since.map(|t| timefmt::duration(now.saturating_sub(t).max(0) as u64));
        cells.push(Cell::from(Span::styled(age.unwrap_or_default(), theme.warn())));
    }
    cells.extend([
        Cell::from(vcpus),
        Cell::from(memory),
        Cell::from(cpu),
        Cell::from(up),
        Cell::from(source_text(g)),
    ]);
    if kube {
        let mig = migration_text(g, now);
        let failed = g.kubevirt.as_ref().and_then(|k| k.migration.as_ref()).is_some_and(|m| m.failed);
        cells.push(Cell::from(sanitize(g.node())));
        cells
            .push(Cell::from(Span::styled(sanitize(&mig), if failed { theme.crit() } else { theme.warn() })));
    }
    if wide {
        cells.push(Cell::from(sanitize(&g.ips.join(" "))));
    }
    Row::new(cells)
}

/// Name and source columns as wide as the visible values need (within bounds); on wide
/// screens the IP column takes the rest, on others the source may.
fn widths(shown: &[&Guest], width: u16, c: Columns) -> Vec<Constraint> {
    let (wide, kube) = (c.wide, c.kube);
    let fit = |f: &dyn Fn(&Guest) -> usize, lo: usize, hi: usize| {
        shown.iter().map(|g| f(g)).max().unwrap_or(0).clamp(lo, hi) as u16
    };
    let name = fit(&|g| sanitize(&g.name).chars().count(), 8, if wide { 40 } else { 24 });
    // Below 150 columns SOURCE is the last column: it may take what the others leave.
    let source = fit(&|g| source_text(g).chars().count(), 6, if wide { 40 } else { usize::from(width) });
    let mut fixed = vec![if wide { 18 } else { 13 }];
    if c.aged {
        fixed.push(6);
    }
    fixed.extend([5, 7, 6, 7]);
    let used: u16 = fixed.iter().sum::<u16>() + name + fixed.len() as u16 + 2;
    let mut w = vec![Constraint::Length(name)];
    w.extend(fixed.iter().map(|n| Constraint::Length(*n)));
    w.push(Constraint::Length(source.min(width.saturating_sub(used)).max(6)));
    if kube {
        let node = fit(&|g| g.node().chars().count(), 4, 20);
        w.push(Constraint::Length(node));
        w.push(Constraint::Length(30));
    }
    if wide {
        w.push(Constraint::Fill(1));
    }
    w
}

/// Draws `rows` into `area`, header included, the selected row highlighted.
pub fn render(
    rows: &[&Guest],
    view: &MachinesView,
    (theme, now): (&Theme, i64),
    stale: &dyn Fn(&Guest) -> Option<i64>,
    frame: &mut Frame,
    area: Rect,
) {
    if area.height == 0 {
        return;
    }
    let wide = area.width >= 150;
    let height = area.height.saturating_sub(1) as usize;
    let selected = view.selected_index(rows);
    let offset = scroll_offset(selected, height);
    let shown = &rows[offset.min(rows.len())..(offset + height).min(rows.len())];
    // NODE and MIGRATION only on a wide screen with KubeVirt guests: libvirt has neither.
    let kube = wide && rows.iter().any(|g| g.kubevirt.is_some());
    let aged = shown.iter().any(|g| stale(g).is_some());
    let cols = Columns { wide, kube, aged };
    let widths = widths(shown, area.width, cols);
    let visible = shown.iter().enumerate().map(|(k, g)| {
        let since = stale(g);
        let mut r = row(g, theme, cols, now, since);
        if since.is_some() {
            // Last-known data of a source that stopped answering: dimmed, never shown as live.
            r = r.style(theme.dim());
        }
        if offset + k == selected { r.style(Style::new().add_modifier(Modifier::REVERSED)) } else { r }
    });
    let table = Table::new(visible, widths).header(header(view, theme, cols)).column_spacing(1);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::scroll_offset;

    #[test]
    fn offset_keeps_the_selection_visible() {
        assert_eq!(scroll_offset(0, 10), 0);
        assert_eq!(scroll_offset(9, 10), 0);
        assert_eq!(scroll_offset(10, 10), 1);
        assert_eq!(scroll_offset(9999, 20), 9980);
        assert_eq!(scroll_offset(5, 0), 0);
    }
}
