//! Invariants of a group's history (§3.1, §6.1, §8, §11), checked on its report and on the
//! revision each instance ends on (ECS and Lambda: the revision serving at the end; EC2
//! blue/green: the group's fleet at the end and its revision).
//!
//! Not here: generating histories (`strategies::history_spec`,
//! `strategies::shift_history_spec`, `strategies::ec2_history_spec`) or the single deployment's rules (`invariants`).

use super::invariants::{Check, Violation, ensure};
use crate::id::TargetId;
use crate::report::{self, Report};
use crate::scenario::history::{INITIAL_REVISION, RevisionId};
use crate::scenario::{self, Problems};
use crate::simulation::{self, Outcome};

/// §11: a group runs at most one deployment at a time.
pub const RULE_ONE_AT_A_TIME: &str =
    "at most one deployment of the group is in progress at any instant; a request made then is refused (§11)";
/// §8: a rollback redeploys the group's last successful revision (ECS, Lambda: reroutes to
/// the revision serving before).
pub const RULE_ROLLBACK_REVISION: &str = "a rollback redeploys the revision of the group's last successful deployment, and \
     there is none without one; on ECS and Lambda it reroutes to the revision serving before (§8)";
/// §3.1: each instance ends on the revision its deployments' outcomes imply.
pub const RULE_INSTANCE_REVISION: &str = "each instance's revision is that of the last deployment that succeeded on it \
     (§3.1); on ECS and Lambda, the revision serving is the last to which all traffic moved and stayed (§6.2, §6.3); \
     on EC2 blue/green, the group's fleet is the replacement fleet of the last deployment that succeeded, on its \
     revision (§6.1)";

/// §7: the group's alarm is evaluated through the whole history from the group's capacity.
pub const RULE_ALARM_STATE: &str = "a healthyCount alarm (1 of 1, one-minute periods) is, at every minute of the history, \
     ALARM exactly when the fewest instances in service during the minute before were below its threshold (§7.2)";
/// §7.1: an alarm in ALARM stops a deployment, and one still in ALARM blocks the next.
pub const RULE_ALARM_STOP: &str = "a user deployment created while an alarm is in ALARM is stopped at once \
     (ALARM_ACTIVE), and one stopped with ALARM_ACTIVE had an alarm in ALARM while it ran (§7.1)";

/// A history's report and, per instance, the name of the revision it ended on (`None`:
/// never one).
pub struct HistoryRun {
    /// The report.
    pub report: Report,
    /// Per instance, the revision last deployed successfully to it, as the run kept it.
    pub final_revisions: Vec<Option<String>>,
    /// The requests made, refused ones included.
    pub requests: usize,
    /// The group had a revision before the history (`initial`).
    pub had_initial: bool,
    /// ECS and Lambda: the revision serving before the history (`None`: in place).
    pub shift_from: Option<String>,
    /// EC2 blue/green: the ids of the group's fleet at the end, as the run kept them (its
    /// revision is `final_revisions[0]`).
    pub ec2_fleet: Option<Vec<String>>,
}

