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
pub mod ec2_history;
pub mod events;
pub mod files;
pub mod history;
pub mod html;
pub mod in_place;
mod in_place_json;
pub mod json;
pub mod markdown;
pub mod page;
pub mod replay;
pub mod schedule;
pub mod shift_history;
pub mod targets;
pub mod text;
pub mod timeseries;
pub mod timing;
pub mod tune;
pub mod written;
pub mod zonal;

pub use in_place::max_in_flight;
pub use targets::Targets;

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::config::MinimumHealthyHosts;
use crate::deployment::{Diagnostic, EventRecord, LifecycleErrorCode, LifecycleEventStatus, TargetStatus};
use crate::id::TargetId;
use crate::lifecycle::{Hook, LifecycleEventName};
use crate::platform::server::PreviousRevisions;
use crate::scenario::history::RevisionId;

/// A run's report.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// The seed of the run's random number streams; the same seed gives the same report.
    pub seed: u64,
    /// The deployment and, after a rollback, the rollback deployment CodeDeploy created.
    pub deployments: Vec<DeploymentInfo>,
    /// Timing, capacity and availability figures of the run.
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
    /// In a history: the deployment requests refused because another deployment was active.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused_requests: Vec<RefusedRequest>,
}

/// A request of a history the API refuses: a CreateDeployment while another deployment of
/// the group is active (§11), or a ContinueDeployment on a deployment in no wait of its kind
/// or already ended (API:ContinueDeployment).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedRequest {
    /// When the request was made, in simulated seconds.
    pub time: f64,
    /// The call, when it is not CreateDeployment: `ContinueDeployment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<&'static str>,
    /// The revision it asked for (ContinueDeployment: the revision of the deployment it
    /// named).
    pub revision_name: String,
    /// The API's error: `DeploymentLimitExceededException` (CreateDeployment),
    /// `DeploymentIsNotInReadyStateException` or `DeploymentAlreadyCompletedException`
    /// (ContinueDeployment).
    pub error_code: &'static str,
    /// The API's message, naming the group and the active deployment (ContinueDeployment:
    /// the deployment named).
    pub message: String,
}

impl Report {
    /// Whether the report is a group's history (its deployments name their revisions).
    pub fn is_history(&self) -> bool {
        self.deployments.iter().any(|d| d.revision_name.is_some())
    }

    /// The compute platform of its deployments (`Server`, `ECS`, `Lambda`); empty for none.
    pub fn platform(&self) -> &'static str {
        self.deployments.first().map_or("", |d| d.compute_platform)
    }
}

impl RefusedRequest {
    /// The request in words on `platform`: `request for revision v2` (CreateDeployment) or
    /// `ContinueDeployment on the deployment of revision v1`.
    pub fn what(&self, platform: &str) -> String {
        let revision = revision_words(platform, &self.revision_name);
        match self.operation {
            Some(op) => format!("{op} on the deployment of {revision}"),
            None => format!("request for {revision}"),
        }
    }
}

/// A history's revision `name` in words on `platform`: `revision v2`, or a Lambda
/// function's `version 3`.
pub fn revision_words(platform: &str, name: &str) -> String {
    if platform == "Lambda" {
        format!("version {name}")
    } else {
        format!("revision {name}")
    }
}

