//! Group membership of an operator, from the group and passwd files (`/etc/group`,
//! `/etc/passwd`; other paths in tests). A user is a member when listed in the group's
//! member field or when the group is the user's primary group.

use std::io;
use std::path::Path;

/// Largest group or passwd file read.
const MAX_BYTES: u64 = 4 << 20;

fn read(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?.take(MAX_BYTES).read_to_string(&mut text)?;
    Ok(text)
}

/// Whether `user` is in `group`; an unreadable file is an error, not a "no".
pub fn is_member(user: &str, group: &str, group_file: &Path, passwd_file: &Path) -> io::Result<bool> {
    let groups = read(group_file)?;
    let Some(entry) =
        groups.lines().map(|l| l.split(':').collect::<Vec<_>>()).find(|f| f.len() >= 4 && f[0] == group)
    else {
        return Ok(false);
    };
    if entry[3].split(',').any(|m| m.trim() == user) {
        return Ok(true);
    }
    let gid = entry[2];
    let passwd = read(passwd_file)?;
    Ok(passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .any(|f| f.len() >= 4 && f[0] == user && f[3] == gid))
}

/// The uid of `user` in the passwd file.
pub fn uid_of(user: &str, passwd_file: &Path) -> io::Result<Option<u32>> {
    let passwd = read(passwd_file)?;
    Ok(passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() >= 3 && f[0] == user)
        .and_then(|f| f[2].parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_primary_and_others() {
        let dir = tempfile::tempdir().unwrap();
        let (g, p) = (dir.path().join("group"), dir.path().join("passwd"));
        std::fs::write(&g, "wheel:x:10:alice,carol\nops:x:500:\n").unwrap();
        std::fs::write(&p, "alice:x:1000:100::/:/bin/sh\nbob:x:1001:500::/:/bin/sh\n").unwrap();
        assert!(is_member("alice", "wheel", &g, &p).unwrap());
        assert!(is_member("carol", "wheel", &g, &p).unwrap());
        assert!(is_member("bob", "ops", &g, &p).unwrap());
        assert!(!is_member("bob", "wheel", &g, &p).unwrap());
        assert!(!is_member("alice", "nogroup", &g, &p).unwrap());
        assert!(is_member("alice", "wheel", &dir.path().join("none"), &p).is_err());
        assert_eq!(uid_of("bob", &p).unwrap(), Some(1001));
        assert_eq!(uid_of("eve", &p).unwrap(), None);
    }
}
