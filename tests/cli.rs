//! The real binary's command line: config errors, verbs, snapshot, forced commands.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_hypervisor-tui");

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).env_remove("SSH_ORIGINAL_COMMAND");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().expect("run the binary")
}

/// A config that needs no daemon: libvirt's test driver, no Kubernetes.
fn quiet_config(dir: &Path) -> PathBuf {
    let p = dir.join("quiet.toml");
    std::fs::write(&p, "[libvirt]\nuris = [\"test:///default\"]\n[kubernetes]\nenabled = false\n").unwrap();
    p
}

fn config_error(body: &str) -> (i32, String, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, body).unwrap();
    let out = run(&["--config", path.to_str().unwrap(), "check"], &[]);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned(), path)
}

#[test]
fn config_errors_name_file_key_and_line_and_exit_2() {
    let cases = [
        ("refresh_interval = 2\n[journal]\nunits = []\ncolor = true\n", "journal.color", 4, "unknown field"),
        ("log_buffer_size = 500\nrefresh_interval = \"fast\"\n", "refresh_interval", 2, "invalid type"),
        ("[alerts]\ndisk_percent = 250\n", "alerts.disk_percent", 2, "out of range"),
        ("glyphs = \"emoji\"\n", "glyphs", 1, "unknown variant"),
        (
            "\n\n[libvirt]\nuris = [\"qemu:///system\", \"nonsense\"]\n",
            "libvirt.uris",
            4,
            "not a libvirt URI",
        ),
    ];
    for (body, key, line, what) in cases {
        let (code, err, path) = config_error(body);
        assert_eq!(code, 2, "{body}: {err}");
        let want = format!("{}:{line}: key `{key}`", path.display());
        assert!(err.contains(&want), "want {want:?} in {err:?}");
        assert!(err.contains(what), "want {what:?} in {err:?}");
        assert_eq!(err.lines().count(), 1, "one message: {err:?}");
    }
}

