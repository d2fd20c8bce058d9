//! The report of an in-place (EC2/on-premises) deployment.

use std::sync::Arc;

use super::in_place_json::TargetsJson;
use super::targets::{Brief, TargetJson, TargetSource};
use super::zonal::ZonalExplanation;
use super::{
    CapacityMetrics, CapacityPoint, DeploymentInfo, DeploymentOverview, DeploymentStyle, ErrorInformation,
    HealthPlanInfo, Metrics, Report, RollbackInfo, ScriptNames, TargetInfo, Targets, lifecycle_events, round2,
};
use crate::config::ConfigRule;
use crate::deployment::LifecycleEventStatus;
use crate::id::TargetId;
use crate::platform::server::InPlaceRuns;
use crate::platform::server::{self, InPlaceOutcome};
use crate::scenario::{Fleet, InPlace, Scenario};
use crate::time::SimTime;

const FIRST_ID: &str = "d-SIMULATED1";
const ROLLBACK_ID: &str = "d-SIMULATED2";

/// Builds the report of a finished in-place run and of its rollback, if any. The report
/// keeps the runs' records and builds each target from them when it is read.
pub fn build(scenario: &Scenario, seed: u64, runs: InPlaceRuns, events: u64) -> Report {
    let ip = scenario.in_place().expect("an in-place scenario");
    let outcome = &Arc::new(runs.deployment);
    let rollback = runs.rollback.map(Arc::new);
    let scripts = ScriptNames::new(outcome.order, |name| {
        Some(ip.agent.step(name).unwrap_or_else(|| ip.hooks.get(name)))
    });
    let mut first = deployment_info(scenario, ip, outcome, &scripts, FIRST_ID);
    let mut deployments = Vec::new();
    if rollback.is_some() || runs.rollback_message.is_some() {
        first.rollback_info = Some(RollbackInfo {
            rollback_deployment_id: rollback.as_ref().map(|_| ROLLBACK_ID.to_string()),
            rollback_triggering_deployment_id: None,
            rollback_message: runs.rollback_message,
        });
    }
    deployments.push(first);
    // The capacity series runs on through the rollback.
    let mut capacity = outcome.capacity.clone();
    if let Some(rb) = &rollback {
        let mut second = deployment_info(scenario, ip, rb, &scripts, ROLLBACK_ID);
        second.creator = "codeDeployRollback";
        second.rollback_info = Some(RollbackInfo {
            rollback_triggering_deployment_id: Some(FIRST_ID.to_string()),
            ..RollbackInfo::default()
        });
        deployments.push(second);
        capacity.extend(rb.capacity.iter().skip(1));
    }
    let end = rollback.as_ref().unwrap_or(outcome).complete_time;
    let mut report = Report {
        refused_requests: Vec::new(),
        scenario: scenario.name.clone(),
        seed,
        deployments,
        metrics: Metrics {
            duration_seconds: outcome.complete_time.as_secs_f64(),
            simulated_events: events,
            capacity: Some(capacity_metrics(ip, max_in_flight(outcome), &capacity, end)),
            availability: None,
            timing: super::timing::Timing::default(),
        },
        capacity: capacity_points(&capacity),
        traffic: None,
        alarms: super::blue_green::alarm_reports(&outcome.alarm_states, scenario.monitoring.alarms.as_ref()),
    };
    report.metrics.timing = super::timing::of(&report);
    report
}

