//! Raw scenario → validated [`Scenario`], collecting every problem with its location.
//!
//! Each check cites the rule it enforces (section numbers of the CodeDeploy reference).
//! A YAML syntax or shape error stops parsing at the first one (serde cannot go on past
//! it); once the shape is right, every semantic problem is reported together.
//!
//! Not here: reading files from disk beyond [`load_file`], or simulating.

mod blue_green;
mod ec2_blue_green;
mod fault_model;
mod monitoring;

use std::fmt;
use std::path::Path;

use super::raw::{
    self, Located, RawDistribution, RawDuration, RawDurationModel, RawFault, RawHealthCheck, RawMinimumHealthyHosts,
    RawScenario, RawScript, RawStep,
};
use super::{Agent, Fleet, HealthClass, Hooks, InPlace, InstanceScheduling, Scenario, Workload};
use crate::config::traffic_routing::TrafficRouting;
use crate::config::{ComputePlatform, ConfigRule, DeploymentConfig, MinimumHealthyHosts, ZonalConfig, predefined};
use crate::fault::{Fault, Faults};
use crate::id::TargetId;
use crate::lifecycle::hook::MAX_EVENT_TIMEOUT;
use crate::lifecycle::{DurationModel, Hook, LifecycleEventName, Runner, Script};
use crate::load_balancer::{HealthCheck, LoadBalancer};
use crate::time::{SimDuration, SimTime};

/// The most instances a scenario may have (memory grows about 0.4 KiB per instance).
pub const MAX_INSTANCES: i64 = 2_000_000;

/// The most faults a scenario may list (the YAML reader's value budget, `raw::MAX_NODES`,
/// holds that many of the longest form).
pub const MAX_FAULTS: usize = 100_000;

/// One problem in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// Every problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems {
    pub path: String,
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
    let raw: RawScenario = raw::parse(text).map_err(|e| Problems {
        path: path.to_string(),
        problems: vec![Problem {
            line: e.line,
            column: e.column,
            message: e.message,
        }],
    })?;
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

