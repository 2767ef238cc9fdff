//! F2: /proc fixture trees from real kernels, this machine's /proc against df and
//! /proc/meminfo, and the screen at 80x24, 120x40, 200x60 and 240x67 with 2, 16 and 128
//! cores, with and without guests and a cluster, in both glyph sets.

#[path = "support/guests.rs"]
mod sample;
mod support;

use hypervisor_tui::collectors::procfs::ProcReader;
use hypervisor_tui::event::{Health, Screen, SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::guests::GuestUpdate;
use hypervisor_tui::model::host::CpuBreakdown;
use hypervisor_tui::model::procs::{ProcTable, ProcUsage, TopSort};
use hypervisor_tui::ui::{self, theme::Glyphs, theme::Theme};
use hypervisor_tui::view::View;
use ratatui::{Terminal, backend::TestBackend};
use std::path::Path;
use std::process::Command;
use support::{buffer_text, cluster, sample_host, sample_model};

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
    assert_eq!(s.tcp.as_ref().unwrap().values().sum::<u64>(), tcp_lines);
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
    assert_eq!(s.tcp.as_ref().unwrap().get("LISTEN"), Some(&1));
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

/// A host that has been up a while: 300 samples 2 s apart with moving load, a process table
/// with qemu guests, and optionally libvirt guests and a cluster.
fn busy_model(cores: usize, guests: bool, with_cluster: bool) -> Model {
    let mut m = sample_model();
    m.fixed_now = Some(cluster::NOW);
    for i in 0..300u64 {
        let mut h = sample_host(cores);
        let wave = (i * 7 % 60) as f64;
        h.uptime_s += 2 * i;
        h.cpu.usage_percent = Some(20.0 + wave);
        h.cpu.breakdown =
            Some(CpuBreakdown { user: 10.0 + wave * 0.7, system: 6.0 + wave * 0.2, iowait: 3.0, steal: 1.0 });
        h.memory.used_bytes = (30 << 30) + (i % 50) * (100 << 20);
        h.disk_io[0].read_bytes_per_s = 1e6 * (i % 40) as f64;
        h.net_io[0].rx_bytes_per_s = 1e7 * (i % 25) as f64;
        m.apply(Update::Host(Box::new(h)));
    }
    m.apply(Update::Procs(Box::new(sample_procs())));
    if guests {
        let list = (0..6).map(sample::guest).collect();
        m.apply(Update::Guests(Box::new(GuestUpdate::List { uri: "qemu:///system".into(), guests: list })));
        m.apply(Update::Health(SourceId::Libvirt, Health::Ok("6 domains on 1 URI".into())));
    }
    if with_cluster {
        for u in cluster::cluster_updates(3, 200, 50) {
            m.apply(u);
        }
        m.apply(Update::Health(SourceId::Kubevirt, Health::Ok("kubevirt.io/v1 served".into())));
    } else {
        let why = "no kubeconfig (/etc/rancher/k3s/k3s.yaml, /root/.kube/config)";
        m.apply(Update::Health(SourceId::Kubernetes, Health::Unavailable(why.into())));
        m.apply(Update::Health(SourceId::Kubevirt, Health::Unavailable("needs Kubernetes".into())));
    }
    m
}

/// 60 processes: qemu guests, the k3s stack, a hostile name, one just started (no CPU % yet).
fn sample_procs() -> ProcTable {
    let names = ["k3s-server", "containerd", "kubelet", "libvirtd", "systemd-journal", "virt-handler"];
    let top = (0..60u32)
        .map(|i| ProcUsage {
            pid: 1000 + i * 37,
            name: if i % 10 == 0 { "qemu-system-x86".into() } else { names[i as usize % 6].into() },
            guest: (i % 10 == 0)
                .then(|| if i == 20 { "evil\x1b[2J-vm".into() } else { format!("vm-{i:03}") }),
            cpu_percent: (i != 59).then_some(f64::from(i * 53 % 400) / 4.0),
            rss_bytes: u64::from(i * 97 % 64) << 26,
        })
        .collect();
    ProcTable { top, total: 812, error: None, scanned: true }
}

fn draw_model(model: &Model, glyphs: Glyphs, view: &View, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(model, view, &Theme::new(glyphs, false), f)).unwrap();
    buffer_text(t.backend().buffer())
}

fn f2() -> View {
    View { screen: Screen::Dashboard, allow_quit: true, ..View::default() }
}

fn draw(cores: usize, w: u16, h: u16) -> String {
    let mut model = sample_model();
    model.apply(Update::Host(Box::new(sample_host(cores))));
    model.apply(Update::Host(Box::new(sample_host(cores))));
    draw_model(&model, Glyphs::UNICODE, &f2(), w, h)
}

/// Body rows (between the dashboard's borders) whose left or right column is blank; the
/// columns split at the separator under the top border's middle.
fn blank_share(text: &str) -> f64 {
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let top = lines.iter().position(|l| l.iter().collect::<String>().contains(" Dashboard ")).unwrap();
    let body = &lines[top + 1..lines.len() - 2];
    let sep = (1..body[0].len() - 1).find(|x| body.iter().all(|l| matches!(l[*x], '│' | '|'))).unwrap();
    let blank = body
        .iter()
        .filter(|l| {
            let empty = |h: &[char]| h.iter().all(|c| *c == ' ');
            empty(&l[1..sep]) || empty(&l[sep + 1..l.len() - 1])
        })
        .count();
    blank as f64 / body.len() as f64
}

