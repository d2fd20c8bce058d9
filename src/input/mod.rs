//! AWS's own file formats, read into cdsim scenarios: detect each file's format, read it
//! into the one internal model ([`model::Deployment`]), write that as scenario YAML
//! ([`emit`]) and validate the YAML with `scenario::load_str`, the same path as any
//! scenario file. Problems are reported at the file, line and column of the AWS file.
//!
//! Formats, and how a file is recognised (first match wins):
//! - **AWS CLI example page or transcript** (not JSON, and a line `Output::` or a line
//!   starting `aws deploy `): the JSON after `Output::` and the `aws deploy` command's
//!   options are read ([`aws_json`]);
//! - otherwise the file is read as JSON first when its name ends in `.json` or its text
//!   starts with `{` or `[`, else as YAML ([`document`]); then by content:
//!   - **AppSpec** (`version` with `os`, `hooks`, `files` or `Resources`): [`appspec`];
//!   - **CloudFormation or SAM template** (`Resources`, `AWSTemplateFormatVersion`,
//!     `Transform` or a `Hooks` section): [`cloudformation`], [`sam`];
//!   - **AWS CLI JSON** (`deploymentGroupInfo`, `deploymentConfigInfo`, … or the
//!     `--cli-input-json` of create-deployment-group, create-deployment-config,
//!     create-deployment): [`aws_json`];
//!   - before all of these, a **cdsim scenario** (a top-level `name`, which no AWS format
//!     has): [`Format::Scenario`].
//!
//! Several files fill one model; where two state a value differently, the first file given
//! decides and the difference is a warning naming both places ([`model::Conflict`]), as is
//! `--instances` overriding a count a file states.
//!
//! Not here: reading files from disk (the CLI passes their text) or simulating.

pub mod appspec;
pub mod aws_json;
pub mod cloudformation;
pub mod cloudwatch;
pub mod document;
pub mod emit;
pub mod intrinsics;
pub mod model;
pub mod sam;
pub mod shapes;
pub mod template;

use std::fmt;

use crate::scenario::validate::{Problem, Problems};
use crate::scenario::{self, Scenario};
use document::{Document, Node};
use model::{Deployment, Findings};

/// What a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A cdsim scenario.
    Scenario,
    /// An AppSpec file.
    AppSpec,
    /// A CloudFormation or SAM template.
    Template,
    /// AWS CLI input or output JSON.
    CliJson,
    /// An AWS CLI example page (commands and their JSON).
    CliTranscript,
    /// None of these.
    Unknown,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Scenario => "cdsim scenario",
            Format::AppSpec => "AppSpec",
            Format::Template => "CloudFormation/SAM template",
            Format::CliJson => "AWS CLI JSON",
            Format::CliTranscript => "AWS CLI example",
            Format::Unknown => "unknown format",
        })
    }
}

/// One input file: the path shown in messages and its text.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The path, as messages show it.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// Choices the AWS files do not make.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Server instances or ECS tasks (default [`emit::DEFAULT_INSTANCES`]).
    pub instances: Option<u32>,
    /// Template parameter values (`--parameter K=V`), over the templates' defaults.
    pub parameters: Vec<(String, String)>,
    /// Which function, deployment group or deployment to take when a file holds several.
    pub select: Option<String>,
}

/// A successful import.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The scenario as YAML, ready to edit.
    pub yaml: String,
    /// The scenario, validated.
    pub scenario: Scenario,
    /// One per file with warnings, `path:line:column: warning: …`.
    pub warnings: Vec<Problems>,
}

/// A failed import: every problem of every file, and the warnings found on the way.
#[derive(Clone, Debug)]
pub struct ImportError {
    /// One per file with problems.
    pub problems: Vec<Problems>,
    /// One per file with warnings.
    pub warnings: Vec<Problems>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.problems.iter().map(|p| p.to_string()).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// `path:line:column: warning: message` lines.
pub fn format_warnings(warnings: &[Problems]) -> String {
    let mut out = String::new();
    for w in warnings {
        for p in &w.problems {
            out.push_str(&format!("{}:{}:{}: warning: {}\n", w.path, p.line, p.column, p.message));
        }
    }
    out
}

fn looks_like_transcript(path: &str, text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        return false;
    }
    path.ends_with(".rst")
        || text
            .lines()
            .any(|l| l.trim() == "Output::" || l.trim_start().starts_with("aws deploy "))
}

