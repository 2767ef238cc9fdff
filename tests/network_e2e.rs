//! The real binary in tmux at 80x24, inside a network namespace of its own: F3 shows the
//! namespace's bridge and ports, and a removed address and the lost default route reach the
//! alert strip live.

mod netns;

use netns::Netns;
#[path = "support/require.rs"]
mod require;
use require::require;
#[path = "support/tmux.rs"]
mod tmux;

use tmux::{BIN, Tmux};

#[test]
fn f3_in_a_namespace_follows_changes_live() {
    if !require(Netns::available(), "creating a network namespace needs root") {
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
    let cmd =
        format!("ip netns exec {} env TERM=linux LANG=C.UTF-8 {BIN} --config {}", ns.name, cfg.display());
    let pane = Tmux::start("net-e2e", 80, 24, &cmd);
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
