//! The real terminal: init, restore (guard, panic hook, signals), input stream.
//! Nothing else in the program touches the terminal.

use crate::app::App;
use crate::collectors;
use crate::collectors::journal::reader;
use crate::config::Config;
use crate::event::Event;
use crate::ui::theme::Theme;
use crossterm::event::{Event as CtEvent, EventStream};
use crossterm::{cursor, execute, terminal};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc;

pub mod demo;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The Linux VT has no alternate screen: draw on the main one and clear it on exit.
fn use_alternate_screen() -> bool {
    std::env::var("TERM").map(|t| t != "linux").unwrap_or(true)
}

/// Puts the terminal back as it was; safe to call more than once, from any path.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    if use_alternate_screen() {
        let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
    } else {
        let _ = execute!(out, terminal::Clear(terminal::ClearType::All), cursor::MoveTo(0, 0), cursor::Show);
    }
    let _ = out.flush();
}

/// Restores the terminal when dropped (normal exit and unwinding).
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode, the alternate screen (not on the Linux VT), a hidden cursor, a clear screen.
fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    if use_alternate_screen() {
        execute!(out, terminal::EnterAlternateScreen)?;
    }
    execute!(out, cursor::Hide, terminal::Clear(terminal::ClearType::All))
}

fn init() -> io::Result<(Terminal<CrosstermBackend<Stdout>>, Guard)> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    let guard = Guard;
    enter()?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((terminal, guard))
}

/// Ctrl-Z under a job-control shell: give the terminal back as it was, stop, and when the
/// shell continues us (`fg`), take it again; the caller redraws everything.
fn suspend() -> Event {
    restore();
    // SAFETY: raise only sends a signal to this process; SIGSTOP cannot be caught, so this
    // returns once SIGCONT arrives.
    unsafe { libc::raise(libc::SIGSTOP) };
    match enter() {
        Ok(()) => Event::Redraw,
        // The terminal is gone while we were stopped: end as on a hang-up.
        Err(_) => Event::Terminate,
    }
}

/// Keys and resizes from the terminal; SIGTERM/SIGHUP/SIGINT/SIGQUIT as `Terminate`;
/// SIGTSTP suspends (the terminal restored while stopped) and redraws on continue.
fn input() -> io::Result<impl Stream<Item = Event> + Unpin> {
    use tokio::signal::unix::{SignalKind, signal};
    let keys = EventStream::new().filter_map(|ev| async move {
        match ev {
            Ok(CtEvent::Key(k)) => Some(Event::Key(k)),
            Ok(CtEvent::Resize(w, h)) => Some(Event::Resize(w, h)),
            Ok(_) => None,
            // The terminal is gone (hang-up): end.
            Err(_) => Some(Event::Terminate),
        }
    });
    let on = |kind: SignalKind, what: fn() -> Event| -> io::Result<_> {
        let s = signal(kind)?;
        Ok(futures::stream::unfold(s, move |mut s| async move { s.recv().await.map(|_| (what(), s)) })
            .boxed())
    };
    let end = || Event::Terminate;
    let signals = futures::stream::select_all([
        on(SignalKind::terminate(), end)?,
        on(SignalKind::hangup(), end)?,
        on(SignalKind::interrupt(), end)?,
        on(SignalKind::quit(), end)?,
        on(SignalKind::from_raw(libc::SIGTSTP), suspend)?,
    ]);
    Ok(futures::stream::select(keys.boxed(), signals))
}

/// The interactive console on the real terminal.
pub async fn run(config: &Config) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel(collectors::CHANNEL_CAPACITY);
    let action_updates = tx.clone();
    let (show, shown) = crate::event::Shown::channel(crate::event::Screen::default());
    let journal = collectors::spawn_all(config, tx, shown);
    console(config, rx, Some(journal), Some(action_updates), show).await
}

/// The console on the real terminal, fed by `rx` (from collectors already started).
async fn console(
    config: &Config,
    rx: mpsc::Receiver<crate::event::Update>,
    journal: Option<collectors::journal::live::JournalHandle>,
    // Where actiond's answers go; `None` in the demo (made-up guests are never acted on).
    action_updates: Option<mpsc::Sender<crate::event::Update>>,
    show: crate::event::ShowSender,
) -> anyhow::Result<()> {
    let demo = action_updates.is_none();
    let theme = Theme::from_env(config.glyphs);
    let input = input()?;
    let (mut terminal, _guard) = init()?;
    let mut app = App::new(theme, config.allow_quit);
    app.journal = journal;
    app.shown = Some(show);
    app.model.demo = demo;
    app.boot_id = reader::current_boot_id(&collectors::proc_root());
    app.view.logs.filter = reader::Filter::from_config(&config.journal);
    app.view.size = terminal::size().unwrap_or((80, 24));
    if std::env::var_os("HYPERVISOR_TUI_TEST_PANIC").is_some() {
        // Lets the end-to-end test prove that a panic restores the terminal.
        app.draw(&mut terminal)?;
        panic!("panic requested by HYPERVISOR_TUI_TEST_PANIC");
    }
    app.model.network.management_urls = config.network.management_urls.clone();
    app.model.thresholds = config.alerts.clone();
    // SSH sessions stay read-only (actiond refuses them too).
    let over_ssh = ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"].iter().any(|v| std::env::var_os(v).is_some());
    app.view.actions.enabled = config.actions.enabled && !over_ssh && !demo;
    if let Some(updates) = action_updates.filter(|_| app.view.actions.enabled) {
        app.actions = Some(crate::app::ActionsLink {
            socket: config.actions.socket.clone(),
            channel: channel_name(),
            allow: config.actions.allow.clone(),
            units: config.actions.units.clone(),
            updates,
            token: None,
        });
    }
    app.model.freshness.refresh_s = config.refresh_interval;
    if let Some(s) = &app.shown {
        s.set(app.view.screen);
    }
    app.run(&mut terminal, input, rx).await?;
    // After a hang-up (TTYVHangup, a dropped SSH connection) the terminal is gone: ratatui's
    // Drop would try to show the cursor again and print the failure into the journal.
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    Ok(())
}

/// This console's terminal as the audit record names it: `tty1`, `ttyS0`, `pts-3`.
fn channel_name() -> String {
    let mut buf = [0 as libc::c_char; 64];
    // SAFETY: buf is writable for its length; ttyname_r NUL-terminates on success.
    let rc = unsafe { libc::ttyname_r(0, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return "console".into();
    }
    // SAFETY: NUL-terminated by ttyname_r.
    let path = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned();
    let name = path.trim_start_matches("/dev/").replace('/', "-");
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(16).collect();
    if name.is_empty() { "console".into() } else { name }
}
