//! The report of a run: plain data built from a finished deployment, in CodeDeploy's
//! shapes and spellings (§6 of the design notes), plus cdsim's metrics.
//!
//! The structs here are the JSON contract: field names are camelCase as
//! `aws deploy get-deployment` prints them, times are simulated seconds since the
//! deployment was created. Rendering lives in `json` and `text`.
//!
//! Not here: simulation (the report only reads a finished run).

pub mod config;
pub mod json;
pub mod text;

use serde::Serialize;

use crate::config::{ConfigRule, MinimumHealthyHosts};
use crate::deployment::{Diagnostic, LifecycleErrorCode, LifecycleEventStatus, TargetStatus};
use crate::id::TargetId;
use crate::platform::server::InPlaceOutcome;
use crate::scenario::Scenario;
use crate::time::SimTime;

/// A run's report.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub deployments: Vec<DeploymentInfo>,
    pub metrics: Metrics,
    /// In-service instances over time: the start and every change.
    pub capacity: Vec<CapacityPoint>,
}

/// `deploymentInfo`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentInfo {
    pub deployment_id: String,
    pub creator: &'static str,
    pub deployment_config_name: String,
    pub compute_platform: &'static str,
    pub deployment_style: DeploymentStyle,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_information: Option<ErrorInformation>,
    pub deployment_overview: DeploymentOverview,
    pub ignore_application_stop_failures: bool,
    /// Seconds since the deployment was created (always 0 for the first deployment).
    pub create_time: f64,
    pub complete_time: f64,
    /// The resolved minimum healthy hosts and what it implies (§3.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_plan: Option<HealthPlanInfo>,
    pub targets: Vec<TargetInfo>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStyle {
    pub deployment_type: &'static str,
    pub deployment_option: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct ErrorInformation {
    pub code: &'static str,
    pub message: String,
}

/// `deploymentOverview`: targets per status, spelled as the API does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentOverview {
    pub pending: u32,
    pub in_progress: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub skipped: u32,
    pub ready: u32,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthPlanInfo {
    pub minimum_healthy_hosts: MinimumHealthyHostsInfo,
    /// M, the resolved instance count.
    pub minimum_healthy_instances: u32,
    pub max_in_flight: u32,
    pub min_successes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MinimumHealthyHostsInfo {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub value: u32,
}

impl From<MinimumHealthyHosts> for MinimumHealthyHostsInfo {
    fn from(m: MinimumHealthyHosts) -> Self {
        MinimumHealthyHostsInfo {
            kind: m.type_name(),
            value: m.value(),
        }
    }
}

/// `instanceTarget`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetInfo {
    pub target_id: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    pub lifecycle_events: Vec<LifecycleEventInfo>,
}

/// `lifecycleEvent`. Times are absent for events that never started.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleEventInfo {
    pub lifecycle_event_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Diagnostics>,
}

/// `diagnostics`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    pub error_code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    pub message: String,
}

/// Timing and availability figures of a run.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// Seconds from creation to the terminal status.
    pub duration_seconds: f64,
    pub instances: u32,
    /// Instances in service at the start.
    pub initial_in_service: u32,
    pub min_in_service: u32,
    /// `min_in_service` as a percentage of the fleet.
    pub min_in_service_percent: f64,
    /// ∫ (initial in service − in service) dt over the deployment, in instance-seconds.
    pub capacity_seconds_lost: f64,
    /// Most instances deployed to at the same time.
    pub max_in_flight_observed: u32,
    /// Events the engine delivered.
    pub simulated_events: u64,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityPoint {
    pub time: f64,
    pub in_service: u32,
}

/// Builds the report of a finished in-place run.
pub fn build(scenario: &Scenario, seed: u64, outcome: &InPlaceOutcome, events: u64) -> Report {
    let deployment = deployment_info(scenario, outcome);
    let metrics = metrics(scenario, outcome, events);
    Report {
        scenario: scenario.name.clone(),
        seed,
        deployments: vec![deployment],
        metrics,
        capacity: outcome
            .capacity
            .iter()
            .map(|&(t, n)| CapacityPoint {
                time: t.as_secs_f64(),
                in_service: n,
            })
            .collect(),
    }
}

