//! One run of a comparison, as the figures the comparison needs: the per-run record that
//! shard files carry and that every statistic is computed from.
//!
//! Not here: drawing the run's faults (`scenario::fault_model`) or aggregating records
//! (`summary`).

use serde::{Deserialize, Serialize};

use crate::deployment::DeploymentStatus;
use crate::platform::server::InPlaceRuns;
use crate::report::Report;
use crate::scenario::Scenario;
use crate::scenario::blue_green::ShiftTarget;

/// The figures of one run of one configuration. Times are whole simulated milliseconds
/// since the deployment was created, and every figure is an integer, so a record read back
/// from a shard file is exactly the record written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunRecord {
    /// The run's seed (the same for every configuration: common random numbers).
    pub seed: u64,
    /// The fault model drew a bad revision for this run.
    pub bad_revision: bool,
    /// The deployment's status was `Succeeded`.
    pub succeeded: bool,
    /// A rollback deployment was made (§8).
    pub rolled_back: bool,
    /// From creation to the deployment's terminal status.
    pub duration_ms: u64,
    /// From creation to the end of the rollback deployment, when there was one.
    pub rollback_ms: Option<u64>,
    /// ECS and Lambda: production requests that failed (both versions).
    pub failed_requests: Option<u64>,
    /// ECS and Lambda: of those, the failures the new revision caused (its failures beyond
    /// what the original's error rate would have given for the same requests).
    pub failed_because_of_new_revision: Option<u64>,
    /// ECS and Lambda: production requests served by a bad revision (0 when it was good).
    pub exposed_requests: Option<u64>,
    /// Server: (the fewest instances in service, the fleet's size).
    pub min_in_service: Option<(u32, u32)>,
    /// Blue/green's extra cost: replacement capacity running beside the original, in
    /// unit-milliseconds (ECS: tasks × time from the replacement's creation to the end;
    /// EC2: ∫ max(0, instances running in both fleets − the original fleet) dt). 0 in place
    /// and for Lambda.
    pub extra_capacity_ms: u64,
}

impl RunRecord {
    /// From creation to the deployment's terminal status, in seconds.
    pub fn duration_seconds(&self) -> f64 {
        self.duration_ms as f64 / 1000.0
    }

    /// From the deployment's creation to the end of its rollback, in seconds, when it rolled
    /// back.
    pub fn rollback_seconds(&self) -> Option<f64> {
        self.rollback_ms.map(|m| m as f64 / 1000.0)
    }

    /// The fewest instances in service as a percentage of the fleet.
    pub fn min_capacity_percent(&self) -> Option<f64> {
        self.min_in_service
            .map(|(m, n)| 100.0 * f64::from(m) / f64::from(n.max(1)))
    }

    /// The failures the original's error rate accounts for: all failed requests less those
    /// the new revision caused.
    pub fn baseline_failed_requests(&self) -> Option<u64> {
        Some(
            self.failed_requests?
                .saturating_sub(self.failed_because_of_new_revision?),
        )
    }

    /// The deployment succeeded although the fault model made the revision bad.
    pub fn shipped_bad_revision(&self) -> bool {
        self.bad_revision && self.succeeded
    }

    /// Hours of replacement capacity beside the original fleet.
    pub fn extra_capacity_hours(&self) -> f64 {
        self.extra_capacity_ms as f64 / 3_600_000.0
    }
}

impl RunRecord {
    /// The record of a finished history: it succeeded when every user deployment did; it
    /// lasted until its last deployment ended; it rolled back when any deployment did, and
    /// its rollback time runs to the end of the last rollback deployment.
    pub fn from_history_report(scenario: &Scenario, report: &Report) -> RunRecord {
        let mut r = RunRecord::from_report(scenario, report, false);
        let rollbacks = report.deployments.iter().filter(|d| d.creator == "codeDeployRollback");
        r.succeeded = report
            .deployments
            .iter()
            .filter(|d| d.creator == "user")
            .all(|d| d.status == "Succeeded");
        r.duration_ms = ms(report.metrics.duration_seconds);
        r.rollback_ms = rollbacks.last().map(|d| ms(d.complete_time));
        r.rolled_back = r.rollback_ms.is_some();
        if let Some(ShiftTarget::Ecs(e)) = scenario.blue_green().map(|bg| &bg.target) {
            // Each user deployment's replacement task set, from its creation to the
            // deployment's end (its rollback, if any, ends at the same instant, §8).
            r.extra_capacity_ms = report
                .deployments
                .iter()
                .filter(|d| d.creator == "user")
                .filter_map(|d| {
                    let created = d.phases.iter().find(|p| p.name == "install")?.start_time;
                    Some(u64::from(e.tasks) * ms(d.complete_time).saturating_sub(ms(created)))
                })
                .sum();
        }
        if scenario.ec2_blue_green().is_some() {
            // Both fleets through the whole history, to the last deployment's end.
            let end = report.deployments.iter().map(|d| d.complete_time).fold(0.0, f64::max);
            r.extra_capacity_ms = extra_fleet_ms(report, end);
        }
        r
    }

