//! The Kubernetes fixtures (tests/fixtures/kube) are what a k3s v1.31 cluster running
//! KubeVirt v1.4 returns: every core object survives a round trip through its k8s-openapi
//! type without losing a field (a misspelt or invented field would be dropped), and the
//! objects refer to each other as a real cluster's do: VMI to VM, launcher pods to VMIs and
//! nodes, migrations to VMIs and target pods, volumes to PVCs, services to pods, events to
//! objects that exist, within the apiserver's one-hour event TTL.
#![cfg(feature = "kubernetes")]

use k8s_openapi::api::core::v1::{Event, Node, PersistentVolumeClaim, Pod, Service};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// 2026-11-22T12:00:00Z: "now" for the fixture cluster.
const NOW: &str = "2026-11-22T12:00:00Z";

fn items(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kube").join(name);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!((v["apiVersion"].as_str(), v["kind"].as_str()), (Some("v1"), Some("List")), "{name}");
    v["items"].as_array().unwrap().clone()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn key(o: &Value) -> (String, String) {
    (s(&o["metadata"]["namespace"]).to_string(), s(&o["metadata"]["name"]).to_string())
}

/// Paths of `orig` that a round trip through a k8s-openapi type lost.
fn dropped(orig: &Value, typed: &Value, path: &str, out: &mut Vec<String>) {
    match (orig, typed) {
        (Value::Object(o), Value::Object(t)) => {
            for (k, v) in o.iter().filter(|(_, v)| !v.is_null()) {
                let p = format!("{path}.{k}");
                match t.get(k) {
                    Some(tv) => dropped(v, tv, &p, out),
                    None => out.push(p),
                }
            }
        }
        (Value::Array(o), Value::Array(t)) if o.len() == t.len() => {
            for (i, (a, b)) in o.iter().zip(t).enumerate() {
                dropped(a, b, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Object(_) | Value::Array(_), _) => out.push(format!("{path} (shape)")),
        _ => {}
    }
}

fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(file: &str) {
    let mut lost = vec![];
    for item in items(file) {
        let name = format!("{file}:{}", s(&item["metadata"]["name"]));
        let typed: T = serde_json::from_value(item.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        dropped(&item, &serde_json::to_value(&typed).unwrap(), &name, &mut lost);
    }
    assert!(lost.is_empty(), "fields the API does not have: {lost:#?}");
}

#[test]
fn core_fixtures_are_exactly_k8s_openapi_objects() {
    round_trips::<Node>("nodes.json");
    round_trips::<Pod>("pods.json");
    round_trips::<Service>("services.json");
    round_trips::<PersistentVolumeClaim>("pvcs.json");
    round_trips::<Event>("events.json");
}

#[test]
fn every_object_has_its_kind_metadata_and_a_unique_uid() {
    let mut uids = BTreeSet::new();
    for (file, api_version, kind, namespaced) in [
        ("nodes.json", "v1", "Node", false),
        ("pods.json", "v1", "Pod", true),
        ("services.json", "v1", "Service", true),
        ("pvcs.json", "v1", "PersistentVolumeClaim", true),
        ("events.json", "v1", "Event", true),
        ("vms.json", "kubevirt.io/v1", "VirtualMachine", true),
        ("vmis.json", "kubevirt.io/v1", "VirtualMachineInstance", true),
        ("vmims.json", "kubevirt.io/v1", "VirtualMachineInstanceMigration", true),
    ] {
        for o in items(file) {
            let m = &o["metadata"];
            assert_eq!((s(&o["apiVersion"]), s(&o["kind"])), (api_version, kind), "{file}");
            assert_eq!(m["namespace"].is_string(), namespaced, "{file}: {}", m["name"]);
            assert!(m["creationTimestamp"].as_str().is_some_and(|t| t <= NOW), "{file}: {}", m["name"]);
            assert!(uids.insert(s(&m["uid"]).to_string()), "{file}: uid of {} reused", m["name"]);
        }
    }
}

#[test]
fn pods_sit_on_nodes_with_addresses_from_their_cidrs() {
    let nodes: BTreeMap<String, Value> = items("nodes.json").into_iter().map(|n| (key(&n).1, n)).collect();
    for p in items("pods.json") {
        let (spec, st) = (&p["spec"], &p["status"]);
        let Some(node) = spec["nodeName"].as_str() else {
            assert_eq!(s(&st["phase"]), "Pending", "{:?} has no node", key(&p));
            continue;
        };
        let n = &nodes.get(node).unwrap_or_else(|| panic!("{:?} on unknown node {node}", key(&p)));
        let internal =
            n["status"]["addresses"].as_array().unwrap().iter().find(|a| a["type"] == "InternalIP");
        assert_eq!(s(&st["hostIP"]), s(&internal.unwrap()["address"]), "{:?}", key(&p));
        let ip = s(&st["podIP"]);
        if spec["hostNetwork"] == true {
            assert_eq!(ip, s(&st["hostIP"]), "{:?}", key(&p));
        } else {
            let cidr = s(&n["spec"]["podCIDR"]);
            let prefix = cidr.trim_end_matches("0/24");
            assert!(ip.starts_with(prefix), "{:?}: {ip} outside {cidr}", key(&p));
        }
        let states: Vec<&str> = st["containerStatuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["state"].as_object().and_then(|s| s.keys().next()).map_or("", String::as_str))
            .collect();
        assert_eq!(states.len(), spec["containers"].as_array().unwrap().len(), "{:?}", key(&p));
        match s(&st["phase"]) {
            "Succeeded" | "Failed" => assert!(states.iter().all(|s| *s == "terminated"), "{:?}", key(&p)),
            "Running" => assert!(states.iter().all(|s| *s != "terminated"), "{:?}", key(&p)),
            other => panic!("{:?} phase {other}", key(&p)),
        }
    }
}

#[test]
fn kubevirt_objects_refer_to_each_other() {
    let vms: BTreeMap<_, _> = items("vms.json").into_iter().map(|o| (key(&o), o)).collect();
    let vmis: BTreeMap<_, _> = items("vmis.json").into_iter().map(|o| (key(&o), o)).collect();
    let vmims = items("vmims.json");
    let pods = items("pods.json");
    let pvcs: BTreeMap<_, _> = items("pvcs.json").into_iter().map(|o| (key(&o), o)).collect();
    for (k, vm) in &vms {
        let vmi = vmis.get(k);
        assert_eq!(vm["status"]["created"] == true, vmi.is_some(), "{k:?}: created iff its VMI exists");
        let migrating = vmims.iter().any(|m| {
            key(m).0 == k.0 && m["spec"]["vmiName"] == k.1.as_str() && m["status"]["phase"] == "Running"
        });
        assert_eq!(vm["status"]["printableStatus"] == "Migrating", migrating, "{k:?}");
    }
    for (k, vmi) in &vmis {
        let (m, st) = (&vmi["metadata"], &vmi["status"]);
        if let Some(owner) = m["ownerReferences"].as_array().and_then(|o| o.first()) {
            let vm = &vms[&(k.0.clone(), s(&owner["name"]).to_string())];
            assert_eq!(
                (s(&owner["kind"]), &owner["uid"]),
                ("VirtualMachine", &vm["metadata"]["uid"]),
                "{k:?}"
            );
        }
        // activePods: exactly the VMI's launcher pods that have not finished, with their nodes.
        let launchers: Vec<&Value> =
            pods.iter().filter(|p| p["metadata"]["labels"]["kubevirt.io/created-by"] == m["uid"]).collect();
        assert!(!launchers.is_empty(), "{k:?} has a virt-launcher pod");
        let mut active = BTreeMap::new();
        for p in &launchers {
            assert_eq!(key(p).0, k.0);
            assert_eq!(p["metadata"]["ownerReferences"][0]["uid"], m["uid"], "{:?}", key(p));
            assert_eq!(p["metadata"]["labels"]["vm.kubevirt.io/name"], m["name"]);
            let phase = s(&p["status"]["phase"]);
            if phase == "Pending" || phase == "Running" || (phase == "Failed" && st["phase"] == "Failed") {
                active.insert(s(&p["metadata"]["uid"]).to_string(), p["spec"]["nodeName"].clone());
            }
        }
        let listed: BTreeMap<String, Value> =
            st["activePods"].as_object().unwrap().iter().map(|(u, n)| (u.clone(), n.clone())).collect();
        let want: BTreeMap<String, Value> =
            active.into_iter().map(|(u, n)| (u, if n.is_null() { Value::from("") } else { n })).collect();
        assert_eq!(listed, want, "{k:?}: activePods");
        if let Some(node) = st["nodeName"].as_str() {
            assert_eq!(s(&m["labels"]["kubevirt.io/nodeName"]), node, "{k:?}");
            let on_node = launchers
                .iter()
                .find(|p| p["spec"]["nodeName"] == node && p["status"]["phase"] != "Succeeded");
            let ip = s(&on_node.unwrap()["status"]["podIP"]);
            assert_eq!(s(&st["interfaces"][0]["ipAddress"]), ip, "{k:?}: masquerade reports the pod IP");
        }
        // Volumes: the claims exist; a live-migratable VMI's claims are ReadWriteMany.
        let migratable = st["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "LiveMigratable" && c["status"] == "True");
        for v in vmi["spec"]["volumes"].as_array().unwrap() {
            let Some(claim) = v["persistentVolumeClaim"]["claimName"].as_str() else { continue };
            let pvc = pvcs
                .get(&(k.0.clone(), claim.to_string()))
                .unwrap_or_else(|| panic!("{k:?}: no PVC {claim}"));
            assert_eq!(pvc["status"]["phase"], "Bound", "{claim}");
            let rwx = pvc["spec"]["accessModes"].as_array().unwrap().iter().any(|m| m == "ReadWriteMany");
            assert!(!migratable || rwx, "{k:?} is LiveMigratable with the RWO claim {claim}");
            let vs = st["volumeStatus"].as_array().unwrap().iter().find(|s| s["name"] == v["name"]).unwrap();
            assert_eq!(vs["persistentVolumeClaimInfo"]["capacity"], pvc["status"]["capacity"], "{claim}");
        }
    }
    for mig in &vmims {
        let (ns, name) = key(mig);
        let vmi = &vmis[&(ns.clone(), s(&mig["spec"]["vmiName"]).to_string())];
        assert_eq!(mig["metadata"]["labels"]["kubevirt.io/vmi-name"], mig["spec"]["vmiName"]);
        let state = &mig["status"]["migrationState"];
        assert_eq!(state["migrationUid"], mig["metadata"]["uid"], "{name}");
        if mig["status"]["phase"] == "Running" {
            assert_eq!(
                vmi["status"]["migrationState"], *state,
                "{name}: the VMI shows the migration in progress"
            );
            let target =
                pods.iter().find(|p| p["metadata"]["name"] == state["targetPod"]).expect("target pod");
            assert_eq!(target["spec"]["nodeName"], state["targetNode"]);
            assert_eq!(target["metadata"]["labels"]["kubevirt.io/migrationJobUID"], mig["metadata"]["uid"]);
            assert_eq!(state["sourceNode"], vmi["status"]["nodeName"]);
        }
    }
}

#[test]
fn services_select_pods_and_events_name_live_objects() {
    let pods = items("pods.json");
    for svc in items("services.json") {
        let Some(sel) = svc["spec"]["selector"].as_object() else { continue };
        let matched = pods
            .iter()
            .any(|p| key(p).0 == key(&svc).0 && sel.iter().all(|(k, v)| p["metadata"]["labels"][k] == *v));
        assert!(matched, "service {:?} selects no pod", key(&svc));
    }
    let mut objects = BTreeMap::new();
    for (file, kind) in [
        ("pods.json", "Pod"),
        ("pvcs.json", "PersistentVolumeClaim"),
        ("vms.json", "VirtualMachine"),
        ("vmis.json", "VirtualMachineInstance"),
        ("vmims.json", "VirtualMachineInstanceMigration"),
    ] {
        for o in items(file) {
            objects.insert((kind, key(&o)), o["metadata"]["uid"].clone());
        }
    }
    // The apiserver drops events an hour after their last update (--event-ttl=1h).
    let hour_ago = "2026-11-22T11:00:00Z";
    for e in items("events.json") {
        let io = &e["involvedObject"];
        let k = (s(&io["kind"]), (s(&io["namespace"]).to_string(), s(&io["name"]).to_string()));
        assert_eq!(objects.get(&k), Some(&io["uid"]), "event {:?} about a missing object", key(&e));
        assert_eq!(key(&e).0, k.1.0);
        let last = e["lastTimestamp"].as_str().or(e["series"]["lastObservedTime"].as_str()).unwrap();
        assert!(last >= hour_ago && last <= NOW, "event {:?} last seen {last}", key(&e));
    }
}
