//! Alarms on recorded CloudWatch data (§7.2): the readers of exported metric data and alarm
//! definitions on `tests/fixtures/cloudwatch/`, replay against CloudWatch's two worked
//! missing-data tables, replay against the simulated alarm (a proptest), located errors,
//! and the `cdsim alarms` commands.

use std::path::{Path, PathBuf};
use std::process::Command;

use cdsim::alarm::replay::{self, Datapoint, MetricAlarm};
use cdsim::alarm::{
    Alarm, AlarmConfiguration, AlarmRule, AlarmState, Comparison, History, MetricSource, TreatMissingData,
};
use cdsim::input::Source;
use cdsim::input::cloudwatch::{self, MetricSeries};
use cdsim::platform::alarm_watch::{AlarmWatch, Observation, injected_baseline, injected_value};
use cdsim::time::{SimDuration, SimTime};
use proptest::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_cdsim");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cloudwatch")
        .join(name)
}

fn text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

fn alarms(name: &str) -> Vec<MetricAlarm> {
    cloudwatch::read_alarms(Source {
        path: name,
        text: &text(name),
    })
    .expect("alarms read")
}

fn metrics(name: &str) -> Vec<MetricSeries> {
    cloudwatch::read_metrics(Source {
        path: name,
        text: &text(name),
    })
    .expect("metrics read")
}

/// 2026-03-03T10:00:00Z, the start of the fixtures' data.
const T0: i64 = 1_772_532_000_000;

// ----- CloudWatch's worked tables, from recorded input -------------------------------------

/// The expected cells of each table row (MISSING, IGNORE, BREACHING, NOT BREACHING), in the
/// order of `missing-data-rows.json`; `R` retains the current state.
const THREE_OF_THREE: [[&str; 4]; 6] = [
    ["OK", "OK", "OK", "OK"],
    ["OK", "OK", "OK", "OK"],
    ["INS", "R", "ALARM", "OK"],
    ["ALARM", "ALARM", "ALARM", "ALARM"],
    ["INS", "R", "ALARM", "OK"],
    ["ALARM", "R", "ALARM", "OK"],
];
const TWO_OF_THREE: [[&str; 4]; 5] = [
    ["ALARM", "ALARM", "ALARM", "ALARM"],
    ["ALARM", "ALARM", "ALARM", "ALARM"],
    ["OK", "OK", "ALARM", "OK"],
    ["OK", "OK", "ALARM", "OK"],
    ["INS", "R", "ALARM", "OK"],
];

