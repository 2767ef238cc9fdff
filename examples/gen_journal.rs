//! Journal entries of a made-up hypervisor host in export format on stdout, for
//! `systemd-journal-remote` (benches/journal.sh makes its large journal this way):
//!
//!     cargo run --release --example gen_journal -- --entries 1500000 --seed 7 \
//!       | /lib/systemd/systemd-journal-remote --output=DIR/system.journal -

use clap::Parser;
use hypervisor_tui::demo::journal_export::{Options, write_stream};
use std::time::Duration;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    entries: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// µs since the epoch of the first entry's boot (default 2025-01-01T00:00:00Z).
    #[arg(long, default_value_t = 1_735_689_600_000_000)]
    start_usec: u64,
    #[arg(long, default_value_t = 3)]
    boots: usize,
    #[arg(long, default_value = "hv01")]
    hostname: String,
    /// Seconds to wait after each entry (a slow writer, for follow tests).
    #[arg(long)]
    delay: Option<f64>,
}

fn main() -> std::io::Result<()> {
    let a = Args::parse();
    let opts = Options {
        entries: a.entries,
        seed: a.seed,
        start_usec: a.start_usec,
        boots: a.boots,
        hostname: a.hostname,
    };
    let pace = a.delay.map(Duration::from_secs_f64);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write_stream(&opts, &mut out, pace) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map(drop),
    }
}
