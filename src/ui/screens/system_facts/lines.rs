//! The lines of each fact panel, full or brief. Text read from the host (labels, versions)
//! is sanitised; on ASCII terminals `→ ≥ ° ·` become `-> >= (nothing) |`.

use crate::model::system::{Clock, Fact, Hardware, MdArray, Nixos, Storage, SystemClosure, Temperature};
use crate::timefmt;
use crate::ui::fmt::{ascii_fallback, sanitize};
use crate::ui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The compact block: a line or two per fact.
    Brief,
    /// A panel of its own.
    Full,
}

/// A span of host text, made safe and fit for the glyph set.
fn s(theme: &Theme, text: impl AsRef<str>, style: Style) -> Span<'static> {
    let safe = sanitize(text.as_ref());
    Span::styled(if theme.glyphs.ascii { ascii_fallback(&safe) } else { safe }, style)
}

fn unknown(theme: &Theme, reason: &str) -> Vec<Line<'static>> {
    vec![Line::from(s(theme, format!("? {reason}"), theme.dim()))]
}

pub fn nixos(f: &Fact<Nixos>, now: i64, theme: &Theme, d: Detail) -> Vec<Line<'static>> {
    match f {
        Fact::Known(n) if d == Detail::Brief => vec![nixos_brief(n, now, theme)],
        Fact::Known(n) => nixos_full(n, now, theme),
        Fact::Unknown(r) if r == "not NixOS" => vec![Line::from(s(theme, "not NixOS", theme.dim()))],
        Fact::Unknown(r) => unknown(theme, r),
    }
}

fn generation_and_version(n: &Nixos) -> (String, String) {
    let generation = n.current_generation.map_or("gen ?".to_string(), |g| format!("gen {g}"));
    (generation, n.current.nixos_version.clone().unwrap_or_else(|| "version ?".into()))
}

fn switched(n: &Nixos, now: i64) -> String {
    n.last_switch.map_or("?".to_string(), |t| timefmt::ago(t, now))
}

/// "gen 42 · reboot needed: kernel 6.12.58 → 6.12.60 (+2) · 25.11… · switched 10m ago"
fn nixos_brief(n: &Nixos, now: i64, theme: &Theme) -> Line<'static> {
    let (generation, version) = generation_and_version(n);
    let reboot = match (n.reboot_needed(), n.reboot_reasons.as_slice()) {
        (Some(true), [first, rest @ ..]) if !rest.is_empty() => {
            s(theme, format!("reboot needed: {first} (+{})", rest.len()), theme.warn())
        }
        (Some(true), reasons) => s(theme, format!("reboot needed: {}", reasons.join(", ")), theme.warn()),
        (Some(false), _) => s(theme, "booted = current", theme.ok()),
        (None, _) => s(theme, "booted system unknown", theme.dim()),
    };
    let tail = s(theme, format!(" · {version} · switched {}", switched(n, now)), theme.dim());
    Line::from(vec![s(theme, format!("{generation} · "), Style::new()), reboot, tail])
}

fn nixos_full(n: &Nixos, now: i64, theme: &Theme) -> Vec<Line<'static>> {
    let (generation, version) = generation_and_version(n);
    let previous = n.previous().map_or(String::new(), |p| {
        format!(" · previous gen {} ({})", p.number, p.created.map_or("?".into(), |t| timefmt::when(t, now)))
    });
    let mut out = vec![
        Line::from(s(theme, format!("{generation} · NixOS {version}"), Style::new())),
        Line::from(s(theme, format!("switched {}{previous}", switched(n, now)), Style::new())),
    ];
    match n.reboot_needed() {
        Some(true) => {
            out.push(Line::from(s(theme, "reboot needed:", theme.warn())));
            out.extend(n.reboot_reasons.iter().map(|r| Line::from(s(theme, format!("  {r}"), theme.warn()))));
        }
        Some(false) => out.push(Line::from(s(theme, "booted = current (no reboot needed)", theme.ok()))),
        None => {
            let why = n.booted.as_ref().err().map_or("", String::as_str);
            out.push(Line::from(s(theme, format!("booted system unknown: {why}"), theme.dim())));
        }
    }
    let kernel =
        |c: &SystemClosure| c.kernel.as_ref().and_then(|k| k.version.clone()).unwrap_or_else(|| "?".into());
    let booted = n.booted.as_ref().map_or("?".into(), kernel);
    let kernels = format!("kernel {booted} running, {} current", kernel(&n.current));
    out.push(Line::from(s(theme, kernels, theme.dim())));
    if n.profile_generation.is_some() && n.profile_generation != n.current_generation {
        let next = n.profile_generation.map_or("?".into(), |g| g.to_string());
        out.push(Line::from(s(theme, format!("next boot: gen {next}"), theme.warn())));
    }
    out.push(Line::from(s(theme, &n.current.store_path, theme.dim())));
    out
}

/// "0.212 ms", "-1.834 ms", "16.0 s".
fn micros(us: i64) -> String {
    match us.unsigned_abs() {
        a if a >= 1_000_000 => format!("{:.1} s", us as f64 / 1e6),
        _ => format!("{:.3} ms", us as f64 / 1e3),
    }
}

/// An offset with its sign: "+0.212 ms".
fn signed_micros(us: i64) -> String {
    if us >= 0 { format!("+{}", micros(us)) } else { micros(us) }
}