fn deployment_info(scenario: &Scenario, outcome: &InPlaceOutcome) -> DeploymentInfo {
    let mut overview = DeploymentOverview::default();
    for s in &outcome.target_status {
        match s {
            TargetStatus::Pending => overview.pending += 1,
            TargetStatus::InProgress => overview.in_progress += 1,
            TargetStatus::Succeeded => overview.succeeded += 1,
            TargetStatus::Failed => overview.failed += 1,
            TargetStatus::Skipped => overview.skipped += 1,
        }
    }
    let health_plan = match (&scenario.deployment_config.rule, outcome.plan) {
        (ConfigRule::MinimumHealthy { minimum, .. }, plan) => Some(HealthPlanInfo {
            minimum_healthy_hosts: (*minimum).into(),
            minimum_healthy_instances: minimum.resolve(scenario.fleet.instances),
            max_in_flight: plan.map_or(0, |p| p.max_in_flight),
            min_successes: plan.map_or(0, |p| p.min_successes),
        }),
        _ => None,
    };
    let zonal = matches!(
        &scenario.deployment_config.rule,
        ConfigRule::MinimumHealthy { zonal: Some(_), .. }
    ) || !scenario.fleet.zones.is_empty();
    let targets = (0..scenario.fleet.instances)
        .map(|i| target_info(scenario, outcome, TargetId(i), zonal))
        .collect();
    DeploymentInfo {
        deployment_id: "d-SIMULATED1".to_string(),
        creator: "user",
        deployment_config_name: scenario.deployment_config.name.clone(),
        compute_platform: scenario.deployment_config.compute_platform.api_name(),
        deployment_style: DeploymentStyle {
            deployment_type: "IN_PLACE",
            deployment_option: if scenario.load_balancer.is_some() {
                "WITH_TRAFFIC_CONTROL"
            } else {
                "WITHOUT_TRAFFIC_CONTROL"
            },
        },
        status: outcome.status.as_str(),
        error_information: outcome.error.as_ref().map(|e| ErrorInformation {
            code: e.code.as_str(),
            message: e.message.clone(),
        }),
        deployment_overview: overview,
        ignore_application_stop_failures: scenario.ignore_application_stop_failures,
        create_time: 0.0,
        complete_time: outcome.complete_time.as_secs_f64(),
        health_plan,
        targets,
    }
}

fn target_info(scenario: &Scenario, outcome: &InPlaceOutcome, t: TargetId, zonal: bool) -> TargetInfo {
    let k = outcome.order.len();
    let records = &outcome.records[t.index() * k..(t.index() + 1) * k];
    let lifecycle_events = outcome
        .order
        .iter()
        .zip(records)
        .map(|(&name, rec)| {
            let started = matches!(
                rec.status,
                LifecycleEventStatus::InProgress | LifecycleEventStatus::Succeeded | LifecycleEventStatus::Failed
            );
            let hook = scenario.agent.step(name).unwrap_or_else(|| scenario.hooks.get(name));
            LifecycleEventInfo {
                lifecycle_event_name: name.as_str(),
                start_time: started.then(|| rec.start.as_secs_f64()),
                end_time: started.then(|| rec.end().as_secs_f64()),
                status: rec.status.as_str(),
                diagnostics: started.then(|| diagnostics(rec.diagnostic, hook)).flatten(),
            }
        })
        .collect();
    TargetInfo {
        target_id: t.to_string(),
        status: outcome.target_status[t.index()].as_str(),
        availability_zone: zonal.then(|| scenario.fleet.zones[scenario.fleet.zone_of(t).index()].clone()),
        lifecycle_events,
    }
}

