//! F4's view state (sort, filter, selection, detail) and the rows it selects from the model.

use super::{Edit, LineEdit};
use crate::event::MachinesAction;
use crate::model::guests::{Guest, Guests};
use crossterm::event::KeyEvent;
use std::cmp::Ordering;

/// Rows moved by PageUp/PageDown.
pub const PAGE: usize = 10;

/// The sortable columns, in the order `s` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Name,
    Source,
    State,
    Vcpus,
    Memory,
    Cpu,
    Uptime,
}

impl SortBy {
    const ALL: [SortBy; 7] = [
        SortBy::Name,
        SortBy::Source,
        SortBy::State,
        SortBy::Vcpus,
        SortBy::Memory,
        SortBy::Cpu,
        SortBy::Uptime,
    ];

    pub fn next(self) -> SortBy {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Source => "source",
            SortBy::State => "state",
            SortBy::Vcpus => "vcpus",
            SortBy::Memory => "memory",
            SortBy::Cpu => "cpu",
            SortBy::Uptime => "uptime",
        }
    }

    fn cmp(self, a: &Guest, b: &Guest, now: i64) -> Ordering {
        let by = match self {
            SortBy::Name => Ordering::Equal,
            SortBy::Source => (a.source(), &a.uri).cmp(&(b.source(), &b.uri)),
            SortBy::State => a.state.cmp(&b.state),
            SortBy::Vcpus => a.vcpus.cmp(&b.vcpus),
            SortBy::Memory => a.memory_bytes.cmp(&b.memory_bytes),
            SortBy::Cpu => a.cpu_percent.unwrap_or(-1.0).total_cmp(&b.cpu_percent.unwrap_or(-1.0)),
            SortBy::Uptime => a.uptime_at(now).cmp(&b.uptime_at(now)),
        };
        by.then_with(|| cmp_ci(&a.name, &b.name)).then_with(|| a.uri.cmp(&b.uri))
    }
}

/// What the operator has chosen on F4.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachinesView {
    pub sort: SortBy,
    pub descending: bool,
    pub filter: LineEdit,
    /// Typing goes into the filter until Enter or Esc.
    pub editing: bool,
    /// Index into the filtered, sorted rows.
    pub selected: usize,
    /// The selected guest (URI, UUID), so the cursor follows it when rows move
    /// (a re-list, a CPU-sorted table); `selected` is the fallback when it is gone.
    pub selected_key: Option<(String, String)>,
    pub detail: bool,
}