fn check_table(table: &str, expected: &[[&str; 4]]) {
    let alarms = alarms("missing-data-alarms.json");
    let rows = metrics("missing-data-rows.json");
    let treatments = ["missing", "ignore", "breaching", "notBreaching"];
    let mut checked = 0;
    for (i, cells) in expected.iter().enumerate() {
        let id = format!("{}_{}", table.replace('-', "_"), i + 1);
        // The row's series: no datapoint with the same id, or the rows' labels, would fit.
        let row = rows.iter().find(|s| s.id.as_deref() == Some(id.as_str())).expect("row");
        for (treat, cell) in treatments.iter().zip(cells) {
            let alarm = alarms
                .iter()
                .find(|a| a.name == format!("{table}-{treat}"))
                .expect("alarm");
            for current in [AlarmState::Ok, AlarmState::Alarm] {
                // One evaluation, at the end of the fifth minute: the range is the row.
                let end = T0 + 5 * 60_000;
                let r = replay::replay(alarm, &row.points, end - 60_000, end, current);
                assert_eq!(r.evaluations, 1);
                let state = r.transitions.last().map_or(current, |t| t.to);
                let want = match *cell {
                    "OK" => AlarmState::Ok,
                    "ALARM" => AlarmState::Alarm,
                    "INS" => AlarmState::InsufficientData,
                    _ => current,
                };
                assert_eq!(state, want, "{} row {}, {treat}, from {current:?}", table, i + 1);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, expected.len() * 8);
}

#[test]
fn s7_2_replay_reproduces_the_three_of_three_table_from_recorded_data() {
    check_table("three-of-three", &THREE_OF_THREE);
}

#[test]
fn s7_2_replay_reproduces_the_two_of_three_table_from_recorded_data() {
    check_table("two-of-three", &TWO_OF_THREE);
}

// ----- readers --------------------------------------------------------------------------

#[test]
fn the_three_metric_exports_read_the_same_values() {
    let data = metrics("checkout-metrics.json");
    assert_eq!(data.len(), 2);
    let errors = &data[0];
    assert_eq!(
        (errors.label.as_str(), errors.id.as_deref()),
        ("HTTPCode_Target_5XX_Count", Some("m1"))
    );
    assert_eq!(errors.points.len(), 116, "120 minutes, 4 missing");
    assert!(
        errors.points.windows(2).all(|w| w[0].time < w[1].time),
        "newest first in the file, sorted when read"
    );
    assert_eq!(errors.points[0], Datapoint { time: T0, value: 2.0 });
    let csv = metrics("checkout-5xx.csv");
    assert_eq!(csv[0].label, "checkout-5xx");
    assert_eq!(csv[0].points, errors.points, "epoch seconds and ISO 8601 agree");
    let stats = metrics("checkout-5xx-statistics.json");
    let sum = stats
        .iter()
        .find(|s| s.statistic.as_deref() == Some("Sum"))
        .expect("Sum");
    let minutes_50_to_80: Vec<Datapoint> = errors
        .points
        .iter()
        .copied()
        .filter(|d| (T0 + 50 * 60_000..T0 + 80 * 60_000).contains(&d.time))
        .collect();
    assert_eq!(sum.points, minutes_50_to_80);
    assert!(stats.iter().any(|s| s.statistic.as_deref() == Some("SampleCount")));
}

#[test]
fn describe_alarms_fields_are_read() {
    let a = alarms("checkout-alarms.json");
    assert_eq!(a.len(), 2);
    assert_eq!(
        (
            a[0].name.as_str(),
            a[0].namespace.as_str(),
            a[0].metric_name.as_str(),
            a[0].statistic.name(),
            a[0].period
        ),
        (
            "checkout-5xx",
            "AWS/ApplicationELB",
            "HTTPCode_Target_5XX_Count",
            "Sum",
            60_000
        )
    );
    assert_eq!(
        a[0].rule,
        AlarmRule {
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
            threshold: 10.0,
            comparison: Comparison::GreaterThanThreshold,
            treat_missing_data: TreatMissingData::Breaching,
        }
    );
    assert_eq!(
        a[0].dimensions[0],
        ("LoadBalancer".to_string(), "app/checkout/50dc6c495c0c9188".to_string())
    );
    assert_eq!(a[1].statistic.name(), "p99");
    // Each alarm finds its own series among several.
    let data = metrics("checkout-metrics.json");
    assert_eq!(
        cloudwatch::series_for(&a[1], &data).map(|s| s.label.as_str()),
        Some("TargetResponseTime")
    );
}

fn alarm_error(text: &str) -> String {
    cloudwatch::read_alarms(Source { path: "a.json", text })
        .unwrap_err()
        .to_string()
}

fn metric_error(path: &str, text: &str) -> String {
    cloudwatch::read_metrics(Source { path, text }).unwrap_err().to_string()
}

const ALARM: &str = r#""AlarmName": "x", "Namespace": "N", "MetricName": "M", "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold""#;

#[test]
fn unsupported_alarm_kinds_are_refused_with_a_located_message_naming_the_kind() {
    let composite = alarm_error(
        "{\"MetricAlarms\": [],\n \"CompositeAlarms\": [{\"AlarmName\": \"both\", \"AlarmRule\": \"ALARM(a)\"}]}",
    );
    assert_eq!(
        composite,
        "a.json:2:22: composite alarm \"both\": composite alarms are not supported (only metric alarms)"
    );
    let math = alarm_error(
        "{\"MetricAlarms\": [{\"AlarmName\": \"m\",\n  \"Metrics\": [{\"Id\": \"e1\", \"Expression\": \"m1/m2\"}]}]}",
    );
    assert_eq!(
        math,
        "a.json:2:14: alarm \"m\": metric math alarms (Metrics) are not supported"
    );
    let band = alarm_error(
        "{\"MetricAlarms\": [{\"AlarmName\": \"b\",\n  \"ComparisonOperator\": \"LessThanLowerOrGreaterThanUpperThreshold\", \"ThresholdMetricId\": \"ad1\"}]}",
    );
    assert!(
        band.starts_with("a.json:2:") && band.contains("anomaly detection alarms"),
        "{band}"
    );
    let template = "Resources:\n  Both:\n    Type: AWS::CloudWatch::CompositeAlarm\n    Properties: {AlarmRule: x}\n";
    assert_eq!(
        cloudwatch::read_alarms(Source {
            path: "t.yaml",
            text: template
        })
        .unwrap_err()
        .to_string(),
        "t.yaml:3:5: resource Both: composite alarms (AWS::CloudWatch::CompositeAlarm) are not supported"
    );
}

#[test]
fn bad_alarm_fields_are_located_with_the_value_found() {
    let bad = alarm_error(&format!(
        "{{\"MetricAlarms\": [{{{}}}]}}",
        ALARM.replace("\"Period\": 60", "\"Period\": 45")
    ));
    assert!(
        bad.contains("Period is 10, 20, 30 or a multiple of 60 seconds (§7.2), found 45"),
        "{bad}"
    );
    let bad = alarm_error(&format!(
        "{{\"MetricAlarms\": [{{{}}}]}}",
        ALARM.replace("GreaterThanThreshold", "Above")
    ));
    assert!(
        bad.starts_with("a.json:1:") && bad.ends_with("found \"Above\""),
        "{bad}"
    );
    let bad = alarm_error(&format!(
        "{{\"MetricAlarms\": [{{{}, \"DatapointsToAlarm\": 2}}]}}",
        ALARM
    ));
    assert!(
        bad.contains("DatapointsToAlarm must be a whole number from 1 to 1, found 2"),
        "{bad}"
    );
    let bad = alarm_error(&format!(
        "{{\"MetricAlarms\": [{{{}, \"TreatMissingData\": \"skip\"}}]}}",
        ALARM
    ));
    assert!(
        bad.contains("TreatMissingData is missing, ignore, breaching or notBreaching, found \"skip\""),
        "{bad}"
    );
}

#[test]
fn bad_metric_data_is_located_with_the_value_found() {
    let json = "{\"MetricDataResults\": [{\"Id\": \"m1\",\n \"Timestamps\": [\"2026-03-03T10:00:00Z\", \"yesterday\"],\n \"Values\": [1, 2]}]}";
    assert_eq!(
        metric_error("m.json", json),
        "m.json:2:41: a timestamp is ISO 8601 (2026-03-03T10:00:00Z) or epoch seconds, found \"yesterday\""
    );
    let json = "{\"MetricDataResults\": [{\"Id\": \"m1\", \"Timestamps\": [1772532000], \"Values\": [1, 2]}]}";
    assert!(metric_error("m.json", json).contains("1 Timestamps but 2 Values"));
    let csv = "timestamp,value\n2026-03-03T10:00:00Z,1\n2026-03-03T10:01:00Z,lots\n";
    assert_eq!(
        metric_error("e.csv", csv),
        "e.csv:3:22: a value must be a number, found \"lots\""
    );
    let csv = "2026-03-03T10:00:00Z,1\n03/03/2026 10:01,2\n";
    assert!(metric_error("e.csv", csv).starts_with("e.csv:2:1: a timestamp is ISO 8601"));
    assert!(metric_error("e.json", "{\"Foo\": 1}").contains("expected get-metric-data output"));
}

// ----- replay against the simulated alarm --------------------------------------------------

/// What a platform observes of an injected metric (the platforms' rule).
struct Injected;

impl Observation for Injected {
    fn observe(&self, metric: &MetricSource, _from: SimTime, to: SimTime) -> Option<f64> {
        match metric {
            MetricSource::Injected(steps) => injected_value(steps, to),
            _ => None,
        }
    }

    fn baseline(&self, alarm: &Alarm) -> Option<f64> {
        match &alarm.metric {
            MetricSource::Injected(steps) => injected_baseline(steps),
            _ => None,
        }
    }
}

fn treat(i: u8) -> TreatMissingData {
    [
        TreatMissingData::Missing,
        TreatMissingData::Ignore,
        TreatMissingData::Breaching,
        TreatMissingData::NotBreaching,
    ][usize::from(i % 4)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// A series of one value per period (some missing), its first `h` periods before the
    /// deployment: replaying it equals the simulated alarm that has those periods as its
    /// recorded history and the rest as an injected metric, evaluation by evaluation.
    #[test]
    fn replay_equals_the_simulated_alarm(
        period_choice in 0usize..5,
        n in 1u32..5,
        m_pick in 0u32..5,
        t in 0u8..4,
        threshold in 0.0f64..10.0,
        h in 0usize..8,
        values in proptest::collection::vec(proptest::option::weighted(0.7, 0.0f64..10.0), 1..40),
        initial in 0u8..3,
    ) {
        let period_s = [10u64, 20, 30, 60, 120][period_choice];
        let p = period_s as i64 * 1000;
        let rule = AlarmRule {
            evaluation_periods: n,
            datapoints_to_alarm: 1 + m_pick % n,
            threshold,
            comparison: Comparison::GreaterThanThreshold,
            treat_missing_data: treat(t),
        };
        let initial = [AlarmState::Ok, AlarmState::Alarm, AlarmState::InsufficientData][usize::from(initial)];
        let h = h.min(values.len());
        // Replay: the series in epoch time, the deployment starting at T0.
        let series: Vec<Datapoint> = values
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|value| Datapoint { time: T0 + (k as i64 - h as i64) * p, value }))
            .collect();
        let recorded = MetricAlarm {
            name: "a".into(),
            namespace: "N".into(),
            metric_name: "M".into(),
            dimensions: Vec::new(),
            statistic: replay::Statistic::Maximum,
            period: p,
            rule,
        };
        let end = T0 + (values.len() - h) as i64 * p + 3 * p;
        let replayed = replay::replay(&recorded, &series, T0, end, initial);
        // Simulation: history before 0 s, an injected step per period after.
        let mut steps: Vec<(SimTime, Option<f64>)> = values[h..]
            .iter()
            .enumerate()
            .map(|(k, v)| (SimTime::from_millis(k as u64 * p as u64), *v))
            .collect();
        steps.push((SimTime::from_millis((values.len() - h) as u64 * p as u64), None));
        let alarm = Alarm {
            name: "a".into(),
            metric: MetricSource::Injected(steps),
            period: SimDuration::from_secs(period_s),
            rule,
            initial_state: initial,
            history: History::Recorded(values[..h].to_vec()),
        };
        let interval = alarm.evaluation_interval().as_millis();
        let config = AlarmConfiguration {
            alarms: vec![alarm],
            ignore_poll_alarm_failure: false,
            poll_interval: SimDuration::from_secs(60),
            unreadable: Vec::new(),
        };
        let mut watch = AlarmWatch::new(Some(&config));
        let mut now = interval;
        while now <= (end - T0) as u64 {
            watch.evaluate_due(SimTime::from_millis(now), &Injected);
            now += interval;
        }
        let simulated: Vec<(i64, AlarmState)> = watch.timelines[0].changes[1..]
            .iter()
            .map(|&(t, s)| (t.as_millis() as i64, s))
            .collect();
        let replayed: Vec<(i64, AlarmState)> = replayed.transitions.iter().map(|t| (t.time - T0, t.to)).collect();
        prop_assert_eq!(replayed, simulated);
    }
}

// ----- the commands -------------------------------------------------------------------------

fn cdsim(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cdsim")
}

const ALARMS: &str = "tests/fixtures/cloudwatch/checkout-alarms.json";
const METRICS: &str = "tests/fixtures/cloudwatch/checkout-metrics.json";

/// `cdsim alarms replay --alarms ALARMS --metrics METRICS` and `more`.
fn replay_checkout(more: &[&str]) -> std::process::Output {
    let mut args = vec!["alarms", "replay", "--alarms", ALARMS, "--metrics", METRICS];
    args.extend(more);
    cdsim(&args)
}

#[test]
fn replay_prints_each_transition_with_its_datapoints() {
    let out = replay_checkout(&["--from", "2026-03-03T10:30:00Z"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("2026-03-03T11:02:00Z  OK → ALARM  datapoints [2 0 3 25 28]"),
        "{stdout}"
    );
    assert!(stdout.contains("2026-03-03T11:14:00Z  ALARM → OK"), "{stdout}");
    let out = replay_checkout(&["--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["alarms"][1]["alarmName"], "checkout-p99");
    assert_eq!(json["alarms"][1]["alarmPeriods"][0]["from"], "2026-03-03T11:03:00Z");
}

#[test]
fn bad_alarm_input_is_exit_code_2_with_a_location() {
    let out = cdsim(&["alarms", "replay", "--alarms", METRICS, "--metrics", METRICS]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("{METRICS}:1:1: expected describe-alarms output")),
        "{stderr}"
    );
    let out = replay_checkout(&["--from", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Work that grows with recorded time rather than with the data is bounded before it starts
/// (README.md "Limits"): a replay, a dry run's recording before `--at` and a tune's sweep
/// over a recording whose two datapoints are 31,000 years apart are refused, naming the
/// estimate and the limit; so is a tune N beyond §7.2's bound (it once asked for 64 GB and
/// aborted) and more simulated runs than `compare` allows.
#[test]
fn work_that_grows_with_recorded_time_is_refused_before_it_starts() {
    let tmp = crate::common::TempDir::new("replay-budget");
    let wide = tmp.file(
        "HTTPCode_Target_5XX_Count.csv",
        "timestamp,value\n0,2\n999999999999999,1\n",
    );
    // A command line written as one string (no argument has a space).
    let run = |line: String| {
        let args: Vec<&str> = line.split(' ').collect();
        (cdsim(&args), line)
    };
    let refused = |line: String, expected: &[&str]| {
        let started = std::time::Instant::now();
        let (out, line) = run(line);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{line}: {err}");
        for e in expected {
            assert!(err.contains(e), "{line}: {err}");
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{line}: refused up front"
        );
    };
    let budget = "more than the 5e8 a command may make";
    let replay = format!("alarms replay --alarms {ALARMS} --alarm checkout-5xx --metrics {wide}");
    refused(
        replay.clone(),
        &["the replay would make about 8.3e10 reads of datapoints", budget],
    );
    // A span within the budget replays: --from and --to a week apart.
    let week = format!("{replay} --from 2000-01-01T00:00:00Z --to 2000-01-08T00:00:00Z");
    assert_eq!(run(week).0.status.code(), Some(0));
    let dry_run = format!(
        "alarms dry-run scenarios/ecs-linear.yaml --alarms {ALARMS} --alarm checkout-5xx --metrics {wide} --at"
    );
    refused(
        format!("{dry_run} 999999999999999"),
        &["replaying the recording before --at would make", budget],
    );
    refused(
        format!("{dry_run} 1970-01-01T00:00:10Z"),
        &[
            "the recording after --at spans about 1.7e10 alarm periods",
            "the 5e7 a run may",
        ],
    );
    let tune = format!("alarms tune --alarms {ALARMS} --alarm checkout-5xx");
    refused(
        format!("{tune} --good {wide} --bad {wide}"),
        &["tuning alarm checkout-5xx (3 settings) would make", budget],
    );
    let (good, bad) = (fixture("good-1.csv"), fixture("bad-1.csv"));
    refused(
        format!(
            "{tune} --good {} --bad {} --evaluation-periods 4000000000",
            good.display(),
            bad.display()
        ),
        &["--evaluation-periods 4000000000", "(§7.2), so N is at most 1440"],
    );
    refused(
        "alarms tune --scenario scenarios/compare-lambda.yaml --runs 1000001".into(),
        &["--runs must be 1 to 1000000, found 1000001"],
    );
}

#[test]
fn dry_run_says_whether_and_when_codedeploy_stops_the_deployment() {
    let run = |at: &str| {
        let out = cdsim(&[
            "alarms",
            "dry-run",
            "scenarios/ecs-linear.yaml",
            "--alarms",
            ALARMS,
            "--metrics",
            METRICS,
            "--at",
            at,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let bad = run("2026-03-03T10:58:00Z");
    assert!(
        bad.starts_with("dry run at 2026-03-03T10:58:00Z: CodeDeploy would have stopped the deployment at poll 4 (240 s after its start, 2026-03-03T11:02:00Z)"),
        "{bad}"
    );
    assert!(bad.contains("status: Stopped (ALARM_ACTIVE) after 4m"), "{bad}");
    let quiet = run("2026-03-03T10:20:00Z");
    assert!(
        quiet.starts_with(
            "dry run at 2026-03-03T10:20:00Z: the recorded alarms would not have stopped the deployment (Succeeded)"
        ),
        "{quiet}"
    );
}

#[test]
fn tune_reports_false_alarms_and_detections_with_intervals() {
    let mut args = vec![
        "alarms",
        "tune",
        "--alarms",
        ALARMS,
        "--alarm",
        "checkout-5xx",
        "--lead",
        "600",
        "--thresholds",
        "5,15",
        "--evaluation-periods",
        "3",
        "--json",
    ];
    let good: Vec<String> = (1..=6)
        .map(|i| format!("tests/fixtures/cloudwatch/good-{i}.csv"))
        .collect();
    let bad: Vec<String> = (1..=4)
        .map(|i| format!("tests/fixtures/cloudwatch/bad-{i}.csv"))
        .collect();
    args.push("--good");
    args.extend(good.iter().map(String::as_str));
    args.push("--bad");
    args.extend(bad.iter().map(String::as_str));
    let out = cdsim(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let settings = json[0]["settings"].as_array().unwrap();
    assert_eq!(settings.len(), 6, "2 thresholds × M 1..3 of N 3");
    let strict = settings
        .iter()
        .find(|s| s["threshold"] == 15.0 && s["datapointsToAlarm"] == 3)
        .unwrap();
    assert_eq!(
        (strict["falseAlarms"].as_u64(), strict["detections"].as_u64()),
        (Some(0), Some(4))
    );
    let (low, high) = (
        strict["falseAlarmRate"]["low"].as_f64().unwrap(),
        strict["falseAlarmRate"]["high"].as_f64().unwrap(),
    );
    assert_eq!(low, 0.0);
    assert!(
        (high - 0.4593).abs() < 1e-3,
        "Clopper–Pearson upper bound for 0 of 6: {high}"
    );
}

#[test]
fn template_alarms_named_by_the_deployment_are_imported_with_their_metric_and_threshold() {
    let text = text("sam-alarms.yaml");
    let imported = cdsim::input::import(
        &[Source {
            path: "sam-alarms.yaml",
            text: &text,
        }],
        "sam-alarms",
        &cdsim::input::Options::default(),
    )
    .expect("imports");
    let alarms = &imported.scenario.monitoring.alarms.as_ref().expect("alarms").alarms;
    let summary: Vec<(&str, &MetricSource, u32, u32, f64)> = alarms
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                &a.metric,
                a.rule.evaluation_periods,
                a.rule.datapoints_to_alarm,
                a.rule.threshold,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "checkout-errors",
                &MetricSource::ErrorCount(cdsim::alarm::VersionRef::All),
                3,
                2,
                5.0
            ),
            (
                "LatencyAlarm",
                &MetricSource::Latency(cdsim::alarm::VersionRef::All, cdsim::alarm::Percentile::P99),
                2,
                2,
                800.0
            ),
        ]
    );
    assert_eq!(alarms[0].rule.treat_missing_data, TreatMissingData::Breaching);
    // A metric cdsim does not model stays a comment with its metric and threshold.
    assert!(
        imported
            .yaml
            .contains("#   \"ThrottlesAlarm\": AWS/Lambda Throttles Sum GreaterThanThreshold 0.0"),
        "{}",
        imported.yaml
    );
    // Metric math is named in a located warning.
    let warnings = cdsim::input::format_warnings(&imported.warnings);
    assert!(
        warnings.contains(
            "sam-alarms.yaml:60:9: warning: alarm \"ErrorRateAlarm\": metric math alarms (Metrics) are not supported"
        ),
        "{warnings}"
    );
}

#[test]
fn tune_over_simulated_runs_of_a_fault_model_labels_runs_by_the_drawn_revision() {
    let out = cdsim(&[
        "alarms",
        "tune",
        "--scenario",
        "scenarios/compare-lambda.yaml",
        "--runs",
        "40",
        "--thresholds",
        "0.05,0.3",
        "--evaluation-periods",
        "1",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let r = &json[0];
    let (good, bad) = (
        r["goodDeployments"].as_u64().unwrap(),
        r["badDeployments"].as_u64().unwrap(),
    );
    assert_eq!(good + bad, 40);
    assert!(bad > 0 && good > 0, "a bad revision one time in four: {bad} of 40");
    // The bad revision fails 20 % of its requests: an alarm at 5 % catches it, one at 30 % never does.
    let s = r["settings"].as_array().unwrap();
    assert!(s[0]["detections"].as_u64().unwrap() > 0);
    assert_eq!(s[1]["detections"].as_u64(), Some(0));
    assert_eq!(
        s[0]["falseAlarms"].as_u64(),
        Some(0),
        "good versions fail 0.5 % of requests"
    );
}

#[test]
fn s7_2_period_times_evaluation_periods_is_limited() {
    let bad = alarm_error(&format!(
        "{{\"MetricAlarms\": [{{{}}}]}}",
        ALARM.replace("\"EvaluationPeriods\": 1", "\"EvaluationPeriods\": 1441")
    ));
    assert!(
        bad.contains(
            "Period × EvaluationPeriods may not exceed one day when Period is under an hour (§7.2), found 60 s × 1441"
        ),
        "{bad}"
    );
}
