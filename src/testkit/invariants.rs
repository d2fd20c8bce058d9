//! Invariant checkers: call them on a [`Report`] and the [`Scenario`] it came from.
//!
//! Each checker states one rule of cdsim's documented semantics (scenarios/README.md,
//! "alarmConfiguration", "autoRollbackConfiguration", "stopDeployment"; ARCHITECTURE.md,
//! "Stops and rollbacks") and returns a [`Violation`] naming the seed, the scenario and the
//! rule when the report breaks it. The rules read only what a report shows plus the
//! settings a user chose (the scenario's `autoRollbackConfiguration`, `stopDeployment`,
//! `alarmConfiguration`, `firstDeployment` and `instanceStops` faults), so they hold for any
//! scenario, generated or hand-written.
//!
//! The rules, exactly (`RULE_*` constants carry their names):
//!
//! - [`RULE_ROLLBACK_RESTORES`]: in place, when the rollback deployment `Succeeded`, each
//!   of its targets is `Succeeded` except an instance the scenario stops (`instanceStops` at
//!   or before the rollback's completion), which may be `Failed`, and the capacity series'
//!   last point at or before the rollback's completion counts every instance in service but
//!   those the scenario stops by then: all serving capacity is on the last good revision.
//!   ECS and Lambda: when a rollback deployment exists it `Succeeded`, its only traffic shift is 0 % at its creation, the first deployment's
//!   last traffic shift (if any) is 0 %, Lambda's `targetVersionWeight` is 0, ECS's original
//!   task set has `trafficWeight` 100 and all its tasks running, and any replacement task
//!   set listed has weight 0.
//! - [`RULE_ROLLBACK_IFF`]: a rollback deployment (creator `codeDeployRollback`, linked both
//!   ways by `rollbackInfo`, created when the first deployment completes) exists exactly when the configured event happened and a good
//!   revision existed. The event is read from the first deployment: `Failed` with
//!   `HEALTH_CONSTRAINTS`, `HEALTH_CONSTRAINTS_INVALID`, `HOOK_EXECUTION_FAILURE` or
//!   `ECS_UPDATE_ERROR` is a failure (`DEPLOYMENT_FAILURE`); `Stopped` with `ALARM_ACTIVE`
//!   an alarm (`DEPLOYMENT_STOP_ON_ALARM`); `Stopped` with `MANUAL_STOP` a request (the
//!   stop's `autoRollbackEnabled`, else `DEPLOYMENT_STOP_ON_REQUEST`); anything else
//!   (`Succeeded`, `Stopped` with `TIMEOUT`) rolls nothing back. A good revision existed
//!   when, in place, the group is not a first deployment and some target was deployed to
//!   (ended `Succeeded` or `Failed`); ECS, when the replacement task set was created
//!   (certainly when Install `Succeeded` or a period counted a healthy replacement task;
//!   certainly not when Install never started; either, when Install was cut short);
//!   Lambda, when a lifecycle event started.
//! - [`RULE_NO_NEW_TRAFFIC_AFTER_ROLLBACK`]: ECS and Lambda: no metric period that starts at
//!   or after the rollback's creation plus [`ROLLBACK_DELAY_SECONDS`] (0: "at once") has a
//!   production request on the replacement or a `newVersionPercent` above 0.
//! - [`RULE_WEIGHTS`]: every traffic shift's percent is in 0..=100, shift times never
//!   decrease, percents never decrease except for one final 0 % at the rollback's creation;
//!   every period's `newVersionPercent` is in 0..=100; ECS task set weights sum to 100 (the
//!   original alone has 100 − the last shift's percent); Lambda's `targetVersionWeight` is
//!   the last shift's percent / 100.
//! - [`RULE_STOP`]: when the first deployment is `Stopped` with `MANUAL_STOP` or
//!   `ALARM_ACTIVE`, at the stop time T (the `stopDeployment` time; for an alarm, 0 when an
//!   alarm starts in ALARM, else the first poll k × pollInterval, k ≥ 1, at which an alarm's
//!   state is ALARM and can be read, or cannot be read without `ignorePollAlarmFailure`; a
//!   poll sees the evaluations due at its instant, as ARCHITECTURE.md documents) no
//!   lifecycle event starts after T and every target none of whose events started by T is
//!   `Skipped`; ECS and Lambda stop at once: the deployment completes at T, no event ends
//!   after T and no traffic shift but the rollback's 0 % comes after T; in place running
//!   events may end later and the deployment completes when the last one ends (≥ T).
//!   EC2 blue/green stops as in place.
//! - EC2 blue/green ([`check_ec2_blue_green`]): [`RULE_ROLLBACK_RESTORES`] reads: when the
//!   rollback `Succeeded`, each of its targets is `Succeeded` or `Skipped` (or `Failed` and
//!   stopped by the scenario), and at its completion `onNewRevision` is 0 and `inService`
//!   counts the originals that serve again (rolled back, or never deregistered and healthy
//!   from the start) but not those the scenario stops. [`RULE_FLEET_CAPACITY`]: at every
//!   capacity point `onNewRevision` ≤ `replacementRunning` ≤ R, `originalRunning` ≤ N and
//!   `inService` − `onNewRevision` ≤ `originalRunning` (never negative). [`RULE_TERMINAL`]:
//!   every deployment lists all N + R instances, each `Succeeded`, `Failed` or `Skipped`,
//!   no event left `Pending` or `InProgress`. [`RULE_TIME`]: capacity times never
//!   decrease; each target's events run one after another within their deployment.
//!   [`RULE_INSTALL_IN_FLIGHT`]: the replacements' install spans (ApplicationStop to
//!   ValidateService) overlap at most `healthPlan.maxInFlight` at a time.

