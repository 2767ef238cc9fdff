//! Pure parsers for /proc/mounts and /proc/diskstats.

/// One line of /proc/mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub device: String,
    pub mount: String,
    pub fstype: String,
}

/// Filesystems that hold no data an operator sizes (kernel interfaces, in-memory).
const PSEUDO: &[&str] = &[
    "proc",
    "sysfs",
    "devtmpfs",
    "devpts",
    "tmpfs",
    "cgroup",
    "cgroup2",
    "securityfs",
    "pstore",
    "bpf",
    "debugfs",
    "tracefs",
    "configfs",
    "fusectl",
    "mqueue",
    "hugetlbfs",
    "autofs",
    "binfmt_misc",
    "rpc_pipefs",
    "nsfs",
    "efivarfs",
    "ramfs",
    "squashfs",
    "overlay",
    "fuse.lxcfs",
    "selinuxfs",
    "rootfs",
];

/// `\040`-style escapes in mount paths back to characters.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..=i + 3].iter().all(|c| (b'0'..=b'7').contains(c)) {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Real filesystems, each mount point once (the last mount on a path wins, as in the kernel).
pub fn parse_mounts(text: &str) -> Vec<Mount> {
    let mut out: Vec<Mount> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_ascii_whitespace().collect();
        let [device, mount, fstype, ..] = f[..] else { continue };
        if PSEUDO.contains(&fstype) || !(device.starts_with('/') || fstype == "zfs" || fstype == "btrfs") {
            continue;
        }
        let m = Mount { device: unescape(device), mount: unescape(mount), fstype: fstype.to_string() };
        // Bind mounts into runtime trees (/run/netns, container sandboxes) repeat a real fs.
        if ["/run/", "/proc/", "/sys/", "/dev/"].iter().any(|p| m.mount.starts_with(p)) {
            continue;
        }
        out.retain(|o| o.mount != m.mount);
        out.push(m);
    }
    out
}

/// Cumulative counters of one block device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiskCounters {
    pub reads: u64,
    pub read_sectors: u64,
    pub writes: u64,
    pub write_sectors: u64,
}

/// Whole devices only: partitions, loop, ram and zram devices are folded away.
pub fn parse_diskstats(text: &str) -> Vec<(String, DiskCounters)> {
    let mut out: Vec<(String, DiskCounters)> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_ascii_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let name = f[2];
        if is_hidden(name) || out.iter().any(|(d, _)| is_partition_of(name, d)) {
            continue;
        }
        let n = |i: usize| f.get(i).and_then(|v| v.parse().ok()).unwrap_or(0);
        out.push((
            name.to_string(),
            DiskCounters { reads: n(3), read_sectors: n(5), writes: n(7), write_sectors: n(9) },
        ));
    }
    out
}

fn is_hidden(name: &str) -> bool {
    ["loop", "ram", "zram", "fd"]
        .iter()
        .any(|p| name.starts_with(p) && name[p.len()..].chars().all(|c| c.is_ascii_digit()))
}

/// sda1 of sda, nvme0n1p2 of nvme0n1, vda3 of vda, md0p1 of md0.
fn is_partition_of(name: &str, disk: &str) -> bool {
    let Some(rest) = name.strip_prefix(disk) else { return false };
    let rest =
        rest.strip_prefix('p').filter(|_| disk.ends_with(|c: char| c.is_ascii_digit())).unwrap_or(rest);
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_skip_pseudo_and_unescape() {
        let m = parse_mounts(
            "proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\ntmpfs /run tmpfs rw 0 0\n/dev/sdb1 /var/lib/libvirt\\040images xfs rw 0 0\n\
             tank/vms /tank/vms zfs rw 0 0\n/dev/vda / ext4 ro 0 0\n/dev/vda /run/netns ext4 rw 0 0\nbroken\n",
        );
        let mounts: Vec<&str> = m.iter().map(|m| m.mount.as_str()).collect();
        assert_eq!(mounts, ["/var/lib/libvirt images", "/tank/vms", "/"]);
    }

    #[test]
    fn diskstats_fold_partitions_and_loops() {
        let d = parse_diskstats(
            "   7 0 loop0 1 0 2 0 0 0 0 0 0 0 0\n 259 0 nvme0n1 100 0 800 5 50 0 400 3 0 0 0\n 259 1 nvme0n1p1 90 0 700 5 40 0 300 3 0 0 0\n   8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n   8 1 sda1 1 2 3 4 5 6 7 8 9 10 11\n 253 0 dm-0 7 0 56 0 1 0 8 0 0 0 0\n",
        );
        let names: Vec<&str> = d.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["nvme0n1", "sda", "dm-0"]);
        assert_eq!(d[0].1, DiskCounters { reads: 100, read_sectors: 800, writes: 50, write_sectors: 400 });
    }
}
