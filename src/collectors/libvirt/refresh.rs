//! One full listing of a connection's domains, with CPU % from deltas between listings.

use super::domain_xml;
use crate::model::guests::{Guest, GuestState};
use std::collections::HashMap;
use std::time::{Instant, UNIX_EPOCH};
use virt::connect::Connect;
use virt::domain::Domain;
use virt_sys as sys;

/// What one URI remembers between listings: CPU time samples and start times.
#[derive(Debug, Default)]
pub struct Tracker {
    /// uuid → (cpu time ns, when sampled)
    cpu: HashMap<String, (u64, Instant)>,
    /// uuid → seconds since the epoch when the guest started, when known.
    started: HashMap<String, u64>,
}

/// Busy share of `vcpus` between two samples, 0–100; `None` when no time passed.
pub fn cpu_percent(prev_ns: u64, now_ns: u64, elapsed_ns: u128, vcpus: u32) -> Option<f64> {
    if elapsed_ns == 0 || vcpus == 0 {
        return None;
    }
    let busy = now_ns.saturating_sub(prev_ns) as f64;
    Some((busy / elapsed_ns as f64 / f64::from(vcpus) * 100.0).clamp(0.0, 100.0))
}

pub fn now_unix() -> u64 {
    crate::model::unix_now().max(0) as u64
}

impl Tracker {
    /// Lists every domain of `conn` (one libvirt call per fact; blocking).
    pub fn list(&mut self, conn: &Connect, uri: &str) -> Result<Vec<Guest>, virt::error::Error> {
        let domains = conn.list_all_domains(0)?;
        let now = Instant::now();
        let mut out = Vec::with_capacity(domains.len());
        for d in &domains {
            // A domain can vanish between the listing and the question: skip it.
            if let Ok(g) = self.guest(d, uri, now) {
                out.push(g);
            }
        }
        let alive: std::collections::HashSet<&str> = out.iter().map(|g| g.uuid.as_str()).collect();
        self.cpu.retain(|k, _| alive.contains(k.as_str()));
        self.started.retain(|k, _| alive.contains(k.as_str()));
        Ok(out)
    }

    /// Notes that a guest was just seen starting (from a lifecycle event).
    pub fn mark_started(&mut self, uuid: &str) {
        self.started.insert(uuid.to_string(), now_unix());
    }

    fn guest(&mut self, d: &Domain, uri: &str, now: Instant) -> Result<Guest, virt::error::Error> {
        let info = d.get_info()?;
        let (state, reason) = d.get_state()?;
        let uuid = d.get_uuid_string()?;
        let state = GuestState::from_libvirt(state);
        let devices = d.get_xml_desc(0).ok().and_then(|x| domain_xml::parse(&x).ok()).unwrap_or_default();
        let mut g = Guest {
            name: d.get_name()?,
            uri: uri.to_string(),
            id: d.get_id(),
            state,
            reason,
            vcpus: info.nr_virt_cpu,
            max_memory_bytes: info.max_mem.saturating_mul(1024),
            memory_bytes: info.memory.saturating_mul(1024),
            autostart: d.get_autostart().unwrap_or(false),
            persistent: d.is_persistent().unwrap_or(false),
            cpu_time_ns: info.cpu_time,
            disks: devices.disks,
            nics: devices.nics,
            ..Guest::default()
        };
        if state.is_active() {
            self.sample_cpu(&mut g, &uuid, now);
            g.ips = lease_addresses(d);
            if !self.started.contains_key(&uuid)
                && let Some(t) = qemu_start_time(uri, &g.name)
            {
                self.started.insert(uuid.clone(), t);
            }
            g.uptime_s = self.started.get(&uuid).map(|t| now_unix().saturating_sub(*t));
        } else {
            self.cpu.remove(&uuid);
            self.started.remove(&uuid);
        }
        g.uuid = uuid;
        Ok(g)
    }

