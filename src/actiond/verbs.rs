//! The fixed verbs, run against their targets. Each returns what happened in words.

use super::protocol::Target;
use crate::config::Verb;

/// Runs `verb` on `target`; the libvirt URI must be one of `uris` (the configured ones).
pub fn run(verb: Verb, target: &Target, uris: &[String]) -> Result<String, String> {
    match target {
        Target::LibvirtDomain { uri, name } => {
            if !uris.iter().any(|u| u == uri) {
                return Err(format!("{uri} is not one of the configured libvirt URIs"));
            }
            guest(verb, uri, name)
        }
    }
}

#[cfg(feature = "libvirt")]
fn guest(verb: Verb, uri: &str, name: &str) -> Result<String, String> {
    use virt::connect::Connect;
    use virt::domain::Domain;
    let mut conn =
        Connect::open(Some(uri)).map_err(|e| format!("cannot connect to {uri}: {}", e.message()))?;
    let result = Domain::lookup_by_name(&conn, name)
        .map_err(|e| format!("no guest {name} on {uri}: {}", e.message()))
        .and_then(|dom| {
            let r = match verb {
                Verb::GuestStart => dom.create().map(drop),
                Verb::GuestShutdown => dom.shutdown().map(drop),
                Verb::GuestReboot => dom.reboot(0),
                Verb::GuestForceOff => dom.destroy(),
                Verb::GuestSuspend => dom.suspend().map(drop),
                Verb::GuestResume => dom.resume().map(drop),
            };
            r.map_err(|e| e.message().to_string())
        });
    let _ = conn.close();
    result.map(|()| format!("{} {name}: done", verb.name()))
}

#[cfg(not(feature = "libvirt"))]
fn guest(_verb: Verb, _uri: &str, _name: &str) -> Result<String, String> {
    Err("libvirt support is not built in".into())
}
