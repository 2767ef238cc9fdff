//! `kubernetes`: the cluster as listed, SPEC's keys first. A count is `null` when a kind it
//! is made of could not be listed; `missing` names each such kind with why.

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Kubernetes {
    /// Nodes whose Ready condition is True (`null`: nodes not listed).
    pub nodes_ready: Option<u64>,
    /// `null`: nodes not listed.
    pub nodes_total: Option<u64>,
    /// Pods by `status.phase` (`null`: pods not listed).
    pub pods_by_phase: Option<BTreeMap<String, u64>>,
    /// `null`: services not listed.
    pub services: Option<u64>,
    /// PersistentVolumeClaims (`null`: not listed).
    pub pvcs: Option<u64>,
    /// Pod CIDRs: this node's first (`null`: nodes not listed).
    pub pod_cidrs: Option<Vec<String>>,
    /// The service CIDR, or `includes <ip>` when only the `kubernetes` service's address is
    /// known; `null` when nothing tells it.
    pub service_cidr: Option<String>,
    /// Where `service_cidr` comes from: `k3s config`, `k3s default`, `kubernetes service`.
    pub service_cidr_source: Option<String>,
    /// The API server's address.
    pub server: String,
    /// The API server's version (`v1.31.4+k3s1`).
    pub version: String,
    /// This host's node name, when it is a node of the cluster.
    pub node: Option<String>,
    /// Names of the nodes not Ready (`null`: nodes not listed).
    pub nodes_not_ready: Option<Vec<String>>,
    /// Pods on this node by phase (`null`: pods or nodes not listed).
    pub node_pods_by_phase: Option<BTreeMap<String, u64>>,
    /// `null`: pods not listed.
    pub pods_total: Option<u64>,
    /// Container restarts the API records in the last hour (`null`: pods not listed).
    pub restarts_last_hour: Option<u64>,
    /// Crash-looping pods (`namespace/name`) on this node, or anywhere when this host is
    /// not a node (`null`: pods or nodes not listed).
    pub crash_looping: Option<Vec<String>>,
    /// Ready kube-system pods, completed jobs left out (`null`: pods not listed).
    pub system_pods_ready: Option<u64>,
    /// kube-system pods, completed jobs left out (`null`: pods not listed).
    pub system_pods: Option<u64>,
    /// Services by `spec.type` (`null`: services not listed).
    pub services_by_type: Option<BTreeMap<String, u64>>,
    /// `null`: PVCs not listed.
    pub pvcs_bound: Option<u64>,
    /// `null`: PVCs not listed.
    pub pvcs_pending: Option<u64>,
    /// CNI plugins: the host's CNI configs, then plugins seen as kube-system pods.
    pub cni: Vec<String>,
    /// KubeVirt guests by state; `null` when VMs or VMIs could not be listed (no KubeVirt,
    /// forbidden: see `missing` and `sources.kubevirt`).
    pub kubevirt: Option<KubevirtCounts>,
    /// Every kind that could not be listed (by its plural, e.g. `pods`), with why:
    /// forbidden, not installed, or no answer in time.
    pub missing: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct KubevirtCounts {
    pub vms: u64,
    pub vmis: u64,
    pub running: u64,
    pub stopped: u64,
    pub migrating: u64,
    pub failed: u64,
    pub other: u64,
}
