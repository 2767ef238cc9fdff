//! `--demo` as a new user meets it, the real binary in tmux, with none of the host's
//! sources within reach (no kubeconfig, HOME elsewhere, the temporary directory private):
//! entries on F1, guests changing state on F4, a cluster on F2, links on F3; after quit
//! (and after SIGTERM) the temporary directory is gone and no child is left.
#![cfg(all(feature = "libvirt", feature = "kubernetes"))]

#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tmux::{BIN, Tmux};

fn start(name: &str, tmp: &Path) -> Tmux {
    let home = tmp.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let cfg = tmp.join("empty.toml");
    std::fs::write(&cfg, "").unwrap();
    let cmd = format!(
        "env -u KUBECONFIG HOME={} TMPDIR={} TERM=xterm-256color LANG=C.UTF-8 {BIN} --demo --config {}; \
         echo demo-exited-$?; sleep 60",
        home.display(),
        tmp.display(),
        cfg.display()
    );
    Tmux::start(name, 120, 40, &cmd)
}

/// The demo's directories under `tmp`.
fn demo_dirs(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("hypervisor-tui-demo."))
        .collect()
}

/// Processes whose command line names `tmp` (the journal writer writes there).
fn children_in(tmp: &Path) -> String {
    let out = Command::new("pgrep").args(["-a", "-f"]).arg(tmp.join("hypervisor-tui-demo")).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The rows of the guests the demo keeps changing.
fn live_rows(screen: &str) -> Vec<String> {
    screen.lines().filter(|l| l.contains("test:///default")).map(str::to_string).collect()
}

fn wait_gone(p: &Tmux, tmp: &Path) {
    let s = p.wait_for("exit", "demo-exited-0");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !children_in(tmp).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(demo_dirs(tmp), Vec::<String>::new(), "the demo's directory is removed\n{s}");
    assert_eq!(children_in(tmp), "", "no child left");
}

/// The header says the journal is ok in its wide form (`journal ok`) or, when the host's
/// uptime and CPU figures make that too wide for 120 columns, its compact one (`jrnl:ok`).
fn journal_ok(screen: &str) -> bool {
    screen.lines().next().is_some_and(|h| h.contains("journal ok") || h.contains("jrnl:ok"))
}

#[test]
fn every_screen_comes_alive_and_nothing_is_left_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let p = start("demo", tmp.path());
    let t = Instant::now();
    let s = p.wait_for("F1", " DEMO ");
    assert_eq!(demo_dirs(tmp.path()).len(), 1, "one private directory while running");
    let s = if s.contains("k3s") { s } else { p.wait_for("F1 entries", "k3s") };
    assert!(journal_ok(&s), "{s}");
    p.keys(&["F4"]);
    let first = live_rows(&p.wait_for("F4", "test:///default"));
    assert!(!first.is_empty());
    let s = p.wait_for("F4: the node file's states", "crashed");
    assert!(["pmsuspended", "idle", "in shutdown", "Migrating"].iter().all(|w| s.contains(w)), "{s}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while live_rows(&p.screen()) == first {
        assert!(Instant::now() < deadline, "no guest changed state:\n{first:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    p.keys(&["F2"]);
    let s = p.wait_for("F2 cluster", "3/3 ready");
    assert!(s.contains("migrating") && s.contains("Pods     80"), "{s}");
    p.keys(&["F3"]);
    let s = p.wait_for("F3 links", "loopback");
    assert!(s.contains("127.0.0.1/8"), "{s}");
    eprintln!("every screen alive {:.1} s after start", t.elapsed().as_secs_f64());
    p.keys(&["q"]);
    wait_gone(&p, tmp.path());
}

#[test]
fn sigterm_also_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let p = start("demo-term", tmp.path());
    let deadline = Instant::now() + Duration::from_secs(30);
    while !journal_ok(&p.screen()) {
        assert!(Instant::now() < deadline, "journal never ok:\n{}", p.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(demo_dirs(tmp.path()).len(), 1);
    let pid = p.console_pid();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    wait_gone(&p, tmp.path());
}
