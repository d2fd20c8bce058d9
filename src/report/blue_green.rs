//! The report of an ECS or Lambda (traffic-shifting) deployment: CodeDeploy's
//! `deploymentInfo` with `trafficShifts`, the target's `taskSetsInfo` or
//! `lambdaFunctionInfo`, the per-period traffic series and availability figures.

use serde::Serialize;

use super::{
    AlarmReport, AlarmStatePoint, DeploymentInfo, DeploymentOverview, DeploymentStyle, ErrorInformation,
    LifecycleEventInfo, Metrics, Report, RollbackInfo, TargetInfo, Targets,
};
use crate::alarm::{AlarmConfiguration, MetricSource, Percentile, VersionRef};
use crate::deployment::{DeploymentStatus, LifecycleEventStatus, simulated_id};
use crate::lifecycle::LifecycleEventName;
use crate::platform::alarm_watch::AlarmTimeline;
use crate::platform::traffic_shift::{BlueGreenOutcome, RollbackOutcome};
use crate::scenario::Scenario;
use crate::scenario::blue_green::{BlueGreenDeployment, ShiftTarget};
use crate::traffic::{TrafficMode, VersionSample};

/// `{time, percent}`: from `time`, `percent` of production traffic goes to the replacement.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct TrafficShift {
    /// Simulated seconds since the first deployment was created (in a history, since the
    /// history began).
    pub time: f64,
    /// The replacement's share of production traffic, in percent (0 to 100).
    pub percent: u32,
}

/// A phase of a blue/green deployment.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Phase {
    /// The phase: ECS and Lambda have `install`, `ready`, `shifting` and `terminationWait`;
    /// EC2 blue/green has `install`, `ready`, `reroute`, `blockTraffic` and `terminationWait`.
    pub name: &'static str,
    /// Simulated seconds since the first deployment was created (in a history, since the
    /// history began).
    pub start_time: f64,
    /// Simulated seconds since the first deployment was created (in a history, since the
    /// history began).
    pub end_time: f64,
}

/// ECS `taskSetsInfo` entry, at the end of the deployment.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSetInfo {
    /// CodeDeploy's own spelling.
    pub identifer: &'static str,
    /// `desiredCount`: tasks the task set asks for.
    pub desired_count: u32,
    /// `runningCount`: tasks running at the end (the replacement's healthy tasks; 0 for a
    /// drained original).
    pub running_count: u32,
    /// `status`: `PRIMARY` (serving production), `ACTIVE` (not serving it) or `DRAINING`
    /// (an original removed after the termination wait): the API's three values (§6.2).
    pub status: &'static str,
    /// `trafficWeight`: the task set's share of production traffic, in percent.
    pub traffic_weight: f64,
    /// `targetGroup`: the load balancer target group the task set is registered with.
    pub target_group: TargetGroup,
    /// `taskSetLabel`: `Blue` (original) or `Green` (replacement).
    pub task_set_label: &'static str,
}

/// `targetGroup` of a task set.
#[derive(Clone, Debug, Serialize)]
pub struct TargetGroup {
    /// `name` of the target group.
    pub name: &'static str,
}

/// Lambda `lambdaFunctionInfo`, at the end of the deployment.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaFunctionInfo {
    /// `functionName`.
    pub function_name: String,
    /// `functionAlias`: the alias whose weights shift.
    pub function_alias: String,
    /// `currentVersion`: the version the alias pointed to before the deployment.
    pub current_version: String,
    /// `targetVersion`: the version being deployed.
    pub target_version: String,
    /// `targetVersionWeight`: the alias's weight on the target version at the end, as a
    /// fraction (0 to 1).
    pub target_version_weight: f64,
}

/// Availability figures over the whole deployment.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Availability {
    /// Production requests served (both versions).
    pub requests: u64,
    /// Production requests that failed (both versions).
    pub requests_failed: u64,
    /// Production requests that reached the replacement (the blast radius).
    pub requests_to_new_version: u64,
    /// Production requests that failed on the replacement.
    pub requests_failed_on_new_version: u64,
    /// Failures on the new version beyond what the original version's error rate would
    /// have given for the same requests (expected value, rounded; never negative).
    pub requests_failed_because_of_new_version: u64,
    /// Requests on the ECS test listener.
    pub test_requests: u64,
    /// Requests on the ECS test listener that failed.
    pub test_requests_failed: u64,
    /// Seconds from creation to the first shift of production traffic, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_first_new_traffic_seconds: Option<f64>,
}

