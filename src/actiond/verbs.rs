//! The fixed verbs, run against their targets. Each returns what happened in words.
//! libvirt connections are kept open per URI (and reopened when they die): one connect
//! per action would cost a handshake each, and on the test driver lose its state.

use super::Settings;
use super::protocol::Target;
use crate::config::Verb;

#[derive(Debug, Default)]
pub struct Verbs {
    #[cfg(feature = "libvirt")]
    libvirt: std::sync::Mutex<std::collections::HashMap<String, virt::connect::Connect>>,
}

impl Verbs {
    /// Whether `verb` may run on `target` here: the verb fits the target, and the target is
    /// on a configured libvirt URI or in the configured unit list. Checked before anything
    /// is recorded as started.
    pub fn permitted(verb: Verb, target: &Target, settings: &Settings) -> Result<(), String> {
        let unit_verb = matches!(verb, Verb::UnitStart | Verb::UnitStop | Verb::UnitRestart);
        let node_verb = matches!(verb, Verb::NodeCordon | Verb::NodeUncordon);
        let guest_verb = !unit_verb && !node_verb;
        let kube = || match &settings.kubeconfig {
            Some(_) => Ok(()),
            None => Err("actiond has no kubeconfig to act on the cluster with ([actions] kubeconfig)".into()),
        };
        match target {
            Target::LibvirtDomain { uri, .. } if guest_verb && verb != Verb::GuestMigrate => {
                if settings.libvirt_uris.iter().any(|u| u == uri) {
                    Ok(())
                } else {
                    Err(format!("{uri} is not one of the configured libvirt URIs"))
                }
            }
            Target::SystemdUnit { name } if unit_verb => {
                if settings.actions.units.iter().any(|u| u == name) {
                    Ok(())
                } else {
                    Err(format!("{name} is not one of the units actions may touch ([actions] units)"))
                }
            }
            Target::KubevirtVm { namespace, name } if guest_verb => {
                super::kube::check_names(&[namespace, name])?;
                kube()
            }
            Target::KubeNode { name } if node_verb => {
                super::kube::check_names(&[name])?;
                kube()
            }
            _ => Err(format!("{} does not apply to a {}", verb.name(), target.kind())),
        }
    }

    /// Runs `verb` on `target` (checked again with `permitted`).
    pub fn run(&self, verb: Verb, target: &Target, settings: &Settings) -> Result<String, String> {
        Self::permitted(verb, target, settings)?;
        match target {
            Target::LibvirtDomain { uri, name } => self.guest(verb, uri, name),
            Target::SystemdUnit { name } => super::units::run(verb, name, &settings.system_bus),
            Target::KubevirtVm { .. } | Target::KubeNode { .. } => {
                let kubeconfig = settings.kubeconfig.as_deref().ok_or("no kubeconfig")?;
                super::kube::run(verb, target, kubeconfig)
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
            other => return Err(format!("{} does not apply to a guest", other.name())),
        };
        r.map(|()| format!("{} {name}: done", verb.name())).map_err(|e| e.message().to_string())
    }

    #[cfg(not(feature = "libvirt"))]
    fn guest(&self, _verb: Verb, _uri: &str, _name: &str) -> Result<String, String> {
        Err("libvirt support is not built in".into())
    }
}
