//! The report of a run: plain data built from a finished deployment, in CodeDeploy's
//! shapes and spellings (§6 of the design notes), plus cdsim's metrics.
//!
//! The structs here are the JSON contract: field names are camelCase as
//! `aws deploy get-deployment` prints them, times are simulated seconds since the
//! deployment was created. Rendering lives in `json` and `text`.
//!
//! Not here: simulation (the report only reads a finished run).

pub mod blue_green;
pub mod charts;
pub mod config;
pub mod ec2_blue_green;
pub mod files;
pub mod html;
pub mod in_place;
pub mod json;
pub mod markdown;
pub mod page;
pub mod schedule;
pub mod text;
pub mod timeseries;
pub mod timing;

pub use in_place::max_in_flight;

use std::borrow::Cow;

use serde::Serialize;

use crate::config::MinimumHealthyHosts;
use crate::deployment::{Diagnostic, EventRecord, LifecycleErrorCode, LifecycleEventStatus, TargetStatus};
use crate::lifecycle::{Hook, LifecycleEventName};

/// A run's report.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub deployments: Vec<DeploymentInfo>,
    pub metrics: Metrics,
    /// In-place: in-service instances over time, the start and every change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capacity: Vec<CapacityPoint>,
    /// ECS and Lambda: requests and their outcomes per metric period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic: Option<blue_green::TrafficReport>,
    /// Each alarm's state over time: its initial state and every change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<AlarmReport>,
}

/// An alarm's states over the run.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmReport {
    pub alarm_name: String,
    /// What the alarm watches: `errorRate`, `errorCount`, `latencyP50|P90|P99` (ms),
    /// `healthyCount` or `injected`; and whose traffic (`original`, `replacement`, `all`).
    pub metric: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<&'static str>,
    pub threshold: f64,
    pub states: Vec<AlarmStatePoint>,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct AlarmStatePoint {
    pub time: f64,
    pub state: &'static str,
}

/// `rollbackInfo`.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RollbackInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_triggering_deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_message: Option<String>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_info: Option<RollbackInfo>,
    pub ignore_application_stop_failures: bool,
    /// Seconds since the deployment was created (always 0 for the first deployment).
    pub create_time: f64,
    pub complete_time: f64,
    /// The resolved minimum healthy hosts and what it implies (§3.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_plan: Option<HealthPlanInfo>,
    /// ECS and Lambda: every change of the replacement's share of production traffic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_shifts: Option<Vec<blue_green::TrafficShift>>,
    /// ECS and Lambda: the phases (install, ready, shifting, terminationWait) with times.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<blue_green::Phase>,
    /// EC2 blue/green: the deployment group's `blueGreenDeploymentConfiguration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blue_green_deployment_configuration: Option<ec2_blue_green::BlueGreenDeploymentConfigurationInfo>,
    /// EC2 blue/green: whether the wait before terminating the originals has started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_termination_wait_time_started: Option<bool>,
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

impl DeploymentOverview {
    /// The targets of `statuses` counted per status.
    pub fn count(statuses: &[TargetStatus]) -> DeploymentOverview {
        let mut overview = DeploymentOverview::default();
        for s in statuses {
            match s {
                TargetStatus::Pending => overview.pending += 1,
                TargetStatus::InProgress => overview.in_progress += 1,
                TargetStatus::Succeeded => overview.succeeded += 1,
                TargetStatus::Failed => overview.failed += 1,
                TargetStatus::Skipped => overview.skipped += 1,
            }
        }
        overview
    }
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
    /// EC2 blue/green: `Blue` (original) or `Green` (replacement).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_label: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    pub lifecycle_events: Vec<LifecycleEventInfo>,
    /// ECS: `taskSetsInfo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_sets_info: Option<Vec<blue_green::TaskSetInfo>>,
    /// Lambda: `lambdaFunctionInfo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_function_info: Option<blue_green::LambdaFunctionInfo>,
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
    pub diagnostics: Option<Box<Diagnostics>>,
}

/// `diagnostics`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    pub error_code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_name: Option<String>,
    pub message: Cow<'static, str>,
}

