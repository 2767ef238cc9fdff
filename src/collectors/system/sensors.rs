//! Temperatures from hwmon and memory errors from EDAC, under the host root. The files are
//! the kernel's sysfs ABI: Documentation/hwmon/sysfs-interface.rst (`name`,
//! `tempN_{input,label,crit,max}` in millidegrees) and Documentation/ABI/testing/sysfs-devices-edac
//! (`mcN/{ce_count,ue_count,mc_name}`, `mcN/dimmN/{dimm_ce_count,dimm_ue_count,dimm_label}`).

use super::parse::{counter, millidegrees};
use super::root::HostRoot;
use crate::model::system::{Dimm, Fact, MemoryController, Temperature};
use std::io;
use std::path::Path;

const HWMON: &str = "/sys/class/hwmon";
const EDAC: &str = "/sys/devices/system/edac/mc";

fn text(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok().map(|s| s.trim().to_string())
}

/// The entries of a host directory whose names start with `prefix`, in natural order
/// (hwmon2 before hwmon10), each resolved inside the root.
fn entries(root: &HostRoot, dir: &str, prefix: &str) -> io::Result<Vec<(String, std::path::PathBuf)>> {
    let real = root.resolve(dir)?.real;
    let mut out: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(real)?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            n.strip_prefix(prefix).is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|n| Some((n.clone(), root.resolve(&format!("{dir}/{n}")).ok()?.real)))
        .collect();
    out.sort_by_key(|(n, _)| (n.len(), n.clone()));
    Ok(out)
}

pub fn temperatures(root: &HostRoot) -> Fact<Vec<Temperature>> {
    let chips = match entries(root, HWMON, "hwmon") {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Fact::Unknown(format!("no {HWMON}")),
        Err(e) => return Fact::Unknown(format!("cannot read {HWMON}: {e}")),
    };
    let mut out = Vec::new();
    for (hwmon, dir) in chips {
        let chip = text(&dir, "name").unwrap_or_else(|| hwmon.clone());
        let mut sensors: Vec<u32> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                e.file_name().to_str()?.strip_prefix("temp")?.strip_suffix("_input")?.parse().ok()
            })
            .collect();
        sensors.sort_unstable();
        for n in sensors {
            // A sensor that cannot be read now (ENODATA, EIO) is left out, not shown as 0.
            let Some(celsius) = text(&dir, &format!("temp{n}_input")).as_deref().and_then(millidegrees)
            else {
                continue;
            };
            let limit = |what: &str| text(&dir, &format!("temp{n}_{what}")).as_deref().and_then(millidegrees);
            out.push(Temperature {
                chip: chip.clone(),
                hwmon: hwmon.clone(),
                label: text(&dir, &format!("temp{n}_label")).unwrap_or_else(|| format!("temp{n}")),
                celsius,
                crit: limit("crit"),
                max: limit("max"),
            });
        }
    }
    Fact::Known(out)
}

pub fn edac(root: &HostRoot) -> Fact<Vec<MemoryController>> {
    let mcs = match entries(root, EDAC, "mc") {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Fact::Unknown("no EDAC driver loaded (no /sys/devices/system/edac/mc)".into());
        }
        Err(e) => return Fact::Unknown(format!("cannot read {EDAC}: {e}")),
    };
    let mut out = Vec::new();
    for (name, dir) in mcs {
        let (Some(ce_count), Some(ue_count)) = (
            text(&dir, "ce_count").as_deref().and_then(counter),
            text(&dir, "ue_count").as_deref().and_then(counter),
        ) else {
            return Fact::Unknown(format!("cannot read the error counts of {EDAC}/{name}"));
        };
        let mut dimms = Vec::new();
        for prefix in ["dimm", "rank"] {
            for (dname, ddir) in entries(root, &format!("{EDAC}/{name}"), prefix).unwrap_or_default() {
                let count = |f: &str| text(&ddir, f).as_deref().and_then(counter).unwrap_or(0);
                let label = text(&ddir, "dimm_label").filter(|l| !l.is_empty());
                dimms.push(Dimm {
                    name: dname,
                    label,
                    ce_count: count("dimm_ce_count"),
                    ue_count: count("dimm_ue_count"),
                });
            }
        }
        out.push(MemoryController { name, driver: text(&dir, "mc_name"), ce_count, ue_count, dimms });
    }
    Fact::Known(out)
}
