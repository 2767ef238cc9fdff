//! `hypervisor-tui actiond`: the small privileged helper behind guarded actions. Started by
//! a systemd socket unit (or `--listen PATH`), it answers only the console's user
//! (SO_PEERCRED), authenticates operators with PAM, checks their group, runs a fixed list
//! of verbs and writes one audit record per attempt. The console itself never gains
//! privileges: it only talks to this socket.

pub mod audit;
pub mod client;
pub mod groups;
mod handle;
pub mod kube;
pub mod listen;
pub mod pam;
pub mod protocol;
pub mod server;
pub mod sessions;
pub mod units;
pub mod verbs;

pub use handle::Peer;

use crate::cli::ActiondArgs;
use crate::config::{ActionsConfig, Config};
use sessions::Sessions;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// Everything actiond needs to know, from the config and its command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub actions: ActionsConfig,
    /// The libvirt URIs guests may be acted on through (`[libvirt] uris`).
    pub libvirt_uris: Vec<String>,
    /// Peers accepted (SO_PEERCRED uid).
    pub allowed_uids: Vec<u32>,
    pub pam_service: String,
    pub group_file: PathBuf,
    pub passwd_file: PathBuf,
    pub journal: audit::Journal,
    /// D-Bus address of the system bus (unit verbs).
    pub system_bus: String,
    /// actiond's own kubeconfig (KubeVirt and node verbs): `--kubeconfig`, `[actions] kubeconfig`,
    /// else `KUBECONFIG`; `None`: those verbs are refused.
    pub kubeconfig: Option<PathBuf>,
}

impl Settings {
    /// From the config and `actiond`'s arguments; the console user's uid is looked up in
    /// the passwd file unless `--allow-uid` names the peers.
    pub fn new(config: &Config, args: &ActiondArgs) -> Result<Settings, String> {
        let passwd_file = args.passwd_file.clone().unwrap_or_else(|| "/etc/passwd".into());
        let allowed_uids = if args.allow_uid.is_empty() {
            let user = &config.actions.client_user;
            match groups::uid_of(user, &passwd_file) {
                Ok(Some(uid)) => vec![uid],
                Ok(None) => {
                    return Err(format!("the console user {user} is not in {}", passwd_file.display()));
                }
                Err(e) => return Err(format!("cannot read {}: {e}", passwd_file.display())),
            }
        } else {
            args.allow_uid.clone()
        };
        Ok(Settings {
            actions: config.actions.clone(),
            libvirt_uris: config.libvirt.uris.clone(),
            allowed_uids,
            pam_service: args.pam_service.clone().unwrap_or_else(|| pam::SERVICE.into()),
            group_file: args.group_file.clone().unwrap_or_else(|| "/etc/group".into()),
            passwd_file,
            journal: audit::Journal::new(
                args.journal_socket.as_deref().unwrap_or(std::path::Path::new(audit::JOURNAL_SOCKET)),
            ),
            system_bus: args.system_bus.clone().unwrap_or_else(|| units::SYSTEM_BUS.into()),
            kubeconfig: args
                .kubeconfig
                .clone()
                .or_else(|| config.actions.kubeconfig.clone())
                // The NixOS module gives actiond its own root-only kubeconfig this way, so the
                // console's config never names it (nixos/kubernetes.nix).
                .or_else(|| std::env::var_os("KUBECONFIG").filter(|k| !k.is_empty()).map(PathBuf::from)),
        })
    }
}

/// The helper's state: its settings, and the grace windows and lockout (one lock).
#[derive(Debug)]
pub struct Server {
    pub settings: Settings,
    sessions: Mutex<Sessions>,
    verbs: verbs::Verbs,
}

impl Server {
    pub fn new(settings: Settings) -> Server {
        Server { settings, sessions: Mutex::new(Sessions::default()), verbs: verbs::Verbs::default() }
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `hypervisor-tui actiond`: refuses to run with actions off; otherwise serves until killed
/// (socket activation) or forever (`--listen`).
pub fn run(config: &Config, args: &ActiondArgs) -> u8 {
    if !config.actions.enabled {
        eprintln!("hypervisor-tui actiond: actions are disabled ([actions] enabled = false); not serving");
        return 2;
    }
    let settings = match Settings::new(config, args) {
        Ok(s) => s,
        Err(why) => {
            eprintln!("hypervisor-tui actiond: {why}");
            return 2;
        }
    };
    let listener = match &args.listen {
        Some(path) => listen::bind(path).map_err(|e| format!("cannot listen on {}: {e}", path.display())),
        None => match listen::from_systemd() {
            Ok(Some(l)) => Ok(l),
            Ok(None) => Err("no socket: start me from the socket unit, or give --listen PATH".into()),
            Err(e) => Err(e.to_string()),
        },
    };
    match listener {
        Ok(l) => {
            let server = std::sync::Arc::new(Server::new(settings));
            server::serve(&server, &l);
            0
        }
        Err(why) => {
            eprintln!("hypervisor-tui actiond: {why}");
            1
        }
    }
}
