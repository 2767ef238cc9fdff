//! The fixed verbs, run against their targets. Each returns what happened in words.
//! libvirt connections are kept open per URI (and reopened when they die): one connect
//! per action would cost a handshake each, and on the test driver lose its state.

use super::protocol::Target;
use crate::config::Verb;

#[derive(Debug, Default)]
pub struct Verbs {
    #[cfg(feature = "libvirt")]
    libvirt: std::sync::Mutex<std::collections::HashMap<String, virt::connect::Connect>>,
}

impl Verbs {
    /// Runs `verb` on `target`; the libvirt URI must be one of `uris` (the configured ones).
    pub fn run(&self, verb: Verb, target: &Target, uris: &[String]) -> Result<String, String> {
        match target {
            Target::LibvirtDomain { uri, name } => {
                if !uris.iter().any(|u| u == uri) {
                    return Err(format!("{uri} is not one of the configured libvirt URIs"));
                }
                self.guest(verb, uri, name)
            }
        }
    }

    #[cfg(feature = "libvirt")]
    fn guest(&self, verb: Verb, uri: &str, name: &str) -> Result<String, String> {
        use virt::connect::Connect;
        use virt::domain::Domain;
        let mut conns = self.libvirt.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !conns.get(uri).is_some_and(|c| c.is_alive().unwrap_or(false)) {
            if let Some(mut dead) = conns.remove(uri) {
                let _ = dead.close();
            }
            let c =
                Connect::open(Some(uri)).map_err(|e| format!("cannot connect to {uri}: {}", e.message()))?;
            conns.insert(uri.to_string(), c);
        }
        let conn = conns.get(uri).ok_or("no connection")?;
        let dom = Domain::lookup_by_name(conn, name)
            .map_err(|e| format!("no guest {name} on {uri}: {}", e.message()))?;
        let r = match verb {
            Verb::GuestStart => dom.create().map(drop),
            Verb::GuestShutdown => dom.shutdown().map(drop),
            Verb::GuestReboot => dom.reboot(0),
            Verb::GuestForceOff => dom.destroy(),
            Verb::GuestSuspend => dom.suspend().map(drop),
            Verb::GuestResume => dom.resume().map(drop),
        };
        r.map(|()| format!("{} {name}: done", verb.name())).map_err(|e| e.message().to_string())
    }

    #[cfg(not(feature = "libvirt"))]
    fn guest(&self, _verb: Verb, _uri: &str, _name: &str) -> Result<String, String> {
        Err("libvirt support is not built in".into())
    }
}
