//! F2's guests and cluster panel: libvirt domains, KubeVirt guests, nodes, pods, services,
//! PVCs and the control plane, a line each; the source's reason when it has no answer.

use crate::event::{Health, SourceId};
use crate::model::Model;
use crate::model::cluster::objects::Kind;
use crate::model::freshness::kind_source;
use crate::timefmt;
use crate::ui::chrome::health_style;
use crate::ui::fmt::sanitize;
use crate::ui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::collections::{BTreeMap, HashMap};

/// A count, coloured only when it is not zero.
fn count<'a>(n: usize, style: Style) -> Span<'a> {
    Span::styled(n.to_string(), if n > 0 { style } else { Style::new() })
}

fn label<'a>(text: &str, theme: &Theme) -> Span<'a> {
    Span::styled(format!(" {text:<9}"), theme.title())
}

/// "VMs  libvirt unavailable since 14:02  libvirtd not running (…)" for a source without
/// data: its state and since when, never a count.
fn source<'a>(name: &str, what: &str, id: SourceId, model: &Model, theme: &Theme) -> Line<'a> {
    let h = model.health(id);
    Line::from(vec![
        label(name, theme),
        Span::styled(state_text(what, id, model), health_style(theme, h)),
        Span::styled(format!("  {}", sanitize(h.reason())), theme.dim()),
    ])
}

/// A line drawn from `kinds`, dimmed and marked "as of …" when the oldest of them is stale
/// (whatever the source's health: the last-known cluster kept through an outage too).
fn marked<'a>(mut line: Line<'a>, model: &Model, kinds: &[Kind], theme: &Theme) -> Line<'a> {
    let now = model.now_unix();
    let f = &model.freshness;
    let since = kinds.iter().filter_map(|k| f.part_stale_since(kind_source(*k), k.plural(), now)).min();
    if let Some(mark) = as_of(since, now, theme) {
        line = line.patch_style(theme.dim());
        // Right after the label: a narrow panel cuts the end of the line, never the mark.
        line.spans.insert(1.min(line.spans.len()), mark);
    }
    line
}

/// "libvirt unavailable since 14:02:11", "k8s starting": a source's state, never a count.
fn state_text(what: &str, id: SourceId, model: &Model) -> String {
    let h = model.health(id);
    match (h, model.health_since.get(&id)) {
        // A model no clock was read for (tests) has no "since".
        (Health::Unavailable(_) | Health::Error(_), Some(since)) if *since > 0 => {
            format!("{what} {} since {}", h.state(), timefmt::when(*since, model.now_unix()))
        }
        _ => format!("{what} {}", h.word()),
    }
}

/// "as of 14:02:11 (37s ago)  " when `since` is set: the data drawn is not live.
pub fn as_of<'a>(since: Option<i64>, now: i64, theme: &Theme) -> Option<Span<'a>> {
    let since = since?;
    let age = timefmt::duration((now - since).max(0) as u64);
    Some(Span::styled(format!("as of {} ({age} ago)  ", timefmt::clock(since)), theme.warn()))
}

/// "180 running, 10 pending, 5 failed": Running first, then the rest by name.
fn phases<'a>(m: &BTreeMap<String, usize>, theme: &Theme) -> Vec<Span<'a>> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by_key(|k| (k.as_str() != "Running", k.as_str() != "Pending", *k));
    let mut out = Vec::new();
    for (i, k) in keys.into_iter().enumerate() {
        let style = match k.as_str() {
            "Running" | "Succeeded" => theme.ok(),
            "Failed" | "Unknown" => theme.crit(),
            _ => theme.warn(),
        };
        if i > 0 {
            out.push(Span::raw(" "));
        }
        out.push(count(m[k], style));
        out.push(Span::raw(format!(" {}", k.to_lowercase())));
    }
    out
}

/// Whether neither libvirt nor a cluster has anything to show: the panel is then one line.
pub fn nothing(model: &Model) -> bool {
    !model.health(SourceId::Libvirt).is_ok() && model.guests.is_empty() && !model.cluster.is_known()
}