/// Timing, capacity and availability figures of a run. The JSON is flat: the capacity and
/// availability figures appear beside the duration when they apply.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// Seconds from creation to the terminal status.
    pub duration_seconds: f64,
    /// Events the engine delivered.
    pub simulated_events: u64,
    /// In-place deployments.
    #[serde(flatten)]
    pub capacity: Option<CapacityMetrics>,
    /// ECS and Lambda deployments.
    #[serde(flatten)]
    pub availability: Option<blue_green::Availability>,
    /// Detection, rollback and phase timings (all platforms).
    #[serde(flatten)]
    pub timing: timing::Timing,
}

/// In-place capacity figures.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityMetrics {
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
    /// EC2 blue/green: ∫ max(0, original running + replacement running − original
    /// instances) dt, in instance-minutes: what the second fleet costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_instance_minutes: Option<f64>,
    /// Seconds from creation until the first instance is back in service on the new
    /// revision (with a load balancer: its first production traffic), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_first_new_traffic_seconds: Option<f64>,
}

/// From `time`: instances in service, and of them those already on the deployment's
/// revision. EC2 blue/green fleets also give the instances running in each fleet.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityPoint {
    pub time: f64,
    pub in_service: u32,
    /// In-place: instances in service on the deployment's revision. EC2 blue/green:
    /// in-service replacement instances.
    pub on_new_revision: u32,
    /// EC2 blue/green: original instances that exist (launched, not terminated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_running: Option<u32>,
    /// EC2 blue/green: replacement instances that exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement_running: Option<u32>,
}

/// `lifecycleEvents` of one target from its records. `hook` gives script names for
/// diagnostics (in-place); blue/green hooks have none.
pub(crate) fn lifecycle_events<'h>(
    order: &[LifecycleEventName],
    records: &[EventRecord],
    hook: impl Fn(LifecycleEventName) -> Option<&'h Hook>,
) -> Vec<LifecycleEventInfo> {
    order
        .iter()
        .zip(records)
        .map(|(&name, rec)| {
            let started = matches!(
                rec.status,
                LifecycleEventStatus::InProgress | LifecycleEventStatus::Succeeded | LifecycleEventStatus::Failed
            );
            LifecycleEventInfo {
                lifecycle_event_name: name.as_str(),
                start_time: started.then(|| rec.start.as_secs_f64()),
                end_time: started.then(|| rec.end().as_secs_f64()),
                status: rec.status.as_str(),
                diagnostics: started
                    .then(|| diagnostics(rec.diagnostic, hook(name)))
                    .flatten()
                    .map(Box::new),
            }
        })
        .collect()
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn diagnostics(d: Diagnostic, hook: Option<&Hook>) -> Option<Diagnostics> {
    let script = |i: u16| hook.and_then(|h| h.scripts.get(usize::from(i)));
    let script_name = |i: u16| script(i).map(|s| s.location.clone());
    Some(match d {
        Diagnostic::None => return None,
        Diagnostic::Script {
            code,
            script: script_index,
        } => Diagnostics {
            error_code: code.as_str(),
            script_name: script_name(script_index),
            message: match code {
                LifecycleErrorCode::Success => "Succeeded".into(),
                LifecycleErrorCode::ScriptFailed => "Script at specified location exited with a non-zero code".into(),
                LifecycleErrorCode::ScriptTimedOut => {
                    let t = script(script_index).map_or(0, |s| s.timeout.as_millis() / 1000);
                    format!("Script at specified location did not finish within its timeout of {t} seconds").into()
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
        Diagnostic::DeploymentStopped => Diagnostics {
            error_code: LifecycleErrorCode::UnknownError.as_str(),
            script_name: None,
            message: "The deployment stopped while this event was running".into(),
        },
        Diagnostic::TaskSetNotHealthy => Diagnostics {
            error_code: LifecycleErrorCode::UnknownError.as_str(),
            script_name: None,
            message: "The replacement task set did not become healthy within one hour".into(),
        },
    })
}
