use clap::Parser;
use rondo_server::config::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let (config, demo) = match cli.command {
        Command::Serve(config) => (config, false),
        Command::Demo(config) => (config, true),
        Command::Compact(args) => return compact(&args.db),
        Command::Backup(args) => return backup(&args.db, &args.to),
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("rondo: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(rondo_server::run(config, demo)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rondo: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One core (as under `taskset -c 0`): the single-threaded scheduler, with
/// no work stealing to pay for; more cores: a worker each.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Runtime::new()
    }
}

fn compact(db: &std::path::Path) -> ExitCode {
    match rondo_server::compact::compact(db) {
        Ok(done) => {
            println!(
                "compacted: {} log rows kept of {}",
                done.rows_after, done.rows_before
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rondo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn backup(db: &std::path::Path, to: &std::path::Path) -> ExitCode {
    match rondo_server::backup::backup(db, to) {
        Ok(bytes) => {
            println!("backed up: {} ({bytes} bytes)", to.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rondo: {e}");
            ExitCode::FAILURE
        }
    }
}
