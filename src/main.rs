//! cli → config → the interactive console or a one-shot command.

use clap::Parser;
use hypervisor_tui::cli::{self, Cli, Command};
use hypervisor_tui::config::{self, Config};
use hypervisor_tui::{collectors, commands, tui};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (path, explicit) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => (PathBuf::from(config::DEFAULT_PATH), false),
    };
    let config = match Config::load(&path, explicit) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hypervisor-tui: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let command = if cli.forced_command {
        match cli::forced_command(std::env::var("SSH_ORIGINAL_COMMAND").ok().as_deref()) {
            Ok(c) => c,
            Err(why) => {
                eprintln!("hypervisor-tui: {why}");
                return ExitCode::from(2);
            }
        }
    } else {
        cli.command
    };
    collectors::libvirt::silence_default_errors();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hypervisor-tui: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(dispatch(command, &config));
    // Collectors may be blocked in libvirt or netlink calls: do not wait for them.
    runtime.shutdown_background();
    code
}

async fn dispatch(command: Option<Command>, config: &Config) -> ExitCode {
    match command {
        Some(Command::Snapshot { json }) => print_snapshot(config, json).await,
        Some(Command::Check) => commands::check(config).await,
        Some(Command::Logs(args)) => {
            let config = config.clone();
            tokio::task::spawn_blocking(move || commands::logs::run(&args, &config))
                .await
                .unwrap_or(ExitCode::from(1))
        }
        None if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() => {
            // No terminal (e.g. `ssh host` without a pty): a text snapshot instead.
            print_snapshot(config, false).await
        }
        None => match tui::run(config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hypervisor-tui: {e:#}");
                ExitCode::from(1)
            }
        },
    }
}

async fn print_snapshot(config: &Config, json: bool) -> ExitCode {
    let snap = commands::snapshot::take(config).await;
    if json {
        println!("{}", serde_json::to_string_pretty(&snap.to_json()).unwrap_or_default());
    } else {
        print!("{}", snap.to_text());
    }
    if snap.host.is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