/// "libvirt n/a (why)  k8s n/a (why)": the one line of a panel without sources.
pub fn absent<'a>(model: &Model, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for (name, id) in [("libvirt", SourceId::Libvirt), ("k8s", SourceId::Kubernetes)] {
        let h = model.health(id);
        // One line for two sources: the short word; the full panel says since when.
        spans.push(Span::styled(format!(" {name} {}", h.word()), health_style(theme, h)));
        spans.push(Span::styled(format!(" ({}) ", sanitize(h.reason())), theme.dim()));
    }
    Line::from(spans)
}

/// The panel's lines, with up to `node_rows` rows of nodes under the Nodes line.
pub fn lines<'a>(model: &Model, theme: &Theme, node_rows: usize) -> Vec<Line<'a>> {
    let s = model.guests.summary();
    let virt = model.health(SourceId::Libvirt);
    let libvirt = virt.is_ok() || model.guests.libvirt().next().is_some();
    let machined = !model.guests.machined().is_empty();
    if !libvirt && !machined {
        let mut out = vec![source("VMs", "libvirt", SourceId::Libvirt, model, theme)];
        out.extend(cluster_lines(model, theme, node_rows));
        return out;
    }
    let stale = model.stale_since(SourceId::Libvirt);
    let mut vms = Line::from(vec![
        label("VMs", theme),
        // The local guests counted: libvirt's domains and machined's containers and VMs.
        Span::raw(match (libvirt, machined) {
            (true, true) => "libvirt+machined: ",
            (false, true) => "machined: ",
            _ => "libvirt: ",
        }),
        count(s.running, theme.ok()),
        Span::raw(" running  "),
        count(s.paused, theme.warn()),
        Span::raw(" paused  "),
        Span::raw(s.stopped.to_string()),
        Span::raw(" stopped  "),
        count(s.errors, theme.crit()),
        Span::raw(" errors"),
    ]);
    if let Some(mark) = as_of(stale, model.now_unix(), theme) {
        vms = vms.patch_style(theme.dim());
        vms.spans.insert(1, mark);
    }
    let mut out = vec![vms];
    out.extend(cluster_lines(model, theme, node_rows));
    out
}

/// KubeVirt, nodes, pods, services: or the one line saying why there is no cluster.
fn cluster_lines<'a>(model: &Model, theme: &Theme, node_rows: usize) -> Vec<Line<'a>> {
    if !model.cluster.is_known() {
        return vec![source("Nodes", "k8s", SourceId::Kubernetes, model, theme)];
    }
    let kvh = model.health(SourceId::Kubevirt);
    let kubevirt = if model.cluster.listed(Kind::Vm) && model.cluster.listed(Kind::Vmi) {
        kubevirt_line(model, theme)
    } else if !kvh.is_ok() {
        source("KubeVirt", "kubevirt", SourceId::Kubevirt, model, theme)
    } else {
        let why = unknown(model, &[Kind::Vm, Kind::Vmi]).unwrap_or("starting");
        Line::from(vec![label("KubeVirt", theme), unknown_span(why, theme)])
    };
    let mut out = vec![kubevirt, nodes_line(model, theme)];
    out.extend(self::node_rows(model, theme, node_rows));
    out.extend([pods_line(model, theme), services_line(model, theme)]);
    out
}

/// Why the first of `kinds` that is not listed is unknown, in one word: the API's refusal
/// ("forbidden", "not served"), else "starting" while its source has not failed, else
/// "unreachable". `None` when every kind is listed.
fn unknown(model: &Model, kinds: &[Kind]) -> Option<&'static str> {
    let c = &model.cluster;
    let k = kinds.iter().find(|k| !c.listed(**k))?;
    Some(c.refusal(*k).unwrap_or(match model.health(kind_source(*k)) {
        Health::Unavailable(_) | Health::Error(_) => "unreachable",
        _ => "starting",
    }))
}

/// "? (forbidden)": a count that could not be read, with its cause.
fn unknown_span<'a>(why: &str, theme: &Theme) -> Span<'a> {
    Span::styled(format!("? ({why})"), theme.warn())
}

fn kubevirt_line<'a>(model: &Model, theme: &Theme) -> Line<'a> {
    let kv = model.cluster.summarize(model.guests.kubevirt());
    let mut l = vec![
        label("KubeVirt", theme),
        count(kv.running, theme.ok()),
        Span::raw(" running  "),
        Span::raw(kv.stopped.to_string()),
        Span::raw(" stopped  "),
        count(kv.migrating, theme.warn()),
        Span::raw(" migrating  "),
        count(kv.failed, theme.crit()),
        Span::raw(" failed"),
    ];
    if kv.other > 0 {
        l.push(Span::raw("  "));
        l.push(count(kv.other, theme.warn()));
        l.push(Span::raw(" other"));
    }
    l.push(Span::styled(format!("  ({} VMs, {} VMIs)", kv.vms, kv.vmis), theme.dim()));
    marked(Line::from(l), model, &[Kind::Vm, Kind::Vmi], theme)
}

