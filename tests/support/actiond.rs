//! A real PAM stack for actiond's tests: cwrap's pam_wrapper (LD_PRELOAD) loads the
//! `hypervisor-tui` service from a temp dir, where pam_matrix checks passwords against a
//! passdb file. Group and passwd files for operator membership live beside it. Nothing of
//! the host's /etc is read or touched.

use super::require::require;
use hypervisor_tui::actiond::{Server, Settings, audit, server};
use hypervisor_tui::config::ActionsConfig;
use serde_json::Value;
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::os::unix::net::UnixListener;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const LIB_DIRS: [&str; 3] = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"];
/// Set in the child a test re-executes itself as (see `under_pam_wrapper`).
const CHILD: &str = "HVTUI_ACTIOND_TEST_CHILD";

/// libpam_wrapper.so and pam_matrix.so, when installed (Debian: libpam-wrapper).
pub fn pam_wrapper_libs() -> Option<(PathBuf, PathBuf)> {
    LIB_DIRS.iter().map(Path::new).find_map(|d| {
        let lib = d.join("libpam_wrapper.so");
        let matrix = d.join("pam_wrapper/pam_matrix.so");
        (lib.exists() && matrix.exists()).then_some((lib, matrix))
    })
}

/// The PAM service, passwords and account files of a test.
pub struct PamFixture {
    pub dir: tempfile::TempDir,
}

impl PamFixture {
    /// alice (password "alice-secret") is in `wheel`; bob ("bob-secret") is not; carol's
    /// primary group is wheel.
    pub fn new(matrix: &Path) -> PamFixture {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir(p.join("pam.d")).unwrap();
        let passdb = p.join("passdb");
        std::fs::write(
            &passdb,
            "alice:alice-secret:hypervisor-tui\nbob:bob-secret:hypervisor-tui\ncarol:carol-secret:hypervisor-tui\n",
        )
        .unwrap();
        let line = |kind: &str| format!("{kind} required {} passdb={}\n", matrix.display(), passdb.display());
        std::fs::write(p.join("pam.d/hypervisor-tui"), line("auth") + &line("account")).unwrap();
        std::fs::write(p.join("group"), "root:x:0:\nwheel:x:10:alice\nusers:x:100:bob\n").unwrap();
        std::fs::write(
            p.join("passwd"),
            "root:x:0:0::/root:/bin/sh\nalice:x:1000:100::/:/bin/sh\nbob:x:1001:100::/:/bin/sh\ncarol:x:1002:10::/:/bin/sh\nhypervisor-tui:x:0:0::/:/bin/sh\n",
        )
        .unwrap();
        PamFixture { dir }
    }

    pub fn group_file(&self) -> PathBuf {
        self.dir.path().join("group")
    }
    pub fn passwd_file(&self) -> PathBuf {
        self.dir.path().join("passwd")
    }
    pub fn service_dir(&self) -> PathBuf {
        self.dir.path().join("pam.d")
    }
}

/// The environment that makes PAM read the fixture's service dir.
pub fn pam_env(lib: &Path, service_dir: &Path) -> Vec<(String, String)> {
    vec![
        ("LD_PRELOAD".into(), lib.display().to_string()),
        ("PAM_WRAPPER".into(), "1".into()),
        ("PAM_WRAPPER_SERVICE_DIR".into(), service_dir.display().to_string()),
    ]
}

/// pam_wrapper works only when preloaded at process start, so an in-process test runs
/// again as a child of itself with the library preloaded. Returns the fixture dir in the
/// child (run the test body), `None` in the parent (which has checked that the child ran
/// exactly this test and passed) or when pam_wrapper is missing (`require`).
pub fn under_pam_wrapper(test: &str) -> Option<PathBuf> {
    if let Ok(dir) = std::env::var(CHILD) {
        // Children of the test (nspawn, journalctl) need no PAM.
        // SAFETY: the test child is single-threaded here (one test, run first).
        unsafe { std::env::remove_var("LD_PRELOAD") };
        return Some(PathBuf::from(dir));
    }
    let libs = pam_wrapper_libs();
    if !require(libs.is_some(), "pam_wrapper is not installed (apt install libpam-wrapper)") {
        return None;
    }
    let (lib, matrix) = libs.unwrap();
    let fixture = PamFixture::new(&matrix);
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .envs(pam_env(&lib, &fixture.service_dir()))
        .env(CHILD, fixture.dir.path())
        // The child is the console here: not an SSH session, whatever ran the tests.
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_CLIENT")
        .env_remove("SSH_TTY")
        .env_remove("KUBECONFIG")
        .output()
        .unwrap();
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the child run of {test} failed:\n{text}");
    assert!(text.contains("1 passed"), "the child did not run {test}:\n{text}");
    assert!(!text.contains("NOT RUN"), "the child did not run {test} fully:\n{text}");
    None
}

