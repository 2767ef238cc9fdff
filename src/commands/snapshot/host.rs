//! `host`, `cpu`, `memory`, `disks` from the procfs collector's sample, and `top_processes`.

use super::types;
use crate::model::host::{CpuUsage, DiskUsage, HostSample, Memory};
use crate::model::procs::{ProcTable, TopSort};

pub fn host(h: &HostSample) -> types::Host {
    types::Host { hostname: h.hostname.clone(), kernel: h.kernel.clone(), uptime_s: h.uptime_s, load: h.load }
}

pub fn cpu(c: &CpuUsage) -> types::Cpu {
    types::Cpu {
        cores: c.cores as u64,
        usage_percent: c.usage_percent,
        per_core_percent: c.per_core_percent.clone(),
        breakdown: c.breakdown.map(|b| types::CpuBreakdown {
            user: b.user,
            system: b.system,
            iowait: b.iowait,
            steal: b.steal,
        }),
        // The model says "unknown" as empty and 0; the contract says null.
        model: Some(c.model.clone()).filter(|m| !m.is_empty()),
        frequency_mhz: Some(c.frequency_mhz).filter(|f| *f > 0),
    }
}

pub fn memory(m: &Memory) -> types::Memory {
    types::Memory {
        total_bytes: m.total_bytes,
        available_bytes: m.available_bytes,
        used_bytes: m.used_bytes,
        swap_total_bytes: m.swap_total_bytes,
        swap_used_bytes: m.swap_used_bytes,
        buffers_bytes: m.buffers_bytes,
        cached_bytes: m.cached_bytes,
        hugepages_total: m.hugepages_total,
        hugepages_free: m.hugepages_free,
        hugepage_size_bytes: m.hugepage_size_bytes,
    }
}

pub fn disk(d: &DiskUsage) -> types::Disk {
    types::Disk {
        mount: d.mount.clone(),
        device: d.device.clone(),
        fstype: d.fstype.clone(),
        total_bytes: d.total_bytes,
        used_bytes: d.used_bytes,
    }
}

/// The busiest and the largest processes of a scan, ten of each.
pub fn top_processes(t: &ProcTable) -> types::TopProcesses {
    let list = |sort| {
        let rows = t.sorted(sort, 10).into_iter();
        rows.map(|p| types::Process {
            pid: p.pid,
            name: p.name.clone(),
            guest: p.guest.clone(),
            cpu_percent: p.cpu_percent,
            rss_bytes: p.rss_bytes,
        })
        .collect()
    };
    types::TopProcesses {
        by_cpu: list(TopSort::Cpu),
        by_memory: list(TopSort::Memory),
        total: t.total as u64,
    }
}