fn json_first(path: &str, text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    path.ends_with(".json") || path.ends_with(".json.tpl") || t.starts_with('{') || t.starts_with('[')
}

/// The format of a document's content.
pub fn format_of(root: &Node) -> Format {
    if root.get("name").is_some() {
        // No AWS format has a top-level `name`; every scenario has one.
        Format::Scenario
    } else if appspec::looks_like(root) {
        Format::AppSpec
    } else if cloudformation::looks_like(root) {
        Format::Template
    } else if aws_json::looks_like(root) {
        Format::CliJson
    } else {
        Format::Unknown
    }
}

/// The format of a file, without reporting its problems.
pub fn detect(path: &str, text: &str) -> Format {
    if looks_like_transcript(path, text) {
        return Format::CliTranscript;
    }
    match document::read(text, json_first(path, text)) {
        Ok(d) => format_of(&d.root),
        Err(_) => Format::Unknown,
    }
}

/// A parse error; when the text has template placeholders, says that it is a template.
/// In a CloudFormation template that uses `Fn::Sub` (`!Sub`), `${…}` is Sub's own syntax,
/// not a placeholder: the parse error is then reported as it is.
fn parse_problem(text: &str, mut p: Problem) -> Problem {
    let uses_sub = text.contains("!Sub") || text.contains("Fn::Sub");
    let found = text.lines().enumerate().find_map(|(i, l)| {
        model::placeholder(l)
            .filter(|ph| !(uses_sub && ph.starts_with("${")))
            .map(|ph| (i, l, ph.to_string()))
    });
    if let Some((i, line, ph)) = found {
        let column = line.find(ph.as_str()).map_or(1, |c| line[..c].chars().count() + 1);
        p.message = format!(
            "unrendered template placeholder {ph} (line {}, column {column}): this file is a template; render it before importing ({})",
            i + 1,
            p.message
        );
    }
    p
}

/// Reads one file into `out`, with its problems and warnings.
fn read_file(src: &Source, file: usize, options: &Options, out: &mut Deployment) -> Findings {
    let mut f = Findings::default();
    if looks_like_transcript(src.path, src.text) {
        aws_json::read_transcript(src.text, file, options, out, &mut f);
        return f;
    }
    let doc: Document = match document::read(src.text, json_first(src.path, src.text)) {
        Ok(d) => d,
        Err(p) => {
            f.problems.push(parse_problem(src.text, p));
            return f;
        }
    };
    f.warnings.extend(doc.warnings.iter().cloned());
    match format_of(&doc.root) {
        Format::AppSpec => appspec::read(&doc.root, file, out, &mut f),
        Format::Template => cloudformation::read(&doc.root, file, options, out, &mut f),
        Format::CliJson => aws_json::read(&doc.root, file, options, out, &mut f),
        Format::Scenario => f.error(
            1,
            1,
            "this is a cdsim scenario, not an AWS file: give it to cdsim run or cdsim check on its own",
        ),
        Format::CliTranscript | Format::Unknown => f.error(
            doc.root.line,
            doc.root.column,
            "not a format cdsim reads: expected an AppSpec, a CloudFormation or SAM template, or AWS CLI JSON (deployment group, deployment configuration or deployment)",
        ),
    }
    f
}

