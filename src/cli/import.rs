//! `cdsim import`, and the loading of scenario or AWS files shared by `run` and `check`.
//!
//! A single file is a cdsim scenario unless it is recognised as an AWS format, or it
//! cannot be read as YAML or JSON and has no top-level `name:` (a broken AWS file is then
//! reported by the AWS readers, a broken scenario by the scenario reader). Several files
//! are always AWS files, combined into one scenario (`input::import`).

use std::path::{Path, PathBuf};

use super::{Failure, output};
use crate::input::{self, Format, Options, Source};
use crate::scenario::{self, Scenario};

/// The import options of `run`, `check` and `import`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ImportArgs {
    /// AWS files: instances (Server) or tasks per task set (ECS) [default: 10].
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::whole_number::<u32>)]
    pub instances: Option<u32>,
    /// AWS templates: a parameter value, over its Default (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,
    /// AWS files holding several functions, groups or deployments: the one to take.
    #[arg(long, value_name = "NAME")]
    pub select: Option<String>,
}

impl ImportArgs {
    fn options(&self) -> Result<Options, Failure> {
        let mut parameters = Vec::new();
        for p in &self.parameters {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| Failure(format!("--parameter {p}: expected KEY=VALUE, such as Stage=prod")))?;
            parameters.push((k.trim().to_string(), v.to_string()));
        }
        if self.instances == Some(0) {
            return Err(Failure("--instances must be at least 1".into()));
        }
        Ok(Options {
            instances: self.instances,
            parameters,
            select: self.select.clone(),
        })
    }
}

/// A loaded scenario, and the YAML written for it when it came from AWS files.
pub struct Loaded {
    pub scenario: Scenario,
    pub imported_yaml: Option<String>,
    /// The scenario's YAML as written: the scenario file's text, or the imported YAML.
    pub yaml: String,
    /// `path:line:column: warning: …` lines (empty for a scenario file).
    pub warnings: String,
}

fn read(path: &Path) -> Result<String, Failure> {
    output::read_text(path, output::MAX_INPUT_BYTES)
}

/// Whether a single file is read as a cdsim scenario.
pub fn is_scenario(path: &Path, text: &str) -> bool {
    match input::detect(&path.display().to_string(), text) {
        Format::Scenario => true,
        Format::Unknown => text.lines().any(|l| l.starts_with("name:") || l.starts_with("name :")),
        _ => false,
    }
}

/// The scenario's name: the first file's name without its extensions.
fn name_of(path: &Path) -> String {
    let file = path
        .file_name()
        .map_or_else(|| "imported".into(), |f| f.to_string_lossy().into_owned());
    let stem = file.split('.').next().unwrap_or(&file).to_string();
    if stem.trim().is_empty() {
        "imported".into()
    } else {
        stem
    }
}

/// Whether an imported scenario's fleet size is the documented default rather than a count
/// the files state (`input::emit` marks such a line).
pub fn count_is_default(yaml: &str) -> bool {
    yaml.lines().any(|l| {
        let l = l.trim_start();
        (l.starts_with("instances:") || l.starts_with("tasks:")) && l.contains("# cdsim default")
    })
}

/// Loads a scenario file, or imports AWS files.
pub fn load(files: &[PathBuf], args: &ImportArgs, force_import: bool) -> Result<Loaded, Failure> {
    let options = args.options()?;
    if let [one] = files
        && !force_import
    {
        let text = read(one)?;
        if is_scenario(one, &text) {
            let shown = one.display().to_string();
            if args.instances.is_some() || !args.parameters.is_empty() || args.select.is_some() {
                return Err(Failure(format!(
                    "{shown}: --instances, --parameter and --select apply to AWS files, and this is a cdsim scenario \
                     (edit it instead)"
                )));
            }
            let scenario = scenario::load_str(&text, &shown).map_err(|p| Failure(p.to_string()))?;
            return Ok(Loaded {
                scenario,
                imported_yaml: None,
                yaml: text,
                warnings: String::new(),
            });
        }
    }
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| read(p).map(|t| (p.display().to_string(), t)))
        .collect::<Result<_, _>>()?;
    let sources: Vec<Source> = texts.iter().map(|(p, t)| Source { path: p, text: t }).collect();
    let name = files.first().map_or_else(|| "imported".into(), |p| name_of(p));
    match input::import(&sources, &name, &options) {
        Ok(i) => Ok(Loaded {
            scenario: i.scenario,
            yaml: i.yaml.clone(),
            imported_yaml: Some(i.yaml),
            warnings: input::format_warnings(&i.warnings),
        }),
        Err(e) => Err(Failure(format!("{}{e}", input::format_warnings(&e.warnings)))),
    }
}

/// `cdsim import FILE… [--out FILE]`.
pub fn import(files: &[PathBuf], args: &ImportArgs, out: Option<&Path>, as_json: bool) -> Result<String, Failure> {
    if as_json && out.is_none() {
        return Err(Failure(
            "cdsim import prints the scenario as YAML, whose comments mark the defaults it assumed; \
             with --output json, give --out FILE for the scenario and the result is printed as JSON"
                .into(),
        ));
    }
    let loaded = load(files, args, true)?;
    eprint!("{}", loaded.warnings);
    let yaml = loaded.imported_yaml.expect("an import writes YAML");
    match out {
        None => Ok(yaml),
        Some(path) => {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .ok_or_else(|| Failure(format!("--out {}: not a file name", path.display())))?
                .to_string_lossy()
                .into_owned();
            output::write_atomic(dir, &name, yaml.as_bytes())?;
            let s = &loaded.scenario;
            if as_json {
                return Ok(super::json_line(&serde_json::json!({
                    "file": path.display().to_string(),
                    "scenario": s.name,
                    "computePlatform": s.deployment_config.compute_platform.api_name(),
                    "deploymentConfigName": s.deployment_config.name,
                })));
            }
            Ok(format!(
                "{}: scenario {}, {} ({}); check it with `cdsim check {}`\n",
                path.display(),
                loaded.scenario.name,
                loaded.scenario.deployment_config.compute_platform.api_name(),
                loaded.scenario.deployment_config.name,
                path.display()
            ))
        }
    }
}
