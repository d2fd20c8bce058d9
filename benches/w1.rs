//! The SimPy peer's workload W1 ("in-place rolling", p_fail = 0) run by cdsim.
//!
//! The scenario is built as YAML text (`support/w1_scenario.rs`) and validated once,
//! outside the timed loop. Two rows per point:
//! - `run`: `cdsim::simulation::run`, the simulation alone (model set-up, every event,
//!   the outcome) — the figure compared with the peer's `wall_s`, which times `env.run`;
//! - `simulate`: `cdsim::simulation::simulate`, the run plus building the `Report`
//!   (not rendering it to text or JSON).
//!
//! Points: CodeDeployDefault.HalfAtATime and AllAtOnce at N = 1,000, 10,000 and 100,000,
//! seed 42. Throughput is in delivered engine events per second (cdsim computes each
//! AllowTraffic's health checks in closed form, so it delivers 13 events per instance plus
//! one; see README.md for the peer's counts).

#[path = "support/w1_scenario.rs"]
mod w1_scenario;

use std::hint::black_box;
use std::time::Duration;

use cdsim::simulation;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

const SEED: u64 = 42;

fn benches(c: &mut Criterion) {
    for n in [1_000u32, 10_000, 100_000] {
        let mut group = c.benchmark_group(format!("w1/N={n}"));
        if n >= 100_000 {
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(4));
        } else {
            group
                .sample_size(20)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3));
        }
        for config in ["HalfAtATime", "AllAtOnce"] {
            let scenario = w1_scenario::scenario(n, config);
            let first = simulation::run(&scenario, SEED);
            assert_eq!(first.outcome.status().as_str(), "Succeeded", "W1 {config} N={n}");
            group.throughput(Throughput::Elements(first.stats.events));
            group.bench_function(BenchmarkId::new("run", config), |b| {
                b.iter(|| simulation::run(black_box(&scenario), SEED).stats.events);
            });
            group.bench_function(BenchmarkId::new("simulate", config), |b| {
                b.iter(|| {
                    simulation::simulate(black_box(&scenario), SEED)
                        .metrics
                        .simulated_events
                });
            });
        }
        group.finish();
    }
}

criterion_group!(w1_benches, benches);
criterion_main!(w1_benches);
