//! The parts of a libvirt domain XML the console shows: disks and interfaces.
//! Pure: a string in, plain data out; unit-tested on real `virsh dumpxml` output.

use crate::model::guests::{Disk, Nic};
use roxmltree::{Document, Node};

/// Disks and NICs of one domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainDevices {
    pub disks: Vec<Disk>,
    pub nics: Vec<Nic>,
}

/// Parses `<domain>…</domain>`; a document that is not XML is an error, unknown parts are skipped.
pub fn parse(xml: &str) -> Result<DomainDevices, roxmltree::Error> {
    let doc = Document::parse(xml)?;
    let mut out = DomainDevices::default();
    let Some(devices) = child(doc.root_element(), "devices") else {
        return Ok(out);
    };
    for node in devices.children().filter(Node::is_element) {
        match node.tag_name().name() {
            "disk" => out.disks.push(disk(node)),
            "interface" => out.nics.push(nic(node)),
            _ => {}
        }
    }
    Ok(out)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn attr(node: Node, child_name: &str, attr: &str) -> Option<String> {
    child(node, child_name).and_then(|c| c.attribute(attr)).map(str::to_string)
}

fn disk(node: Node) -> Disk {
    Disk {
        device: node.attribute("device").unwrap_or("disk").to_string(),
        target: attr(node, "target", "dev").unwrap_or_default(),
        source: child(node, "source").map(disk_source).unwrap_or_default(),
        readonly: child(node, "readonly").is_some(),
    }
}

/// `file`, `dev`, `dir`, `pool/volume`, or `protocol:name` for network disks.
fn disk_source(src: Node) -> String {
    if let Some(v) = ["file", "dev", "dir"].iter().find_map(|a| src.attribute(*a)) {
        return v.to_string();
    }
    if let (Some(pool), Some(vol)) = (src.attribute("pool"), src.attribute("volume")) {
        return format!("{pool}/{vol}");
    }
    match (src.attribute("protocol"), src.attribute("name")) {
        (Some(p), Some(n)) => format!("{p}:{n}"),
        (None, Some(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn nic(node: Node) -> Nic {
    let kind = node.attribute("type").unwrap_or("").to_string();
    let source = child(node, "source")
        .and_then(|s| ["network", "bridge", "dev", "name"].iter().find_map(|a| s.attribute(*a)))
        .unwrap_or("")
        .to_string();
    Nic {
        mac: attr(node, "mac", "address").unwrap_or_default(),
        kind,
        source,
        target: attr(node, "target", "dev"),
        model: attr(node, "model", "type"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QEMU: &str = include_str!("../../../tests/fixtures/libvirt/qemu-domain.xml");
    const TEST_DRIVER: &str = include_str!("../../../tests/fixtures/libvirt/test-default-domain.xml");

    #[test]
    fn qemu_domain_disks_and_nics() {
        let d = parse(QEMU).unwrap();
        let disks: Vec<_> =
            d.disks.iter().map(|d| (d.device.as_str(), d.target.as_str(), d.source.as_str())).collect();
        assert_eq!(
            disks,
            vec![
                ("disk", "vda", "/var/lib/libvirt/images/web-01.qcow2"),
                ("disk", "vdb", "/dev/vg0/web-01-data"),
                ("disk", "vdc", "rbd:pool/web-01-logs"),
                ("cdrom", "sda", ""),
            ]
        );
        assert!(d.disks[3].readonly);
        let nics: Vec<_> = d
            .nics
            .iter()
            .map(|n| (n.mac.as_str(), n.kind.as_str(), n.source.as_str(), n.target.as_deref()))
            .collect();
        assert_eq!(
            nics,
            vec![
                ("52:54:00:6b:3c:58", "bridge", "br0", Some("vnet3")),
                ("52:54:00:12:34:56", "network", "default", Some("vnet4")),
                ("52:54:00:ab:cd:ef", "direct", "enp3s0", Some("macvtap0")),
            ]
        );
        assert_eq!(d.nics[0].model.as_deref(), Some("virtio"));
    }

    #[test]
    fn test_driver_domain() {
        let d = parse(TEST_DRIVER).unwrap();
        assert_eq!(d.disks.len(), 1);
        assert_eq!(d.disks[0].source, "/guest/diskimage1");
        assert_eq!(d.nics[0].mac, "aa:bb:cc:dd:ee:ff");
        assert_eq!(d.nics[0].target.as_deref(), Some("testnet0"));
    }

    #[test]
    fn shut_off_domain_has_no_target_and_bad_xml_is_an_error() {
        let xml = "<domain><devices><interface type='bridge'><mac address='52:54:00:00:00:01'/>\
                   <source bridge='br0'/></interface></devices></domain>";
        assert_eq!(parse(xml).unwrap().nics[0].target, None);
        assert!(parse("<domain><devices>").is_err());
        assert_eq!(parse("<domain/>").unwrap(), DomainDevices::default());
    }
}
