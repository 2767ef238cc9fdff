//! cli → config → the interactive console or a one-shot command.

use clap::Parser;
use hypervisor_tui::cli::{self, Cli, Command};
use hypervisor_tui::config::{self, Config};
use hypervisor_tui::{collectors, commands, tui};
use std::io::IsTerminal;
use std::path::PathBuf;

fn main() {
    let cli = Cli::parse();
    let (path, explicit) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => (PathBuf::from(config::DEFAULT_PATH), false),
    };
    let config = match Config::load(&path, explicit) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hypervisor-tui: configuration error: {e}");
            std::process::exit(2);
        }
    };
    // Validated with the config: every time on screen and in `logs` is in this zone.
    hypervisor_tui::timefmt::set_zone(
        hypervisor_tui::timefmt::zone_named(&config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
    );
    let command = if cli.forced_command {
        match cli::forced_command_env(std::env::var("SSH_ORIGINAL_COMMAND")) {
            Ok(c) => c,
            Err(why) => {
                eprintln!("hypervisor-tui: {why}");
                std::process::exit(2);
            }
        }
    } else {
        cli.command
    };
    // `logs` is synchronous (the journal reader, inotify, stdout): no runtime to start.
    if let Some(Command::Logs(args)) = &command {
        let code = std::panic::catch_unwind(|| commands::logs::run(args, &config)).unwrap_or(101);
        exit_now(code);
    }
    collectors::libvirt::silence_default_errors();
    if let Some(Command::Actiond(args)) = &command {
        // Blocking and threaded on its own: no runtime.
        exit_now(hypervisor_tui::actiond::run(&config, args));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hypervisor-tui: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    // A panic has already restored the terminal and printed itself (tui's hook): 101, as Rust.
    let demo = cli.demo && !cli.forced_command;
    let run = std::panic::AssertUnwindSafe(|| runtime.block_on(dispatch(command, &config, demo)));
    let code = std::panic::catch_unwind(run).unwrap_or(101);
    exit_now(code);
}

/// Ends the process without running C libraries' exit handlers: libvirt's event loop and
/// worker threads are still inside libvirt, and tearing its globals down under them can
/// abort (seen as SIGABRT at quit under load). The terminal is already restored.
fn exit_now(code: u8) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: _exit only ends the process; everything worth keeping is flushed above.
    unsafe { libc::_exit(i32::from(code)) }
}

async fn dispatch(command: Option<Command>, config: &Config, demo: bool) -> u8 {
    match command {
        Some(_) if demo => {
            eprintln!("hypervisor-tui: --demo runs the console; it takes no command");
            2
        }
        None if demo && (!std::io::stdout().is_terminal() || !std::io::stdin().is_terminal()) => {
            eprintln!("hypervisor-tui: --demo needs a terminal");
            2
        }
        None if demo => match tui::demo::run(config).await {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("hypervisor-tui: demo: {e:#}");
                1
            }
        },
        Some(Command::Snapshot { json, timeout }) => {
            print_snapshot(config, json, std::time::Duration::from_secs(timeout)).await
        }
        Some(Command::Check) => commands::check(config).await,
        Some(Command::Actiond(_)) => 2,
        Some(Command::Logs(args)) => commands::logs::run(&args, config),
        None if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() => {
            // No terminal (e.g. `ssh host` without a pty): a text snapshot instead.
            print_snapshot(config, false, commands::SNAPSHOT_TIMEOUT).await
        }
        None => match tui::run(config).await {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("hypervisor-tui: {e:#}");
                1
            }
        },
    }
}

async fn print_snapshot(config: &Config, json: bool, timeout: std::time::Duration) -> u8 {
    let snap = commands::snapshot::take(config, timeout).await;
    if json {
        println!("{}", serde_json::to_string_pretty(&snap.to_json()).unwrap_or_default());
    } else {
        print!("{}", snap.to_text());
    }
    if snap.host.is_some() { 0 } else { 1 }
}
