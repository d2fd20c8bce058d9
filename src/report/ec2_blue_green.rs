//! The report of an EC2 blue/green deployment: CodeDeploy's `deploymentInfo` with
//! `deploymentStyle` BLUE_GREEN, `blueGreenDeploymentConfiguration` and
//! `instanceTerminationWaitTimeStarted`; instance targets labelled `Blue` (original) or
//! `Green` (replacement), as `aws deploy get-deployment-target` shows them; the capacity of
//! both fleets over time and the extra instance-minutes the second fleet costs.
//!
//! Not here: simulation (this only reads a finished `Ec2BlueGreenOutcome`), or rendering
//! (`json`, `text`).

use serde::Serialize;

use super::{
    CapacityMetrics, CapacityPoint, DeploymentInfo, DeploymentOverview, DeploymentStyle, ErrorInformation,
    HealthPlanInfo, Metrics, Report, RollbackInfo, ScriptNames, TargetInfo, blue_green::Phase, lifecycle_events,
    round2,
};
use crate::config::ConfigRule;
use crate::deployment::simulated_id;
use crate::id::TargetId;
use crate::lifecycle::LifecycleEventName;
use crate::platform::ec2_blue_green::{Ec2BlueGreenOutcome, Ec2Deployment, FleetPoint};
use crate::scenario::blue_green::Reroute;
use crate::scenario::ec2_blue_green::{BlueTermination, Ec2BlueGreen, GreenFleetProvisioning};
use crate::scenario::{Scenario, Workload};
use crate::time::SimTime;

/// `blueGreenDeploymentConfiguration`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueGreenDeploymentConfigurationInfo {
    /// `terminateBlueInstancesOnDeploymentSuccess`: what happens to the originals.
    pub terminate_blue_instances_on_deployment_success: BlueInstanceTerminationOption,
    /// `deploymentReadyOption`: when traffic is rerouted to the replacements.
    pub deployment_ready_option: DeploymentReadyOption,
    /// `greenFleetProvisioningOption`: where the replacement instances come from.
    pub green_fleet_provisioning_option: GreenFleetProvisioningOption,
}

/// `terminateBlueInstancesOnDeploymentSuccess`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueInstanceTerminationOption {
    /// `action`: `TERMINATE` or `KEEP_ALIVE`.
    pub action: &'static str,
    /// `terminationWaitTimeInMinutes`: minutes the originals are kept, once their traffic is
    /// blocked, before they are terminated (0 with `KEEP_ALIVE`).
    pub termination_wait_time_in_minutes: u64,
}

/// `deploymentReadyOption`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentReadyOption {
    /// `actionOnTimeout`: `CONTINUE_DEPLOYMENT` (reroute at once) or `STOP_DEPLOYMENT`
    /// (wait for a continue, stop when the wait runs out).
    pub action_on_timeout: &'static str,
    /// `waitTimeInMinutes`: how long to wait for a continue, in minutes (0 with
    /// `CONTINUE_DEPLOYMENT`).
    pub wait_time_in_minutes: u64,
}

/// `greenFleetProvisioningOption`.
#[derive(Clone, Debug, Serialize)]
pub struct GreenFleetProvisioningOption {
    /// `action`: `COPY_AUTO_SCALING_GROUP` or `DISCOVER_EXISTING`.
    pub action: &'static str,
}

impl BlueGreenDeploymentConfigurationInfo {
    /// The deployment group's settings as the API shows them.
    pub fn of(bg: &Ec2BlueGreen) -> Self {
        let (action, wait) = match bg.blue_termination {
            BlueTermination::Terminate { wait } => ("TERMINATE", wait.as_millis() / 60_000),
            BlueTermination::KeepAlive => ("KEEP_ALIVE", 0),
        };
        let (on_timeout, ready_wait) = match bg.reroute {
            Reroute::Immediately => ("CONTINUE_DEPLOYMENT", 0),
            Reroute::WaitForContinue { wait, .. } => ("STOP_DEPLOYMENT", wait.as_millis() / 60_000),
        };
        BlueGreenDeploymentConfigurationInfo {
            terminate_blue_instances_on_deployment_success: BlueInstanceTerminationOption {
                action,
                termination_wait_time_in_minutes: wait,
            },
            deployment_ready_option: DeploymentReadyOption {
                action_on_timeout: on_timeout,
                wait_time_in_minutes: ready_wait,
            },
            green_fleet_provisioning_option: GreenFleetProvisioningOption {
                action: match bg.green_fleet.provisioning {
                    GreenFleetProvisioning::CopyAutoScalingGroup => "COPY_AUTO_SCALING_GROUP",
                    GreenFleetProvisioning::DiscoverExisting => "DISCOVER_EXISTING",
                },
            },
        }
    }
}