/// An alarm's states over the run.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmReport {
    /// The alarm's name (CloudWatch's `AlarmName`).
    pub alarm_name: String,
    /// What the alarm watches: `errorRate`, `errorCount`, `latencyP50|P90|P99` (ms),
    /// `healthyCount` or `injected`; and whose traffic (`original`, `replacement`, `all`).
    pub metric: &'static str,
    /// Whose traffic an error-rate, error-count or latency metric reads: `original`,
    /// `replacement` or `all`; absent for `healthyCount` and `injected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<&'static str>,
    /// The value the metric is compared against, in the metric's unit: a fraction for
    /// `errorRate`, milliseconds for latency, a count for `errorCount` and `healthyCount`,
    /// the scenario's own unit for `injected`.
    pub threshold: f64,
    /// The initial state and every change, in time order.
    pub states: Vec<AlarmStatePoint>,
    /// The evaluation range (oldest datapoint first, `None` missing) that caused each of
    /// `states`, empty for the initial state. Not in the JSON, which keeps the shape of
    /// CloudWatch's state history; the event log (`events`) tells it.
    #[serde(skip)]
    pub ranges: Vec<Vec<Option<f64>>>,
    /// The alarm's evaluation settings (M of N, the comparison); not in the JSON.
    #[serde(skip)]
    pub rule: crate::alarm::AlarmRule,
    /// An `injected` metric's steps (seconds, value; `None` missing), for its chart; empty
    /// for other metrics. Not in the JSON.
    #[serde(skip)]
    pub injected: Vec<(f64, Option<f64>)>,
}

/// An alarm's state from `time` on.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct AlarmStatePoint {
    /// Simulated seconds since the first deployment was created (in a history, since the
    /// history began).
    pub time: f64,
    /// CloudWatch's state value: `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub state: &'static str,
}

/// `rollbackInfo`.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RollbackInfo {
    /// `rollbackDeploymentId`: the deployment that rolled this one back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_deployment_id: Option<String>,
    /// `rollbackTriggeringDeploymentId`: the deployment whose failure this one rolls back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_triggering_deployment_id: Option<String>,
    /// `rollbackMessage`: why the rollback happened, or why it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_message: Option<String>,
}

/// `deploymentInfo`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentInfo {
    /// `deploymentId`: `d-SIMULATED1`, `d-SIMULATED2`, … in creation order (a rollback
    /// deployment right after the deployment it rolls back).
    pub deployment_id: String,
    /// `creator`: `user`, or `codeDeployRollback` for a rollback deployment.
    pub creator: &'static str,
    /// In a history: the name of the revision it deploys (CodeDeploy's `revision` is where
    /// the bundle is stored; a scenario names it only). Absent for a single deployment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_name: Option<String>,
    /// `deploymentConfigName`, e.g. `CodeDeployDefault.OneAtATime`.
    pub deployment_config_name: String,
    /// `computePlatform`: `Server`, `ECS` or `Lambda`.
    pub compute_platform: &'static str,
    /// `deploymentStyle`.
    pub deployment_style: DeploymentStyle,
    /// `status` at the end of the run, e.g. `Succeeded`, `Failed` or `Stopped`.
    pub status: &'static str,
    /// `errorInformation`: why the deployment failed; absent when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_information: Option<ErrorInformation>,
    /// `deploymentOverview`: the deployment's targets counted per status.
    pub deployment_overview: DeploymentOverview,
    /// `rollbackInfo`; absent when no rollback is involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback_info: Option<RollbackInfo>,
    /// `ignoreApplicationStopFailures`: whether an `ApplicationStop` failure is ignored.
    pub ignore_application_stop_failures: bool,
    /// `createTime`: when the deployment was created, in simulated seconds since the first
    /// deployment was created (always 0 for the first deployment).
    pub create_time: f64,
    /// `startTime`: when CodeDeploy started it. A simulated deployment starts when it is
    /// created (a rollback when the deployment it rolls back ended), so it equals
    /// `createTime`.
    pub start_time: f64,
    /// `completeTime`: when the deployment ended, in simulated seconds since the first
    /// deployment was created.
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
    /// The deployment's targets, in the shape of its compute platform.
    pub targets: Targets,
}

/// `deploymentStyle`: the deployment's type and traffic routing.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStyle {
    /// `deploymentType`: `IN_PLACE` or `BLUE_GREEN`.
    pub deployment_type: &'static str,
    /// `deploymentOption`: `WITH_TRAFFIC_CONTROL` (behind a load balancer or shifting
    /// traffic) or `WITHOUT_TRAFFIC_CONTROL`.
    pub deployment_option: &'static str,
}

