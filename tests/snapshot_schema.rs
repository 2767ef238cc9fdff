//! The `snapshot --json` contract: the committed `docs/snapshot.schema.json` is the one the
//! structs generate, and it refuses documents that break the contract.

#[path = "support/guests.rs"]
mod guests;
mod support;

use hypervisor_tui::commands::snapshot::schema::{SCHEMA_PATH, schema_text};
use hypervisor_tui::commands::snapshot::{Snapshot, SourceSample};
use hypervisor_tui::event::{Health, SourceId};
use hypervisor_tui::model::guests::{Guest, GuestState, MachinedGuest, Nic};
use hypervisor_tui::model::network::{Addr, Link, LinkKind, NetState, Route};
use hypervisor_tui::model::procs::{ProcTable, ProcUsage};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[test]
fn committed_schema_matches_the_structs() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_PATH);
    let generated = schema_text();
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{SCHEMA_PATH} differs from the snapshot contract structs (src/commands/snapshot/types/).\n\
         If the change is meant, regenerate it with:\n    UPDATE_SCHEMA=1 cargo test --test snapshot_schema committed_schema\n\
         and bump `schema_version` when a key is renamed, removed or changes type."
    );
}

fn sample_network() -> NetState {
    let eth0 = Link {
        index: 2,
        name: "eth0".into(),
        kind: Some(LinkKind::Physical),
        operstate: "UP".into(),
        carrier: Some(true),
        mtu: 1500,
        mac: Some("52:54:00:00:00:01".into()),
        speed_mbps: Some(1000),
        ..Link::default()
    };
    // No counters from the kernel: the JSON must say null, not 0.
    let tap =
        Link { index: 3, name: "tap0".into(), kind: Some(LinkKind::Tap), master: Some(2), ..Link::default() };
    NetState {
        links: vec![eth0, tap],
        addrs: vec![Addr {
            index: 2,
            addr: "192.0.2.10".parse().unwrap(),
            prefix: 24,
            local_scope: false,
            temporary: false,
        }],
        routes: vec![Route {
            family: 4,
            dst: None,
            gateway: Some("192.0.2.1".parse().unwrap()),
            oif: Some(2),
            metric: 0,
        }],
        dns: vec!["192.0.2.53".into()],
    }
}

/// A failed service with its result, one without a known time, a running one.
fn sample_units() -> Vec<hypervisor_tui::model::units::Unit> {
    use hypervisor_tui::model::units::Unit;
    let unit = |name: &str, active: &str, sub: &str, result: Option<&str>, since: Option<i64>| Unit {
        name: name.into(),
        description: String::new(),
        load: "loaded".into(),
        active: active.into(),
        sub: sub.into(),
        result: result.map(Into::into),
        since,
    };
    vec![
        unit("k3s.service", "failed", "failed", Some("exit-code"), Some(1_735_689_400)),
        unit("data.mount", "failed", "failed", None, None),
        unit("sshd.service", "active", "running", None, Some(1_735_600_000)),
    ]
}

/// A running nspawn container and a declarative NixOS container that does not run.
fn sample_machines() -> Vec<Guest> {
    let web = MachinedGuest {
        class: "container".into(),
        service: "systemd-nspawn".into(),
        unit: "systemd-nspawn@web.service".into(),
        root: "/var/lib/machines/web".into(),
        leader: Some(4242),
        machine_id: "0123456789abcdef0123456789abcdef".into(),
        state: "running".into(),
        memory: Some(96 << 20),
        memory_note: "cgroup v2".into(),
        ..MachinedGuest::default()
    };
    let db = MachinedGuest {
        class: "container".into(),
        unit: "container@db.service".into(),
        state: "stopped".into(),
        memory_note: "not running".into(),
        configured: "/etc/nixos-containers/db.conf".into(),
        ..MachinedGuest::default()
    };
    vec![
        Guest {
            name: "web".into(),
            uri: "nspawn".into(),
            state: GuestState::Running,
            cpu_percent: Some(1.5),
            started_unix: Some(1_735_689_000),
            ips: vec!["10.233.1.2".into()],
            nics: vec![Nic { kind: "veth".into(), target: Some("ve-web".into()), ..Nic::default() }],
            machined: Some(Box::new(web)),
            ..Guest::default()
        },
        Guest {
            name: "db".into(),
            uri: "nspawn".into(),
            state: GuestState::Shutoff,
            ips: vec!["10.233.2.2".into()],
            machined: Some(Box::new(db)),
            ..Guest::default()
        },
    ]
}

/// A document with every section filled: host, network, libvirt and KubeVirt guests, cluster.
fn full_document() -> Value {
    let taken = Instant::now();
    let sources = SourceId::ALL
        .into_iter()
        .map(|id| SourceSample {
            id,
            health: Health::Ok(format!("{} answers", id.key())),
            confirmed: taken.checked_sub(Duration::from_millis(250)),
        })
        .collect();
    let cluster = support::cluster::model_with_cluster(3, 40, 6).cluster;
    let procs = ProcTable {
        top: vec![
            ProcUsage {
                pid: 4242,
                name: "qemu-system-x86".into(),
                guest: Some("web-01".into()),
                cpu_percent: Some(87.5),
                rss_bytes: 2 << 30,
            },
            ProcUsage { pid: 99, name: "newborn".into(), guest: None, cpu_percent: None, rss_bytes: 4096 },
        ],
        total: 312,
        error: None,
        scanned: true,
    };
    let snap = Snapshot {
        host: Some(support::sample_host(4)),
        procs: Some(procs),
        sources,
        network: Some(sample_network()),
        guests: Some((0..7).map(guests::guest).collect()),
        cluster: Some(cluster),
        machines: Some(sample_machines()),
        units: Some(sample_units()),
        system: support::system::troubled_facts(),
        now_unix: 1_735_689_600,
        taken,
    };
    snap.to_json()
}

