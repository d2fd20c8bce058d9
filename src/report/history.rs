//! The report of an in-place group's history: every deployment in creation order (user
//! requests and the rollbacks CodeDeploy created), each in the shape of a single in-place
//! deployment's, with its revision's name; the refused requests; and the capacity series
//! through the whole history.
//!
//! Not here: running the history (`platform::server::history`) or a single deployment's
//! report (`in_place`, whose deployment shape this reuses).

use std::sync::Arc;

use super::in_place::{capacity_metrics, deployment_info};
use super::timing::{PhaseDuration, Timing, round3};
use super::{DeploymentInfo, Metrics, RefusedRequest, Report, RollbackInfo, ScriptNames};
use crate::deployment::{DEPLOYMENT_LIMIT_EXCEEDED, already_active_message, simulated_id};
use crate::lifecycle::LifecycleEventName;
use crate::platform::server::history::{HistoryRuns, Refusal};
use crate::scenario::Scenario;
use crate::scenario::history::History;
use crate::time::SimTime;

/// Builds the report of a finished history.
pub fn build(scenario: &Scenario, seed: u64, runs: HistoryRuns, events: u64) -> Report {
    let ip = scenario.in_place().expect("a history is in place");
    let history = scenario.history.as_ref().expect("a history");
    let end = runs
        .deployments
        .iter()
        .map(|d| d.outcome.complete_time)
        .max()
        .unwrap_or(SimTime::ZERO);
    let mut deployments = Vec::with_capacity(runs.deployments.len());
    let mut capacity = Vec::new();
    let mut phase_seconds = Vec::new();
    let mut max_in_flight = 0;
    let order = LifecycleEventName::in_place_order(ip.load_balancer.is_some());
    // §4.1: the events that run an earlier revision's scripts name that revision's.
    let earlier: Arc<[ScriptNames]> = history
        .revisions
        .iter()
        .map(|r| ScriptNames::new(order, |name| Some(r.hooks.get(name))))
        .collect();
    for (k, d) in runs.deployments.into_iter().enumerate() {
        let hooks = &history.revision(d.revision).hooks;
        let outcome = Arc::new(d.outcome);
        let scripts = ScriptNames::new(outcome.order, |name| {
            Some(ip.agent.step(name).unwrap_or_else(|| hooks.get(name)))
        })
        .with_earlier(Arc::clone(&earlier), d.previous);
        let mut info = deployment_info(scenario, ip, &outcome, &scripts, &simulated_id(k + 1));
        info.revision_name = Some(history.revision(d.revision).name.clone());
        let span = (outcome.complete_time.since(outcome.create_time)).as_secs_f64();
        match d.rolls_back {
            Some(of) => {
                info.creator = "codeDeployRollback";
                info.rollback_info = Some(RollbackInfo {
                    rollback_triggering_deployment_id: Some(simulated_id(of + 1)),
                    ..RollbackInfo::default()
                });
                capacity.extend(outcome.capacity.iter().skip(1).copied());
                phase_seconds.push(PhaseDuration {
                    phase: "rollback",
                    seconds: round3(span),
                    deployment_id: Some(info.deployment_id.clone()),
                });
            }
            None => {
                if d.rolled_back_by.is_some() || d.rollback_message.is_some() {
                    info.rollback_info = Some(RollbackInfo {
                        rollback_deployment_id: d.rolled_back_by.map(|r| simulated_id(r + 1)),
                        rollback_triggering_deployment_id: None,
                        rollback_message: d.rollback_message,
                    });
                }
                capacity.extend(outcome.capacity.iter().copied());
                phase_seconds.push(PhaseDuration {
                    phase: "install",
                    seconds: round3(span),
                    deployment_id: Some(info.deployment_id.clone()),
                });
                max_in_flight = max_in_flight.max(super::max_in_flight(&outcome));
            }
        }
        deployments.push(info);
    }
    let refused_requests = runs
        .refusals
        .iter()
        .map(|r| refused_create(scenario, history, r))
        .collect();
    let figures = capacity_metrics(ip, max_in_flight, &capacity, end);
    let mut report = Report {
        scenario: scenario.name.clone(),
        seed,
        deployments,
        metrics: Metrics {
            duration_seconds: end.as_secs_f64(),
            simulated_events: events,
            capacity: Some(figures),
            availability: None,
            timing: Timing {
                phase_seconds,
                ..Timing::default()
            },
        },
        capacity: super::in_place::capacity_points(&capacity),
        traffic: None,
        alarms: super::blue_green::alarm_reports(&runs.alarm_states, scenario.monitoring.alarms.as_ref()),
        refused_requests,
    };
    alarm_timing(&mut report, |r, d| {
        r.capacity
            .iter()
            .find(|p| p.time >= d.create_time && p.time <= d.complete_time && p.on_new_revision > 0)
            .map(|p| p.time)
    });
    report
}

/// The detection and ALARM-to-rollback figures of a history's first deployment an alarm
/// stopped while it ran (not one stopped at its creation, which deployed nothing): from its
/// revision's first production traffic (`first_traffic` of the report and the deployment;
/// in place, its first instance in service on its revision) to the ALARM that stopped it,
/// and from that ALARM to the end of its rollback deployment.
pub(super) fn alarm_timing(report: &mut Report, first_traffic: impl Fn(&Report, &DeploymentInfo) -> Option<f64>) {
    let Some(d) = report.deployments.iter().find(|d| {
        d.complete_time > d.create_time && d.error_information.as_ref().is_some_and(|e| e.code == "ALARM_ACTIVE")
    }) else {
        return;
    };
    let Some(alarm) = report
        .alarms
        .iter()
        .filter_map(|a| a.states.iter().rev().find(|s| s.time <= d.complete_time))
        .filter(|s| s.state == "ALARM")
        .map(|s| s.time)
        .max_by(f64::total_cmp)
    else {
        return;
    };
    let first_traffic = first_traffic(report, d);
    let rollback = d
        .rollback_info
        .as_ref()
        .and_then(|r| r.rollback_deployment_id.as_ref())
        .and_then(|id| report.deployments.iter().find(|r| &r.deployment_id == id));
    let timing = &mut report.metrics.timing;
    timing.detection_seconds = first_traffic.filter(|&t| alarm >= t).map(|t| round3(alarm - t));
    timing.alarm_to_rollback_complete_seconds = rollback.map(|r| round3(r.complete_time - alarm));
}

/// A CreateDeployment refused because deployment `r.active` of the group was active (§11).
pub(super) fn refused_create(scenario: &Scenario, history: &History, r: &Refusal) -> RefusedRequest {
    RefusedRequest {
        time: r.at.as_secs_f64(),
        operation: None,
        revision_name: history.revision(r.revision).name.clone(),
        error_code: DEPLOYMENT_LIMIT_EXCEEDED,
        message: already_active_message(&scenario.name, &simulated_id(r.active + 1)),
    }
}
