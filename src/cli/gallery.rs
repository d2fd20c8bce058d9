//! `cdsim gallery DIR`: regenerates the committed gallery: `DIR/<scenario>/` with every
//! report file of each example scenario (its own seed), and `DIR/configs/` with a schedule
//! plot per predefined configuration. The output is byte-identical on regeneration.
//!
//! Not here: what the files contain (`report::files`, `report::schedule`).

use std::path::Path;

use super::{Failure, output, run};
use crate::report::schedule;
use crate::{scenario, simulation};

pub fn gallery(dir: &Path, scenarios: &Path) -> Result<String, Failure> {
    let mut files: Vec<_> = std::fs::read_dir(scenarios)
        .map_err(|e| Failure(format!("{}: {e}", scenarios.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    for file in &files {
        let sc = scenario::load_file(file).map_err(|p| Failure(p.to_string()))?;
        let report = simulation::simulate(&sc, sc.seed);
        let name = file.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name");
        run::write_report(&dir.join(name), &report)?;
    }
    let configs = dir.join("configs");
    let plots = schedule::gallery().map_err(|e| Failure(e.to_string()))?;
    for (name, bytes) in &plots {
        output::write_atomic(&configs, name, bytes)?;
    }
    Ok(format!(
        "{} scenario folders and {} configuration plots in {}\n",
        files.len(),
        plots.len(),
        dir.display()
    ))
}
