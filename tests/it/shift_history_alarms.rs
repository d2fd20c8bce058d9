//! The group's alarms through an ECS or Lambda deployment history: CloudWatch alarms belong
//! to the group and are evaluated all the time (§7.2), so an alarm has one state across the
//! deployments and the gaps between them, read from the traffic of the versions serving;
//! CodeDeploy polls it while a deployment is in progress, stops the deployment when it is
//! in ALARM and rolls it back when `DEPLOYMENT_STOP_ON_ALARM` is configured, and an alarm
//! still in ALARM stops the next deployment when it is created (§7.1, §8).

use cdsim::report::{Report, json};

use crate::common;

/// A Lambda alias from version 1, all at once, with a post-traffic check of 3 minutes.
const LAMBDA: &str = "
name: lambda-alarmed
computePlatform: Lambda
deploymentConfigName: CodeDeployDefault.LambdaAllAtOnce
lambdaFunction: {functionName: f, alias: live, currentVersion: '1', targetVersion: '2'}
hookFunctions:
  AfterAllowTraffic: {function: post, duration: 3m}
traffic:
  requestRate: 100
  original: {errorRate: 0.001}
  replacement: {errorRate: 0.001}
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]}
";

/// An alarm on the production error rate of every version: above 2 % in 1 of 1 minute.
const ERRORS: &str = "alarmConfiguration:
  alarms:
    - {name: errors, metric: errorRate, version: all, threshold: 0.02, evaluationPeriods: 1}
";

/// Ten ECS tasks, linear 10 % every 3 minutes, the original task set kept 5 minutes; an
/// alarm on the p99 latency of all production traffic (above 250 ms in 2 of 3 minutes).
const ECS: &str = "
name: ecs-alarmed
computePlatform: ECS
deploymentConfigName: CodeDeployDefault.ECSLinear10PercentEvery3Minutes
ecsService: {tasks: 10, taskStartup: 20s, terminationWaitTimeInMinutes: 5}
traffic:
  requestRate: 400
  original: {errorRate: 0.001, latency: {median: 60ms, sigma: 0.4}}
  replacement: {errorRate: 0.001, latency: {median: 60ms, sigma: 0.4}}
alarmConfiguration:
  alarms:
    - {name: p99, metric: latencyP99, version: all, threshold: 250, evaluationPeriods: 3, datapointsToAlarm: 2}
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]}
";

/// (revision, creator, status, error code) of each deployment.
fn story(r: &Report) -> Vec<(&str, &str, &str, Option<&str>)> {
    r.deployments
        .iter()
        .map(|d| {
            (
                d.revision_name.as_deref().unwrap(),
                d.creator,
                d.status,
                d.error_information.as_ref().map(|e| e.code),
            )
        })
        .collect()
}

/// The alarm's states as (seconds, state).
fn states(r: &Report) -> Vec<(f64, &str)> {
    r.alarms[0].states.iter().map(|s| (s.time, s.state)).collect()
}

/// The alarm went into ALARM during the second deployment (user deployment k) and back to
/// OK in the gap between its rollback (the third) and the next (the fourth).
fn alarm_during_the_second_and_ok_in_the_gap_after(r: &Report) {
    let s = states(r);
    assert_eq!(s.iter().map(|s| s.1).collect::<Vec<_>>(), ["OK", "ALARM", "OK"]);
    let (k, next) = (&r.deployments[1], &r.deployments[3]);
    assert!(
        k.create_time < s[1].0 && s[1].0 <= k.complete_time,
        "ALARM during k: {s:?}"
    );
    assert!(
        k.complete_time < s[2].0 && s[2].0 < next.create_time,
        "OK in the gap: {s:?}"
    );
}