use std::fmt;

use crate::report::{DeploymentInfo, Report};
use crate::scenario::blue_green::ShiftTarget;
use crate::scenario::{Scenario, Workload};
use crate::time::SimTime;

/// The documented delay between a blue/green rollback decision and production traffic
/// being back on the original: none ("ECS and Lambda put all production traffic back on
/// the original at once").
pub const ROLLBACK_DELAY_SECONDS: f64 = 0.0;

/// The rule of [`check_rollback_restores_last_good_revision`].
pub const RULE_ROLLBACK_RESTORES: &str =
    "after a rollback, all serving capacity and all traffic are on the last good revision";
/// The rule of [`check_rollback_exists_iff_configured`].
pub const RULE_ROLLBACK_IFF: &str =
    "a rollback deployment exists exactly when the configured event happened and a good revision existed";
/// The rule of [`check_no_new_traffic_after_rollback`].
pub const RULE_NO_NEW_TRAFFIC_AFTER_ROLLBACK: &str =
    "no traffic reaches the new revision after the rollback decision plus the documented delay";
/// The rule of [`check_traffic_weights`].
pub const RULE_WEIGHTS: &str = "traffic weights are percentages that sum to 100 and only grow until a rollback";
/// The rule of [`check_stop_schedules_nothing_more`] and [`check_stop_at`].
pub const RULE_STOP: &str = "a stopped deployment schedules no further lifecycle events";

/// The rule of [`check_ec2_blue_green`]: capacity is a count of instances that exist.
pub const RULE_FLEET_CAPACITY: &str =
    "in-service instances are running instances of one fleet or the other, never more";
/// The rule of [`check_ec2_blue_green`]: targets and events end in one terminal status.
pub const RULE_TERMINAL: &str = "every target and lifecycle event ends in exactly one terminal status";
/// The rule of [`check_ec2_blue_green`]: time runs forward.
pub const RULE_TIME: &str = "simulated time is monotone: capacity points, events and deployments in order";
/// The rule of [`check_ec2_blue_green`]: the install keeps the configuration's limit.
pub const RULE_INSTALL_IN_FLIGHT: &str =
    "at most R − M replacement instances install the revision at once (§3.2 on the replacement fleet)";

/// A broken rule: which, where, and what was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The case's seed.
    pub seed: u64,
    /// The scenario's name.
    pub scenario: String,
    /// One of the `RULE_*` constants.
    pub rule: &'static str,
    /// What was seen.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seed {} (scenario {}): rule \"{}\" violated: {}",
            self.seed, self.scenario, self.rule, self.detail
        )
    }
}

