//! Maps byte spans of a TOML document back to dotted key paths and lines.

use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// 1-based line of a byte offset.
pub fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The innermost key whose key or value holds the start of `span`, and the line of `span`.
pub fn key_at(text: &str, span: Range<usize>) -> (Option<String>, Option<usize>) {
    let line = Some(line_at(text, span.start));
    let Ok(root) = DeTable::parse(text) else {
        return (None, line);
    };
    let mut best: Option<(usize, String)> = None;
    walk(root.get_ref(), "", &mut |path, key_span, value_span| {
        let hit = holds(&key_span, span.start) || holds(&value_span, span.start);
        let width = value_span.end.max(key_span.end) - key_span.start.min(value_span.start);
        if hit && best.as_ref().is_none_or(|(w, _)| width <= *w) {
            best = Some((width, path.to_string()));
        }
    });
    (best.map(|(_, k)| k), line)
}

/// Line where the dotted `key` is written (the key itself, not its table header).
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let mut found = None;
    walk(root.get_ref(), "", &mut |path, key_span, _| {
        if path == key && found.is_none() {
            found = Some(line_at(text, key_span.start));
        }
    });
    found
}

fn holds(range: &Range<usize>, offset: usize) -> bool {
    range.start <= offset && offset < range.end.max(range.start + 1)
}

type Visit<'a> = dyn FnMut(&str, Range<usize>, Range<usize>) + 'a;

fn walk(table: &DeTable<'_>, prefix: &str, visit: &mut Visit<'_>) {
    for (k, v) in table.iter() {
        let path =
            if prefix.is_empty() { k.get_ref().to_string() } else { format!("{prefix}.{}", k.get_ref()) };
        visit(&path, k.span(), v.span());
        walk_value(v, &path, visit);
    }
}

fn walk_value(v: &Spanned<DeValue<'_>>, path: &str, visit: &mut Visit<'_>) {
    match v.get_ref() {
        DeValue::Table(t) => walk(t, path, visit),
        DeValue::Array(items) => {
            for item in items.iter() {
                walk_value(item, path, visit);
            }
        }
        _ => {}
    }
}
