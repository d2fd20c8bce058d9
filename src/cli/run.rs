//! `cdsim run`.

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, output};
use crate::report::{json, text};
use crate::scenario::Scenario;
use crate::simulation;

pub fn run(
    files: &[PathBuf],
    args: &ImportArgs,
    seed: Option<u64>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<String, Failure> {
    let loaded = import::load(files, args, false)?;
    eprint!("{}", loaded.warnings);
    simulate(&loaded.scenario, seed, as_json, out).map(|(_, printed)| printed)
}

/// Simulates `scenario`, writes the report files into `out` if given, and returns the
/// report with what to print: its JSON or its summary.
pub fn simulate(
    scenario: &Scenario,
    seed: Option<u64>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<(crate::report::Report, String), Failure> {
    let seed = seed.unwrap_or(scenario.seed);
    let report = simulation::simulate(scenario, seed);
    if let Some(dir) = out {
        write_report(dir, &report)?;
    }
    // Rendered only when asked for: the JSON of a large fleet is large.
    let printed = if as_json {
        json::to_string(&report)
    } else {
        text::summary(&report)
    };
    Ok((report, printed))
}

/// Every report file (`report::files`) into `dir`, each atomically.
pub fn write_report(dir: &Path, report: &crate::report::Report) -> Result<(), Failure> {
    output::write_files(dir, crate::report::files::files(report))
}