/// An error, so `?` turns it into a proptest failure (`TestCaseError::Fail`).
impl std::error::Error for Violation {}

pub(crate) type Check = Result<(), Violation>;

pub(crate) fn ensure(report: &Report, rule: &'static str, ok: bool, detail: impl FnOnce() -> String) -> Check {
    if ok {
        Ok(())
    } else {
        Err(Violation {
            seed: report.seed,
            scenario: report.scenario.clone(),
            rule,
            detail: detail(),
        })
    }
}

/// Every documented rule: the first violation found.
pub fn check_all(report: &Report, scenario: &Scenario) -> Check {
    check_rollback_exists_iff_configured(report, scenario)?;
    check_rollback_restores_last_good_revision(report, scenario)?;
    check_no_new_traffic_after_rollback(report)?;
    check_traffic_weights(report)?;
    check_stop_schedules_nothing_more(report, scenario)?;
    check_ec2_blue_green(report, scenario)?;
    Ok(())
}

/// The rollback deployment of a report, if any.
pub fn rollback_deployment(report: &Report) -> Option<&DeploymentInfo> {
    report.deployments.iter().find(|d| d.creator == "codeDeployRollback")
}

/// What ended the first deployment, in `autoRollbackConfiguration`'s terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Succeeded, or an ending no setting rolls back (`TIMEOUT`).
    Other,
    /// `DEPLOYMENT_FAILURE`.
    Failure,
    /// `DEPLOYMENT_STOP_ON_ALARM`.
    Alarm,
    /// `DEPLOYMENT_STOP_ON_REQUEST`.
    Request,
}

/// The ending of a deployment, from its status and `errorInformation.code`.
pub fn ending(d: &DeploymentInfo) -> Ending {
    let code = d.error_information.as_ref().map(|e| e.code);
    match (d.status, code) {
        (
            "Failed",
            Some("HEALTH_CONSTRAINTS" | "HEALTH_CONSTRAINTS_INVALID" | "HOOK_EXECUTION_FAILURE" | "ECS_UPDATE_ERROR"),
        ) => Ending::Failure,
        ("Stopped", Some("ALARM_ACTIVE")) => Ending::Alarm,
        ("Stopped", Some("MANUAL_STOP")) => Ending::Request,
        _ => Ending::Other,
    }
}

/// Whether the scenario's settings roll back this ending.
pub fn rolls_back(scenario: &Scenario, ending: Ending) -> bool {
    let m = &scenario.monitoring;
    match ending {
        Ending::Other => false,
        Ending::Failure => m.auto_rollback.on_failure,
        Ending::Alarm => m.auto_rollback.on_alarm,
        Ending::Request => m.stop_rolls_back(),
    }
}

/// Whether a good revision existed to roll back to: `Some(true)` certainly, `Some(false)`
/// certainly not, `None` when the report cannot tell (ECS stopped during Install).
pub fn good_revision_existed(report: &Report, scenario: &Scenario) -> Option<bool> {
    let first = &report.deployments[0];
    let events = || first.targets.iter().flat_map(|t| &t.lifecycle_events);
    match &scenario.workload {
        Workload::InPlace(ip) => {
            Some(!ip.fleet.first_deployment && first.targets.iter().any(|t| matches!(t.status, "Succeeded" | "Failed")))
        }
        Workload::Ec2BlueGreen(_) => Some(events().any(|e| matches!(e.status, "Succeeded" | "Failed"))),
        Workload::BlueGreen(bg) => match bg.target {
            ShiftTarget::Lambda(_) => Some(events().any(|e| e.start_time.is_some())),
            ShiftTarget::Ecs(_) => {
                let install = events().find(|e| e.lifecycle_event_name == "Install");
                let healthy = report.traffic.as_ref().is_some_and(|t| {
                    t.periods
                        .iter()
                        .any(|p| p.healthy_tasks.is_some_and(|h| h.replacement > 0))
                });
                match install {
                    Some(e) if e.status == "Succeeded" => Some(true),
                    _ if healthy => Some(true),
                    Some(e) if e.start_time.is_none() => Some(false),
                    None => Some(false),
                    Some(_) => None,
                }
            }
        },
    }
}

