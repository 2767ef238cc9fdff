//! Which collector updates are worth a frame: an idle console must cost next to nothing, and
//! most updates change nothing on the screen being looked at (F2's process table while F1
//! is shown, a source confirming what it said already).

use super::App;
use crate::event::{Screen, Update};

/// How an update can show on the current screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shows {
    Yes,
    No,
    /// Only through the alert lines every screen carries under the header.
    IfAlertsChange,
}

impl App {
    /// Applies a collector's update; returns whether the screen needs drawing anew.
    pub(super) fn apply_update(&mut self, u: Update) -> bool {
        let shows = self.shows(&u);
        let before = (shows == Shows::IfAlertsChange).then(|| self.model.alerts());
        self.model.apply(u);
        match shows {
            Shows::Yes => true,
            Shows::No => false,
            Shows::IfAlertsChange => before.is_some_and(|b| b != self.model.alerts()),
        }
    }

    fn shows(&self, u: &Update) -> Shows {
        let screen = self.view.screen;
        let on =
            |screens: &[Screen]| if screens.contains(&screen) { Shows::Yes } else { Shows::IfAlertsChange };
        match u {
            Update::Procs(_) if screen == Screen::Dashboard => Shows::Yes,
            Update::Procs(_) => Shows::No,
            // The header's source words and the screens' reasons: only a change is news.
            Update::Health(id, h) if self.model.health.get(id) == Some(h) => Shows::No,
            // A confirmation changes the screen only where the source was shown as stale.
            Update::Confirmed(id, _) if self.model.stale_since(*id).is_none() => Shows::No,
            Update::Net(_) => on(&[Screen::Network, Screen::Dashboard, Screen::Machines]),
            Update::Units(_) | Update::System(_) => on(&[Screen::System, Screen::Dashboard]),
            _ => Shows::Yes,
        }
    }
}
