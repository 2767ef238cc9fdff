//! The calls to systemd's manager over D-Bus: connect, subscribe, list units, read the few
//! properties F5 shows. Plain zbus calls without generated proxies (a handful of methods).

use crate::model::units::Unit;
use std::path::Path;
use std::time::Duration;
use zbus::connection::Builder;
use zbus::{Connection, MessageStream, OwnedObjectPath, OwnedVariant};

const SYSTEMD: &str = "org.freedesktop.systemd1";
const MANAGER_PATH: &str = "/org/freedesktop/systemd1";
const MANAGER: &str = "org.freedesktop.systemd1.Manager";
const UNIT: &str = "org.freedesktop.systemd1.Unit";
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";
const PEER: &str = "org.freedesktop.DBus.Peer";

/// A call the bus or systemd does not answer within this ends the connection: a hung
/// manager's units go from F5 (the journal's failed units stand in), never shown as live.
pub const CALL_BOUND: Duration = Duration::from_secs(5);

/// Why the bus or systemd could not be asked, in words for the header and `check`.
#[derive(Debug, thiserror::Error)]
pub enum SystemdError {
    #[error("system bus not reachable (no socket at {0})")]
    NoSocket(String),
    #[error("system bus at {0}: permission denied")]
    Denied(String),
    #[error("system bus at {path}: {source}")]
    Connect { path: String, source: std::io::Error },
    #[error("system bus at {path}: {source}")]
    Handshake { path: String, source: zbus::Error },
    #[error("system bus at {0} closed the connection")]
    Closed(String),
    #[error("systemd did not answer {call}: {source}")]
    Call { call: &'static str, source: zbus::Error },
    #[error("systemd not answering ({call} took over {secs} s)")]
    NotAnswering { call: &'static str, secs: u64 },
}

/// `f`, or `NotAnswering` once it has taken [`CALL_BOUND`].
async fn bounded<T>(
    call: &'static str,
    f: impl Future<Output = Result<T, SystemdError>>,
) -> Result<T, SystemdError> {
    tokio::time::timeout(CALL_BOUND, f)
        .await
        .map_err(|_| SystemdError::NotAnswering { call, secs: CALL_BOUND.as_secs() })?
}

/// Connects to the bus socket at `path` (a plain path: the system bus is one socket).
pub async fn connect(path: &Path) -> Result<Connection, SystemdError> {
    let shown = path.display().to_string();
    let stream = std::os::unix::net::UnixStream::connect(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SystemdError::NoSocket(shown.clone()),
        std::io::ErrorKind::PermissionDenied => SystemdError::Denied(shown.clone()),
        _ => SystemdError::Connect { path: shown.clone(), source: e },
    })?;
    let built = async {
        Builder::unix_stream(stream)
            .build()
            .await
            .map_err(|e| SystemdError::Handshake { path: shown, source: e })
    };
    bounded("Hello", built).await
}

async fn call<B>(
    conn: &Connection,
    path: &str,
    iface: &str,
    method: &'static str,
    body: &B,
) -> Result<zbus::Message, SystemdError>
where
    B: serde::Serialize + zbus::DynamicType,
{
    let reply = async {
        conn.call_method(Some(SYSTEMD), path, Some(iface), method, body)
            .await
            .map_err(|e| SystemdError::Call { call: method, source: e })
    };
    bounded(method, reply).await
}

/// Asks systemd to send unit signals (it sends none to a client that has not subscribed),
/// and returns the stream of every signal it sends.
pub async fn subscribe(conn: &Connection) -> Result<MessageStream, SystemdError> {
    let rule = format!("type='signal',sender='{SYSTEMD}'");
    let matched = async {
        MessageStream::for_match_rule(rule.as_str(), conn, None)
            .await
            .map_err(|e| SystemdError::Call { call: "AddMatch", source: e })
    };
    let stream = bounded("AddMatch", matched).await?;
    call(conn, MANAGER_PATH, MANAGER, "Subscribe", &()).await?;
    Ok(stream)
}

/// ListUnits' row: name, description, load, active, sub, following, path, job id/type/path.
type Row = (String, String, String, String, String, String, OwnedObjectPath, u32, String, OwnedObjectPath);

/// One unit as listed, with the object path to ask for its properties.
pub struct Listed {
    pub unit: Unit,
    pub path: OwnedObjectPath,
}

/// Every loaded unit, without the properties ListUnits does not give.
pub async fn list_units(conn: &Connection) -> Result<Vec<Listed>, SystemdError> {
    let reply = call(conn, MANAGER_PATH, MANAGER, "ListUnits", &()).await?;
    let rows: Vec<Row> =
        reply.body().deserialize().map_err(|e| SystemdError::Call { call: "ListUnits", source: e })?;
    Ok(rows
        .into_iter()
        .map(|(name, description, load, active, sub, _, path, ..)| Listed {
            unit: Unit { name, description, load, active, sub, result: None, since: None },
            path,
        })
        .collect())
}

/// Asks systemd whether it still answers (every D-Bus peer answers `Ping`).
pub async fn ping(conn: &Connection) -> Result<(), SystemdError> {
    call(conn, MANAGER_PATH, PEER, "Ping", &()).await.map(drop)
}

async fn property(conn: &Connection, path: &str, iface: &str, name: &str) -> Option<OwnedVariant> {
    let reply = call(conn, path, PROPERTIES, "Get", &(iface, name)).await.ok()?;
    reply.body().deserialize::<OwnedVariant>().ok()
}

/// The interface that carries a unit kind's `Result`, if the kind has one.
fn result_interface(name: &str) -> Option<&'static str> {
    Some(match name.rsplit_once('.')?.1 {
        "service" => "org.freedesktop.systemd1.Service",
        "socket" => "org.freedesktop.systemd1.Socket",
        "mount" => "org.freedesktop.systemd1.Mount",
        "swap" => "org.freedesktop.systemd1.Swap",
        "timer" => "org.freedesktop.systemd1.Timer",
        "path" => "org.freedesktop.systemd1.Path",
        "automount" => "org.freedesktop.systemd1.Automount",
        "scope" => "org.freedesktop.systemd1.Scope",
        _ => return None,
    })
}

/// Fills in when the unit entered its state and, for a failed one, its `Result`. A property
/// that cannot be read stays `None` (shown as unknown).
pub async fn fill_details(conn: &Connection, l: &mut Listed) {
    let path = l.path.as_str().to_string();
    let usec = property(conn, &path, UNIT, "StateChangeTimestamp").await.and_then(|v| u64::try_from(v).ok());
    l.unit.since = usec.filter(|t| *t > 0).map(|t| (t / 1_000_000) as i64);
    if l.unit.is_failed()
        && let Some(iface) = result_interface(&l.unit.name)
    {
        l.unit.result = property(conn, &path, iface, "Result").await.and_then(|v| String::try_from(v).ok());
    }
}
