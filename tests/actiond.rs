//! actiond with real components: PAM through pam_wrapper + pam_matrix, audit records sent
//! to a real journald (a systemd container) and read back with journalctl, and libvirt's
//! test driver, whose domains really change state.
#![cfg(feature = "libvirt")]

mod support;

use hypervisor_tui::actiond::{audit, client};
use hypervisor_tui::config::Config;
use serde_json::Value;
use std::path::Path;
use support::actiond::{Client, journal_records, refusal, serve, settings, token, under_pam_wrapper};
use support::systemd::SystemdContainer;
use virt::connect::Connect;
use virt::domain::Domain;

/// libvirt's state of a test-driver domain: 1 running, 3 paused, 5 shut off.
fn state(conn: &Connect, name: &str) -> u32 {
    Domain::lookup_by_name(conn, name).unwrap().get_state().unwrap().0
}

#[test]
fn pam_group_grace_and_audit_with_real_components() {
    let Some(fixture) = under_pam_wrapper("pam_group_grace_and_audit_with_real_components") else { return };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    // The test holds test:///default open: the driver's default state is shared in-process.
    let conn = Connect::open(Some("test:///default")).unwrap();
    assert_eq!(state(&conn, "test"), 1);
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(settings(&fixture, &c.root().join("run/systemd/journal/socket")), tmp.path());
    let mut cl = Client::connect(&sock);

    assert_eq!(refusal(&cl.auth("alice", "wrong")), "wrong user or password");
    assert!(refusal(&cl.auth("bob", "bob-secret")).contains("bob is not in the operator group wheel"));
    token(&cl.auth("carol", "carol-secret")); // wheel is carol's primary group
    // The console's client: a grace window for alice.
    let granted = client::authenticate(&sock, "alice", "alice-secret".into(), "tty1").unwrap();
    assert_eq!((granted.operator.as_str(), granted.idle_s, granted.max_s), ("alice", 300, 900));
    let tok = granted.token;

    // Destructive: the typed name and a reason are required; nothing runs without them.
    assert!(refusal(&cl.act(&tok, "guest.force-off", "test", "", "test")).contains("needs a reason"));
    assert!(refusal(&cl.act(&tok, "guest.force-off", "test", "hung", "tset")).contains("name typed exactly"));
    assert!(
        refusal(&cl.act("bogus", "guest.force-off", "test", "hung", "test")).contains("not authenticated")
    );
    assert_eq!(state(&conn, "test"), 1, "a refused action changed the domain");
    let done = cl.act(&tok, "guest.force-off", "test", "hung at boot", "test");
    assert!(done["done"]["message"].as_str().is_some(), "{done}");
    assert_eq!(state(&conn, "test"), 5, "force off did not shut the domain off");
    // Benign within the same grace window: start it again.
    assert!(cl.act(&tok, "guest.start", "test", "", "")["done"].is_object());
    assert_eq!(state(&conn, "test"), 1);
    // A verb libvirt refuses is a failure in words.
    assert!(refusal(&cl.act(&tok, "guest.resume", "test", "", "")).contains("not paused"));
    // Ending the window ends the token.
    client::end(&sock, &tok).unwrap();
    assert!(refusal(&cl.act(&tok, "guest.start", "test", "", "")).contains("not authenticated"));

    let auth = journal_records(&c, audit::MSG_AUTH, 4);
    let by = |user: &str, result: &str| {
        auth.iter().any(|r| {
            r["HVTUI_OPERATOR"] == user && r["HVTUI_RESULT"] == result && r["HVTUI_CHANNEL"] == "tty1"
        })
    };
    assert!(
        by("alice", "failed") && by("bob", "failed") && by("alice", "ok") && by("carol", "ok"),
        "{auth:#?}"
    );
    let results = journal_records(&c, audit::MSG_ACTION, 7);
    let forced = results
        .iter()
        .find(|r| r["HVTUI_ACTION"] == "guest.force-off" && r["HVTUI_RESULT"] == "ok")
        .unwrap_or_else(|| panic!("no force-off record: {results:#?}"));
    assert_eq!(forced["HVTUI_OPERATOR"], "alice");
    assert_eq!(forced["HVTUI_TARGET"], "test@test:///default");
    assert_eq!(forced["HVTUI_TARGET_KIND"], "libvirt-domain");
    assert_eq!(forced["HVTUI_REASON"], "hung at boot");
    assert!(forced["HVTUI_DURATION_MS"].as_str().is_some_and(|d| d.parse::<u64>().is_ok()));
    assert_eq!(results.iter().filter(|r| r["HVTUI_RESULT"] == "refused").count(), 4, "{results:#?}");
    assert!(results.iter().any(|r| r["HVTUI_ACTION"] == "guest.resume" && r["HVTUI_RESULT"] == "failed"));
    // One record per attempt: 4 refused, force-off, start, and the failed resume.
    assert_eq!(results.len(), 7, "{results:#?}");
    // The pre-flight's empty datagrams left nothing in the journal: every native record
    // there has a message.
    let native = c.exec_ok(&["journalctl", "-o", "json", "--no-pager", "_TRANSPORT=journal"]);
    let native: Vec<Value> = native.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(!native.is_empty() && native.iter().all(|r| r["MESSAGE"].is_string()), "{native:#?}");
}

