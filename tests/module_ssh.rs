//! The module's SSH path with a real sshd (Debian's openssh-server) in a real-systemd
//! container (support::systemd): sshd listens on the container's loopback with the module's
//! `Match User … ForceCommand` block as nixos/tests/render-units.sh rendered it, after global
//! settings that allow every kind of forwarding, so what is refused is refused by that block.
//! The console user, its config and its key come from the rendered files (support::module).

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::module::{self, USER};
use support::systemd::SystemdContainer;

const PORT: &str = "2222";
const KEY: &str = "/run/hvtui-ssh/id";

/// Global settings as permissive as sshd allows: the Match block must do the refusing.
const SSHD_CONFIG: &str = "ListenAddress 127.0.0.1
HostKey /run/hvtui-ssh/host_key
AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u
UsePAM yes
KbdInteractiveAuthentication no
PasswordAuthentication no
LogLevel DEBUG1
Subsystem sftp /usr/lib/openssh/sftp-server
AllowTcpForwarding yes
AllowAgentForwarding yes
AllowStreamLocalForwarding yes
X11Forwarding yes
PermitTunnel yes
";

/// A container with the module's files and an sshd on 127.0.0.1:2222 inside it.
fn sshd() -> Option<SystemdContainer> {
    let c = SystemdContainer::start_or_require()?;
    let why = module::missing_tools(&["sshd", "ssh", "ssh-keygen", "scp", "sftp", "rsync", "curl", "tmux"]);
    if !support::require::require(why.is_none(), why.as_deref().unwrap_or("")) {
        return None;
    }
    module::install(&c);
    c.exec_ok(&["ip", "link", "set", "lo", "up"]);
    c.exec_ok(&["mkdir", "-p", "/run/hvtui-ssh", "/run/sshd", "/etc/ssh/authorized_keys.d"]);
    c.exec_ok(&["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "/run/hvtui-ssh/host_key"]);
    c.exec_ok(&["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", KEY]);
    // Where NixOS puts `openssh.authorizedKeys.keys` (root-owned, outside the home).
    let public = std::fs::read_to_string(c.root().join(&format!("{KEY}.pub")[1..])).expect("public key");
    module::put(&c, &format!("/etc/ssh/authorized_keys.d/{USER}"), &public);
    start_sshd(&c, PORT, &module::rendered("sshd_config.match"));
    Some(c)
}

/// Another sshd in the container, on `port`, with `match_block` after the global settings.
fn start_sshd(c: &SystemdContainer, port: &str, match_block: &str) {
    let config = format!("Port {port}\nPidFile /run/hvtui-ssh/sshd-{port}.pid\n{SSHD_CONFIG}{match_block}");
    let path = format!("/run/hvtui-ssh/sshd_config-{port}");
    module::put(c, &path, &config);
    c.exec_ok(&["/usr/sbin/sshd", "-t", "-f", &path]);
    let unit = format!("--unit=hvtui-sshd-{port}");
    c.exec_ok(&["systemd-run", &unit, "/usr/sbin/sshd", "-D", "-e", "-f", &path]);
    let start = Instant::now();
    let probe = format!("exec 3<>/dev/tcp/127.0.0.1/{port}");
    while !c.exec(&["bash", "-c", &probe]).status.success() {
        let log = module::journal(c, &format!("hvtui-sshd-{port}"));
        assert!(start.elapsed() < Duration::from_secs(20), "sshd never listened:\n{log}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `ssh` options for the console user's key, no questions asked.
fn ssh_opts() -> Vec<&'static str> {
    vec![
        "-i",
        KEY,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-p",
        PORT,
    ]
}

const TARGET: &str = "hypervisor-tui@127.0.0.1";

/// `ssh [extra] TARGET [command]` inside the container.
fn ssh(c: &SystemdContainer, extra: &[&str], command: &[&str]) -> std::process::Output {
    let mut argv = vec!["timeout", "60", "ssh"];
    argv.extend(ssh_opts());
    argv.extend(extra);
    argv.push(TARGET);
    argv.extend(command);
    c.exec(&argv)
}

/// A command inside the container in the background, its stderr kept.
fn spawn_inside(c: &SystemdContainer, argv: &[&str]) -> std::process::Child {
    Command::new("nsenter")
        .args(["-t", &c.leader_pid().to_string(), "-a", "--"])
        .args(argv)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nsenter")
}

/// Its stderr, once it ended (each is run under `timeout`).
fn stderr_of(child: std::process::Child) -> String {
    let out = child.wait_with_output().expect("wait");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The environment of a forced command the console user runs (one line a variable), the
/// first for which `wanted` holds.
fn forced_command_env(c: &SystemdContainer, wanted: impl Fn(&str) -> bool) -> Option<String> {
    let pids = c.exec(&["pgrep", "-u", USER, "-x", "hypervisor-tui"]);
    String::from_utf8_lossy(&pids.stdout).split_whitespace().find_map(|pid| {
        let env = c.exec(&["cat", &format!("/proc/{pid}/environ")]);
        let env = String::from_utf8_lossy(&env.stdout).replace('\0', "\n");
        wanted(&env).then_some(env)
    })
}

/// Waits for a `logs -f` session whose sshd listens on `port`, and returns its environment.
fn logs_session_env(c: &SystemdContainer, port: &str) -> String {
    let start = Instant::now();
    let server = format!(" 127.0.0.1 {port}\n");
    loop {
        let wanted = |e: &str| e.contains("SSH_ORIGINAL_COMMAND=logs -f") && e.contains(&server);
        if let Some(env) = forced_command_env(c, wanted) {
            return env;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no `logs -f` session on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_key_login_lands_in_snapshot_without_a_pty_and_in_the_console_with_one() {
    let Some(c) = sshd() else { return };
    let out = ssh(&c, &[], &["snapshot", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from snapshot --json");
    support::snapshot::validate_snapshot(&v);
    assert_eq!(v["sources"]["journal"]["state"], "ok", "{}", v["sources"]);

    // Anything else is refused by the program, a shell included.
    for cmd in [&["id"][..], &["sh", "-c", "id"], &["snapshot;", "id"]] {
        let out = ssh(&c, &[], cmd);
        assert!(!out.status.success(), "{cmd:?} ran");
        assert!(String::from_utf8_lossy(&out.stderr).contains("refused"), "{cmd:?}: {out:?}");
    }

    // With a pty (a tmux pane on this side), the console itself.
    let leader = c.leader_pid().to_string();
    let cmd = format!("nsenter -t {leader} -a -- ssh -tt {} {TARGET}", ssh_opts().join(" "));
    let t = support::tmux::Tmux::start("module-ssh", 100, 30, &cmd);
    let screen = t.wait_for("the console over SSH", "F1 Logs");
    assert!(screen.contains("read-only"), "{screen}");
    let env = forced_command_env(&c, |_| true).expect("the console runs as the console user");
    assert!(env.contains("SSH_CONNECTION="), "{env}");

    // The connection drops (the client's terminal goes): sshd hangs up the session's pty
    // and the console ends; nothing of the console user is left running.
    drop(t);
    let start = Instant::now();
    while forced_command_env(&c, |_| true).is_some() {
        assert!(start.elapsed() < Duration::from_secs(15), "the console outlived its SSH connection");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn forwarding_of_every_kind_is_refused() {
    let Some(c) = sshd() else { return };
    // -R: the server refuses to listen.
    let out = ssh(&c, &["-N", "-o", "ExitOnForwardFailure=yes", "-R", "2224:127.0.0.1:2222"], &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("remote port forwarding failed"), "{err}");

    // -L and -D: the client listens, the server refuses each channel.
    let mut opts = vec!["timeout", "6", "ssh"];
    opts.extend(ssh_opts());
    let mut local = opts.clone();
    local.extend(["-N", "-L", "127.0.0.1:2223:127.0.0.1:2222", TARGET]);
    let mut dynamic = opts.clone();
    dynamic.extend(["-N", "-D", "127.0.0.1:2225", TARGET]);
    for (what, argv, probe) in [
        (
            "-L",
            local,
            vec![
                "timeout",
                "5",
                "bash",
                "-c",
                "until exec 3<>/dev/tcp/127.0.0.1/2223; do sleep 0.1; done; cat <&3",
            ],
        ),
        (
            "-D",
            dynamic,
            vec![
                "sh",
                "-c",
                "for i in $(seq 50); do curl -s -m 3 --socks5 127.0.0.1:2225 http://127.0.0.1:2222/; [ $? = 7 ] || exit; sleep 0.1; done",
            ],
        ),
    ] {
        let child = spawn_inside(&c, &argv);
        let got = c.exec(&probe);
        assert!(got.stdout.is_empty(), "{what}: data came through: {got:?}");
        let err = stderr_of(child);
        assert!(err.contains("administratively prohibited"), "{what}: {err}");
    }

    // X11: the request fails.
    let mut x = vec!["env", "DISPLAY=:0", "timeout", "30", "ssh"];
    x.extend(ssh_opts());
    x.extend(["-X", TARGET, "check"]);
    let err = String::from_utf8_lossy(&c.exec(&x).stderr).into_owned();
    assert!(err.contains("X11 forwarding request failed"), "{err}");

    // Agent: the session never gets a socket (sshd would set SSH_AUTH_SOCK and make one).
    let mut agent = spawn_inside(&c, &["timeout", "30", "ssh-agent", "-D", "-a", "/run/hvtui-ssh/agent"]);
    let mut a = vec!["env", "SSH_AUTH_SOCK=/run/hvtui-ssh/agent", "timeout", "30", "ssh"];
    a.extend(ssh_opts());
    a.extend(["-A", TARGET, "logs", "-f"]);
    let mut session = spawn_inside(&c, &a);
    let env = logs_session_env(&c, PORT);
    assert!(!env.contains("SSH_AUTH_SOCK"), "{env}");
    assert!(!env.contains("DISPLAY"), "{env}");
    let sockets = c.exec_ok(&["sh", "-c", "ls -d /tmp/ssh-* 2>/dev/null || true"]);
    assert!(sockets.trim().is_empty(), "agent sockets: {sockets}");

    // The control: the same block with agent forwarding allowed, on another port, and the
    // same client gets an agent socket. So the absence above is the Match block's doing.
    let block =
        module::rendered("sshd_config.match").replace("AllowAgentForwarding no", "AllowAgentForwarding yes");
    start_sshd(&c, "2226", &block);
    let mut a = vec!["env", "SSH_AUTH_SOCK=/run/hvtui-ssh/agent", "timeout", "30", "ssh"];
    a.extend(ssh_opts().into_iter().map(|o| if o == PORT { "2226" } else { o }));
    a.extend(["-A", TARGET, "logs", "-f"]);
    let mut control = spawn_inside(&c, &a);
    let env = logs_session_env(&c, "2226");
    assert!(env.contains("SSH_AUTH_SOCK=/tmp/ssh-"), "the control got no agent: {env}");
    // The container's end takes both with it.
    drop(c);
    let _ = session.wait();
    let _ = control.wait();
    let _ = agent.wait();
}

#[test]
fn copying_files_is_refused() {
    let Some(c) = sshd() else { return };
    module::put(&c, "/run/hvtui-ssh/payload", "payload\n");
    let port_p = ["-P", PORT];
    let mut copy_opts: Vec<&str> = ssh_opts().into_iter().filter(|o| *o != "-p" && *o != PORT).collect();
    copy_opts.extend(port_p);
    let target = format!("{TARGET}:/tmp/payload");
    // scp over SFTP (the default) and the old scp protocol; sftp itself; rsync.
    let mut attempts: Vec<Vec<String>> = Vec::new();
    for legacy in [false, true] {
        let mut argv: Vec<String> = ["timeout", "30", "scp"].map(String::from).to_vec();
        if legacy {
            argv.push("-O".into());
        }
        argv.extend(copy_opts.iter().map(|s| s.to_string()));
        argv.extend(["/run/hvtui-ssh/payload".to_string(), target.clone()]);
        attempts.push(argv);
    }
    let mut sftp: Vec<String> =
        ["timeout", "30", "sftp", "-b", "/run/hvtui-ssh/batch"].map(String::from).to_vec();
    sftp.extend(copy_opts.iter().map(|s| s.to_string()));
    sftp.push(TARGET.into());
    module::put(&c, "/run/hvtui-ssh/batch", "put /run/hvtui-ssh/payload /tmp/payload\n");
    attempts.push(sftp);
    let rsh = format!("ssh {}", ssh_opts().join(" "));
    attempts.push(
        ["timeout", "30", "rsync", "-e", &rsh, "/run/hvtui-ssh/payload", &target].map(String::from).to_vec(),
    );
    for argv in attempts {
        let args: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = c.exec(&args);
        assert!(!out.status.success(), "{argv:?} succeeded");
        assert!(!c.root().join("tmp/payload").exists(), "{argv:?} copied the file");
        eprintln!("{}: {}", argv[2], String::from_utf8_lossy(&out.stderr).trim());
    }
    // Nor does a copy from the host.
    let mut fetch: Vec<&str> = vec!["timeout", "30", "scp"];
    fetch.extend(copy_opts.iter().copied());
    let source = format!("{TARGET}:/etc/passwd");
    fetch.extend([source.as_str(), "/run/hvtui-ssh/got"]);
    let out = c.exec(&fetch);
    assert!(!out.status.success(), "scp from the host succeeded");
    let got = std::fs::read(c.root().join("run/hvtui-ssh/got")).unwrap_or_default();
    assert!(got.is_empty(), "{} bytes copied", got.len());
}
