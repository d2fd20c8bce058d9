//! The group's alarms through a deployment history: CloudWatch alarms belong to the group
//! and are evaluated all the time (§7.2), so an alarm has one state across deployments,
//! rollbacks and the gaps between them; CodeDeploy polls it while a deployment is in
//! progress, stops the deployment when it is in ALARM, and an alarm still in ALARM blocks
//! the next deployment (§7.1).

use cdsim::report::{DeploymentInfo, Report, events, json};

use crate::common;

/// Four instances without a load balancer, OneAtATime: about two minutes per deployment,
/// at least three instances in service while one runs.
const GROUP: &str = "
name: alarmed
deploymentConfigName: CodeDeployDefault.OneAtATime
fleet: {instances: 4}
hooks:
  ApplicationStop: [{location: stop.sh, duration: 7s}]
  BeforeInstall: [{location: install.sh, duration: 20s}]
";

fn history(rest: &str) -> Report {
    common::run(&format!("{GROUP}{rest}"), 1)
}

/// The alarm's states as (seconds, state).
fn states(r: &Report) -> Vec<(f64, &str)> {
    r.alarms[0].states.iter().map(|s| (s.time, s.state)).collect()
}

/// (revision, creator, status, error code) of each deployment.
fn story(r: &Report) -> Vec<(&str, &str, &str, Option<&str>)> {
    r.deployments
        .iter()
        .map(|d: &DeploymentInfo| {
            (
                d.revision_name.as_deref().unwrap(),
                d.creator,
                d.status,
                d.error_information.as_ref().map(|e| e.code),
            )
        })
        .collect()
}

/// An alarm on an injected metric (times since the history began), one minute, 1 of 1.
fn injected(values: &str) -> String {
    format!(
        "alarmConfiguration:\n  alarms:\n    - {{name: errors, metric: injected, values: {values}, period: 60s, threshold: 10}}\n"
    )
}

/// An alarm on the instances in service: fewer than three during a minute.
const FEWER_THAN_THREE: &str = "alarmConfiguration:
  alarms:
    - {name: healthy, metric: healthyCount, period: 60s, threshold: 3, comparisonOperator: LessThanThreshold}
";

#[test]
fn s7_1_an_alarm_raised_during_deployment_k_stops_k_and_not_the_one_before() {
    let r = history(&format!(
        "autoRollbackConfiguration: {{events: [DEPLOYMENT_STOP_ON_ALARM]}}\n{}history:
  - revision: v1
  - revision: v2
    at: 1h
",
        injected("[{from: 0s, value: 0}, {from: 61m, value: 50}]")
    ));
    assert_eq!(
        story(&r),
        [
            ("v1", "user", "Succeeded", None),
            ("v2", "user", "Stopped", Some("ALARM_ACTIVE")),
            ("v1", "codeDeployRollback", "Succeeded", None),
        ]
    );
    // §7.2: evaluated every minute on the history's time axis; the window ending at 62m is
    // the first to hold the breaching value. CodeDeploy's poll at that instant stops v2.
    assert_eq!(states(&r), [(0.0, "OK"), (3720.0, "ALARM")]);
    let v2 = &r.deployments[1];
    assert!(v2.create_time == 3600.0 && v2.complete_time >= 3720.0, "{v2:?}");
    // The event log tells the change at its history time.
    let log = events::events(&r);
    assert!(log.contains("1h 2m  alarm errors: OK → ALARM"), "{log}");
}

