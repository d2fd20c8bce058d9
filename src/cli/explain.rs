//! `cdsim explain`.

use std::path::{Path, PathBuf};

use super::import::{self, ImportArgs};
use super::{Failure, output};
use crate::config::{DeploymentConfig, predefined};
use crate::input::{self, Format};
use crate::report::config::{ServerExplanation, TrafficExplanation};
use crate::report::schedule;
use crate::scenario::validate::{MAX_INSTANCES, closest, load_config_str};
use crate::scenario::{Scenario, Workload};
use crate::time::SimDuration;

pub fn explain(
    config: &str,
    parameters: &[String],
    instances: Option<u32>,
    json: bool,
    plot: Option<&Path>,
) -> Result<String, Failure> {
    let Resolved {
        config,
        instances: stated,
        zones,
        history,
    } = resolve(config, parameters)?;
    // A history's requests follow the configuration's text (the JSON keeps its shape).
    let text = |t: String| t + history.as_deref().unwrap_or("");
    if config.minimum_healthy().is_some() {
        let n = instances.or(stated).ok_or_else(|| {
            Failure(format!(
                "{} is a Server configuration: give --instances N (or a scenario file, which states the fleet)",
                config.name
            ))
        })?;
        let max = MAX_INSTANCES;
        if n == 0 || i64::from(n) > max {
            return Err(Failure(format!(
                "--instances must be 1 to {max} (the most instances a scenario may have), found {n}"
            )));
        }
        if let Some(file) = plot {
            write_plot(&config, n, file)?;
        }
        let e = ServerExplanation::in_zones(&config, n, &zones).expect("a Server configuration");
        return Ok(if json { to_json(&e) } else { text(e.text()) });
    }
    if let Some(file) = plot {
        write_plot(&config, 0, file)?;
    }
    let e = TrafficExplanation::new(&config).expect("a traffic-routing configuration");
    Ok(if json { to_json(&e) } else { text(e.text()) })
}

/// A configuration to explain, with what its source says of the fleet.
struct Resolved {
    config: DeploymentConfig,
    /// The fleet size the file states (Server: a scenario's `fleet.instances`, an EC2
    /// blue/green scenario's replacement fleet, or a count the AWS files give).
    instances: Option<u32>,
    /// The fleet's Availability Zones, in deployment order.
    zones: Vec<String>,
    /// A scenario's history in words: its requests, each deployed with the configuration.
    history: Option<String>,
}

impl Resolved {
    fn config_only(config: DeploymentConfig) -> Resolved {
        Resolved {
            config,
            instances: None,
            zones: Vec::new(),
            history: None,
        }
    }

    /// A scenario's configuration and fleet; `stated` is false when the count is a default
    /// the import supplied.
    fn of_scenario(scenario: Scenario, stated: bool) -> Resolved {
        let (instances, zones) = match &scenario.workload {
            Workload::InPlace(ip) => (Some(ip.fleet.instances), ip.fleet.zones.clone()),
            Workload::Ec2BlueGreen(bg) => (Some(bg.replacements()), bg.server.fleet.zones.clone()),
            Workload::BlueGreen(_) => (None, Vec::new()),
        };
        let history = history_text(&scenario);
        Resolved {
            config: scenario.deployment_config,
            instances: instances.filter(|_| stated),
            zones,
            history,
        }
    }
}

/// `history: 3 requests, each deployed as above: revision v1 at 0s, …` and what becomes of
/// them, or
/// `None` for a scenario of one deployment.
fn history_text(scenario: &Scenario) -> Option<String> {
    let history = scenario.history.as_ref()?;
    let lambda = scenario
        .blue_green()
        .is_some_and(|b| matches!(b.target, crate::scenario::blue_green::ShiftTarget::Lambda(_)));
    let platform = if lambda { "Lambda" } else { "" };
    let requests: Vec<String> = history
        .requests
        .iter()
        .map(|r| {
            let name = &history.revision(r.revision).name;
            format!(
                "{} at {}",
                crate::report::revision_words(platform, name),
                SimDuration::from_secs_f64(r.at.as_secs_f64()).exact()
            )
        })
        .collect();
    Some(format!(
        "history: {}, each deployed as above: {}\n  a request made while another deployment of the group is active is refused \
(DeploymentLimitExceededException); `cdsim run --events` tells what each did\n",
        crate::report::text::count(requests.len() as u64, "request"),
        requests.join(", ")
    ))
}

/// A predefined name; or a path to a cdsim scenario, or a create-deployment-config file, or
/// AWS files as `run` reads them (an AppSpec, get-deployment-config output, a deployment
/// group, a CloudFormation or SAM template, an AWS CLI example page).
fn resolve(config: &str, parameters: &[String]) -> Result<Resolved, Failure> {
    if let Some(c) = predefined::find(config) {
        return Ok(Resolved::config_only(c));
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
    let file = [PathBuf::from(config)];
    if import::is_scenario(path, &text) {
        if !parameters.is_empty() {
            return Err(Failure(format!(
                "{config}: --parameter applies to AWS templates, and this is a cdsim scenario"
            )));
        }
        let loaded = import::load(&file, &ImportArgs::default(), false)?;
        return Ok(Resolved::of_scenario(loaded.scenario, true));
    }
    match input::detect(config, &text) {
        Format::Template | Format::CliTranscript | Format::AppSpec => {}
        Format::CliJson if wrapped => {}
        _ => {
            return load_config_str(&text, config)
                .map(Resolved::config_only)
                .map_err(|p| Failure(p.to_string()));
        }
    }
    let args = ImportArgs {
        parameters: parameters.to_vec(),
        ..ImportArgs::default()
    };
    let loaded = import::load(&file, &args, true)?;
    eprint!("{}", loaded.warnings);
    let stated = !loaded.imported_yaml.as_deref().is_some_and(import::count_is_default);
    Ok(Resolved::of_scenario(loaded.scenario, stated))
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