#[test]
fn s7_1_an_alarm_raised_during_deployment_k_stops_k_and_rolls_it_back_not_the_one_before() {
    let r = common::run(
        &format!(
            "{LAMBDA}{ERRORS}history:
  - revision: '2'
  - revision: '3'
    at: 1h
    version: {{errorRate: 0.1}}
  - revision: '4'
    at: 2h
"
        ),
        1,
    );
    assert_eq!(
        story(&r),
        [
            ("2", "user", "Succeeded", None),
            ("3", "user", "Stopped", Some("ALARM_ACTIVE")),
            ("2", "codeDeployRollback", "Succeeded", None),
            ("4", "user", "Succeeded", None),
        ]
    );
    // Between deployments version 2 serves alone again: the alarm goes back to OK in the
    // gap, before version 4 is created.
    alarm_during_the_second_and_ok_in_the_gap_after(&r);
    // §7.2: the first minute on the history's time axis with version 3's traffic in it.
    assert_eq!(states(&r)[1].0, 3660.0, "ALARM at the first period end of v3's traffic");
    // The figures are v3's: from its first production traffic (all at once at 1h) to the
    // ALARM, and from the ALARM to its rollback's end (at once).
    let t = &r.metrics.timing;
    assert_eq!(
        (t.detection_seconds, t.alarm_to_rollback_complete_seconds),
        (Some(60.0), Some(0.0))
    );
}

#[test]
fn s7_1_a_gap_served_by_a_failing_version_raises_the_alarm_and_it_stops_the_next_deployment_at_creation() {
    // Version 2 fails 5 % of its requests but its deployment ends inside the alarm's first
    // evaluation (5 of 5 minutes); the alarm goes into ALARM in the gap that version 2 serves
    // alone, and version 3's deployment is stopped as it is created.
    let alarm = "alarmConfiguration:
  alarms:
    - {name: errors, metric: errorRate, version: all, threshold: 0.02, evaluationPeriods: 5}
";
    let r = common::run(
        &format!(
            "{LAMBDA}{alarm}history:
  - revision: '2'
    version: {{errorRate: 0.05}}
  - revision: '3'
    at: 1h
"
        ),
        1,
    );
    let v2 = &r.deployments[0];
    assert_eq!(v2.status, "Succeeded");
    let s = states(&r);
    assert_eq!(s.iter().map(|s| s.1).collect::<Vec<_>>(), ["OK", "ALARM"]);
    assert!(v2.complete_time < s[1].0 && s[1].0 < 3600.0, "ALARM in the gap: {s:?}");
    let v3 = &r.deployments[1];
    assert_eq!(
        (v3.status, v3.error_information.as_ref().map(|e| e.code)),
        ("Stopped", Some("ALARM_ACTIVE"))
    );
    assert_eq!((v3.create_time, v3.complete_time), (3600.0, 3600.0));
    let message = &v3.error_information.as_ref().unwrap().message;
    assert!(message.contains("already in ALARM"), "{message}");
}

