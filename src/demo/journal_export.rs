//! Journal entries of a made-up hypervisor host, in systemd's Journal Export Format
//! (<https://systemd.io/JOURNAL_EXPORT_FORMATS/>), ready for `systemd-journal-remote`.
//!
//! Deterministic from a seed: the same options give the same bytes. The mix covers what a
//! journal reader must get right: many units and priorities, k3s/containerd lines that carry
//! their level in the text (`level=error`, klog `E1122 …`), repeated and unique messages,
//! long messages (over 512 bytes, so the journal compresses them), binary values, a
//! multi-valued field (`TAG` = alpha and beta), invalid UTF-8 and several boots.

use super::journal_content::{self as content, Style, Transport, UNITS, Unit};
use super::rng::Rng;
use std::collections::HashMap;
use std::io::{self, Write};
use std::time::Duration;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub entries: usize,
    pub seed: u64,
    /// `__REALTIME_TIMESTAMP` of the first boot's start, in µs since the epoch.
    pub start_usec: u64,
    /// Boots the entries are spread over, in order (at least one).
    pub boots: usize,
    pub hostname: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            entries: 10_000,
            seed: 1,
            start_usec: 1_735_689_600_000_000, // 2025-01-01T00:00:00Z
            boots: 3,
            hostname: "hv01".into(),
        }
    }
}

/// One journal entry: its timestamps and boot, and its fields in order (a name may repeat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub realtime_usec: u64,
    pub monotonic_usec: u64,
    pub boot_id: [u8; 16],
    pub fields: Vec<(&'static str, Vec<u8>)>,
}

impl Entry {
    /// The first value of `name`.
    pub fn field(&self, name: &str) -> Option<&[u8]> {
        self.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_slice())
    }

    fn push(&mut self, name: &'static str, value: impl Into<Vec<u8>>) {
        self.fields.push((name, value.into()));
    }

    /// The entry in export format, ending with the blank line that closes it.
    pub fn write_export(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "__REALTIME_TIMESTAMP={}", self.realtime_usec)?;
        writeln!(out, "__MONOTONIC_TIMESTAMP={}", self.monotonic_usec)?;
        writeln!(out, "_BOOT_ID={}", hex(&self.boot_id))?;
        for (name, value) in &self.fields {
            write_field(out, name, value)?;
        }
        out.write_all(b"\n")
    }
}