/// Loads the history scenario `yaml` and runs it with `seed`.
pub fn run_history(yaml: &str, seed: u64) -> Result<HistoryRun, Problems> {
    let sc = scenario::load_str(yaml, "history.yaml")?;
    let history = sc.history.as_ref().expect("a history scenario");
    let run = simulation::run(&sc, seed);
    if sc.blue_green().is_some() {
        let Outcome::ShiftHistory(h) = run.outcome else {
            unreachable!("an ECS or Lambda history runs as one")
        };
        return Ok(HistoryRun {
            final_revisions: vec![Some(history.revision(h.serving).name.clone())],
            requests: history.requests.len(),
            had_initial: true,
            shift_from: Some(history.revision(RevisionId::INITIAL).name.clone()),
            report: report::shift_history::build(&sc, seed, &h, run.stats.events),
            ec2_fleet: None,
        });
    }
    if let Some(bg) = sc.ec2_blue_green() {
        let Outcome::Ec2History(h) = run.outcome else {
            unreachable!("an EC2 blue/green history runs as one")
        };
        let fleet = (h.fleet..h.fleet + bg.originals()).map(|i| TargetId(i).to_string());
        return Ok(HistoryRun {
            final_revisions: vec![Some(history.revision(h.serving).name.clone())],
            requests: history.requests.len(),
            had_initial: true,
            shift_from: None,
            report: report::ec2_history::build(&sc, seed, &h, run.stats.events),
            ec2_fleet: Some(fleet.collect()),
        });
    }
    let Outcome::History(h) = run.outcome else {
        unreachable!("a history runs as one")
    };
    let final_revisions = h
        .final_revision
        .iter()
        .map(|r| r.map(|r| history.revision(r).name.clone()))
        .collect();
    let had_initial = !sc.in_place().expect("in place").fleet.first_deployment;
    let requests = history.requests.len();
    let report = report::history::build(&sc, seed, h, run.stats.events);
    Ok(HistoryRun {
        report,
        final_revisions,
        requests,
        had_initial,
        shift_from: None,
        ec2_fleet: None,
    })
}

/// Every history rule: the first violation found.
pub fn check_history(run: &HistoryRun) -> Result<(), Violation> {
    check_one_at_a_time(run)?;
    check_rollback_revision(run)?;
    check_instance_revisions(run)?;
    check_alarm_states(run)?;
    check_alarm_stops(run)
}

/// [`RULE_ONE_AT_A_TIME`]: deployments do not overlap; each refused request came while one
/// was in progress; every request became a user deployment or a refusal.
pub fn check_one_at_a_time(run: &HistoryRun) -> Check {
    let r = &run.report;
    for w in r.deployments.windows(2) {
        ensure(r, RULE_ONE_AT_A_TIME, w[1].create_time >= w[0].complete_time, || {
            format!(
                "{} created at {} s while {} ran until {} s",
                w[1].deployment_id, w[1].create_time, w[0].deployment_id, w[0].complete_time
            )
        })?;
    }
    let creates = || r.refused_requests.iter().filter(|x| x.operation.is_none());
    for x in creates() {
        let active = r
            .deployments
            .iter()
            .any(|d| d.create_time <= x.time && x.time < d.complete_time);
        ensure(r, RULE_ONE_AT_A_TIME, active, || {
            format!(
                "the request for {} at {} s was refused with no deployment in progress",
                x.revision_name, x.time
            )
        })?;
    }
    let users = r.deployments.iter().filter(|d| d.creator == "user").count();
    ensure(r, RULE_ONE_AT_A_TIME, users + creates().count() == run.requests, || {
        format!(
            "{} requests, {users} user deployments and {} refusals",
            run.requests,
            creates().count()
        )
    })
}

/// The revision a rollback created as deployment `k` goes back to: in place, that of the
/// group's last successful deployment before it; ECS and Lambda, the revision serving
/// before.
fn rollback_target(run: &HistoryRun, k: usize) -> Option<&str> {
    match &run.shift_from {
        Some(_) => serving_after(run, k),
        None => last_successful(run, k),
    }
}

/// ECS and Lambda: the revision serving after the first `k` deployments: the one the
/// history began with, then each user deployment's whose last traffic shift left all
/// production traffic on it (a rollback's move back is among its deployment's shifts).
fn serving_after(run: &HistoryRun, k: usize) -> Option<&str> {
    let mut serving = run.shift_from.as_deref();
    for d in run.report.deployments[..k].iter().filter(|d| d.creator == "user") {
        let last = d.traffic_shifts.iter().flatten().last().map(|s| s.percent);
        if last == Some(100) {
            serving = d.revision_name.as_deref();
        }
    }
    serving
}

