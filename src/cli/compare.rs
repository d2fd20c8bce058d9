//! `cdsim compare`, `cdsim merge` and `cdsim recommend`: many runs of several
//! configurations, their statistics, shard files and the recommendation.
//!
//! Not here: the statistics (`compare`), the threads (`sweep`).

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, duration_seconds, output, sweep, whole_number};
use crate::chart::DrawError;
use crate::compare::partial_file;
use crate::compare::recommend::{self, Constraints};
use crate::compare::shard::{self, Partial};
use crate::compare::{self, Comparison, Plan, by_config, render};
use crate::config::{DeploymentConfig, predefined};
use crate::scenario::Scenario;
use crate::scenario::validate::{closest, load_config_str};

/// What every many-run command takes.
#[derive(clap::Args, Clone, Debug)]
pub struct SweepArgs {
    /// Runs per configuration.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true, value_parser = whole_number::<u64>)]
    pub runs: u64,
    /// Base seed; run i's seed derives from it (default: the scenario's `seed`).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_number::<u64>)]
    pub seed: Option<u64>,
    /// Threads to run on, 1 to 256 (default: one per core). Results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = whole_number::<usize>)]
    pub threads: Option<usize>,
    /// Confidence level of the intervals and of recommend's decision.
    #[arg(long, default_value_t = compare::DEFAULT_CONFIDENCE, allow_negative_numbers = true)]
    pub confidence: f64,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl SweepArgs {
    fn check(&self) -> Result<(), Failure> {
        if !(1..=partial_file::MAX_RUNS).contains(&self.runs) {
            return Err(Failure(format!(
                "--runs must be 1 to {} (the runs' records are kept for the statistics), found {}",
                partial_file::MAX_RUNS,
                self.runs
            )));
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(Failure(format!(
                "--confidence must be between 0 and 1, found {}",
                self.confidence
            )));
        }
        if let Some(t) = self.threads.filter(|t| !(1..=sweep::MAX_THREADS).contains(t)) {
            return Err(Failure(format!(
                "--threads must be 1 to {}, found {t} (the default is one per core; results do not depend on it)",
                sweep::MAX_THREADS
            )));
        }
        Ok(())
    }
}

fn load(file: &Path) -> Result<Scenario, Failure> {
    let loaded = import::load(&[file.to_path_buf()], &ImportArgs::default(), false)?;
    eprint!("{}", loaded.warnings);
    Ok(loaded.scenario)
}

/// A `--config` value: one of the scenario's candidates by name, a predefined name, or a
/// file in the shape of create-deployment-config.
fn config(scenario: &Scenario, value: &str) -> Result<DeploymentConfig, Failure> {
    let found = scenario
        .candidates
        .iter()
        .find(|c| c.name == value)
        .cloned()
        .or_else(|| predefined::find(value));
    let config = match found {
        Some(c) => c,
        None => {
            let path = Path::new(value);
            if !path.is_file() {
                let mut names: Vec<&str> = scenario.candidates.iter().map(|c| c.name.as_str()).collect();
                for n in predefined::names_for(scenario.deployment_config.compute_platform) {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                let hint = closest(value, &names).map(|h| format!(" (did you mean {h}?)"));
                return Err(Failure(format!(
                    "--config {value}: not a candidate of the scenario, a predefined configuration (`cdsim configs`), \
                     or a file{}",
                    hint.unwrap_or_default()
                )));
            }
            let text = output::read_text(path, output::MAX_INPUT_BYTES)?;
            load_config_str(&text, value).map_err(|p| Failure(p.to_string()))?
        }
    };
    if let Some(why) = compare::misfit(scenario, &config) {
        return Err(Failure(format!("--config {value}: {why}")));
    }
    Ok(config)
}

/// `K/N` with 1 ≤ K ≤ N.
fn parse_shard(s: &str) -> Result<(u64, u64), Failure> {
    let bad = || Failure(format!("--shard must be K/N with 1 ≤ K ≤ N, found \"{s}\""));
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || k == 0 || k > n {
        return Err(bad());
    }
    if n > partial_file::MAX_RUNS {
        return Err(Failure(format!(
            "--shard: at most {} shards (the most runs), found {n}",
            partial_file::MAX_RUNS
        )));
    }
    Ok((k, n))
}

fn plan(scenario: Scenario, configs: Vec<DeploymentConfig>, args: &SweepArgs) -> Plan {
    Plan {
        seed: args.seed.unwrap_or(scenario.seed),
        runs: args.runs,
        scenario,
        configs,
    }
}

fn names(plan: &Plan) -> Vec<String> {
    plan.configs.iter().map(|c| c.name.clone()).collect()
}

pub fn compare(
    file: &Path,
    configs: &[String],
    args: &SweepArgs,
    shard: Option<&str>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<String, Failure> {
    args.check()?;
    let shard = shard.map(parse_shard).transpose()?;
    let scenario = load(file)?;
    let chosen: Vec<DeploymentConfig> = if configs.is_empty() {
        scenario.candidates.clone()
    } else {
        configs.iter().map(|c| config(&scenario, c)).collect::<Result<_, _>>()?
    };
    if chosen.is_empty() {
        return Err(Failure(format!(
            "{}: nothing to compare: give --config NAME (repeatable) or list candidateConfigs in the scenario",
            file.display()
        )));
    }
    for (i, c) in chosen.iter().enumerate() {
        if chosen[..i].iter().any(|o| o.name == c.name) {
            return Err(Failure(format!("--config {} is given twice", c.name)));
        }
    }
    let plan = plan(scenario, chosen, args);
    let (k, n) = shard.unwrap_or((1, 1));
    let range = plan.shard_range(k, n);
    let per_run = sweep::run(&plan, range.clone(), args.threads, args.quiet)?;
    let records = by_config(per_run, plan.configs.len());
    if shard.is_some() {
        let partial = Partial {
            format: shard::FORMAT.to_string(),
            cdsim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: plan.scenario.name.clone(),
            scenario_digest: shard::digest(&format!("{:?}", plan.scenario)),
            configs: names(&plan),
            seed: plan.seed,
            runs: plan.runs,
            confidence: args.confidence,
            shard: k,
            shard_count: n,
            first_run: range.start,
            records,
            history_requests: history_requests(&plan),
        };
        let text = serde_json::to_string(&partial).map_err(internal)? + "\n";
        return Ok(match out {
            Some(dir) => {
                let name = format!("partial-{k}-of-{n}.json");
                output::write_atomic(dir, &name, text.as_bytes())?;
                format!("{}\n", dir.join(name).display())
            }
            None => text,
        });
    }
    let comparison = Comparison::new(&plan.scenario.name, plan.seed, args.confidence, &names(&plan), &records)
        .of_history(history_requests(&plan));
    write_comparison(&comparison, as_json, out)
}

/// The requests of the plan's history, when its scenario is one.
fn history_requests(plan: &Plan) -> Option<u64> {
    plan.scenario.history.as_ref().map(|h| h.requests.len() as u64)
}

fn internal(e: serde_json::Error) -> Failure {
    panic!("serialising a result cannot fail: {e}")
}

fn write_comparison(c: &Comparison, as_json: bool, out: Option<&Path>) -> Result<String, Failure> {
    let json = serde_json::to_string_pretty(c).map_err(internal)? + "\n";
    if let Some(dir) = out {
        output::write_files(dir, with_first("compare.json", &json, compare::files::compare(c)))?;
    }
    Ok(if as_json { json } else { render::text(c) })
}

/// The JSON file `name` first, then the other files of a set (written together).
fn with_first(name: &str, json: &str, files: Result<Files, DrawError>) -> Result<Files, DrawError> {
    files.map(|mut f| {
        f.insert(0, (name.to_string(), json.as_bytes().to_vec()));
        f
    })
}

type Files = Vec<(String, Vec<u8>)>;

pub fn merge(files: &[PathBuf], as_json: bool, out: Option<&Path>) -> Result<String, Failure> {
    let mut parts = Vec::new();
    for f in files {
        let shown = f.display().to_string();
        let bytes = output::read_limited(f, output::MAX_PARTIAL_BYTES)?;
        parts.push(partial_file::read(&bytes, &shown).map_err(|p| Failure(p.to_string()))?);
    }
    let comparison = shard::merge(parts).map_err(|p| Failure(p.to_string()))?;
    write_comparison(&comparison, as_json, out)
}

/// `recommend`'s constraints from the command line.
#[derive(clap::Args, Clone, Debug)]
pub struct ConstraintArgs {
    /// Most production requests in a run that failed because of the new revision, beyond the
    /// original's error rate (ECS, Lambda); baseline failures do not count.
    #[arg(long, allow_negative_numbers = true, value_parser = whole_number::<u64>)]
    pub max_failed_requests: Option<u64>,
    /// Most production requests a bad revision served in a run (ECS, Lambda).
    #[arg(long, allow_negative_numbers = true, value_parser = whole_number::<u64>)]
    pub max_exposed_requests: Option<u64>,
    /// Least capacity in service during a run, in percent of the fleet (Server).
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    pub min_capacity: Option<f64>,
    /// Longest deployment: seconds, or a duration such as 30m, 20 minutes or 1h 30m.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = duration_seconds)]
    pub max_duration: Option<f64>,
    /// Least success rate (0–1), checked against the lower end of its interval.
    #[arg(long, allow_negative_numbers = true)]
    pub min_success_rate: Option<f64>,
    /// Share of runs in which each per-run constraint must hold.
    #[arg(long, default_value_t = 0.95, allow_negative_numbers = true)]
    pub quantile: f64,
}

impl ConstraintArgs {
    fn constraints(&self) -> Result<Constraints, Failure> {
        let max_duration_seconds = self.max_duration;
        if !(self.quantile > 0.0 && self.quantile < 1.0) {
            return Err(Failure(format!(
                "--quantile must be between 0 and 1, found {}",
                self.quantile
            )));
        }
        if self.min_success_rate.is_some_and(|r| !(0.0..=1.0).contains(&r)) {
            return Err(Failure("--min-success-rate must be between 0 and 1".to_string()));
        }
        if self.min_capacity.is_some_and(|c| !(0.0..=100.0).contains(&c)) {
            return Err(Failure("--min-capacity must be a percentage from 0 to 100".to_string()));
        }
        Ok(Constraints {
            max_failed_requests: self.max_failed_requests,
            max_exposed_requests: self.max_exposed_requests,
            min_capacity_percent: self.min_capacity,
            max_duration_seconds,
            min_success_rate: self.min_success_rate,
            quantile: self.quantile,
        })
    }
}

pub fn recommend(
    file: &Path,
    args: &SweepArgs,
    constraints: &ConstraintArgs,
    as_json: bool,
    out: Option<&Path>,
) -> Result<String, Failure> {
    args.check()?;
    let constraints = constraints.constraints()?;
    let scenario = load(file)?;
    let grid = recommend::grid(&scenario);
    let plan = plan(scenario, grid, args);
    let per_run = sweep::run(&plan, 0..plan.runs, args.threads, args.quiet)?;
    let records = by_config(per_run, plan.configs.len());
    let comparison = Comparison::new(&plan.scenario.name, plan.seed, args.confidence, &names(&plan), &records)
        .of_history(history_requests(&plan));
    let answer = recommend::decide(&comparison, &records, &constraints)
        .map_err(|e| Failure(format!("{}: {e}", file.display())))?;
    let json = serde_json::to_string_pretty(&answer).map_err(internal)? + "\n";
    if let Some(dir) = out {
        let files = compare::files::recommend(&answer, &comparison, &constraints);
        output::write_files(dir, with_first("recommend.json", &json, files))?;
    }
    Ok(if as_json {
        json
    } else {
        recommend::render(&answer, false)
    })
}