/// [`RULE_ROLLBACK_IFF`].
pub fn check_rollback_exists_iff_configured(report: &Report, scenario: &Scenario) -> Check {
    let rule = RULE_ROLLBACK_IFF;
    let first = &report.deployments[0];
    let rb = rollback_deployment(report);
    ensure(report, rule, first.creator == "user", || {
        format!("the first deployment's creator is {}", first.creator)
    })?;
    ensure(
        report,
        rule,
        report.deployments.len() == 1 + usize::from(rb.is_some()),
        || {
            format!(
                "{} deployments, {} of them rollbacks",
                report.deployments.len(),
                report
                    .deployments
                    .iter()
                    .filter(|d| d.creator == "codeDeployRollback")
                    .count()
            )
        },
    )?;
    let end = ending(first);
    let configured = rolls_back(scenario, end);
    let good = good_revision_existed(report, scenario);
    let status = || {
        format!(
            "first deployment {} ({}), rollback configured for it: {configured}, good revision existed: {}",
            first.status,
            first.error_information.as_ref().map_or("no error", |e| e.code),
            good.map_or("cannot tell".to_string(), |g| g.to_string())
        )
    };
    match (configured, good) {
        (true, Some(true)) => ensure(report, rule, rb.is_some(), || {
            format!("no rollback deployment; {}", status())
        })?,
        (false, _) | (_, Some(false)) => ensure(report, rule, rb.is_none(), || {
            format!("a rollback deployment exists; {}", status())
        })?,
        (true, None) => {}
    }
    if let Some(rb) = rb {
        let forward = first
            .rollback_info
            .as_ref()
            .and_then(|i| i.rollback_deployment_id.as_deref());
        let back = rb
            .rollback_info
            .as_ref()
            .and_then(|i| i.rollback_triggering_deployment_id.as_deref());
        ensure(
            report,
            rule,
            forward == Some(rb.deployment_id.as_str()) && back == Some(first.deployment_id.as_str()),
            || format!("rollbackInfo links {forward:?} → {back:?}, not both ways"),
        )?;
        ensure(report, rule, rb.create_time == first.complete_time, || {
            format!(
                "the rollback is created at {} s, the first deployment completed at {} s",
                rb.create_time, first.complete_time
            )
        })?;
    }
    Ok(())
}

/// The instances the scenario stops at or before `until` seconds.
fn stopped_by(scenario: &Scenario, until: f64) -> Vec<String> {
    match &scenario.workload {
        Workload::Ec2BlueGreen(bg) => bg
            .server
            .faults
            .stops()
            .filter(|&(_, at)| at.as_secs_f64() <= until)
            .map(|(t, _)| t.to_string())
            .collect(),
        Workload::InPlace(ip) => ip
            .faults
            .stops()
            .filter(|&(_, at)| at.as_secs_f64() <= until)
            .map(|(t, _)| t.to_string())
            .collect(),
        Workload::BlueGreen(_) => Vec::new(),
    }
}