/// Parses and validates a deployment configuration file in the shape of
/// `aws deploy create-deployment-config --cli-input-json`.
pub fn load_config_str(text: &str, path: &str) -> Result<DeploymentConfig, Problems> {
    let raw: raw::RawDeploymentConfig = raw::parse(text).map_err(|e| Problems {
        path: path.to_string(),
        problems: vec![Problem {
            line: e.line,
            column: e.column,
            message: e.message,
        }],
    })?;
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
                        "this is a {} scenario, but {} is a {} configuration",
                        d.api_name(),
                        c.name,
                        c.compute_platform.api_name()
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
        Some(Scenario {
            name: raw.name.value.clone(),
            description: raw.description.clone(),
            seed: raw.seed.as_ref().map_or(1, |s| s.value),
            deployment_config: config?,
            workload: workload?,
            monitoring: monitoring?,
            fault_model: fault_model?,
            candidates: candidates?,
        })
    }

    /// A `computePlatform` value.
    fn platform(&mut self, p: &Located<String>) -> Option<ComputePlatform> {
        let parsed = ComputePlatform::parse(&p.value);
        if parsed.is_none() {
            self.problem(
                p,
                format!("computePlatform must be Server, ECS or Lambda, found {:?}", p.value),
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
        let server = platform == ComputePlatform::Server;
        let wrong = |v: &mut Self, present: Option<(u64, u64)>, what: &str, belongs: &str| {
            if let Some((line, column)) = present {
                v.problem_at(
                    line,
                    column,
                    format!(
                        "{what} applies to {belongs} deployments, and this is a {} scenario",
                        platform.api_name()
                    ),
                );
            }
        };
        let at = |l: Option<(u64, u64)>| l;
        if server {
            wrong(
                self,
                at(raw.ecs_service.as_ref().map(|e| (e.line, e.column))),
                "ecsService",
                "ECS",
            );
            wrong(
                self,
                at(raw.lambda_function.as_ref().map(|e| (e.line, e.column))),
                "lambdaFunction",
                "Lambda",
            );
            wrong(
                self,
                raw.hook_functions
                    .as_ref()
                    .and_then(|h| h.entries().first().map(|(_, h)| (h.line, h.column))),
                "hookFunctions",
                "ECS and Lambda",
            );
            wrong(self, raw.traffic.as_ref().map(|_| (1, 1)), "traffic", "ECS and Lambda");
            wrong(
                self,
                raw.linear_end.as_ref().map(|e| (e.line, e.column)),
                "linearEnd",
                "ECS and Lambda",
            );
        } else {
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
            wrong(
                self,
                raw.fleet.as_ref().map(|f| (f.instances.line, f.instances.column)),
                "fleet",
                "Server",
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
            wrong(
                self,
                raw.instance_scheduling.as_ref().map(|e| (e.line, e.column)),
                "instanceScheduling",
                "Server",
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
                wrong(
                    self,
                    at(raw.ecs_service.as_ref().map(|e| (e.line, e.column))),
                    "ecsService",
                    "ECS",
                );
            } else {
                wrong(
                    self,
                    at(raw.lambda_function.as_ref().map(|e| (e.line, e.column))),
                    "lambdaFunction",
                    "Lambda",
                );
            }
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
        match raw.map(|v| (v, v.value.as_str())) {
            None | Some((_, "rolling")) => Some(InstanceScheduling::Rolling),
            Some((_, "waves")) => Some(InstanceScheduling::Waves),
            Some((v, other)) => {
                self.problem(
                    v,
                    format!("instanceScheduling must be rolling or waves, found {other:?}"),
                );
                None
            }
        }
    }

    // ----- deployment configuration (§2) ---------------------------------------------

    /// `platform` is the scenario's declared platform (Server when it declares none): it
    /// narrows suggestions and is the default of a custom configuration.
    fn deployment_config(&mut self, raw: &RawScenario, platform: ComputePlatform) -> Option<DeploymentConfig> {
        match (&raw.deployment_config_name, &raw.deployment_config) {
            (Some(_), Some(c)) => {
                self.problem(c, "give deploymentConfigName or deploymentConfig, not both");
                None
            }
            (Some(name), None) => self.named_config(name, platform),
            (None, Some(c)) => self.custom_config(&c.value, c.line, c.column, platform),
            // §2.1: no configuration anywhere ⇒ CodeDeployDefault.OneAtATime.
            (None, None) if platform == ComputePlatform::Server => Some(DeploymentConfig::default_server()),
            (None, None) => {
                self.problem_at(
                    1,
                    1,
                    format!(
                        "an {} scenario needs deploymentConfigName or deploymentConfig (`cdsim configs` lists them)",
                        platform.api_name()
                    ),
                );
                None
            }
        }
    }

    fn named_config(&mut self, name: &Located<String>, platform: ComputePlatform) -> Option<DeploymentConfig> {
        let Some(config) = predefined::find(&name.value) else {
            let same_platform = predefined::names_for(platform);
            let hint = closest(&name.value, &same_platform);
            self.problem(
                name,
                format!(
                    "unknown deployment configuration {:?}{}; `cdsim configs` lists the predefined ones, and a \
                     custom one goes under deploymentConfig",
                    name.value,
                    hint.map(|h| format!(" (did you mean {h}?)")).unwrap_or_default()
                ),
            );
            return None;
        };
        Some(config)
    }

    /// `default_platform` applies when the file names no `computePlatform` (a scenario's
    /// own platform; Server for a create-deployment-config file, as in the API).
    fn custom_config(
        &mut self,
        raw: &raw::RawDeploymentConfig,
        line: u64,
        column: u64,
        default_platform: ComputePlatform,
    ) -> Option<DeploymentConfig> {
        let name = match &raw.deployment_config_name {
            Some(n) if predefined::is_reserved(&n.value) => {
                // A create-deployment-config file may name a predefined config only to
                // describe it; a custom one may not take the reserved prefix (§2.1).
                if predefined::find(&n.value).is_some()
                    && raw.minimum_healthy_hosts.is_none()
                    && raw.traffic_routing_config.is_none()
                {
                    return predefined::find(&n.value);
                }
                self.problem(
                    n,
                    format!(
                        "custom configuration names may not start with CodeDeployDefault. (§2.1), found {:?}",
                        n.value
                    ),
                );
                None
            }
            Some(n) if n.value.trim().is_empty() => {
                self.problem(n, "deploymentConfigName must not be empty");
                None
            }
            Some(n) => Some(n.value.clone()),
            None => Some("Custom".to_string()),
        };
        let platform = match &raw.compute_platform {
            None => Some(default_platform),
            Some(p) => self.platform(p),
        };
        let rule = match (platform?, &raw.minimum_healthy_hosts, &raw.traffic_routing_config) {
            (ComputePlatform::Server, Some(m), None) => {
                let minimum = self.minimum_healthy_hosts(&m.value, "minimumHealthyHosts");
                let zonal = raw.zonal_config.as_ref().map(|z| self.zonal(&z.value));
                Some(ConfigRule::MinimumHealthy {
                    minimum: minimum?,
                    zonal: lift(zonal)?,
                })
            }
            (ComputePlatform::Server, None, _) => {
                self.problem_at(
                    line,
                    column,
                    "a Server configuration needs minimumHealthyHosts {type, value} (§2.1)",
                );
                None
            }
            (ComputePlatform::Server, Some(_), Some(t)) => {
                self.problem(
                    t,
                    "trafficRoutingConfig applies to ECS and Lambda configurations, not Server",
                );
                None
            }
            (_, Some(m), _) => {
                self.problem(
                    m,
                    "minimumHealthyHosts applies to Server configurations, not ECS or Lambda",
                );
                None
            }
            (_, None, None) => {
                self.problem_at(
                    line,
                    column,
                    "an ECS or Lambda configuration needs trafficRoutingConfig (§2.1)",
                );
                None
            }
            (_, None, Some(t)) => self.traffic_routing(&t.value).map(ConfigRule::TrafficRouting),
        };
        if let (Some(z), Some(p)) = (&raw.zonal_config, platform)
            && p != ComputePlatform::Server
        {
            self.problem(z, "zonalConfig applies only to EC2 in-place deployments (§2.6)");
        }
        Some(DeploymentConfig {
            name: name?,
            compute_platform: platform?,
            rule: rule?,
        })
    }

    /// §2.1 limits: HOST_COUNT any value ≥ 0; FLEET_PERCENT 0–99; MOST_CONCURRENCY cannot be set.
    fn minimum_healthy_hosts(&mut self, raw: &RawMinimumHealthyHosts, field: &str) -> Option<MinimumHealthyHosts> {
        match raw.kind.value.as_str() {
            "HOST_COUNT" => self
                .int_in(
                    &raw.value,
                    &format!("{field}.value (HOST_COUNT)"),
                    0,
                    i64::from(u32::MAX),
                )
                .map(MinimumHealthyHosts::HostCount),
            "FLEET_PERCENT" => self
                .int_in(&raw.value, &format!("{field}.value (FLEET_PERCENT)"), 0, 99)
                .map(MinimumHealthyHosts::FleetPercent),
            "MOST_CONCURRENCY" => {
                self.problem(&raw.kind, "MOST_CONCURRENCY is reserved for CodeDeployDefault.OneAtATime; use HOST_COUNT or FLEET_PERCENT (§2.2)");
                None
            }
            other => {
                self.problem(
                    &raw.kind,
                    format!("{field}.type must be HOST_COUNT or FLEET_PERCENT, found {other:?}"),
                );
                None
            }
        }
    }

    fn zonal(&mut self, raw: &raw::RawZonalConfig) -> Option<ZonalConfig> {
        let mut secs = |v: &Option<Located<i64>>, field: &str| -> Option<Option<SimDuration>> {
            match v {
                None => Some(None),
                Some(v) => self
                    .int_in(v, field, 0, i64::from(u32::MAX))
                    .map(|s| Some(SimDuration::from_secs(u64::from(s)))),
            }
        };
        let first = secs(
            &raw.first_zone_monitor_duration_in_seconds,
            "firstZoneMonitorDurationInSeconds",
        );
        let monitor = secs(&raw.monitor_duration_in_seconds, "monitorDurationInSeconds");
        let per_zone = match &raw.minimum_healthy_hosts_per_zone {
            Some(m) => self.minimum_healthy_hosts(&m.value, "minimumHealthyHostsPerZone"),
            None => Some(MinimumHealthyHosts::FleetPercent(0)),
        };
        Some(ZonalConfig {
            first_zone_monitor_duration: first?,
            monitor_duration: monitor?,
            minimum_healthy_hosts_per_zone: per_zone?,
        })
    }

    /// §2.1: canary and linear steps of 1–99 %, whole minutes; at most 2880 minutes from the
    /// first to the last shift (§11).
    fn traffic_routing(&mut self, raw: &raw::RawTrafficRoutingConfig) -> Option<TrafficRouting> {
        match raw.kind.value.as_str() {
            "AllAtOnce" => Some(TrafficRouting::AllAtOnce),
            "TimeBasedCanary" => {
                let Some(c) = &raw.time_based_canary else {
                    self.problem(
                        &raw.kind,
                        "TimeBasedCanary needs timeBasedCanary {canaryPercentage, canaryInterval}",
                    );
                    return None;
                };
                let p = self.int_in(&c.canary_percentage, "canaryPercentage", 1, 99);
                let i = self.int_in(&c.canary_interval, "canaryInterval (minutes)", 1, 2880);
                Some(TrafficRouting::TimeBasedCanary {
                    percentage: p?,
                    interval_minutes: i?,
                })
            }
            "TimeBasedLinear" => {
                let Some(c) = &raw.time_based_linear else {
                    self.problem(
                        &raw.kind,
                        "TimeBasedLinear needs timeBasedLinear {linearPercentage, linearInterval}",
                    );
                    return None;
                };
                let p = self.int_in(&c.linear_percentage, "linearPercentage", 1, 99)?;
                let i = self.int_in(&c.linear_interval, "linearInterval (minutes)", 1, 2880)?;
                let span = (100u32.div_ceil(p) - 1) * i;
                if span > 2880 {
                    self.problem(
                        &c.linear_interval,
                        format!(
                            "the first and last traffic shift would be {span} minutes apart; the limit is 2880 (§11)"
                        ),
                    );
                    return None;
                }
                Some(TrafficRouting::TimeBasedLinear {
                    percentage: p,
                    interval_minutes: i,
                })
            }
            other => {
                self.problem(
                    &raw.kind,
                    format!("trafficRoutingConfig.type must be AllAtOnce, TimeBasedCanary or TimeBasedLinear, found {other:?}"),
                );
                None
            }
        }
    }

    // ----- fleet and load balancer ---------------------------------------------------

    fn fleet(&mut self, raw: &raw::RawFleet) -> Option<Fleet> {
        let n = self.int_in(&raw.instances, "fleet.instances", 1, MAX_INSTANCES)?;
        let zones = raw
            .availability_zones
            .as_ref()
            .map_or_else(Vec::new, |z| z.value.clone());
        if let Some(z) = &raw.availability_zones {
            let mut sorted = z.value.clone();
            sorted.sort();
            if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                self.problem(z, format!("availabilityZones lists {:?} twice", w[0]));
            }
            if z.value.iter().any(|s| s.trim().is_empty()) {
                self.problem(z, "availabilityZones has an empty name");
            }
        }
        let mut initial_health = Vec::new();
        if let Some(h) = &raw.instance_health {
            let lists = [
                (&h.unhealthy, HealthClass::Unhealthy, "unhealthy"),
                (&h.unknown, HealthClass::Unknown, "unknown"),
                (&h.current, HealthClass::Current, "current"),
            ];
            for (list, class, field) in lists {
                for t in list.iter().flatten() {
                    if let Some(i) = self.int_in(t, &format!("instanceHealth.{field} instance"), 0, i64::from(n) - 1) {
                        if initial_health.iter().any(|&(x, _)| x == TargetId(i)) {
                            self.problem(
                                t,
                                format!("instance {i} is listed in more than one instanceHealth class"),
                            );
                        }
                        initial_health.push((TargetId(i), class));
                    }
                }
            }
        }
        initial_health.sort();
        if raw.first_deployment == Some(true)
            && let Some(h) = &raw.instance_health
            && let Some(t) = h.unknown.iter().chain(h.current.iter()).flatten().next()
        {
            self.problem(
                t,
                "on a first deployment every instance is Unhealthy (nothing was ever deployed): instanceHealth may \
                 list only unhealthy instances",
            );
            return None;
        }
        Some(Fleet {
            instances: n,
            zones,
            first_deployment: raw.first_deployment.unwrap_or(false),
            initial_health,
        })
    }

    fn load_balancer(&mut self, raw: &raw::RawLoadBalancer) -> Option<LoadBalancer> {
        let default = LoadBalancer::default();
        let delay = self.duration_in(
            &raw.deregistration_delay,
            "deregistrationDelay",
            0,
            3600,
            default.deregistration_delay,
        );
        let hc = match &raw.health_check {
            Some(h) => self.health_check(h),
            None => Some(HealthCheck::default()),
        };
        Some(LoadBalancer {
            deregistration_delay: delay?,
            health_check: hc?,
        })
    }

    /// ALB ranges (§10).
    fn health_check(&mut self, raw: &RawHealthCheck) -> Option<HealthCheck> {
        let d = HealthCheck::default();
        let interval = self.duration_in(&raw.interval, "healthCheck.interval", 5, 300, d.interval);
        let timeout = self.duration_in(&raw.timeout, "healthCheck.timeout", 2, 120, d.timeout);
        let mut count = |v: &Option<Located<i64>>, field: &str, lo: i64, default: u32| match v {
            None => Some(default),
            Some(v) => self.int_in(v, field, lo, 10),
        };
        let healthy = count(
            &raw.healthy_threshold,
            "healthCheck.healthyThreshold",
            2,
            d.healthy_threshold,
        );
        let unhealthy = count(
            &raw.unhealthy_threshold,
            "healthCheck.unhealthyThreshold",
            2,
            d.unhealthy_threshold,
        );
        let passes = count(
            &raw.new_target_passes,
            "healthCheck.newTargetPasses",
            1,
            d.new_target_passes,
        );
        let response = self.duration_in(&raw.response_time, "healthCheck.responseTime", 0, 3600, d.response_time);
        let phase = self.duration_in(&raw.phase, "healthCheck.phase", 0, 300, d.phase);
        let (interval, timeout) = (interval?, timeout?);
        if timeout >= interval
            && let Some(t) = &raw.timeout
        {
            self.problem(
                t,
                format!("healthCheck.timeout ({timeout}) must be less than the interval ({interval})"),
            );
            return None;
        }
        if let (Some(p), Some(ph)) = (&raw.phase, phase)
            && ph >= interval
        {
            self.problem(
                p,
                format!("healthCheck.phase ({ph}) must be less than the interval ({interval})"),
            );
            return None;
        }
        Some(HealthCheck {
            interval,
            timeout,
            healthy_threshold: healthy?,
            unhealthy_threshold: unhealthy?,
            new_target_passes: passes?,
            response_time: response?,
            phase: phase?,
        })
    }

    // ----- hooks and durations (§4.4) -------------------------------------------------

    fn hooks(&mut self, raw: Option<&raw::RawHooks>) -> Option<Hooks> {
        let mut hooks = Hooks::default();
        let mut ok = true;
        for (name, scripts) in raw.map(|r| r.entries()).unwrap_or_default() {
            let event = LifecycleEventName::parse(name).expect("field names are event names");
            match self.hook(name, scripts) {
                Some(h) => hooks.set(event, h),
                None => ok = false,
            }
        }
        ok.then_some(hooks)
    }

    fn hook(&mut self, event: &str, scripts: &[RawScript]) -> Option<Hook> {
        let mut out = Vec::new();
        let mut ok = true;
        for s in scripts {
            match self.script(s) {
                Some(script) => out.push(script),
                None => ok = false,
            }
        }
        let total = out.iter().fold(SimDuration::ZERO, |a, s| a + s.timeout);
        if ok && total > MAX_EVENT_TIMEOUT {
            let first = &scripts[0].location;
            self.problem(
                first,
                format!(
                    "the scripts of {event} have timeouts adding up to {}s; one lifecycle event may take at most 3600s \
                     (§4.4)",
                    total.as_millis() / 1000
                ),
            );
            ok = false;
        }
        ok.then_some(Hook { scripts: out })
    }

    fn script(&mut self, raw: &RawScript) -> Option<Script> {
        if raw.location.value.trim().is_empty() {
            self.problem(&raw.location, "location must name a script (it is empty)");
        }
        // §4.4: the agent rejects a timeout ≤ 0; 3600 s is the default and the maximum.
        let timeout = match &raw.timeout {
            None => Some(MAX_EVENT_TIMEOUT),
            Some(t) => self
                .int_in(t, "timeout (seconds)", 1, 3600)
                .map(|s| SimDuration::from_secs(u64::from(s))),
        };
        let duration = self.duration_model(raw.duration.as_ref(), SimDuration::from_secs(5));
        let p = self.probability(raw.failure_probability.as_ref());
        (!raw.location.value.trim().is_empty()).then_some(())?;
        Some(Script {
            location: raw.location.value.clone(),
            timeout: timeout?,
            duration: duration?,
            failure_probability: p?,
        })
    }

    fn agent(&mut self, raw: Option<&raw::RawAgent>) -> Option<Agent> {
        let download = self.step(raw.and_then(|a| a.download_bundle.as_ref()), "DownloadBundle", 2);
        let install = self.step(raw.and_then(|a| a.install.as_ref()), "Install", 1);
        Some(Agent {
            download_bundle: download?,
            install: install?,
        })
    }

    fn step(&mut self, raw: Option<&RawStep>, name: &str, default_secs: u64) -> Option<Hook> {
        let default = SimDuration::from_secs(default_secs);
        let duration = self.duration_model(raw.and_then(|r| r.duration.as_ref()), default);
        let p = self.probability(raw.and_then(|r| r.failure_probability.as_ref()));
        Some(Hook {
            scripts: vec![Script {
                location: format!("(agent) {name}"),
                timeout: MAX_EVENT_TIMEOUT,
                duration: duration?,
                failure_probability: p?,
            }],
        })
    }

    fn probability(&mut self, raw: Option<&Located<f64>>) -> Option<f64> {
        match raw {
            None => Some(0.0),
            Some(p) if (0.0..=1.0).contains(&p.value) => Some(p.value),
            Some(p) => {
                self.problem(
                    p,
                    format!("failureProbability must be between 0 and 1, found {}", p.value),
                );
                None
            }
        }
    }

    fn duration_model(
        &mut self,
        raw: Option<&Located<RawDurationModel>>,
        default: SimDuration,
    ) -> Option<DurationModel> {
        let Some(raw) = raw else {
            return Some(DurationModel::Fixed(default));
        };
        let (line, column) = (raw.line, raw.column);
        let mut dur = |d: &RawDuration, field: &str| self.duration(d, field, line, column);
        match &raw.value {
            RawDurationModel::Fixed(d) | RawDurationModel::Distribution(RawDistribution::Fixed(d)) => {
                dur(d, "duration").map(DurationModel::Fixed)
            }
            RawDurationModel::Distribution(RawDistribution::Lognormal { median, sigma }) => {
                let median = dur(median, "lognormal median")?;
                if median == SimDuration::ZERO {
                    self.problem(raw, "lognormal median must be positive");
                    return None;
                }
                if !(sigma.is_finite() && (0.0..=5.0).contains(sigma)) {
                    self.problem(raw, format!("lognormal sigma must be between 0 and 5, found {sigma}"));
                    return None;
                }
                Some(DurationModel::lognormal(median.as_secs_f64(), *sigma))
            }
            RawDurationModel::Distribution(RawDistribution::Exponential { mean }) => {
                let mean = dur(mean, "exponential mean")?;
                if mean == SimDuration::ZERO {
                    self.problem(raw, "exponential mean must be positive");
                    return None;
                }
                Some(DurationModel::Exponential {
                    mean_s: mean.as_secs_f64(),
                })
            }
            RawDurationModel::Distribution(RawDistribution::Uniform { min, max }) => {
                let (min, max) = (dur(min, "uniform min"), dur(max, "uniform max"));
                let (min, max) = (min?, max?);
                if min > max {
                    self.problem(raw, format!("uniform min ({min}) is greater than max ({max})"));
                    return None;
                }
                Some(DurationModel::Uniform { min, max })
            }
        }
    }

    /// A duration: seconds as a number, or text (`90s`, `5m`, `1h 30m`, `250ms`).
    fn duration(&mut self, raw: &RawDuration, field: &str, line: u64, column: u64) -> Option<SimDuration> {
        const LIMIT_S: f64 = 365.0 * 24.0 * 3600.0;
        let secs = match raw {
            RawDuration::Seconds(s) => Some(*s),
            RawDuration::Text(t) => parse_duration_text(t),
        };
        match secs {
            Some(s) if s.is_finite() && (0.0..=LIMIT_S).contains(&s) => Some(SimDuration::from_secs_f64(s)),
            _ => {
                let found = match raw {
                    RawDuration::Seconds(s) => s.to_string(),
                    RawDuration::Text(t) => format!("{t:?}"),
                };
                self.problem_at(
                    line,
                    column,
                    format!(
                        "{field} must be a duration from 0 to one year, such as 30, 30s, 5m or 1h 30m; found {found}"
                    ),
                );
                None
            }
        }
    }

    /// An optional duration field with a range in whole seconds and a default.
    fn duration_in(
        &mut self,
        raw: &Option<Located<RawDuration>>,
        field: &str,
        lo_s: u64,
        hi_s: u64,
        default: SimDuration,
    ) -> Option<SimDuration> {
        let Some(raw) = raw else {
            return Some(default);
        };
        let d = self.duration(&raw.value, field, raw.line, raw.column)?;
        if d < SimDuration::from_secs(lo_s) || d > SimDuration::from_secs(hi_s) {
            self.problem(raw, format!("{field} must be between {lo_s}s and {hi_s}s, found {d}"));
            return None;
        }
        Some(d)
    }

    // ----- faults ---------------------------------------------------------------------

    /// `instances` and `hooks` are `None` when they did not validate: the checks that need
    /// them are skipped (their own problems are already reported).
    fn faults(
        &mut self,
        raw: &[Located<RawFault>],
        instances: Option<u32>,
        with_lb: bool,
        hooks: Option<&Hooks>,
    ) -> Option<Faults> {
        if let Some(f) = raw.get(MAX_FAULTS) {
            self.problem(
                f,
                format!(
                    "at most {MAX_FAULTS} faults, found {} (this is fault {})",
                    raw.len(),
                    MAX_FAULTS + 1
                ),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for f in raw {
            match self.fault(f, instances, with_lb, hooks) {
                Some(f) => out.push(f),
                None => ok = false,
            }
        }
        ok.then(|| Faults::new(out))
    }

    fn fault(
        &mut self,
        located: &Located<RawFault>,
        instances: Option<u32>,
        with_lb: bool,
        hooks: Option<&Hooks>,
    ) -> Option<Fault> {
        let raw = &located.value;
        let target = |v: &mut Self, t: &Located<i64>| {
            let max = instances.map_or(i64::from(u32::MAX), |n| i64::from(n) - 1);
            v.int_in(t, "target (instance number)", 0, max).map(TargetId)
        };
        match raw {
            RawFault::HookFails { target: t, event } => {
                let (t, e) = (target(self, t), self.fault_event(event, with_lb, hooks));
                Some(Fault::HookFails { target: t?, event: e? })
            }
            RawFault::HookHangs { target: t, event } => {
                let (t, e) = (target(self, t), self.fault_event(event, with_lb, hooks));
                Some(Fault::HookHangs { target: t?, event: e? })
            }
            RawFault::SlowHook {
                target: t,
                event,
                extra,
            } => {
                let (t, e) = (target(self, t), self.fault_event(event, with_lb, hooks));
                let extra = self.duration(&extra.value, "extra", extra.line, extra.column);
                Some(Fault::SlowHook {
                    target: t?,
                    event: e?,
                    extra: extra?,
                })
            }
            RawFault::InstanceStops { target: t, at } => {
                let t = target(self, t);
                let at = self.duration(&at.value, "at", at.line, at.column);
                Some(Fault::InstanceStops {
                    target: t?,
                    at: SimTime::ZERO + at?,
                })
            }
            RawFault::ReplacementTasksUnhealthy {} => {
                self.problem(located, "replacementTasksUnhealthy applies to ECS deployments");
                None
            }
            RawFault::FailsHealthChecks { target: t } => {
                if !with_lb {
                    self.problem(
                        t,
                        "failsHealthChecks needs a loadBalancer: without one there are no health checks",
                    );
                }
                let t = target(self, t)?;
                with_lb.then_some(Fault::FailsHealthChecks { target: t })
            }
        }
    }

    /// A fault's event must run in this scenario and run something that can fail.
    fn fault_event(
        &mut self,
        raw: &Located<String>,
        with_lb: bool,
        hooks: Option<&Hooks>,
    ) -> Option<LifecycleEventName> {
        let Some(e) = LifecycleEventName::parse(&raw.value) else {
            let names: Vec<&str> = LifecycleEventName::ALL.iter().map(|e| e.as_str()).collect();
            let hint = closest(&raw.value, &names)
                .map(|h| format!(" (did you mean {h}?)"))
                .unwrap_or_default();
            self.problem(raw, format!("unknown lifecycle event {:?}{hint}", raw.value));
            return None;
        };
        if !LifecycleEventName::in_place_order(with_lb).contains(&e) {
            self.problem(
                raw,
                format!("{e} does not run in this scenario: traffic events need a loadBalancer (§4.1)"),
            );
            return None;
        }
        match e.runner() {
            Runner::Deregister | Runner::Register => {
                self.problem(
                    raw,
                    format!("{e} is run by CodeDeploy, not by scripts; use failsHealthChecks or instanceStops for it"),
                );
                None
            }
            Runner::Scripts if hooks.is_some_and(|h| h.get(e).is_empty()) => {
                self.problem(
                    raw,
                    format!("{e} has no scripts in this scenario's hooks, so nothing can fail there"),
                );
                None
            }
            _ => Some(e),
        }
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

/// Parses `90s`, `5m`, `1h 30m`, `250ms`, `1.5h` into seconds.
pub fn parse_duration_text(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(s) = t.parse::<f64>() {
        return Some(s);
    }
    let mut total = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (num, tail) = rest.split_at(num_end);
        let value: f64 = num.parse().ok()?;
        let tail = tail.trim_start();
        let unit_end = tail.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let scale = match unit {
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" | "hr" | "hrs" => 3600.0,
            "d" => 86_400.0,
            _ => return None,
        };
        total += value * scale;
        rest = tail.trim_start();
    }
    Some(total)
}

/// The one or two candidates closest to `s` by edit distance, if reasonably close:
/// `"A"`, or `"A or B"` when B is nearly as close as A.
fn closest(s: &str, candidates: &[&str]) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let mut near: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|&(d, c)| d <= c.len() / 3)
        .collect();
    near.sort();
    match near.as_slice() {
        [] => None,
        [(_, a)] => Some(a.to_string()),
        [(d1, a), (d2, b), ..] if *d2 <= 2 * d1 => Some(format!("{a} or {b}")),
        [(_, a), ..] => Some(a.to_string()),
    }
}

/// Levenshtein distance, for "did you mean" hints (also used by `input`).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_text() {
        assert_eq!(parse_duration_text("90s"), Some(90.0));
        assert_eq!(parse_duration_text("1h 30m"), Some(5400.0));
        assert_eq!(parse_duration_text("250ms"), Some(0.25));
        assert_eq!(parse_duration_text("12"), Some(12.0));
        assert_eq!(parse_duration_text("5 parsecs"), None);
        assert_eq!(parse_duration_text(""), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("CodeDeployDefault.HalfAtOnce", &predefined::NAMES[..3]).as_deref(),
            Some("CodeDeployDefault.AllAtOnce or CodeDeployDefault.HalfAtATime")
        );
        assert_eq!(closest("zzz", &predefined::NAMES), None);
        assert_eq!(
            closest("CodeDeployDefault.OneAtTime", &predefined::NAMES).as_deref(),
            Some("CodeDeployDefault.OneAtATime")
        );
    }
}
