//! Lines cut to a width at a word boundary, never mid-word: what does not fit is dropped
//! with a marker (`…`, or `~` in the ASCII set).

use ratatui::text::{Line, Span};

/// `line` cut to `width` cells: at the last space before the edge, with `marker` after it.
pub fn fit<'a>(line: Line<'a>, width: usize, ascii: bool) -> Line<'a> {
    let marker = if ascii { "~" } else { "…" };
    if line.width() <= width {
        return line;
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    // The cut: the last space that leaves room for the marker.
    let room = width.saturating_sub(1);
    let chars: Vec<char> = text.chars().collect();
    let cut = chars[..room.min(chars.len())].iter().rposition(|c| *c == ' ').unwrap_or(room.min(chars.len()));
    let keep = chars[..cut].iter().rposition(|c| *c != ' ').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut left = keep;
    for s in line.spans {
        if left == 0 {
            break;
        }
        let n = s.content.chars().count();
        if n <= left {
            left -= n;
            out.push(s);
        } else {
            out.push(Span::styled(s.content.chars().take(left).collect::<String>(), s.style));
            left = 0;
        }
    }
    out.push(Span::raw(marker));
    Line::from(out).style(line.style)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn cuts_at_a_word() {
        let l = Line::from(vec![Span::raw(" Mem 64% "), Span::raw("avail 23G cache 12G buf 1.0G")]);
        assert_eq!(text(&fit(l.clone(), 30, true)), " Mem 64% avail 23G cache 12G~");
        assert_eq!(text(&fit(l.clone(), 100, true)), " Mem 64% avail 23G cache 12G buf 1.0G");
        assert_eq!(text(&fit(l, 22, false)), " Mem 64% avail 23G…");
        assert_eq!(text(&fit(Line::raw("abcdefgh"), 4, true)), "abc~", "one long word is cut");
        assert!(fit(Line::raw("abc"), 0, true).width() <= 1);
    }
}