#[test]
fn lockout_after_five_failures_even_for_the_right_password() {
    let Some(fixture) = under_pam_wrapper("lockout_after_five_failures_even_for_the_right_password") else {
        return;
    };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(settings(&fixture, &c.root().join("run/systemd/journal/socket")), tmp.path());
    let mut cl = Client::connect(&sock);
    for _ in 0..5 {
        assert_eq!(refusal(&cl.auth("alice", "guess")), "wrong user or password");
    }
    let locked = refusal(&cl.auth("alice", "alice-secret"));
    assert!(locked.contains("locked for") && locked.contains("repeated failures"), "{locked}");
    let auth = journal_records(&c, audit::MSG_AUTH, 6);
    assert_eq!(auth.iter().filter(|r| r["HVTUI_RESULT"] == "failed").count(), 5, "{auth:#?}");
    assert_eq!(auth.iter().filter(|r| r["HVTUI_RESULT"] == "locked").count(), 1, "{auth:#?}");
}

#[test]
fn no_audit_record_no_action() {
    let Some(fixture) = under_pam_wrapper("no_audit_record_no_action") else { return };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let conn = Connect::open(Some("test:///default")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // The journal is reached through a link the test removes after authenticating.
    let link = tmp.path().join("journal.sock");
    std::os::unix::fs::symlink(c.root().join("run/systemd/journal/socket"), &link).unwrap();
    let sock = serve(settings(&fixture, &link), tmp.path());
    let mut cl = Client::connect(&sock);
    let tok = token(&cl.auth("alice", "alice-secret"));
    std::fs::remove_file(&link).unwrap();
    let why = refusal(&cl.act(&tok, "guest.force-off", "test", "testing the audit", "test"));
    assert!(why.contains("audit record could not be written") && why.contains("did not run"), "{why}");
    assert_eq!(state(&conn, "test"), 1, "the action ran without its audit record");
    // Authentication too needs its record.
    assert!(refusal(&cl.auth("alice", "alice-secret")).contains("audit record could not be written"));
}

#[test]
fn only_the_console_user_is_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = settings(tmp.path(), &tmp.path().join("journal"));
    s.allowed_uids = vec![4242];
    let sock = serve(s, tmp.path());
    let mut cl = Client::connect(&sock);
    assert_eq!(cl.auth("alice", "alice-secret"), Value::Null, "a foreign uid got an answer");
}

#[test]
fn oversized_and_malformed_requests_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(settings(tmp.path(), &tmp.path().join("journal")), tmp.path());
    let mut cl = Client::connect(&sock);
    let bad = cl.ask(&serde_json::json!({"v": 1, "op": {"act": {"verb": "rm -rf /"}}}));
    assert!(refusal(&bad).contains("bad request"), "{bad}");
    let v2 = cl.ask(&serde_json::json!({"v": 2, "op": {"end": {"token": "x"}}}));
    assert!(refusal(&v2).contains("version"), "{v2}");
    let huge = cl.ask(&serde_json::json!({"v": 1, "op": {"end": {"token": "x".repeat(5000)}}}));
    assert!(refusal(&huge).contains("longer than 4096"), "{huge}");
    assert_eq!(
        cl.ask(&serde_json::json!({"v": 1, "op": {"end": {"token": "x"}}})),
        Value::Null,
        "still open"
    );
}

