//! F3's Kubernetes networking lines: pod CIDRs (this node's first), the service CIDR and
//! where it comes from, the CNI, and services by type.

use crate::model::Model;
use crate::ui::fmt::sanitize;
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

/// Two lines under the banner, or none when no cluster is known.
pub fn lines<'a>(model: &Model, theme: &Theme) -> Vec<Line<'a>> {
    let c = &model.cluster;
    if !c.is_known() {
        return Vec::new();
    }
    let cidrs = c.pod_cidrs();
    let mut pods = match c.this_node() {
        Some(n) if !n.pod_cidrs.is_empty() => {
            format!("{} ({} of {} nodes)", n.pod_cidrs.join(" "), n.name, c.nodes.len())
        }
        _ if cidrs.is_empty() => "none in node specs".to_string(),
        _ => cidrs.join(" "),
    };
    if let Some(cluster) = &c.info.cluster_cidr {
        pods += &format!(" of {cluster}");
    }
    let svc = match c.service_cidr() {
        Some((cidr, from)) => format!("{cidr} ({from})"),
        None => "unknown".into(),
    };
    let cni = c.cni();
    let cni = if cni.is_empty() { "none found".to_string() } else { cni.join(", ") };
    let sum = c.summary();
    let mut types: Vec<(&String, &usize)> = sum.services_by_type.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let types: Vec<String> = types.iter().map(|(t, n)| format!("{n} {t}")).collect();
    vec![
        Line::from(vec![
            Span::styled(" Pod CIDR ", theme.title()),
            Span::raw(sanitize(&pods)),
            Span::styled("  Service CIDR ", theme.title()),
            Span::raw(sanitize(&svc)),
        ]),
        Line::from(vec![
            Span::styled(" CNI ", theme.title()),
            Span::raw(sanitize(&cni)),
            Span::styled(format!("  {} services ", sum.services), theme.title()),
            Span::raw(types.join(", ")),
        ]),
    ]
}