/// Names in the order an operator expects ("db" next to "DB"), without allocating.
fn cmp_ci(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    for (p, q) in x.iter().zip(y) {
        // Equal bytes (most of "vm-01234" vs "vm-01235") skip the lowercasing.
        if p != q {
            let o = p.to_ascii_lowercase().cmp(&q.to_ascii_lowercase());
            if o != Ordering::Equal {
                return o;
            }
        }
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

/// ASCII case-insensitive substring test without allocating (runs on 10,000 rows a frame).
fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

impl MachinesView {
    /// Whether a guest passes the filter (name, source URI or namespace, state; for
    /// KubeVirt guests also `kubevirt`, the node and KubeVirt's status word).
    pub fn matches(&self, g: &Guest) -> bool {
        let f = self.filter.text();
        let kv = g.kubevirt.as_deref().is_some_and(|k| {
            let ns = f.strip_prefix("kv/").is_some_and(|n| contains_ci(&g.uri, n));
            ns || contains_ci("kubevirt", f) || contains_ci(&k.node, f) || contains_ci(&k.status, f)
        });
        f.is_empty()
            || contains_ci(&g.name, f)
            || contains_ci(&g.uri, f)
            || contains_ci(g.state.label(), f)
            || kv
    }

    /// The guests F4 shows, filtered and sorted (uptime as of `now`, seconds since the epoch).
    pub fn rows<'a>(&self, guests: &'a Guests, now: i64) -> Vec<&'a Guest> {
        let mut rows: Vec<&Guest> = guests.iter().filter(|g| self.matches(g)).collect();
        rows.sort_unstable_by(|a, b| self.sort.cmp(a, b, now));
        if self.descending {
            rows.reverse();
        }
        rows
    }

    /// The row the cursor is on: the selected guest's if it is still shown.
    pub fn selected_index(&self, rows: &[&Guest]) -> usize {
        let by_key = self
            .selected_key
            .as_ref()
            .and_then(|(uri, uuid)| rows.iter().position(|g| g.uuid == *uuid && g.uri == *uri));
        by_key.unwrap_or(self.selected).min(rows.len().saturating_sub(1))
    }

    /// Carries out a key's action on the rows F4 shows.
    pub fn act(&mut self, a: MachinesAction, rows: &[&Guest]) {
        self.selected = self.selected_index(rows);
        self.step(a, rows.len());
        if matches!(a, MachinesAction::NextSort | MachinesAction::Reverse) {
            // The same guest stays selected under the new order.
            return;
        }
        self.selected_key = rows.get(self.selected).map(|g| (g.uri.clone(), g.uuid.clone()));
    }

    fn step(&mut self, a: MachinesAction, count: usize) {
        let last = count.saturating_sub(1);
        self.selected = match a {
            MachinesAction::Up => self.selected.saturating_sub(1),
            MachinesAction::Down => self.selected + 1,
            MachinesAction::PageUp => self.selected.saturating_sub(PAGE),
            MachinesAction::PageDown => self.selected + PAGE,
            MachinesAction::Top => 0,
            MachinesAction::Bottom => last,
            _ => self.selected,
        };
        match a {
            MachinesAction::NextSort => self.sort = self.sort.next(),
            MachinesAction::Reverse => self.descending = !self.descending,
            MachinesAction::Filter => self.editing = true,
            MachinesAction::Detail => self.detail = !self.detail,
            _ => {}
        }
        self.selected = self.selected.min(last);
    }

    /// A key while the filter is being typed; returns whether it was used.
    pub fn edit(&mut self, key: &KeyEvent) -> bool {
        match self.filter.key(key) {
            Edit::Unused => return false,
            Edit::Moved => return true,
            Edit::Changed => {}
            Edit::Submit => self.editing = false,
            Edit::Cancel => {
                self.filter.clear();
                self.editing = false;
            }
        }
        // A new filter starts at the top.
        self.selected = 0;
        self.selected_key = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::guests::{GuestState, GuestUpdate};
    use crossterm::event::KeyCode;

    fn guests() -> Guests {
        let mk = |name: &str, state, mem| Guest {
            name: name.into(),
            uuid: format!("uuid-{name}"),
            uri: "test:///x".into(),
            state,
            memory_bytes: mem,
            ..Guest::default()
        };
        let mut g = Guests::default();
        let list = vec![
            mk("web", GuestState::Running, 3),
            mk("DB", GuestState::Crashed, 9),
            mk("cache", GuestState::Shutoff, 1),
        ];
        g.apply(GuestUpdate::List { uri: "test:///x".into(), guests: list });
        g
    }

    fn names(v: &MachinesView, g: &Guests) -> Vec<String> {
        v.rows(g, 0).iter().map(|g| g.name.clone()).collect()
    }

    #[test]
    fn sort_reverse_and_filter() {
        let g = guests();
        let mut v = MachinesView::default();
        assert_eq!(names(&v, &g), ["cache", "DB", "web"], "names sort case-insensitively");
        let rows = v.rows(&g, 0);
        v.act(MachinesAction::NextSort, &rows);
        v.act(MachinesAction::NextSort, &rows);
        assert_eq!(v.sort, SortBy::State);
        assert_eq!(names(&v, &g), ["web", "cache", "DB"]);
        v.sort = SortBy::Memory;
        v.act(MachinesAction::Reverse, &v.rows(&g, 0));
        assert_eq!(names(&v, &g), ["DB", "web", "cache"]);
        v.filter = "db".into();
        assert_eq!(names(&v, &g), ["DB"]);
        v.filter = "SHUT".into();
        assert_eq!(names(&v, &g), ["cache"]);
    }

    #[test]
    fn selection_is_clamped_follows_its_guest_and_filter_is_typed() {
        let g = guests();
        let mut v = MachinesView::default();
        v.act(MachinesAction::PageDown, &v.rows(&g, 0));
        assert_eq!(v.selected, 2);
        v.act(MachinesAction::Up, &v.rows(&g, 0));
        assert_eq!(v.selected_index(&v.rows(&g, 0)), 1);
        assert_eq!(v.rows(&g, 0)[1].name, "DB");
        // Re-sorting (by state: web, cache, DB) keeps "DB" under the cursor.
        v.act(MachinesAction::NextSort, &v.rows(&g, 0));
        v.act(MachinesAction::NextSort, &v.rows(&g, 0));
        let rows = v.rows(&g, 0);
        assert_eq!(rows[v.selected_index(&rows)].name, "DB");
        assert_eq!(v.selected_index(&rows), 2);
        v.act(MachinesAction::Down, &[]);
        assert_eq!(v.selected, 0);
        v.act(MachinesAction::Filter, &[]);
        for c in ['w', 'x', 'e'] {
            assert!(v.edit(&KeyEvent::from(KeyCode::Char(c))));
        }
        v.edit(&KeyEvent::from(KeyCode::Backspace));
        assert_eq!(v.filter.text(), "wx");
        v.edit(&KeyEvent::from(KeyCode::Esc));
        assert!(!v.editing && v.filter.is_empty());
        assert!(!contains_ci("abc", "abcd") && contains_ci("aBc", "BC"));
        let mut names = ["c", "B", "ab", "a", "DB", "db", "abc"];
        names.sort_by(|a, b| cmp_ci(a, b));
        assert_eq!(names, ["a", "ab", "abc", "B", "c", "DB", "db"]);
    }
}
