//! Running a scenario: the engine, the platform model and the report, put together.
//!
//! This is the library's front door: `simulate(&scenario, seed)` is all a test, a bench or
//! the CLI needs.

use crate::engine;
use crate::platform::server::{InPlaceDeployment, InPlaceOutcome};
use crate::report::{self, Report};
use crate::scenario::Scenario;

/// A finished run: the raw outcome and the engine's counters.
pub struct Run {
    pub outcome: InPlaceOutcome,
    pub stats: engine::RunStats,
}

/// Runs the scenario's deployment to its end.
pub fn run(scenario: &Scenario, seed: u64) -> Run {
    let mut model = InPlaceDeployment::new(scenario, seed);
    let stats = engine::run(&mut model);
    Run {
        outcome: model.into_outcome(),
        stats,
    }
}

/// Runs the scenario and builds its report.
pub fn simulate(scenario: &Scenario, seed: u64) -> Report {
    let r = run(scenario, seed);
    report::build(scenario, seed, &r.outcome, r.stats.events)
}
