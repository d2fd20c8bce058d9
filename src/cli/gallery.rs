//! `cdsim gallery DIR`: regenerates the committed gallery: `DIR/<scenario>/` with every
//! report file of each example scenario (its own seed), `DIR/<scenario>/compare/` and
//! `DIR/<scenario>/recommend/` with what `compare --out` and `recommend --out` write for the
//! comparison examples ([`COMPARISONS`]), and `DIR/configs/` with a schedule plot per
//! predefined configuration. The output is byte-identical on regeneration.
//!
//! Not here: what the files contain (`report::files`, `report::schedule`,
//! `compare::files`).

use std::path::Path;

use super::compare::{ConstraintArgs, SweepArgs};
use super::{Failure, compare, output, run};
use crate::report::schedule;
use crate::report::written::Written;
use crate::{scenario, simulation};

pub fn gallery(dir: &Path, scenarios: &Path, as_json: bool) -> Result<String, Failure> {
    let mut files: Vec<_> = std::fs::read_dir(scenarios)
        .map_err(|e| Failure(format!("{}: {e}", scenarios.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    for file in &files {
        let text = output::read_text(file, output::MAX_INPUT_BYTES)?;
        let sc = scenario::load_str(&text, &file.display().to_string()).map_err(|p| Failure(p.to_string()))?;
        let report = simulation::simulate(&sc, sc.seed);
        let name = file.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name");
        let written = Written::of(&sc, &text);
        run::write_report(&dir.join(name), &report, Some(&written))?;
    }
    for c in COMPARISONS {
        comparison(dir, scenarios, c)?;
    }
    let configs = dir.join("configs");
    let plots = schedule::gallery().map_err(|e| Failure(e.to_string()))?;
    for (name, bytes) in &plots {
        output::write_atomic(&configs, name, bytes)?;
    }
    if as_json {
        return Ok(super::json_line(&serde_json::json!({
            "directory": dir.display().to_string(),
            "scenarioFolders": files.len(),
            "comparisons": COMPARISONS.len(),
            "configurationPlotFiles": plots.len(),
        })));
    }
    Ok(format!(
        "{} scenario folders, {} comparisons and {} configuration plot files in {}\n",
        files.len(),
        COMPARISONS.len(),
        plots.len(),
        dir.display()
    ))
}

/// A comparison example: the scenario (a file stem in the scenarios folder), the runs of
/// `compare` (its candidateConfigs), and the runs and constraints of `recommend`. Modest
/// run counts keep the committed files small and their test fast; `tests/it/compare.rs`
/// (`COMMITTED`) runs the same commands.
pub struct Comparison {
    pub scenario: &'static str,
    pub compare_runs: u64,
    pub recommend_runs: u64,
    pub max_failed_requests: Option<u64>,
    pub max_exposed_requests: Option<u64>,
    pub min_capacity: Option<f64>,
    pub max_duration: &'static str,
}

pub const COMPARISONS: &[Comparison] = &[
    Comparison {
        scenario: "compare-ec2-blue-green",
        compare_runs: 100,
        recommend_runs: 100,
        max_failed_requests: None,
        max_exposed_requests: None,
        min_capacity: Some(75.0),
        max_duration: "30m",
    },
    Comparison {
        scenario: "compare-in-place",
        compare_runs: 100,
        recommend_runs: 60,
        max_failed_requests: None,
        max_exposed_requests: None,
        min_capacity: Some(50.0),
        max_duration: "30m",
    },
    Comparison {
        scenario: "compare-lambda",
        compare_runs: 200,
        recommend_runs: 200,
        max_failed_requests: Some(100),
        max_exposed_requests: Some(500),
        min_capacity: None,
        max_duration: "20m",
    },
];

fn comparison(dir: &Path, scenarios: &Path, c: &Comparison) -> Result<(), Failure> {
    let file = scenarios.join(format!("{}.yaml", c.scenario));
    let out = dir.join(c.scenario);
    let sweep = |runs| SweepArgs {
        runs,
        seed: None,
        threads: None,
        confidence: crate::compare::DEFAULT_CONFIDENCE,
        quiet: true,
    };
    compare::compare(
        &file,
        &[],
        &sweep(c.compare_runs),
        None,
        false,
        Some(&out.join("compare")),
    )?;
    let constraints = ConstraintArgs {
        max_failed_requests: c.max_failed_requests,
        max_exposed_requests: c.max_exposed_requests,
        min_capacity: c.min_capacity,
        max_duration: Some(super::duration_seconds(c.max_duration).map_err(Failure)?),
        min_success_rate: None,
        quantile: 0.95,
    };
    compare::recommend(
        &file,
        &sweep(c.recommend_runs),
        &constraints,
        false,
        Some(&out.join("recommend")),
    )?;
    Ok(())
}
