//! `cdsim run`.

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, budget, memory, output, stream, sweep};
use crate::report::written::Written;
use crate::report::{Report, events, files, text};
use crate::scenario::Scenario;
use crate::simulation;

/// What `cdsim run` prints.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Print {
    /// The summary.
    Summary,
    /// The report's JSON.
    Json,
    /// The event log (`report::events`), then the summary.
    Events,
}

pub fn run(
    files: &[PathBuf],
    args: &ImportArgs,
    seed: Option<u64>,
    print: Print,
    out: Option<&Path>,
) -> Result<String, Failure> {
    let loaded = import::load(files, args, false)?;
    eprint!("{}", loaded.warnings);
    let label = files[0].display().to_string();
    let written = Written::of(&loaded.scenario, &loaded.yaml);
    let (report, printed) = simulate(
        &loaded.scenario,
        Some(&written),
        &label,
        seed,
        print == Print::Json,
        out,
    )?;
    Ok(match print {
        Print::Events => format!("{}\n{printed}", events::events(&report)),
        Print::Summary | Print::Json => printed,
    })
}

/// Simulates `scenario`, writes the report files into `out` if given, and returns the
/// report with what to print: its summary, or nothing when its JSON was streamed to
/// standard output. `label` names the input in a refusal for lack of memory; `written`
/// is the scenario as written, for `report.html`.
pub fn simulate(
    scenario: &Scenario,
    written: Option<&Written>,
    label: &str,
    seed: Option<u64>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<(Report, String), Failure> {
    let seed = seed.unwrap_or(scenario.seed);
    memory::check(scenario, label, 1)?;
    budget::check(scenario, label)?;
    let busy = sweep::busy(format!("simulating {label}"));
    let report = simulation::simulate(scenario, seed);
    if let Some(dir) = out {
        write_report(dir, &report, written)?;
    }
    drop(busy);
    if as_json {
        // Streamed: the JSON of a large fleet is large.
        output::stream_stdout(|w| stream::write_json(&report, w));
        return Ok((report, String::new()));
    }
    let printed = text::summary(&report);
    Ok((report, printed))
}

/// Every report file (`report::files`) into `dir` as one set (`output::write_set`), the
/// JSON streamed; `written` as for [`simulate`].
pub fn write_report(dir: &Path, report: &Report, written: Option<&Written>) -> Result<(), Failure> {
    let json = |f: &mut std::fs::File| stream::write_json(report, f);
    let streamed = output::Streamed {
        name: files::JSON_FILE,
        write: &json,
    };
    output::write_set(dir, files::rendered(report, written), Some(streamed))
}