const SIZES: [(u16, u16); 4] = [(80, 24), (120, 40), (200, 60), (240, 67)];

#[test]
fn f2_fills_large_screens_in_both_glyph_sets() {
    for cores in [2, 16, 128] {
        for (guests, with_cluster) in [(true, true), (false, false)] {
            let model = busy_model(cores, guests, with_cluster);
            for (glyphs, gname) in [(Glyphs::UNICODE, "unicode"), (Glyphs::ASCII, "ascii")] {
                for (w, h) in SIZES {
                    let text = draw_model(&model, glyphs, &f2(), w, h);
                    let what =
                        format!("{cores} cores {w}x{h} {gname} guests={guests} cluster={with_cluster}");
                    if glyphs.ascii {
                        assert!(text.is_ascii(), "{what}:\n{text}");
                    }
                    assert!(!text.contains('\u{1b}'), "an escape reached the screen: {what}");
                    if w >= 120 {
                        let share = blank_share(&text);
                        assert!(share <= 0.15, "{:.0}% blank rows at {what}:\n{text}", share * 100.0);
                        for needle in ["Top consumers", "100%  last ", "vm-030 (qemu)", "usr ", "cache "] {
                            assert!(text.contains(needle), "{needle} missing at {what}:\n{text}");
                        }
                    }
                    let g = if guests { "guests" } else { "bare" };
                    insta::assert_snapshot!(format!("f2_busy_{cores}c_{g}_{w}x{h}_{gname}"), text);
                }
            }
        }
    }
}

#[test]
fn sort_key_orders_the_top_consumers() {
    let model = busy_model(16, false, false);
    let mut app = hypervisor_tui::app::App::new(Theme::new(Glyphs::ASCII, false), true);
    app.model = model;
    app.view.screen = Screen::Dashboard;
    let key = |c| {
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )
    };
    let first_pid = |app: &hypervisor_tui::app::App| {
        let text = draw_model(&app.model, Glyphs::ASCII, &app.view, 200, 60);
        let at = text.lines().position(|l| l.contains("   PID NAME")).unwrap();
        let col = text.lines().nth(at).unwrap().find("   PID NAME").unwrap();
        let row = text.lines().nth(at + 1).unwrap().to_string();
        row[col..].split_whitespace().next().unwrap().to_string()
    };
    let by_cpu = first_pid(&app);
    let busiest = model_busiest(&app.model);
    assert_eq!(by_cpu, busiest.to_string());
    app.update(hypervisor_tui::event::Event::Key(key('s')));
    assert_eq!(app.view.dashboard.sort, TopSort::Memory);
    let largest =
        app.model.procs.top.iter().max_by_key(|p| (p.rss_bytes, std::cmp::Reverse(p.pid))).unwrap().pid;
    assert_eq!(first_pid(&app), largest.to_string());
    let footer = draw_model(&app.model, Glyphs::ASCII, &app.view, 120, 40);
    assert!(footer.lines().last().unwrap().contains("s sort"), "{footer}");
}

fn model_busiest(m: &Model) -> u32 {
    m.procs
        .top
        .iter()
        .max_by(|a, b| a.cpu_percent.unwrap_or(-1.0).total_cmp(&b.cpu_percent.unwrap_or(-1.0)))
        .unwrap()
        .pid
}

#[test]
fn f2_with_2_16_and_128_cores() {
    for cores in [2, 16, 128] {
        for (w, h) in [(80, 24), (200, 60)] {
            let text = draw(cores, w, h);
            for needle in ["CPU", "Mem", "libvirt", "/var/lib/libvirt/images"] {
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

/// The Linux console's font has half blocks and shades but no eighth blocks and no braille:
/// F2 draws with those only, at every size.
#[test]
fn linux_console_f2_uses_only_the_console_font_blocks() {
    let theme = Theme::detect(hypervisor_tui::config::GlyphChoice::Auto, Some("linux"), Some("C.UTF-8"));
    assert!(theme.basic && !theme.glyphs.ascii);
    let model = busy_model(128, true, true);
    for (w, h) in SIZES {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| ui::render(&model, &f2(), &theme, f)).unwrap();
        let text = buffer_text(t.backend().buffer());
        let bad: Vec<char> = text
            .chars()
            .filter(|c| matches!(c, '▁' | '▂' | '▃' | '▅' | '▆' | '▇' | '\u{2800}'..='\u{28ff}'))
            .collect();
        assert!(bad.is_empty(), "{bad:?} at {w}x{h}:\n{text}");
        assert!(text.contains('▄') || text.contains('█'), "no graph at {w}x{h}:\n{text}");
    }
}

#[test]
fn uncountable_tcp_is_a_question_mark_not_zeros() {
    let mut model = sample_model();
    let mut host = sample_host(4);
    host.tcp = None;
    model.apply(Update::Host(Box::new(host.clone())));
    model.apply(Update::Host(Box::new(host)));
    let text = draw_model(&model, Glyphs::UNICODE, &f2(), 120, 40);
    assert!(text.contains("TCP  ? (not countable"), "{text}");
    assert!(!text.contains("0 established"), "{text}");
    let counted = draw(4, 120, 40);
    assert!(counted.contains("TCP  2456 established  31 listening  120 time-wait"), "{counted}");
}
