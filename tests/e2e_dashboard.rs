//! F2 with the real binary in tmux: a CPU-burning process started here shows among the top
//! consumers with its PID within two refreshes, `s` re-sorts the table, and under
//! `TERM=vt220` every screen is pure ASCII.

mod support;

use std::os::unix::fs::symlink;
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use support::tmux::{BIN, Tmux};

/// The console's refresh for these runs (the smallest the config allows).
const REFRESH: Duration = Duration::from_secs(1);

/// A shell spinning on one core under a name of its own (`comm` is the executable's name).
struct Burner(Child);

impl Burner {
    fn start(dir: &std::path::Path) -> Burner {
        let exe = dir.join("hvtui-burner");
        symlink("/bin/sh", &exe).unwrap();
        Burner(Command::new(&exe).args(["-c", "while :; do :; done"]).spawn().unwrap())
    }
}

impl Drop for Burner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(dir: &tempfile::TempDir, name: &str, term: &str, w: u16, h: u16) -> Tmux {
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        "refresh_interval = 1\n[libvirt]\nuris = [\"test:///default\"]\n[kubernetes]\nenabled = false\n",
    )
    .unwrap();
    let cmd = format!("env TERM={term} LANG=C.UTF-8 {BIN} --config {}; sleep 60", config.display());
    Tmux::start(&format!("dash-{name}"), w, h, &cmd)
}

/// The screen once a row shows `pid` and `name`, or a failure after `within`.
fn wait_for_row(t: &Tmux, pid: u32, name: &str, within: Duration) -> String {
    let start = Instant::now();
    loop {
        let s = t.screen();
        let row = s.lines().find(|l| l.contains(name) && l.split_whitespace().any(|w| w == pid.to_string()));
        if let Some(row) = row {
            assert!(row.contains('%'), "no CPU % on the burner's row: {row}");
            return s;
        }
        assert!(start.elapsed() < within, "{name} (PID {pid}) not among the top consumers:\n{s}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn session(term: &str, w: u16, h: u16) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let burner = Burner::start(dir.path());
    let pid = burner.0.id();
    let t = start(&dir, term, term, w, h);
    let corner = if term == "vt220" { "+" } else { "┌" };
    let mut screens = vec![t.wait_for("start", "F4 Machines")];
    t.keys(&["F2"]);
    screens.push(t.wait_for("F2", &format!("{corner} Dashboard ")));
    // The first scan is at start, the second 250 ms later: two refreshes (plus the time
    // the console takes to start under a loaded machine) are enough.
    screens.push(wait_for_row(&t, pid, "hvtui-burner", 2 * REFRESH + Duration::from_secs(3)));
    t.keys(&["s"]);
    screens.push(t.wait_for("sort by memory", "Top consumers by memory"));
    screens.push(t.wait_for("the graphs' span", "100%  last "));
    screens
}

#[test]
fn a_busy_process_shows_with_its_pid_on_a_large_console() {
    let screens = session("xterm-256color", 200, 60);
    let last = screens.last().unwrap();
    assert!(last.contains("Top consumers") && last.contains("usr "), "{last}");
}

#[test]
fn vt220_dashboard_is_pure_ascii() {
    for s in session("vt220", 120, 40) {
        assert!(s.is_ascii(), "non-ASCII under vt220:\n{s}");
    }
}