#[test]
fn with_actions_off_nothing_is_served() {
    // The binary refuses to start at all …
    let tmp = tempfile::tempdir().unwrap();
    let sock = tmp.path().join("a.sock");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"))
        .args(["--config", "/dev/null", "actiond", "--listen"])
        .arg(&sock)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("actions are disabled"));
    assert!(!sock.exists());
    // … and a server with them off answers every request with a refusal, changing nothing.
    let conn = Connect::open(Some("test:///default")).unwrap();
    let mut s = settings(tmp.path(), &tmp.path().join("journal"));
    s.actions = Config::default().actions;
    let sock = serve(s, tmp.path());
    let mut cl = Client::connect(&sock);
    assert!(refusal(&cl.auth("alice", "alice-secret")).contains("disabled"));
    let why = client::authenticate(&sock, "alice", "alice-secret".into(), "tty1").unwrap_err();
    assert!(why.contains("actions are disabled"), "{why}");
    let gone = client::end(&tmp.path().join("nobody.sock"), "t").unwrap_err();
    assert!(gone.starts_with("actiond is not reachable at"), "{gone}");
    for verb in ["guest.force-off", "guest.shutdown", "guest.suspend", "guest.reboot"] {
        assert!(refusal(&cl.act("t", verb, "test", "r", "test")).contains("disabled"));
    }
    assert_eq!(state(&conn, "test"), 1);
}

/// One request from a separate process (perl, part of every Debian), with `env` added.
fn ask_from_process(sock: &Path, env: &[(&str, &str)], request: &str) -> String {
    let script = "use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die $!; \
                  print $s $ARGV[1], qq(\\n); print scalar <$s>;";
    let out = std::process::Command::new("perl")
        .args(["-e", script])
        .arg(sock)
        .arg(request)
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_CLIENT")
        .env_remove("SSH_TTY")
        .env_remove("KUBECONFIG")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn ssh_sessions_stay_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(settings(tmp.path(), &tmp.path().join("journal")), tmp.path());
    let end = r#"{"v":1,"op":{"end":{"token":"x"}}}"#;
    assert_eq!(ask_from_process(&sock, &[], end), r#""ended""#);
    let ssh = ask_from_process(&sock, &[("SSH_CONNECTION", "203.0.113.9 50000 192.0.2.1 22")], end);
    assert_eq!(ssh, r#"{"refused":{"error":"SSH sessions are read-only"}}"#);
    let mut cl = Client::connect(&sock);
    let auth = cl.ask(
        &serde_json::json!({"v": 1, "op": {"auth": {"user": "alice", "password": "x", "channel": "ssh"}}}),
    );
    assert_eq!(refusal(&auth), "SSH sessions are read-only");
}

#[test]
fn refused_ssh_peers_do_not_hold_a_connection_slot() {
    let tmp = tempfile::tempdir().unwrap();
    let sock = serve(settings(tmp.path(), &tmp.path().join("journal")), tmp.path());
    // After its refusal the connection is closed at once: the next read is end of file.
    let script = "use IO::Socket::UNIX; use Time::HiRes qw(time); \
                  my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die $!; \
                  print $s $ARGV[1], qq(\\n); my $a = <$s>; my $t = time; my $more = <$s>; \
                  printf qq(%s %.1f\\n), (defined $more ? 'open' : 'closed'), time - $t;";
    let ssh = [("SSH_CONNECTION", "203.0.113.9 50000 192.0.2.1 22")];
    let end = r#"{"v":1,"op":{"end":{"token":"x"}}}"#;
    // More SSH peers than there are slots, one after another, each answered at once.
    let start = std::time::Instant::now();
    for _ in 0..6 {
        let out = std::process::Command::new("perl")
            .args(["-e", script])
            .arg(&sock)
            .arg(end)
            .envs(ssh)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("closed 0."), "{text}");
    }
    // A silent SSH peer is dropped within seconds, not after the 2-minute idle limit.
    let held: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new("perl")
                .args([
                    "-e",
                    "use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die; \
                              my $t = time; my $x = <$s>; print time - $t;",
                ])
                .arg(&sock)
                .envs(ssh)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for h in held {
        let out = h.wait_with_output().unwrap();
        let waited: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        assert!(waited <= 4, "a silent SSH peer held its slot {waited} s");
    }
    // The console is still answered.
    assert_eq!(ask_from_process(&sock, &[], end), r#""ended""#);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}
