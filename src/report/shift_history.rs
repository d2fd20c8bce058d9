//! The report of an ECS or Lambda group's history: every deployment in creation order (user
//! requests and the rollbacks CodeDeploy created), each in the shape of a single ECS or
//! Lambda deployment's, with its revision's name; the refused requests (CreateDeployment and
//! ContinueDeployment); the traffic series through the whole history, the group's alarms'
//! states on its time axis, and the availability figures summed over it.
//!
//! Not here: running the history (`platform::shift_history`) or a single deployment's
//! report (`blue_green`, whose deployment shape this reuses).

use super::blue_green::{self, Availability, TrafficReport};
use super::history::{alarm_timing, refused_create};
use super::timing::{PhaseDuration, round3};
use super::{Metrics, RefusedRequest, Report};
use crate::deployment::{
    DEPLOYMENT_ALREADY_COMPLETED, DEPLOYMENT_NOT_READY, already_completed_message, not_in_wait_message, simulated_id,
};
use crate::platform::server::history::Refusal;
use crate::platform::shift_history::{ContinueRefusal, ShiftHistoryRuns};
use crate::scenario::Scenario;
use crate::scenario::history::{History, WaitType};
use crate::time::SimTime;

/// Builds the report of a finished history on an ECS or Lambda group.
pub fn build(scenario: &Scenario, seed: u64, runs: &ShiftHistoryRuns, events: u64) -> Report {
    let history = scenario.history.as_ref().expect("a history");
    let end = runs
        .deployments
        .iter()
        .map(|d| d.outcome.complete_time)
        .max()
        .unwrap_or(SimTime::ZERO);
    let mut deployments = Vec::new();
    let mut availability: Option<Availability> = None;
    let mut traffic: Option<TrafficReport> = None;
    for d in &runs.deployments {
        let mut pair = blue_green::deployments(scenario, &d.spec, &d.outcome, d.created);
        pair[0].revision_name = Some(history.revision(d.revision).name.clone());
        if let Some(rollback) = pair.get_mut(1) {
            rollback.revision_name = Some(history.revision(d.original).name.clone());
        }
        deployments.extend(pair);
        let a = blue_green::availability(&d.spec, &d.outcome);
        availability = Some(match availability {
            None => a,
            Some(sum) => add(sum, a),
        });
        let t = blue_green::traffic_report(&d.spec, &d.outcome);
        match &mut traffic {
            None => traffic = Some(t),
            Some(all) => all.periods.extend(t.periods),
        }
    }
    let mut report = Report {
        scenario: scenario.name.clone(),
        seed,
        deployments,
        metrics: Metrics {
            duration_seconds: end.as_secs_f64(),
            simulated_events: events,
            capacity: None,
            availability,
            timing: super::timing::Timing::default(),
        },
        capacity: Vec::new(),
        traffic,
        alarms: blue_green::alarm_reports(&runs.alarm_states, scenario.monitoring.alarms.as_ref()),
        refused_requests: refused(scenario, history, &runs.refusals, &runs.refused_continues),
    };
    report.metrics.timing = super::timing::of(&report);
    report.metrics.timing.phase_seconds = phases(&report);
    // The alarm figures are those of the deployment an alarm stopped, not of the history's
    // first new traffic.
    report.metrics.timing.detection_seconds = None;
    report.metrics.timing.alarm_to_rollback_complete_seconds = None;
    alarm_timing(&mut report, |_, d| {
        d.traffic_shifts
            .iter()
            .flatten()
            .find(|s| s.percent > 0)
            .map(|s| s.time)
    });
    report
}

/// The availability figures of two stretches of the history together; the first new
/// traffic is the earliest.
fn add(a: Availability, b: Availability) -> Availability {
    Availability {
        requests: a.requests + b.requests,
        requests_failed: a.requests_failed + b.requests_failed,
        requests_to_new_version: a.requests_to_new_version + b.requests_to_new_version,
        requests_failed_on_new_version: a.requests_failed_on_new_version + b.requests_failed_on_new_version,
        requests_failed_because_of_new_version: a.requests_failed_because_of_new_version
            + b.requests_failed_because_of_new_version,
        test_requests: a.test_requests + b.test_requests,
        test_requests_failed: a.test_requests_failed + b.test_requests_failed,
        time_to_first_new_traffic_seconds: a
            .time_to_first_new_traffic_seconds
            .or(b.time_to_first_new_traffic_seconds),
    }
}

/// Every deployment's phases, named by deployment; a rollback is one phase.
pub(super) fn phases(report: &Report) -> Vec<PhaseDuration> {
    let mut out = Vec::new();
    for d in &report.deployments {
        let id = || Some(d.deployment_id.clone());
        if d.creator == "codeDeployRollback" {
            out.push(PhaseDuration {
                phase: "rollback",
                seconds: round3(d.complete_time - d.create_time),
                deployment_id: id(),
            });
            continue;
        }
        out.extend(d.phases.iter().map(|p| PhaseDuration {
            phase: p.name,
            seconds: round3(p.end_time - p.start_time),
            deployment_id: id(),
        }));
    }
    out
}

/// The refused CreateDeployment and ContinueDeployment requests, in time order.
pub(super) fn refused(
    scenario: &Scenario,
    history: &History,
    creates: &[Refusal],
    continues: &[ContinueRefusal],
) -> Vec<RefusedRequest> {
    let creates = creates.iter().map(|r| refused_create(scenario, history, r));
    let continues = continues.iter().map(|r| {
        let id = simulated_id(r.deployment + 1);
        let (error_code, message) = if r.completed {
            (DEPLOYMENT_ALREADY_COMPLETED, already_completed_message(&id))
        } else {
            (
                DEPLOYMENT_NOT_READY,
                not_in_wait_message(&id, r.call.wait == WaitType::Termination),
            )
        };
        RefusedRequest {
            time: r.call.at.as_secs_f64(),
            operation: Some("ContinueDeployment"),
            revision_name: history.revision(r.revision).name.clone(),
            error_code,
            message,
        }
    });
    let mut all: Vec<RefusedRequest> = creates.chain(continues).collect();
    all.sort_by(|a, b| a.time.total_cmp(&b.time));
    all
}
