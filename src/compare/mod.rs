//! Comparing deployment configurations over many runs (`cdsim compare`, `cdsim recommend`).
//!
//! One run answers little; a comparison runs each configuration `runs` times, each run with
//! faults drawn from the scenario's `faultModel`, and reports distributions. Everything
//! here is a pure function: a run is a function of (scenario, configuration, seed) alone.
//!
//! **Seeds.** Run `i` (0-based) of a comparison with base seed `S` has seed
//! `Streams::new(S).source(Stream::Runs, i).seed_draw()`: the first 64-bit draw of the
//! named stream `Runs`, sub-stream `i`. Every configuration gets the same seed for run `i`,
//! so they meet the same faults and the same script durations (common random numbers). A
//! shard computes a contiguous slice of run indices; records are merged in run order, so
//! the result does not depend on how runs were spread over threads or machines.
//!
//! Not here: threads and progress bars (`cli::sweep`, the edge), rendering (`render`,
//! `charts`, `html`, `files`), writing files.

pub mod alarm_tune;
pub mod charts;
pub mod files;
pub mod html;
pub mod partial_file;
pub mod recommend;
pub mod record;
pub mod render;
pub mod shard;
pub mod summary;

pub use record::RunRecord;
pub use summary::{Comparison, ConfigSummary};

use crate::config::{ConfigRule, DeploymentConfig};
use crate::report;
use crate::rng::{Stream, Streams};
use crate::scenario::blue_green::ShiftTarget;
use crate::scenario::{Scenario, Workload, fault_model};
use crate::simulation::{self, Outcome};

/// The default confidence level of intervals and of `recommend`'s decision.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// The seed of run `index` of a comparison with base seed `base`.
pub fn run_seed(base: u64, index: u64) -> u64 {
    Streams::new(base).source(Stream::Runs, index).seed_draw()
}

/// What to compare: a scenario, its configurations and the runs.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario, with its `faultModel`.
    pub scenario: Scenario,
    /// The configurations compared, each meeting the same runs.
    pub configs: Vec<DeploymentConfig>,
    /// The base seed: run `i` has seed [`run_seed`]`(seed, i)`.
    pub seed: u64,
    /// How many runs.
    pub runs: u64,
}

impl Plan {
    /// Run `index` for every configuration, in configuration order. The faults are drawn
    /// once and shared by all configurations.
    pub fn run(&self, index: u64) -> Vec<RunRecord> {
        let seed = run_seed(self.seed, index);
        let drawn = fault_model::draw(&self.scenario, seed);
        let mut scenario = drawn.scenario;
        self.configs
            .iter()
            .map(|config| {
                with_config(&mut scenario, config);
                record(&scenario, seed, drawn.bad_revision)
            })
            .collect()
    }

    /// The run indices of shard `k` of `n` (1-based): a contiguous slice, the shards in
    /// order covering every run once.
    pub fn shard_range(&self, k: u64, n: u64) -> std::ops::Range<u64> {
        shard_range(self.runs, k, n)
    }
}

/// The run indices of shard `k` of `n` (1-based) of `runs` runs.
pub fn shard_range(runs: u64, k: u64, n: u64) -> std::ops::Range<u64> {
    assert!(n > 0 && (1..=n).contains(&k), "shard {k}/{n}");
    let bound = |j: u64| ((u128::from(runs) * u128::from(j)) / u128::from(n)) as u64;
    bound(k - 1)..bound(k)
}

/// One run's record: in place straight from the outcome, ECS and Lambda from the report
/// (whose availability figures are the record's).
fn record(scenario: &Scenario, seed: u64, bad_revision: bool) -> RunRecord {
    let run = simulation::run(scenario, seed);
    match run.outcome {
        Outcome::InPlace(o) => RunRecord::from_in_place(scenario, seed, &o, bad_revision),
        Outcome::BlueGreen(o) => {
            let report = report::blue_green::build(scenario, seed, &o, run.stats.events);
            RunRecord::from_report(scenario, &report, bad_revision)
        }
        Outcome::Ec2BlueGreen(o) => {
            let report = report::ec2_blue_green::build(scenario, seed, &o, run.stats.events);
            RunRecord::from_report(scenario, &report, bad_revision)
        }
        Outcome::History(h) => {
            let report = report::history::build(scenario, seed, h, run.stats.events);
            RunRecord::from_history_report(scenario, &report)
        }
        Outcome::ShiftHistory(h) => {
            let report = report::shift_history::build(scenario, seed, &h, run.stats.events);
            RunRecord::from_history_report(scenario, &report)
        }
        Outcome::Ec2History(h) => {
            let report = report::ec2_history::build(scenario, seed, &h, run.stats.events);
            RunRecord::from_history_report(scenario, &report)
        }
    }
}

/// Why `config` cannot run in `scenario` (another platform; §2.3: an ECS service behind a
/// Network Load Balancer takes only all-at-once; §2.6: zonal needs zones), if it cannot.
pub fn misfit(scenario: &Scenario, config: &DeploymentConfig) -> Option<String> {
    let platform = scenario.deployment_config.compute_platform;
    if config.compute_platform != platform {
        return Some(format!(
            "{} is {} configuration, and this is {} scenario",
            config.name,
            config.compute_platform.with_article(),
            platform.with_article()
        ));
    }
    match (&scenario.workload, &config.rule) {
        (Workload::BlueGreen(bg), ConfigRule::TrafficRouting(r))
            if matches!(&bg.target, ShiftTarget::Ecs(e) if e.network_load_balancer) && !r.allowed_with_nlb() =>
        {
            Some(format!(
                "{}: a Network Load Balancer allows only all-at-once routing (§2.3)",
                config.name
            ))
        }
        (Workload::InPlace(ip), ConfigRule::MinimumHealthy { zonal: Some(_), .. }) if ip.fleet.zones.is_empty() => {
            Some(format!(
                "{}: a zonal configuration needs fleet.availabilityZones (§2.6)",
                config.name
            ))
        }
        (Workload::Ec2BlueGreen(_), ConfigRule::MinimumHealthy { zonal: Some(_), .. }) => Some(format!(
            "{}: zonal configurations apply to in-place deployments only (§2.6)",
            config.name
        )),
        _ => None,
    }
}

/// Puts `config` in the scenario, where the platform model reads it.
fn with_config(scenario: &mut Scenario, config: &DeploymentConfig) {
    assert_eq!(config.compute_platform, scenario.deployment_config.compute_platform);
    scenario.deployment_config = config.clone();
}

/// Per configuration, its records in run order, from per-run results in run order.
pub fn by_config(per_run: Vec<Vec<RunRecord>>, configs: usize) -> Vec<Vec<RunRecord>> {
    let mut out: Vec<Vec<RunRecord>> = (0..configs).map(|_| Vec::with_capacity(per_run.len())).collect();
    for run in per_run {
        assert_eq!(run.len(), configs, "one record per configuration");
        for (c, r) in run.into_iter().enumerate() {
            out[c].push(r);
        }
    }
    out
}