pub fn time(f: &Fact<Clock>, theme: &Theme, d: Detail) -> Vec<Line<'static>> {
    let c = match f {
        Fact::Known(c) => c,
        Fact::Unknown(r) => return unknown(theme, r),
    };
    let state = if c.synchronized {
        s(theme, "synchronised", theme.ok())
    } else {
        s(theme, "NOT synchronised", theme.warn())
    };
    let source = c.source.as_deref().map_or("no time daemon seen".to_string(), |d| format!("by {d}"));
    let offset = format!("offset {}", signed_micros(c.offset_us));
    let error = format!("max error {}", micros(c.max_error_us));
    if d == Detail::Brief {
        let daemon = c.source.as_deref().unwrap_or("no daemon");
        let rest =
            s(theme, format!(" · {offset} · max err {} · {daemon}", micros(c.max_error_us)), Style::new());
        return vec![Line::from(vec![state, rest])];
    }
    vec![
        Line::from(state),
        Line::from(s(theme, source, Style::new())),
        Line::from(s(theme, offset, Style::new())),
        Line::from(s(theme, error, Style::new())),
        Line::from(s(theme, format!("est. error {}", micros(c.est_error_us)), theme.dim())),
    ]
}

fn md_line(theme: &Theme, a: &MdArray) -> Line<'static> {
    let (word, style) = if a.degraded() { ("DEGRADED", theme.crit()) } else { ("ok", theme.ok()) };
    let members: Vec<String> =
        a.members.iter().map(|m| format!("{}{}", m.device, if m.faulty { "(F)" } else { "" })).collect();
    let level = a.level.as_deref().unwrap_or(&a.state);
    let mut spans = vec![
        s(theme, format!("{} {level} [{}] ", a.name, a.slots), Style::new()),
        s(theme, word, style),
        s(theme, format!(" {}", members.join(" ")), theme.dim()),
    ];
    if let Some(y) = &a.sync {
        let eta = y.finish_s.map_or(String::new(), |f| format!(", {} left", timefmt::duration(f)));
        spans.push(s(theme, format!("  {} {:.1}%{eta}", y.action, y.percent), theme.warn()));
    }
    Line::from(spans)
}

pub fn storage(st: &Storage, theme: &Theme, d: Detail) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &st.md {
        Fact::Known(v) => out.extend(v.iter().map(|a| md_line(theme, a))),
        Fact::Unknown(r) => out.extend(unknown(theme, r)),
    }
    match &st.zfs {
        Fact::Known(v) => out.extend(v.iter().map(|p| {
            let style = if p.healthy() { theme.ok() } else { theme.crit() };
            Line::from(vec![s(theme, format!("zpool {} ", p.name), Style::new()), s(theme, &p.state, style)])
        })),
        Fact::Unknown(r) => out.extend(unknown(theme, r)),
    }
    if out.is_empty() {
        out.push(Line::from(s(theme, "no md arrays, no ZFS pools", theme.dim())));
    }
    if d == Detail::Brief {
        // Trouble first: a degraded array must show even in two lines.
        out.sort_by_key(|l| !l.spans.iter().any(|sp| sp.style == theme.crit() || sp.style == theme.warn()));
        out.truncate(2);
    }
    out
}

fn temp_line(theme: &Theme, t: &Temperature) -> Line<'static> {
    let limit = match (t.crit, t.max) {
        (Some(c), _) => format!(" (crit {c:.0} °C)"),
        (None, Some(m)) => format!(" (max {m:.0} °C)"),
        _ => String::new(),
    };
    let mark = if t.level() == 2 { " ≥ critical" } else { "" };
    Line::from(vec![
        s(theme, format!("{} {}: ", t.chip, t.label), Style::new()),
        s(theme, format!("{:.1} °C{mark}", t.celsius), theme.level(t.level())),
        s(theme, limit, theme.dim()),
    ])
}

pub fn hardware(h: &Hardware, theme: &Theme, d: Detail) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    match &h.temperatures {
        Fact::Known(v) if v.is_empty() => {
            out.push(Line::from(s(theme, "no temperature sensors", theme.dim())))
        }
        Fact::Known(v) if d == Detail::Brief => {
            // The hottest relative to its limit stands for all.
            let key = |t: &&Temperature| (t.level(), (t.celsius * 10.0) as i64);
            if let Some(t) = v.iter().max_by_key(key) {
                out.push(temp_line(theme, t));
            }
        }
        Fact::Known(v) => out.extend(v.iter().map(|t| temp_line(theme, t))),
        Fact::Unknown(r) => out.extend(unknown(theme, r)),
    }
    match &h.edac {
        Fact::Known(mcs) => {
            let (ce, ue): (u64, u64) =
                (mcs.iter().map(|m| m.ce_count).sum(), mcs.iter().map(|m| m.ue_count).sum());
            let style = theme.level(if ue > 0 { 2 } else { u8::from(ce > 0) });
            out.push(Line::from(vec![
                s(theme, "memory errors: ", Style::new()),
                s(theme, format!("{ce} corrected, {ue} uncorrected"), style),
            ]));
            if d == Detail::Full {
                let dimms = mcs.iter().flat_map(|m| m.dimms.iter()).filter(|x| x.ce_count + x.ue_count > 0);
                out.extend(dimms.map(|x| {
                    let name = x.label.as_deref().unwrap_or(&x.name);
                    Line::from(s(
                        theme,
                        format!("  {name}: {} CE, {} UE", x.ce_count, x.ue_count),
                        theme.dim(),
                    ))
                }));
            }
        }
        Fact::Unknown(r) => out.extend(unknown(theme, &format!("memory errors: {r}"))),
    }
    out
}