/// A line-protocol client of actiond.
pub struct Client {
    out: UnixStream,
    input: BufReader<UnixStream>,
}

impl Client {
    /// Connects, waiting up to 5 s for the socket: a listener's file appears at `bind`,
    /// before its `listen`, and a connection in between is refused.
    pub fn connect(path: &Path) -> Client {
        let mut tries = 0;
        let out = loop {
            match UnixStream::connect(path) {
                Ok(s) => break s,
                Err(e)
                    if tries < 250
                        && matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::NotFound) =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => panic!("cannot connect to {}: {e}", path.display()),
            }
        };
        out.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        let input = BufReader::new(out.try_clone().unwrap());
        Client { out, input }
    }

    /// Sends one JSON request, returns the JSON answer (`Null` when actiond hung up).
    pub fn ask(&mut self, req: &serde_json::Value) -> serde_json::Value {
        let mut line = serde_json::to_vec(req).unwrap();
        line.push(b'\n');
        if self.out.write_all(&line).is_err() {
            return serde_json::Value::Null;
        }
        let mut answer = String::new();
        match self.input.read_line(&mut answer) {
            Ok(0) | Err(_) => serde_json::Value::Null,
            Ok(_) => serde_json::from_str(&answer).unwrap(),
        }
    }

    pub fn auth(&mut self, user: &str, password: &str) -> serde_json::Value {
        self.ask(&serde_json::json!({"v": 1, "op": {"auth": {"user": user, "password": password, "channel": "tty1"}}}))
    }

    pub fn act(
        &mut self,
        token: &str,
        verb: &str,
        name: &str,
        reason: &str,
        confirm: &str,
    ) -> serde_json::Value {
        self.ask(&serde_json::json!({"v": 1, "op": {"act": {
            "token": token, "verb": verb, "reason": reason, "confirm": confirm, "channel": "tty1",
            "target": {"kind": "libvirt_domain", "uri": "test:///default", "name": name}}}}))
    }
}

/// Records with `MESSAGE_ID=id` in a container's journal, as journalctl prints them
/// (JSON), waiting until at least `n` are there.
pub fn journal_records(c: &super::systemd::SystemdContainer, id: &str, n: usize) -> Vec<serde_json::Value> {
    let mut got = Vec::new();
    for _ in 0..100 {
        let out = c.exec_ok(&["journalctl", "-o", "json", "--no-pager", &format!("MESSAGE_ID={id}")]);
        got = out.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        if got.len() >= n {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    got
}

pub fn settings(fixture: &Path, journal_socket: &Path) -> Settings {
    Settings {
        actions: ActionsConfig { enabled: true, ..ActionsConfig::default() },
        libvirt_uris: vec!["test:///default".into()],
        allowed_uids: vec![0],
        pam_service: "hypervisor-tui".into(),
        group_file: fixture.join("group"),
        passwd_file: fixture.join("passwd"),
        journal: audit::Journal::new(journal_socket),
        system_bus: hypervisor_tui::actiond::units::SYSTEM_BUS.into(),
        kubeconfig: None,
    }
}

/// Serves `settings` on a socket in `dir` from a thread; returns the socket path.
pub fn serve(settings: Settings, dir: &Path) -> PathBuf {
    let path = dir.join("actiond.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let server = Arc::new(Server::new(settings));
    std::thread::spawn(move || server::serve(&server, &listener));
    path
}

pub fn token(answer: &Value) -> String {
    answer["authenticated"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("not authenticated: {answer}"))
        .to_string()
}

pub fn refusal(answer: &Value) -> String {
    answer["refused"]["error"].as_str().unwrap_or_else(|| panic!("not refused: {answer}")).to_string()
}
