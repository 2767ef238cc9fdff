//! The fake API server's writes, the ones actiond makes: KubeVirt's VM subresources
//! (`start`, `stop`, `restart` on virtualmachines, `pause`, `unpause` on
//! virtualmachineinstances, under `subresources.kubevirt.io/v1`), creating a
//! VirtualMachineInstanceMigration, and a merge patch of a node (cordon). Each is recorded
//! (`FakeApi::writes`) and applied to the objects as KubeVirt's controllers and the API
//! server would leave them, so the next list and the watches show the effect; refusals
//! are the Status objects a real cluster answers (403 forbidden by the token's grant, 404 not
//! found, 409 conflict).

use super::http::Request;
use super::{Grant, Inner, NODES, Res, VMIMS, VMIS, VMS, lock, status};
use serde_json::{Value, json};

type Answer = (u16, Value);

fn not_found(res: &Res, name: &str) -> Answer {
    let group = if res.group.is_empty() { String::new() } else { format!(".{}", res.group) };
    let msg = format!("{}{group} \"{name}\" not found", res.plural);
    (404, status(404, "NotFound", msg, json!({"name": name, "group": res.group, "kind": res.plural})))
}

fn conflict(msg: &str) -> Answer {
    (409, status(409, "Conflict", msg.into(), json!({})))
}

/// The writes this server handles, read once from the method and path.
enum Write<'a> {
    /// `PUT` of a KubeVirt subresource (`start`, `stop`, `pause`, …).
    Subresource {
        ns: &'a str,
        plural: &'a str,
        name: &'a str,
        sub: &'a str,
    },
    /// `POST` of a VirtualMachineInstanceMigration.
    Migrate {
        ns: &'a str,
    },
    /// `PATCH` of a node (cordon, uncordon).
    Node {
        name: &'a str,
    },
    Other,
}

