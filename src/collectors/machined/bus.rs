//! The calls to systemd-machined (`org.freedesktop.machine1`) and the two to systemd it needs
//! (a unit's cgroup and state). Plain zbus calls, as in `collectors::systemd::bus`.

use crate::collectors::systemd::bus::SystemdError;
use std::collections::HashMap;
use zbus::{Connection, MessageStream, OwnedObjectPath, OwnedVariant};

const MACHINED: &str = "org.freedesktop.machine1";
const MANAGER_PATH: &str = "/org/freedesktop/machine1";
const MANAGER: &str = "org.freedesktop.machine1.Manager";
const MACHINE: &str = "org.freedesktop.machine1.Machine";
const SYSTEMD: &str = "org.freedesktop.systemd1";
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";

/// Why machined could not be asked, in words for the header and `check`.
#[derive(Debug, thiserror::Error)]
pub enum MachinedError {
    #[error(transparent)]
    Bus(#[from] SystemdError),
    #[error("systemd-machined is not on the system bus ({0})")]
    Absent(String),
    #[error("systemd-machined: access denied to {0}")]
    Denied(&'static str),
    #[error("systemd-machined did not answer {call}: {source}")]
    Call { call: &'static str, source: zbus::Error },
    #[error("system bus closed the connection")]
    Closed,
    #[error("systemd-machined did not answer within {0} s")]
    Timeout(u64),
}

fn call_error(call: &'static str, e: zbus::Error) -> MachinedError {
    if let zbus::Error::MethodError(name, text, _) = &e {
        let name = name.as_str();
        let text = text.clone().unwrap_or_else(|| name.to_string());
        // Not installed, not running and not activatable, masked, or failing to start.
        let absent = ["ServiceUnknown", "NameHasNoOwner", "Spawn."].iter().any(|k| name.contains(k))
            || name.starts_with("org.freedesktop.systemd1.");
        if absent {
            return MachinedError::Absent(text);
        }
        if name == "org.freedesktop.DBus.Error.AccessDenied" {
            return MachinedError::Denied(call);
        }
    }
    MachinedError::Call { call, source: e }
}

async fn call<B>(
    conn: &Connection,
    (dest, path, iface): (&str, &str, &str),
    method: &'static str,
    body: &B,
) -> Result<zbus::Message, MachinedError>
where
    B: serde::Serialize + zbus::DynamicType,
{
    conn.call_method(Some(dest), path, Some(iface), method, body).await.map_err(|e| call_error(method, e))
}

/// The stream of machined's signals (`MachineNew`, `MachineRemoved`).
pub async fn subscribe(conn: &Connection) -> Result<MessageStream, MachinedError> {
    let rule = format!("type='signal',sender='{MACHINED}',interface='{MANAGER}'");
    MessageStream::for_match_rule(rule.as_str(), conn, None).await.map_err(|e| call_error("AddMatch", e))
}

/// A signal's member and machine name, if it is one of machined's machine signals.
pub fn machine_signal(msg: &zbus::Message) -> Option<(String, String)> {
    let h = msg.header();
    let member = h.member()?.as_str().to_string();
    if !matches!(member.as_str(), "MachineNew" | "MachineRemoved") {
        return None;
    }
    let (name, _): (String, OwnedObjectPath) = msg.body().deserialize().ok()?;
    Some((member, name))
}

/// One row of ListMachines: name, class, service, object path.
pub struct Listed {
    pub name: String,
    pub class: String,
    pub path: OwnedObjectPath,
}

/// Whether libvirt registered the machine (its qemu and LXC drivers do): F4 lists those from
/// libvirt itself, with more than machined knows.
pub fn is_libvirts(service: &str) -> bool {
    service.starts_with("libvirt")
}

/// Every machine but the host itself (machined lists it as `.host`, class `host`) and
/// libvirt's guests.
pub async fn list_machines(conn: &Connection) -> Result<Vec<Listed>, MachinedError> {
    let reply = call(conn, (MACHINED, MANAGER_PATH, MANAGER), "ListMachines", &()).await?;
    let rows: Vec<(String, String, String, OwnedObjectPath)> =
        reply.body().deserialize().map_err(|e| MachinedError::Call { call: "ListMachines", source: e })?;
    Ok(rows
        .into_iter()
        .filter(|(_, class, service, _)| class != "host" && !is_libvirts(service))
        .map(|(name, class, _, path)| Listed { name, class, path })
        .collect())
}

/// A machine's properties as machined reports them.
#[derive(Debug, Clone, Default)]
pub struct Props {
    pub class: String,
    pub service: String,
    pub state: String,
    pub leader: Option<u32>,
    pub root: String,
    pub unit: String,
    pub id: Vec<u8>,
    /// When it was registered, µs since the epoch.
    pub timestamp_us: u64,
    /// Host-side network interfaces it was registered with.
    pub ifindices: Vec<i32>,
}

/// GetAll on one machine; `None` when it went away meanwhile.
pub async fn properties(conn: &Connection, path: &str) -> Option<Props> {
    let reply = call(conn, (MACHINED, path, PROPERTIES), "GetAll", &(MACHINE,)).await.ok()?;
    let mut all: HashMap<String, OwnedVariant> = reply.body().deserialize().ok()?;
    let mut take = |k: &str| all.remove(k);
    let text = |v: Option<OwnedVariant>| v.and_then(|v| String::try_from(v).ok()).unwrap_or_default();
    Some(Props {
        class: text(take("Class")),
        service: text(take("Service")),
        state: text(take("State")),
        leader: take("Leader").and_then(|v| u32::try_from(v).ok()).filter(|p| *p > 0),
        root: text(take("RootDirectory")),
        unit: text(take("Unit")),
        id: take("Id").and_then(|v| Vec::<u8>::try_from(v).ok()).unwrap_or_default(),
        timestamp_us: take("Timestamp").and_then(|v| u64::try_from(v).ok()).unwrap_or(0),
        ifindices: take("NetworkInterfaces").and_then(|v| Vec::<i32>::try_from(v).ok()).unwrap_or_default(),
    })
}

/// The addresses machined reads inside the machine (GetMachineAddresses), as text.
pub async fn addresses(conn: &Connection, name: &str) -> Vec<String> {
    let Ok(reply) = call(conn, (MACHINED, MANAGER_PATH, MANAGER), "GetMachineAddresses", &(name,)).await
    else {
        return Vec::new();
    };
    let rows: Vec<(i32, Vec<u8>)> = reply.body().deserialize().unwrap_or_default();
    rows.into_iter().filter_map(|(family, bytes)| address_text(family, &bytes)).collect()
}

/// `AF_INET` / `AF_INET6` bytes as an address.
pub fn address_text(family: i32, bytes: &[u8]) -> Option<String> {
    match (family, bytes.len()) {
        (libc::AF_INET, 4) => {
            Some(std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string())
        }
        (libc::AF_INET6, 16) => {
            let a: [u8; 16] = bytes.try_into().ok()?;
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

/// The interface of systemd's that carries `ControlGroup` for a unit of this kind.
fn cgroup_interface(unit: &str) -> Option<&'static str> {
    Some(match unit.rsplit_once('.')?.1 {
        "service" => "org.freedesktop.systemd1.Service",
        "scope" => "org.freedesktop.systemd1.Scope",
        "slice" => "org.freedesktop.systemd1.Slice",
        _ => return None,
    })
}

async fn unit_property(conn: &Connection, unit: &str, iface: &str, name: &str) -> Option<String> {
    let path = call(
        conn,
        (SYSTEMD, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager"),
        "GetUnit",
        &(unit,),
    )
    .await
    .ok()?;
    let path: OwnedObjectPath = path.body().deserialize().ok()?;
    let reply = call(conn, (SYSTEMD, path.as_str(), PROPERTIES), "Get", &(iface, name)).await.ok()?;
    String::try_from(reply.body().deserialize::<OwnedVariant>().ok()?).ok()
}

/// The unit's cgroup as systemd names it (`/machine.slice/systemd-nspawn@web.service`).
pub async fn control_group(conn: &Connection, unit: &str) -> Option<String> {
    unit_property(conn, unit, cgroup_interface(unit)?, "ControlGroup").await.filter(|c| !c.is_empty())
}

/// A loaded unit's ActiveState (`failed`, `inactive`, …); `None` when it is not loaded.
pub async fn active_state(conn: &Connection, unit: &str) -> Option<String> {
    unit_property(conn, unit, "org.freedesktop.systemd1.Unit", "ActiveState").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_text() {
        assert_eq!(address_text(libc::AF_INET, &[10, 233, 1, 2]).as_deref(), Some("10.233.1.2"));
        let mut v6 = [0u8; 16];
        v6[0] = 0xfc;
        v6[15] = 2;
        assert_eq!(address_text(libc::AF_INET6, &v6).as_deref(), Some("fc00::2"));
        assert_eq!(address_text(libc::AF_INET, &[1, 2, 3]), None);
        assert_eq!(address_text(99, &[1, 2, 3, 4]), None);
    }

    #[test]
    fn libvirts_own_machines_are_left_to_libvirt() {
        assert!(is_libvirts("libvirt-qemu") && is_libvirts("libvirt-lxc"));
        assert!(!is_libvirts("nspawn") && !is_libvirts("systemd-nspawn") && !is_libvirts("test-vmm"));
    }
}
