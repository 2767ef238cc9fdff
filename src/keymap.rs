//! Keys as data: one table drives key handling, the footer and the `?` help overlay.

use crate::event::{Action, DashboardAction, MachinesAction as M, NetAction, Screen, SystemAction as S};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key as the operator types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    F(u8),
    Char(char),
    Ctrl(char),
    Tab,
    BackTab,
    Esc,
    Enter,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Key {
    pub fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match (self, ev.code) {
            (Key::F(n), KeyCode::F(m)) => n == m,
            (Key::Char(c), KeyCode::Char(d)) => !ctrl && c == d,
            (Key::Ctrl(c), KeyCode::Char(d)) => ctrl && c.eq_ignore_ascii_case(&d),
            (Key::Tab, KeyCode::Tab) => !ev.modifiers.contains(KeyModifiers::SHIFT),
            (Key::BackTab, KeyCode::BackTab) => true,
            (Key::BackTab, KeyCode::Tab) => ev.modifiers.contains(KeyModifiers::SHIFT),
            (Key::Esc, KeyCode::Esc) => true,
            (Key::Enter, KeyCode::Enter) => true,
            (Key::Up, KeyCode::Up) => true,
            (Key::Down, KeyCode::Down) => true,
            (Key::PageUp, KeyCode::PageUp) => true,
            (Key::PageDown, KeyCode::PageDown) => true,
            (Key::Home, KeyCode::Home) => true,
            (Key::End, KeyCode::End) => true,
            _ => false,
        }
    }

    pub fn label(self) -> String {
        match self {
            Key::F(n) => format!("F{n}"),
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Tab => "Tab".into(),
            Key::BackTab => "Shift-Tab".into(),
            Key::Esc => "Esc".into(),
            Key::Enter => "Enter".into(),
            Key::Up => "Up".into(),
            Key::Down => "Down".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
        }
    }
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    /// `None`: on every screen.
    pub screen: Option<Screen>,
    /// Short hint for the footer; `None` keeps it out of the footer.
    pub hint: Option<&'static str>,
    pub help: &'static str,
}

const fn on(
    screen: Screen,
    keys: &'static [Key],
    action: Action,
    hint: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding { keys, action, screen: Some(screen), hint, help }
}

const fn global(
    keys: &'static [Key],
    action: Action,
    hint: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding { keys, action, screen: None, hint, help }
}

const fn machines(
    keys: &'static [Key],
    action: M,
    hint: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding { keys, action: Action::Machines(action), screen: Some(Screen::Machines), hint, help }
}

