//! Made-up but realistic host data, deterministic from a seed: test data the project makes
//! itself, and the source of the demonstration mode (`--demo`) that needs no real host.
//! Plain data and servers only: the console's wiring of it lives in `tui::demo`.

pub mod cluster;
mod journal_content;
pub mod journal_export;
pub mod kube_api;
pub mod rng;