/// `NAME=value`, or the binary form (name, newline, little-endian length, bytes) for values
/// with a newline or other control characters.
fn write_field(out: &mut impl Write, name: &str, value: &[u8]) -> io::Result<()> {
    if value.iter().any(|b| *b < 32 && *b != b'\t') {
        writeln!(out, "{name}")?;
        out.write_all(&(value.len() as u64).to_le_bytes())?;
        out.write_all(value)?;
        out.write_all(b"\n")
    } else {
        write!(out, "{name}=")?;
        out.write_all(value)?;
        out.write_all(b"\n")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The entries, oldest first.
pub struct Generator {
    opts: Options,
    rng: Rng,
    machine_id: [u8; 16],
    boot_ids: Vec<[u8; 16]>,
    index: usize,
    realtime: u64,
    boot_start: u64,
    pids: HashMap<&'static str, u32>,
    ids: HashMap<(&'static str, usize, bool), String>,
}

impl Generator {
    pub fn new(opts: Options) -> Generator {
        let mut rng = Rng::new(opts.seed);
        let machine_id = rng.bytes();
        let boot_ids = (0..opts.boots.max(1)).map(|_| rng.bytes()).collect();
        let realtime = opts.start_usec;
        Generator {
            opts,
            rng,
            machine_id,
            boot_ids,
            index: 0,
            realtime,
            boot_start: realtime,
            pids: HashMap::new(),
            ids: HashMap::new(),
        }
    }

    /// The boot ids, in order.
    pub fn boot_ids(&self) -> &[[u8; 16]] {
        &self.boot_ids
    }

    fn per_boot(&self) -> usize {
        (self.opts.entries / self.boot_ids.len()).max(1)
    }

    fn next_entry(&mut self) -> Entry {
        let per_boot = self.per_boot();
        let boot = (self.index / per_boot).min(self.boot_ids.len() - 1);
        if self.index.is_multiple_of(per_boot) {
            self.boot_start = self.realtime;
            self.pids.clear();
        }
        self.realtime += self.rng.range(1, 200_000);
        let mut e = Entry {
            realtime_usec: self.realtime,
            monotonic_usec: self.realtime - self.boot_start + 5_000_000,
            boot_id: self.boot_ids[boot],
            fields: Vec::with_capacity(24),
        };
        e.push("_MACHINE_ID", hex(&self.machine_id));
        e.push("_HOSTNAME", self.opts.hostname.as_str());
        let unit = &UNITS[self.rng.weighted(&UNITS.map(|u| u.weight))];
        e.push("_TRANSPORT", unit.transport.as_str());
        if unit.transport == Transport::Kernel {
            self.kernel_fields(&mut e);
        } else {
            self.process_fields(&mut e, unit, boot);
        }
        self.extras(&mut e);
        self.index += 1;
        e
    }

    fn kernel_fields(&mut self, e: &mut Entry) {
        e.push("PRIORITY", self.rng.pick(&["3", "4", "5", "6", "6", "6"]).as_bytes());
        e.push("SYSLOG_FACILITY", "0");
        e.push("SYSLOG_IDENTIFIER", "kernel");
        e.push("_SOURCE_MONOTONIC_TIMESTAMP", (e.monotonic_usec - 100).to_string());
        let m = content::kernel_message(&mut self.rng);
        self.push_message(e, m);
    }

    fn process_fields(&mut self, e: &mut Entry, unit: &Unit, boot: usize) {
        let name = unit.name.unwrap_or("unknown.service");
        let pid = *self.pids.entry(name).or_insert_with(|| self.rng.range(300, 4_000_000) as u32);
        let priority = match unit.style {
            Style::Priority => self.rng.weighted(&[1, 2, 10, 80, 160, 300, 1200, 240]),
            Style::Klog | Style::Logfmt => 6,
        };
        e.push("PRIORITY", priority.to_string());
        e.push("_PID", pid.to_string());
        e.push("_UID", "0");
        e.push("_GID", "0");
        e.push("_COMM", unit.comm);
        let exe = unit.exe_path();
        e.push("_CMDLINE", format!("{exe} --foreground"));
        e.push("_EXE", exe);
        e.push("_CAP_EFFECTIVE", "1ffffffffff");
        let scope = name.ends_with(".scope") && name != "init.scope";
        let slice = if scope {
            "machine.slice"
        } else if name == "init.scope" {
            "-.slice"
        } else {
            "system.slice"
        };
        e.push("_SYSTEMD_CGROUP", format!("/{slice}/{name}").replace("/-.slice", ""));
        e.push("_SYSTEMD_UNIT", name);
        e.push("_SYSTEMD_SLICE", slice);
        e.push("_SYSTEMD_INVOCATION_ID", self.id(name, boot, false));
        e.push("SYSLOG_IDENTIFIER", unit.comm);
        e.push("SYSLOG_FACILITY", "3");
        match unit.transport {
            Transport::Stdout => e.push("_STREAM_ID", self.id(name, boot, true)),
            Transport::Syslog => e.push("SYSLOG_TIMESTAMP", "Jan  1 00:00:00 "),
            Transport::Journal if self.rng.chance(0.5) => self.code_location(e),
            _ => {}
        }
        let m = match unit.style {
            Style::Priority => content::message(&mut self.rng),
            Style::Klog => content::klog(&mut self.rng, e.realtime_usec, pid),
            Style::Logfmt => content::logfmt(&mut self.rng, e.realtime_usec),
        };
        self.push_message(e, m);
    }

    fn code_location(&mut self, e: &mut Entry) {
        let file = format!("src/{}.c", self.rng.pick(&["main", "daemon", "network", "qemu_driver"]));
        e.push("CODE_FILE", file);
        e.push("CODE_LINE", self.rng.below(3000).to_string());
        e.push("CODE_FUNC", format!("{}_run", self.rng.pick(&["worker", "event", "monitor"])));
    }

    /// A per-unit, per-boot id (invocation or stream), stable within the boot.
    fn id(&mut self, unit: &'static str, boot: usize, stream: bool) -> String {
        let rng = &mut self.rng;
        self.ids.entry((unit, boot, stream)).or_insert_with(|| rng.hex(32)).clone()
    }

    /// `MESSAGE`, one time in a hundred wrapped in ANSI colour codes (binary in export).
    fn push_message(&mut self, e: &mut Entry, m: String) {
        let m = if self.rng.chance(0.01) { format!("\x1b[31m{m}\x1b[0m") } else { m };
        e.push("MESSAGE", m);
    }

    /// Rare fields: a binary blob, a multi-valued field, invalid UTF-8.
    fn extras(&mut self, e: &mut Entry) {
        if self.rng.chance(0.005) {
            let len = self.rng.range(8, 64) as usize;
            e.push("BLOB_DATA", (0..len).map(|_| self.rng.below(256) as u8).collect::<Vec<u8>>());
        }
        if self.rng.chance(0.005) {
            e.push("TAG", "alpha");
            e.push("TAG", "beta");
        }
        if self.rng.chance(0.002) {
            e.push("RAW_BYTES", b"\xff\xfe caf\xe9 \xc3\x28".as_slice());
        }
    }
}

impl Iterator for Generator {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        (self.index < self.opts.entries).then(|| self.next_entry())
    }
}

/// Writes every entry of `opts` to `out` in export format; with `pace`, flushes after each
/// entry and waits that long (a slow writer, for live-follow tests and demonstrations).
/// Returns the number of entries written.
pub fn write_stream(opts: &Options, out: &mut impl Write, pace: Option<Duration>) -> io::Result<usize> {
    let mut n = 0;
    for e in Generator::new(opts.clone()) {
        e.write_export(out)?;
        n += 1;
        if let Some(d) = pace {
            out.flush()?;
            std::thread::sleep(d);
        }
    }
    out.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests;
