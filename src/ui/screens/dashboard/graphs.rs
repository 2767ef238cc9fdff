//! F2's history graphs: CPU by kind of time, memory used and cache, disk read and write, and
//! RX/TX per link, each with its current value, scale and span written on it.

use crate::model::Model;
use crate::model::history::Ring;
use crate::ui::fmt::{bytes, sanitize};
use crate::ui::theme::Theme;
use crate::ui::widgets::graph::{Graph, Series, span_words};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

/// The colours of stacked series, bottom first (basic colours: every console has them).
const CPU: [Color; 4] = [Color::Green, Color::Red, Color::Magenta, Color::Yellow];
const TWO: [Color; 2] = [Color::Green, Color::Blue];
const IO: [Color; 2] = [Color::Cyan, Color::Magenta];

fn rate(v: f64) -> String {
    if v.is_finite() { format!("{}/s", bytes(v.max(0.0) as u64)) } else { "--".into() }
}

fn last(r: &Ring) -> f64 {
    r.back().copied().unwrap_or(f64::NAN)
}

/// `name value` in the series' colour, for the legend that is also the current value.
fn legend<'a>(name: &str, value: String, color: Color) -> Vec<Span<'a>> {
    vec![Span::styled(format!(" {name} "), Style::new().fg(color)), Span::raw(value)]
}

/// A rate scale: the largest stacked value in view rounded up to 1, 2 or 5 × 10^n.
fn nice_max(series: &[&Ring], columns: usize) -> f64 {
    let n = series.iter().map(|s| s.len()).max().unwrap_or(0);
    let start = n.saturating_sub(columns);
    let top = (start..n)
        .map(|i| series.iter().filter_map(|s| s.get(i)).filter(|v| v.is_finite()).sum::<f64>())
        .fold(0.0, f64::max);
    if top <= 0.0 {
        return 1024.0;
    }
    let p = 10f64.powf(top.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|v| *v >= top).unwrap_or(10.0 * p)
}

fn graph<'a>(
    model: &'a Model,
    theme: &'a Theme,
    series: Vec<Series<'a>>,
    max: f64,
    columns: usize,
) -> Graph<'a> {
    Graph {
        series,
        max,
        label: Line::default(),
        scale: String::new(),
        span: span_words(model.history.span_s(columns)),
        theme,
    }
}

fn pct(v: f64) -> String {
    if v.is_finite() { format!("{v:.0}%") } else { "--".into() }
}

/// CPU: user, system, steal, iowait stacked; 0..100 % of all CPUs.
pub fn cpu<'a>(model: &'a Model, theme: &'a Theme, columns: usize) -> Graph<'a> {
    let h = &model.history;
    let rings = [&h.cpu_user, &h.cpu_system, &h.cpu_steal, &h.cpu_iowait];
    let names = ["usr", "sys", "st", "io"];
    let series =
        rings.iter().zip(CPU).map(|(r, c)| Series { values: r, style: Style::new().fg(c) }).collect();
    let mut g = graph(model, theme, series, 100.0, columns);
    let mut spans = vec![Span::styled(format!(" CPU {}", pct(last(&h.cpu))), theme.title())];
    for ((r, n), c) in rings.iter().zip(names).zip(CPU) {
        spans.extend(legend(n, pct(last(r)), c));
    }
    g.label = Line::from(spans);
    g.scale = "100%".into();
    g
}

/// Memory: used and cache + buffers stacked; the rest is available.
pub fn memory<'a>(model: &'a Model, theme: &'a Theme, columns: usize) -> Graph<'a> {
    let h = &model.history;
    let m = &model.host.memory;
    let series = vec![
        Series { values: &h.mem_used, style: Style::new().fg(TWO[0]) },
        Series { values: &h.mem_cache, style: Style::new().fg(TWO[1]) },
    ];
    let mut g = graph(model, theme, series, 100.0, columns);
    let mut spans = vec![Span::styled(" Mem", theme.title())];
    spans.extend(legend("used", bytes(m.used_bytes), TWO[0]));
    spans.extend(legend("cache", bytes(m.cached_bytes + m.buffers_bytes), TWO[1]));
    spans.extend(legend("avail", bytes(m.available_bytes), Color::Reset));
    g.label = Line::from(spans);
    g.scale = format!("{} = 100%", bytes(m.total_bytes));
    g
}

/// Disk: read and write bytes/s over all devices, stacked.
pub fn disk<'a>(model: &'a Model, theme: &'a Theme, columns: usize) -> Graph<'a> {
    let h = &model.history;
    let max = nice_max(&[&h.disk_read, &h.disk_write], columns);
    let series = vec![
        Series { values: &h.disk_read, style: Style::new().fg(IO[0]) },
        Series { values: &h.disk_write, style: Style::new().fg(IO[1]) },
    ];
    let mut g = graph(model, theme, series, max, columns);
    let mut spans = vec![Span::styled(" I/O", theme.title())];
    spans.extend(legend("read", rate(last(&h.disk_read)), IO[0]));
    spans.extend(legend("write", rate(last(&h.disk_write)), IO[1]));
    g.label = Line::from(spans);
    g.scale = rate(max);
    g
}

/// The links with history, busiest (current RX + TX) first; links that never carried a
/// byte in the kept history only after them.
pub fn busiest_links(model: &Model) -> Vec<&str> {
    let idle = |r: &Ring| r.iter().all(|v| !v.is_finite() || *v == 0.0);
    let mut names: Vec<(&str, bool, f64)> = model
        .history
        .links
        .iter()
        .map(|(n, l)| {
            let now = [last(&l.rx), last(&l.tx)].iter().filter(|v| v.is_finite()).sum();
            (n.as_str(), idle(&l.rx) && idle(&l.tx), now)
        })
        .collect();
    names.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(b.0)));
    names.into_iter().map(|(n, _, _)| n).collect()
}

/// Whether a link carried any traffic in the kept history.
pub fn link_active(model: &Model, name: &str) -> bool {
    let busy = |r: &Ring| r.iter().any(|v| v.is_finite() && *v > 0.0);
    model.history.links.get(name).is_some_and(|l| busy(&l.rx) || busy(&l.tx))
}

/// One link: RX and TX bytes/s stacked.
pub fn link<'a>(model: &'a Model, theme: &'a Theme, name: &str, columns: usize) -> Option<Graph<'a>> {
    let l = model.history.links.get(name)?;
    let max = nice_max(&[&l.rx, &l.tx], columns);
    let series = vec![
        Series { values: &l.rx, style: Style::new().fg(TWO[0]) },
        Series { values: &l.tx, style: Style::new().fg(TWO[1]) },
    ];
    let mut g = graph(model, theme, series, max, columns);
    let mut spans = vec![Span::styled(format!(" {}", sanitize(name)), theme.title())];
    spans.extend(legend("RX", rate(last(&l.rx)), TWO[0]));
    spans.extend(legend("TX", rate(last(&l.tx)), TWO[1]));
    g.label = Line::from(spans);
    g.scale = rate(max);
    Some(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_up() {
        let r: Ring = [3.0e6, f64::NAN, 1.2e6].into_iter().collect();
        let w: Ring = [1.0e6, 1.0e6].into_iter().collect();
        assert_eq!(nice_max(&[&r, &w], 10), 5.0e6);
        assert_eq!(nice_max(&[&r], 1), 2.0e6, "only the columns in view");
        assert_eq!(nice_max(&[], 10), 1024.0);
    }
}
