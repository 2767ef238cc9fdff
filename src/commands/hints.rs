//! `check`'s second line for a source that cannot be read: the NixOS option (of
//! nixos/module.nix, or of NixOS itself) that makes it readable, where one exists. Sources no
//! option can fix (no sensors, not NixOS) get none: their reason says it all.

use crate::event::{Health, SourceId};

const PREFIX: &str = "services.hypervisor-tui";

/// Where nixos/kubernetes.nix's token service writes the console's kubeconfig.
const PROVISIONED: &str = "/run/hypervisor-tui/kubeconfig";

/// The option to set for `id` in state `h`, if any.
pub fn nixos_hint(id: SourceId, h: &Health) -> Option<String> {
    let reason = match h {
        Health::Unavailable(r) | Health::Error(r) => r.as_str(),
        Health::Starting | Health::Ok(_) | Health::Disabled(_) => return None,
    };
    let denied = reason.contains("ermission denied") || reason.contains("EACCES");
    match id {
        SourceId::Journal if denied => Some(format!(
            "the console user reads the journal as a member of systemd-journal: the module's user \
             ({PREFIX}.user) is one; any other user needs users.users.<name>.extraGroups = [ \"systemd-journal\" ]"
        )),
        SourceId::Journal => {
            Some(format!("{PREFIX}.settings.journal.directory names another journal directory"))
        }
        SourceId::Libvirt if reason.contains("transport failed") => Some(format!(
            "{PREFIX}.settings.libvirt.uris: a remote URI's ssh runs as the console user ({PREFIX}.user), \
             with that user's key and known_hosts"
        )),
        SourceId::Libvirt if reason.contains("not running") || reason.contains("no socket") => Some(format!(
            "virtualisation.libvirtd.enable = true (its read-only socket needs no group), or \
             {PREFIX}.settings.libvirt.uris = [ ] to stop asking"
        )),
        SourceId::Libvirt => Some(format!(
            "{PREFIX}.settings.libvirt.uris (qemu:///system is read through libvirt's read-only socket, \
             which libvirt's default polkit policy opens to every user)"
        )),
        SourceId::Kubernetes if reason.contains(PROVISIONED) => Some(format!(
            "{PROVISIONED} is written by hypervisor-tui-kube-token.service (systemctl status \
             hypervisor-tui-kube-token), which {PREFIX}.kubernetes.provision runs (on by default on a k3s server)"
        )),
        SourceId::Kubernetes => Some(format!(
            "{PREFIX}.kubernetes.provision = true (a read-only ServiceAccount and a short-lived token in \
             {PROVISIONED}); or {PREFIX}.settings.kubernetes.kubeconfig naming a read-only identity of your own; \
             or {PREFIX}.settings.kubernetes.enabled = false"
        )),
        SourceId::Systemd => Some(format!(
            "{PREFIX}.environment.HYPERVISOR_TUI_SYSTEM_BUS, if the system bus is not at /run/dbus/system_bus_socket"
        )),
        // machined starts on demand with the first container (NixOS: `containers.<name>`); a
        // host without one has nothing to set.
        SourceId::Machined if reason.contains("system bus") => Some(format!(
            "{PREFIX}.environment.HYPERVISOR_TUI_SYSTEM_BUS, if the system bus is not at /run/dbus/system_bus_socket"
        )),
        SourceId::Machined
        | SourceId::Procfs
        | SourceId::Netlink
        | SourceId::Kubevirt
        | SourceId::Nixos
        | SourceId::Time
        | SourceId::Storage
        | SourceId::Hardware => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreadable_sources_get_a_hint_and_it_names_an_option() {
        let ok = Health::Ok("1 links".into());
        assert_eq!(nixos_hint(SourceId::Libvirt, &ok), None);
        assert_eq!(nixos_hint(SourceId::Kubernetes, &Health::Disabled("disabled in config".into())), None);
        let no_kubeconfig =
            Health::Unavailable("no kubeconfig (/etc/rancher/k3s/k3s.yaml) and not in a cluster".into());
        let hint = nixos_hint(SourceId::Kubernetes, &no_kubeconfig).unwrap();
        assert!(hint.starts_with("services.hypervisor-tui.kubernetes.provision = true"), "{hint}");
        let not_yet =
            Health::Unavailable("no kubeconfig (/run/hypervisor-tui/kubeconfig) and not in a cluster".into());
        let hint = nixos_hint(SourceId::Kubernetes, &not_yet).unwrap();
        assert!(hint.contains("hypervisor-tui-kube-token.service"), "{hint}");
        let rejected = Health::Error(
            "token rejected (401) by https://h:6443; waiting for a renewed /run/hypervisor-tui/kubeconfig"
                .into(),
        );
        assert!(nixos_hint(SourceId::Kubernetes, &rejected).unwrap().contains("systemctl status"));
        let down =
            Health::Unavailable("qemu:///system: libvirtd not running (no socket at /run/libvirt/x)".into());
        assert!(nixos_hint(SourceId::Libvirt, &down).unwrap().starts_with("virtualisation.libvirtd.enable"));
        let remote = Health::Unavailable(
            "qemu+ssh://hv-02/system: transport failed: ssh: connect to host hv-02 port 22: No route to host"
                .into(),
        );
        assert!(
            nixos_hint(SourceId::Libvirt, &remote).unwrap().contains("known_hosts"),
            "not libvirtd.enable"
        );
        let denied = Health::Error("/var/log/journal: Permission denied (os error 13)".into());
        assert!(nixos_hint(SourceId::Journal, &denied).unwrap().contains("systemd-journal"));
        assert_eq!(nixos_hint(SourceId::Hardware, &Health::Unavailable("no /sys/class/hwmon".into())), None);
    }
}
