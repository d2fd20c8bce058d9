//! `cdsim run`.

use std::path::Path;

use super::{Failure, output};
use crate::report::{json, text};
use crate::scenario;
use crate::simulation;

pub fn run(path: &Path, seed: Option<u64>, as_json: bool, out: Option<&Path>) -> Result<String, Failure> {
    let scenario = scenario::load_file(path).map_err(|p| Failure(p.to_string()))?;
    let seed = seed.unwrap_or(scenario.seed);
    let report = simulation::simulate(&scenario, seed);
    let json_text = json::to_string(&report);
    let summary = text::summary(&report);
    if let Some(dir) = out {
        output::write_atomic(dir, "report.json", json_text.as_bytes())?;
        output::write_atomic(dir, "summary.txt", summary.as_bytes())?;
    }
    Ok(if as_json { json_text } else { summary })
}