/// The revision of the group's last successful deployment before deployment `k`.
fn last_successful(run: &HistoryRun, k: usize) -> Option<&str> {
    run.report.deployments[..k]
        .iter()
        .rev()
        .find(|d| d.status == "Succeeded")
        .and_then(|d| d.revision_name.as_deref())
        .or(run.had_initial.then_some(INITIAL_REVISION))
}

/// [`RULE_ROLLBACK_REVISION`]: each rollback deployment redeploys the group's last
/// successful revision, right after the deployment it rolls back; a failed or stopped
/// deployment of a group without one is not rolled back.
pub fn check_rollback_revision(run: &HistoryRun) -> Check {
    let r = &run.report;
    for (k, d) in r.deployments.iter().enumerate() {
        let next_is_rollback = r
            .deployments
            .get(k + 1)
            .is_some_and(|n| n.creator == "codeDeployRollback");
        if d.creator == "codeDeployRollback" {
            let expected = rollback_target(run, k);
            ensure(
                r,
                RULE_ROLLBACK_REVISION,
                d.revision_name.as_deref() == expected,
                || {
                    format!(
                        "{} redeploys {:?}, the last successful revision is {expected:?}",
                        d.deployment_id, d.revision_name
                    )
                },
            )?;
        } else if next_is_rollback {
            ensure(r, RULE_ROLLBACK_REVISION, rollback_target(run, k).is_some(), || {
                format!(
                    "{} is rolled back, but the group never had a successful revision",
                    d.deployment_id
                )
            })?;
        }
    }
    Ok(())
}

/// [`RULE_INSTANCE_REVISION`]: per instance, the revision the run ends with is that of the
/// last deployment (user or rollback) whose target on it succeeded, or the group's revision
/// before the history.
pub fn check_instance_revisions(run: &HistoryRun) -> Check {
    let r = &run.report;
    if run.shift_from.is_some() {
        let expected = serving_after(run, r.deployments.len());
        let got = run.final_revisions[0].as_deref();
        return ensure(r, RULE_INSTANCE_REVISION, expected == got, || {
            format!("{got:?} serves at the end, the deployments imply {expected:?}")
        });
    }
    if let Some(fleet) = &run.ec2_fleet {
        return check_ec2_fleet(run, fleet);
    }
    let n = run.final_revisions.len();
    let mut expected: Vec<Option<&str>> = vec![run.had_initial.then_some(INITIAL_REVISION); n];
    for d in &r.deployments {
        for (i, b) in d.targets.briefs().enumerate() {
            if b.status == "Succeeded" {
                expected[i] = d.revision_name.as_deref();
            }
        }
    }
    for (i, (e, got)) in expected.iter().zip(&run.final_revisions).enumerate() {
        ensure(r, RULE_INSTANCE_REVISION, *e == got.as_deref(), || {
            format!("instance {i} ends on {got:?}, its deployments imply {e:?}")
        })?;
    }
    Ok(())
}

/// The state of `a` in force at `t` (its change at `t` included).
fn state_at(a: &report::AlarmReport, t: f64) -> &'static str {
    a.states.iter().rev().find(|s| s.time <= t).map_or("OK", |s| s.state)
}

/// The fewest instances in service during [`from`, `to`) by the report's capacity series
/// (before its first point, the first point's count: the group as the history began).
fn fewest_in_service(r: &Report, from: f64, to: f64) -> Option<u32> {
    let points = &r.capacity;
    let at_from = points
        .iter()
        .rev()
        .find(|p| p.time <= from)
        .or(points.first())?
        .in_service;
    let within = points
        .iter()
        .filter(|p| p.time > from && p.time < to)
        .map(|p| p.in_service);
    Some(within.fold(at_from, u32::min))
}