impl<'a> Write<'a> {
    fn parse(method: &str, parts: &[&'a str]) -> Write<'a> {
        match (method, parts) {
            ("PUT", ["apis", "subresources.kubevirt.io", "v1", "namespaces", ns, plural, name, sub]) => {
                Write::Subresource { ns, plural, name, sub }
            }
            ("POST", ["apis", "kubevirt.io", "v1", "namespaces", ns, "virtualmachineinstancemigrations"]) => {
                Write::Migrate { ns }
            }
            ("PATCH", ["api", "v1", "nodes", name]) => Write::Node { name },
            _ => Write::Other,
        }
    }

    /// (API group, resource as RBAC names it, verb): what the token's grant must allow.
    fn rbac(&self) -> Option<(&'static str, String, &'static str)> {
        match self {
            Write::Subresource { plural, sub, .. } => {
                Some(("subresources.kubevirt.io", format!("{plural}/{sub}"), "update"))
            }
            Write::Migrate { .. } => {
                Some(("kubevirt.io", "virtualmachineinstancemigrations".into(), "create"))
            }
            Write::Node { .. } => Some(("", "nodes".into(), "patch")),
            Write::Other => None,
        }
    }
}

/// Answers one write the token's grant allows (403 Forbidden otherwise, before anything
/// changes); everything not handled here is 405.
pub(super) fn handle(inner: &Inner, req: &Request, kubevirt_absent: bool, grant: &Grant) -> Answer {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let write = Write::parse(&req.method, &parts);
    if let Some((group, resource, verb)) = write.rbac()
        && !grant.allows_named(verb, &resource)
    {
        let msg = format!(
            "{resource} is forbidden: User \"{}\" cannot {verb} resource \"{resource}\" in API group \"{group}\"",
            grant.user
        );
        return (403, status(403, "Forbidden", msg, json!({"group": group, "kind": resource})));
    }
    lock(&inner.state).writes.push((req.method.clone(), req.path.clone(), body.clone()));
    match write {
        Write::Subresource { ns, plural, name, sub } if !kubevirt_absent => {
            subresource(inner, ns, plural, name, sub, &body)
        }
        Write::Migrate { ns } if !kubevirt_absent => migrate(inner, ns, body),
        Write::Node { name } => {
            let Some(mut node) = inner.get(&NODES, None, name) else { return not_found(&NODES, name) };
            merge(&mut node, &body);
            inner.put(&NODES, node.clone());
            (200, inner.get(&NODES, None, name).unwrap_or(node))
        }
        _ => {
            let msg =
                format!("the server does not allow this method on the requested resource ({})", req.method);
            (405, status(405, "MethodNotAllowed", msg, json!({})))
        }
    }
}

/// RFC 7386 JSON merge patch: objects merge, `null` removes, anything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let Some(t) = target.as_object_mut() else { return };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

fn paused(vmi: &Value) -> bool {
    vmi["status"]["conditions"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Paused" && c["status"] == "True"))
}

/// The VM's printable status, if there is a VM.
fn set_vm_status(inner: &Inner, ns: &str, name: &str, printable: &str, run_strategy: Option<&str>) {
    if let Some(mut vm) = inner.get(&VMS, Some(ns), name) {
        vm["status"]["printableStatus"] = json!(printable);
        vm["status"]["ready"] = json!(printable == "Running");
        if let Some(rs) = run_strategy {
            vm["spec"]["runStrategy"] = json!(rs);
            if let Some(spec) = vm["spec"].as_object_mut() {
                spec.remove("running");
            }
        }
        inner.put(&VMS, vm);
    }
}

fn subresource(inner: &Inner, ns: &str, plural: &str, name: &str, sub: &str, body: &Value) -> Answer {
    let vm = inner.get(&VMS, Some(ns), name);
    let vmi = inner.get(&VMIS, Some(ns), name);
    let vm_running =
        vm.as_ref().is_some_and(|v| v["status"]["printableStatus"] != "Stopped") || vmi.is_some();
    match (plural, sub) {
        ("virtualmachines", "start" | "stop" | "restart") if vm.is_none() => not_found(&VMS, name),
        ("virtualmachines", "start") => {
            if vm_running {
                return conflict("VM is already running");
            }
            set_vm_status(inner, ns, name, "Running", Some("Always"));
            (202, json!({}))
        }
        ("virtualmachines", "stop") => {
            if !vm_running {
                return conflict("VM is not running");
            }
            inner.delete(&VMIS, Some(ns), name);
            set_vm_status(inner, ns, name, "Stopped", Some("Halted"));
            // A forced stop (gracePeriod 0) is remembered as KubeVirt's annotation shows it.
            if body["gracePeriod"] == 0
                && let Some(mut v) = inner.get(&VMS, Some(ns), name)
            {
                v["metadata"]["annotations"]["kubevirt.io/force-stopped"] = json!("true");
                inner.put(&VMS, v);
            }
            (202, json!({}))
        }
        ("virtualmachines", "restart") => {
            let Some(mut old) = vmi.filter(|_| vm_running) else { return conflict("VM is not running") };
            // The VMI is deleted and the controller makes a new one: a new uid.
            inner.delete(&VMIS, Some(ns), name);
            if let Some(meta) = old["metadata"].as_object_mut() {
                meta.remove("uid");
            }
            inner.put(&VMIS, old);
            (202, json!({}))
        }
        ("virtualmachineinstances", "pause" | "unpause") => {
            let Some(mut v) = vmi else { return not_found(&VMIS, name) };
            let is_paused = paused(&v);
            if sub == "pause" && is_paused {
                return conflict("VMI is already paused");
            }
            if sub == "unpause" && !is_paused {
                return conflict("VMI is not paused");
            }
            let mut conds: Vec<Value> = v["status"]["conditions"].as_array().cloned().unwrap_or_default();
            conds.retain(|c| c["type"] != "Paused");
            if sub == "pause" {
                conds.push(json!({"type": "Paused", "status": "True", "reason": "PausedByUser",
                    "message": "VMI was paused by user", "lastTransitionTime": "2026-11-22T08:00:00Z"}));
            }
            v["status"]["conditions"] = json!(conds);
            inner.put(&VMIS, v);
            set_vm_status(inner, ns, name, if sub == "pause" { "Paused" } else { "Running" }, None);
            (200, json!({}))
        }
        _ => {
            let msg = format!("the server could not find the requested resource ({plural}/{sub})");
            (404, status(404, "NotFound", msg, json!({})))
        }
    }
}

fn migrate(inner: &Inner, ns: &str, mut body: Value) -> Answer {
    let Some(vmi_name) = body["spec"]["vmiName"].as_str().map(str::to_string) else {
        let msg = "VirtualMachineInstanceMigration.kubevirt.io is invalid: spec.vmiName: Required value";
        return (422, status(422, "Invalid", msg.into(), json!({})));
    };
    if inner.get(&VMIS, Some(ns), &vmi_name).is_none() {
        let msg = format!(
            "admission webhook \"migration-create-validator.kubevirt.io\" denied the request: the VMI \"{vmi_name}\" does not exist"
        );
        return (422, status(422, "Invalid", msg, json!({})));
    }
    let n = {
        let mut s = lock(&inner.state);
        s.generated += 1;
        s.generated
    };
    let prefix = body["metadata"]["generateName"].as_str().unwrap_or("migration-").to_string();
    let name = body["metadata"]["name"].as_str().map_or_else(|| format!("{prefix}{n:05x}"), str::to_string);
    body["metadata"]["name"] = json!(name);
    body["metadata"]["namespace"] = json!(ns);
    body["status"] = json!({"phase": "Pending"});
    inner.put(&VMIMS, body);
    (201, inner.get(&VMIMS, Some(ns), &name).unwrap_or(Value::Null))
}
