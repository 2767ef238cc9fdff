//! The real binary in tmux at 80x24, inside a network namespace of its own: F3 shows the
//! namespace's bridge and ports, and a removed address and the lost default route reach the
//! alert strip live.

mod netns;

use netns::Netns;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

struct Pane {
    socket: String,
}

impl Pane {
    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, what: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.tmux(&["capture-pane", "-p"]);
            if s.contains(needle) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "{what}: {needle:?} never shown:\n{s}");
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
fn f3_in_a_namespace_follows_changes_live() {
    if !Netns::available() {
        eprintln!("skipped: creating a network namespace needs root");
        return;
    }
    let ns = Netns::new("e2e");
    for cmd in [
        "link add br0 type bridge",
        "link add veth0 type veth peer name veth1",
        "link set veth0 master br0",
        "tuntap add dev vnet7 mode tap",
        "link set vnet7 master br0",
        "link set br0 up",
        "link set veth0 up",
        "link set veth1 up",
        "addr add 192.0.2.1/24 dev br0",
        "route add default via 192.0.2.254 dev br0",
    ] {
        ns.ip(cmd);
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[libvirt]\nuris = [\"test:///default\"]\n[kubernetes]\nenabled = false\n").unwrap();
    let pane = Pane { socket: format!("hvtui-net-e2e-{}", std::process::id()) };
    let cmd =
        format!("ip netns exec {} env TERM=linux LANG=C.UTF-8 {BIN} --config {}", ns.name, cfg.display());
    let ok = Command::new("tmux")
        .args(["-L", &pane.socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", &cmd])
        .status()
        .unwrap();
    assert!(ok.success());
    pane.wait_for("first frame", "F3");
    pane.tmux(&["send-keys", "F3"]);
    let s = pane.wait_for("bridge tree", "vnet7 vm");
    for needle in ["Reach 192.0.2.1 on br0", "Gateway v4 192.0.2.254 (br0)", "├─ veth0", "└─ vnet7 vm"]
    {
        assert!(s.contains(needle), "{needle:?} missing:\n{s}");
    }
    ns.ip("addr del 192.0.2.1/24 dev br0");
    pane.wait_for("address lost", "address 192.0.2.1/24 lost from br0");
    pane.wait_for("route gone with its subnet", "no default route");
}