/// [`RULE_ROLLBACK_RESTORES`].
pub fn check_rollback_restores_last_good_revision(report: &Report, scenario: &Scenario) -> Check {
    let rule = RULE_ROLLBACK_RESTORES;
    let Some(rb) = rollback_deployment(report) else {
        return Ok(());
    };
    let first = &report.deployments[0];
    if scenario.ec2_blue_green().is_some() {
        return check_ec2_rollback_restores(report, scenario, first, rb);
    }
    if scenario.in_place().is_some() {
        if rb.status != "Succeeded" {
            return Ok(());
        }
        let stopped = stopped_by(scenario, rb.complete_time);
        let n = first.targets.len();
        ensure(report, rule, rb.targets.len() == n, || {
            format!("the rollback has {} targets, the fleet {n}", rb.targets.len())
        })?;
        let in_service = report
            .capacity
            .iter()
            .take_while(|p| p.time <= rb.complete_time)
            .last()
            .map(|p| p.in_service);
        let mut distinct = stopped.clone();
        distinct.sort();
        distinct.dedup();
        let expected = n as u32 - distinct.len() as u32;
        ensure(report, rule, in_service == Some(expected), || {
            format!(
                "the rollback Succeeded at {} s with {in_service:?} instances in service, not the {expected} of {n} \
                 that did not stop",
                rb.complete_time
            )
        })?;
        for t in &rb.targets {
            let excused = t.status == "Failed" && stopped.contains(&t.target_id);
            ensure(report, rule, t.status == "Succeeded" || excused, || {
                format!(
                    "the rollback Succeeded but its target {} is {} (not an instance the scenario stops)",
                    t.target_id, t.status
                )
            })?;
        }
        return Ok(());
    }
    ensure(report, rule, rb.status == "Succeeded", || {
        format!("the blue/green rollback is {}", rb.status)
    })?;
    let rb_shifts: Vec<(f64, u32)> = rb
        .traffic_shifts
        .iter()
        .flatten()
        .map(|s| (s.time, s.percent))
        .collect();
    ensure(report, rule, rb_shifts == [(rb.create_time, 0)], || {
        format!(
            "the rollback's traffic shifts are {rb_shifts:?}, not [({}, 0)]",
            rb.create_time
        )
    })?;
    let last = first.traffic_shifts.iter().flatten().last().map(|s| s.percent);
    ensure(report, rule, last.unwrap_or(0) == 0, || {
        format!("after the rollback the last traffic shift is {last:?} %, not 0")
    })?;
    let target = &first.targets[0];
    if let Some(l) = &target.lambda_function_info {
        ensure(report, rule, l.target_version_weight == 0.0, || {
            format!(
                "after the rollback lambdaFunctionInfo.targetVersionWeight is {}",
                l.target_version_weight
            )
        })?;
    }
    if let Some(sets) = &target.task_sets_info {
        for s in sets {
            let (weight, running) = if s.task_set_label == "Blue" {
                (100.0, s.desired_count)
            } else {
                (0.0, s.running_count)
            };
            ensure(
                report,
                rule,
                s.traffic_weight == weight && s.running_count == running,
                || {
                    format!(
                        "after the rollback task set {} has trafficWeight {} and {} of {} tasks running",
                        s.identifer, s.traffic_weight, s.running_count, s.desired_count
                    )
                },
            )?;
        }
    }
    Ok(())
}

/// [`RULE_ROLLBACK_RESTORES`] for EC2 blue/green: when the rollback `Succeeded`, every
/// target it ran on `Succeeded` (or is an instance the scenario stops), and at its
/// completion no replacement is in service while every original is, except those the
/// scenario stops and those that were out of service from the start and never
/// deregistered.
fn check_ec2_rollback_restores(
    report: &Report,
    scenario: &Scenario,
    first: &DeploymentInfo,
    rb: &DeploymentInfo,
) -> Check {
    let rule = RULE_ROLLBACK_RESTORES;
    let Some(bg) = scenario.ec2_blue_green() else {
        return Ok(());
    };
    if rb.status != "Succeeded" {
        return Ok(());
    }
    let stopped = stopped_by(scenario, rb.complete_time);
    for t in &rb.targets {
        let excused = t.status == "Failed" && stopped.contains(&t.target_id);
        ensure(
            report,
            rule,
            matches!(t.status, "Succeeded" | "Skipped") || excused,
            || format!("the rollback Succeeded but its target {} is {}", t.target_id, t.status),
        )?;
    }
    let healthy_at_start = bg.server.fleet.health_classes();
    let serving_originals = (0..bg.originals() as usize)
        .filter(|&i| {
            let id = &first.targets[i].target_id;
            let back = rb.targets[i].status == "Succeeded";
            let never_left = rb.targets[i].status == "Skipped" && healthy_at_start[i].is_healthy();
            (back || never_left) && !stopped.contains(id)
        })
        .count() as u32;
    let last = report.capacity.iter().take_while(|p| p.time <= rb.complete_time).last();
    let (in_service, on_new) = (last.map(|p| p.in_service), last.map(|p| p.on_new_revision));
    ensure(
        report,
        rule,
        in_service == Some(serving_originals) && on_new == Some(0),
        || {
            format!(
                "the rollback Succeeded at {} s with {in_service:?} instances in service, {on_new:?} of them \
                 replacements; expected the {serving_originals} originals that serve again",
                rb.complete_time
            )
        },
    )
}

