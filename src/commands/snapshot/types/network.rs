//! `network`: links, default gateways and DNS, from one netlink dump.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Network {
    /// Every link, by index.
    pub links: Vec<Link>,
    /// Default routes of the main table.
    pub default_gateways: Vec<Gateway>,
    /// Name servers from resolv.conf.
    pub dns: Vec<String>,
}

/// One network interface. Counters are `null` when the kernel gave the link no statistics.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Link {
    pub index: u32,
    pub name: String,
    /// `physical`, `bridge`, `bond`, `vlan 10`, `vxlan 42`, `veth`, `tap`, `loopback`, …;
    /// `null` when the kernel does not say.
    pub kind: Option<String>,
    /// The kernel's operstate: `up`, `down`, `unknown`, `lowerlayerdown`, …
    pub operstate: String,
    /// `null` when the kernel does not report a carrier.
    pub carrier: Option<bool>,
    pub mtu: u32,
    pub mac: Option<String>,
    /// The bridge or bond this link is a port of, by name.
    pub master: Option<String>,
    /// Addresses with their prefix length, e.g. `192.0.2.1/24`, `2001:db8::1/64`.
    pub addresses: Vec<String>,
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
    pub rx_packets: Option<u64>,
    pub tx_packets: Option<u64>,
    pub rx_errors: Option<u64>,
    pub tx_errors: Option<u64>,
    pub rx_dropped: Option<u64>,
    pub tx_dropped: Option<u64>,
    /// From sysfs; `null` where the driver does not know one (virtual links).
    pub speed_mbps: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Gateway {
    /// The next hop; `null` for an on-link default route.
    pub gateway: Option<String>,
    /// The outgoing link's name; `null` when the route names none.
    pub dev: Option<String>,
    pub family: Family,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// IPv4.
    Inet,
    /// IPv6.
    Inet6,
}
