//! The unit verbs: systemd's manager over D-Bus (StartUnit / StopUnit / RestartUnit with
//! mode "replace"), waiting for the job's JobRemoved signal to report its result.

use crate::config::Verb;
use futures::StreamExt;
use std::time::Duration;
use zbus::OwnedObjectPath;

/// The system bus.
pub const SYSTEM_BUS: &str = "unix:path=/run/dbus/system_bus_socket";
/// Longest wait for a job (systemd's own default start timeout is 90 s).
const JOB_TIMEOUT: Duration = Duration::from_secs(100);

/// Runs a unit verb on `unit` through the bus at `address`; the job's result in words.
pub fn run(verb: Verb, unit: &str, address: &str) -> Result<String, String> {
    let method = match verb {
        Verb::UnitStart => "StartUnit",
        Verb::UnitStop => "StopUnit",
        Verb::UnitRestart => "RestartUnit",
        other => return Err(format!("{} does not apply to a unit", other.name())),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    rt.block_on(async {
        match tokio::time::timeout(JOB_TIMEOUT, job(method, unit, address)).await {
            Ok(r) => r,
            Err(_) => Err(format!("{unit}: no answer from systemd within {} s", JOB_TIMEOUT.as_secs())),
        }
    })
    .map(|result| format!("{} {unit}: {result}", verb.name()))
}

const SYSTEMD: &str = "org.freedesktop.systemd1";
const MANAGER: &str = "org.freedesktop.systemd1.Manager";
const PATH: &str = "/org/freedesktop/systemd1";

async fn job(method: &str, unit: &str, address: &str) -> Result<String, String> {
    let bus = |e: zbus::Error| format!("systemd over D-Bus: {e}");
    let conn = zbus::connection::Builder::address(address).build().await.map_err(bus)?;
    // Manager signals go only to subscribed clients; listen before the job can end.
    conn.call_method(Some(SYSTEMD), PATH, Some(MANAGER), "Subscribe", &()).await.map_err(bus)?;
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .sender(SYSTEMD)
        .interface(MANAGER)
        .member("JobRemoved")
        .build()
        .map_err(bus)?;
    let mut removed = zbus::MessageStream::for_match_rule(rule, &conn, None).await.map_err(bus)?;
    let reply = conn
        .call_method(Some(SYSTEMD), PATH, Some(MANAGER), method, &(unit, "replace"))
        .await
        .map_err(|e| match e {
            zbus::Error::MethodError(_, Some(text), _) => format!("{unit}: {text}"),
            other => bus(other),
        })?;
    let job: OwnedObjectPath = reply.body().deserialize().map_err(bus)?;
    while let Some(Ok(msg)) = removed.next().await {
        let Ok((_, path, _, result)) = msg.body().deserialize::<(u32, OwnedObjectPath, String, String)>()
        else {
            continue;
        };
        if path == job {
            return if result == "done" {
                Ok("done".into())
            } else {
                Err(format!("{unit}: the job ended {result}"))
            };
        }
    }
    Err(format!("{unit}: the bus closed before the job ended"))
}