    fn sample_cpu(&mut self, g: &mut Guest, uuid: &str, now: Instant) {
        if let Some((prev, at)) = self.cpu.insert(uuid.to_string(), (g.cpu_time_ns, now)) {
            g.cpu_percent = cpu_percent(prev, g.cpu_time_ns, now.duration_since(at).as_nanos(), g.vcpus);
        }
    }
}

/// When qemu:///system started a guest: the mtime of its pid file. Other drivers: unknown
/// (uptime then counts from the start event the console saw, or shows "--").
fn qemu_start_time(uri: &str, name: &str) -> Option<u64> {
    if !uri.starts_with("qemu:///system") || name.contains('/') {
        return None;
    }
    let meta = std::fs::metadata(format!("/run/libvirt/qemu/{name}.pid")).ok()?;
    meta.modified().ok()?.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// Addresses from libvirt's DHCP lease table (allowed on a read-only connection;
/// the guest agent is not). Errors mean "none known".
fn lease_addresses(d: &Domain) -> Vec<String> {
    let mut ifaces: *mut sys::virDomainInterfacePtr = std::ptr::null_mut();
    // SAFETY: valid domain; on success libvirt hands us `n` interfaces to free.
    let n = unsafe {
        sys::virDomainInterfaceAddresses(
            d.as_ptr(),
            &mut ifaces,
            sys::VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
            0,
        )
    };
    if n <= 0 || ifaces.is_null() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for i in 0..n as usize {
        // SAFETY: `i < n`; strings are copied (not freed) before the interface is freed once.
        unsafe {
            let iface = *ifaces.add(i);
            for j in 0..(*iface).naddrs as usize {
                let a = &*(*iface).addrs.add(j);
                if !a.addr.is_null() {
                    out.push(format!("{}/{}", std::ffi::CStr::from_ptr(a.addr).to_string_lossy(), a.prefix));
                }
            }
            sys::virDomainInterfaceFree(iface);
        }
    }
    // SAFETY: the array itself was allocated by libvirt with malloc.
    unsafe { libc::free(ifaces as *mut libc::c_void) };
    out
}

#[cfg(test)]
mod tests {
    use super::cpu_percent;
    use crate::model::guests::reason;
    use virt_sys as sys;

    #[test]
    fn reason_numbers_match_libvirt() {
        assert_eq!(reason::PAUSED_MIGRATION, sys::VIR_DOMAIN_PAUSED_MIGRATION as i32);
        assert_eq!(reason::PAUSED_IOERROR, sys::VIR_DOMAIN_PAUSED_IOERROR as i32);
        assert_eq!(reason::PAUSED_WATCHDOG, sys::VIR_DOMAIN_PAUSED_WATCHDOG as i32);
        assert_eq!(reason::PAUSED_CRASHED, sys::VIR_DOMAIN_PAUSED_CRASHED as i32);
        assert_eq!(reason::PAUSED_POSTCOPY_FAILED, sys::VIR_DOMAIN_PAUSED_POSTCOPY_FAILED as i32);
        assert_eq!(reason::PAUSED_API_ERROR, sys::VIR_DOMAIN_PAUSED_API_ERROR as i32);
        assert_eq!(reason::SHUTOFF_CRASHED, sys::VIR_DOMAIN_SHUTOFF_CRASHED as i32);
    }

    #[test]
    fn cpu_percent_from_deltas() {
        // 1 s of CPU over 1 s on 2 vCPUs: half busy.
        assert_eq!(cpu_percent(0, 1_000_000_000, 1_000_000_000, 2), Some(50.0));
        assert_eq!(cpu_percent(5, 5, 0, 2), None);
        // A counter that went backwards (restart) is 0, not a huge number.
        assert_eq!(cpu_percent(10, 5, 1_000, 1), Some(0.0));
        assert_eq!(cpu_percent(0, u64::MAX, 1, 1), Some(100.0));
    }
}