#[test]
fn a_history_of_one_request_with_an_alarm_is_the_plain_scenario() {
    let plain = std::fs::read_to_string(common::example("lambda-alarm-rollback.yaml")).unwrap();
    let one = format!("{plain}history: [{{revision: '13'}}]\n");
    let (a, b) = (common::run(&plain, 3), common::run(&one, 3));
    let text = |r: &Report| -> String {
        let j = json::to_string(r);
        j[j.find("\"deployments\"").unwrap()..j.find("\"metrics\"").unwrap()].to_string()
            + &j[j.find("\"traffic\"").unwrap()..]
    };
    let strip = |s: String| -> String {
        s.lines()
            .filter(|l| !l.contains("\"revisionName\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(a.deployments[0].status, "Stopped", "the example's alarm stops it");
    assert_eq!(strip(text(&a)), strip(text(&b)));
}

#[test]
fn an_alarmed_history_gives_the_same_bytes_twice() {
    let yaml = format!(
        "{LAMBDA}{ERRORS}history:
  - revision: '2'
  - revision: '3'
    at: 30d
    version: {{errorRate: 0.1}}
"
    );
    let sc = common::scenario(&yaml);
    let a = json::to_string(&cdsim::simulation::simulate(&sc, 7));
    assert_eq!(a, json::to_string(&cdsim::simulation::simulate(&sc, 7)));
    let r = cdsim::simulation::simulate(&sc, 7);
    assert_eq!(story(&r)[1], ("3", "user", "Stopped", Some("ALARM_ACTIVE")));
}

#[test]
fn the_alarmed_lambda_release_train_stops_4_and_goes_back_to_3() {
    let yaml = std::fs::read_to_string(common::example("lambda-release-train-alarm.yaml")).unwrap();
    let sc = common::scenario(&yaml);
    let r = cdsim::simulation::simulate(&sc, sc.seed);
    assert_eq!(
        story(&r),
        [
            ("3", "user", "Succeeded", None),
            ("4", "user", "Stopped", Some("ALARM_ACTIVE")),
            ("3", "codeDeployRollback", "Succeeded", None),
            ("5", "user", "Succeeded", None),
        ]
    );
    alarm_during_the_second_and_ok_in_the_gap_after(&r);
}

#[test]
fn s7_1_s8_ecs_an_alarm_on_a_later_deployment_reroutes_to_the_task_set_serving_before() {
    // v2 behaves as the original and succeeds; v3's p99 is about 560 ms, and once a third
    // of the traffic is on it the alarm goes into ALARM: v3 is stopped and traffic goes
    // back to v2's task set, after which the alarm, on v2 alone, is OK again (§7.1, §8).
    let r = common::run(
        &format!(
            "{ECS}history:
  - revision: v2
  - revision: v3
    at: 2h
    version: {{errorRate: 0.001, latency: {{median: 110ms, sigma: 0.7}}}}
  - revision: v4
    at: 4h
"
        ),
        1,
    );
    assert_eq!(
        story(&r),
        [
            ("v2", "user", "Succeeded", None),
            ("v3", "user", "Stopped", Some("ALARM_ACTIVE")),
            ("v2", "codeDeployRollback", "Succeeded", None),
            ("v4", "user", "Succeeded", None),
        ]
    );
    alarm_during_the_second_and_ok_in_the_gap_after(&r);
}

#[test]
fn s7_2_a_deployments_evaluation_windows_reach_back_into_the_traffic_before_it() {
    // Version 2 fails 5 % of its requests from 0 s (all at once) and is replaced at 100 s by
    // version 3, as bad. The alarm (3 of 3 minutes above 2 %, missing data not breaching)
    // goes into ALARM at 180 s, during version 3: its window [0 s, 60 s) is version 2's
    // traffic, before version 3 was created; read as missing, the ALARM would come at 240 s.
    let alarm = "alarmConfiguration:
  alarms:
    - {name: errors, metric: errorRate, version: all, threshold: 0.02, evaluationPeriods: 3, treatMissingData: notBreaching}
";
    let r = common::run(
        &format!(
            "{LAMBDA}{alarm}history:
  - revision: '2'
    version: {{errorRate: 0.05}}
    hookFunctions: {{AfterAllowTraffic: {{function: post, duration: 30s}}}}
  - revision: '3'
    at: 100s
    version: {{errorRate: 0.05}}
"
        ),
        1,
    );
    assert_eq!(story(&r)[1], ("3", "user", "Stopped", Some("ALARM_ACTIVE")));
    assert_eq!(states(&r), [(0.0, "OK"), (180.0, "ALARM")]);
}

/// The alarm-metric chart draws no line across the gaps between a history's deployments,
/// where no metric period was recorded: each version's line breaks there (a NaN point)
/// instead of joining the last period of one deployment to the first of the next.
#[test]
fn the_alarm_metric_chart_breaks_its_lines_between_deployments() {
    let yaml = std::fs::read_to_string(common::example("lambda-release-train-alarm.yaml")).unwrap();
    let sc = common::scenario(&yaml);
    let r = cdsim::simulation::simulate(&sc, sc.seed);
    let chart = cdsim::report::charts::charts(&r)
        .into_iter()
        .find(|c| c.name == "alarm-metric")
        .expect("the example has an error-rate alarm");
    let cdsim::chart::Chart::Line(line) = chart.chart else {
        panic!("the alarm-metric chart is a line chart");
    };
    let new = line.series.iter().find(|s| s.label.starts_with("new version")).unwrap();
    let runs: Vec<_> = new.points.split(|p| p.1.is_nan()).collect();
    // Three deployments with traffic (3, 4, 5); the rollback shifts no periods of its own.
    assert_eq!(runs.len(), 3, "{:?}", new.points);
    for w in new.points.windows(2).filter(|w| !w[0].1.is_nan() && !w[1].1.is_nan()) {
        assert!(
            w[1].0 - w[0].0 <= 1.0 + 1e-9,
            "a line across {} to {} min",
            w[0].0,
            w[1].0
        );
    }
}
