//! Small text widgets drawn with the theme's glyph set.

pub mod bar;
pub mod line_edit;