/// Builds the report of a finished EC2 blue/green run and of its rollback, if any.
pub fn build(scenario: &Scenario, seed: u64, outcome: &Ec2BlueGreenOutcome, events: u64) -> Report {
    let Workload::Ec2BlueGreen(bg) = &scenario.workload else {
        unreachable!("an EC2 blue/green scenario")
    };
    let end = outcome.rollback.as_ref().unwrap_or(&outcome.deployment).complete_time;
    let mut report = Report {
        refused_requests: Vec::new(),
        scenario: scenario.name.clone(),
        seed,
        deployments: deployments(scenario, bg, outcome, 0, &|t| t),
        metrics: Metrics {
            duration_seconds: outcome.deployment.complete_time.as_secs_f64(),
            simulated_events: events,
            capacity: Some(capacity_metrics(
                bg,
                &outcome.capacity,
                outcome.max_install_in_flight,
                end,
            )),
            availability: None,
            timing: super::timing::Timing::default(),
        },
        capacity: capacity_points(&outcome.capacity),
        traffic: None,
        alarms: super::blue_green::alarm_reports(&outcome.alarm_states, scenario.monitoring.alarms.as_ref()),
    };
    report.metrics.timing = super::timing::of(&report);
    report
}

/// The capacity points of both fleets, as the report shows them.
pub(super) fn capacity_points(points: &[FleetPoint]) -> Vec<CapacityPoint> {
    points
        .iter()
        .map(|p| CapacityPoint {
            time: p.time.as_secs_f64(),
            in_service: p.in_service,
            on_new_revision: p.on_new_revision,
            original_running: Some(p.original_running),
            replacement_running: Some(p.replacement_running),
        })
        .collect()
}

/// The deployment of `outcome` (of `bg`) and its rollback deployment, if one was made,
/// with the ids of the `created + 1`-th and `created + 2`-th deployments of the run;
/// `instance` gives the number of each instance's id.
pub(super) fn deployments(
    scenario: &Scenario,
    bg: &Ec2BlueGreen,
    outcome: &Ec2BlueGreenOutcome,
    created: usize,
    instance: &dyn Fn(u32) -> u32,
) -> Vec<DeploymentInfo> {
    let (first_id, rollback_id) = (simulated_id(created + 1), simulated_id(created + 2));
    let mut first = deployment_info(scenario, bg, outcome, &outcome.deployment, &first_id, instance);
    first.instance_termination_wait_time_started = Some(outcome.termination_wait_started);
    first.phases = outcome
        .phases
        .iter()
        .filter(|p| p.name != "rollback")
        .map(|p| Phase {
            name: p.name,
            start_time: p.start.as_secs_f64(),
            end_time: p.end.as_secs_f64(),
        })
        .collect();
    if outcome.rollback.is_some() || outcome.rollback_message.is_some() {
        first.rollback_info = Some(RollbackInfo {
            rollback_deployment_id: outcome.rollback.as_ref().map(|_| rollback_id.clone()),
            rollback_triggering_deployment_id: None,
            rollback_message: outcome.rollback_message.clone(),
        });
    }
    let mut deployments = vec![first];
    if let Some(rb) = &outcome.rollback {
        let mut second = deployment_info(scenario, bg, outcome, rb, &rollback_id, instance);
        second.creator = "codeDeployRollback";
        second.health_plan = None;
        second.instance_termination_wait_time_started = Some(false);
        second.rollback_info = Some(RollbackInfo {
            rollback_triggering_deployment_id: Some(first_id),
            ..RollbackInfo::default()
        });
        deployments.push(second);
    }
    deployments
}