fn diagnostics(d: Diagnostic, hook: &crate::lifecycle::Hook) -> Option<Diagnostics> {
    let script_name = |i: u16| hook.scripts.get(usize::from(i)).map(|s| s.location.clone());
    Some(match d {
        Diagnostic::None => return None,
        Diagnostic::Script { code, script } => Diagnostics {
            error_code: code.as_str(),
            script_name: script_name(script),
            message: match code {
                LifecycleErrorCode::Success => "Succeeded".to_string(),
                LifecycleErrorCode::ScriptFailed => "Script at specified location exited with a non-zero code".into(),
                LifecycleErrorCode::ScriptTimedOut => {
                    let t = hook
                        .scripts
                        .get(usize::from(script))
                        .map_or(0, |s| s.timeout.as_millis() / 1000);
                    format!("Script at specified location did not finish within its timeout of {t} seconds")
                }
                LifecycleErrorCode::UnknownError => "Unknown error".into(),
            },
        },
        Diagnostic::AgentStepFailed => Diagnostics {
            error_code: LifecycleErrorCode::UnknownError.as_str(),
            script_name: None,
            message: "The agent's step failed".into(),
        },
        Diagnostic::InstanceStopped => Diagnostics {
            error_code: LifecycleErrorCode::UnknownError.as_str(),
            script_name: None,
            message: "The instance stopped responding; the lifecycle event timed out".into(),
        },
        Diagnostic::EventNotStarted => Diagnostics {
            error_code: LifecycleErrorCode::UnknownError.as_str(),
            script_name: None,
            message: "The instance stopped; the lifecycle event did not start within 5 minutes".into(),
        },
        Diagnostic::NotHealthyInTime => Diagnostics {
            error_code: LifecycleErrorCode::UnknownError.as_str(),
            script_name: None,
            message: "The instance was not reported healthy by the load balancer within one hour".into(),
        },
        Diagnostic::HookFailed => Diagnostics {
            error_code: LifecycleErrorCode::ScriptFailed.as_str(),
            script_name: None,
            message: "The hook function reported Failed".into(),
        },
        Diagnostic::HookNoReport => Diagnostics {
            error_code: LifecycleErrorCode::ScriptTimedOut.as_str(),
            script_name: None,
            message: "The hook function did not report a status within one hour".into(),
        },
        Diagnostic::TaskSetNotHealthy => Diagnostics {
            error_code: LifecycleErrorCode::UnknownError.as_str(),
            script_name: None,
            message: "The replacement task set did not become healthy within one hour".into(),
        },
    })
}

fn metrics(scenario: &Scenario, outcome: &InPlaceOutcome, events: u64) -> Metrics {
    let n = scenario.fleet.instances;
    let initial = outcome.capacity.first().map_or(0, |&(_, c)| c);
    let min = outcome.capacity.iter().map(|&(_, c)| c).min().unwrap_or(0);
    let end = outcome.complete_time;
    let mut lost_ms: u128 = 0;
    for (i, &(t, c)) in outcome.capacity.iter().enumerate() {
        let next = outcome.capacity.get(i + 1).map_or(end, |&(t2, _)| t2.min(end));
        if next > t {
            lost_ms += u128::from(initial.saturating_sub(c)) * u128::from(next.since(t).as_millis());
        }
    }
    Metrics {
        duration_seconds: end.as_secs_f64(),
        instances: n,
        initial_in_service: initial,
        min_in_service: min,
        min_in_service_percent: round2(100.0 * f64::from(min) / f64::from(n)),
        capacity_seconds_lost: lost_ms as f64 / 1000.0,
        max_in_flight_observed: max_in_flight(outcome),
        simulated_events: events,
    }
}

/// The most instances whose lifecycles overlap in time (an instance is in flight from its
/// first event's start to its last started event's end).
pub fn max_in_flight(outcome: &InPlaceOutcome) -> u32 {
    let k = outcome.order.len();
    let mut edges: Vec<(SimTime, i8)> = Vec::new();
    for recs in outcome.records.chunks_exact(k) {
        let started: Vec<_> = recs
            .iter()
            .filter(|r| !matches!(r.status, LifecycleEventStatus::Pending | LifecycleEventStatus::Skipped))
            .collect();
        if let (Some(first), Some(last)) = (started.first(), started.last()) {
            // Ends sort before starts at the same instant: a finished instance frees its
            // slot before the next one takes it.
            edges.push((first.start, 1));
            edges.push((last.end(), -1));
        }
    }
    edges.sort();
    let (mut cur, mut max) = (0i64, 0i64);
    for (_, d) in edges {
        cur += i64::from(d);
        max = max.max(cur);
    }
    max as u32
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