#[test]
fn s7_1_the_fleets_own_state_raises_the_alarm_in_the_deployment_it_happens_in() {
    // OneAtATime keeps three of four in service, so v1 never alarms; under v2 two instances
    // stop: with the one being deployed to, one is left in service and the alarm fires.
    let r = history(&format!(
        "{FEWER_THAN_THREE}history:
  - revision: v1
  - revision: v2
    at: 1h
    faults:
      - instanceStops: {{target: 2, at: 3605s}}
      - instanceStops: {{target: 3, at: 3605s}}
"
    ));
    assert_eq!(
        story(&r),
        [
            ("v1", "user", "Succeeded", None),
            ("v2", "user", "Stopped", Some("ALARM_ACTIVE")),
        ]
    );
    assert_eq!(states(&r), [(0.0, "OK"), (3660.0, "ALARM")]);
    // The capacity chart, the series this alarm reads, carries its threshold.
    let capacity = cdsim::report::charts::charts(&r)
        .into_iter()
        .find(|c| c.name == "capacity")
        .expect("a capacity chart");
    let cdsim::chart::Chart::Line(line) = capacity.chart else {
        panic!("a line chart")
    };
    assert!(
        line.thresholds
            .iter()
            .any(|t| t.label == "alarm threshold (healthy)" && t.y == 3.0)
    );
}

#[test]
fn s7_1_an_alarm_still_in_alarm_after_the_gap_stops_the_next_deployment_at_once() {
    // Two instances stop during v1: the alarm fires and v1 is stopped (no rollback). They
    // stay stopped, so through the gap fewer than three serve and the alarm stays in ALARM:
    // v2, an hour later, is stopped as it starts (§7.1: alarms in ALARM block a new
    // deployment).
    let r = history(&format!(
        "{FEWER_THAN_THREE}history:
  - revision: v1
    faults:
      - instanceStops: {{target: 2, at: 5s}}
      - instanceStops: {{target: 3, at: 5s}}
  - revision: v2
    at: 1h
"
    ));
    assert_eq!(
        story(&r),
        [
            ("v1", "user", "Stopped", Some("ALARM_ACTIVE")),
            ("v2", "user", "Stopped", Some("ALARM_ACTIVE")),
        ]
    );
    assert_eq!(states(&r), [(0.0, "OK"), (60.0, "ALARM")], "no change in the gap");
    let v2 = &r.deployments[1];
    assert_eq!((v2.create_time, v2.complete_time), (3600.0, 3600.0));
    let message = &v2.error_information.as_ref().unwrap().message;
    assert!(
        message.contains("already in ALARM when the deployment started"),
        "{message}"
    );
    assert!(v2.targets.briefs().all(|b| b.status == "Skipped"));
}

#[test]
fn s7_2_an_alarm_that_recovers_in_the_gap_lets_the_next_deployment_run() {
    // The errors rise during v1 (stopped) and fall after it: the alarm returns to OK in
    // the gap, at the first minute whose window no longer breaches, and v2 runs.
    let r = history(&format!(
        "{}history:
  - revision: v1
  - revision: v2
    at: 1h
",
        injected("[{from: 0s, value: 0}, {from: 30s, value: 50}, {from: 10m, value: 0}]")
    ));
    assert_eq!(
        story(&r),
        [
            ("v1", "user", "Stopped", Some("ALARM_ACTIVE")),
            ("v2", "user", "Succeeded", None),
        ]
    );
    assert_eq!(states(&r), [(0.0, "OK"), (60.0, "ALARM"), (660.0, "OK")]);
    assert!(r.deployments[0].complete_time < 660.0 && 660.0 < r.deployments[1].create_time);
}

#[test]
fn s7_2_the_alarm_goes_on_through_a_long_quiet_gap_and_changes_at_the_right_minute() {
    // Thirty days between two deployments; the metric breaches for 12.5 minutes on day 10.
    // 2 of 2 one-minute datapoints: ALARM at 10 d 9 min (the windows ending at 8 and 9
    // min), OK at 10 d 21 min (the window ending at 21 min is the first clean one).
    let day = 86_400.0;
    let r = history(
        "alarmConfiguration:
  alarms:
    - name: errors
      metric: injected
      values: [{from: 0s, value: 0}, {from: 864450s, value: 50}, {from: 865200s, value: 0}]
      period: 60s
      evaluationPeriods: 2
      threshold: 10
history:
  - revision: v1
  - revision: v2
    at: 30 days
",
    );
    assert_eq!(
        states(&r),
        [(0.0, "OK"), (10.0 * day + 540.0, "ALARM"), (10.0 * day + 1260.0, "OK")]
    );
    assert_eq!(story(&r)[1], ("v2", "user", "Succeeded", None));
}