/// The per-period series.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficReport {
    /// How requests were drawn: `aggregated` (per-period counts in closed form) or
    /// `perRequest` (every request drawn on its own).
    pub mode: &'static str,
    /// Length of each period, in seconds.
    pub period_seconds: f64,
    /// The periods in time order.
    pub periods: Vec<PeriodInfo>,
}

/// One period's traffic.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodInfo {
    /// Simulated seconds since the first deployment was created (in a history, since the
    /// history began).
    pub start: f64,
    /// Simulated seconds since the first deployment was created (in a history, since the
    /// history began).
    pub end: f64,
    /// Replacement's share of production traffic at the period's end.
    pub new_version_percent: u32,
    /// Production traffic served by the original version.
    pub original: VersionInfo,
    /// Production traffic served by the replacement.
    pub replacement: VersionInfo,
    /// ECS with a test listener: traffic on the test listener.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<VersionInfo>,
    /// ECS: healthy tasks in each task set at the period's end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthy_tasks: Option<HealthyTasks>,
}

/// One version's requests in a period.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// Requests served.
    pub requests: u64,
    /// Requests that failed.
    pub errors: u64,
    /// `errors / requests`, rounded to six decimals; absent without requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// Median latency, in milliseconds; absent when the scenario models no latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_p50_ms: Option<f64>,
    /// 90th percentile latency, in milliseconds; absent when the scenario models no latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_p90_ms: Option<f64>,
    /// 99th percentile latency, in milliseconds; absent when the scenario models no latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_p99_ms: Option<f64>,
}

/// ECS: healthy tasks per task set.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct HealthyTasks {
    /// Healthy tasks in the original task set.
    pub original: u32,
    /// Healthy tasks in the replacement task set.
    pub replacement: u32,
}

/// Builds the report of a finished ECS or Lambda run.
pub fn build(scenario: &Scenario, seed: u64, outcome: &BlueGreenOutcome, events: u64) -> Report {
    let bg = scenario.blue_green().expect("a blue/green scenario");
    let mut report = Report {
        refused_requests: Vec::new(),
        scenario: scenario.name.clone(),
        seed,
        deployments: deployments(scenario, bg, outcome, 0),
        metrics: Metrics {
            duration_seconds: outcome.complete_time.as_secs_f64(),
            simulated_events: events,
            capacity: None,
            availability: Some(availability(bg, outcome)),
            timing: super::timing::Timing::default(),
        },
        capacity: Vec::new(),
        traffic: Some(traffic_report(bg, outcome)),
        alarms: alarm_reports(&outcome.alarm_states, scenario.monitoring.alarms.as_ref()),
    };
    report.metrics.timing = super::timing::of(&report);
    report
}

/// Each alarm's state timeline, for reports, with what it watches (`config` holds the
/// alarms in the timelines' order).
pub(crate) fn alarm_reports(timelines: &[AlarmTimeline], config: Option<&AlarmConfiguration>) -> Vec<AlarmReport> {
    let alarms = config.map_or(&[][..], |c| &c.alarms[..]);
    assert_eq!(alarms.len(), timelines.len(), "one timeline per alarm");
    timelines
        .iter()
        .zip(alarms)
        .map(|(t, a)| AlarmReport {
            alarm_name: t.name.clone(),
            metric: metric_name(&a.metric),
            version: metric_version(&a.metric),
            threshold: a.rule.threshold,
            states: t
                .changes
                .iter()
                .map(|&(time, s)| AlarmStatePoint {
                    time: time.as_secs_f64(),
                    state: s.as_str(),
                })
                .collect(),
            ranges: t.ranges.clone(),
            rule: a.rule,
            injected: match &a.metric {
                MetricSource::Injected(steps) => steps.iter().map(|&(t, v)| (t.as_secs_f64(), v)).collect(),
                _ => Vec::new(),
            },
        })
        .collect()
}

