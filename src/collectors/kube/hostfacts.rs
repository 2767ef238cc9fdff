//! What the host's files say about Kubernetes networking: the CNI configurations and
//! k3s's service and cluster CIDRs (config file, else the running server's flags).

use std::path::Path;

/// Where CNI configurations live: the standard place, then k3s's own.
pub const CNI_DIRS: [&str; 2] = ["/etc/cni/net.d", "/var/lib/rancher/k3s/agent/etc/cni/net.d"];
pub const K3S_CONFIG: &str = "/etc/rancher/k3s/config.yaml";

/// The plugin a CNI config file names: `plugins[0].type` of a `.conflist`, `type` of a
/// `.conf`, else its `name`.
pub fn cni_plugin(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let t = v
        .pointer("/plugins/0/type")
        .or_else(|| v.get("type"))
        .or_else(|| v.get("name"))
        .and_then(serde_json::Value::as_str)?;
    Some(t.to_string())
}

/// "flannel (10-flannel.conflist)" for each CNI config in `dirs`, in name order per dir.
pub fn cni_configs(dirs: &[&Path]) -> Vec<String> {
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "conflist" || x == "conf" || x == "json"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let plugin = std::fs::read_to_string(&f).ok().and_then(|t| cni_plugin(&t));
            out.push(match plugin {
                Some(p) => format!("{p} ({name})"),
                None => format!("unreadable ({name})"),
            });
        }
    }
    out
}

/// `key: value` of a flat YAML file such as k3s's config (quotes dropped; lists joined).
pub fn yaml_value(text: &str, key: &str) -> Option<String> {
    let mut lines = text.lines().map(|l| l.split(" #").next().unwrap_or(l));
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else { continue };
        let v = rest.trim().trim_matches(|c| c == '"' || c == '\'');
        if !v.is_empty() {
            return Some(v.trim_start_matches('[').trim_end_matches(']').replace(['"', '\'', ' '], ""));
        }
        // A block list on the following lines: "- a".
        let items: Vec<String> = lines
            .by_ref()
            .map_while(|l| l.trim_start().strip_prefix("- ").map(|i| i.trim().trim_matches('"').to_string()))
            .collect();
        return (!items.is_empty()).then(|| items.join(","));
    }
    None
}

/// `--flag=value` or `--flag value` among a command line's arguments.
pub fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let long = format!("--{flag}");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(v) = a.strip_prefix(&long).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
        if *a == long {
            return it.next().cloned();
        }
    }
    None
}

/// The running k3s server's arguments, found under `proc_root` (NixOS passes
/// `services.k3s.extraFlags` on the command line, not in the config file).
pub fn k3s_server_args(proc_root: &Path) -> Option<Vec<String>> {
    for e in std::fs::read_dir(proc_root).ok()?.filter_map(Result::ok) {
        let name = e.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(raw) = std::fs::read(e.path().join("cmdline")) else { continue };
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_k3s = args.first().is_some_and(|a| a.ends_with("k3s") || a.ends_with("k3s-server"));
        if is_k3s && args.iter().any(|a| a == "server") {
            return Some(args);
        }
    }
    None
}

/// (service CIDR, cluster CIDR) from the k3s config, else the k3s server's flags.
pub fn k3s_cidrs(config: &Path, proc_root: &Path) -> (Option<String>, Option<String>) {
    let text = std::fs::read_to_string(config).unwrap_or_default();
    let mut service = yaml_value(&text, "service-cidr");
    let mut cluster = yaml_value(&text, "cluster-cidr");
    if (service.is_none() || cluster.is_none())
        && let Some(args) = k3s_server_args(proc_root)
    {
        service = service.or_else(|| flag_value(&args, "service-cidr"));
        cluster = cluster.or_else(|| flag_value(&args, "cluster-cidr"));
    }
    (service, cluster)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cni_plugin_from_conflist_and_conf() {
        let flannel = r#"{"name":"cbr0","cniVersion":"1.0.0","plugins":[{"type":"flannel","delegate":{"hairpinMode":true}},{"type":"portmap"}]}"#;
        assert_eq!(cni_plugin(flannel).as_deref(), Some("flannel"));
        assert_eq!(cni_plugin(r#"{"name":"multus-cni-network","type":"multus"}"#).as_deref(), Some("multus"));
        assert_eq!(cni_plugin("not json"), None);
    }

    #[test]
    fn cni_configs_in_a_directory() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("10-flannel.conflist"), r#"{"plugins":[{"type":"flannel"}]}"#).unwrap();
        std::fs::write(d.path().join("00-multus.conf"), r#"{"type":"multus"}"#).unwrap();
        std::fs::write(d.path().join("README"), "ignored").unwrap();
        std::fs::write(d.path().join("99-bad.conf"), "{").unwrap();
        let got = cni_configs(&[d.path(), Path::new("/nonexistent")]);
        assert_eq!(
            got,
            ["multus (00-multus.conf)", "flannel (10-flannel.conflist)", "unreadable (99-bad.conf)"]
        );
    }

    #[test]
    fn k3s_config_values() {
        let text = "write-kubeconfig-mode: \"0644\"\nservice-cidr: 10.96.0.0/16 # ours\ncluster-cidr:\n  - 10.42.0.0/16\n  - fd42::/56\n";
        assert_eq!(yaml_value(text, "service-cidr").as_deref(), Some("10.96.0.0/16"));
        assert_eq!(yaml_value(text, "cluster-cidr").as_deref(), Some("10.42.0.0/16,fd42::/56"));
        assert_eq!(yaml_value("cluster-cidr: [\"a\", \"b\"]", "cluster-cidr").as_deref(), Some("a,b"));
        assert_eq!(yaml_value(text, "node-ip"), None);
    }

    #[test]
    fn k3s_flags_from_a_proc_tree() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("812");
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("cmdline"), b"/nix/store/x-k3s/bin/k3s\0server\0--service-cidr=10.100.0.0/16\0--cluster-cidr\x0010.200.0.0/16\0").unwrap();
        std::fs::create_dir(d.path().join("self")).unwrap();
        let (svc, cluster) = k3s_cidrs(Path::new("/nonexistent"), d.path());
        assert_eq!((svc.as_deref(), cluster.as_deref()), (Some("10.100.0.0/16"), Some("10.200.0.0/16")));
    }
}