/// [`RULE_FLEET_CAPACITY`], [`RULE_TERMINAL`], [`RULE_TIME`] and
/// [`RULE_INSTALL_IN_FLIGHT`] for EC2 blue/green scenarios (passes for any other).
pub fn check_ec2_blue_green(report: &Report, scenario: &Scenario) -> Check {
    let Some(bg) = scenario.ec2_blue_green() else {
        return Ok(());
    };
    let (n, r) = (bg.originals(), bg.replacements());
    let mut prev = 0.0;
    for p in &report.capacity {
        let on_new = p.on_new_revision;
        let (orig, repl) = (p.original_running.unwrap_or(0), p.replacement_running.unwrap_or(0));
        let ok = p.original_running.is_some()
            && p.replacement_running.is_some()
            && orig <= n
            && repl <= r
            && on_new <= repl
            && p.in_service >= on_new
            && p.in_service - on_new <= orig;
        ensure(report, RULE_FLEET_CAPACITY, ok, || {
            format!(
                "at {} s: {} in service, {on_new} on the new revision, {orig} of {n} originals and {repl} of {r} \
                 replacements running",
                p.time, p.in_service
            )
        })?;
        ensure(report, RULE_TIME, p.time >= prev, || {
            format!("capacity point at {} s follows one at {prev} s", p.time)
        })?;
        prev = p.time;
    }
    for d in &report.deployments {
        ensure(report, RULE_TIME, d.complete_time >= d.create_time, || {
            format!(
                "{} completes at {} s, before its creation at {} s",
                d.deployment_id, d.complete_time, d.create_time
            )
        })?;
        ensure(report, RULE_TERMINAL, d.targets.len() == (n + r) as usize, || {
            format!("{} has {} targets, not {}", d.deployment_id, d.targets.len(), n + r)
        })?;
        for t in &d.targets {
            ensure(
                report,
                RULE_TERMINAL,
                matches!(t.status, "Succeeded" | "Failed" | "Skipped"),
                || format!("{} of {} ends {}", t.target_id, d.deployment_id, t.status),
            )?;
            let mut last_end = d.create_time;
            for e in &t.lifecycle_events {
                ensure(
                    report,
                    RULE_TERMINAL,
                    e.status != "InProgress" && e.status != "Pending",
                    || format!("{} of {} is left {}", e.lifecycle_event_name, t.target_id, e.status),
                )?;
                if let (Some(s), Some(end)) = (e.start_time, e.end_time) {
                    ensure(
                        report,
                        RULE_TIME,
                        s >= last_end && end >= s && end <= d.complete_time,
                        || {
                            format!(
                                "{} of {} runs {s}–{end} s, after an event ending at {last_end} s, in a deployment \
                             completing at {} s",
                                e.lifecycle_event_name, t.target_id, d.complete_time
                            )
                        },
                    )?;
                    last_end = end;
                }
            }
        }
    }
    let first = &report.deployments[0];
    if let Some(plan) = &first.health_plan {
        let mut edges: Vec<(f64, i32)> = Vec::new();
        for t in first.targets.iter().filter(|t| t.instance_label == Some("Green")) {
            let install = t
                .lifecycle_events
                .iter()
                .take(7)
                .filter_map(|e| e.start_time.zip(e.end_time));
            let span = install.fold(None, |acc: Option<(f64, f64)>, (s, e)| {
                Some(acc.map_or((s, e), |(a, b)| (a.min(s), b.max(e))))
            });
            if let Some((s, e)) = span {
                edges.push((s, 1));
                edges.push((e, -1));
            }
        }
        edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut cur, mut max) = (0, 0);
        for (_, d) in edges {
            cur += d;
            max = max.max(cur);
        }
        ensure(report, RULE_INSTALL_IN_FLIGHT, max <= plan.max_in_flight as i32, || {
            format!(
                "{max} replacements installing at once, more than {}",
                plan.max_in_flight
            )
        })?;
    }
    Ok(())
}