fn metric_name(m: &MetricSource) -> &'static str {
    match m {
        MetricSource::ErrorRate(_) => "errorRate",
        MetricSource::ErrorCount(_) => "errorCount",
        MetricSource::Latency(_, Percentile::P50) => "latencyP50",
        MetricSource::Latency(_, Percentile::P90) => "latencyP90",
        MetricSource::Latency(_, Percentile::P99) => "latencyP99",
        MetricSource::HealthyCount => "healthyCount",
        MetricSource::Injected(_) => "injected",
    }
}

fn metric_version(m: &MetricSource) -> Option<&'static str> {
    match m {
        MetricSource::ErrorRate(v) | MetricSource::ErrorCount(v) | MetricSource::Latency(v, _) => Some(match v {
            VersionRef::Original => "original",
            VersionRef::Replacement => "replacement",
            VersionRef::All => "all",
        }),
        MetricSource::HealthyCount | MetricSource::Injected(_) => None,
    }
}

/// The rollback deployment (§8): a new deployment, created by CodeDeploy, that puts
/// production traffic back on the original.
fn rollback_deployment(
    first: &DeploymentInfo,
    rollback: RollbackOutcome,
    order: &[LifecycleEventName],
    id: String,
) -> DeploymentInfo {
    let events = order
        .iter()
        .map(|&name| {
            let ran = name == LifecycleEventName::AllowTraffic;
            LifecycleEventInfo {
                lifecycle_event_name: name.as_str(),
                start_time: ran.then(|| rollback.start.as_secs_f64()),
                end_time: ran.then(|| rollback.end.as_secs_f64()),
                status: if ran { "Succeeded" } else { "Skipped" },
                diagnostics: None,
            }
        })
        .collect();
    let first_target = &first.targets[0];
    let span = (rollback.start.as_secs_f64(), rollback.end.as_secs_f64());
    let mut target = TargetInfo::new(
        first.compute_platform,
        first_target.target_id.clone(),
        "Succeeded",
        events,
        span,
    );
    // §6.3, §8: the rollback moves the alias back: from the version the deployment
    // shifted to, onto the version it started from, which ends with all the traffic [I].
    target.lambda_function_info = first_target.lambda_function_info.as_ref().map(|f| LambdaFunctionInfo {
        current_version: f.target_version.clone(),
        target_version: f.current_version.clone(),
        target_version_weight: 1.0,
        ..f.clone()
    });
    DeploymentInfo {
        revision_name: None,
        deployment_id: id,
        creator: "codeDeployRollback",
        deployment_config_name: first.deployment_config_name.clone(),
        compute_platform: first.compute_platform,
        deployment_style: first.deployment_style.clone(),
        status: "Succeeded",
        error_information: None,
        deployment_overview: DeploymentOverview {
            succeeded: 1,
            ..DeploymentOverview::default()
        },
        rollback_info: Some(RollbackInfo {
            rollback_triggering_deployment_id: Some(first.deployment_id.clone()),
            ..RollbackInfo::default()
        }),
        ignore_application_stop_failures: false,
        create_time: rollback.start.as_secs_f64(),
        start_time: rollback.start.as_secs_f64(),
        complete_time: rollback.end.as_secs_f64(),
        health_plan: None,
        traffic_shifts: Some(vec![TrafficShift {
            time: rollback.start.as_secs_f64(),
            percent: 0,
        }]),
        phases: Vec::new(),
        blue_green_deployment_configuration: None,
        instance_termination_wait_time_started: None,
        targets: Targets::from(vec![target]),
    }
}

/// The deployment of `outcome` (of `bg`) and its rollback deployment, if one was made,
/// with the ids of the `created + 1`-th and `created + 2`-th deployments of the run.
pub(super) fn deployments(
    scenario: &Scenario,
    bg: &BlueGreenDeployment,
    outcome: &BlueGreenOutcome,
    created: usize,
) -> Vec<DeploymentInfo> {
    let rollback_id = simulated_id(created + 2);
    let mut first = deployment_info(scenario, bg, outcome, simulated_id(created + 1));
    if outcome.rollback.is_some() || outcome.rollback_message.is_some() {
        first.rollback_info = Some(RollbackInfo {
            rollback_deployment_id: outcome.rollback.map(|_| rollback_id.clone()),
            rollback_triggering_deployment_id: None,
            rollback_message: outcome.rollback_message.clone(),
        });
    }
    let mut all = vec![first];
    if let Some(r) = outcome.rollback {
        let second = rollback_deployment(&all[0], r, outcome.order, rollback_id);
        all.push(second);
    }
    all
}

