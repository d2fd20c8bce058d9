//! One point of the SimPy peer's workload W1 (see `benches/support/w1_scenario.rs`).
//!
//! ```sh
//! cargo run --release --example w1 -- N CONFIG [SEED ...] [--report]
//! cargo run --release --example w1 -- N CONFIG --yaml > w1.yaml
//! ```
//!
//! CONFIG is `OneAtATime`, `HalfAtATime` or `AllAtOnce`; SEED defaults to 42. For each seed
//! it runs the deployment (`cdsim::simulation::run`; with `--report`, `simulate`, which also
//! builds the report) and prints one JSON line: the simulated end time, the events the
//! engine delivered, the status, the capacity figures the peer also prints, and the wall
//! time of the run. `benches/README.md` measures its peak memory with `/usr/bin/time -v`.
//! With `--yaml` it prints the scenario instead, for timing `cdsim run` and `cdsim compare`
//! on it as whole processes.

#[path = "../benches/support/w1_scenario.rs"]
mod w1_scenario;

use std::process::ExitCode;
use std::time::Instant;

use cdsim::simulation::{self, Outcome};

fn main() -> ExitCode {
    let (mut report, mut yaml) = (false, false);
    let mut positional = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--report" => report = true,
            "--yaml" => yaml = true,
            _ => positional.push(arg),
        }
    }
    let usage = "usage: w1 N OneAtATime|HalfAtATime|AllAtOnce [SEED ...] [--report | --yaml]";
    let (Some(n), Some(config)) = (positional.first(), positional.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<u32>() else {
        eprintln!("N must be a positive integer\n{usage}");
        return ExitCode::from(2);
    };
    if n == 0 || !w1_scenario::CONFIGS.contains(&config.as_str()) {
        eprintln!("{usage}");
        return ExitCode::from(2);
    }
    if yaml {
        print!("{}", w1_scenario::yaml(n, config));
        return ExitCode::SUCCESS;
    }
    let mut seeds = Vec::new();
    for s in &positional[2..] {
        match s.parse::<u64>() {
            Ok(s) => seeds.push(s),
            Err(_) => {
                eprintln!("SEED must be an integer\n{usage}");
                return ExitCode::from(2);
            }
        }
    }
    if seeds.is_empty() {
        seeds.push(42);
    }
    let scenario = w1_scenario::scenario(n, config);
    for seed in seeds {
        let line = if report {
            let started = Instant::now();
            let r = simulation::simulate(&scenario, seed);
            let wall = started.elapsed().as_secs_f64();
            let m = &r.metrics;
            serde_json::json!({
                "workload": "W1-inplace-rolling",
                "engine": "cdsim",
                "mode": "simulate",
                "config": config,
                "fleet_size": n,
                "seed": seed,
                "status": r.deployments[0].status,
                "sim_end_s": m.duration_seconds,
                "events_processed": m.simulated_events,
                "min_in_service": m.capacity.as_ref().map(|c| c.min_in_service),
                "capacity_changes": r.capacity.len().saturating_sub(1),
                "wall_s": wall,
            })
        } else {
            let started = Instant::now();
            let run = simulation::run(&scenario, seed);
            let wall = started.elapsed().as_secs_f64();
            let Outcome::InPlace(runs) = &run.outcome else {
                unreachable!("W1 is an in-place deployment")
            };
            let out = &runs.deployment;
            serde_json::json!({
                "workload": "W1-inplace-rolling",
                "engine": "cdsim",
                "mode": "run",
                "config": config,
                "fleet_size": n,
                "seed": seed,
                "status": out.status.as_str(),
                "sim_end_s": out.complete_time.as_secs_f64(),
                "events_processed": run.stats.events,
                "min_in_service": out.capacity.iter().map(|p| p.in_service).min(),
                "capacity_changes": out.capacity.len() - 1,
                "wall_s": wall,
            })
        };
        println!("{line}");
    }
    ExitCode::SUCCESS
}
