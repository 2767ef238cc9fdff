//! Small pure parsers for the host facts: sysfs values, store path names, profile links.

/// A sysfs temperature in millidegrees Celsius ("45000\n") → degrees.
pub fn millidegrees(text: &str) -> Option<f64> {
    text.trim().parse::<i64>().ok().map(|m| m as f64 / 1000.0)
}

/// A sysfs counter ("12\n").
pub fn counter(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// The name of a store path: `/nix/store/HASH-linux-6.12.58/bzImage` → `linux-6.12.58`.
pub fn store_name(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/nix/store/")?;
    let entry = rest.split('/').next()?;
    let (hash, name) = entry.split_once('-')?;
    (hash.len() == 32 && !name.is_empty()).then_some(name)
}

/// The version in a kernel or initrd store name: `linux-6.12.58` → `6.12.58`,
/// `initrd-linux-6.12.58` → `6.12.58`, `linux-6.12.58-modules` → `6.12.58`.
pub fn kernel_version(path: &str) -> Option<String> {
    let name = store_name(path)?;
    let at = name.find("linux-")? + "linux-".len();
    let rest = &name[at..];
    let rest = rest.strip_suffix("-modules").unwrap_or(rest);
    let rest = rest.strip_suffix("-shrunk").unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_digit()).then(|| rest.to_string())
}

/// `system-42-link` → 42.
pub fn generation_number(name: &str) -> Option<u32> {
    name.strip_prefix("system-")?.strip_suffix("-link")?.parse().ok()
}

/// The `nixos-version` file: one line, no newline ("25.11.20251201.abcdef0 (Xantusia)").
pub fn nixos_version(text: &str) -> Option<String> {
    let v = text.lines().next()?.trim();
    (!v.is_empty()).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "0123456789abcdfghijklmnpqrsvwxyz";

    #[test]
    fn sysfs_values() {
        assert_eq!(millidegrees("45000\n"), Some(45.0));
        assert_eq!(millidegrees("-5500"), Some(-5.5));
        assert_eq!(millidegrees("N/A"), None);
        assert_eq!(counter("7\n"), Some(7));
        assert_eq!(counter(""), None);
    }

    #[test]
    fn kernel_versions_from_store_names() {
        assert_eq!(
            kernel_version(&format!("/nix/store/{H}-linux-6.12.58/bzImage")).as_deref(),
            Some("6.12.58")
        );
        assert_eq!(
            kernel_version(&format!("/nix/store/{H}-initrd-linux-6.12.60/initrd")).as_deref(),
            Some("6.12.60")
        );
        assert_eq!(kernel_version(&format!("/nix/store/{H}-linux-6.6.1-modules")).as_deref(), Some("6.6.1"));
        assert_eq!(kernel_version(&format!("/nix/store/{H}-initrd/initrd")), None);
        assert_eq!(kernel_version("/boot/vmlinuz-6.1"), None, "not a store path");
        assert_eq!(store_name("/nix/store/short-linux-1"), None, "a hash is 32 characters");
    }

    #[test]
    fn generations_and_versions() {
        assert_eq!(generation_number("system-42-link"), Some(42));
        assert_eq!(generation_number("system"), None);
        assert_eq!(generation_number("system-x-link"), None);
        assert_eq!(
            nixos_version("25.11.20251201.abcdef0 (Xantusia)").as_deref(),
            Some("25.11.20251201.abcdef0 (Xantusia)")
        );
        assert_eq!(nixos_version("\n"), None);
    }
}
