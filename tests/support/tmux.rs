//! The real binary in a private tmux server: start a command in a pane, send keys, read
//! the screen. Shared by every end-to-end test.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

/// A tmux server of its own (`-L name-pid`), killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs the shell command `cmd` in a detached `width`x`height` pane.
    pub fn start(name: &str, width: u16, height: u16, cmd: &str) -> Tmux {
        let socket = format!("hvtui-{name}-{}", std::process::id());
        let (w, h) = (width.to_string(), height.to_string());
        let ok = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", &w, "-y", &h, cmd])
            .status()
            .expect("tmux is installed (make test installs it)");
        assert!(ok.success());
        Tmux { socket }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Raw bytes to the pane, as a terminal would send them.
    pub fn send_hex(&self, hex: &[&str]) {
        let mut args = vec!["send-keys", "-H"];
        args.extend_from_slice(hex);
        self.tmux(&args);
    }

    /// tmux key names, one at a time, as a person types them.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", k]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// PID of the console (the child of the pane's shell).
    pub fn console_pid(&self) -> String {
        let shell = self.tmux(&["display-message", "-p", "#{pane_pid}"]);
        let out = Command::new("pgrep").args(["-P", shell.trim(), "-x", "hypervisor-tui"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The screen once it shows `needle`; fails after 15 s naming `what`.
    pub fn wait_for(&self, what: &str, needle: &str) -> String {
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