    /// The record of a finished run.
    pub fn from_report(scenario: &Scenario, report: &Report, bad_revision: bool) -> RunRecord {
        let first = &report.deployments[0];
        let rollback = report.deployments.get(1);
        let end = rollback.map_or(first.complete_time, |r| r.complete_time);
        let availability = report.metrics.availability.as_ref();
        let ecs_tasks = scenario.blue_green().and_then(|bg| match &bg.target {
            ShiftTarget::Ecs(e) => Some(e.tasks),
            ShiftTarget::Lambda(_) => None,
        });
        let extra_capacity_ms = match ecs_tasks {
            _ if scenario.ec2_blue_green().is_some() => extra_fleet_ms(report, end),
            Some(tasks) => {
                let created = first
                    .phases
                    .iter()
                    .find(|p| p.name == "install")
                    .map(|p| ms(p.start_time));
                created.map_or(0, |c| u64::from(tasks) * ms(end).saturating_sub(c))
            }
            None => 0,
        };
        RunRecord {
            seed: report.seed,
            bad_revision,
            succeeded: first.status == "Succeeded",
            rolled_back: rollback.is_some(),
            duration_ms: ms(first.complete_time),
            rollback_ms: rollback.map(|r| ms(r.complete_time)),
            failed_requests: availability.map(|a| a.requests_failed),
            failed_because_of_new_revision: availability.map(|a| a.requests_failed_because_of_new_version),
            exposed_requests: availability.map(|a| if bad_revision { a.requests_to_new_version } else { 0 }),
            min_in_service: report
                .metrics
                .capacity
                .as_ref()
                .map(|c| (c.min_in_service, c.instances)),
            extra_capacity_ms,
        }
    }
}

impl RunRecord {
    /// The record of a finished in-place run, read from the outcome without building its
    /// report (the per-instance report is most of a run's allocations); the same record as
    /// [`RunRecord::from_report`] gives (a test checks it).
    pub fn from_in_place(scenario: &Scenario, seed: u64, runs: &InPlaceRuns, bad_revision: bool) -> RunRecord {
        let ip = scenario.in_place().expect("an in-place scenario");
        let d = &runs.deployment;
        let rollback = runs.rollback.as_ref();
        let min = d
            .capacity
            .iter()
            .chain(rollback.map_or(&[][..], |r| &r.capacity[1..]))
            .map(|p| p.in_service)
            .min()
            .unwrap_or(0);
        RunRecord {
            seed,
            bad_revision,
            succeeded: d.status == DeploymentStatus::Succeeded,
            rolled_back: rollback.is_some(),
            duration_ms: d.complete_time.as_millis(),
            rollback_ms: rollback.map(|r| r.complete_time.as_millis()),
            failed_requests: None,
            failed_because_of_new_revision: None,
            exposed_requests: None,
            min_in_service: Some((min, ip.fleet.instances)),
            extra_capacity_ms: 0,
        }
    }
}

/// EC2 blue/green: instance-milliseconds beyond the original fleet, from the report's
/// capacity steps up to `end` (the same integral as `extraInstanceMinutes`, unrounded).
fn extra_fleet_ms(report: &Report, end: f64) -> u64 {
    let fleet = report.metrics.capacity.as_ref().map_or(0, |c| u64::from(c.instances));
    let points = &report.capacity;
    let mut total = 0;
    for (i, p) in points.iter().enumerate() {
        let next = points.get(i + 1).map_or(end, |q| q.time);
        let running = u64::from(p.original_running.unwrap_or(0) + p.replacement_running.unwrap_or(0));
        total += running.saturating_sub(fleet) * ms(next).saturating_sub(ms(p.time));
    }
    total
}

/// Report seconds (whole milliseconds / 1000) back to milliseconds.
fn ms(seconds: f64) -> u64 {
    (seconds * 1000.0).round() as u64
}
