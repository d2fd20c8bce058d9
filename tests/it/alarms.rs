//! CloudWatch alarm evaluation (§7.2), CodeDeploy's use of alarms (§7.1), automatic rollback
//! and StopDeployment (§8).

use cdsim::alarm::{AlarmRule, AlarmState, Comparison, TreatMissingData, evaluate};
use cdsim::report::{DeploymentInfo, Report};

use crate::common::run;

/// Parses a row of CloudWatch's worked tables: `0` non-breaching, `X` breaching, `-`
/// missing (threshold 1, GreaterThanThreshold: 0 → 0.0, X → 2.0).
fn points(row: &str) -> Vec<Option<f64>> {
    row.split_whitespace()
        .map(|c| match c {
            "0" => Some(0.0),
            "X" => Some(2.0),
            "-" => None,
            other => panic!("bad cell {other}"),
        })
        .collect()
}

fn rule(m: u32, n: u32, treat: TreatMissingData) -> AlarmRule {
    AlarmRule {
        evaluation_periods: n,
        datapoints_to_alarm: m,
        threshold: 1.0,
        comparison: Comparison::GreaterThanThreshold,
        treat_missing_data: treat,
    }
}

/// `R` = retain the current state.
fn expected(cell: &str, current: AlarmState) -> AlarmState {
    match cell {
        "OK" => AlarmState::Ok,
        "ALARM" => AlarmState::Alarm,
        "INS" => AlarmState::InsufficientData,
        "R" => current,
        other => panic!("bad expectation {other}"),
    }
}

/// Checks one worked table: rows of (datapoints, MISSING, IGNORE, BREACHING, NOT BREACHING).
fn check_table(m: u32, n: u32, rows: &[(&str, [&str; 4])]) {
    use TreatMissingData::*;
    for (row, cells) in rows {
        let range = points(row);
        assert_eq!(
            range.len(),
            rule(m, n, Missing).evaluation_range(),
            "the range holds N + 2 points"
        );
        for (treat, cell) in [Missing, Ignore, Breaching, NotBreaching].into_iter().zip(cells) {
            // "Retain current state" is checked from both OK and ALARM.
            for current in [AlarmState::Ok, AlarmState::Alarm] {
                let got = evaluate(&rule(m, n, treat), &range, current);
                assert_eq!(
                    got,
                    expected(cell, current),
                    "{m} of {n}, [{row}], {treat:?}, from {current:?}"
                );
            }
        }
    }
}

