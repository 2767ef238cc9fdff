//! Made-up but realistic host data, deterministic from a seed: test data the project makes
//! itself, and the source of a demonstration mode that needs no real host.

mod journal_content;
pub mod journal_export;
pub mod rng;
