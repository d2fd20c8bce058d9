//! Shared helpers: one place that calls the library, so a signature change touches one
//! function.

use cdsim::report::Report;
use cdsim::scenario::{self, Scenario};
use cdsim::simulation;

/// Parses and validates scenario YAML, panicking with the located problems if invalid.
pub fn scenario(yaml: &str) -> Scenario {
    scenario::load_str(yaml, "test.yaml").unwrap_or_else(|p| panic!("invalid test scenario:\n{p}"))
}

/// Runs a scenario with a seed and returns its report.
pub fn run(yaml: &str, seed: u64) -> Report {
    simulation::simulate(&scenario(yaml), seed)
}
