//! The real binary in tmux on a Linux-console-sized pane: F4 lists the test driver's
//! domains, filters and opens the detail pane, while an unreachable URI is reported and
//! the other screens keep working.

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

struct Pane(String);

impl Pane {
    fn start(config: &std::path::Path) -> Pane {
        let socket = format!("hvtui-e2e-virt-{}", std::process::id());
        let cmd = format!("env TERM=linux LANG=C.UTF-8 {BIN} --config {}; sleep 60", config.display());
        let ok = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", &cmd])
            .status()
            .expect("tmux is installed");
        assert!(ok.success());
        Pane(socket)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.0).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", k]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.tmux(&["capture-pane", "-p"]);
            if s.contains(needle) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "{needle:?} never shown:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

#[test]
fn f4_on_the_console_with_one_uri_down() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let node = format!("test://{}/tests/fixtures/libvirt/node.xml", env!("CARGO_MANIFEST_DIR"));
    let body = format!(
        "[libvirt]\nuris = [{node:?}, \"qemu+unix:///system?socket=/nonexistent/e2e-sock\"]\n\
         [kubernetes]\nenabled = false\n"
    );
    std::fs::write(&cfg, body).unwrap();
    let p = Pane::start(&cfg);
    p.wait_for("F4 Machines");
    // The Linux console's F4 is ESC [ [ D.
    p.tmux(&["send-keys", "-H", "1b", "5b", "5b", "44"]);
    let s = p.wait_for(" 28 guests");
    assert!(s.contains("blocked-01") && s.contains("e2e-sock"), "{s}");
    p.keys(&["/", "c", "r", "a", "Enter"]);
    let s = p.wait_for("4 of 28 guests");
    assert!(!s.contains("blocked-01"), "{s}");
    p.keys(&["d"]);
    let s = p.wait_for("Detail");
    assert!(s.contains("crashed-01") && s.contains("52:54:00:00:00:15"), "{s}");
    // The other screens still answer.
    p.keys(&["3"]);
    p.wait_for("Network");
}