pub(super) fn deployment_info(
    scenario: &Scenario,
    ip: &InPlace,
    outcome: &Arc<InPlaceOutcome>,
    scripts: &ScriptNames,
    id: &str,
) -> DeploymentInfo {
    let overview = DeploymentOverview::count(&outcome.target_status);
    let config = &scenario.deployment_config;
    let health_plan = match (&config.rule, outcome.plan) {
        (ConfigRule::MinimumHealthy { minimum, zonal }, plan) => Some(HealthPlanInfo {
            minimum_healthy_hosts: (*minimum).into(),
            minimum_healthy_instances: minimum.resolve(ip.fleet.instances),
            max_in_flight: plan.map_or(0, |p| p.max_in_flight),
            min_successes: plan.map_or(0, |p| p.min_successes),
            // §2.6: a rollback is not zonal.
            zonal_config: zonal.as_ref().filter(|_| !outcome.is_rollback).map(|z| {
                ZonalExplanation::new(
                    z,
                    &ip.fleet.zones,
                    ip.fleet.instances,
                    plan.map_or(0, |p| p.max_in_flight),
                )
            }),
        }),
        _ => None,
    };
    let targets = Targets::on_demand(Arc::new(InPlaceTargets {
        outcome: Arc::clone(outcome),
        scripts: scripts.clone(),
        fleet: ip.fleet.clone(),
        zonal: !ip.fleet.zones.is_empty() && !outcome.is_rollback,
    }));
    DeploymentInfo {
        revision_name: None,
        deployment_id: id.to_string(),
        creator: "user",
        deployment_config_name: config.name.clone(),
        compute_platform: config.compute_platform.api_name(),
        deployment_style: DeploymentStyle {
            deployment_type: "IN_PLACE",
            deployment_option: if ip.load_balancer.is_some() {
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
        rollback_info: None,
        ignore_application_stop_failures: ip.ignore_application_stop_failures,
        create_time: outcome.create_time.as_secs_f64(),
        start_time: outcome.create_time.as_secs_f64(),
        complete_time: outcome.complete_time.as_secs_f64(),
        health_plan,
        traffic_shifts: None,
        phases: Vec::new(),
        blue_green_deployment_configuration: None,
        instance_termination_wait_time_started: None,
        targets,
    }
}

/// An in-place deployment's targets, built from its records when read.
struct InPlaceTargets {
    outcome: Arc<InPlaceOutcome>,
    scripts: ScriptNames,
    fleet: Fleet,
    /// Whether targets name their Availability Zone (a zonal deployment, not its rollback).
    zonal: bool,
}

impl TargetSource for InPlaceTargets {
    fn len(&self) -> usize {
        self.outcome.target_status.len()
    }

    fn brief(&self, i: usize) -> Brief {
        Brief {
            status: self.outcome.target_status[i].as_str(),
            instance_label: None,
        }
    }

    fn json(&self, depth: usize) -> TargetJson<'_> {
        let zoned = self.zonal.then_some(&self.fleet);
        let mut targets = TargetsJson::new(&self.outcome, &self.scripts, zoned, depth);
        Box::new(move |i, out| targets.write(i, out))
    }

    fn target(&self, i: usize) -> TargetInfo {
        let t = TargetId(i as u32);
        let fleet = &self.fleet;
        let span = (
            self.outcome.create_time.as_secs_f64(),
            self.outcome.complete_time.as_secs_f64(),
        );
        let events = lifecycle_events(t, self.outcome.order, self.outcome.records.row(t), &self.scripts);
        let mut target = TargetInfo::new(
            "Server",
            t.to_string(),
            self.outcome.target_status[i].as_str(),
            events,
            span,
        );
        target.availability_zone = self.zonal.then(|| fleet.zones[fleet.zone_of(t).index()].clone());
        target
    }
}

/// An in-place run's capacity series in the report's shape.
pub(super) fn capacity_points(capacity: &[server::CapacityPoint]) -> Vec<CapacityPoint> {
    capacity
        .iter()
        .map(|p| CapacityPoint {
            time: p.time.as_secs_f64(),
            in_service: p.in_service,
            on_new_revision: p.on_new_revision,
            original_running: None,
            replacement_running: None,
        })
        .collect()
}

/// Capacity figures over `capacity` up to `end` (through the rollback, if any), with the
/// most instances in flight observed in the deployment (or deployments) itself.
pub(super) fn capacity_metrics(
    ip: &InPlace,
    max_in_flight_observed: u32,
    capacity: &[server::CapacityPoint],
    end: SimTime,
) -> CapacityMetrics {
    let n = ip.fleet.instances;
    let initial = capacity.first().map_or(0, |p| p.in_service);
    let min = capacity.iter().map(|p| p.in_service).min().unwrap_or(0);
    let mut lost_ms: u128 = 0;
    for (i, p) in capacity.iter().enumerate() {
        let (t, c) = (p.time, p.in_service);
        let next = capacity.get(i + 1).map_or(end, |p2| p2.time.min(end));
        if next > t {
            lost_ms += u128::from(initial.saturating_sub(c)) * u128::from(next.since(t).as_millis());
        }
    }
    CapacityMetrics {
        instances: n,
        initial_in_service: initial,
        min_in_service: min,
        min_in_service_percent: round2(100.0 * f64::from(min) / f64::from(n)),
        capacity_seconds_lost: lost_ms as f64 / 1000.0,
        max_in_flight_observed,
        extra_instance_minutes: None,
        time_to_first_new_traffic_seconds: capacity
            .iter()
            .find(|p| p.on_new_revision > 0)
            .map(|p| p.time.as_secs_f64()),
    }
}

/// The most instances whose lifecycles overlap in time (an instance is in flight from its
/// first event's start to its last started event's end).
pub fn max_in_flight(outcome: &InPlaceOutcome) -> u32 {
    let (mut starts, mut ends) = (Vec::new(), Vec::new());
    for t in (0..outcome.records.instances() as u32).map(TargetId) {
        let mut started = outcome
            .records
            .row(t)
            .filter(|r| !matches!(r.status, LifecycleEventStatus::Pending | LifecycleEventStatus::Skipped));
        if let Some(first) = started.next() {
            let last = started.last().unwrap_or(first);
            starts.push(first.start);
            ends.push(last.end());
        }
    }
    // Two sorts of times rather than one of (time, ±1) pairs: less to compare and move.
    starts.sort_unstable();
    ends.sort_unstable();
    let (mut ended, mut max) = (0, 0);
    for (begun, start) in starts.iter().enumerate() {
        // Ends before starts at the same instant: a finished instance frees its slot
        // before the next one takes it.
        ended += ends[ended..].iter().take_while(|&end| end <= start).count();
        max = max.max((begun + 1).saturating_sub(ended));
    }
    max as u32
}
