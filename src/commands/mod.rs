//! One-shot verbs: `snapshot`, `check`, `logs`. No terminal needed.

mod hints;
pub mod logs;
pub mod snapshot;

use crate::collectors;
use crate::config::Config;
use crate::event::Health;
use std::io::Write;
use std::time::Duration;

/// How long a one-shot command waits for any one source.
pub const SOURCE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long `snapshot` waits for every source to answer, unless `--timeout` says otherwise.
pub const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(5);

/// `check`: one line per source, and under a source that cannot be read, the NixOS option
/// that fixes it where there is one; status 0 when every source answers or is disabled.
pub async fn check(config: &Config) -> u8 {
    let results = collectors::check_all(config, SOURCE_TIMEOUT).await;
    let mut out = std::io::stdout().lock();
    let mut healthy = true;
    for (id, h) in &results {
        healthy &= matches!(h, Health::Ok(_) | Health::Disabled(_));
        let _ = writeln!(out, "{:<11} {:<12} {}", id.key(), h.label(), crate::ui::fmt::sanitize(h.reason()));
        if let Some(hint) = hints::nixos_hint(*id, h) {
            let _ = writeln!(out, "{:<24} on NixOS: {hint}", "");
        }
    }
    if healthy { 0 } else { 1 }
}