/// [`RULE_ALARM_STATE`], for a `healthyCount` alarm with `LessThanThreshold`, one datapoint
/// of one minute to alarm and no recorded history (what `history_spec` generates): each
/// evaluation's most recent datapoint decides, so the report's capacity series is an
/// oracle for every minute's state.
pub fn check_alarm_states(run: &HistoryRun) -> Check {
    let r = &run.report;
    let Some(a) = r.alarms.first() else {
        return Ok(());
    };
    if a.metric != "healthyCount" {
        return Ok(());
    }
    let end = r.deployments.iter().map(|d| d.complete_time).fold(0.0, f64::max);
    let mut t = 60.0;
    while t <= end {
        let fewest = fewest_in_service(r, t - 60.0, t);
        let expected = if fewest.is_some_and(|n| f64::from(n) < a.threshold) {
            "ALARM"
        } else {
            "OK"
        };
        let got = state_at(a, t);
        ensure(r, RULE_ALARM_STATE, got == expected, || {
            format!(
                "at {t} s the alarm is {got}; the fewest in service in the minute before: {fewest:?}, threshold {}",
                a.threshold
            )
        })?;
        t += 60.0;
    }
    Ok(())
}

/// [`RULE_ALARM_STOP`], for alarms whose states can always be read (no `unreadable`
/// windows, which stop a deployment with `ALARM_ACTIVE` too: `history_spec` has none).
pub fn check_alarm_stops(run: &HistoryRun) -> Check {
    let r = &run.report;
    let in_alarm = |t: f64| r.alarms.iter().any(|a| state_at(a, t) == "ALARM");
    for d in r.deployments.iter().filter(|d| d.creator == "user") {
        let code = d.error_information.as_ref().map(|e| e.code);
        if in_alarm(d.create_time) {
            ensure(
                r,
                RULE_ALARM_STOP,
                code == Some("ALARM_ACTIVE") && d.complete_time == d.create_time,
                || {
                    format!(
                        "{} was created with an alarm in ALARM and ended {:?}",
                        d.deployment_id, code
                    )
                },
            )?;
        }
        if code == Some("ALARM_ACTIVE") {
            let alarmed = r.alarms.iter().any(|a| {
                a.states.iter().enumerate().any(|(i, s)| {
                    let until = a.states.get(i + 1).map_or(f64::INFINITY, |n| n.time);
                    s.state == "ALARM" && s.time <= d.complete_time && until > d.create_time
                })
            });
            ensure(r, RULE_ALARM_STOP, alarmed, || {
                format!(
                    "{} was stopped by an alarm that was never in ALARM while it ran",
                    d.deployment_id
                )
            })?;
        }
    }
    Ok(())
}

/// [`RULE_INSTANCE_REVISION`] on EC2 blue/green (§6.1, §8): the group's fleet is the first
/// deployment's originals, then the replacements of each user deployment that succeeded,
/// on its revision; a failed or stopped one (rolled back or not) leaves the fleet as it was.
fn check_ec2_fleet(run: &HistoryRun, fleet: &[String]) -> Check {
    let r = &run.report;
    let ids = |d: &crate::report::DeploymentInfo, label: &str| -> Vec<String> {
        d.targets
            .each()
            .filter(|t| t.instance_label == Some(label))
            .map(|t| t.into_owned().target_id)
            .collect()
    };
    let mut expected = r.deployments.first().map(|d| ids(d, "Blue")).unwrap_or_default();
    let mut revision = Some(INITIAL_REVISION);
    for d in r.deployments.iter().filter(|d| d.creator == "user") {
        ensure(r, RULE_INSTANCE_REVISION, ids(d, "Blue") == expected, || {
            format!(
                "{} deploys from {:?}, the group's fleet is {expected:?}",
                d.deployment_id,
                ids(d, "Blue")
            )
        })?;
        if d.status == "Succeeded" {
            expected = ids(d, "Green");
            revision = d.revision_name.as_deref();
        }
    }
    let got = run.final_revisions[0].as_deref();
    ensure(r, RULE_INSTANCE_REVISION, expected == fleet && revision == got, || {
        format!("the group ends with {fleet:?} on {got:?}, its deployments imply {expected:?} on {revision:?}")
    })
}
