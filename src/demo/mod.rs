//! Made-up but realistic host data, deterministic from a seed: test data the project makes
//! itself, and the source of the demonstration mode (`--demo`) that needs no real host.
//! Plain data and servers only: the console's wiring of it lives in `tui::demo`.

pub mod cluster;
pub mod guests;
mod journal_content;
pub mod journal_export;
pub mod journal_feed;
pub mod kube_api;
#[cfg(feature = "libvirt")]
pub mod libvirt_driver;
pub mod rng;
pub mod screens;
pub mod system;
