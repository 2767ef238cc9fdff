//! The bits of link state that netlink does not carry: speed/duplex from sysfs, DNS from
//! resolv.conf. Every read is optional: a missing file is "unknown", never an error.

use std::path::Path;

/// systemd-resolved's stub listener; when resolv.conf points there, the real servers are in
/// `/run/systemd/resolve/resolv.conf`.
const RESOLVED_STUB: &str = "127.0.0.53";
const RESOLVED_UPLINK: &str = "/run/systemd/resolve/resolv.conf";

/// Speed in Mb/s and duplex of link `name` with index `index`, read under `root`
/// (`/sys/class/net`). The index must match: in another network namespace sysfs still shows
/// the host's links, and a namesake there is not this link.
pub fn speed(root: &Path, name: &str, index: u32) -> (Option<u32>, Option<String>) {
    if name.is_empty() || name.contains('/') || name.starts_with('.') {
        return (None, None);
    }
    let dir = root.join(name);
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok().map(|s| s.trim().to_string());
    if read("ifindex").and_then(|s| s.parse::<u32>().ok()) != Some(index) {
        return (None, None);
    }
    // Virtual links answer EINVAL; a NIC without link answers -1.
    let speed = read("speed").and_then(|s| s.parse::<i64>().ok()).filter(|s| *s > 0).map(|s| s as u32);
    let duplex = read("duplex").filter(|d| d == "full" || d == "half");
    (speed, duplex)
}

/// Name servers of a resolv.conf, in order.
pub fn parse_resolv(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some("nameserver")).then(|| w.next()).flatten().map(str::to_string)
        })
        .collect()
}

/// DNS servers of the host: resolv.conf, or systemd-resolved's uplinks behind its stub.
pub fn dns(resolv: &Path) -> Vec<String> {
    let servers = std::fs::read_to_string(resolv).map(|t| parse_resolv(&t)).unwrap_or_default();
    if servers.iter().any(|s| s == RESOLVED_STUB)
        && let Ok(t) = std::fs::read_to_string(RESOLVED_UPLINK)
    {
        let uplinks = parse_resolv(&t);
        if !uplinks.is_empty() {
            return uplinks;
        }
    }
    servers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf() {
        let t = "# comment\nsearch lan\nnameserver 192.0.2.53\nnameserver  2001:db8::53 \noptions edns0\nnameserver\n";
        assert_eq!(parse_resolv(t), ["192.0.2.53", "2001:db8::53"]);
    }

    #[test]
    fn speed_needs_matching_index_and_positive_value() {
        let d = tempfile::tempdir().unwrap();
        let eth = d.path().join("eth0");
        std::fs::create_dir(&eth).unwrap();
        std::fs::write(eth.join("ifindex"), "2\n").unwrap();
        std::fs::write(eth.join("speed"), "10000\n").unwrap();
        std::fs::write(eth.join("duplex"), "full\n").unwrap();
        assert_eq!(speed(d.path(), "eth0", 2), (Some(10000), Some("full".into())));
        assert_eq!(speed(d.path(), "eth0", 3), (None, None), "another namespace's eth0");
        std::fs::write(eth.join("speed"), "-1\n").unwrap();
        assert_eq!(speed(d.path(), "eth0", 2).0, None);
        assert_eq!(speed(d.path(), "../etc", 2), (None, None));
        assert_eq!(speed(d.path(), "nope", 2), (None, None));
    }
}
