//! The SimPy peer's workload W2 ("traffic shifting") run by cdsim, in both traffic modes.
//!
//! W2: a Lambda alias shifted 10 % every minute (CodeDeployDefault.LambdaLinear10PercentEvery1Minute,
//! with `linearEnd: oneIntervalAfter`, so the shift completes at 600 s as the peer's does),
//! R requests per second, one-minute metric periods, and an alarm on the new version's error
//! rate above 1 % in one period that rolls back. With the new version's error rate e = 0 the
//! whole shift runs (600 s of traffic); with e = 0.02 the first evaluation at 60 s breaches
//! and the alias goes back (60 s of traffic), as in the peer.
//!
//! Rows: `aggregated` and `perRequest` at R = 100, 1,000 and 10,000 requests/s, for e = 0
//! and e = 0.02; `cdsim::simulation::run` is timed (not report building). Seed 42.

use std::hint::black_box;
use std::time::Duration;

use cdsim::scenario::{self, Scenario};
use cdsim::simulation;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SEED: u64 = 42;

/// The W2 scenario as YAML text, validated by the normal path.
pub fn scenario(rate: u32, error_rate: f64, mode: &str) -> Scenario {
    let yaml = format!(
        "name: w2\ncomputePlatform: Lambda\n\
         deploymentConfigName: CodeDeployDefault.LambdaLinear10PercentEvery1Minute\nlinearEnd: oneIntervalAfter\n\
         lambdaFunction: {{functionName: w2, alias: live, currentVersion: \"1\", targetVersion: \"2\"}}\n\
         traffic: {{requestRate: {rate}, metricPeriod: 60s, mode: {mode}, replacement: {{errorRate: {error_rate}}}}}\n\
         alarmConfiguration:\n  alarms:\n    - {{name: errors, metric: errorRate, version: replacement, threshold: 0.01}}\n\
         autoRollbackConfiguration: {{events: [DEPLOYMENT_STOP_ON_ALARM]}}\n"
    );
    scenario::load_str(&yaml, "w2.yaml").unwrap_or_else(|p| panic!("{p}"))
}

fn benches(c: &mut Criterion) {
    for (e, end_s) in [(0.0, 600_000u64), (0.02, 60_000)] {
        let mut group = c.benchmark_group(format!("w2/e={e}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        for rate in [100u32, 1_000, 10_000] {
            for mode in ["aggregated", "perRequest"] {
                let sc = scenario(rate, e, mode);
                let first = simulation::run(&sc, SEED);
                assert_eq!(
                    first.outcome.complete_time().as_millis(),
                    end_s,
                    "W2 R={rate} e={e} {mode}"
                );
                // Throughput in simulated requests (what the peer counts as events).
                group.throughput(Throughput::Elements(u64::from(rate) * end_s / 1000));
                group.bench_function(BenchmarkId::new(mode, format!("R={rate}")), |b| {
                    b.iter(|| simulation::run(black_box(&sc), SEED).stats.events);
                });
            }
        }
        group.finish();
    }
}

criterion_group!(w2, benches);
criterion_main!(w2);