/// `errorInformation`: why a deployment failed.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorInformation {
    /// `code`: CodeDeploy's error code, e.g. `HEALTH_CONSTRAINTS`.
    pub code: &'static str,
    /// `message`: the human-readable explanation.
    pub message: String,
}

/// `deploymentOverview`: targets per status, spelled as the API does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentOverview {
    /// `Pending`: targets not started yet.
    pub pending: u32,
    /// `InProgress`: targets being deployed to.
    pub in_progress: u32,
    /// `Succeeded`: targets deployed to successfully.
    pub succeeded: u32,
    /// `Failed`: targets whose deployment failed.
    pub failed: u32,
    /// `Skipped`: targets never deployed to because the deployment stopped or failed first.
    pub skipped: u32,
    /// `Ready`: EC2 blue/green replacements that have installed the revision and wait for
    /// traffic (ContinueDeployment, or their turn to be rerouted). Seen while a deployment
    /// runs (`cdsim serve` reads a report as of an instant); at its end such a target is
    /// `Skipped`, so a finished report counts 0.
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

/// The resolved minimum healthy hosts of an in-place deployment and what it implies (§3.2).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthPlanInfo {
    /// The configuration's `minimumHealthyHosts`, as given.
    pub minimum_healthy_hosts: MinimumHealthyHostsInfo,
    /// M, the resolved instance count.
    pub minimum_healthy_instances: u32,
    /// N − M: most instances deployed to at the same time.
    pub max_in_flight: u32,
    /// max(M, 1): instances that must succeed for the deployment to succeed.
    pub min_successes: u32,
    /// A zonal deployment (not its rollback): the zones in order and the monitor waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zonal_config: Option<zonal::ZonalExplanation>,
}

/// `minimumHealthyHosts` of a deployment configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MinimumHealthyHostsInfo {
    /// `type`: `HOST_COUNT` or `FLEET_PERCENT`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `value`: an instance count, or a percentage of the fleet (0 to 99).
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

/// `instanceTarget`, `ecsTarget` or `lambdaTarget` (the API's `InstanceTarget`, `ECSTarget`
/// and `LambdaTarget` shapes, whose fields this one carries).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetInfo {
    /// `targetId`: the instance, task set or function's id.
    pub target_id: String,
    /// `targetArn`: a well-formed ARN for the simulated target, in account 000000000000
    /// and Region us-east-1 ([`target_arn`]).
    pub target_arn: String,
    /// `status`: `Pending`, `InProgress`, `Succeeded`, `Failed` or `Skipped` (`Ready`
    /// only while a deployment runs, see [`DeploymentOverview::ready`]).
    pub status: &'static str,
    /// `lastUpdatedAt`: when the target last changed, in simulated seconds since the first
    /// deployment was created ([`TargetInfo::last_updated_at_by`]).
    pub last_updated_at: f64,
    /// EC2 blue/green: `Blue` (original) or `Green` (replacement).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_label: Option<&'static str>,
    /// The instance's Availability Zone, when the fleet spans zones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// `lifecycleEvents`: the target's hooks in the order they run.
    pub lifecycle_events: Vec<LifecycleEventInfo>,
    /// ECS: `taskSetsInfo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_sets_info: Option<Vec<blue_green::TaskSetInfo>>,
    /// Lambda: `lambdaFunctionInfo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_function_info: Option<blue_green::LambdaFunctionInfo>,
}