fn deployment_info(
    scenario: &Scenario,
    bg: &Ec2BlueGreen,
    outcome: &Ec2BlueGreenOutcome,
    d: &Ec2Deployment,
    id: &str,
    instance: &dyn Fn(u32) -> u32,
) -> DeploymentInfo {
    let overview = DeploymentOverview::count(&d.track.target_status);
    let config = &scenario.deployment_config;
    let health_plan = match &config.rule {
        ConfigRule::MinimumHealthy { minimum, .. } => Some(HealthPlanInfo {
            minimum_healthy_hosts: (*minimum).into(),
            minimum_healthy_instances: minimum.resolve(bg.replacements()),
            max_in_flight: outcome.install_plan.map_or(0, |p| p.max_in_flight),
            min_successes: outcome.install_plan.map_or(0, |p| p.min_successes),
            zonal_config: None,
        }),
        ConfigRule::TrafficRouting(_) => None,
    };
    let server = &bg.server;
    let scripts = ScriptNames::new(&LifecycleEventName::ALL, |name| {
        Some(server.agent.step(name).unwrap_or_else(|| server.hooks.get(name)))
    });
    let targets = (0..bg.targets())
        .map(TargetId)
        .map(|t| {
            let events = lifecycle_events(t, d.track.order(t), d.track.records_of(t).iter().copied(), &scripts);
            let span = (d.create_time.as_secs_f64(), d.complete_time.as_secs_f64());
            let status = d.track.target_status[t.index()].as_str();
            let name = TargetId(instance(t.0)).to_string();
            let mut target = TargetInfo::new("Server", name, status, events, span);
            target.instance_label = Some(if bg.is_replacement(t) { "Green" } else { "Blue" });
            target
        })
        .collect();
    DeploymentInfo {
        revision_name: None,
        deployment_id: id.to_string(),
        creator: "user",
        deployment_config_name: config.name.clone(),
        compute_platform: config.compute_platform.api_name(),
        deployment_style: DeploymentStyle {
            deployment_type: "BLUE_GREEN",
            deployment_option: "WITH_TRAFFIC_CONTROL",
        },
        status: d.status.as_str(),
        error_information: d.error.as_ref().map(|e| ErrorInformation {
            code: e.code.as_str(),
            message: e.message.clone(),
        }),
        deployment_overview: overview,
        rollback_info: None,
        ignore_application_stop_failures: server.ignore_application_stop_failures,
        create_time: d.create_time.as_secs_f64(),
        start_time: d.create_time.as_secs_f64(),
        complete_time: d.complete_time.as_secs_f64(),
        health_plan,
        traffic_shifts: None,
        phases: Vec::new(),
        blue_green_deployment_configuration: Some(BlueGreenDeploymentConfigurationInfo::of(bg)),
        instance_termination_wait_time_started: None,
        targets,
    }
}

/// Capacity figures over both fleets' points `cap` up to `end` (through the rollback, if
/// any); `max_install_in_flight`: the most replacements installing at once.
pub(super) fn capacity_metrics(
    bg: &Ec2BlueGreen,
    cap: &[FleetPoint],
    max_install_in_flight: u32,
    end: SimTime,
) -> CapacityMetrics {
    let n = bg.originals();
    let initial = cap.first().map_or(0, |p| p.in_service);
    let min = cap.iter().map(|p| p.in_service).min().unwrap_or(0);
    let lost_ms = integrate(cap, end, |p| u64::from(initial.saturating_sub(p.in_service)));
    let extra_ms = integrate(cap, end, |p| {
        u64::from((p.original_running + p.replacement_running).saturating_sub(n))
    });
    CapacityMetrics {
        instances: n,
        initial_in_service: initial,
        min_in_service: min,
        min_in_service_percent: round2(100.0 * f64::from(min) / f64::from(n)),
        capacity_seconds_lost: lost_ms as f64 / 1000.0,
        max_in_flight_observed: max_install_in_flight,
        extra_instance_minutes: Some(round2(extra_ms as f64 / 60_000.0)),
        time_to_first_new_traffic_seconds: cap.iter().find(|p| p.on_new_revision > 0).map(|p| p.time.as_secs_f64()),
    }
}

/// ∫ f dt over the step function `points` up to `end`, in instance-milliseconds.
fn integrate(points: &[FleetPoint], end: SimTime, f: impl Fn(&FleetPoint) -> u64) -> u128 {
    let mut total: u128 = 0;
    for (i, p) in points.iter().enumerate() {
        let next = points.get(i + 1).map_or(end, |q| q.time.min(end));
        if next > p.time {
            total += u128::from(f(p)) * u128::from(next.since(p.time).as_millis());
        }
    }
    total
}
