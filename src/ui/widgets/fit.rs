//! Lines cut to a width at a word boundary (inside a long last word rather than drop it):
//! what does not fit is dropped with a marker (`…`, or `~` in the ASCII set); or wrapped
//! onto more rows at word boundaries, for a cause that is worth reading whole.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Cells a cut at a space may leave empty before [`fit`] cuts inside the word instead.
const WORD_CUT_WASTE: usize = 10;

/// What stands for the text a cut dropped.
fn marker(ascii: bool) -> &'static str {
    if ascii { "~" } else { "…" }
}

/// `line` cut to `width` cells: at the last space before the edge, with `marker` after it;
/// inside the last word when a space would leave more than a third of the row (and more
/// than [`WORD_CUT_WASTE`] cells) empty: a long URI or path says more cut than dropped.
pub fn fit<'a>(line: Line<'a>, width: usize, ascii: bool) -> Line<'a> {
    if line.width() <= width {
        return line;
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    // The cut: the last space that leaves room for the marker.
    let room = width.saturating_sub(1);
    let chars: Vec<char> = text.chars().collect();
    let edge = room.min(chars.len());
    let wasteful = |at: usize| (edge - at) * 3 > edge && edge - at > WORD_CUT_WASTE;
    let cut = chars[..edge].iter().rposition(|c| *c == ' ').filter(|at| !wasteful(*at)).unwrap_or(edge);
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
    out.push(Span::raw(marker(ascii)));
    Line::from(out).style(line.style)
}

/// `line` in rows of at most `width` cells, broken at spaces (a word longer than a row is
/// broken inside, from where it starts); rows after the first start with `indent` spaces.
/// Styles are kept, and a wide character counts its two cells.
pub fn wrap<'a>(line: Line<'a>, width: usize, indent: usize) -> Vec<Line<'a>> {
    if line.width() <= width {
        return vec![line];
    }
    let indent = if indent + 8 > width { 0 } else { indent };
    let cells = |c: char| Span::raw(&*c.encode_utf8(&mut [0; 4])).width();
    let chars: Vec<(char, Style, usize)> =
        line.spans.iter().flat_map(|s| s.content.chars().map(move |c| (c, s.style, cells(c)))).collect();
    let mut rows = Vec::new();
    let mut p = 0;
    while p < chars.len() {
        let lead = if rows.is_empty() { 0 } else { indent };
        let room = width.saturating_sub(lead).max(1);
        let rest = &chars[p..];
        // How many characters fit the row (one at least, so a row always moves on).
        let (mut used, mut fits) = (0, 0);
        for (_, _, w) in rest {
            if used + w > room {
                break;
            }
            used += w;
            fits += 1;
        }
        let fits = fits.max(1);
        let (take, skip) = if fits == rest.len() {
            (fits, fits)
        } else {
            // The last space at or just past the edge, after the row's own leading spaces;
            // inside the next word when no row could hold it whole anyway (a long URI).
            let first = rest.iter().position(|(c, ..)| *c != ' ').unwrap_or(0);
            let next_row = width.saturating_sub(indent);
            let too_long = |q: usize| rest[q + 1..].iter().take_while(|(c, ..)| *c != ' ').count() > next_row;
            let space = rest[..=fits].iter().rposition(|(c, ..)| *c == ' ');
            match space.filter(|q| *q > first && !too_long(*q)) {
                Some(q) => (q, q + 1),
                None => (fits, fits),
            }
        };
        let mut spans = Vec::new();
        if lead > 0 {
            spans.push(Span::raw(" ".repeat(lead)));
        }
        let row = &rest[..take];
        let end = row.iter().rposition(|(c, ..)| *c != ' ').map_or(0, |i| i + 1);
        for run in row[..end].chunk_by(|a, b| a.1 == b.1) {
            spans.push(Span::styled(run.iter().map(|(c, ..)| *c).collect::<String>(), run[0].1));
        }
        rows.push(Line::from(spans).style(line.style));
        p += skip;
        if skip > take {
            // Broken at a space: the next row does not start with the rest of that run.
            while p < chars.len() && chars[p].0 == ' ' {
                p += 1;
            }
        }
    }
    rows
}

