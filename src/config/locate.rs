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

/// The first of `tables` written as an array (`journal = []`), with its line.
pub fn arrays_for_tables(text: &str, tables: &[&str]) -> Option<(String, usize)> {
    let root = DeTable::parse(text).ok()?;
    let root = root.get_ref();
    tables.iter().find_map(|name| {
        let (k, v) = root.get_key_value(*name)?;
        matches!(v.get_ref(), DeValue::Array(_)).then(|| (name.to_string(), line_at(text, k.span().start)))
    })
}

/// The key at `offset`, else the last key written before it (for an error inside a value or
/// a comment that the parser cannot point at).
pub fn key_near(text: &str, offset: usize) -> Option<String> {
    if let (Some(k), _) = key_at(text, offset..offset + 1) {
        return Some(k);
    }
    let root = DeTable::parse(text).ok()?;
    let mut best: Option<(usize, String)> = None;
    walk(root.get_ref(), "", &mut |path, key_span, _| {
        if key_span.start <= offset && best.as_ref().is_none_or(|(s, _)| key_span.start >= *s) {
            best = Some((key_span.start, path.to_string()));
        }
    });
    best.map(|(_, k)| k)
}

/// For an error without a position: the first line at which the file's prefix stops parsing,
/// and the key written on it (as text, cut to 60 characters).
pub fn first_bad_line(text: &str) -> (Option<String>, Option<usize>) {
    let ends: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).chain([text.len()]).collect();
    let parses = |n: usize| toml::from_str::<toml::Table>(&text[..ends[n]]).is_ok();
    // Binary search for the first prefix (in lines) that fails.
    let (mut lo, mut hi) = (0, ends.len() - 1);
    if parses(hi) {
        return (None, None);
    }
    while lo < hi {
        let mid = (lo + hi) / 2;
        if parses(mid) { lo = mid + 1 } else { hi = mid }
    }
    let start = if lo == 0 { 0 } else { ends[lo - 1] };
    let line = &text[start..ends[lo]];
    let key = line.split('=').next().map(str::trim).filter(|k| !k.is_empty() && line.contains('='));
    let key = key.map(|k| {
        if k.chars().count() > 60 {
            format!("{}…", k.chars().take(60).collect::<String>())
        } else {
            k.to_string()
        }
    });
    (key, Some(lo + 1))
}

/// Reads `path` if it is a regular file of at most `max` bytes; opened without blocking so a
/// FIFO cannot hang the program.
pub fn read_regular(path: &std::path::Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    if meta.len() > max {
        return Err(Error::new(ErrorKind::InvalidInput, format!("larger than {} KiB", max / 1024)));
    }
    let mut out = Vec::new();
    file.take(max + 1).read_to_end(&mut out)?;
    if out.len() as u64 > max {
        return Err(Error::new(ErrorKind::InvalidInput, format!("larger than {} KiB", max / 1024)));
    }
    Ok(out)
}
