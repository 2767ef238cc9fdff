//! The synthetic cluster of render tests, benchmarks and `--demo`: it lives in the crate
//! (`hypervisor_tui::demo::cluster`), one copy for all of them.
#![allow(unused_imports)]

pub use hypervisor_tui::demo::cluster::*;
