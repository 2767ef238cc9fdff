//! F2's view state: how the top consumers are ordered.

use crate::event::DashboardAction;
use crate::model::procs::TopSort;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardView {
    /// The order of the top-consumers table (guests and processes alike).
    pub sort: TopSort,
}

impl DashboardView {
    pub fn act(&mut self, a: DashboardAction) {
        match a {
            DashboardAction::NextSort => self.sort = self.sort.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_cycles() {
        let mut v = DashboardView::default();
        assert_eq!(v.sort, TopSort::Cpu);
        v.act(DashboardAction::NextSort);
        assert_eq!(v.sort, TopSort::Memory);
        v.act(DashboardAction::NextSort);
        assert_eq!(v.sort, TopSort::Cpu);
    }
}