fn nodes_line<'a>(model: &Model, theme: &Theme) -> Line<'a> {
    let k8s = model.health(SourceId::Kubernetes);
    let sum = model.cluster.summary();
    let mut nodes = vec![label("Nodes", theme)];
    if let Some(why) = unknown(model, &[Kind::Node]) {
        nodes.push(unknown_span(why, theme));
    } else {
        let style = if sum.not_ready.is_empty() { theme.ok() } else { theme.crit() };
        nodes.push(Span::styled(format!("{}/{} ready", sum.nodes_ready, sum.nodes_total), style));
    }
    if !sum.not_ready.is_empty() {
        let names: Vec<String> = sum.not_ready.iter().take(4).map(|n| sanitize(n)).collect();
        let more = if sum.not_ready.len() > 4 { ", ..." } else { "" };
        nodes.push(Span::styled(format!(" (NotReady: {}{more})", names.join(", ")), theme.crit()));
    }
    nodes.push(Span::raw("  API "));
    nodes.push(Span::styled(k8s.word().to_string(), health_style(theme, k8s)));
    if !k8s.is_ok() {
        nodes.push(Span::styled(format!(" ({})", sanitize(k8s.reason())), theme.dim()));
    }
    if sum.system_pods > 0 {
        let all = sum.system_pods_ready == sum.system_pods;
        nodes.push(Span::raw("  kube-system "));
        nodes.push(Span::styled(
            format!("{}/{} ready", sum.system_pods_ready, sum.system_pods),
            if all { theme.ok() } else { theme.warn() },
        ));
    }
    marked(Line::from(nodes), model, &[Kind::Node], theme)
}

/// One row per node under the Nodes line, on a console with room for them: the unhealthy
/// first (NotReady, then cordoned or under pressure), then by name; at most `max` rows, the
/// last saying how many more there are. Each: state, roles, VMIs and pods on it, kubelet,
/// internal IP, and this host marked.
pub fn node_rows<'a>(model: &Model, theme: &Theme, max: usize) -> Vec<Line<'a>> {
    let c = &model.cluster;
    if max == 0 || !c.listed(Kind::Node) || c.nodes.is_empty() {
        return Vec::new();
    }
    let mut nodes: Vec<&crate::model::cluster::objects::Node> = c.nodes.values().collect();
    nodes.sort_by_key(|n| (n.is_ready(), !n.unschedulable && n.pressures.is_empty(), n.name.as_str()));
    let here = c.this_node().map(|n| n.name.as_str());
    let shown = if nodes.len() > max { max - 1 } else { nodes.len() };
    let roles = |n: &crate::model::cluster::objects::Node| {
        if n.roles.is_empty() { "<none>".to_string() } else { sanitize(&n.roles.join(",")) }
    };
    let name_w = nodes[..shown].iter().map(|n| n.name.chars().count()).max().unwrap_or(0).min(24);
    let roles_w = nodes[..shown].iter().map(|n| roles(n).chars().count()).max().unwrap_or(0).min(24);
    // VMIs and pods by node, counted in one pass each for every row.
    let mut vmis_on: HashMap<&str, usize> = HashMap::new();
    for k in model.guests.kubevirt().iter().filter_map(|g| g.kubevirt.as_ref()).filter(|k| k.has_vmi) {
        *vmis_on.entry(k.node.as_str()).or_default() += 1;
    }
    // As `kubectl describe node` counts them: not terminated.
    let pods_on = c.listed(Kind::Pod).then(|| {
        let mut on: HashMap<&str, usize> = HashMap::new();
        for p in c.pods.values().filter(|p| !matches!(p.phase.as_str(), "Succeeded" | "Failed")) {
            *on.entry(p.node.as_str()).or_default() += 1;
        }
        on
    });
    let mut out: Vec<Line> = nodes[..shown]
        .iter()
        .map(|n| {
            let vmis = vmis_on.get(n.name.as_str()).copied().unwrap_or(0);
            let pods = match &pods_on {
                Some(on) => on.get(n.name.as_str()).copied().unwrap_or(0).to_string(),
                None => "?".into(),
            };
            let (state, style) = match n.ready {
                Some(true) => ("Ready", theme.ok()),
                Some(false) => ("NotReady", theme.crit()),
                None => ("Unknown", theme.crit()),
            };
            let mut l = vec![
                Span::raw(format!("   {:<name_w$} ", sanitize(&n.name))),
                Span::styled(format!("{state:<9}"), style),
                Span::raw(format!("{:<roles_w$} {vmis:>3} VMIs {pods:>4} pods", roles(n))),
            ];
            // What needs attention before what is only informative (a narrow panel cuts the end).
            if n.unschedulable {
                l.push(Span::styled("  cordoned", theme.warn()));
            }
            if !n.pressures.is_empty() {
                l.push(Span::styled(format!("  {}", sanitize(&n.pressures.join(","))), theme.warn()));
            }
            if here == Some(n.name.as_str()) {
                l.push(Span::styled("  (this host)", theme.dim()));
            }
            let ip = n.internal_ip.as_deref().map(sanitize).unwrap_or_default();
            l.push(Span::styled(format!("  {}  {ip}", sanitize(&n.kubelet_version)), theme.dim()));
            Line::from(l)
        })
        .collect();
    if shown < nodes.len() {
        out.push(Line::styled(format!("   ... {} more nodes", nodes.len() - shown), theme.dim()));
    }
    // Last-known rows of a silent API server are dimmed like the Nodes line above them,
    // which says how old they are.
    let now = model.now_unix();
    if model.freshness.part_stale_since(kind_source(Kind::Node), Kind::Node.plural(), now).is_some() {
        out = out.into_iter().map(|l| l.patch_style(theme.dim())).collect();
    }
    out
}

