//! The detail pane of the selected guest, and the lifecycle event feed.

use super::table::{migration_text, state_style};
use crate::model::Model;
use crate::model::cluster::objects::{EventType, KEvent};
use crate::model::guests::{
    ActionNote, ActionStage, EventDetail, EventKind, Guest, LifecycleEvent, state_text,
};
use crate::timefmt;
use crate::ui::fmt::{self, sanitize};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// How many of the guest's own events the detail pane lists.
const DETAIL_EVENTS: usize = 5;

fn event_line<'a>(e: &LifecycleEvent, with_name: bool, theme: &Theme) -> Line<'a> {
    let style = match (e.kind, e.detail) {
        (EventKind::Crashed, _) => theme.crit(),
        (EventKind::Stopped, EventDetail::Failed) => theme.crit(),
        (EventKind::Suspended, EventDetail::IoError) => theme.crit(),
        (EventKind::Started | EventKind::Resumed, _) => theme.ok(),
        _ => theme.warn(),
    };
    let mut spans = vec![Span::styled(format!(" {} ", timefmt::clock(e.at_unix as i64)), theme.dim())];
    if with_name {
        spans.push(Span::raw(format!("{} ", sanitize(&e.name))));
    }
    spans.push(Span::styled(e.kind.label(), style));
    if e.detail != EventDetail::None {
        spans.push(Span::raw(format!(" ({})", e.detail.label())));
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

fn kube_event_line<'a>(e: &KEvent, with_name: bool, now: i64, theme: &Theme) -> Line<'a> {
    let style = if e.kind == EventType::Warning { theme.warn() } else { theme.ok() };
    let mut spans = vec![Span::styled(format!(" {} ", timefmt::when(e.last_unix, now)), theme.dim())];
    if with_name {
        spans.push(Span::raw(format!("{}/{} ", sanitize(&e.namespace), sanitize(&e.object_name))));
    }
    spans.push(Span::styled(sanitize(&e.reason), style));
    if e.count > 1 {
        spans.push(Span::styled(format!(" x{}", e.count), theme.dim()));
    }
    if !e.message.is_empty() {
        spans.push(Span::raw(format!(": {}", sanitize(&e.message))));
    }
    Line::from(spans)
}

/// A KubeVirt guest: status, readiness, node, size, migration and conditions.
fn kubevirt_facts<'a>(g: &Guest, now: i64, theme: &Theme) -> Vec<Line<'a>> {
    let Some(kv) = g.kubevirt.as_deref() else { return Vec::new() };
    let what = match (kv.has_vm, kv.has_vmi) {
        (true, true) => "VM + VMI",
        (true, false) => "VM, no instance",
        _ => "VMI only",
    };
    let ready =
        if kv.ready { Span::styled("ready", theme.ok()) } else { Span::styled("not ready", theme.warn()) };
    let strategy = if kv.run_strategy.is_empty() {
        String::new()
    } else {
        format!("  runStrategy {}", sanitize(&kv.run_strategy))
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", sanitize(&g.name)), theme.title()),
            Span::styled(sanitize(&kv.status), state_style(theme, g.state)),
            Span::raw("  "),
            ready,
            Span::raw(format!("  {what}{strategy}  {}", sanitize(&g.uuid))),
        ]),
        Line::raw(format!(
            " namespace {}  node {}  {} vCPU  memory {}  up {}  IP {}",
            sanitize(&g.uri),
            if kv.node.is_empty() { "-".to_string() } else { sanitize(&kv.node) },
            g.vcpus,
            fmt::bytes(g.memory_bytes),
            g.uptime_at(now).map_or("--".to_string(), fmt::duration),
            if g.ips.is_empty() { "-".to_string() } else { sanitize(&g.ips.join(" ")) },
        )),
    ];
    if let Some(m) = &kv.migration {
        let mode = if m.mode.is_empty() { String::new() } else { format!(" {}", sanitize(&m.mode)) };
        let style = if m.failed {
            theme.crit()
        } else if m.in_progress {
            theme.warn()
        } else {
            theme.dim()
        };
        lines.push(Line::from(vec![
            Span::styled(" migration ", theme.dim()),
            Span::styled(sanitize(&migration_text(g, now)), style),
            Span::raw(format!(
                "  {} -> {}{mode}",
                if m.source_node.is_empty() { "?" } else { &m.source_node },
                if m.target_node.is_empty() { "?" } else { &m.target_node }
            )),
        ]));
    }
    for (origin, c) in &kv.conditions {
        let good = c.is_true() != matches!(c.kind.as_str(), "Failure" | "Paused" | "ReconcileError");
        let why = [c.reason.as_str(), c.message.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(": ");
        lines.push(Line::from(vec![
            Span::styled(format!(" {origin:<4}"), theme.dim()),
            Span::styled(
                format!("{} {}", sanitize(&c.kind), sanitize(&c.status)),
                if good { theme.ok() } else { theme.warn() },
            ),
            Span::raw(if why.is_empty() { String::new() } else { format!("  {}", sanitize(&why)) }),
        ]));
    }
    lines
}

/// Facts, disks, NICs and the guest's recent events.
pub fn render_detail(g: Option<&Guest>, model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::new().borders(Borders::TOP).border_set(theme.glyphs.border).title(" Detail ");
    let Some(g) = g else {
        frame.render_widget(
            Paragraph::new(Line::styled(" no guest selected", theme.dim())).block(block),
            area,
        );
        return;
    };
    let now = model.now_unix();
    let (mut lines, events): (Vec<Line>, Vec<Line>) = if g.machined.is_some() {
        let events = model.guests.events_of(&g.uri, &g.name).take(DETAIL_EVENTS);
        (super::machined::facts(g, now, theme), events.map(|e| event_line(e, false, theme)).collect())
    } else if g.kubevirt.is_some() {
        let events = model.cluster.events_of(&g.uri, &g.name);
        (
            kubevirt_facts(g, now, theme),
            events.iter().take(DETAIL_EVENTS).map(|e| kube_event_line(e, false, now, theme)).collect(),
        )
    } else {
        let mut l = facts(g, theme);
        l.extend(devices(g, theme));
        let events =
            model.guests.events_of(&g.uri, &g.name).take(DETAIL_EVENTS).map(|e| event_line(e, false, theme));
        (l, events.collect())
    };
    if events.is_empty() {
        lines.push(Line::styled(" no events seen since start", theme.dim()));
    } else {
        lines.push(Line::styled(" recent events:", theme.dim()));
        lines.extend(events);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A guarded action's progress or result (already in words, sanitised here).
fn action_line<'a>(n: &ActionNote, theme: &Theme) -> Line<'a> {
    let style = match n.stage {
        ActionStage::Asked => theme.dim(),
        ActionStage::Done => theme.ok(),
        ActionStage::Failed => theme.crit(),
    };
    Line::from(vec![
        Span::styled(format!(" {} ", timefmt::clock(n.at_unix)), theme.dim()),
        Span::styled(n.stage.label(), style),
        Span::raw(format!(" {}", sanitize(&n.text))),
    ])
}

/// The newest events of every guest: libvirt's lifecycle events, KubeVirt's Kubernetes
/// events and the guarded actions' progress and results, merged by time.
pub fn render_feed(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::new().borders(Borders::TOP).border_set(theme.glyphs.border).title(" Events ");
    let rows = area.height.saturating_sub(1) as usize;
    let mut timed: Vec<(i64, Line)> = model
        .guests
        .events
        .iter()
        .rev()
        .take(rows)
        .map(|e| (e.at_unix as i64, event_line(e, true, theme)))
        .collect();
    timed.extend(model.guests.actions.iter().rev().take(rows).map(|n| (n.at_unix, action_line(n, theme))));
    let mut kube: Vec<&KEvent> = model.cluster.events.values().collect();
    kube.sort_by(|a, b| b.last_unix.cmp(&a.last_unix).then_with(|| a.name.cmp(&b.name)));
    timed.extend(
        kube.into_iter().take(rows).map(|e| (e.last_unix, kube_event_line(e, true, model.now_unix(), theme))),
    );
    // Newest first; a stable sort keeps each source's own order within a second.
    timed.sort_by_key(|t| std::cmp::Reverse(t.0));
    let mut lines: Vec<Line> = timed.into_iter().take(rows).map(|(_, l)| l).collect();
    if lines.is_empty() {
        lines.push(Line::styled(" none since start", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
