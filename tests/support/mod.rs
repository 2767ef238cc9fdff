//! Helpers shared by the integration tests.
#![allow(dead_code)]

use hypervisor_tui::event::{Health, SourceId, Update};
use hypervisor_tui::model::Model;
use hypervisor_tui::model::host::{CpuUsage, HostSample, Memory};
use ratatui::buffer::Buffer;

/// A fixed host, so screens render the same on every machine.
pub fn sample_host(cores: usize) -> HostSample {
    HostSample {
        hostname: "hv-01".into(),
        kernel: "6.6.52".into(),
        uptime_s: 15 * 86_400 + 7 * 3600 + 32 * 60,
        load: [2.34, 1.98, 1.50],
        cpu: CpuUsage {
            cores,
            usage_percent: Some(45.2),
            per_core_percent: (0..cores).map(|i| (i * 37 % 101) as f64).collect(),
        },
        memory: Memory {
            total_bytes: 64 << 30,
            available_bytes: 23 << 30,
            used_bytes: 41 << 30,
            swap_total_bytes: 8 << 30,
            swap_used_bytes: 1 << 30,
        },
    }
}

/// A model with every kind of health represented.
pub fn sample_model() -> Model {
    let mut m = Model::default();
    m.apply(Update::Host(Box::new(sample_host(4))));
    let healths = [
        (SourceId::Journal, Health::Ok("12 files in /var/log/journal".into())),
        (SourceId::Procfs, Health::Ok("4 cores".into())),
        (SourceId::Netlink, Health::Ok("7 links".into())),
        (SourceId::Libvirt, Health::Unavailable("qemu:///system: no libvirtd socket".into())),
        (SourceId::Kubernetes, Health::Ok("API server v1.31.4+k3s1".into())),
        (SourceId::Kubevirt, Health::Error("API group discovery failed: 500".into())),
    ];
    for (id, h) in healths {
        m.apply(Update::Health(id, h));
    }
    m
}

/// The buffer as text, one line per row, trailing spaces kept.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
