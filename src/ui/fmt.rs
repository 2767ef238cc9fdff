//! Formatting helpers shared by the screens and the text snapshot.

/// 1536 → "1.5K", binary units, one decimal below 10.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 7] = ["B", "K", "M", "G", "T", "P", "E"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n}B")
    } else if v < 10.0 {
        format!("{v:.1}{}", UNITS[i])
    } else {
        format!("{v:.0}{}", UNITS[i])
    }
}

/// "used/total" with one unit, e.g. "3.1/15.6G".
pub fn bytes_pair(used: u64, total: u64) -> String {
    let g = 1024.0 * 1024.0 * 1024.0;
    if total as f64 >= g {
        format!("{:.1}/{:.1}G", used as f64 / g, total as f64 / g)
    } else {
        format!("{}/{}", bytes(used), bytes(total))
    }
}

/// Durations and times have one home, shared with the text snapshot and `logs`.
pub use crate::timefmt::duration;

/// Untrusted text made safe for the terminal: control characters and escape
/// sequences become visible caret notation (`ESC` → `^[`), so nothing can move
/// the cursor, retitle the window or switch screens. Characters that change how text
/// around them reads without showing themselves (bidi overrides and isolates, zero-width
/// characters, the BOM, line/paragraph separators) are shown as `<U+202E>`.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push((c as u8 + 0x40) as char);
            }
            '\u{7f}' => out.push_str("^?"),
            c if ('\u{80}'..='\u{9f}').contains(&c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c if invisible(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Text for an ASCII-only terminal (vt220, a non-UTF-8 locale): the few non-ASCII signs
/// the screens themselves write (`→ ≥ ° ·`) spelled in ASCII, anything else as `?`.
pub fn ascii_fallback(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '→' => out.push_str("->"),
            '≥' => out.push_str(">="),
            '°' => {}
            '·' => out.push('|'),
            _ => out.push('?'),
        }
    }
    out
}

/// Bidi embeddings/overrides/isolates, zero-width characters and marks, BOM, separators.
fn invisible(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{feff}' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(bytes(512), "512B");
        assert_eq!(bytes(1536), "1.5K");
        assert_eq!(bytes(64 * 1024 * 1024 * 1024), "64G");
        assert_eq!(bytes_pair(3 << 30, 16 << 30), "3.0/16.0G");
    }

    #[test]
    fn ascii_fallback_spells_the_signs() {
        assert_eq!(ascii_fallback("kernel 6.1 → 6.2 · 97 °C ≥ crit é"), "kernel 6.1 -> 6.2 | 97 C >= crit ?");
    }

    #[test]
    fn sanitize_neutralises_escapes() {
        let evil = "a\x1b]0;title\x07b\x1b[2J\u{9b}c\r\n";
        let safe = sanitize(evil);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert_eq!(safe, "a^[]0;title^Gb^[[2J\\u{9b}c^M^J");
        let hidden = "user\u{202e}gnp.exe\u{2066}x\u{2069}\u{200b}\u{feff}\u{2028}é";
        assert_eq!(sanitize(hidden), "user<U+202E>gnp.exe<U+2066>x<U+2069><U+200B><U+FEFF><U+2028>é");
    }
}
