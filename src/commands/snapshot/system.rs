//! `nixos`, `time`, `storage`, `hardware` from the host facts' model.

use super::types::system as t;
use crate::model::system as m;
use crate::model::system::Fact;

pub fn nixos(f: &Fact<m::Nixos>) -> Option<t::Nixos> {
    let n = f.known()?;
    let kernel = |c: &m::SystemClosure| c.kernel.as_ref().and_then(|k| k.version.clone());
    Some(t::Nixos {
        current_generation: n.current_generation,
        current_system: n.current.store_path.clone(),
        nixos_version: n.current.nixos_version.clone(),
        booted_system: n.booted.as_ref().ok().map(|b| b.store_path.clone()),
        reboot_needed: n.reboot_needed(),
        reboot_reasons: n.reboot_reasons.clone(),
        current_kernel: kernel(&n.current),
        booted_kernel: n.booted.as_ref().ok().and_then(kernel),
        profile_generation: n.profile_generation,
        previous_generation: n.previous().map(generation),
        last_switch_unix: n.last_switch,
        generations: n.generations.iter().map(generation).collect(),
    })
}

fn generation(g: &m::Generation) -> t::Generation {
    t::Generation { number: g.number, store_path: g.store_path.clone(), created_unix: g.created }
}

pub fn time(f: &Fact<m::Clock>) -> Option<t::Time> {
    let c = f.known()?;
    Some(t::Time {
        synchronized: c.synchronized,
        offset_us: c.offset_us,
        max_error_us: c.max_error_us,
        est_error_us: c.est_error_us,
        source: c.source.clone(),
    })
}

pub fn storage(s: &m::Storage) -> Option<t::Storage> {
    let md = s.md.known().map(|v| v.iter().map(md_array).collect());
    let zfs = s
        .zfs
        .known()
        .map(|v| v.iter().map(|p| t::ZfsPool { name: p.name.clone(), state: p.state.clone() }).collect());
    (md.is_some() || zfs.is_some()).then_some(t::Storage { md, zfs })
}

fn md_array(a: &m::MdArray) -> t::MdArray {
    t::MdArray {
        name: a.name.clone(),
        state: a.state.clone(),
        level: a.level.clone(),
        degraded: a.degraded(),
        devices_wanted: a.wanted,
        devices_working: a.working,
        members: a
            .members
            .iter()
            .map(|m| t::MdMember { device: m.device.clone(), faulty: m.faulty, spare: m.spare })
            .collect(),
        slots: a.slots.clone(),
        sync: a.sync.as_ref().map(|s| t::MdSync {
            action: s.action.clone(),
            percent: s.percent,
            finish_s: s.finish_s,
            speed_kib_s: s.speed_kib_s,
        }),
    }
}

pub fn hardware(h: &m::Hardware) -> Option<t::Hardware> {
    let temperatures = h.temperatures.known().map(|v| v.iter().map(temperature).collect());
    let edac = h.edac.known().map(|mcs| t::Edac {
        ce_total: mcs.iter().map(|m| m.ce_count).sum(),
        ue_total: mcs.iter().map(|m| m.ue_count).sum(),
        controllers: mcs.iter().map(controller).collect(),
    });
    (temperatures.is_some() || edac.is_some()).then_some(t::Hardware { temperatures, edac })
}

fn temperature(x: &m::Temperature) -> t::Temperature {
    t::Temperature {
        chip: x.chip.clone(),
        hwmon: x.hwmon.clone(),
        label: x.label.clone(),
        celsius: x.celsius,
        crit_celsius: x.crit,
        max_celsius: x.max,
    }
}

fn controller(mc: &m::MemoryController) -> t::MemoryController {
    t::MemoryController {
        name: mc.name.clone(),
        driver: mc.driver.clone(),
        ce_count: mc.ce_count,
        ue_count: mc.ue_count,
        dimms: mc
            .dimms
            .iter()
            .map(|d| t::Dimm {
                name: d.name.clone(),
                label: d.label.clone(),
                ce_count: d.ce_count,
                ue_count: d.ue_count,
            })
            .collect(),
    }
}
