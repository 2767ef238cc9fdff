//! Filesystem usage with statvfs, for the mounts /proc lists.

use super::disks_parse::Mount;
use crate::model::host::DiskUsage;
use std::ffi::CString;

/// Size and use of the filesystem at `path`, as `df -B1` computes them.
pub fn statvfs(path: &str) -> Option<(u64, u64)> {
    let c = CString::new(path).ok()?;
    // SAFETY: `c` is a valid NUL-terminated path; `st` is written by the call.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    let frsize = st.f_frsize as u64;
    let total = (st.f_blocks as u64).saturating_mul(frsize);
    let used = (st.f_blocks as u64).saturating_sub(st.f_bfree as u64).saturating_mul(frsize);
    Some((total, used))
}

/// Usage of every real mount; unreadable or empty ones are left out.
pub fn usage(mounts: &[Mount]) -> Vec<DiskUsage> {
    mounts
        .iter()
        .filter_map(|m| {
            let (total_bytes, used_bytes) = statvfs(&m.mount).filter(|(t, _)| *t > 0)?;
            Some(DiskUsage {
                mount: m.mount.clone(),
                device: m.device.clone(),
                fstype: m.fstype.clone(),
                total_bytes,
                used_bytes,
            })
        })
        .collect()
}
