//! `snapshot --json` fills `guests` from libvirt (test driver), and leaves it null when
//! no URI answers.
#![cfg(feature = "libvirt")]

mod support;

use serde_json::Value;
use std::process::Command;

fn snapshot(uris: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let list: Vec<String> = uris.iter().map(|u| format!("{u:?}")).collect();
    let body = format!("[libvirt]\nuris = [{}]\n[kubernetes]\nenabled = false\n", list.join(", "));
    std::fs::write(&cfg, body).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_hypervisor-tui"));
    command.args(["--config", cfg.to_str().unwrap(), "snapshot", "--json"]);
    let (out, v) = support::snapshot::snapshot_json(&mut command);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    v
}

fn virsh_names_states(uri: &str) -> Vec<(String, String)> {
    let out = Command::new("virsh").args(["-c", uri, "list", "--all"]).output().unwrap();
    let mut v: Vec<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .filter_map(|l| {
            let mut c = l.split_whitespace().skip(1);
            Some((c.next()?.to_string(), c.collect::<Vec<_>>().join(" ")))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn guests_section_lists_every_domain() {
    let node = format!("test://{}/tests/fixtures/libvirt/node.xml", env!("CARGO_MANIFEST_DIR"));
    let bad = "qemu+unix:///system?socket=/nonexistent/sock";
    let v = snapshot(&[&node, bad]);
    let guests = v["guests"].as_array().expect("guests is an array");
    let mut ours: Vec<(String, String)> = guests
        .iter()
        .map(|g| (g["name"].as_str().unwrap().to_string(), g["state"].as_str().unwrap().to_string()))
        .collect();
    ours.sort();
    assert_eq!(ours, virsh_names_states(&node));
    let g = guests.iter().find(|g| g["name"] == "paused-02").unwrap();
    assert_eq!(g["source"], "libvirt");
    assert_eq!(g["uri_or_namespace"], node.as_str());
    assert_eq!((g["vcpus"].as_u64(), g["memory_bytes"].as_u64()), (Some(2), Some(1 << 30)));
    assert_eq!(g["nics"][0]["mac"], "52:54:00:00:00:0a");
    assert!(g["ips"].is_array());
    assert_eq!(v["sources"]["libvirt"]["state"], "error", "one URI of two is down");
    assert!(v["sources"]["libvirt"]["reason"].as_str().unwrap().contains("/nonexistent/sock"));
}

#[test]
fn guests_is_null_when_no_uri_answers() {
    let v = snapshot(&["qemu+unix:///system?socket=/nonexistent/sock"]);
    assert!(v["guests"].is_null());
    assert_eq!(v["sources"]["libvirt"]["state"], "unavailable");
}
