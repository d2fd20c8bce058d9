//! Raw scenario → validated [`Scenario`], collecting every problem with its location.
//!
//! Each check cites the rule it enforces (section numbers of the CodeDeploy reference).
//! A YAML syntax or shape error stops parsing at the first one (serde cannot go on past
//! it); once the shape is right, every semantic problem is reported together.
//!
//! Not here: reading files from disk beyond [`load_file`], or simulating.

mod blue_green;
mod config;
mod ec2_blue_green;
mod fault_model;
mod faults;
mod fleet;
mod history;
mod hooks;
mod monitoring;

pub use super::text::closest;
pub use super::text::parse_duration_text;
pub use history::MAX_REQUESTS as MAX_HISTORY_REQUESTS;

use std::fmt;
use std::path::Path;

use super::raw::{self, Located, RawScenario};
use super::{InPlace, InstanceScheduling, Scenario, Workload};
use crate::config::{ComputePlatform, ConfigRule, DeploymentConfig};

/// The most instances a scenario may have (memory grows about 0.4 KiB per instance).
pub const MAX_INSTANCES: i64 = 2_000_000;

/// The most faults a scenario may list (the YAML reader's value budget, `raw::MAX_NODES`,
/// holds that many of the longest form).
pub const MAX_FAULTS: usize = 100_000;

/// One problem in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The 1-based line.
    pub line: u64,
    /// The 1-based column.
    pub column: u64,
    /// What is wrong, naming the value found.
    pub message: String,
}

/// Every problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems {
    /// The file's path, as given.
    pub path: String,
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for Problems {
    /// One line per problem: `path:line:column: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: {}", self.path, p.line, p.column, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Reads and validates a scenario file. I/O errors are reported as a problem at 1:1.
pub fn load_file(path: &Path) -> Result<Scenario, Problems> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Problems {
        path: shown.clone(),
        problems: vec![Problem {
            line: 1,
            column: 1,
            message: format!("cannot read the file: {e}"),
        }],
    })?;
    load_str(&text, &shown)
}

/// Parses and validates scenario text; `path` is only used in messages.
pub fn load_str(text: &str, path: &str) -> Result<Scenario, Problems> {
    let raw: RawScenario = raw::parse_naming_every_unknown_field(text).map_err(|e| parse_problems(path, e))?;
    let mut v = Validator::default();
    let scenario = v.scenario(&raw);
    match scenario {
        Some(s) if v.problems.is_empty() => Ok(s),
        _ => {
            assert!(!v.problems.is_empty(), "a rejected scenario names its problems");
            v.problems.sort_by_key(|p| (p.line, p.column));
            Err(Problems {
                path: path.to_string(),
                problems: v.problems,
            })
        }
    }
}

/// The problems of a file that could not be read into its raw shape.
fn parse_problems(path: &str, errors: Vec<raw::ParseError>) -> Problems {
    Problems {
        path: path.to_string(),
        problems: errors
            .into_iter()
            .map(|e| Problem {
                line: e.line,
                column: e.column,
                message: e.message,
            })
            .collect(),
    }
}

