//! Small text widgets drawn with the theme's glyph set.

pub mod bar;
pub mod fit;
pub mod graph;
pub mod line_edit;