/// Pods by phase, on this node, restarts in the last hour: or `?` and why.
fn pods_line<'a>(model: &Model, theme: &Theme) -> Line<'a> {
    let c = &model.cluster;
    if let Some(why) = unknown(model, &[Kind::Pod]) {
        return Line::from(vec![label("Pods", theme), unknown_span(why, theme)]);
    }
    let sum = c.summary();
    let mut pods = vec![label("Pods", theme), Span::raw(format!("{}: ", sum.pods_total))];
    pods.extend(phases(&sum.pods_by_phase, theme));
    if let Some(here) = c.this_node() {
        let on: usize = sum.node_pods_by_phase.values().sum();
        let running = sum.node_pods_by_phase.get("Running").copied().unwrap_or(0);
        pods.push(Span::raw(format!("  on {} {running}/{on} running", sanitize(&here.name))));
    }
    let restarts = c.restarts_since(model.now_unix() - 3600);
    pods.push(Span::raw("  restarts/h "));
    pods.push(count(restarts as usize, theme.warn()));
    marked(Line::from(pods), model, &[Kind::Pod], theme)
}

fn services_line<'a>(model: &Model, theme: &Theme) -> Line<'a> {
    let c = &model.cluster;
    let sum = c.summary();
    let mut svc = vec![label("Services", theme)];
    if let Some(why) = unknown(model, &[Kind::Service]) {
        svc.push(unknown_span(why, theme));
    } else {
        let types: Vec<String> = sum.services_by_type.iter().map(|(t, n)| format!("{n} {t}")).collect();
        svc.push(Span::raw(format!("{} ({})", sum.services, types.join(", "))));
    }
    svc.push(Span::raw("  PVCs "));
    if let Some(why) = unknown(model, &[Kind::Pvc]) {
        svc.push(unknown_span(why, theme));
    } else {
        svc.push(Span::raw(format!("{}/{} bound", sum.pvcs_bound, sum.pvcs)));
        if sum.pvcs_pending > 0 {
            svc.push(Span::raw(" "));
            svc.push(Span::styled(format!("{} pending", sum.pvcs_pending), theme.warn()));
        }
    }
    for m in c.missing_text(false) {
        svc.push(Span::styled(format!("  {}", sanitize(&m)), theme.warn()));
    }
    marked(Line::from(svc), model, &[Kind::Service, Kind::Pvc], theme)
}