/// [`RULE_NO_NEW_TRAFFIC_AFTER_ROLLBACK`].
pub fn check_no_new_traffic_after_rollback(report: &Report) -> Check {
    let (Some(rb), Some(traffic)) = (rollback_deployment(report), &report.traffic) else {
        return Ok(());
    };
    let from = rb.create_time + ROLLBACK_DELAY_SECONDS;
    for p in traffic.periods.iter().filter(|p| p.start >= from) {
        ensure(
            report,
            RULE_NO_NEW_TRAFFIC_AFTER_ROLLBACK,
            p.replacement.requests == 0 && p.new_version_percent == 0,
            || {
                format!(
                    "the period {}–{} s, after the rollback at {} s, has {} requests on the new revision at {} %",
                    p.start, p.end, rb.create_time, p.replacement.requests, p.new_version_percent
                )
            },
        )?;
    }
    Ok(())
}

/// [`RULE_WEIGHTS`].
pub fn check_traffic_weights(report: &Report) -> Check {
    let rule = RULE_WEIGHTS;
    let rb_time = rollback_deployment(report).map(|d| d.create_time);
    for d in report.deployments.iter().filter(|d| d.creator == "user") {
        let shifts = d.traffic_shifts.as_deref().unwrap_or(&[]);
        for (i, s) in shifts.iter().enumerate() {
            ensure(report, rule, s.percent <= 100, || {
                format!("traffic shift {i} is {} %", s.percent)
            })?;
            if i == 0 {
                continue;
            }
            let prev = shifts[i - 1];
            ensure(report, rule, s.time >= prev.time, || {
                format!(
                    "traffic shift {i} at {} s comes before shift {} at {} s",
                    s.time,
                    i - 1,
                    prev.time
                )
            })?;
            let rollback_back = i + 1 == shifts.len() && s.percent == 0 && rb_time == Some(s.time);
            ensure(report, rule, s.percent >= prev.percent || rollback_back, || {
                format!(
                    "traffic falls from {} % to {} % at {} s without a rollback at that time",
                    prev.percent, s.percent, s.time
                )
            })?;
        }
        let last = shifts.last().map_or(0, |s| s.percent);
        for t in &d.targets {
            if let Some(l) = &t.lambda_function_info {
                ensure(report, rule, l.target_version_weight == f64::from(last) / 100.0, || {
                    format!(
                        "targetVersionWeight {} but the last shift is {last} %",
                        l.target_version_weight
                    )
                })?;
            }
            if let Some(sets) = &t.task_sets_info {
                let sum: f64 = sets.iter().map(|s| s.traffic_weight).sum();
                let bad = sets.iter().any(|s| !(0.0..=100.0).contains(&s.traffic_weight));
                ensure(report, rule, sum == 100.0 && !bad, || {
                    let w: Vec<_> = sets.iter().map(|s| (s.identifer, s.traffic_weight)).collect();
                    format!("task set weights {w:?} do not sum to 100")
                })?;
                let original = sets
                    .iter()
                    .find(|s| s.task_set_label == "Blue")
                    .map(|s| s.traffic_weight);
                ensure(report, rule, original == Some(100.0 - f64::from(last)), || {
                    format!("the original task set's weight is {original:?}, the last shift {last} %")
                })?;
            }
        }
    }
    if let Some(t) = &report.traffic {
        for p in &t.periods {
            ensure(report, rule, p.new_version_percent <= 100, || {
                format!(
                    "period {}–{} s: newVersionPercent {}",
                    p.start, p.end, p.new_version_percent
                )
            })?;
        }
    }
    Ok(())
}

