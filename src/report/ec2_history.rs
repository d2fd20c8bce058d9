//! The report of an EC2 blue/green group's history: every deployment in creation order
//! (user requests and the rollbacks CodeDeploy created), each in the shape of a single EC2
//! blue/green deployment's, with its revision's name and its instances' ids (each
//! replacement fleet new ids, the group's fleet the ids its deployment launched); the
//! refused requests (CreateDeployment and ContinueDeployment); the capacity of both fleets
//! through the whole history.
//!
//! Between two deployments the capacity series gets one point at the end of the first: the
//! group's fleet (the replacements after a success, the originals otherwise) counted as the
//! original fleet, and no replacement fleet running: instances left running outside the
//! group (`KEEP_ALIVE` originals, the replacements of a deployment that was not rolled
//! back) are no longer counted.
//!
//! Not here: running the history (`platform::ec2_blue_green::history`) or a single
//! deployment's report (`ec2_blue_green`, whose deployment shape this reuses).

use super::shift_history::{phases, refused};
use super::{Metrics, Report, ec2_blue_green};
use crate::deployment::DeploymentStatus;
use crate::platform::ec2_blue_green::FleetPoint;
use crate::platform::ec2_blue_green::history::{Ec2HistoryDeployment, Ec2HistoryRuns};
use crate::scenario::Scenario;
use crate::time::SimTime;

/// Builds the report of a finished history on an EC2 blue/green group.
pub fn build(scenario: &Scenario, seed: u64, runs: &Ec2HistoryRuns, events: u64) -> Report {
    let history = scenario.history.as_ref().expect("a history");
    let bg = scenario.ec2_blue_green().expect("an EC2 blue/green group");
    let mut deployments = Vec::new();
    let mut capacity: Vec<FleetPoint> = Vec::new();
    let mut max_install = 0;
    for (k, d) in runs.deployments.iter().enumerate() {
        let mut pair = ec2_blue_green::deployments(scenario, &d.spec, &d.outcome, d.created, &|t| d.instance_number(t));
        pair[0].revision_name = Some(history.revision(d.revision).name.clone());
        if let Some(rollback) = pair.get_mut(1) {
            rollback.revision_name = Some(history.revision(d.original).name.clone());
        }
        deployments.extend(pair);
        capacity.extend(&d.outcome.capacity);
        if k + 1 < runs.deployments.len() {
            capacity.push(handover(d));
        }
        max_install = max_install.max(d.outcome.max_install_in_flight);
    }
    let user_end = runs
        .deployments
        .iter()
        .map(|d| d.outcome.deployment.complete_time)
        .max()
        .unwrap_or(SimTime::ZERO);
    // Deployments run one after another: the last one's end (its rollback's) is the history's.
    let end = runs.deployments.last().map_or(SimTime::ZERO, |d| {
        d.outcome
            .rollback
            .as_ref()
            .unwrap_or(&d.outcome.deployment)
            .complete_time
    });
    let mut report = Report {
        scenario: scenario.name.clone(),
        seed,
        deployments,
        metrics: Metrics {
            duration_seconds: user_end.as_secs_f64(),
            simulated_events: events,
            capacity: Some(ec2_blue_green::capacity_metrics(bg, &capacity, max_install, end)),
            availability: None,
            timing: super::timing::Timing::default(),
        },
        capacity: ec2_blue_green::capacity_points(&capacity),
        traffic: None,
        alarms: Vec::new(),
        refused_requests: refused(scenario, history, &runs.refusals, &runs.refused_continues),
    };
    report.metrics.timing = super::timing::of(&report);
    report.metrics.timing.phase_seconds = phases(&report);
    report
}

/// The group's fleet when `d` (and its rollback) has ended, counted as the next deployment
/// will count its originals.
fn handover(d: &Ec2HistoryDeployment) -> FleetPoint {
    let o = &d.outcome;
    let n = d.spec.originals() as usize;
    let succeeded = o.deployment.status == DeploymentStatus::Succeeded;
    let fleet = if succeeded { &o.serving[n..] } else { &o.serving[..n] };
    let in_service = fleet.iter().filter(|&&s| s).count() as u32;
    let last = o.capacity.last().copied().expect("a first point");
    FleetPoint {
        time: o.rollback.as_ref().unwrap_or(&o.deployment).complete_time,
        in_service,
        on_new_revision: if succeeded { in_service } else { 0 },
        original_running: if succeeded {
            last.replacement_running
        } else {
            last.original_running
        },
        replacement_running: 0,
    }
}
