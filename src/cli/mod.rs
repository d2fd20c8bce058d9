//! The command line: the only home of clap and of process concerns (exit codes, files,
//! stdout/stderr, the tracing subscriber).
//!
//! Exit codes (design notes §6): 0 when the command did its work, whatever the simulated
//! deployment's outcome; 2 for bad input or usage, each problem on its own line as
//! `path:line:column: message`; 1 for an internal failure (a panic).
//!
//! Not here: any simulation logic.

mod alarms;
mod budget;
mod check;
mod compare;
mod configs;
mod explain;
mod gallery;
mod import;
mod interrupt;
mod memory;
mod output;
mod run;
mod schema;
mod serve;
mod stream;
mod sweep;

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
    /// The output format, as the AWS CLI means it, for every command: `json` prints what
    /// `--json` prints (`check`, `gallery`, `replay` and `import --out` a JSON result too),
    /// `text` the summary (the default). Files are written by `--out DIR`.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    output: Option<OutputFormat>,
}

/// `--output`'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Json,
    Text,
}

/// A flag's whole number, with a plain message for a negative or malformed one (clap's own
/// would read `-3` as a flag and suggest `-- -3`; the flags take it as a value).
pub(crate) fn whole_number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    let t = text.trim();
    if t.starts_with('-') && t.len() > 1 {
        return Err(format!("must be 0 or more, found {t}"));
    }
    t.parse()
        .map_err(|_| format!("must be a whole number such as 3, found {t}"))
}

/// A flag's duration in seconds, by the one duration grammar of scenario files
/// (`scenario::text::parse_duration_text`): `90`, `90s`, `20 minutes`, `1h 30m`; a negative
/// one gets a plain message.
pub(crate) fn duration_seconds(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.starts_with('-') && t.len() > 1 {
        return Err(format!("must be 0 or more, found {t}"));
    }
    crate::scenario::text::parse_duration_text(t)
        .filter(|s| s.is_finite())
        .ok_or_else(|| format!("must be a duration such as 90, 90s, 30m, 20 minutes or 1h 30m, found {t}"))
}

/// A flag's duration in whole seconds (`600`, `10m`), by the same grammar.
pub(crate) fn whole_seconds(text: &str) -> Result<u64, String> {
    let s = duration_seconds(text)?;
    if s.fract() != 0.0 || s > 1e15 {
        return Err(format!(
            "must be whole seconds such as 600 or 10m, found {}",
            text.trim()
        ));
    }
    Ok(s as u64)
}

