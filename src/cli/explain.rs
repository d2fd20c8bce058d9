//! `cdsim explain`.

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, output};
use crate::config::{DeploymentConfig, predefined};
use crate::input::{self, Format};
use crate::report::config::{ServerExplanation, TrafficExplanation};
use crate::report::schedule;
use crate::scenario::validate::{MAX_INSTANCES, closest, load_config_str};

pub fn explain(
    config: &str,
    parameters: &[String],
    instances: Option<u32>,
    json: bool,
    plot: Option<&Path>,
) -> Result<String, Failure> {
    let config = resolve(config, parameters)?;
    if config.minimum_healthy().is_some() {
        let n = instances
            .ok_or_else(|| Failure(format!("{} is a Server configuration: give --instances N", config.name)))?;
        let max = MAX_INSTANCES;
        if n == 0 || i64::from(n) > max {
            return Err(Failure(format!(
                "--instances must be 1 to {max} (the most instances a scenario may have), found {n}"
            )));
        }
        if let Some(file) = plot {
            write_plot(&config, n, file)?;
        }
        let e = ServerExplanation::new(&config, n).expect("a Server configuration");
        return Ok(if json { to_json(&e) } else { e.text() });
    }
    if let Some(file) = plot {
        write_plot(&config, 0, file)?;
    }
    let e = TrafficExplanation::new(&config).expect("a traffic-routing configuration");
    Ok(if json { to_json(&e) } else { e.text() })
}

/// A predefined name, or a path to a create-deployment-config file, or an AWS file that
/// defines or names a configuration (get-deployment-config output, a deployment group, a
/// CloudFormation or SAM template, an AWS CLI example page).
fn resolve(config: &str, parameters: &[String]) -> Result<DeploymentConfig, Failure> {
    if let Some(c) = predefined::find(config) {
        return Ok(c);
    }
    let path = Path::new(config);
    if !path.exists() {
        let hint = closest(config, &predefined::NAMES);
        return Err(Failure(format!(
            "{config} is neither a predefined configuration nor a file{}; `cdsim configs` lists the predefined ones",
            hint.map(|h| format!(" (did you mean {h}?)")).unwrap_or_default()
        )));
    }
    let text = output::read_text(path, output::MAX_INPUT_BYTES)?;
    let wrapped = input::document::read(&text, true)
        .is_ok_and(|d| d.root.entries().iter().any(|(k, _)| k.name.ends_with("Info")));
    match input::detect(config, &text) {
        Format::Template | Format::CliTranscript | Format::AppSpec => {}
        Format::CliJson if wrapped => {}
        _ => return load_config_str(&text, config).map_err(|p| Failure(p.to_string())),
    }
    let args = ImportArgs {
        parameters: parameters.to_vec(),
        ..ImportArgs::default()
    };
    let loaded = import::load(&[PathBuf::from(config)], &args, true)?;
    eprint!("{}", loaded.warnings);
    Ok(loaded.scenario.deployment_config)
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("serializes");
    s.push('\n');
    s
}

/// The configuration's schedule chart into `file`: SVG or PNG by its extension.
fn write_plot(config: &DeploymentConfig, instances: u32, file: &Path) -> Result<(), Failure> {
    let chart = schedule::chart(config, instances);
    let bytes = match file.extension().and_then(|x| x.to_str()) {
        Some("svg") => chart.svg().map(String::into_bytes),
        Some("png") => chart.png(),
        _ => {
            return Err(Failure(format!(
                "{}: --plot needs a file name ending in .svg or .png",
                file.display()
            )));
        }
    }
    .map_err(|e| Failure(e.to_string()))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Failure(format!("{}: not a file name", file.display())))?;
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    output::write_atomic(dir, name, &bytes)
}
