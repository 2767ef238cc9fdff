//! F2: /proc fixture trees from real kernels, this machine's /proc against df and
//! /proc/meminfo, and the screen at 80x24 and 200x60 with 2, 16 and 128 cores.

mod support;

use hypervisor_tui::collectors::procfs::ProcReader;
use hypervisor_tui::event::{Screen, Update};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use std::path::Path;
use std::process::Command;
use support::{buffer_text, sample_host, sample_model};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn a_6_x_kernel_tree() {
    let root = fixture("proc-vm");
    let mut r = ProcReader::new(&root);
    let first = r.sample().unwrap();
    assert!(first.cpu.usage_percent.is_none() && first.disk_io.is_empty(), "rates need two samples");
    let s = r.sample().unwrap();
    let stat = std::fs::read_to_string(root.join("stat")).unwrap();
    let cpus = stat.lines().filter(|l| l.starts_with("cpu") && !l.starts_with("cpu ")).count();
    assert_eq!(s.cpu.cores, cpus);
    assert_eq!(s.cpu.usage_percent, None, "the same counters twice: no time passed on the CPUs");
    let meminfo = std::fs::read_to_string(root.join("meminfo")).unwrap();
    let kb = |k: &str| -> u64 {
        let l = meminfo.lines().find(|l| l.starts_with(k)).unwrap();
        l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
    };
    assert_eq!(s.memory.total_bytes, kb("MemTotal:"));
    assert_eq!(s.memory.available_bytes, kb("MemAvailable:"));
    assert!(s.disk_io.iter().all(|d| d.read_bytes_per_s == 0.0), "unchanged counters are 0/s");
    assert!(s.disk_io.iter().all(|d| !d.device.starts_with("loop")), "loop devices folded away");
    assert!(s.net_io.iter().any(|n| n.iface == "lo"));
    let tcp_lines = ["net/tcp", "net/tcp6"]
        .iter()
        .map(|f| std::fs::read_to_string(root.join(f)).unwrap().lines().skip(1).count() as u64)
        .sum::<u64>();
    assert_eq!(s.tcp.values().sum::<u64>(), tcp_lines);
}

#[test]
fn a_2_6_kernel_tree_without_steal_or_memavailable() {
    let mut r = ProcReader::new(fixture("proc-old"));
    r.sample().unwrap();
    let s = r.sample().unwrap();
    assert_eq!(s.hostname, "old-host");
    assert_eq!(s.cpu.cores, 2);
    // No MemAvailable before 3.14: free + buffers + cached.
    assert_eq!(s.memory.available_bytes, (123_456 + 34_567 + 456_789) * 1024);
    assert_eq!(s.disk_io.len(), 1, "sda1 folded into sda");
    assert_eq!(s.tcp.get("LISTEN"), Some(&1));
    assert_eq!(s.memory.swap_used_bytes, 0);
}

#[test]
fn snapshot_disks_and_memory_match_df_and_meminfo() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"));
    command.args(["--config", "/dev/null", "snapshot", "--json"]);
    let (_, v) = support::snapshot::snapshot_json(&mut command);
    let root =
        v["disks"].as_array().unwrap().iter().find(|d| d["mount"] == "/").expect("/ is listed").clone();
    let df = String::from_utf8(
        Command::new("df").args(["-B1", "--output=size,used", "/"]).output().unwrap().stdout,
    )
    .unwrap();
    let nums: Vec<u64> = df.lines().nth(1).unwrap().split_whitespace().map(|n| n.parse().unwrap()).collect();
    assert_eq!(root["total_bytes"].as_u64(), Some(nums[0]));
    let used = root["used_bytes"].as_u64().unwrap();
    assert!(
        used.abs_diff(nums[1]) < 256 << 20,
        "used {used} vs df {} (the disk may be written meanwhile)",
        nums[1]
    );
    for d in v["disks"].as_array().unwrap() {
        for k in ["mount", "device", "fstype", "total_bytes", "used_bytes"] {
            assert!(!d[k].is_null(), "{k} missing in {d}");
        }
    }
}

fn draw(cores: usize, w: u16, h: u16) -> String {
    let mut model = sample_model();
    model.apply(Update::Host(Box::new(sample_host(cores))));
    model.apply(Update::Host(Box::new(sample_host(cores))));
    let view = View { screen: Screen::Dashboard, allow_quit: true, ..View::default() };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(&model, &view, &Theme::new(Glyphs::UNICODE, false), f)).unwrap();
    buffer_text(t.backend().buffer())
}

#[test]
fn f2_with_2_16_and_128_cores() {
    for cores in [2, 16, 128] {
        for (w, h) in [(80, 24), (200, 60)] {
            let text = draw(cores, w, h);
            for needle in ["CPU", "Mem", "running", "/var/lib/libvirt/images"] {
                assert!(text.contains(needle), "{needle} missing at {cores} cores {w}x{h}:\n{text}");
            }
            insta::assert_snapshot!(format!("f2_{cores}_cores_{w}x{h}"), text);
        }
    }
    // 128 cores at 80x24: one cell per core in two rows labelled 0 and 71.
    let text = draw(128, 80, 24);
    assert!(
        text.lines().any(|l| l.starts_with("│    0 ")) && text.lines().any(|l| l.starts_with("│   71 ")),
        "{text}"
    );
    // The full filesystem is red and raises an alert.
    assert!(text.contains("filesystem /var/lib/libvirt/images is 93% full"), "{text}");
}