impl TargetInfo {
    /// A target of a deployment created at `create_time` that ended at `complete_time`:
    /// its id, ARN, status, events and `lastUpdatedAt`; no label, zone, task sets or
    /// function (the platforms' builders add theirs).
    pub fn new(
        compute_platform: &str,
        target_id: String,
        status: &'static str,
        lifecycle_events: Vec<LifecycleEventInfo>,
        (create_time, complete_time): (f64, f64),
    ) -> TargetInfo {
        let mut target = TargetInfo {
            target_arn: target_arn(compute_platform, &target_id),
            target_id,
            status,
            last_updated_at: create_time,
            instance_label: None,
            availability_zone: None,
            lifecycle_events,
            task_sets_info: None,
            lambda_function_info: None,
        };
        target.last_updated_at = target.last_updated_at_by(create_time, complete_time, complete_time);
        target
    }

    /// `lastUpdatedAt` as of `t`: the latest start or end of its lifecycle events by then;
    /// for a target the deployment skipped, when the deployment ended; never before the
    /// deployment was created. The one rule for the report (`t` = the end) and for `cdsim
    /// serve`, which reads a report as of an instant.
    pub fn last_updated_at_by(&self, create_time: f64, complete_time: f64, t: f64) -> f64 {
        let events = self
            .lifecycle_events
            .iter()
            .flat_map(|e| [e.start_time, e.end_time])
            .flatten()
            .filter(|&x| x <= t)
            .fold(create_time, f64::max);
        if self.status == "Skipped" && complete_time <= t {
            events.max(complete_time)
        } else {
            events
        }
    }
}

/// `targetArn` of a simulated target: an EC2 instance, an ECS service
/// (`cluster:service` as `cluster/service`) or a Lambda function (`function:alias`), in
/// account 000000000000 and Region us-east-1.
pub fn target_arn(compute_platform: &str, target_id: &str) -> String {
    match compute_platform {
        "ECS" => format!(
            "arn:aws:ecs:us-east-1:000000000000:service/{}",
            target_id.replace(':', "/")
        ),
        "Lambda" => format!("arn:aws:lambda:us-east-1:000000000000:function:{target_id}"),
        _ => format!("arn:aws:ec2:us-east-1:000000000000:instance/{target_id}"),
    }
}

/// `lifecycleEvent`. Times are absent for events that never started.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleEventInfo {
    /// `lifecycleEventName`, e.g. `BeforeInstall` or `AfterAllowTraffic`.
    pub lifecycle_event_name: &'static str,
    /// `startTime`: simulated seconds since the first deployment was created (in a
    /// history, since the history began).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<f64>,
    /// `endTime`: simulated seconds since the first deployment was created (in a history,
    /// since the history began).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// `status`: `Pending`, `InProgress`, `Succeeded`, `Failed` or `Skipped`.
    pub status: &'static str,
    /// `diagnostics`: present for a failed event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Box<Diagnostics>>,
}

/// `diagnostics`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    /// `errorCode`: `Success`, `ScriptFailed`, `ScriptTimedOut` or `UnknownError`.
    pub error_code: &'static str,
    /// Shared by every event of the script (one string per script, not one per event).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "shared_str")]
    pub script_name: Option<Arc<str>>,
    /// `message`: what went wrong.
    pub message: Cow<'static, str>,
}

/// Timing, capacity and availability figures of a run. The JSON is flat: the capacity and
/// availability figures appear beside the duration when they apply.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// Seconds from creation to the terminal status (a history: from its start to the end of
    /// its last deployment).
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
    /// Instances in the fleet (EC2 blue/green: the original instances).
    pub instances: u32,
    /// Instances in service at the start.
    pub initial_in_service: u32,
    /// Fewest instances in service at any time during the deployment.
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
    /// Simulated seconds since the first deployment was created (in a history, since the
    /// history began).
    pub time: f64,
    /// Instances in service from `time` on.
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

fn shared_str<S: Serializer>(s: &Option<Arc<str>>, serializer: S) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => serializer.serialize_str(s),
        None => serializer.serialize_none(),
    }
}