fn final_percent(outcome: &BlueGreenOutcome) -> u32 {
    outcome.shifts.last().map_or(0, |&(_, p)| p)
}

fn deployment_info(
    scenario: &Scenario,
    bg: &BlueGreenDeployment,
    outcome: &BlueGreenOutcome,
    id: String,
) -> DeploymentInfo {
    let created = outcome.create_time.as_secs_f64();
    let started = outcome
        .records
        .iter()
        .any(|r| r.status != LifecycleEventStatus::Skipped);
    let target_status = match outcome.status {
        DeploymentStatus::Succeeded => "Succeeded",
        DeploymentStatus::Failed => "Failed",
        // A stopped deployment's target: Failed if anything ran on it, else Skipped [I].
        DeploymentStatus::Stopped if started => "Failed",
        DeploymentStatus::Stopped => "Skipped",
        _ => "InProgress",
    };
    let mut overview = DeploymentOverview::default();
    match target_status {
        "Succeeded" => overview.succeeded = 1,
        "Failed" => overview.failed = 1,
        _ => overview.skipped = 1,
    }
    let (target_id, task_sets, lambda) = match &bg.target {
        ShiftTarget::Ecs(ecs) => (
            format!("{}:{}", ecs.cluster, ecs.service),
            Some(task_sets(ecs.tasks, outcome)),
            None,
        ),
        ShiftTarget::Lambda(f) => (
            format!("{}:{}", f.function_name, f.alias),
            None,
            Some(LambdaFunctionInfo {
                function_name: f.function_name.clone(),
                function_alias: f.alias.clone(),
                current_version: f.current_version.clone(),
                target_version: f.target_version.clone(),
                target_version_weight: f64::from(final_percent(outcome)) / 100.0,
            }),
        ),
    };
    let config = &scenario.deployment_config;
    DeploymentInfo {
        revision_name: None,
        deployment_id: id,
        creator: "user",
        deployment_config_name: config.name.clone(),
        compute_platform: config.compute_platform.api_name(),
        deployment_style: DeploymentStyle {
            deployment_type: "BLUE_GREEN",
            deployment_option: "WITH_TRAFFIC_CONTROL",
        },
        status: outcome.status.as_str(),
        error_information: outcome.error.as_ref().map(|e| ErrorInformation {
            code: e.code.as_str(),
            message: e.message.clone(),
        }),
        deployment_overview: overview,
        rollback_info: None,
        ignore_application_stop_failures: false,
        create_time: created,
        start_time: created,
        complete_time: outcome.complete_time.as_secs_f64(),
        health_plan: None,
        traffic_shifts: Some(
            outcome
                .shifts
                .iter()
                .map(|&(t, percent)| TrafficShift {
                    time: t.as_secs_f64(),
                    percent,
                })
                .collect(),
        ),
        phases: outcome
            .phases
            .iter()
            .map(|p| Phase {
                name: p.name,
                start_time: p.start.as_secs_f64(),
                end_time: p.end.as_secs_f64(),
            })
            .collect(),
        blue_green_deployment_configuration: None,
        instance_termination_wait_time_started: None,
        targets: Targets::from(vec![TargetInfo {
            task_sets_info: task_sets,
            lambda_function_info: lambda,
            ..TargetInfo::new(
                config.compute_platform.api_name(),
                target_id,
                target_status,
                super::lifecycle_events(
                    crate::id::TargetId(0),
                    outcome.order,
                    outcome.records.iter().copied(),
                    &super::ScriptNames::default(),
                ),
                (created, outcome.complete_time.as_secs_f64()),
            )
        }]),
    }
}

