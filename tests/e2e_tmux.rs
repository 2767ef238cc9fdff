//! The real binary in tmux at 80x24, as an operator on a console or serial line sees it.

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(term: &str, config: &std::path::Path) -> Tmux {
        let socket = format!("hvtui-e2e-{}-{term}", std::process::id());
        let cmd = format!(
            "env TERM={term} LANG=C.UTF-8 {BIN} --config {}; echo EXITED=$?; sleep 60",
            config.display()
        );
        let ok = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", &cmd])
            .status()
            .expect("tmux is installed (make test installs it)");
        assert!(ok.success());
        Tmux { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Raw bytes to the pane, as a terminal would send them.
    fn send_hex(&self, hex: &[&str]) {
        let mut args = vec!["send-keys", "-H"];
        args.extend_from_slice(hex);
        self.tmux(&args);
    }

    fn wait_for(&self, what: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "{what}: {needle:?} never shown:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

fn session(term: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "[libvirt]\nuris = [\"test:///default\"]\n[kubernetes]\nenabled = false\n")
        .unwrap();
    let t = Tmux::start(term, &config);
    let corner = if term == "vt220" { "+" } else { "┌" };
    let mut screens = vec![t.wait_for("start", &format!("{corner} Logs "))];
    screens.push(t.wait_for("footer", "F4 Machines"));
    // xterm / vt100 encoding of F2: ESC O Q.
    t.send_hex(&["1b", "4f", "51"]);
    screens.push(t.wait_for("F2 as ESC O Q", &format!("{corner} Dashboard ")));
    // Linux console encoding of F3: ESC [ [ C.
    t.send_hex(&["1b", "5b", "5b", "43"]);
    screens.push(t.wait_for("F3 as ESC [[C", &format!("{corner} Network ")));
    // vt220 encoding of F4: ESC [ 1 4 ~.
    t.send_hex(&["1b", "5b", "31", "34", "7e"]);
    screens.push(t.wait_for("F4 as ESC [14~", &format!("{corner} Machines ")));
    // Linux console F1: ESC [ [ A.
    t.send_hex(&["1b", "5b", "5b", "41"]);
    screens.push(t.wait_for("F1 as ESC [[A", &format!("{corner} Logs ")));
    t.send_hex(&["3f"]);
    screens.push(t.wait_for("help", "Keys: Logs"));
    t.send_hex(&["1b"]);
    t.send_hex(&["71"]);
    let end = t.wait_for("quit", "EXITED=");
    assert!(end.contains("EXITED=0"), "{end}");
    if term == "vt220" {
        for s in &screens {
            assert!(s.is_ascii(), "non-ASCII under vt220:\n{s}");
        }
    } else {
        assert!(screens.iter().any(|s| s.contains('─')), "unicode borders under TERM=linux");
    }
}

#[test]
fn linux_console_session() {
    session("linux");
}

#[test]
fn vt220_serial_session() {
    session("vt220");
}
