//! The alerts the host facts raise, each with a stable id (the same condition keeps the
//! same id from one reading to the next, so a consumer can tell new from known).

use super::{Fact, SystemFacts};
use crate::model::Alert;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactAlert {
    /// "nixos.reboot", "time.unsync", "md.md0", "zfs.tank", "temp.hwmon0.temp1", "edac.mc0".
    pub id: String,
    pub critical: bool,
    pub text: String,
}

impl From<FactAlert> for Alert {
    fn from(a: FactAlert) -> Alert {
        Alert { critical: a.critical, text: a.text }
    }
}

fn alert(id: String, critical: bool, text: String) -> FactAlert {
    FactAlert { id, critical, text }
}

impl SystemFacts {
    /// Everything that needs attention, in panel order.
    pub fn alerts(&self) -> Vec<FactAlert> {
        let mut out = Vec::new();
        if let Fact::Known(n) = &self.nixos
            && n.reboot_needed() == Some(true)
        {
            let text = format!("reboot needed: {}", n.reboot_reasons.join(", "));
            out.push(alert("nixos.reboot".into(), false, text));
        }
        if let Fact::Known(c) = &self.time
            && !c.synchronized
        {
            out.push(alert("time.unsync".into(), false, "clock not synchronised".into()));
        }
        self.storage_alerts(&mut out);
        self.hardware_alerts(&mut out);
        out
    }

    fn storage_alerts(&self, out: &mut Vec<FactAlert>) {
        for a in self.storage.md.known().into_iter().flatten().filter(|a| a.degraded()) {
            let faulty: Vec<&str> =
                a.members.iter().filter(|m| m.faulty).map(|m| m.device.as_str()).collect();
            let why = match (faulty.is_empty(), a.wanted, a.working) {
                (false, ..) => format!("{} failed", faulty.join(", ")),
                (true, Some(w), Some(k)) => format!("{} of {w} devices missing", w.saturating_sub(k)),
                _ => format!("[{}]", a.slots),
            };
            let sync = a.sync.as_ref().map_or(String::new(), |s| format!(", {} {:.1}%", s.action, s.percent));
            out.push(alert(format!("md.{}", a.name), true, format!("{} degraded ({why}{sync})", a.name)));
        }
        for p in self.storage.zfs.known().into_iter().flatten().filter(|p| !p.healthy()) {
            out.push(alert(format!("zfs.{}", p.name), true, format!("zpool {} {}", p.name, p.state)));
        }
    }

    fn hardware_alerts(&self, out: &mut Vec<FactAlert>) {
        for t in self.hardware.temperatures.known().into_iter().flatten() {
            let id = format!("temp.{}.{}", t.hwmon, t.label);
            match (t.level(), t.crit, t.max) {
                (2, Some(c), _) => {
                    let text = format!("{} {} {:.0} °C ≥ critical {c:.0} °C", t.chip, t.label, t.celsius);
                    out.push(alert(id, true, text));
                }
                (1, _, Some(m)) => {
                    let text = format!("{} {} {:.0} °C ≥ max {m:.0} °C", t.chip, t.label, t.celsius);
                    out.push(alert(id, false, text));
                }
                _ => {}
            }
        }
        for mc in self.hardware.edac.known().into_iter().flatten().filter(|m| m.ue_count > 0) {
            let text = format!("{}: {} uncorrected memory error(s)", mc.name, mc.ue_count);
            out.push(alert(format!("edac.{}", mc.name), true, text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn md(slots: &str, wanted: u32, working: u32, members: &[(&str, bool)]) -> MdArray {
        MdArray {
            name: "md0".into(),
            state: "active".into(),
            level: Some("raid1".into()),
            members: members
                .iter()
                .enumerate()
                .map(|(i, (d, f))| MdMember {
                    device: d.to_string(),
                    index: Some(i as u32),
                    faulty: *f,
                    spare: false,
                })
                .collect(),
            wanted: Some(wanted),
            working: Some(working),
            slots: slots.into(),
            sync: None,
        }
    }

    #[test]
    fn healthy_facts_raise_nothing() {
        let mut f = SystemFacts {
            time: Fact::Known(Clock { synchronized: true, ..Clock::default() }),
            ..Default::default()
        };
        f.storage.md = Fact::Known(vec![md("UU", 2, 2, &[("sda1", false), ("sdb1", false)])]);
        f.storage.zfs = Fact::Known(vec![ZfsPool { name: "tank".into(), state: "ONLINE".into() }]);
        assert_eq!(f.alerts(), []);
    }

    #[test]
    fn each_problem_has_its_id_and_cause() {
        let mut f = SystemFacts { time: Fact::Known(Clock::default()), ..Default::default() };
        f.storage.md = Fact::Known(vec![md("U_", 2, 1, &[("sda1", false), ("sdb1", true)])]);
        f.storage.zfs = Fact::Known(vec![ZfsPool { name: "tank".into(), state: "DEGRADED".into() }]);
        let hot = Temperature {
            chip: "coretemp".into(),
            hwmon: "hwmon1".into(),
            label: "Package id 0".into(),
            celsius: 97.0,
            crit: Some(95.0),
            max: Some(85.0),
        };
        f.hardware.temperatures = Fact::Known(vec![hot]);
        f.hardware.edac =
            Fact::Known(vec![MemoryController { name: "mc0".into(), ue_count: 2, ..Default::default() }]);
        let got: Vec<(String, bool, String)> =
            f.alerts().into_iter().map(|a| (a.id, a.critical, a.text)).collect();
        let want = [
            ("time.unsync", false, "clock not synchronised"),
            ("md.md0", true, "md0 degraded (sdb1 failed)"),
            ("zfs.tank", true, "zpool tank DEGRADED"),
            ("temp.hwmon1.Package id 0", true, "coretemp Package id 0 97 °C ≥ critical 95 °C"),
            ("edac.mc0", true, "mc0: 2 uncorrected memory error(s)"),
        ];
        let want: Vec<(String, bool, String)> =
            want.iter().map(|(i, c, t)| (i.to_string(), *c, t.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_missing_member_is_counted() {
        let mut f = SystemFacts::default();
        f.storage.md = Fact::Known(vec![md("_U", 2, 1, &[("sdb1", false)])]);
        assert_eq!(f.alerts()[0].text, "md0 degraded (1 of 2 devices missing)");
    }
}
