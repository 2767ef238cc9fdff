//! actiond's KubeVirt and node verbs against the fake API server (which applies what it is
//! sent: a cordoned node is unschedulable in its next list, a paused VMI has its Paused
//! condition, a forced stop deletes the VMI), with a real PAM stack (pam_wrapper) and the
//! audit records read back from a real journald (a systemd container).
#![cfg(feature = "kubernetes")]

mod support;

use hypervisor_tui::actiond::audit;
use serde_json::{Value, json};
use std::io::{Read, Write};
use support::actiond::{Client, journal_records, refusal, serve, settings, token, under_pam_wrapper};
use support::kube_api::{FakeApi, VMIMS, VMIS, VMS, committed_role, grant_of};
use support::systemd::SystemdContainer;

fn act(cl: &mut Client, tok: &str, verb: &str, target: Value, reason: &str, confirm: &str) -> Value {
    cl.ask(&json!({"v": 1, "op": {"act": {"token": tok, "verb": verb, "target": target,
        "reason": reason, "confirm": confirm, "channel": "tty1"}}}))
}

fn vm(name: &str) -> Value {
    json!({"kind": "kubevirt_vm", "namespace": "vms", "name": name})
}

fn node(name: &str) -> Value {
    json!({"kind": "kube_node", "name": name})
}

fn done(answer: &Value) -> String {
    answer["done"]["message"].as_str().unwrap_or_else(|| panic!("not done: {answer}")).to_string()
}

/// A plain GET of `path` on the server, as any client would list it.
fn list(api: &FakeApi, path: &str) -> Value {
    let addr = api.url().trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let token = hypervisor_tui::demo::kube_api::ADMIN_TOKEN;
    write!(s, "GET {path} HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer {token}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let n = s.read(&mut chunk).unwrap();
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|l| l.trim().parse().ok())
                .unwrap();
            if body.len() >= len {
                return serde_json::from_str(&body[..len]).unwrap();
            }
        }
        assert!(n > 0, "the server closed early");
    }
}

fn unschedulable(api: &FakeApi, name: &str) -> Value {
    let nodes = list(api, "/api/v1/nodes");
    let n = nodes["items"].as_array().unwrap().iter().find(|n| n["metadata"]["name"] == name).unwrap();
    n["spec"]["unschedulable"].clone()
}

/// The user a token of the module's actiond ServiceAccount authenticates as.
const ACTIOND_SA: &str = "system:serviceaccount:kube-system:hypervisor-tui-actiond";