/// Parses and validates a deployment configuration file in the shape of
/// `aws deploy create-deployment-config --cli-input-json`.
pub fn load_config_str(text: &str, path: &str) -> Result<DeploymentConfig, Problems> {
    let raw: raw::RawDeploymentConfig =
        raw::parse_naming_every_unknown_field(text).map_err(|e| parse_problems(path, e))?;
    let mut v = Validator::default();
    match v.custom_config(&raw, 1, 1, ComputePlatform::Server) {
        Some(c) if v.problems.is_empty() => Ok(c),
        _ => Err(Problems {
            path: path.to_string(),
            problems: v.problems,
        }),
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn problem<T>(&mut self, at: &Located<T>, message: impl Into<String>) {
        self.problem_at(at.line, at.column, message);
    }

    fn problem_at(&mut self, line: u64, column: u64, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }

    /// `Some(v)` if `lo ≤ v ≤ hi`, else a problem naming the field, the range and the value.
    fn int_in(&mut self, v: &Located<i64>, field: &str, lo: i64, hi: i64) -> Option<u32> {
        if v.value < lo || v.value > hi {
            self.problem(v, format!("{field} must be between {lo} and {hi}, found {}", v.value));
            return None;
        }
        u32::try_from(v.value).ok()
    }

    /// The value a two-way switch names: the first choice when absent, else a problem
    /// naming the field, both spellings and the value found.
    fn either<T: Copy>(&mut self, raw: Option<&Located<String>>, field: &str, choices: [(&str, T); 2]) -> Option<T> {
        let Some(v) = raw else {
            return Some(choices[0].1);
        };
        let found = choices.iter().find(|(name, _)| *name == v.value);
        if found.is_none() {
            let message = format!(
                "{field} must be {} or {}, found \"{}\"",
                choices[0].0, choices[1].0, v.value
            );
            self.problem(v, message);
        }
        found.map(|&(_, value)| value)
    }

    fn scenario(&mut self, raw: &RawScenario) -> Option<Scenario> {
        if raw.name.value.trim().is_empty() {
            self.problem(&raw.name, "name must not be empty");
        }
        let declared = self.declared_platform(raw);
        let config = self.deployment_config(raw, declared.unwrap_or(ComputePlatform::Server));
        let platform = match (&config, declared) {
            (Some(c), Some(d)) if c.compute_platform != d => {
                let at = raw.compute_platform.as_ref().map_or((1, 1), |p| (p.line, p.column));
                self.problem_at(
                    at.0,
                    at.1,
                    format!(
                        "this is {} scenario, but {} is {} configuration",
                        d.with_article(),
                        c.name,
                        c.compute_platform.with_article()
                    ),
                );
                None
            }
            (Some(c), _) => Some(c.compute_platform),
            (None, d) => d,
        };
        self.misplaced_sections(raw, platform);
        let monitoring = self.monitoring(raw, platform);
        let workload = match platform {
            Some(ComputePlatform::Server) if raw.blue_green_deployment_configuration.is_some() => {
                self.ec2_blue_green(raw, config.as_ref()).map(Workload::Ec2BlueGreen)
            }
            Some(ComputePlatform::Server) => self.in_place(raw, config.as_ref()).map(Workload::InPlace),
            Some(p) => self.blue_green(raw, config.as_ref(), p).map(Workload::BlueGreen),
            None => None,
        };
        if let (Some(Workload::BlueGreen(bg)), Some(m)) = (&workload, &monitoring) {
            self.alarm_periods_fit(raw, bg.traffic.period, m);
        }
        let fault_model = match &raw.fault_model {
            None => Some(None),
            Some(f) => self.fault_model(f, workload.as_ref()).map(Some),
        };
        let candidates = self.candidates(raw, platform, workload.as_ref());
        let history = self.history(raw, workload.as_ref());
        Some(Scenario {
            name: raw.name.value.clone(),
            description: raw.description.clone(),
            seed: raw.seed.as_ref().map_or(1, |s| s.value),
            deployment_config: config?,
            workload: workload?,
            monitoring: monitoring?,
            fault_model: fault_model?,
            candidates: candidates?,
            history: history?,
        })
    }

    /// A `computePlatform` value.
    fn platform(&mut self, p: &Located<String>) -> Option<ComputePlatform> {
        let parsed = ComputePlatform::parse(&p.value);
        if parsed.is_none() {
            self.problem(
                p,
                format!("computePlatform must be Server, ECS or Lambda, found \"{}\"", p.value),
            );
        }
        parsed
    }

    /// The platform the scenario says it is: `computePlatform`, or the section it has.
    fn declared_platform(&mut self, raw: &RawScenario) -> Option<ComputePlatform> {
        if let Some(p) = &raw.compute_platform {
            return self.platform(p);
        }
        match (&raw.fleet, &raw.ecs_service, &raw.lambda_function) {
            (Some(_), None, None) => Some(ComputePlatform::Server),
            (None, Some(_), None) => Some(ComputePlatform::Ecs),
            (None, None, Some(_)) => Some(ComputePlatform::Lambda),
            _ => None,
        }
    }

    /// Sections that belong to another platform.
    fn misplaced_sections(&mut self, raw: &RawScenario, platform: Option<ComputePlatform>) {
        let Some(platform) = platform else { return };
        if platform == ComputePlatform::Server {
            self.misplaced_in_server(raw);
        } else {
            self.misplaced_outside_server(raw, platform);
        }
    }

    /// A problem at `present` (a section's line and column, when it is there): `what`
    /// applies to `belongs` deployments, not to `platform`'s.
    fn wrong_platform(&mut self, present: Option<(u64, u64)>, what: &str, belongs: &str, platform: ComputePlatform) {
        if let Some((line, column)) = present {
            self.problem_at(
                line,
                column,
                format!(
                    "{what} applies to {belongs} deployments, and this is {} scenario",
                    platform.with_article()
                ),
            );
        }
    }

    /// ECS and Lambda sections in a Server scenario.
    fn misplaced_in_server(&mut self, raw: &RawScenario) {
        let server = ComputePlatform::Server;
        self.wrong_platform(
            raw.ecs_service.as_ref().map(|e| (e.line, e.column)),
            "ecsService",
            "ECS",
            server,
        );
        self.wrong_platform(
            raw.lambda_function.as_ref().map(|e| (e.line, e.column)),
            "lambdaFunction",
            "Lambda",
            server,
        );
        self.wrong_platform(
            raw.hook_functions
                .as_ref()
                .and_then(|h| h.entries().first().map(|(_, h)| (h.line, h.column))),
            "hookFunctions",
            "ECS and Lambda",
            server,
        );
        self.wrong_platform(
            raw.traffic.as_ref().map(|_| (1, 1)),
            "traffic",
            "ECS and Lambda",
            server,
        );
        self.wrong_platform(
            raw.linear_end.as_ref().map(|e| (e.line, e.column)),
            "linearEnd",
            "ECS and Lambda",
            server,
        );
    }

    /// Server sections (and the other one of ECS and Lambda) in an ECS or Lambda scenario.
    fn misplaced_outside_server(&mut self, raw: &RawScenario, platform: ComputePlatform) {
        if let Some(b) = &raw.blue_green_deployment_configuration {
            self.problem(
                b,
                format!(
                    "blueGreenDeploymentConfiguration describes EC2 (Server) blue/green deployments; {} \
                     deployments are always blue/green (deploymentReadyOption and terminationWaitTimeInMinutes \
                     go under ecsService)",
                    platform.api_name()
                ),
            );
        }
        self.wrong_platform(
            raw.fleet.as_ref().map(|f| (f.instances.line, f.instances.column)),
            "fleet",
            "Server",
            platform,
        );
        if let Some(h) = &raw.hooks
            && let Some((_, scripts)) = h.entries().first()
        {
            let l = &scripts[0].location;
            self.problem(
                l,
                format!(
                    "{} hooks take Lambda function names, not scripts: use hookFunctions (§4.2, §4.3)",
                    platform.api_name()
                ),
            );
        }
        self.wrong_platform(
            raw.instance_scheduling.as_ref().map(|e| (e.line, e.column)),
            "instanceScheduling",
            "Server",
            platform,
        );
        if raw.load_balancer.is_some() || raw.agent.is_some() || raw.ignore_application_stop_failures.is_some() {
            self.problem_at(
                1,
                1,
                "loadBalancer, agent and ignoreApplicationStopFailures apply to Server deployments; ECS health \
                 checks go under ecsService.healthCheck",
            );
        }
        if platform == ComputePlatform::Lambda {
            self.wrong_platform(
                raw.ecs_service.as_ref().map(|e| (e.line, e.column)),
                "ecsService",
                "ECS",
                platform,
            );
        } else {
            self.wrong_platform(
                raw.lambda_function.as_ref().map(|e| (e.line, e.column)),
                "lambdaFunction",
                "Lambda",
                platform,
            );
        }
    }

    /// The Server part of a scenario.
    fn in_place(&mut self, raw: &RawScenario, config: Option<&DeploymentConfig>) -> Option<InPlace> {
        self.server_part(raw, config, 0)
    }

    /// The Server part; `replacements` more instances (numbered after the fleet) may be
    /// named by faults (EC2 blue/green).
    fn server_part(
        &mut self,
        raw: &RawScenario,
        config: Option<&DeploymentConfig>,
        replacements: u32,
    ) -> Option<InPlace> {
        let Some(raw_fleet) = &raw.fleet else {
            self.problem_at(1, 1, "a Server scenario needs a fleet: {instances: N}");
            return None;
        };
        let fleet = self.fleet(raw_fleet);
        let load_balancer = raw.load_balancer.as_ref().map(|lb| self.load_balancer(lb));
        let hooks = self.hooks(raw.hooks.as_ref());
        let agent = self.agent(raw.agent.as_ref());
        let scheduling = self.instance_scheduling(raw.instance_scheduling.as_ref());
        // Faults are checked against whatever else validated, so their problems are
        // reported together with the others.
        let faults = self.faults(
            raw.faults.as_deref().unwrap_or(&[]),
            fleet.as_ref().map(|f| f.instances + replacements),
            raw.load_balancer.is_some(),
            hooks.as_ref(),
        );
        if let (Some(c), Some(f)) = (config, &fleet)
            && matches!(&c.rule, ConfigRule::MinimumHealthy { zonal: Some(_), .. })
            && f.zones.is_empty()
        {
            self.problem_at(
                raw_fleet.instances.line,
                raw_fleet.instances.column,
                "a zonal configuration needs fleet.availabilityZones (§2.6: one Availability Zone at a time)",
            );
        }
        Some(InPlace {
            fleet: fleet?,
            load_balancer: lift(load_balancer)?,
            hooks: hooks?,
            agent: agent?,
            ignore_application_stop_failures: raw.ignore_application_stop_failures.unwrap_or(false),
            instance_scheduling: scheduling?,
            faults: faults?,
        })
    }

    fn instance_scheduling(&mut self, raw: Option<&Located<String>>) -> Option<InstanceScheduling> {
        let choices = [
            ("rolling", InstanceScheduling::Rolling),
            ("waves", InstanceScheduling::Waves),
        ];
        self.either(raw, "instanceScheduling", choices)
    }
}

/// An optional part that failed validation (`Some(None)`) fails the whole; an absent one
/// (`None`) is fine.
fn lift<T>(part: Option<Option<T>>) -> Option<Option<T>> {
    match part {
        None => Some(None),
        Some(inner) => inner.map(Some),
    }
}
