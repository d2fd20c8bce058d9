//! `cdsim run`.

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, output};
use crate::report::{json, text};
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
    let scenario = loaded.scenario;
    let seed = seed.unwrap_or(scenario.seed);
    let report = simulation::simulate(&scenario, seed);
    // Rendered only when asked for: the JSON of a large fleet is large.
    let json_text = as_json.then(|| json::to_string(&report));
    let summary = text::summary(&report);
    if let Some(dir) = out {
        write_report(dir, &report)?;
    }
    Ok(match json_text {
        Some(j) if as_json => j,
        _ => summary,
    })
}

/// Every report file (`report::files`) into `dir`, each atomically.
pub fn write_report(dir: &Path, report: &crate::report::Report) -> Result<(), Failure> {
    output::write_files(dir, crate::report::files::files(report))
}