#[test]
fn a_full_document_passes_and_says_unknown_as_null() {
    let v = full_document();
    support::snapshot::validate_snapshot(&v);
    assert_eq!(v["schema_version"], 1);
    let sources = ["libvirt", "kubevirt", "machined"];
    let seen: Vec<&str> =
        v["guests"].as_array().unwrap().iter().filter_map(|g| g["source"].as_str()).collect();
    assert!(sources.iter().all(|s| seen.contains(s)), "{seen:?}");
    assert_eq!(v["sources"]["procfs"]["age_s"], 0.25);
    let guests = v["guests"].as_array().unwrap();
    let web = guests.iter().find(|g| g["name"] == "web").unwrap();
    assert_eq!(
        (web["class"].as_str(), web["leader"].as_u64(), web["memory_bytes"].as_u64()),
        (Some("container"), Some(4242), Some(96 << 20))
    );
    assert_eq!((web["uptime_s"].as_u64(), web["interfaces"][0].as_str()), (Some(600), Some("ve-web")));
    let db = guests.iter().find(|g| g["name"] == "db").unwrap();
    assert_eq!(
        (db["state"].as_str(), &db["memory_bytes"], &db["leader"]),
        (Some("stopped"), &Value::Null, &Value::Null)
    );
    assert_eq!(v["sources"]["machined"]["state"], "ok");
    let top = &v["top_processes"];
    assert_eq!(
        (top["total"].as_u64(), top["by_cpu"][0]["guest"].as_str()),
        (Some(312), Some("web-01")),
        "{top}"
    );
    assert!(top["by_cpu"][1]["cpu_percent"].is_null(), "a process first seen has no CPU %, not 0");
    assert_eq!(top["by_memory"][0]["pid"], 4242);
    let tap = &v["network"]["links"][1];
    assert_eq!(
        (&tap["name"], &tap["master"], &tap["rx_bytes"]),
        (&json!("tap0"), &json!("eth0"), &Value::Null)
    );
    assert!(v["kubernetes"]["kubevirt"].is_object(), "{}", v["kubernetes"]);
    let units = &v["units"];
    assert_eq!(
        units["failed"][0],
        json!({"name": "data.mount", "result": null, "sub_state": "failed", "since_unix": null})
    );
    assert_eq!(units["failed"][1]["result"], "exit-code");
    assert_eq!(
        (units["counts_by_state"]["failed"].as_u64(), units["running_services"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(v["nixos"]["reboot_needed"], true);
    assert_eq!(v["nixos"]["previous_generation"]["number"], 41);
    assert_eq!(v["storage"]["md"][2]["sync"]["percent"], 8.5);
    assert_eq!(v["hardware"]["edac"]["ue_total"], 1);
}

/// Each change breaks the contract; the schema must refuse every one.
#[test]
fn the_schema_refuses_documents_that_break_the_contract() {
    type Break = fn(&mut Value);
    let breaks: [(&str, Break); 12] = [
        ("a machined guest without its class", |v| {
            let g =
                v["guests"].as_array_mut().unwrap().iter_mut().find(|g| g["source"] == "machined").unwrap();
            _ = g.as_object_mut().unwrap().remove("class")
        }),
        ("reboot_needed as a word", |v| v["nixos"]["reboot_needed"] = json!("yes")),
        ("a temperature without its reading", |v| {
            _ = v["hardware"]["temperatures"][0].as_object_mut().unwrap().remove("celsius")
        }),
        ("a count as a string", |v| v["cpu"]["cores"] = json!("4")),
        ("another schema_version", |v| v["schema_version"] = json!(2)),
        ("a source left out", |v| _ = v["sources"].as_object_mut().unwrap().remove("libvirt")),
        ("a state not in the list", |v| v["sources"]["netlink"]["state"] = json!("fine")),
        ("a source without age_s", |v| _ = v["sources"]["procfs"].as_object_mut().unwrap().remove("age_s")),
        ("a guest of an unknown source", |v| v["guests"][0]["source"] = json!("xen")),
        ("a libvirt guest without its NICs", |v| _ = v["guests"][0].as_object_mut().unwrap().remove("nics")),
        ("a negative byte count", |v| v["memory"]["total_bytes"] = json!(-1)),
        ("a section renamed", |v| {
            let k = v.as_object_mut().unwrap().remove("kubernetes").unwrap();
            v["k8s"] = k;
        }),
    ];
    for (what, apply) in breaks {
        let mut v = full_document();
        apply(&mut v);
        let errors = support::snapshot::schema_errors(&v);
        assert!(!errors.is_empty(), "the schema accepted {what}");
    }
}
