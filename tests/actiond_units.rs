//! actiond's unit verbs against a real systemd (PID 1 of a container) over its D-Bus, with
//! a real PAM stack (pam_wrapper) and the records in that systemd's journal.

mod support;

use hypervisor_tui::actiond::audit;
use hypervisor_tui::actiond::protocol::{ActRequest, Op, Request, Target};
use hypervisor_tui::config::Verb;
use support::actiond::{Client, journal_records, refusal, serve, settings, token, under_pam_wrapper};
use support::systemd::SystemdContainer;

fn show(c: &SystemdContainer, unit: &str, prop: &str) -> String {
    c.exec_ok(&["systemctl", "show", "-P", prop, unit]).trim().to_string()
}

fn act(cl: &mut Client, token: &str, verb: Verb, unit: &str, reason: &str) -> serde_json::Value {
    let req = Request {
        v: 1,
        op: Op::Act(ActRequest {
            token: token.into(),
            verb,
            target: Target::SystemdUnit { name: unit.into() },
            reason: reason.into(),
            confirm: String::new(),
            channel: "tty1".into(),
        }),
    };
    cl.ask(&serde_json::to_value(req).unwrap())
}

#[test]
fn unit_restart_stop_start_through_systemd() {
    let Some(fixture) = under_pam_wrapper("unit_restart_stop_start_through_systemd") else { return };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let units = c.root().join("etc/systemd/system");
    std::fs::write(units.join("hvtui-demo.service"), "[Service]\nExecStart=/bin/sleep infinity\n").unwrap();
    std::fs::write(units.join("hvtui-bad.service"), "[Service]\nType=oneshot\nExecStart=/bin/false\n")
        .unwrap();
    c.exec_ok(&["systemctl", "daemon-reload"]);
    c.exec_ok(&["systemctl", "start", "hvtui-demo.service"]);
    let pid = show(&c, "hvtui-demo.service", "MainPID");

    let mut s = settings(&fixture, &c.root().join("run/systemd/journal/socket"));
    s.actions.units = vec!["hvtui-demo.service".into(), "hvtui-bad.service".into()];
    s.system_bus = format!("unix:path={}", c.bus_path().display());
    let tmp = tempfile::tempdir().unwrap();
    let mut cl = Client::connect(&serve(s, tmp.path()));
    let tok = token(&cl.auth("alice", "alice-secret"));

    assert!(
        refusal(&act(&mut cl, &tok, Verb::UnitRestart, "hvtui-demo.service", "")).contains("needs a reason")
    );
    let r = act(&mut cl, &tok, Verb::UnitRestart, "hvtui-demo.service", "stuck");
    assert_eq!(r["done"]["message"], "unit.restart hvtui-demo.service: done", "{r}");
    let new_pid = show(&c, "hvtui-demo.service", "MainPID");
    assert!(new_pid != pid && new_pid != "0", "restart kept MainPID {pid}");
    assert!(act(&mut cl, &tok, Verb::UnitStop, "hvtui-demo.service", "maintenance")["done"].is_object());
    assert_eq!(show(&c, "hvtui-demo.service", "ActiveState"), "inactive");
    assert!(act(&mut cl, &tok, Verb::UnitStart, "hvtui-demo.service", "")["done"].is_object());
    assert_eq!(show(&c, "hvtui-demo.service", "ActiveState"), "active");
    // A job that fails is a failure in words; a unit off the list is refused, untouched.
    let bad = refusal(&act(&mut cl, &tok, Verb::UnitStart, "hvtui-bad.service", ""));
    assert_eq!(bad, "hvtui-bad.service: the job ended failed");
    let off = refusal(&act(&mut cl, &tok, Verb::UnitStop, "dbus.service", "no"));
    assert!(off.contains("not one of the units"), "{off}");
    assert_eq!(show(&c, "dbus.service", "ActiveState"), "active");
    // A guest verb on a unit does not apply.
    let wrong = refusal(&act(&mut cl, &tok, Verb::GuestForceOff, "hvtui-demo.service", "x"));
    assert_eq!(wrong, "guest.force-off does not apply to a systemd-unit");

    let results = journal_records(&c, audit::MSG_ACTION, 7);
    let restart = results.iter().find(|r| r["HVTUI_ACTION"] == "unit.restart" && r["HVTUI_RESULT"] == "ok");
    let restart = restart.unwrap_or_else(|| panic!("{results:#?}"));
    assert_eq!(restart["HVTUI_TARGET_KIND"], "systemd-unit");
    assert_eq!(restart["HVTUI_TARGET"], "hvtui-demo.service");
    assert_eq!(restart["HVTUI_REASON"], "stuck");
    assert!(results.iter().any(|r| r["HVTUI_TARGET"] == "dbus.service" && r["HVTUI_RESULT"] == "refused"));
    // One record per attempt: restart, stop, start, the failing start and three refusals.
    assert_eq!(results.len(), 7, "{results:#?}");
}
