//! Colours and glyph sets, chosen from TERM, the locale and the config.

use crate::config::GlyphChoice;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// Characters for borders, bars and sparklines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    pub border: border::Set<'static>,
    pub bar_full: char,
    pub bar_empty: char,
    /// Sparkline levels, lowest first.
    pub spark: &'static [char],
    pub sep: &'static str,
    pub ascii: bool,
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        border: border::PLAIN,
        bar_full: '█',
        bar_empty: '░',
        spark: &['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
        sep: "│",
        ascii: false,
    };

    pub const ASCII: Glyphs = Glyphs {
        border: ASCII_BORDER,
        bar_full: '#',
        bar_empty: '.',
        spark: &['_', '.', '-', '=', '+', '*', '#', '@'],
        sep: "|",
        ascii: true,
    };
}

/// The palette: only the 8/16 basic colours, which every console has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub glyphs: Glyphs,
    /// True on the Linux VT: no bold-as-bright tricks, no 256-colour indices.
    pub basic: bool,
}

impl Theme {
    pub fn new(glyphs: Glyphs, basic: bool) -> Self {
        Theme { glyphs, basic }
    }

    /// Picks glyphs and colours from the config, `TERM` and the locale variables.
    pub fn detect(choice: GlyphChoice, term: Option<&str>, locale: Option<&str>) -> Theme {
        let term = term.unwrap_or("");
        let glyphs = match choice {
            GlyphChoice::Unicode => Glyphs::UNICODE,
            GlyphChoice::Ascii => Glyphs::ASCII,
            GlyphChoice::Auto if ascii_only(term, locale) => Glyphs::ASCII,
            GlyphChoice::Auto => Glyphs::UNICODE,
        };
        Theme::new(glyphs, term == "linux" || term.starts_with("vt"))
    }

    /// `detect` with the process environment (LC_ALL, then LC_CTYPE, then LANG).
    pub fn from_env(choice: GlyphChoice) -> Theme {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let locale = var("LC_ALL").or_else(|| var("LC_CTYPE")).or_else(|| var("LANG"));
        Theme::detect(choice, var("TERM").as_deref(), locale.as_deref())
    }

    pub fn header(&self) -> Style {
        Style::new().fg(Color::White).bg(Color::Blue)
    }
    pub fn title(&self) -> Style {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        Style::new().fg(if self.basic { Color::White } else { Color::DarkGray })
    }
    pub fn tab_active(&self) -> Style {
        Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        Style::new().fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        Style::new().fg(Color::Yellow)
    }
    pub fn crit(&self) -> Style {
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Style for a 0/1/2 severity level.
    pub fn level(&self, level: u8) -> Style {
        match level {
            0 => self.ok(),
            1 => self.warn(),
            _ => self.crit(),
        }
    }
}

fn ascii_only(term: &str, locale: Option<&str>) -> bool {
    let utf8 = locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    });
    !utf8 || matches!(term, "vt100" | "vt102" | "vt220" | "vt52" | "dumb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_picks_ascii_for_serial_terms_and_non_utf8() {
        let utf = Some("en_US.UTF-8");
        assert!(Theme::detect(GlyphChoice::Auto, Some("vt220"), utf).glyphs.ascii);
        assert!(Theme::detect(GlyphChoice::Auto, Some("xterm-256color"), Some("C")).glyphs.ascii);
        assert!(Theme::detect(GlyphChoice::Auto, Some("xterm"), None).glyphs.ascii);
        assert!(!Theme::detect(GlyphChoice::Auto, Some("linux"), Some("C.utf8")).glyphs.ascii);
        assert!(!Theme::detect(GlyphChoice::Unicode, Some("vt220"), None).glyphs.ascii);
        assert!(Theme::detect(GlyphChoice::Auto, Some("linux"), utf).basic);
    }
}
