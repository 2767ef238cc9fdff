//! The real binary in tmux at 80x24, as an operator on a console or serial line sees it.

mod support;

use std::process::Command;
use support::tmux::{BIN, Tmux};

/// Runs the console, then prints its exit status and the tty's line discipline.
fn start_console(name: &str, term: &str, config: &std::path::Path, env: &str) -> Tmux {
    let cmd = format!(
        "env TERM={term} LANG=C.UTF-8 {env} {BIN} --config {}; echo EXITED=$?; stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'; echo TTY-CHECKED; sleep 60",
        config.display()
    );
    Tmux::start(&format!("e2e-{name}"), 80, 24, &cmd)
}

fn quiet_config(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "[libvirt]\nuris = [\"test:///default\"]\n[kubernetes]\nenabled = false\n")
        .unwrap();
    config
}

fn session(term: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config = quiet_config(&dir);
    let t = start_console(term, term, &config, "");
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
    let end = t.wait_for("quit", "TTY-CHECKED");
    assert!(end.lines().any(|l| l == "icanon"), "quit left the tty raw:\n{end}");
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

/// SIGTERM (systemd stopping the unit), SIGHUP (an SSH session dropping) and SIGQUIT end the
/// console and leave the terminal in cooked mode.
#[test]
fn signals_restore_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let config = quiet_config(&dir);
    for sig in ["TERM", "HUP", "QUIT"] {
        let t = start_console(&format!("sig{sig}"), "xterm-256color", &config, "");
        t.wait_for("start", "F4 Machines");
        let pid = t.console_pid();
        assert!(!pid.is_empty(), "console process not found");
        assert!(Command::new("kill").args([&format!("-{sig}"), &pid]).status().unwrap().success());
        let end = t.wait_for(sig, "TTY-CHECKED");
        assert!(end.lines().any(|l| l == "icanon"), "SIG{sig} left the tty raw:\n{end}");
        assert!(!end.contains("F4 Machines"), "SIG{sig} left the console on screen:\n{end}");
    }
}

/// Under a job-control shell: SIGTSTP gives the terminal back while stopped, `fg` takes it
/// again and redraws, and keys work as keys afterwards (no `^[OQ` echoed).
#[test]
fn stop_and_continue_under_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    let config = quiet_config(&dir);
    let t = Tmux::start("e2e-tstp", 80, 24, "env PS1='READY> ' bash --norc --noprofile -i");
    t.wait_for("shell", "READY>");
    let run = format!("env TERM=xterm-256color LANG=C.UTF-8 {BIN} --config {}", config.display());
    t.tmux(&["send-keys", &run, "Enter"]);
    t.wait_for("start", "F4 Machines");
    let pid = t.console_pid();
    assert!(!pid.is_empty(), "console process not found");
    assert!(Command::new("kill").args(["-TSTP", &pid]).status().unwrap().success());
    t.wait_for("stopped", "Stopped");
    let check = "stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'; echo TTY-$((6*7))";
    t.tmux(&["send-keys", check, "Enter"]);
    let stopped = t.wait_for("stty while stopped", "TTY-42");
    assert!(stopped.lines().any(|l| l == "icanon"), "stopped console left the tty raw:\n{stopped}");
    t.tmux(&["send-keys", "clear; fg", "Enter"]);
    t.wait_for("continued", "F4 Machines");
    t.send_hex(&["1b", "4f", "51"]);
    let f2 = t.wait_for("F2 after fg", "┌ Dashboard ");
    assert!(!f2.contains("^["), "keys echoed after fg:\n{f2}");
    t.send_hex(&["71"]);
    t.tmux(&["send-keys", "echo QUIT-$((40+2))", "Enter"]);
    t.wait_for("quit after fg", "QUIT-42");
}

#[test]
fn a_panic_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let config = quiet_config(&dir);
    let t = start_console("panic", "linux", &config, "HYPERVISOR_TUI_TEST_PANIC=1 RUST_BACKTRACE=0");
    let end = t.wait_for("panic", "TTY-CHECKED");
    assert!(end.contains("EXITED=101"), "{end}");
    assert!(end.lines().any(|l| l == "icanon"), "panic left the tty raw:\n{end}");
    assert!(end.contains("panic requested"), "the panic message is shown after restore:\n{end}");
}

/// Hostile log text (window title, clear screen, leave the alternate screen) is shown as
/// caret text on F1 and changes nothing in the terminal.
#[test]
fn hostile_journal_text_is_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let jdir = dir.path().join("journal");
    std::fs::create_dir(&jdir).unwrap();
    support::hostile_journal(&jdir);
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!(
            "[journal]\ndirectory = \"{}\"\n[libvirt]\nuris = []\n[kubernetes]\nenabled = false\n",
            jdir.display()
        ),
    )
    .unwrap();
    let t = start_console("hostile", "xterm-256color", &config, "");
    let screen = t.wait_for("hostile line", "pwned");
    assert!(screen.contains("before ^[]0;pwned^G ^[[2J ^[[?1049l after"), "{screen}");
    assert_ne!(t.tmux(&["display-message", "-p", "#{pane_title}"]).trim(), "pwned", "the title changed");
    assert_eq!(
        t.tmux(&["display-message", "-p", "#{alternate_on}"]).trim(),
        "1",
        "left the alternate screen"
    );
    assert!(screen.contains("F4 Machines"), "the screen was cleared:\n{screen}");
}