/// The scripts of each lifecycle event of an order: location (shared by every
/// diagnostic naming it) and timeout in seconds.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScriptNames {
    table: Vec<Vec<(Arc<str>, u64)>>,
    /// In a history: the scripts that the events running an earlier revision's scripts
    /// read on each instance (§4.1).
    earlier: Option<Arc<EarlierScripts>>,
}

/// The scripts of a history's revisions, and which of them each instance's ApplicationStop,
/// BeforeBlockTraffic and AfterBlockTraffic ran.
#[derive(Debug)]
struct EarlierScripts {
    /// Per revision of the history, in its order (shared by its deployments).
    revisions: Arc<[ScriptNames]>,
    previous: PreviousRevisions,
}

impl ScriptNames {
    /// The scripts `hook` gives each event of `order` (blue/green hooks have none).
    pub(crate) fn new<'h>(
        order: &[LifecycleEventName],
        hook: impl Fn(LifecycleEventName) -> Option<&'h Hook>,
    ) -> ScriptNames {
        let mut table = vec![Vec::new(); LifecycleEventName::COUNT];
        for &name in order {
            if let Some(h) = hook(name) {
                table[name.index()] = h
                    .scripts
                    .iter()
                    .map(|s| (Arc::from(s.location.as_str()), s.timeout.as_millis() / 1000))
                    .collect();
            }
        }
        ScriptNames { table, earlier: None }
    }

    /// These names, except that the events running an earlier revision's scripts name, on
    /// each instance, the scripts of the revision `previous` gives it (`revisions`: each
    /// revision's names, in the history's order).
    pub(crate) fn with_earlier(self, revisions: Arc<[ScriptNames]>, previous: PreviousRevisions) -> ScriptNames {
        ScriptNames {
            earlier: Some(Arc::new(EarlierScripts { revisions, previous })),
            ..self
        }
    }

    /// The history's revision whose scripts `name` ran on `t`, when it is not the
    /// deployment's own.
    fn source(&self, t: TargetId, name: LifecycleEventName) -> Option<RevisionId> {
        self.earlier.as_ref()?.previous.for_event(t, name)
    }

    /// Script `i` of `name` on `t`.
    fn get(&self, t: TargetId, name: LifecycleEventName, i: u16) -> Option<&(Arc<str>, u64)> {
        let names = match (self.source(t, name), &self.earlier) {
            (Some(r), Some(e)) => &e.revisions[r.index()],
            _ => self,
        };
        names.table.get(name.index())?.get(usize::from(i))
    }
}

/// `lifecycleEvents` of target `t` from its records, diagnostics naming `scripts`.
pub(crate) fn lifecycle_events(
    t: TargetId,
    order: &[LifecycleEventName],
    records: impl IntoIterator<Item = EventRecord>,
    scripts: &ScriptNames,
) -> Vec<LifecycleEventInfo> {
    order
        .iter()
        .zip(records)
        .map(|(&name, rec)| {
            let started = started(rec.status);
            LifecycleEventInfo {
                lifecycle_event_name: name.as_str(),
                start_time: started.then(|| rec.start.as_secs_f64()),
                end_time: started.then(|| rec.end().as_secs_f64()),
                status: rec.status.as_str(),
                diagnostics: started
                    .then(|| diagnostics(rec.diagnostic, |i| scripts.get(t, name, i)))
                    .flatten()
                    .map(Box::new),
            }
        })
        .collect()
}

/// Whether an event with `status` started: it has times, and diagnostics if any.
fn started(status: LifecycleEventStatus) -> bool {
    matches!(
        status,
        LifecycleEventStatus::InProgress | LifecycleEventStatus::Succeeded | LifecycleEventStatus::Failed
    )
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn diagnostics<'s>(d: Diagnostic, script: impl Fn(u16) -> Option<&'s (Arc<str>, u64)>) -> Option<Diagnostics> {
    let script_name = |i: u16| script(i).map(|(name, _)| Arc::clone(name));
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
                    let t = script(script_index).map_or(0, |&(_, timeout)| timeout);
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