/// Imports AWS files into a validated scenario named `name`.
pub fn import(sources: &[Source], name: &str, options: &Options) -> Result<Imported, ImportError> {
    let mut deployment = Deployment::default();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let f = read_file(src, i, options, &mut deployment);
        if !f.problems.is_empty() {
            let mut p = f.problems;
            p.sort_by_key(|p| (p.line, p.column));
            problems.push(Problems {
                path: src.path.to_string(),
                problems: p,
            });
        }
        if !f.warnings.is_empty() {
            let mut w = f.warnings;
            w.sort_by_key(|p| (p.line, p.column));
            warnings.push(Problems {
                path: src.path.to_string(),
                problems: w,
            });
        }
    }
    if !problems.is_empty() {
        return Err(ImportError { problems, warnings });
    }
    if let Some(n) = options.instances {
        overridden_counts(&deployment, n, sources, &mut warnings);
    }
    for c in &deployment.conflicts {
        let kept = sources.get(c.kept.origin.file).map_or("(input)", |s| s.path);
        let message = format!(
            "{} \"{}\" here differs from \"{}\" at {kept}:{}:{}; the first file given decides, so \"{}\" is used",
            c.what, c.dropped.value, c.kept.value, c.kept.origin.line, c.kept.origin.column, c.kept.value
        );
        warn_at(&mut warnings, sources, c.dropped.origin, message);
    }
    let paths: Vec<String> = sources
        .iter()
        .map(|s| s.path.rsplit(['/', '\\']).next().unwrap_or(s.path).to_string())
        .collect();
    let emitted = emit::scenario(&deployment, name, &paths, options.instances);
    if !emitted.assumed.is_empty() {
        let first = sources.first().map_or("", |s| s.path);
        warnings.push(Problems {
            path: first.to_string(),
            problems: emitted
                .assumed
                .iter()
                .map(|m| Problem {
                    line: 1,
                    column: 1,
                    message: m.clone(),
                })
                .collect(),
        });
    }
    match scenario::load_str(&emitted.text, "(imported scenario)") {
        Ok(scenario) => Ok(Imported {
            yaml: emitted.text,
            scenario,
            warnings,
        }),
        Err(e) => Err(ImportError {
            problems: map_back(&e, &emitted, sources),
            warnings,
        }),
    }
}

/// A warning at each count the files state (an Auto Scaling group's size, an ECS service's
/// `DesiredCount`) that `--instances n` overrides.
fn overridden_counts(d: &Deployment, n: u32, sources: &[Source], warnings: &mut Vec<Problems>) {
    let stated = [
        d.instances
            .as_ref()
            .map(|i| (i.value.to_string(), i.origin, "the Auto Scaling groups' size")),
        d.ecs
            .as_ref()
            .and_then(|e| e.tasks.as_ref())
            .map(|t| (number_text(&t.value), t.origin, "the ECS service's DesiredCount")),
    ];
    for (count, origin, what) in stated.into_iter().flatten() {
        let message = format!("--instances {n} overrides {what}, {count}, stated here");
        warn_at(warnings, sources, origin, message);
    }
}

fn number_text(n: &model::Number) -> String {
    match n {
        model::Number::Int(i) => i.to_string(),
        model::Number::Text(t) => t.clone(),
    }
}

/// Adds a warning at `origin` to its file's warnings.
fn warn_at(warnings: &mut Vec<Problems>, sources: &[Source], origin: model::Origin, message: String) {
    let path = sources.get(origin.file).map_or("(input)", |s| s.path);
    let problem = Problem {
        line: origin.line,
        column: origin.column,
        message,
    };
    match warnings.iter_mut().find(|w| w.path == path) {
        Some(w) => {
            w.problems.push(problem);
            w.problems.sort_by_key(|p| (p.line, p.column));
        }
        None => warnings.push(Problems {
            path: path.to_string(),
            problems: vec![problem],
        }),
    }
}

/// Scenario problems at lines of the generated YAML → the AWS files they came from.
fn map_back(e: &Problems, emitted: &emit::Emitted, sources: &[Source]) -> Vec<Problems> {
    let mut per_file: Vec<Vec<Problem>> = vec![Vec::new(); sources.len().max(1)];
    let lines: Vec<&str> = emitted.text.lines().collect();
    for p in &e.problems {
        let index = usize::try_from(p.line).unwrap_or(0).saturating_sub(1);
        match emitted.origins.get(index).copied().flatten() {
            Some(o) => per_file[o.file].push(Problem {
                line: o.line,
                column: o.column,
                message: p.message.clone(),
            }),
            None => per_file[0].push(Problem {
                line: 1,
                column: 1,
                message: format!(
                    "{} (in the imported scenario, at `{}`)",
                    p.message,
                    lines.get(index).map_or("", |l| l.trim())
                ),
            }),
        }
    }
    per_file
        .into_iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, mut problems)| {
            problems.sort_by_key(|p| (p.line, p.column));
            problems.dedup();
            Problems {
                path: sources.get(i).map_or("(input)", |s| s.path).to_string(),
                problems,
            }
        })
        .collect()
}
