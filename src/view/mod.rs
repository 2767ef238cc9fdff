//! View state: what the operator is looking at, not what the host is. Read by `ui`,
//! changed by `app` (through the methods here); it knows nothing of collectors or the terminal.

pub mod act_flow;
pub mod actions;
pub mod dashboard;
pub mod line_edit;
pub mod logs;
pub mod machines;
pub mod network;
pub mod system;

pub use line_edit::{Edit, LineEdit};
pub use logs::{BootChoice, LogsView, PRIORITY_NAMES, Prompt};
pub use machines::{MachinesView, SortBy};
pub use network::NetView;
pub use system::SystemView;

use crate::event::Screen;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub screen: Screen,
    pub help: bool,
    /// How far the help overlay is scrolled (lines), when it is taller than the screen.
    pub help_scroll: u16,
    /// A one-shot message in the footer (e.g. "quit is disabled").
    pub status: Option<String>,
    /// Whether `q` / Ctrl-C may end the console (from the config).
    pub allow_quit: bool,
    pub logs: LogsView,
    /// Terminal size, for paging.
    pub size: (u16, u16),
    /// F3: scroll and name filter.
    pub net: NetView,
    /// F4's sort, filter, selection and detail pane.
    pub machines: MachinesView,
    /// Read-only or acting, and who acts.
    pub actions: actions::ActionsView,
    /// The prompts of an action under way (`a` on F4).
    pub act_flow: Option<act_flow::ActFlow>,
    /// F2's top-consumers order.
    pub dashboard: dashboard::DashboardView,
    /// F5's unit selection and filter.
    pub system: SystemView,
}