/// A JSON result as printed: pretty, with a final newline.
pub(crate) fn json_line(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("JSON values serialize");
    s.push('\n');
    s
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario (or AWS files) and print its report.
    Run {
        /// The scenario file (YAML), or AWS files (AppSpec, SAM or CloudFormation template,
        /// AWS CLI JSON) combined into one scenario.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        import: import::ImportArgs,
        /// Seed of the run (default: the scenario's `seed`, else 1).
        #[arg(long, allow_negative_numbers = true, value_parser = whole_number::<u64>)]
        seed: Option<u64>,
        /// Print the report as JSON instead of a summary.
        #[arg(long)]
        json: bool,
        /// Print every simulated event in time order, in words, before the summary
        /// (a large fleet's targets in aggregate).
        #[arg(long, conflicts_with = "json")]
        events: bool,
        /// Also write report.json, summary.md, report.html, timeseries.csv and the charts
        /// (SVG and PNG) into this directory.
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
        /// A predefined name, or a file: a cdsim scenario, or one that defines a configuration
        /// (create-deployment-config or get-deployment-config JSON, an AppSpec, a CloudFormation
        /// or SAM template), as `run` reads them.
        config: String,
        /// Template parameter values (KEY=VALUE), over their defaults.
        #[arg(long = "parameter", value_name = "KEY=VALUE")]
        parameters: Vec<String>,
        /// Number of instances (Server configurations) [default: what the file states].
        #[arg(long, allow_negative_numbers = true, value_parser = whole_number::<u32>)]
        instances: Option<u32>,
        #[arg(long)]
        json: bool,
        /// Also draw the schedule (traffic steps, or waves for --instances) into this file:
        /// FILE.svg or FILE.png.
        #[arg(long, value_name = "FILE")]
        plot: Option<PathBuf>,
    },
    /// Validate a scenario, or AWS files, without running it.
    Check {
        /// The scenario file, or AWS files combined into one scenario.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        import: import::ImportArgs,
    },
    /// Write a scenario from AWS files (AppSpec, SAM, CloudFormation, AWS CLI JSON).
    ///
    /// The files combine into one deployment; what they do not say comes from documented
    /// defaults, marked in the scenario (scenarios/README.md, "Importing AWS files").
    Import {
        /// AppSpec files, SAM or CloudFormation templates, AWS CLI JSON.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Write the scenario to this file (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        import: import::ImportArgs,
    },
    /// Print the JSON Schema of scenario files (for editor completion).
    Schema,
    /// Regenerate the gallery: every report file of every example scenario, the compare and
    /// recommend outputs of the comparison examples, and a schedule plot per predefined
    /// configuration (see reports/README.md).
    Gallery {
        /// The gallery directory (`reports`): one folder per scenario, and `configs/`.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Where the example scenarios are.
        #[arg(long, value_name = "DIR", default_value = "scenarios")]
        scenarios: PathBuf,
    },
    /// Run configurations many times with faults drawn from the scenario's faultModel, and
    /// compare their distributions.
    Compare {
        /// The scenario file.
        file: PathBuf,
        /// A configuration to compare (repeatable): a candidate of the scenario, a predefined
        /// name or a create-deployment-config file. Default: the scenario's candidateConfigs.
        #[arg(long = "config", value_name = "CONFIG")]
        configs: Vec<String>,
        #[command(flatten)]
        sweep: compare::SweepArgs,
        /// Run only slice K of N of the runs and write a partial result for `cdsim merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
        /// Also write compare.json, compare.md, summary.txt, compare.html and the charts
        /// (with --shard: partial-K-of-N.json) into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Combine the partial results of `cdsim compare --shard` into the full comparison.
    Merge {
        /// The partial results (`partial-K-of-N.json`), in any order.
        #[arg(required = true, value_name = "PARTIAL")]
        files: Vec<PathBuf>,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
        /// Also write compare.json, compare.md, summary.txt, compare.html and the charts
        /// into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// CloudWatch alarms on recorded metrics: replay them, dry-run them against a
    /// deployment, tune them on labelled deployments.
    #[command(subcommand)]
    Alarms(alarms::AlarmsCommand),
    /// Name the fastest configuration that meets constraints, with the evidence.
    Recommend {
        /// The scenario file.
        file: PathBuf,
        #[command(flatten)]
        sweep: compare::SweepArgs,
        #[command(flatten)]
        constraints: compare::ConstraintArgs,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
        /// Also write recommend.json, recommend.md, summary.txt, recommend.html and the
        /// charts of the comparison into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Serve CodeDeploy's API on a local port: AWS clients create and watch deployments
    /// that run by cdsim's rules in scaled time; `GET /` shows them live.
    Serve {
        /// Address to listen on. Loopback by default: anything else exposes an endpoint
        /// that checks no credentials.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Simulated seconds per wall-clock second, or `max`: jump ahead whenever nothing
        /// waits for a client.
        #[arg(long, default_value = "60")]
        speed: String,
        /// Seed of the first deployment (deployment n uses seed + n − 1).
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = whole_number::<u64>)]
        seed: u64,
        /// Scenario files: each pre-creates an application and a deployment group named
        /// after the scenario, deploying to its fleet with its hooks and faults.
        #[arg(long = "scenario", value_name = "FILE")]
        scenarios: Vec<PathBuf>,
        /// Log every request with the simulated instant it took effect, and its response.
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
    },
    /// Replay a `cdsim serve --record` file and check every response byte for byte.
    Replay { file: PathBuf },
}

/// Usage or input problem: printed to stderr, exit code 2.
pub struct Failure(pub String);

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let as_json = cli.output == Some(OutputFormat::Json);
    if !matches!(cli.command, Command::Serve { .. }) {
        interrupt::install();
    }
    let result = match cli.command {
        Command::Run {
            files,
            import,
            seed,
            json,
            events,
            out,
        } => run_command(&files, &import, seed, (json || as_json, events), out.as_deref()),
        Command::Configs { json } => configs::configs(json || as_json),
        Command::Explain {
            config,
            parameters,
            instances,
            json,
            plot,
        } => explain::explain(&config, &parameters, instances, json || as_json, plot.as_deref()),
        Command::Check { files, import } => check::check(&files, &import, as_json),
        Command::Import { files, out, import } => import::import(&files, &import, out.as_deref(), as_json),
        Command::Schema => schema::schema(),
        Command::Gallery { dir, scenarios } => gallery::gallery(&dir, &scenarios, as_json),
        Command::Compare {
            file,
            configs,
            sweep,
            shard,
            json,
            out,
        } => compare::compare(
            &file,
            &configs,
            &sweep,
            shard.as_deref(),
            json || as_json,
            out.as_deref(),
        ),
        Command::Merge { files, json, out } => compare::merge(&files, json || as_json, out.as_deref()),
        Command::Recommend {
            file,
            sweep,
            constraints,
            json,
            out,
        } => compare::recommend(&file, &sweep, &constraints, json || as_json, out.as_deref()),
        Command::Alarms(command) => alarms::alarms(command, as_json),
        Command::Serve {
            listen,
            speed,
            seed,
            scenarios,
            record,
        } => serve::serve(listen, &speed, seed, &scenarios, record),
        Command::Replay { file } => serve::replay(&file, as_json),
    };
    match result {
        Ok(stdout) => match output::print(&stdout) {
            output::Printed::Done | output::Printed::PipeClosed => ExitCode::SUCCESS,
            output::Printed::Failed(e) => {
                eprintln!("cdsim: cannot write to standard output: {e}");
                ExitCode::from(1)
            }
        },
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// `cdsim run`: the JSON, the event log or the summary.
fn run_command(
    files: &[PathBuf],
    import: &import::ImportArgs,
    seed: Option<u64>,
    (json, events): (bool, bool),
    out: Option<&std::path::Path>,
) -> Result<String, Failure> {
    let print = match (json, events) {
        (true, true) => {
            return Err(Failure(
                "--events prints text: leave out --json or --output json (the JSON has every event's time)".into(),
            ));
        }
        (true, false) => run::Print::Json,
        (false, true) => run::Print::Events,
        (false, false) => run::Print::Summary,
    };
    run::run(files, import, seed, print, out)
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
