//! A multi-row history graph: one sample per column, newest on the right, series stacked
//! bottom up, a left axis, and the current value, scale and span written on its top row.
//! Glyphs by terminal: eighth blocks on UTF-8 terminals, half blocks on the Linux console
//! (its font has no eighths and no braille), `.` `:` `#` in the ASCII set.

use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use std::collections::VecDeque;

const EIGHTHS: &[char] = &['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const HALVES: &[char] = &['▄', '█'];
const ASCII: &[char] = &['.', ':', '#'];

/// Partial fills of a cell, lowest first, for this terminal.
pub fn levels(theme: &Theme) -> &'static [char] {
    if theme.glyphs.ascii {
        ASCII
    } else if theme.basic {
        HALVES
    } else {
        EIGHTHS
    }
}

/// One stacked series: values oldest first (NaN is a gap), and its colour.
pub struct Series<'a> {
    pub values: &'a VecDeque<f64>,
    pub style: Style,
}

pub struct Graph<'a> {
    /// Bottom first.
    pub series: Vec<Series<'a>>,
    /// The value at the top row.
    pub max: f64,
    /// Written at the top left: the current value.
    pub label: Line<'a>,
    /// Written at the top right: the scale.
    pub scale: String,
    /// Written at the bottom right: the time the columns cover.
    pub span: String,
    pub theme: &'a Theme,
}

/// "40 s", "8 min", "3 h": the span of a graph in words.
pub fn span_words(secs: u64) -> String {
    match secs {
        0 => String::new(),
        s if s < 120 => format!("last {s} s"),
        s if s < 7200 => format!("last {} min", s / 60),
        s => format!("last {} h", s / 3600),
    }
}

impl Graph<'_> {
    /// Stacked heights of column `i` (samples back from the newest), in sub-cell units.
    fn bands(&self, back: usize, units: f64) -> Option<Vec<usize>> {
        let mut cum = 0.0;
        let mut out = Vec::with_capacity(self.series.len());
        let mut any = false;
        for s in &self.series {
            let v = s.values.len().checked_sub(back + 1).and_then(|i| s.values.get(i)).copied();
            if let Some(v) = v.filter(|v| v.is_finite()) {
                cum += v.max(0.0);
                any = true;
            }
            out.push(((cum / self.max).clamp(0.0, 1.0) * units).round() as usize);
        }
        any.then_some(out)
    }

    fn draw_column(&self, buf: &mut Buffer, x: u16, area: Rect, bands: &[usize], lv: &[char]) {
        let l = lv.len();
        let top = bands.last().copied().unwrap_or(0);
        for r in 0..area.height as usize {
            let lo = r * l;
            if top <= lo {
                break;
            }
            let filled = (top - lo).min(l);
            let mid = lo * 2 + filled; // twice the midpoint of the filled part
            let k = bands.iter().position(|b| b * 2 > mid).unwrap_or(bands.len() - 1);
            let y = area.bottom() - 1 - r as u16;
            buf[(x, y)].set_char(lv[filled - 1]).set_style(self.series[k].style);
        }
    }
}

impl Widget for Graph<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 2 || area.height == 0 || self.series.is_empty() || self.max <= 0.0 {
            return;
        }
        let dim = self.theme.dim();
        // The top row: the current value on the left, the scale and span on the right.
        let right = match (self.scale.is_empty(), self.span.is_empty()) {
            (_, true) => self.scale.clone(),
            (true, false) => self.span.clone(),
            (false, false) => format!("{}  {}", self.scale, self.span),
        };
        let right_w = right.chars().count();
        let w = area.width as usize;
        let label_w = w.saturating_sub(right_w + 1);
        let label = super::fit::fit(self.label.clone(), label_w, self.theme.glyphs.ascii);
        buf.set_line(area.x, area.y, &label, label_w as u16);
        if right_w < w {
            buf.set_stringn(area.right() - right_w as u16, area.y, &right, right_w, dim);
        }
        if area.height < 2 {
            return;
        }
        let c = if self.theme.glyphs.ascii { '|' } else { '│' };
        for y in area.top() + 1..area.bottom() {
            buf[(area.x, y)].set_char(c).set_style(dim);
        }
        let plot = Rect { x: area.x + 1, y: area.y + 1, width: area.width - 1, height: area.height - 1 };
        let lv = levels(self.theme);
        let units = (plot.height as usize * lv.len()) as f64;
        for back in 0..plot.width as usize {
            let x = plot.right() - 1 - back as u16;
            if let Some(b) = self.bands(back, units) {
                self.draw_column(buf, x, plot, &b, lv);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::Glyphs;

    fn draw(values: &[f64], w: u16, h: u16, theme: &Theme) -> Vec<String> {
        let ring: VecDeque<f64> = values.iter().copied().collect();
        let g = Graph {
            series: vec![Series { values: &ring, style: Style::new() }],
            max: 100.0,
            label: Line::raw(""),
            scale: String::new(),
            span: String::new(),
            theme,
        };
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        g.render(area, &mut buf);
        (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect()).collect()
    }

    #[test]
    fn one_sample_per_column_newest_right() {
        let t = Theme::new(Glyphs::ASCII, false);
        // 3 rows x 3 levels = 9 units: 100 % fills, 50 % is 4.5 -> 5 units (3 + 2), 0 is empty.
        let rows = draw(&[100.0, 50.0, 0.0, f64::NAN], 5, 4, &t);
        assert_eq!(rows, ["     ", "|#   ", "|#:  ", "|##  "]);
        let short = draw(&[100.0], 4, 2, &t);
        assert_eq!(short, ["    ", "|  #"], "few samples sit on the right");
    }

    #[test]
    fn console_and_unicode_glyphs() {
        let linux = Theme::new(Glyphs::UNICODE, true);
        assert_eq!(draw(&[25.0, 100.0], 3, 3, &linux), ["   ", "│ █", "│▄█"]);
        let xterm = Theme::new(Glyphs::UNICODE, false);
        assert_eq!(draw(&[50.0], 2, 2, &xterm), ["  ", "│▄"]);
        assert!(draw(&[10.0], 2, 0, &xterm).is_empty());
        assert_eq!(span_words(480), "last 8 min");
        assert_eq!(span_words(30), "last 30 s");
    }
}
