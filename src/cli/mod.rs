//! The command line: the only home of clap and of process concerns (exit codes, files,
//! stdout/stderr, the tracing subscriber).
//!
//! Exit codes (design notes §6): 0 when the command did its work, whatever the simulated
//! deployment's outcome; 2 for bad input or usage, each problem on its own line as
//! `path:line:column: message`; 1 for an internal failure (a panic).
//!
//! Not here: any simulation logic.

mod check;
mod configs;
mod explain;
mod output;
mod run;
mod schema;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cdsim",
    version,
    about = "Simulate AWS CodeDeploy deployments in virtual time"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and print its report.
    Run {
        /// The scenario file (YAML).
        scenario: PathBuf,
        /// Seed of the run (default: the scenario's `seed`, else 1).
        #[arg(long)]
        seed: Option<u64>,
        /// Print the report as JSON instead of a summary.
        #[arg(long)]
        json: bool,
        /// Also write report.json and summary.txt into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// List the predefined deployment configurations.
    Configs {
        #[arg(long)]
        json: bool,
    },
    /// Show what a deployment configuration does for a fleet.
    Explain {
        /// A predefined name, or a create-deployment-config JSON/YAML file.
        config: String,
        /// Number of instances (Server configurations).
        #[arg(long)]
        instances: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Validate a scenario without running it.
    Check { scenario: PathBuf },
    /// Print the JSON Schema of scenario files (for editor completion).
    Schema,
}

/// Usage or input problem: printed to stderr, exit code 2.
pub struct Failure(pub String);

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let result = match cli.command {
        Command::Run {
            scenario,
            seed,
            json,
            out,
        } => run::run(&scenario, seed, json, out.as_deref()),
        Command::Configs { json } => configs::configs(json),
        Command::Explain {
            config,
            instances,
            json,
        } => explain::explain(&config, instances, json),
        Command::Check { scenario } => check::check(&scenario),
        Command::Schema => schema::schema(),
    };
    match result {
        Ok(stdout) => {
            output::print(&stdout);
            ExitCode::SUCCESS
        }
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// `RUST_LOG=cdsim=debug` shows every simulated event with its simulated time.
fn init_tracing() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .with_target(false)
        .init();
}
