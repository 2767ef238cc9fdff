//! The fake Kubernetes API server (`hypervisor_tui::demo::kube_api`, shared with `--demo`)
//! with the tests' conveniences: the fixture files of tests/fixtures/kube, and panics
//! instead of errors.
#![allow(dead_code)]

pub use hypervisor_tui::demo::kube_api::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every resource with its fixture file in tests/fixtures/kube.
pub const FIXTURES: [(Res, &str); 8] = [
    (NODES, "nodes.json"),
    (PODS, "pods.json"),
    (SERVICES, "services.json"),
    (PVCS, "pvcs.json"),
    (VMS, "vms.json"),
    (VMIS, "vmis.json"),
    (VMIMS, "vmims.json"),
    (EVENTS, "events.json"),
];

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kube").join(name)
}

/// The items of a fixture `List`.
pub fn fixture_items(name: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap();
    assert_eq!((v["apiVersion"].as_str(), v["kind"].as_str()), (Some("v1"), Some("List")), "{name}");
    v["items"].as_array().unwrap().clone()
}

/// The crate's server, with the tests' way of starting and loading it.
pub struct FakeApi(hypervisor_tui::demo::kube_api::FakeApi);

impl std::ops::Deref for FakeApi {
    type Target = hypervisor_tui::demo::kube_api::FakeApi;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FakeApi {
    pub fn start() -> FakeApi {
        FakeApi(hypervisor_tui::demo::kube_api::FakeApi::bind().expect("listen on 127.0.0.1"))
    }

    /// A server loaded with every fixture.
    pub fn with_fixtures() -> FakeApi {
        let api = FakeApi::start();
        for (res, file) in &FIXTURES {
            api.load(res, &fixture(file));
        }
        api
    }

    /// Loads a `List` file's items.
    pub fn load(&self, res: &Res, fixture: &Path) {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
        self.0.load_items(res, v["items"].as_array().unwrap());
    }

    pub fn write_kubeconfig(&self, dir: &Path) -> PathBuf {
        self.0.kubeconfig_in(dir).unwrap()
    }

    pub fn restart(&self) {
        self.0.restart().expect("the port is free again");
    }

    pub fn restart_fresh(&self, starting: usize) {
        self.0.restart_fresh(starting).expect("the port is free again");
    }
}

/// One rule of a committed ClusterRole, expanded: (API group, resource, verb), resources
/// as RBAC names them (`nodes`, `virtualmachines/start`).
pub type RoleRule = (String, String, String);

/// Every (group, resource, verb) the ClusterRole in a committed file of nixos/kubernetes/ grants.
pub fn committed_role(file: &str) -> Vec<RoleRule> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("nixos/kubernetes").join(file);
    let docs: Vec<Value> = serde_saphyr::from_multiple(&std::fs::read_to_string(path).unwrap()).unwrap();
    let role = docs.iter().find(|d| d["kind"] == "ClusterRole").expect("a ClusterRole");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
    };
    let mut out = Vec::new();
    for rule in role["rules"].as_array().unwrap() {
        for g in strings(&rule["apiGroups"]) {
            for r in strings(&rule["resources"]) {
                out.extend(strings(&rule["verbs"]).into_iter().map(|v| (g.clone(), r.clone(), v)));
            }
        }
    }
    out
}

/// A token's grant of exactly `rules`.
pub fn grant_of<'a>(user: &str, rules: impl IntoIterator<Item = &'a RoleRule>) -> Grant {
    Grant::rules(user, rules.into_iter().map(|(_, r, v)| (v.clone(), r.clone())))
}