/// Every verb runs with the least privilege the NixOS module gives actiond: a token whose
/// grant is the committed ClusterRole (nixos/kubernetes/hypervisor-tui-actiond.yaml), which
/// the fake server enforces on writes as on reads.
#[test]
fn kubevirt_and_node_verbs_through_the_api_server() {
    let Some(fixture) = under_pam_wrapper("kubevirt_and_node_verbs_through_the_api_server") else { return };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let api = FakeApi::with_fixtures();
    let role = committed_role("hypervisor-tui-actiond.yaml");
    api.grant("actiond-token", grant_of(ACTIOND_SA, &role));
    let tmp = tempfile::tempdir().unwrap();
    let mut s = settings(&fixture, &c.root().join("run/systemd/journal/socket"));
    s.kubeconfig = Some(api.kubeconfig_with_token(tmp.path(), "actiond-token").unwrap());
    let mut cl = Client::connect(&serve(s, tmp.path()));
    let tok = token(&cl.auth("alice", "alice-secret"));

    // Cordon: disruptive (a reason), and the node is unschedulable in the next list.
    assert_eq!(unschedulable(&api, "hv1"), Value::Null);
    assert!(refusal(&act(&mut cl, &tok, "node.cordon", node("hv1"), "", "")).contains("needs a reason"));
    assert_eq!(
        done(&act(&mut cl, &tok, "node.cordon", node("hv1"), "disk swap", "")),
        "node.cordon hv1: done"
    );
    assert_eq!(unschedulable(&api, "hv1"), true);
    assert_eq!(done(&act(&mut cl, &tok, "node.uncordon", node("hv1"), "", "")), "node.uncordon hv1: done");
    assert_eq!(unschedulable(&api, "hv1"), false);
    let gone = refusal(&act(&mut cl, &tok, "node.cordon", node("hv9"), "x", ""));
    assert_eq!(gone, r#"nodes "hv9" not found (404)"#);

    // Pause and unpause the VMI; pausing twice is the API server's conflict, in its words.
    assert_eq!(
        done(&act(&mut cl, &tok, "guest.suspend", vm("web-01"), "backup", "")),
        "guest.suspend vms/web-01: done"
    );
    let vmi = api.get(&VMIS, Some("vms"), "web-01").unwrap();
    assert!(vmi["status"]["conditions"].as_array().unwrap().iter().any(|c| c["type"] == "Paused"), "{vmi}");
    assert_eq!(api.get(&VMS, Some("vms"), "web-01").unwrap()["status"]["printableStatus"], "Paused");
    let twice = refusal(&act(&mut cl, &tok, "guest.suspend", vm("web-01"), "backup", ""));
    assert_eq!(twice, "VMI is already paused (409)");
    done(&act(&mut cl, &tok, "guest.resume", vm("web-01"), "", ""));
    assert_eq!(api.get(&VMS, Some("vms"), "web-01").unwrap()["status"]["printableStatus"], "Running");

    // Live migration: a VirtualMachineInstanceMigration for the VMI.
    let m = done(&act(&mut cl, &tok, "guest.migrate", vm("web-01"), "drain hv1", ""));
    assert!(m.starts_with("guest.migrate vms/web-01: migration web-01-migration-"), "{m}");
    let name = m.rsplit(' ').nth(1).unwrap();
    let vmim = api.get(&VMIMS, Some("vms"), name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(vmim["spec"]["vmiName"], "web-01");

    // Restart makes a new VMI; force off (typed name) stops with no grace and deletes it.
    let uid = api.get(&VMIS, Some("vms"), "web-01").unwrap()["metadata"]["uid"].clone();
    done(&act(&mut cl, &tok, "guest.reboot", vm("web-01"), "kernel update", ""));
    assert_ne!(api.get(&VMIS, Some("vms"), "web-01").unwrap()["metadata"]["uid"], uid);
    assert!(
        refusal(&act(&mut cl, &tok, "guest.force-off", vm("web-01"), "hung", "web")).contains("name typed")
    );
    done(&act(&mut cl, &tok, "guest.force-off", vm("web-01"), "hung", "web-01"));
    assert!(api.get(&VMIS, Some("vms"), "web-01").is_none());
    assert_eq!(api.get(&VMS, Some("vms"), "web-01").unwrap()["status"]["printableStatus"], "Stopped");
    let stop = api.writes().into_iter().rfind(|(m, p, _)| m == "PUT" && p.ends_with("/web-01/stop")).unwrap();
    assert_eq!(stop.1, "/apis/subresources.kubevirt.io/v1/namespaces/vms/virtualmachines/web-01/stop");
    assert_eq!(stop.2, json!({"gracePeriod": 0}));
    // Start a stopped VM; a VM that is not there is a failure in words.
    done(&act(&mut cl, &tok, "guest.start", vm("archive"), "", ""));
    assert_eq!(api.get(&VMS, Some("vms"), "archive").unwrap()["spec"]["runStrategy"], "Always");
    let missing = refusal(&act(&mut cl, &tok, "guest.start", vm("nope"), "", ""));
    assert_eq!(missing, r#"virtualmachines.kubevirt.io "nope" not found (404)"#);
    // Names are checked before anything is sent; verbs must fit the target.
    assert!(
        refusal(&act(&mut cl, &tok, "guest.start", vm("../x"), "", ""))
            .contains("not a Kubernetes object name")
    );
    assert!(refusal(&act(&mut cl, &tok, "node.cordon", vm("archive"), "x", "")).contains("does not apply"));
    let writes = api.writes().len();

    // One record per attempt, with the target as Kubernetes names it.
    let recs = journal_records(&c, audit::MSG_ACTION, 15);
    let cordon =
        recs.iter().find(|r| r["HVTUI_ACTION"] == "node.cordon" && r["HVTUI_RESULT"] == "ok").unwrap();
    assert_eq!(
        [
            &cordon["HVTUI_TARGET_KIND"],
            &cordon["HVTUI_TARGET"],
            &cordon["HVTUI_REASON"],
            &cordon["HVTUI_OPERATOR"]
        ],
        ["kube-node", "hv1", "disk swap", "alice"]
    );
    let off =
        recs.iter().find(|r| r["HVTUI_ACTION"] == "guest.force-off" && r["HVTUI_RESULT"] == "ok").unwrap();
    assert_eq!(
        (&off["HVTUI_TARGET_KIND"], &off["HVTUI_TARGET"]),
        (&json!("kubevirt-vm"), &json!("vms/web-01"))
    );
    let failed =
        recs.iter().find(|r| r["HVTUI_ACTION"] == "guest.suspend" && r["HVTUI_RESULT"] == "failed").unwrap();
    assert_eq!(failed["HVTUI_ERROR"], "VMI is already paused (409)");
    assert_eq!(recs.len(), 15, "{recs:#?}");
    assert_eq!(api.writes().len(), writes, "a refused verb reached the API server");

    // A role without one of its rules: the API server's refusal, in its words, and no change.
    let less = role.iter().filter(|(_, r, v)| !(v == "create" && r == "virtualmachineinstancemigrations"));
    api.grant("actiond-token", grant_of(ACTIOND_SA, less));
    let why = refusal(&act(&mut cl, &tok, "guest.migrate", vm("db-01"), "drain", ""));
    assert!(why.contains("forbidden") && why.contains("(403)"), "{why}");
    assert_eq!(api.writes().len(), writes, "a forbidden write changed nothing");
}

#[test]
fn without_its_own_kubeconfig_actiond_refuses_cluster_verbs() {
    let Some(fixture) = under_pam_wrapper("without_its_own_kubeconfig_actiond_refuses_cluster_verbs") else {
        return;
    };
    let Some(c) = SystemdContainer::start_or_require() else { return };
    let api = FakeApi::with_fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let mut cl =
        Client::connect(&serve(settings(&fixture, &c.root().join("run/systemd/journal/socket")), tmp.path()));
    let tok = token(&cl.auth("alice", "alice-secret"));
    let why = refusal(&act(&mut cl, &tok, "node.cordon", node("hv1"), "x", ""));
    assert!(why.contains("no kubeconfig") && why.contains("[actions] kubeconfig"), "{why}");
    assert!(api.writes().is_empty());
}
