//! `cdsim run`.

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, memory, output, stream};
use crate::report::{Report, files, text};
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
    memory::check(&scenario, &files[0].display().to_string(), 1)?;
    let report = simulation::simulate(&scenario, seed);
    if let Some(dir) = out {
        write_report(dir, &report)?;
    }
    if as_json {
        // Streamed: the JSON of a large fleet is large. A closed pipe (`… | head`) is not
        // an error worth reporting.
        let _ = stream::write_json(&report, std::io::stdout().lock());
        return Ok(String::new());
    }
    Ok(text::summary(&report))
}

/// Every report file (`report::files`) into `dir`, each atomically; the JSON streamed.
pub fn write_report(dir: &Path, report: &Report) -> Result<(), Failure> {
    output::write_atomic_with(dir, files::JSON_FILE, |f| stream::write_json(report, f))?;
    output::write_files(dir, files::rendered(report))
}