#[test]
fn a_history_of_one_request_with_an_alarm_is_the_plain_scenario() {
    let alarm = injected("[{from: 0s, value: 0}, {from: 30s, value: 50}]");
    let rollback = "autoRollbackConfiguration: {events: [DEPLOYMENT_STOP_ON_ALARM]}\n";
    let plain = common::run(&format!("{GROUP}{rollback}{alarm}"), 3);
    let one = common::run(&format!("{GROUP}{rollback}{alarm}history: [{{revision: v2}}]\n"), 3);
    let deployments = |r: &Report| -> String {
        let j = json::to_string(r);
        j[..j.find("\"metrics\"").unwrap()]
            .lines()
            .filter(|l| !l.contains("\"revisionName\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(deployments(&plain), deployments(&one));
    assert_eq!(states(&plain), states(&one));
}

#[test]
fn the_alarmed_release_train_stops_v3_and_rolls_back_to_v2_with_the_same_bytes_each_time() {
    let yaml = std::fs::read_to_string(common::example("release-train-alarm.yaml")).unwrap();
    let sc = common::scenario(&yaml);
    let r = cdsim::simulation::simulate(&sc, sc.seed);
    assert_eq!(
        story(&r),
        [
            ("v1", "user", "Succeeded", None),
            ("v2", "user", "Succeeded", None),
            ("v3", "user", "Stopped", Some("ALARM_ACTIVE")),
            ("v2", "codeDeployRollback", "Succeeded", None),
        ]
    );
    let s = states(&r);
    assert_eq!(s.iter().map(|s| s.1).collect::<Vec<_>>(), ["OK", "ALARM", "OK"]);
    let (v3, rb) = (&r.deployments[2], &r.deployments[3]);
    assert!(v3.create_time < s[1].0 && s[1].0 <= v3.complete_time, "ALARM during v3");
    assert!(rb.create_time < s[2].0, "OK again once v2 is coming back");
    // The figures of the deployment the alarm stopped: from v3's first instance in service
    // to the ALARM, and from the ALARM to the end of the rollback.
    let first_v3 = r
        .capacity
        .iter()
        .find(|p| p.time >= v3.create_time && p.on_new_revision > 0)
        .unwrap()
        .time;
    let timing = &r.metrics.timing;
    let round3 = |x: f64| (x * 1000.0).round() / 1000.0;
    assert_eq!(timing.detection_seconds, Some(round3(s[1].0 - first_v3)));
    assert_eq!(
        timing.alarm_to_rollback_complete_seconds,
        Some(round3(rb.complete_time - s[1].0))
    );
    // The charts draw the injected metric against its threshold on the history's axis.
    let charts = cdsim::report::charts::charts(&r);
    assert!(charts.iter().any(|c| c.name == "alarm-metric"), "an alarm-metric chart");
    let a = json::to_string(&cdsim::simulation::simulate(&sc, 7));
    assert_eq!(a, json::to_string(&cdsim::simulation::simulate(&sc, 7)));
    assert_ne!(a, json::to_string(&cdsim::simulation::simulate(&sc, 8)));
}

#[test]
fn s7_1_alarm_states_that_cannot_be_read_stop_the_deployment_running_then() {
    // `unreadable` times count from the history's start: CodeDeploy's poll at 61 min, v2's
    // first, cannot read the states and stops v2 (ignorePollAlarmFailure false); v1 ran
    // before the window.
    let r = history(&format!(
        "{}  unreadable: [{{from: 3630s, to: 3700s}}]\nhistory:
  - revision: v1
  - revision: v2
    at: 1h
",
        injected("[{from: 0s, value: 0}]")
    ));
    assert_eq!(
        story(&r),
        [
            ("v1", "user", "Succeeded", None),
            ("v2", "user", "Stopped", Some("ALARM_ACTIVE")),
        ]
    );
    let message = &r.deployments[1].error_information.as_ref().unwrap().message;
    assert!(message.contains("could not be retrieved"), "{message}");
    assert_eq!(states(&r), [(0.0, "OK")]);
}