pub const BINDINGS: &[Binding] = &[
    global(&[Key::F(1), Key::Char('1')], Action::Show(Screen::Logs), None, "Logs: the systemd journal"),
    global(&[Key::F(2), Key::Char('2')], Action::Show(Screen::Dashboard), None, "Dashboard: host health"),
    global(
        &[Key::F(3), Key::Char('3')],
        Action::Show(Screen::Network),
        None,
        "Network: links, addresses, routes",
    ),
    global(
        &[Key::F(4), Key::Char('4')],
        Action::Show(Screen::Machines),
        None,
        "Machines: libvirt and KubeVirt guests",
    ),
    global(
        &[Key::F(5), Key::Char('5')],
        Action::Show(Screen::System),
        None,
        "System: systemd units and host facts",
    ),
    global(&[Key::Tab], Action::NextScreen, None, "next screen"),
    global(&[Key::BackTab], Action::PrevScreen, None, "previous screen"),
    global(&[Key::Char('?')], Action::ToggleHelp, Some("help"), "show or hide this help"),
    global(&[Key::Esc], Action::CloseOverlay, None, "close the help"),
    global(&[Key::Char('q'), Key::Ctrl('c')], Action::Quit, Some("quit"), "quit (when allowed)"),
    // F1 Logs
    on(
        Screen::Logs,
        &[Key::Char('/')],
        Action::LogSearch,
        Some("search"),
        "search (regex or text); n/N next/previous",
    ),
    on(
        Screen::Logs,
        &[Key::Char('n')],
        Action::LogSearchNext,
        None,
        "next older match (again at the oldest: search the whole journal)",
    ),
    on(Screen::Logs, &[Key::Char('N')], Action::LogSearchPrev, None, "previous search match (newer)"),
    on(
        Screen::Logs,
        &[Key::Char('f')],
        Action::LogTextFilter,
        Some("filter"),
        "show only lines matching a text or regex, or KEY=value journal fields",
    ),
    on(Screen::Logs, &[Key::Char('u')], Action::LogPickUnits, Some("units"), "pick units from those seen"),
    on(
        Screen::Logs,
        &[Key::Char('p')],
        Action::LogPickPriority,
        Some("prio"),
        "pick the most verbose priority shown",
    ),
    on(
        Screen::Logs,
        &[Key::Char('b')],
        Action::LogCycleBoot,
        Some("boot"),
        "every boot / this boot / the previous boot",
    ),
    on(Screen::Logs, &[Key::Char('k')], Action::LogToggleKernel, None, "show or hide kernel messages"),
    on(
        Screen::Logs,
        &[Key::Char('A')],
        Action::LogAuditOnly,
        None,
        "only the actions' audit records (again: all); f with KEY=value (HVTUI_OPERATOR=alice) matches journal fields",
    ),
    on(Screen::Logs, &[Key::Char(' ')], Action::LogTogglePause, Some("pause"), "pause or resume following"),
    on(Screen::Logs, &[Key::Char('w')], Action::LogToggleWrap, None, "wrap or truncate long lines"),
    on(Screen::Logs, &[Key::Up], Action::ScrollUp, None, "scroll up a line"),
    on(Screen::Logs, &[Key::Down], Action::ScrollDown, None, "scroll down a line"),
    on(Screen::Logs, &[Key::PageUp], Action::PageUp, None, "scroll up a page"),
    on(Screen::Logs, &[Key::PageDown], Action::PageDown, None, "scroll down a page"),
    on(Screen::Logs, &[Key::Home, Key::Char('g')], Action::Top, None, "oldest line in the buffer"),
    on(Screen::Logs, &[Key::End, Key::Char('G')], Action::Bottom, None, "newest line, and follow again"),
    on(
        Screen::Dashboard,
        &[Key::Char('s')],
        Action::Dashboard(DashboardAction::NextSort),
        Some("sort"),
        "sort the top consumers by CPU or by memory",
    ),
    net(&[Key::Down, Key::Char('j')], NetAction::Down, Some("scroll"), "scroll the link list down"),
    net(&[Key::Up, Key::Char('k')], NetAction::Up, None, "scroll the link list up"),
    net(&[Key::PageDown], NetAction::PageDown, None, "page down"),
    net(&[Key::PageUp], NetAction::PageUp, None, "page up"),
    net(&[Key::Home, Key::Char('g')], NetAction::Top, None, "first link"),
    net(&[Key::End, Key::Char('G')], NetAction::Bottom, None, "last link"),
    net(
        &[Key::Char('/')],
        NetAction::Filter,
        Some("filter"),
        "filter links by name (Enter keeps, Esc clears)",
    ),
    machines(&[Key::Up, Key::Char('k')], M::Up, None, "select the previous guest"),
    machines(&[Key::Down, Key::Char('j')], M::Down, None, "select the next guest"),
    machines(&[Key::PageUp], M::PageUp, None, "up one page"),
    machines(&[Key::PageDown], M::PageDown, None, "down one page"),
    machines(&[Key::Home, Key::Char('g')], M::Top, None, "first guest"),
    machines(&[Key::End, Key::Char('G')], M::Bottom, None, "last guest"),
    machines(
        &[Key::Char('/')],
        M::Filter,
        Some("filter"),
        "filter by name, source or state (Enter keeps, Esc clears)",
    ),
    machines(&[Key::Char('s')], M::NextSort, Some("sort"), "sort by the next column"),
    machines(&[Key::Char('r')], M::Reverse, None, "reverse the sort order"),
    machines(&[Key::Enter, Key::Char('d')], M::Detail, Some("detail"), "show or hide the detail pane"),
    machines(
        &[Key::Char('a')],
        M::Actions,
        Some("actions"),
        "actions on the selected guest: start, shutdown (reason), reboot (reason), force off (type its name), suspend, resume; KubeVirt: migrate (reason)",
    ),
    machines(
        &[Key::Char('c')],
        M::NodeActions,
        None,
        "cordon (reason) or uncordon the node the selected KubeVirt guest runs on",
    ),
    system(&[Key::Up, Key::Char('k')], S::Up, None, "select the previous unit"),
    system(&[Key::Down, Key::Char('j')], S::Down, None, "select the next unit"),
    system(&[Key::PageUp], S::PageUp, None, "up one page"),
    system(&[Key::PageDown], S::PageDown, None, "down one page"),
    system(&[Key::Home, Key::Char('g')], S::Top, None, "first unit"),
    system(&[Key::End, Key::Char('G')], S::Bottom, None, "last unit"),
    system(&[Key::Char('/')], S::Filter, Some("filter"), "filter units by name (Enter keeps, Esc clears)"),
    system(&[Key::Enter], S::OpenLogs, Some("logs"), "show the selected unit's journal on F1"),
    system(
        &[Key::Char('a')],
        S::Actions,
        Some("actions"),
        "actions on the selected unit ([actions] units): restart (reason), start, stop (reason)",
    ),
];

const fn system(keys: &'static [Key], a: S, hint: Option<&'static str>, help: &'static str) -> Binding {
    Binding { keys, action: Action::System(a), screen: Some(Screen::System), hint, help }
}

const fn net(keys: &'static [Key], a: NetAction, hint: Option<&'static str>, help: &'static str) -> Binding {
    Binding { keys, action: Action::Net(a), screen: Some(Screen::Network), hint, help }
}

/// Bindings that apply on `screen`, global ones first.
pub fn bindings_for(screen: Screen) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.screen.is_none_or(|s| s == screen))
}

/// The action a key press asks for on `screen`, if any. Key releases are ignored.
pub fn action_for(screen: Screen, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let screen_first = bindings_for(screen).filter(|b| b.screen.is_some()).chain(bindings_for(screen));
    screen_first.filter(|b| b.keys.iter().any(|k| k.matches(ev))).map(|b| b.action).next()
}

/// "F1/1"-style label of a binding's keys.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn fkeys_digits_and_tabs() {
        let none = KeyModifiers::NONE;
        assert_eq!(action_for(Screen::Logs, &key(KeyCode::F(3), none)), Some(Action::Show(Screen::Network)));
        assert_eq!(
            action_for(Screen::Logs, &key(KeyCode::Char('4'), none)),
            Some(Action::Show(Screen::Machines))
        );
        assert_eq!(action_for(Screen::Logs, &key(KeyCode::Tab, none)), Some(Action::NextScreen));
        assert_eq!(
            action_for(Screen::Logs, &key(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevScreen)
        );
        assert_eq!(
            action_for(Screen::Logs, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(action_for(Screen::Logs, &key(KeyCode::Char('x'), none)), None);
    }

    #[test]
    fn every_binding_has_help_and_distinct_keys() {
        let mut seen = Vec::new();
        for b in BINDINGS {
            assert!(!b.help.is_empty());
            for k in b.keys {
                assert!(!seen.contains(&(b.screen, *k)), "{k:?} bound twice");
                seen.push((b.screen, *k));
            }
        }
    }
}
