//! Horizontal bars and sparklines as plain strings in the current glyph set.

use crate::ui::theme::Glyphs;

/// A `width`-cell bar filled to `percent` (clamped to 0..=100).
pub fn bar(percent: f64, width: usize, g: &Glyphs) -> String {
    let p = if percent.is_finite() { percent.clamp(0.0, 100.0) } else { 0.0 };
    let full = ((p / 100.0) * width as f64).round() as usize;
    let mut s = String::with_capacity(width * 3);
    s.extend(std::iter::repeat_n(g.bar_full, full.min(width)));
    s.extend(std::iter::repeat_n(g.bar_empty, width.saturating_sub(full)));
    s
}

/// The last `width` values as a sparkline scaled to `max` (or the largest value).
pub fn sparkline(values: &[f64], width: usize, max: Option<f64>, g: &Glyphs) -> String {
    let tail = &values[values.len().saturating_sub(width)..];
    let top = max.unwrap_or_else(|| tail.iter().copied().fold(0.0, f64::max));
    let levels = g.spark.len();
    tail.iter()
        .map(|v| {
            if top <= 0.0 || !v.is_finite() {
                return g.spark[0];
            }
            let i = ((v / top).clamp(0.0, 1.0) * (levels - 1) as f64).round() as usize;
            g.spark[i.min(levels - 1)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_bounds() {
        let g = Glyphs::ASCII;
        assert_eq!(bar(50.0, 4, &g), "##..");
        assert_eq!(bar(150.0, 3, &g), "###");
        assert_eq!(bar(f64::NAN, 2, &g), "..");
        assert_eq!(bar(10.0, 0, &g), "");
    }

    #[test]
    fn sparkline_scales() {
        let g = Glyphs::ASCII;
        assert_eq!(sparkline(&[0.0, 50.0, 100.0], 3, Some(100.0), &g), "_+@");
        assert_eq!(sparkline(&[1.0, 2.0, 3.0, 4.0], 2, None, &g), "*@");
        assert_eq!(sparkline(&[], 5, None, &g), "");
    }
}