fn task_sets(tasks: u32, outcome: &BlueGreenOutcome) -> Vec<TaskSetInfo> {
    let weight = f64::from(final_percent(outcome));
    let created = outcome
        .records
        .iter()
        .any(|r| r.status != LifecycleEventStatus::Pending && r.status != LifecycleEventStatus::Skipped)
        && outcome.replacement_healthy > 0;
    let mut sets = vec![TaskSetInfo {
        identifer: "ecs-svc/original",
        desired_count: tasks,
        running_count: if outcome.original_removed.is_some() { 0 } else { tasks },
        // §6.2: the API's task-set statuses are PRIMARY, ACTIVE and DRAINING; a removed
        // original was drained, and no status names a deleted set.
        status: if outcome.original_removed.is_some() {
            "DRAINING"
        } else if weight >= 100.0 {
            "ACTIVE"
        } else {
            "PRIMARY"
        },
        traffic_weight: 100.0 - weight,
        target_group: TargetGroup { name: "target-group-1" },
        task_set_label: "Blue",
    }];
    if created {
        sets.push(TaskSetInfo {
            identifer: "ecs-svc/replacement",
            desired_count: tasks,
            running_count: outcome.replacement_healthy,
            status: if weight >= 100.0 { "PRIMARY" } else { "ACTIVE" },
            traffic_weight: weight,
            target_group: TargetGroup { name: "target-group-2" },
            task_set_label: "Green",
        });
    }
    sets
}

pub(super) fn availability(bg: &BlueGreenDeployment, outcome: &BlueGreenOutcome) -> Availability {
    let sum = |f: fn(&crate::traffic::PeriodSample) -> &VersionSample| {
        outcome
            .periods
            .iter()
            .map(|p| f(&p.sample))
            .fold((0u64, 0u64), |(n, k), v| (n + v.requests, k + v.errors))
    };
    let (old_n, old_k) = sum(|s| &s.original);
    let (new_n, new_k) = sum(|s| &s.replacement);
    let (test_n, test_k) = sum(|s| &s.test);
    let baseline = new_n as f64 * bg.traffic.original.error_rate;
    Availability {
        requests: old_n + new_n,
        requests_failed: old_k + new_k,
        requests_to_new_version: new_n,
        requests_failed_on_new_version: new_k,
        requests_failed_because_of_new_version: (new_k as f64 - baseline).max(0.0).round() as u64,
        test_requests: test_n,
        test_requests_failed: test_k,
        time_to_first_new_traffic_seconds: outcome
            .shifts
            .iter()
            .find(|&&(_, p)| p > 0)
            .map(|&(t, _)| t.as_secs_f64()),
    }
}

pub(super) fn traffic_report(bg: &BlueGreenDeployment, outcome: &BlueGreenOutcome) -> TrafficReport {
    let ecs = matches!(bg.target, ShiftTarget::Ecs(_));
    let test_listener = matches!(&bg.target, ShiftTarget::Ecs(e) if e.test_listener);
    TrafficReport {
        mode: match bg.traffic.mode {
            TrafficMode::Aggregated => "aggregated",
            TrafficMode::PerRequest => "perRequest",
        },
        period_seconds: bg.traffic.period.as_secs_f64(),
        periods: outcome
            .periods
            .iter()
            .map(|p| PeriodInfo {
                start: p.start.as_secs_f64(),
                end: p.end.as_secs_f64(),
                new_version_percent: p.new_percent,
                original: version_info(&p.sample.original),
                replacement: version_info(&p.sample.replacement),
                test: test_listener.then(|| version_info(&p.sample.test)),
                healthy_tasks: ecs.then_some(HealthyTasks {
                    original: p.healthy_original,
                    replacement: p.healthy_replacement,
                }),
            })
            .collect(),
    }
}

fn version_info(v: &VersionSample) -> VersionInfo {
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    VersionInfo {
        requests: v.requests,
        errors: v.errors,
        error_rate: v.error_rate().map(|r| (r * 1e6).round() / 1e6),
        latency_p50_ms: v.latency.map(|l| round(l.p50)),
        latency_p90_ms: v.latency.map(|l| round(l.p90)),
        latency_p99_ms: v.latency.map(|l| round(l.p99)),
    }
}
