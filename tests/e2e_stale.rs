//! The real binary in tmux under source faults: the header word turns `stale` when the
//! (fake) API server freezes and back to `ok` when it thaws; a forbidden kind is `?` on F2,
//! never 0; a killed libvirtd (the real one, tests/support/libvirtd.rs) leaves F2 and F4
//! without guest counts, and its restart brings them back. `refresh_interval = 1` keeps the
//! stale bound at its 5 s floor; every wait is bounded at 15 s (`Tmux::wait_for`), which
//! catches a backoff grown to a minute, not a slow machine.

mod support;

use std::path::Path;
use support::tmux::{BIN, Tmux};

/// Runs the console in a 200x50 xterm pane with `body` as its config (after
/// `refresh_interval = 1`).
fn console(dir: &Path, name: &str, body: &str) -> Tmux {
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, format!("refresh_interval = 1\n{body}")).unwrap();
    let cmd = format!("env TERM=xterm-256color LANG=C.UTF-8 {BIN} --config {}; sleep 60", cfg.display());
    Tmux::start(name, 200, 50, &cmd)
}

/// The header: the first line of the screen.
fn header(p: &Tmux) -> String {
    p.screen().lines().next().unwrap_or_default().to_string()
}

/// Waits until the header (not the rest of the screen) shows `needle`.
fn wait_header(p: &Tmux, what: &str, needle: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let h = header(p);
        if h.contains(needle) {
            return h;
        }
        assert!(start.elapsed().as_secs() < 15, "{what}: {needle:?} never in the header:\n{}", p.screen());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[cfg(feature = "kubernetes")]
mod kubernetes {
    use super::*;
    use support::kube_api::{FakeApi, PODS};

    fn kube_console(api: &FakeApi, dir: &Path, name: &str) -> Tmux {
        let kc = api.write_kubeconfig(dir);
        let body = format!(
            "[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = {:?}\nnode_name = \"hv1\"\n",
            kc.display()
        );
        console(dir, name, &body)
    }

    #[test]
    fn the_header_says_stale_while_the_api_is_frozen_and_ok_after_the_thaw() {
        let api = FakeApi::with_fixtures();
        let dir = tempfile::tempdir().unwrap();
        let p = kube_console(&api, dir.path(), "e2e-stale-k8s");
        p.keys(&["2"]);
        p.wait_for("F2 cluster", "3/3 ready");
        let h = wait_header(&p, "API answering", "k8s ok");
        assert!(!h.contains("stale"), "{h}");

        api.freeze(true);
        let h = wait_header(&p, "frozen API noticed", "k8s stale");
        assert!(!h.contains("k8s ok"), "{h}");
        let s = p.wait_for("F2 cluster lines marked", " as of ");
        assert!(s.contains(" ago)"), "the age is said: {s}");

        api.freeze(false);
        let h = wait_header(&p, "thawed API fresh again", "k8s ok");
        assert!(!h.contains("k8s stale"), "{h}");
        let start = std::time::Instant::now();
        while p.screen().contains(" as of ") {
            assert!(start.elapsed().as_secs() < 15, "still marked after the thaw:\n{}", p.screen());
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    #[test]
    fn a_forbidden_kind_is_a_question_mark_on_f2_not_zero() {
        let api = FakeApi::with_fixtures();
        api.forbid(&PODS, true);
        let dir = tempfile::tempdir().unwrap();
        let p = kube_console(&api, dir.path(), "e2e-stale-403");
        p.keys(&["2"]);
        p.wait_for("F2 cluster", "3/3 ready");
        let s = p.wait_for("pods unknown", "forbidden: pods");
        let pods = s.lines().find(|l| l.contains("Pods")).unwrap_or_else(|| panic!("no Pods line:\n{s}"));
        assert!(pods.contains('?'), "unknown pods are `?`: {pods}");
        assert!(!pods.contains("Pods 0"), "{pods}");
        // Allowed again: counted again, within the bound.
        api.forbid(&PODS, false);
        let start = std::time::Instant::now();
        loop {
            let s = p.screen();
            let pods = s.lines().find(|l| l.contains("Pods")).unwrap_or_default().to_string();
            if !pods.contains('?') && !pods.is_empty() {
                break;
            }
            assert!(start.elapsed().as_secs() < 15, "pods never counted again:\n{s}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

#[cfg(feature = "libvirt")]
mod libvirt {
    use super::*;
    use support::libvirtd::{self, Libvirtd};
    use support::require::require;

    #[test]
    fn a_killed_libvirtd_is_unavailable_on_f2_and_f4_never_zero_and_comes_back() {
        if !require(libvirtd::available(), libvirtd::NEEDS) {
            return;
        }
        let mut d = Libvirtd::start();
        d.define("tiny", true);
        d.define("off1", false);
        let dir = tempfile::tempdir().unwrap();
        let body = format!("[libvirt]\nuris = [{:?}]\n[kubernetes]\nenabled = false\n", d.uri());
        let p = console(dir.path(), "e2e-stale-virt", &body);
        p.keys(&["2"]);
        p.wait_for("F2 counts", "libvirt: 1 running  0 paused  1 stopped  0 errors");
        wait_header(&p, "libvirt answering", "libvirt ok");

        d.kill();
        let s = p.wait_for("F2 without counts", "libvirt n/a");
        assert!(!s.contains(" 0 running") && !s.contains("1 running"), "{s}");
        wait_header(&p, "header says so", "libvirt n/a");
        p.keys(&["4"]);
        let s = p.wait_for("F4 says why", "libvirtd not running");
        assert!(s.contains("? guests"), "unknown, not 0: {s}");
        assert!(!s.contains(" 0 guests") && !s.contains("tiny"), "{s}");

        d.start_daemon();
        let s = p.wait_for("F4 back after the restart", "tiny");
        assert!(s.contains(" 2 guests"), "{s}");
        p.keys(&["2"]);
        p.wait_for("F2 counts again", "libvirt: 1 running  0 paused  1 stopped  0 errors");
    }
}