/// When the first deployment was stopped by a request or an alarm, the stop time in
/// seconds; `None` when it was not, or (a violation of its own) when no alarm poll explains
/// an `ALARM_ACTIVE`.
pub fn stop_time(report: &Report, scenario: &Scenario) -> Option<f64> {
    let first = &report.deployments[0];
    match ending(first) {
        Ending::Request => scenario.monitoring.stop.map(|s| s.at.as_secs_f64()),
        Ending::Alarm => {
            let config = scenario.monitoring.alarms.as_ref()?;
            let state_at = |states: &[crate::report::AlarmStatePoint], t: f64| {
                states.iter().take_while(|s| s.time <= t).last().map(|s| s.state)
            };
            if report
                .alarms
                .iter()
                .any(|a| a.states.first().is_some_and(|s| s.time == 0.0 && s.state == "ALARM"))
            {
                return Some(0.0);
            }
            let poll = config.poll_interval.as_millis();
            let end = (first.complete_time * 1000.0).round() as u64;
            (1..)
                .map(|k| k * poll)
                .take_while(|&t| t <= end)
                .find(|&t| {
                    let secs = t as f64 / 1000.0;
                    // States that cannot be read stop the deployment, or (ignored) hide them.
                    if !config.readable_at(SimTime::from_millis(t)) {
                        return !config.ignore_poll_alarm_failure;
                    }
                    report.alarms.iter().any(|a| state_at(&a.states, secs) == Some("ALARM"))
                })
                .map(|t| t as f64 / 1000.0)
        }
        Ending::Failure | Ending::Other => None,
    }
}

/// [`RULE_STOP`], with the stop time derived by [`stop_time`].
pub fn check_stop_schedules_nothing_more(report: &Report, scenario: &Scenario) -> Check {
    let first = &report.deployments[0];
    let end = ending(first);
    if !matches!(end, Ending::Alarm | Ending::Request) {
        return Ok(());
    }
    let t = stop_time(report, scenario);
    ensure(report, RULE_STOP, t.is_some(), || {
        format!(
            "the deployment is Stopped ({:?}) but no stop request or alarm poll explains it",
            end
        )
    })?;
    check_stop_at(report, scenario, t.unwrap_or_default())
}

/// [`RULE_STOP`] for a deployment stopped at `t` seconds (for when you know the stop time).
/// Passes when the first deployment was not stopped by a request or an alarm.
pub fn check_stop_at(report: &Report, scenario: &Scenario, t: f64) -> Check {
    let rule = RULE_STOP;
    let first = &report.deployments[0];
    if !matches!(ending(first), Ending::Alarm | Ending::Request) {
        return Ok(());
    }
    let blue_green = scenario.blue_green().is_some();
    for target in &first.targets {
        let mut started_by_stop = false;
        for e in &target.lifecycle_events {
            if let Some(s) = e.start_time {
                ensure(report, rule, s <= t, || {
                    format!(
                        "{} of {} starts at {s} s, after the stop at {t} s",
                        e.lifecycle_event_name, target.target_id
                    )
                })?;
                started_by_stop = true;
            }
            if let (true, Some(e_end)) = (blue_green, e.end_time) {
                ensure(report, rule, e_end <= t, || {
                    format!(
                        "{} ends at {e_end} s, after the stop at {t} s (ECS and Lambda stop at once)",
                        e.lifecycle_event_name
                    )
                })?;
            }
        }
        if !started_by_stop {
            ensure(report, rule, target.status == "Skipped", || {
                format!("{} never started but is {}", target.target_id, target.status)
            })?;
        }
    }
    if blue_green {
        ensure(report, rule, first.complete_time == t, || {
            format!(
                "stopped at {t} s but completed at {} s (ECS and Lambda stop at once)",
                first.complete_time
            )
        })?;
        for s in first.traffic_shifts.iter().flatten() {
            ensure(report, rule, s.time <= t, || {
                format!(
                    "a traffic shift to {} % at {} s, after the stop at {t} s",
                    s.percent, s.time
                )
            })?;
        }
    } else {
        ensure(report, rule, first.complete_time >= t, || {
            format!("stopped at {t} s but completed earlier, at {} s", first.complete_time)
        })?;
        let last_end = first
            .targets
            .iter()
            .flat_map(|x| &x.lifecycle_events)
            .filter_map(|e| e.end_time)
            .fold(t, f64::max);
        ensure(report, rule, first.complete_time == last_end, || {
            format!(
                "stopped at {t} s; the last running event ended at {last_end} s but the deployment completed at {} s",
                first.complete_time
            )
        })?;
    }
    Ok(())
}