#[test]
fn explicit_missing_config_is_an_error_default_missing_is_not() {
    let out = run(&["--config", "/nonexistent/hv.toml", "check"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/hv.toml"));
}

#[test]
fn example_config_loads_and_documents_every_key() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let cfg = hypervisor_tui::config::Config::load(&path, true).expect("config.example.toml loads");
    assert_eq!(cfg.refresh_interval, 2);
    // Every key of the schema appears, commented or not.
    for key in [
        "refresh_interval",
        "log_buffer_size",
        "glyphs",
        "allow_quit",
        "[journal]",
        "units",
        "priority",
        "directory",
        "[kubernetes]",
        "enabled",
        "kubeconfig",
        "[libvirt]",
        "uris",
        "[network]",
        "management_urls",
        "[alerts]",
        "warn_percent",
        "cpu_percent",
        "memory_percent",
        "disk_percent",
        "swap_percent",
    ] {
        assert!(text.contains(key), "config.example.toml does not document {key}");
    }
}

#[test]
fn unknown_verb_is_a_usage_error() {
    let out = run(&["frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--version"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("hypervisor-tui "));
    let out = run(&["--help"], &[]);
    let help = String::from_utf8_lossy(&out.stdout);
    for verb in ["snapshot", "logs", "check", "--config"] {
        assert!(help.contains(verb), "--help lacks {verb}");
    }
}

#[cfg(feature = "libvirt")]
fn meminfo_total_bytes() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap();
    let line = text.lines().find(|l| l.starts_with("MemTotal:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

#[test]
#[cfg(feature = "libvirt")]
fn snapshot_json_matches_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = quiet_config(dir.path());
    let (out, v) = support::snapshot::snapshot_json(&mut command(
        &["--config", cfg.to_str().unwrap(), "snapshot", "--json"],
        &[],
    ));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let nproc = String::from_utf8(Command::new("nproc").output().unwrap().stdout).unwrap();
    assert_eq!(v["cpu"]["cores"].as_u64(), Some(nproc.trim().parse().unwrap()));
    assert_eq!(v["cpu"]["per_core_percent"].as_array().map(Vec::len), nproc.trim().parse().ok());
    assert_eq!(v["memory"]["total_bytes"].as_u64(), Some(meminfo_total_bytes()));
    // This test's own process (and the snapshot's) are among the processes scanned.
    let procs = v["top_processes"]["total"].as_u64().unwrap_or(0);
    assert!(procs >= 2, "{}", v["top_processes"]);
    let largest = &v["top_processes"]["by_memory"][0];
    assert!(largest["pid"].as_u64().is_some() && largest["rss_bytes"].as_u64() > Some(0), "{largest}");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(v["host"]["hostname"].as_str(), Some(host.trim()));
    assert_eq!(v["host"]["load"].as_array().map(Vec::len), Some(3));
    for src in ["journal", "procfs", "netlink", "libvirt", "kubernetes", "kubevirt"] {
        let state = v["sources"][src]["state"].as_str().unwrap_or("missing");
        assert!(["ok", "unavailable", "error"].contains(&state), "{src}: {state}");
        assert!(v["sources"][src]["reason"].is_string());
    }
    assert_eq!(v["sources"]["libvirt"]["state"], "ok", "test:///default answers");
    assert_eq!(v["sources"]["kubernetes"]["state"], "unavailable");
    // Data shown has an age; a source that gave none has no age and its section is null.
    assert!(v["sources"]["procfs"]["age_s"].as_f64().is_some_and(|a| a >= 0.0));
    assert!(v["sources"]["kubernetes"]["age_s"].is_null() && v["kubernetes"].is_null());
    assert_eq!(v["schema_version"], 1);
}

#[test]
#[cfg(feature = "libvirt")]
fn snapshot_text_and_check_work_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = quiet_config(dir.path());
    let out = run(&["--config", cfg.to_str().unwrap(), "snapshot"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("memory") && text.contains("libvirt"), "{text}");
    let out = run(&["--config", cfg.to_str().unwrap(), "check"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("libvirt") && l.contains(" ok ")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("kubernetes") && l.contains("disabled")), "{text}");
}

#[test]
fn forced_command_runs_whitelisted_verbs_and_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = quiet_config(dir.path());
    let c = cfg.to_str().unwrap();
    let forced = [("SSH_ORIGINAL_COMMAND", "snapshot --json")];
    let (out, _) =
        support::snapshot::snapshot_json(&mut command(&["--config", c, "--forced-command"], &forced));
    assert!(out.status.success());
    let out = run(&["--config", c, "--forced-command"], &[("SSH_ORIGINAL_COMMAND", "check")]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("procfs"));
    // No command and no terminal: the text snapshot.
    let out = run(&["--config", c, "--forced-command"], &[]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("sources"));
    // Bytes that are not UTF-8 are refused, not taken for "no command" (the console).
    let out = Command::new(BIN)
        .args(["--config", c, "--forced-command"])
        .env(
            "SSH_ORIGINAL_COMMAND",
            <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"check\xff"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
    assert!(out.stdout.is_empty());
    for bad in ["bash -i", "id", "snapshot; sh", "check --config /tmp/x", "snapshot $(reboot)"] {
        let out = run(&["--config", c, "--forced-command"], &[("SSH_ORIGINAL_COMMAND", bad)]);
        assert_eq!(out.status.code(), Some(2), "{bad} not refused");
        assert!(String::from_utf8_lossy(&out.stderr).contains("refused"), "{bad}");
        assert!(out.stdout.is_empty(), "{bad} printed something");
    }
}

/// A journal directory that does not exist is named as such, not as a library's internals.
#[test]
fn logs_on_a_missing_directory_says_so() {
    let out = run(&["--config", "/dev/null", "logs", "-D", "/nonexistent/journal", "-n", "1"], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("/nonexistent/journal") && err.contains("does not exist"), "{err}");
    assert!(!err.contains("open_dirs"), "{err}");
}
