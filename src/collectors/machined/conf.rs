//! Containers configured on the host but maybe not running: NixOS's declarative containers
//! (`/etc/nixos-containers/NAME.conf`, one shell-style `KEY=value` file each, read by
//! `container@NAME.service`) and machine images under `/var/lib/machines`
//! (`systemd-nspawn@NAME.service`).

use crate::collectors::system::root::HostRoot;

/// What F4 shows of a NixOS container's `.conf`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NixosConf {
    pub private_network: bool,
    pub host_address: String,
    pub local_address: String,
    pub host_address6: String,
    pub local_address6: String,
    pub host_bridge: String,
    pub auto_start: bool,
}

impl NixosConf {
    /// The container's own addresses (its `LOCAL_ADDRESS`es), as F4's IP column shows them.
    pub fn addresses(&self) -> Vec<String> {
        [&self.local_address, &self.local_address6].into_iter().filter(|a| !a.is_empty()).cloned().collect()
    }
}

/// One value of a shell assignment: quotes removed (`"a b"`, `'a'`), nothing expanded.
fn unquote(v: &str) -> String {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    v.to_string()
}

/// Parses a `.conf` as NixOS writes it; unknown keys, comments and junk lines are ignored.
pub fn parse_nixos_conf(text: &str) -> NixosConf {
    let mut c = NixosConf::default();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else { continue };
        if key.starts_with('#') {
            continue;
        }
        let value = unquote(value);
        match key.trim() {
            "PRIVATE_NETWORK" => c.private_network = value == "1",
            "HOST_ADDRESS" => c.host_address = value,
            "LOCAL_ADDRESS" => c.local_address = value,
            "HOST_ADDRESS6" => c.host_address6 = value,
            "LOCAL_ADDRESS6" => c.local_address6 = value,
            "HOST_BRIDGE" => c.host_bridge = value,
            "AUTO_START" => c.auto_start = value == "1",
            _ => {}
        }
    }
    c
}

/// A container the host is configured to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configured {
    pub name: String,
    /// The file or directory it was found as, as the host names it.
    pub path: String,
    /// The unit that runs it.
    pub unit: String,
    /// The root directory it boots.
    pub root: String,
    /// From the `.conf`; `None` for a machine image.
    pub nixos: Option<NixosConf>,
}

/// A file name that names a machine (no hidden files, nothing with a slash or control bytes).
fn machine_name(n: &str) -> bool {
    !n.is_empty() && !n.starts_with('.') && n.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// Every NixOS container with a `.conf`, then every image not already named, by name.
pub fn configured(root: &HostRoot) -> Vec<Configured> {
    let mut out: Vec<Configured> = Vec::new();
    let dir = "/etc/nixos-containers";
    for name in names(root, dir) {
        let Some(stem) = name.strip_suffix(".conf").filter(|s| machine_name(s)) else { continue };
        let path = format!("{dir}/{name}");
        let Ok(text) = std::fs::read_to_string(root.lexical(&path)) else { continue };
        out.push(Configured {
            name: stem.to_string(),
            unit: format!("container@{stem}.service"),
            root: format!("/var/lib/nixos-containers/{stem}"),
            path,
            nixos: Some(parse_nixos_conf(&text)),
        });
    }
    let images = "/var/lib/machines";
    for name in names(root, images) {
        let stem = name.strip_suffix(".raw").unwrap_or(&name);
        if !machine_name(stem) || out.iter().any(|c| c.name == stem) {
            continue;
        }
        out.push(Configured {
            name: stem.to_string(),
            path: format!("{images}/{name}"),
            unit: format!("systemd-nspawn@{stem}.service"),
            root: format!("{images}/{name}"),
            nixos: None,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn names(root: &HostRoot, dir: &str) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(root.lexical(dir)) else { return Vec::new() };
    rd.flatten().filter_map(|e| e.file_name().to_str().map(str::to_string)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As nixos/modules/virtualisation/nixos-containers.nix writes it (25.05).
    const WEB: &str = "SYSTEM_PATH=/nix/store/7x9-nixos-system-web-25.05\n\
PRIVATE_NETWORK=1\n\
HOST_BRIDGE=\n\
HOST_PORT=\n\
HOST_ADDRESS=10.233.1.1\n\
LOCAL_ADDRESS=10.233.1.2/24\n\
HOST_ADDRESS6=fc00::1\n\
LOCAL_ADDRESS6=fc00::2\n\
INTERFACES=\"\"\n\
MACVLANS=\"\"\n\
AUTO_START=1\n\
EXTRA_NSPAWN_FLAGS=\"--bind-ro=/nix/store\"\n";

    #[test]
    fn nixos_conf_addresses_and_flags() {
        let c = parse_nixos_conf(WEB);
        assert!(c.private_network && c.auto_start);
        assert_eq!((c.host_address.as_str(), c.local_address.as_str()), ("10.233.1.1", "10.233.1.2/24"));
        assert_eq!(c.addresses(), vec!["10.233.1.2/24".to_string(), "fc00::2".to_string()]);
        assert_eq!(c.host_bridge, "");
    }

    #[test]
    fn quotes_comments_and_junk() {
        let c = parse_nixos_conf(
            "# HOST_ADDRESS=1.1.1.1\nexport LOCAL_ADDRESS='10.0.0.2'\nnonsense\n\nHOST_BRIDGE=\"br0\"\nAUTO_START=0\n",
        );
        assert_eq!(c.host_address, "", "a comment is not a setting");
        assert_eq!(c.local_address, "10.0.0.2");
        assert_eq!(c.host_bridge, "br0");
        assert!(!c.auto_start && !c.private_network);
        assert_eq!(parse_nixos_conf(""), NixosConf::default());
    }

    #[test]
    fn confs_then_images_by_name() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("etc/nixos-containers")).unwrap();
        std::fs::write(d.path().join("etc/nixos-containers/web.conf"), WEB).unwrap();
        std::fs::write(d.path().join("etc/nixos-containers/notes.txt"), "x").unwrap();
        std::fs::create_dir_all(d.path().join("var/lib/machines/db")).unwrap();
        std::fs::create_dir_all(d.path().join("var/lib/machines/.#db.lck")).unwrap();
        std::fs::write(d.path().join("var/lib/machines/arch.raw"), "").unwrap();
        std::fs::create_dir_all(d.path().join("var/lib/machines/web")).unwrap();
        let got = configured(&HostRoot::new(d.path()));
        let names: Vec<(&str, &str)> = got.iter().map(|c| (c.name.as_str(), c.unit.as_str())).collect();
        assert_eq!(
            names,
            [
                ("arch", "systemd-nspawn@arch.service"),
                ("db", "systemd-nspawn@db.service"),
                ("web", "container@web.service")
            ]
        );
        assert_eq!(got[2].path, "/etc/nixos-containers/web.conf");
        assert!(configured(&HostRoot::new(d.path().join("none"))).is_empty());
    }
}
