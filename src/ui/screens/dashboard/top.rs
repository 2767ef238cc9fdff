//! F2's top consumers: the running guests (libvirt and KubeVirt) and the host processes that
//! use the most CPU or memory, in the order the `s` key picks.

use crate::model::Model;
use crate::model::guests::Guest;
use crate::model::procs::TopSort;
use crate::ui::fmt::{bytes, sanitize};
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

fn cpu_text(v: Option<f64>) -> String {
    v.map_or_else(|| "--".into(), |v| format!("{v:.1}%"))
}

/// `  SOURCE/PID NAME ... CPU MEM` with the name column filling `width`.
fn row<'a>(id: String, name: &str, cpu: String, mem: String, width: usize) -> Line<'a> {
    let nw = width.saturating_sub(8 + 1 + 7 + 1 + 7 + 2).max(6);
    let mut name = sanitize(name);
    if name.chars().count() > nw {
        name = name.chars().take(nw.saturating_sub(1)).chain(['~']).collect();
    }
    Line::from(format!(" {id:>8} {name:<nw$} {cpu:>7} {mem:>7}"))
}

/// The running guests in `sort` order.
fn guests(model: &Model, sort: TopSort) -> Vec<&Guest> {
    let mut g: Vec<&Guest> = model.guests.iter().filter(|g| g.state.is_active()).collect();
    match sort {
        TopSort::Cpu => {
            g.sort_by(|a, b| b.cpu_percent.unwrap_or(-1.0).total_cmp(&a.cpu_percent.unwrap_or(-1.0)))
        }
        TopSort::Memory => g.sort_by_key(|g| std::cmp::Reverse(g.memory_bytes)),
    }
    g
}

/// How many lines the table would like (title, headings, every row it has).
pub fn wanted(model: &Model, sort: TopSort) -> usize {
    let g = guests(model, sort).len();
    let p = model.procs.top.len();
    2 + usize::from(g > 0) + g + p.max(1)
}

/// The table in at most `rows` lines, `width` cells wide.
pub fn lines<'a>(model: &Model, sort: TopSort, theme: &Theme, width: usize, rows: usize) -> Vec<Line<'a>> {
    let t = &model.procs;
    let mut out = vec![Line::from(vec![
        Span::styled(" Top consumers", theme.title()),
        Span::styled(format!(" by {}  (s: by {})", sort.label(), sort.next().label()), theme.dim()),
    ])];
    let heading = |first: &str| {
        let l = row(first.into(), "NAME", "CPU".into(), "MEM".into(), width);
        Line::styled(l.spans[0].content.to_string(), theme.dim())
    };
    let gs = guests(model, sort);
    let body = rows.saturating_sub(out.len());
    // Guests first (at most a third of the rows when processes are there too), then processes.
    let g_rows = if gs.is_empty() { 0 } else { gs.len().min((body / 3).max(1)) };
    if g_rows > 0 && body >= 2 {
        out.push(heading("GUEST"));
        for g in gs.iter().take(g_rows.min(body - 1)) {
            let mem = bytes(g.memory_bytes);
            out.push(row(g.source().into(), &g.name, cpu_text(g.cpu_percent), mem, width));
        }
    }
    if out.len() < rows {
        out.push(heading("PID"));
    }
    if !t.scanned || t.error.is_some() {
        let why = t.error.clone().unwrap_or_else(|| "waiting for the first scan of /proc".into());
        out.push(Line::styled(format!(" processes: {}", sanitize(&why)), theme.dim()));
    }
    let left = rows.saturating_sub(out.len());
    for p in t.sorted(sort, left) {
        out.push(row(p.pid.to_string(), &p.label(), cpu_text(p.cpu_percent), bytes(p.rss_bytes), width));
    }
    out.truncate(rows);
    out
}
