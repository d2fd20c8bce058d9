//! Timing figures read off a finished report: how long detection took, how long the
//! rollback took after the alarm, how long each phase lasted, and (ECS) how many extra
//! task-minutes the replacement task set ran beside the original.
//!
//! Everything here is derived from the report's own series, so every platform gets the
//! figures its report has the data for, and none are estimated.
//!
//! Not here: the per-platform figures (capacity, availability), built with the report.

use serde::Serialize;

use super::{Report, round2};

/// See the module docs; every figure is absent where the run has no data for it.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// Seconds from the new revision's first production traffic (the moment a faulty
    /// revision can start doing harm) to the first alarm entering ALARM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection_seconds: Option<f64>,
    /// Seconds from the first alarm entering ALARM to the rollback deployment's completion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarm_to_rollback_complete_seconds: Option<f64>,
    /// ECS: ∑ over metric periods, while the original task set still has healthy tasks, of
    /// the replacement's healthy tasks × the period, in task-minutes (each period counts
    /// the tasks healthy at its end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_task_minutes: Option<f64>,
    /// Each phase's duration in seconds, in order: in-place `install` (the deployment),
    /// blue/green `install`, `ready` (waiting for ContinueDeployment), `shifting` (traffic
    /// steps and the waits between them), `terminationWait`; and `rollback` when a rollback
    /// deployment ran.
    pub phase_seconds: Vec<PhaseDuration>,
}

/// One phase and how long it took.
#[derive(Clone, Debug, Serialize)]
pub struct PhaseDuration {
    /// The phase's name, e.g. `install` or `shifting`.
    pub phase: &'static str,
    /// Its duration, in seconds.
    pub seconds: f64,
    /// The deployment whose phase it is, given only in a history (several deployments),
    /// where phase names repeat.
    #[serde(rename = "deploymentId", skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
}

/// The timing figures of `report` (whose other fields are complete).
pub fn of(report: &Report) -> Timing {
    let first_alarm = first_alarm(report);
    let first_traffic = first_new_traffic(report);
    let rollback = report.deployments.iter().find(|d| d.creator == "codeDeployRollback");
    Timing {
        detection_seconds: match (first_traffic, first_alarm) {
            (Some(t), Some(a)) if a >= t => Some(round3(a - t)),
            _ => None,
        },
        alarm_to_rollback_complete_seconds: match (first_alarm, rollback) {
            (Some(a), Some(r)) if r.complete_time >= a => Some(round3(r.complete_time - a)),
            _ => None,
        },
        extra_task_minutes: extra_task_minutes(report),
        phase_seconds: phases(report),
    }
}

/// When production traffic first reached the new revision.
pub fn first_new_traffic(report: &Report) -> Option<f64> {
    let m = &report.metrics;
    m.availability
        .as_ref()
        .and_then(|a| a.time_to_first_new_traffic_seconds)
        .or_else(|| m.capacity.as_ref().and_then(|c| c.time_to_first_new_traffic_seconds))
}

/// When the first alarm entered ALARM.
pub fn first_alarm(report: &Report) -> Option<f64> {
    report
        .alarms
        .iter()
        .filter_map(|a| a.states.iter().find(|s| s.state == "ALARM").map(|s| s.time))
        .min_by(f64::total_cmp)
}

fn extra_task_minutes(report: &Report) -> Option<f64> {
    let traffic = report.traffic.as_ref()?;
    let mut seconds = 0.0;
    let mut any = false;
    for p in &traffic.periods {
        let h = p.healthy_tasks?;
        any = true;
        if h.original > 0 {
            seconds += f64::from(h.replacement) * (p.end - p.start);
        }
    }
    any.then(|| round2(seconds / 60.0))
}

fn phases(report: &Report) -> Vec<PhaseDuration> {
    let Some(first) = report.deployments.first() else {
        return Vec::new();
    };
    let mut out: Vec<PhaseDuration> = if first.phases.is_empty() {
        vec![PhaseDuration {
            phase: "install",
            seconds: round3(first.complete_time - first.create_time),
            deployment_id: None,
        }]
    } else {
        first
            .phases
            .iter()
            .map(|p| PhaseDuration {
                phase: p.name,
                seconds: round3(p.end_time - p.start_time),
                deployment_id: None,
            })
            .collect()
    };
    if let Some(r) = report.deployments.iter().find(|d| d.creator == "codeDeployRollback") {
        out.push(PhaseDuration {
            phase: "rollback",
            seconds: round3(r.complete_time - r.create_time),
            deployment_id: None,
        });
    }
    out
}

/// `x` rounded to three decimals (milliseconds of seconds).
pub(super) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