#[test]
fn s7_2_worked_table_three_of_three() {
    check_table(
        3,
        3,
        &[
            ("0 - X - X", ["OK", "OK", "OK", "OK"]),
            ("0 - - - -", ["OK", "OK", "OK", "OK"]),
            ("- - - - -", ["INS", "R", "ALARM", "OK"]),
            ("0 X X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
            ("- - - - X", ["INS", "R", "ALARM", "OK"]),
            ("X - - - -", ["ALARM", "R", "ALARM", "OK"]),
        ],
    );
}

#[test]
fn s7_2_worked_table_two_of_three() {
    check_table(
        2,
        3,
        &[
            ("0 - X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
            ("0 0 X 0 X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
            ("0 - X - -", ["OK", "OK", "ALARM", "OK"]),
            ("- - - - 0", ["OK", "OK", "ALARM", "OK"]),
            ("- - - - X", ["INS", "R", "ALARM", "OK"]),
        ],
    );
}

#[test]
fn s7_2_m_of_n_need_not_be_consecutive_and_comparisons_hold() {
    let r = rule(2, 4, TreatMissingData::Missing);
    // X 0 X 0 inside a 6-point range: two breaching of the last four real points.
    assert_eq!(evaluate(&r, &points("0 0 X 0 X 0"), AlarmState::Ok), AlarmState::Alarm);
    assert_eq!(evaluate(&r, &points("X X 0 0 X 0"), AlarmState::Ok), AlarmState::Ok);
    let le = AlarmRule {
        comparison: Comparison::LessThanOrEqualToThreshold,
        ..rule(1, 1, TreatMissingData::Missing)
    };
    assert_eq!(
        evaluate(&le, &[None, None, Some(1.0)], AlarmState::Ok),
        AlarmState::Alarm
    );
    assert_eq!(
        evaluate(&le, &[None, None, Some(1.5)], AlarmState::Alarm),
        AlarmState::Ok
    );
}

// ----- CodeDeploy's use of alarms, rollback and stop ----------------------------------------

fn lambda(extra: &str) -> String {
    format!(
        "name: alarms\ncomputePlatform: Lambda\ndeploymentConfigName: CodeDeployDefault.LambdaLinear10PercentEvery1Minute\n\
         lambdaFunction: {{functionName: f, alias: live, currentVersion: \"1\", targetVersion: \"2\"}}\n\
         traffic: {{requestRate: 200, original: {{errorRate: 0.0}}, replacement: {{errorRate: 0.5}}}}\n{extra}\n"
    )
}

const ERROR_ALARM: &str =
    "alarmConfiguration:\n  alarms:\n    - {name: errors, metric: errorRate, version: replacement, threshold: 0.1}\n";
const ROLLBACK_ALL: &str = "autoRollbackConfiguration:\n  events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST]\n";

fn first(r: &Report) -> &DeploymentInfo {
    &r.deployments[0]
}

#[test]
fn s7_1_an_alarm_in_alarm_stops_the_deployment_and_s8_rolls_it_back() {
    let r = run(&lambda(&format!("{ERROR_ALARM}{ROLLBACK_ALL}")), 1);
    let d = first(&r);
    // 10 % from t = 0; the one-minute alarm breaches at its first evaluation (t = 60 s) and
    // CodeDeploy's poll at the same instant (after the evaluation) stops the deployment.
    assert_eq!(d.status, "Stopped");
    assert_eq!(d.error_information.as_ref().unwrap().code, "ALARM_ACTIVE");
    assert_eq!(d.complete_time, 60.0);
    let alarm = &r.alarms[0];
    let states: Vec<(f64, &str)> = alarm.states.iter().map(|s| (s.time, s.state)).collect();
    assert_eq!(states, vec![(0.0, "OK"), (60.0, "ALARM")]);
    // A rollback deployment exists, linked both ways, and traffic is back at 0 %.
    assert_eq!(r.deployments.len(), 2);
    let rb = &r.deployments[1];
    assert_eq!((rb.creator, rb.status), ("codeDeployRollback", "Succeeded"));
    assert_eq!(
        d.rollback_info.as_ref().unwrap().rollback_deployment_id.as_deref(),
        Some(rb.deployment_id.as_str())
    );
    assert_eq!(
        rb.rollback_info
            .as_ref()
            .unwrap()
            .rollback_triggering_deployment_id
            .as_deref(),
        Some(d.deployment_id.as_str())
    );
    assert_eq!(d.traffic_shifts.as_ref().unwrap().last().unwrap().percent, 0);
    assert_eq!(
        d.targets[0]
            .lambda_function_info
            .as_ref()
            .unwrap()
            .target_version_weight,
        0.0
    );
    // No traffic reaches the new version after the rollback decision.
    let t = r.traffic.as_ref().unwrap();
    let after: u64 = t
        .periods
        .iter()
        .filter(|p| p.start >= 60.0)
        .map(|p| p.replacement.requests)
        .sum();
    assert_eq!(after, 0);
}

#[test]
fn s8_without_rollback_configured_the_deployment_only_stops() {
    let r = run(&lambda(ERROR_ALARM), 1);
    assert_eq!(first(&r).status, "Stopped");
    assert_eq!(r.deployments.len(), 1, "no rollback deployment");
    // §8 [I]: automatic rollback is off for the group, so CodeDeploy reports no rollbackInfo.
    assert!(first(&r).rollback_info.is_none(), "{:?}", first(&r).rollback_info);
    // On for deployment failures only: the alarm's stop is not rolled back, and rollbackInfo
    // says why.
    let failure_only = "autoRollbackConfiguration:\n  events: [DEPLOYMENT_FAILURE]\n";
    let r2 = run(&lambda(&format!("{ERROR_ALARM}{failure_only}")), 1);
    assert_eq!((first(&r2).status, r2.deployments.len()), ("Stopped", 1));
    let msg = first(&r2)
        .rollback_info
        .as_ref()
        .and_then(|i| i.rollback_message.as_deref());
    assert_eq!(msg, Some("Automatic rollback is not configured for this event."));
    // Traffic stays where the stop found it.
    assert_eq!(first(&r).traffic_shifts.as_ref().unwrap().last().unwrap().percent, 10);
}

#[test]
fn s7_1_an_alarm_already_in_alarm_blocks_the_start() {
    let alarm =
        "alarmConfiguration:\n  alarms:\n    - {name: old, metric: errorRate, threshold: 0.1, initialState: ALARM}\n";
    let r = run(&lambda(&format!("{alarm}{ROLLBACK_ALL}")), 1);
    let d = first(&r);
    assert_eq!((d.status, d.complete_time), ("Stopped", 0.0));
    assert!(d.targets[0].lifecycle_events.iter().all(|e| e.status == "Skipped"));
    assert!(d.traffic_shifts.as_ref().unwrap().is_empty());
}

#[test]
fn s7_1_unreadable_alarm_states_stop_unless_ignored() {
    let quiet = "alarmConfiguration:\n  unreadable: [{from: 1m, to: 3m}]\n  alarms:\n    - {name: a, metric: errorRate, threshold: 0.9}\n";
    let r = run(&lambda(quiet), 1);
    assert_eq!((first(&r).status, first(&r).complete_time), ("Stopped", 60.0));
    let ignored = quiet.replace("  unreadable:", "  ignorePollAlarmFailure: true\n  unreadable:");
    let r = run(&lambda(&ignored), 1);
    assert_eq!(first(&r).status, "Succeeded");
}

#[test]
fn s8_a_stop_request_with_and_without_rollback() {
    let stop = |rollback: bool| format!("stopDeployment: {{at: 150s, autoRollbackEnabled: {rollback}}}\n");
    let r = run(&lambda(&stop(true)), 1);
    let d = first(&r);
    assert_eq!(
        (d.status, d.error_information.as_ref().unwrap().code),
        ("Stopped", "MANUAL_STOP")
    );
    assert_eq!(d.complete_time, 150.0);
    assert_eq!(r.deployments.len(), 2);
    let r = run(&lambda(&stop(false)), 1);
    assert_eq!(r.deployments.len(), 1);
    // Shifts at 0, 60 and 120 s happened; none after the stop.
    let shifts: Vec<u32> = first(&r)
        .traffic_shifts
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| s.percent)
        .collect();
    assert_eq!(shifts, vec![10, 20, 30]);
}

#[test]
fn s8_ecs_before_install_failure_cannot_be_rolled_back() {
    let yaml = format!(
        "name: e\ncomputePlatform: ECS\ndeploymentConfigName: CodeDeployDefault.ECSAllAtOnce\necsService: {{tasks: 2}}\n\
         hookFunctions:\n  BeforeInstall: {{function: pre, failureProbability: 1}}\n{ROLLBACK_ALL}"
    );
    let r = run(&yaml, 1);
    let d = first(&r);
    assert_eq!(d.status, "Failed");
    assert_eq!(r.deployments.len(), 1);
    let msg = d.rollback_info.as_ref().unwrap().rollback_message.as_deref().unwrap();
    assert!(msg.contains("cannot be rolled back"), "{msg}");
}

#[test]
fn s8_an_ecs_failure_after_the_shift_reroutes_to_the_original() {
    let yaml = format!(
        "name: e\ncomputePlatform: ECS\ndeploymentConfigName: CodeDeployDefault.ECSAllAtOnce\n\
         ecsService: {{tasks: 2, terminationWaitTimeInMinutes: 30}}\n\
         hookFunctions:\n  AfterAllowTraffic: {{function: post, duration: 20s, failureProbability: 1}}\n{ROLLBACK_ALL}"
    );
    let r = run(&yaml, 1);
    let d = first(&r);
    assert_eq!(d.status, "Failed");
    assert_eq!(r.deployments.len(), 2);
    let sets = d.targets[0].task_sets_info.as_ref().unwrap();
    assert_eq!(
        sets[0].traffic_weight, 100.0,
        "all traffic back on the original task set"
    );
    assert_eq!(sets[0].running_count, 2, "the original task set still runs");
}

#[test]
fn alarm_configuration_is_validated() {
    let bad = [
        ("alarmConfiguration:\n  alarms: []\n", "at least one alarm"),
        (
            "alarmConfiguration:\n  alarms:\n    - {name: a, metric: errorRate, threshold: 1, period: 45s}\n",
            "10s, 20s, 30s or a multiple of 60s",
        ),
        (
            "alarmConfiguration:\n  alarms:\n    - {name: a, metric: errorRate, threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 3}\n",
            "datapointsToAlarm must be between 1 and 2",
        ),
        (
            "autoRollbackConfiguration:\n  events: [DEPLOYMENT_FAILED]\n",
            "found \"DEPLOYMENT_FAILED\"",
        ),
    ];
    for (extra, expected) in bad {
        let err = cdsim::scenario::load_str(&lambda(extra), "t.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }
    let eleven: String = (0..11)
        .map(|i| format!("    - {{name: a{i}, metric: errorRate, threshold: 1}}\n"))
        .collect();
    let err = cdsim::scenario::load_str(&lambda(&format!("alarmConfiguration:\n  alarms:\n{eleven}")), "t.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most 10 alarms"), "{err}");
}

// ----- in place -----------------------------------------------------------------------------

fn scenario_file(name: &str) -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/").to_string() + name).unwrap()
}

fn starts(d: &DeploymentInfo) -> Vec<(usize, f64)> {
    let mut v: Vec<(usize, f64)> = d
        .targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.lifecycle_events.iter().find_map(|e| e.start_time).map(|s| (i, s)))
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

#[test]
fn s8_an_in_place_rollback_redeploys_the_last_good_revision_to_every_instance() {
    let r = run(&scenario_file("in-place-rollback.yaml"), 1);
    let (d, rb) = (&r.deployments[0], &r.deployments[1]);
    assert_eq!(
        (d.status, rb.status, rb.creator),
        ("Failed", "Succeeded", "codeDeployRollback")
    );
    assert_eq!(
        rb.create_time, d.complete_time,
        "the rollback starts when the deployment fails"
    );
    assert_eq!(
        rb.rollback_info
            .as_ref()
            .unwrap()
            .rollback_triggering_deployment_id
            .as_deref(),
        Some(d.deployment_id.as_str())
    );
    // §3.1 order: the failed instance (2) first, then 0 and 1 (on the bad revision), then
    // 3, 4, 5 (never touched, already on the good one).
    let order: Vec<usize> = starts(rb).into_iter().map(|(i, _)| i).collect();
    assert_eq!(order, vec![2, 0, 1, 3, 4, 5]);
    assert!(
        rb.targets.iter().all(|t| t.status == "Succeeded"),
        "all capacity back on the good revision"
    );
    // Capacity is recorded through the rollback and never below M = 5.
    assert!(r.capacity.last().unwrap().time >= rb.create_time);
    assert_eq!(r.capacity.last().unwrap().in_service, 6);
    assert!(r.capacity.iter().all(|c| c.in_service >= 5));
}

#[test]
fn s8_an_in_place_stop_lets_running_events_finish_and_starts_nothing_more() {
    let yaml = scenario_file("manual-stop.yaml").replace("autoRollbackEnabled: true", "autoRollbackEnabled: false");
    let r = run(&yaml, 1);
    assert_eq!(r.deployments.len(), 1, "no rollback");
    let d = &r.deployments[0];
    assert_eq!(
        (d.status, d.error_information.as_ref().unwrap().code),
        ("Stopped", "MANUAL_STOP")
    );
    let stop = 240.0;
    for (i, s) in starts(d) {
        assert!(s < stop, "instance {i} started at {s}, after the stop");
    }
    for t in &d.targets {
        for e in &t.lifecycle_events {
            if let Some(s) = e.start_time {
                assert!(
                    s <= stop,
                    "{} {} started after the stop",
                    t.target_id,
                    e.lifecycle_event_name
                );
            }
        }
    }
    assert!(d.complete_time > stop, "running events finished after the stop");
}

#[test]
fn s8_a_first_deployment_cannot_be_rolled_back() {
    // On a first deployment every instance starts Unhealthy, so failures do not stop it
    // early (§3.1); two failures of six leave it one success short of M = 5.
    let yaml = scenario_file("in-place-rollback.yaml")
        .replace("  instances: 6\n", "  instances: 6\n  firstDeployment: true\n")
        .replace(
            "faults:\n",
            "faults:\n  - hookFails: {target: 3, event: ValidateService}\n",
        );
    let r = run(&yaml, 1);
    assert_eq!(r.deployments[0].status, "Failed");
    assert_eq!(r.deployments.len(), 1);
    let msg = r.deployments[0]
        .rollback_info
        .as_ref()
        .unwrap()
        .rollback_message
        .as_deref()
        .unwrap();
    assert!(msg.contains("no earlier successful revision"), "{msg}");
}

#[test]
fn s7_1_an_in_place_alarm_on_healthy_hosts_stops_and_rolls_back() {
    let yaml = scenario_file("half-at-a-time.yaml")
        + "alarmConfiguration:\n  alarms:\n    - {name: capacity, metric: healthyCount, threshold: 6, comparisonOperator: LessThanThreshold}\n"
        + "autoRollbackConfiguration:\n  events: [DEPLOYMENT_STOP_ON_ALARM]\n";
    let r = run(&yaml, 1);
    let d = &r.deployments[0];
    assert_eq!(
        (d.status, d.error_information.as_ref().unwrap().code),
        ("Stopped", "ALARM_ACTIVE")
    );
    let states: Vec<(f64, &str)> = r.alarms[0].states.iter().map(|s| (s.time, s.state)).collect();
    assert_eq!(states[1], (60.0, "ALARM"), "five of ten in service in the first minute");
    assert_eq!(r.deployments.len(), 2);
}

#[test]
fn s2_6_rollbacks_are_not_zonal() {
    let yaml = scenario_file("zonal.yaml")
        + "faults:\n  - hookFails: {target: 4, event: ValidateService}\n  - hookFails: {target: 7, event: ValidateService}\n"
        + "autoRollbackConfiguration:\n  events: [DEPLOYMENT_FAILURE]\n";
    let r = run(&yaml, 1);
    if r.deployments[0].status == "Succeeded" {
        panic!("expected the zonal deployment to fail");
    }
    let rb = &r.deployments[1];
    assert!(
        rb.targets.iter().all(|t| t.availability_zone.is_none()),
        "no zones in the rollback"
    );
    // HOST_COUNT 6 of 12 without zones: up to 6 at a time, across zones at once.
    let first_wave = starts(rb).iter().filter(|(_, s)| *s == rb.create_time).count();
    assert_eq!(first_wave, 6);
}

// ----- the metric's history before the deployment ---------------------------------------------

/// A Lambda linear deployment of a good version, watched by a 2-of-3 `breaching` alarm on
/// the production error rate (§7.2), with `history` as the alarm's extra fields.
fn breaching_alarm(history: &str) -> Report {
    let yaml = lambda(&format!(
        "alarmConfiguration:\n  alarms:\n    - {{name: errors, metric: errorRate, threshold: 0.1, evaluationPeriods: 3, \
         datapointsToAlarm: 2, treatMissingData: breaching{history}}}\n"
    ))
    .replace("replacement: {errorRate: 0.5}", "replacement: {errorRate: 0.0}");
    run(&yaml, 1)
}

#[test]
fn s7_2_without_history_a_breaching_m_of_n_alarm_stops_every_deployment_at_its_first_poll() {
    let r = breaching_alarm(", baselinePeriods: 0");
    let d = first(&r);
    assert_eq!(
        (d.status, d.error_information.as_ref().unwrap().code),
        ("Stopped", "ALARM_ACTIVE")
    );
    assert_eq!(r.alarms[0].states[1].time, 60.0, "two of three missing periods breach");
}

#[test]
fn s7_2_with_the_default_baseline_history_a_good_deployment_is_not_stopped() {
    let r = breaching_alarm("");
    assert_eq!(first(&r).status, "Succeeded");
    assert!(
        r.alarms[0].states.iter().all(|s| s.state == "OK"),
        "{:?}",
        r.alarms[0].states
    );
}

#[test]
fn s7_2_recorded_history_decides_the_first_evaluations() {
    // Two breaching periods just before the start: ALARM at the first evaluation (60 s).
    let r = breaching_alarm(", history: [0.0, 0.5, 0.5]");
    assert_eq!(first(&r).status, "Stopped");
    assert_eq!(
        (r.alarms[0].states[1].time, r.alarms[0].states[1].state),
        (60.0, "ALARM")
    );
    // One breaching period three periods back, then good ones: never ALARM.
    let r = breaching_alarm(", history: [0.5, 0.0, 0.0]");
    assert_eq!(first(&r).status, "Succeeded");
}

#[test]
fn alarm_history_is_validated() {
    let yaml = lambda(
        "alarmConfiguration:\n  alarms:\n    - {name: e, metric: errorRate, threshold: 0.1, history: [0.1], baselinePeriods: 3}\n",
    );
    let err = cdsim::scenario::load_str(&yaml, "s.yaml").unwrap_err().to_string();
    assert!(
        err.contains("s.yaml:8:85: give history (recorded datapoints) or baselinePeriods, not both"),
        "{err}"
    );
    let yaml = lambda(
        "alarmConfiguration:\n  alarms:\n    - {name: e, metric: errorRate, threshold: 0.1, baselinePeriods: -1}\n",
    );
    let err = cdsim::scenario::load_str(&yaml, "s.yaml").unwrap_err().to_string();
    assert!(
        err.contains("baselinePeriods must be between 0 and 1440, found -1"),
        "{err}"
    );
}