/// [`wrap`] in at most `max` rows: the last one kept ends with the marker when more was cut.
pub fn wrap_max<'a>(line: Line<'a>, width: usize, indent: usize, max: usize, ascii: bool) -> Vec<Line<'a>> {
    let mut rows = wrap(line, width, indent);
    if rows.len() > max.max(1) {
        rows.truncate(max.max(1));
        let last = rows.pop().unwrap_or_default();
        let w = last.width();
        rows.push(if w < width {
            let mut l = last;
            l.spans.push(Span::raw(marker(ascii)));
            l
        } else {
            fit(last, w.saturating_sub(1), ascii)
        });
    }
    rows
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
        let long = Line::raw("guest web crashed on test:///tmp/hypervisor-tui-demo.1234/node.xml");
        assert_eq!(text(&fit(long, 40, false)), "guest web crashed on test:///tmp/hyperv…", "a long URI");
        assert!(fit(Line::raw("abc"), 0, true).width() <= 1);
    }

    #[test]
    fn wraps_at_words_with_a_hanging_indent_and_keeps_styles() {
        let red = Style::new().fg(ratatui::style::Color::Red);
        let l = Line::from(vec![
            Span::raw(" systemd    "),
            Span::styled("unavailable ", red),
            Span::raw("no socket at /run/dbus/system_bus_socket here"),
        ]);
        let rows = wrap(l.clone(), 52, 24);
        let texts: Vec<String> = rows.iter().map(text).collect();
        let hang = " ".repeat(24);
        assert_eq!(
            texts,
            [
                " systemd    unavailable no socket at",
                &format!("{hang}/run/dbus/system_bus_socket"),
                &format!("{hang}here")
            ]
        );
        assert_eq!(rows[0].spans[1].style, red, "the label keeps its colour");
        assert!(rows.iter().all(|r| r.width() <= 52));
        let narrow: Vec<String> = wrap(l.clone(), 40, 24).iter().map(text).collect();
        assert_eq!(narrow[0], " systemd    unavailable no socket at /ru", "too long for any row: begun here");
        assert_eq!(narrow[1], format!("{hang}n/dbus/system_bu"), "and broken inside");
        assert_eq!(wrap(l.clone(), 200, 24).len(), 1, "a line that fits is left alone");
        // Nothing is lost: the words are the same.
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&texts.join(" ")), words(&text(&l)));
    }

    #[test]
    fn a_word_longer_than_a_row_is_broken_and_narrow_rows_drop_the_indent() {
        let rows: Vec<String> = wrap(Line::raw("abcdefghijkl"), 5, 2).iter().map(text).collect();
        assert_eq!(rows, vec!["abcde", "fghij", "kl"], "no indent wider than the row allows");
        let rows: Vec<String> = wrap(Line::raw("ab cdefghijklmnop"), 10, 1).iter().map(text).collect();
        assert_eq!(rows, vec!["ab cdefghi", " jklmnop"], "a word no row holds starts on the first");
        let rows: Vec<String> = wrap(Line::raw("ab cdefghijk"), 10, 1).iter().map(text).collect();
        assert_eq!(rows, vec!["ab", " cdefghijk"], "one the next row holds starts there");
    }

    #[test]
    fn a_long_uri_is_broken_inside_rather_than_leave_a_row_empty() {
        let l = Line::raw(
            " libvirt    unavailable qemu+ssh://some-remote-hypervisor.example.org/system?keyfile=/k: gone",
        );
        let rows: Vec<String> = wrap(l.clone(), 60, 24).iter().map(text).collect();
        assert_eq!(rows[0], " libvirt    unavailable qemu+ssh://some-remote-hypervisor.ex", "{rows:?}");
        let squeezed = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squeezed(&rows.concat()), squeezed(&text(&l)), "nothing lost");
    }

    #[test]
    fn wide_characters_count_their_two_cells() {
        let rows = wrap(Line::raw("界界界界界 abc"), 6, 0);
        assert!(rows.iter().all(|r| r.width() <= 6), "{rows:?}");
        let rows: Vec<String> = rows.iter().map(text).collect();
        assert_eq!(rows.concat(), "界界界界界abc");
    }

    #[test]
    fn wrap_max_marks_what_it_cut() {
        let l = Line::raw("one two three four five six seven");
        let rows: Vec<String> = wrap_max(l.clone(), 10, 0, 2, true).iter().map(text).collect();
        assert_eq!(rows, vec!["one two", "three~"]);
        let rows: Vec<String> = wrap_max(l, 10, 0, 9, false).iter().map(text).collect();
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert!(!rows.concat().contains('…'));
    }
}
