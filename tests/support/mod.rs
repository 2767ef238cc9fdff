//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod actiond;
pub mod cluster;
pub mod journal;
pub mod journal_format;
pub mod journal_mutate;
pub mod kube_api;
#[cfg(feature = "kubernetes")]
pub mod kube_console;
pub mod libvirtd;
pub mod module;
pub mod require;
pub mod snapshot;
pub mod system;
pub mod systemd;
pub mod tmux;

use hypervisor_tui::event::{Event, Health, SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::host::{CpuBreakdown, CpuUsage, DiskUsage, HostSample, IoRate, Memory, NetRate};
use hypervisor_tui::model::log_buffer::LogLine;
use ratatui::buffer::Buffer;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A fixed host, so screens render the same on every machine.
pub fn sample_host(cores: usize) -> HostSample {
    HostSample {
        hostname: "hv-01".into(),
        kernel: "6.6.52".into(),
        uptime_s: 15 * 86_400 + 7 * 3600 + 32 * 60,
        load: [2.34, 1.98, 1.50],
        cpu: CpuUsage {
            cores,
            usage_percent: Some(45.2),
            per_core_percent: (0..cores).map(|i| (i * 37 % 101) as f64).collect(),
            breakdown: Some(CpuBreakdown { user: 30.1, system: 9.5, iowait: 4.1, steal: 1.5 }),
            model: "AMD EPYC 7543 32-Core Processor".into(),
            frequency_mhz: 2800,
        },
        memory: Memory {
            total_bytes: 64 << 30,
            available_bytes: 23 << 30,
            used_bytes: 41 << 30,
            swap_total_bytes: 8 << 30,
            swap_used_bytes: 1 << 30,
            buffers_bytes: 1 << 30,
            cached_bytes: 12 << 30,
            hugepages_total: 8192,
            hugepages_free: 1024,
            hugepage_size_bytes: 2 << 20,
        },
        disks: [
            ("/", "/dev/nvme0n1p2", 40),
            ("/nix/store", "/dev/nvme0n1p2", 40),
            ("/var/lib/libvirt/images", "/dev/md0", 93),
        ]
        .into_iter()
        .map(|(mount, device, pct)| DiskUsage {
            mount: mount.into(),
            device: device.into(),
            fstype: "ext4".into(),
            total_bytes: 1 << 40,
            used_bytes: (1u64 << 40) / 100 * pct,
        })
        .collect(),
        disk_io: vec![IoRate {
            device: "nvme0n1".into(),
            read_bytes_per_s: 245e6,
            write_bytes_per_s: 120e6,
            read_iops: 1800.0,
            write_iops: 950.0,
        }],
        net_io: vec![
            NetRate { iface: "eth0".into(), rx_bytes_per_s: 1.2e9, tx_bytes_per_s: 8.9e8 },
            NetRate { iface: "br0".into(), rx_bytes_per_s: 3.0e7, tx_bytes_per_s: 2.0e7 },
        ],
        tcp: Some(
            [("ESTABLISHED".to_string(), 2456), ("LISTEN".to_string(), 31), ("TIME_WAIT".to_string(), 120)]
                .into(),
        ),
    }
}

/// A model with every kind of health represented.
pub fn sample_model() -> Model {
    let mut m = Model::default();
    m.apply(Update::Host(Box::new(sample_host(4))));
    let healths = [
        (SourceId::Journal, Health::Ok("12 files in /var/log/journal".into())),
        (SourceId::Procfs, Health::Ok("4 cores".into())),
        (SourceId::Netlink, Health::Ok("7 links".into())),
        (SourceId::Libvirt, Health::Unavailable("qemu:///system: no libvirtd socket".into())),
        (SourceId::Kubernetes, Health::Ok("API server v1.31.4+k3s1".into())),
        (SourceId::Kubevirt, Health::Error("API group discovery failed: 500".into())),
    ];
    for (id, h) in healths {
        m.apply(Update::Health(id, h));
    }
    m.logs.append(sample_log_lines(40));
    m
}

/// Journal lines of every level, one hostile, one long; 2025-01-01 from 00:00 UTC.
pub fn sample_log_lines(n: u64) -> Vec<LogLine> {
    let units = ["libvirtd.service", "k3s.service", "sshd.service", "kernel"];
    (0..n)
        .map(|i| {
            let unit = units[(i % 4) as usize];
            let message = match i % 10 {
                3 => "E1122 10:00:00.000000 1234 kubelet.go:1] Failed to sync pod vm-17".to_string(),
                5 => "evil \x1b]0;pwned\x07 \x1b[2J done".to_string(),
                7 => format!("migration of vm{i} completed, downtime {} ms, {}", i * 7, "x".repeat(150)),
                _ => format!("Started Session {i} of User root."),
            };
            LogLine {
                realtime_usec: 1_735_689_600_000_000 + i * 1_500_000,
                level: [6, 4, 6, 3, 6, 2, 5, 6, 7, 6][(i % 10) as usize],
                unit: if unit == "kernel" { "".into() } else { unit.into() },
                ident: unit.trim_end_matches(".service").into(),
                pid: (unit != "kernel").then_some(1000 + i as u32),
                kernel: unit == "kernel",
                message: message.into(),
            }
        })
        .collect()
}

/// The buffer as text, one line per row, trailing spaces kept.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Whether the cell right after the first `needle` on screen is drawn in reverse video: the
/// line editor's cursor (text captures do not show styles).
pub fn cursor_after(buf: &Buffer, needle: &str) -> bool {
    let area = buf.area;
    (0..area.height).any(|y| {
        let row: Vec<&str> = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        let line = row.concat();
        line.find(needle).is_some_and(|at| {
            let col = line[..at + needle.len()].chars().count() as u16;
            col < area.width && buf[(col, y)].modifier.contains(ratatui::style::Modifier::REVERSED)
        })
    })
}

/// A journal holding hostile text, written by systemd-journal-remote from export format.
pub fn hostile_journal(dir: &Path) -> PathBuf {
    let msg = b"before \x1b]0;pwned\x07 \x1b[2J \x1b[?1049l after";
    let mut export = Vec::new();
    export.extend_from_slice(b"__REALTIME_TIMESTAMP=1735689600000000\n__MONOTONIC_TIMESTAMP=1000\n");
    export.extend_from_slice(
        b"_BOOT_ID=0123456789abcdef0123456789abcdef\nSYSLOG_IDENTIFIER=evil\nPRIORITY=3\n",
    );
    export.extend_from_slice(b"MESSAGE\n");
    export.extend_from_slice(&(msg.len() as u64).to_le_bytes());
    export.extend_from_slice(msg);
    export.extend_from_slice(b"\n\n");
    let out = dir.join("hostile.journal");
    let mut child = Command::new("/lib/systemd/systemd-journal-remote")
        .arg(format!("--output={}", out.display()))
        .arg("-")
        .stdin(Stdio::piped())
        .spawn()
        .expect("systemd-journal-remote (make test installs it)");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &export).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    out
}

/// A key press with no modifier, as `App::update` takes it.
pub fn key(c: crossterm::event::KeyCode) -> Event {
    Event::Key(crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE))
}

/// `text` typed into the open prompt, then Enter.
pub fn typed(app: &mut hypervisor_tui::app::App, text: &str) {
    for c in text.chars() {
        app.update(key(crossterm::event::KeyCode::Char(c)));
    }
    app.update(key(crossterm::event::KeyCode::Enter));
}
