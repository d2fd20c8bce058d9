//! ECS and Lambda traffic shifting: documented rules (§2.3–§2.5, §4.2–§4.4, §6.2, §6.3), the
//! weight invariants, and the aggregated traffic mode against the per-request reference.

use cdsim::config::predefined;
use cdsim::config::traffic_routing::{LinearEnd, TrafficRouting};
use cdsim::config::{ComputePlatform, ConfigRule};
use cdsim::report::{DeploymentInfo, LifecycleEventInfo, Report};
use cdsim::rng::{Stream, Streams};
use cdsim::time::SimTime;
use cdsim::traffic::{self, Latency, RequestRate, Segment, TrafficMode, TrafficSpec, VersionBehaviour};
use proptest::prelude::*;

use crate::common::run;

fn lambda(config: &str, extra: &str) -> String {
    format!(
        "name: lambda\ncomputePlatform: Lambda\ndeploymentConfigName: {config}\n\
         lambdaFunction: {{functionName: f, alias: live, currentVersion: \"1\", targetVersion: \"2\"}}\n{extra}\n"
    )
}

fn ecs(config: &str, service: &str, extra: &str) -> String {
    format!(
        "name: ecs\ncomputePlatform: ECS\ndeploymentConfigName: {config}\n\
         ecsService:\n  tasks: 4\n  taskStartup: 30s\n  healthCheck: {{interval: 10s, timeout: 5s}}\n{service}{extra}\n"
    )
}

fn deployment(r: &Report) -> &DeploymentInfo {
    &r.deployments[0]
}

fn event<'a>(d: &'a DeploymentInfo, name: &str) -> &'a LifecycleEventInfo {
    d.targets[0]
        .lifecycle_events
        .iter()
        .find(|e| e.lifecycle_event_name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

/// (minutes after AllowTraffic starts, percent) of every shift in a report.
fn shifts(d: &DeploymentInfo) -> Vec<(f64, u32)> {
    let start = event(d, "AllowTraffic").start_time.unwrap();
    d.traffic_shifts
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| (ms(s.time - start) / 60.0, s.percent))
        .collect()
}

/// A difference of report times (seconds with millisecond precision), rounded to the
/// millisecond so that float subtraction does not leave 29.999999.
fn ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// How long an event took, in seconds.
fn took(e: &LifecycleEventInfo) -> f64 {
    ms(e.end_time.unwrap() - e.start_time.unwrap())
}

// ----- §2.5: schedules ------------------------------------------------------------------

/// The §2.5 table: (config, shift instants → percent, last shift at (model A),
/// AllowTraffic length (model B)).
/// (configuration, shifts as (minute, percent), last shift at, AllowTraffic length in model B).
type Row = (&'static str, &'static [(u32, u32)], u32, u32);

const TABLE: &[Row] = &[
    ("ECSAllAtOnce", &[(0, 100)], 0, 0),
    ("LambdaAllAtOnce", &[(0, 100)], 0, 0),
    ("ECSCanary10Percent5Minutes", &[(0, 10), (5, 100)], 5, 5),
    ("LambdaCanary10Percent5Minutes", &[(0, 10), (5, 100)], 5, 5),
    ("LambdaCanary10Percent10Minutes", &[(0, 10), (10, 100)], 10, 10),
    ("ECSCanary10Percent15Minutes", &[(0, 10), (15, 100)], 15, 15),
    ("LambdaCanary10Percent15Minutes", &[(0, 10), (15, 100)], 15, 15),
    ("LambdaCanary10Percent30Minutes", &[(0, 10), (30, 100)], 30, 30),
    ("ECSLinear10PercentEvery1Minutes", &[], 9, 10),
    ("LambdaLinear10PercentEvery1Minute", &[], 9, 10),
    ("LambdaLinear10PercentEvery2Minutes", &[], 18, 20),
    ("ECSLinear10PercentEvery3Minutes", &[], 27, 30),
    ("LambdaLinear10PercentEvery3Minutes", &[], 27, 30),
    ("LambdaLinear10PercentEvery10Minutes", &[], 90, 100),
];

fn expected_shifts(name: &str, listed: &[(u32, u32)]) -> Vec<(u32, u32)> {
    if !listed.is_empty() {
        return listed.to_vec();
    }
    // Linear rows of the table: 10 % every I minutes, 0→10, I→20, …, 9I→100.
    let every: u32 = name
        .trim_end_matches("Minutes")
        .trim_end_matches("Minute")
        .rsplit("Every")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (0..10).map(|k| (k * every, 10 * (k + 1))).collect()
}

#[test]
fn s2_5_every_ecs_and_lambda_configuration_shifts_as_the_table_says() {
    assert_eq!(TABLE.len(), 14, "all 14 ECS and Lambda predefined configurations");
    for &(short, listed, last_a, length_b) in TABLE {
        let name = format!("CodeDeployDefault.{short}");
        let config = predefined::find(&name).unwrap_or_else(|| panic!("{name} is predefined"));
        let ConfigRule::TrafficRouting(t) = config.rule else {
            panic!("{name} routes traffic")
        };
        let expected = expected_shifts(short, listed);
        let got: Vec<(u32, u32)> = t.shifts().iter().map(|s| (s.at_minute, s.percent)).collect();
        assert_eq!(got, expected, "{name}");
        assert_eq!(t.shifting_minutes(LinearEnd::AtLastShift), last_a, "{name} model A");
        assert_eq!(
            t.shifting_minutes(LinearEnd::OneIntervalAfter),
            length_b,
            "{name} model B"
        );

        // And the simulation shifts at exactly those instants.
        let yaml = match config.compute_platform {
            ComputePlatform::Ecs => ecs(&name, "", ""),
            ComputePlatform::Lambda => lambda(&name, ""),
            ComputePlatform::Server => unreachable!(),
        };
        let r = run(&yaml, 1);
        let d = deployment(&r);
        assert_eq!(d.status, "Succeeded", "{name}");
        let simulated: Vec<(f64, u32)> = shifts(d);
        let expected_f: Vec<(f64, u32)> = expected.iter().map(|&(m, p)| (f64::from(m), p)).collect();
        assert_eq!(simulated, expected_f, "{name}: simulated shifts");
        let allow = event(d, "AllowTraffic");
        assert_eq!(
            took(allow),
            f64::from(last_a) * 60.0,
            "{name}: AllowTraffic ends at the last shift by default (model A)"
        );
    }
}

#[test]
fn s2_5_linear_model_b_waits_one_more_interval() {
    let r = run(
        &lambda(
            "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
            "linearEnd: oneIntervalAfter",
        ),
        1,
    );
    let allow = event(deployment(&r), "AllowTraffic");
    assert_eq!(took(allow), 6000.0, "SAM's 100 minutes");
}

#[test]
fn s2_5_a_linear_percentage_that_does_not_divide_100_shifts_the_remainder_last() {
    let t = TrafficRouting::TimeBasedLinear {
        percentage: 30,
        interval_minutes: 2,
    };
    let got: Vec<(u32, u32)> = t.shifts().iter().map(|s| (s.at_minute, s.percent)).collect();
    assert_eq!(got, vec![(0, 30), (2, 60), (4, 90), (6, 100)]);
}

#[test]
fn s2_1_custom_traffic_routing_limits_are_validated() {
    let custom = |kind: &str, body: &str| {
        format!(
            "name: c\ncomputePlatform: Lambda\ndeploymentConfig:\n  deploymentConfigName: Mine\n  \
             trafficRoutingConfig:\n    type: {kind}\n    {body}\n\
             lambdaFunction: {{functionName: f, alias: live, currentVersion: \"1\", targetVersion: \"2\"}}\n"
        )
    };
    let bad = [
        (
            custom(
                "TimeBasedCanary",
                "timeBasedCanary: {canaryPercentage: 100, canaryInterval: 5}",
            ),
            "between 1 and 99, found 100",
        ),
        (
            custom(
                "TimeBasedCanary",
                "timeBasedCanary: {canaryPercentage: 0, canaryInterval: 5}",
            ),
            "between 1 and 99, found 0",
        ),
        (
            custom(
                "TimeBasedLinear",
                "timeBasedLinear: {linearPercentage: 1, linearInterval: 30}",
            ),
            "limit is 2880",
        ),
        (
            custom(
                "TimeBasedLinear",
                "timeBasedLinear: {linearPercentage: 10, linearInterval: 0}",
            ),
            "found 0",
        ),
        (
            custom(
                "TimeBasedCanary",
                "timeBasedLinear: {linearPercentage: 10, linearInterval: 1}",
            ),
            "needs timeBasedCanary",
        ),
    ];
    for (yaml, expected) in bad {
        let err = cdsim::scenario::load_str(&yaml, "t.yaml").unwrap_err().to_string();
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }
    let ok = custom(
        "TimeBasedLinear",
        "timeBasedLinear: {linearPercentage: 25, linearInterval: 4}",
    );
    let r = run(&ok, 1);
    assert_eq!(
        shifts(deployment(&r)),
        vec![(0.0, 25), (4.0, 50), (8.0, 75), (12.0, 100)]
    );
}

// ----- §4.2 and §6.2: ECS --------------------------------------------------------------

#[test]
fn s4_2_ecs_order_and_the_test_listener() {
    let hooks = "hookFunctions:\n  AfterAllowTestTraffic: {function: smoke, duration: 30s}\n";
    let names = |r: &Report| -> Vec<(String, String)> {
        deployment(r).targets[0]
            .lifecycle_events
            .iter()
            .map(|e| (e.lifecycle_event_name.to_string(), e.status.to_string()))
            .collect()
    };
    let without = run(&ecs("CodeDeployDefault.ECSAllAtOnce", "", hooks), 1);
    let order: Vec<String> = names(&without).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        order,
        [
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "AllowTestTraffic",
            "AfterAllowTestTraffic",
            "BeforeAllowTraffic",
            "AllowTraffic",
            "AfterAllowTraffic"
        ]
    );
    // No test listener: AllowTestTraffic does nothing and AfterAllowTestTraffic is ignored.
    assert_eq!(event(deployment(&without), "AllowTestTraffic").status, "Skipped");
    assert_eq!(event(deployment(&without), "AfterAllowTestTraffic").status, "Skipped");

    let with = run(
        &ecs(
            "CodeDeployDefault.ECSAllAtOnce",
            "  testListener: true\n",
            &format!("{hooks}traffic: {{testRequestRate: 10}}"),
        ),
        1,
    );
    let d = deployment(&with);
    assert_eq!(event(d, "AfterAllowTestTraffic").status, "Succeeded");
    let test = event(d, "AfterAllowTestTraffic");
    assert_eq!(took(test), 30.0);
    let a = with.metrics.availability.as_ref().unwrap();
    assert!(a.test_requests > 0, "test traffic is counted");
    assert_eq!(
        a.requests_to_new_version + (a.requests - a.requests_to_new_version),
        a.requests
    );
    // Test requests are not production requests: before the shift, production is all old.
    let first_shift = d.traffic_shifts.as_ref().unwrap()[0].time;
    let before: u64 = with
        .traffic
        .as_ref()
        .unwrap()
        .periods
        .iter()
        .filter(|p| p.end <= first_shift)
        .map(|p| p.replacement.requests)
        .sum();
    assert_eq!(
        before, 0,
        "no production request reaches the replacement before the first shift"
    );
}

#[test]
fn s4_2_install_waits_for_the_replacement_tasks_to_be_healthy() {
    // Tasks start 30 s after creation, are probed every 10 s from t = 0: healthy at 40.005.
    let r = run(&ecs("CodeDeployDefault.ECSAllAtOnce", "", ""), 1);
    let install = event(deployment(&r), "Install");
    assert_eq!((install.start_time, install.end_time), (Some(0.0), Some(40.005)));

    let bad = run(
        &ecs(
            "CodeDeployDefault.ECSAllAtOnce",
            "",
            "faults:\n  - replacementTasksUnhealthy: {}",
        ),
        1,
    );
    let d = deployment(&bad);
    assert_eq!(d.status, "Failed");
    assert_eq!(d.error_information.as_ref().unwrap().code, "ECS_UPDATE_ERROR");
    assert_eq!(event(d, "Install").end_time, Some(3600.0));
    assert!(d.traffic_shifts.as_ref().unwrap().is_empty(), "no traffic moved");
}

#[test]
fn s6_2_wait_for_continue_deployment_then_termination_wait() {
    let service = "  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 30, continueAfter: 10m}\n  \
                   terminationWaitTimeInMinutes: 5\n";
    let r = run(&ecs("CodeDeployDefault.ECSAllAtOnce", service, ""), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Succeeded");
    let phases: Vec<(&str, f64, f64)> = d.phases.iter().map(|p| (p.name, p.start_time, p.end_time)).collect();
    assert_eq!(
        phases,
        vec![
            ("install", 0.0, 40.005),
            ("ready", 40.005, 640.005),
            ("shifting", 640.005, 640.005),
            ("terminationWait", 640.005, 940.005)
        ]
    );
    assert_eq!(
        d.complete_time, 940.005,
        "succeeds when the original task set is removed"
    );
    let sets = d.targets[0].task_sets_info.as_ref().unwrap();
    assert_eq!((sets[0].running_count, sets[1].traffic_weight), (0, 100.0));

    // No ContinueDeployment before the wait runs out: Stopped, nothing shifted.
    let expire = "  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 30}\n";
    let r = run(&ecs("CodeDeployDefault.ECSAllAtOnce", expire, ""), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Stopped");
    assert_eq!(d.complete_time, 40.005 + 1800.0);
    assert!(d.traffic_shifts.as_ref().unwrap().is_empty());
}

#[test]
fn s2_3_a_network_load_balancer_accepts_only_all_at_once() {
    let nlb = "  loadBalancerType: network\n";
    let err = cdsim::scenario::load_str(&ecs("CodeDeployDefault.ECSCanary10Percent5Minutes", nlb, ""), "t.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("Network Load Balancer only all-at-once"), "{err}");
    assert_eq!(
        deployment(&run(&ecs("CodeDeployDefault.ECSAllAtOnce", nlb, ""), 1)).status,
        "Succeeded"
    );
}

// ----- §4.3, §4.4 and §6.3: Lambda and hooks ---------------------------------------------

#[test]
fn s4_3_pre_traffic_failure_ends_the_deployment_before_any_shift() {
    let hooks = "hookFunctions:\n  BeforeAllowTraffic: {function: pre, duration: 20s, failureProbability: 1}\n";
    let r = run(&lambda("CodeDeployDefault.LambdaCanary10Percent5Minutes", hooks), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Failed");
    assert_eq!(d.complete_time, 20.0);
    assert!(d.traffic_shifts.as_ref().unwrap().is_empty(), "no traffic shifted");
    assert_eq!(event(d, "AllowTraffic").status, "Skipped");
    assert_eq!(r.metrics.availability.as_ref().unwrap().requests_to_new_version, 0);
    let info = d.targets[0].lambda_function_info.as_ref().unwrap();
    assert_eq!((info.current_version.as_str(), info.target_version_weight), ("1", 0.0));
}

#[test]
fn s4_3_post_traffic_runs_after_all_traffic_has_shifted() {
    let hooks = "hookFunctions:\n  AfterAllowTraffic: {function: post, duration: 15s, failureProbability: 1}\n";
    let r = run(&lambda("CodeDeployDefault.LambdaCanary10Percent5Minutes", hooks), 1);
    let d = deployment(&r);
    let post = event(d, "AfterAllowTraffic");
    let last_shift = d.traffic_shifts.as_ref().unwrap().last().unwrap();
    assert_eq!(last_shift.percent, 100);
    assert!(post.start_time.unwrap() >= last_shift.time, "after 100 %");
    assert_eq!(d.status, "Failed");
    assert_eq!(d.error_information.as_ref().unwrap().code, "HOOK_EXECUTION_FAILURE");
}

#[test]
fn s4_4_a_hook_that_never_reports_fails_after_one_hour() {
    let hooks = "hookFunctions:\n  BeforeAllowTraffic: {function: pre, neverReports: true}\n";
    let r = run(&lambda("CodeDeployDefault.LambdaAllAtOnce", hooks), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Failed");
    assert_eq!(d.complete_time, 3600.0);
    let ev = event(d, "BeforeAllowTraffic");
    assert_eq!(ev.diagnostics.as_ref().unwrap().error_code, "ScriptTimedOut");
}

#[test]
fn s6_3_a_lambda_deployment_needs_an_earlier_version() {
    let yaml = "name: l\ncomputePlatform: Lambda\ndeploymentConfigName: CodeDeployDefault.LambdaAllAtOnce\n\
                lambdaFunction: {functionName: f, alias: live, targetVersion: \"2\"}\n";
    let err = cdsim::scenario::load_str(yaml, "t.yaml").unwrap_err().to_string();
    assert!(err.contains("no current version to shift traffic from"), "{err}");
    let same = "name: l\ncomputePlatform: Lambda\ndeploymentConfigName: CodeDeployDefault.LambdaAllAtOnce\n\
                lambdaFunction: {functionName: f, alias: live, currentVersion: \"2\", targetVersion: \"2\"}\n";
    let err = cdsim::scenario::load_str(same, "t.yaml").unwrap_err().to_string();
    assert!(err.contains("nothing to shift"), "{err}");
}

#[test]
fn platform_mismatches_are_reported() {
    let yaml = "name: x\ncomputePlatform: Lambda\ndeploymentConfigName: CodeDeployDefault.ECSAllAtOnce\n\
                lambdaFunction: {functionName: f, alias: live, currentVersion: \"1\", targetVersion: \"2\"}\n";
    let err = cdsim::scenario::load_str(yaml, "t.yaml").unwrap_err().to_string();
    assert!(err.contains("is an ECS configuration"), "{err}");
    let scripts = "name: x\ncomputePlatform: ECS\ndeploymentConfigName: CodeDeployDefault.ECSAllAtOnce\n\
                   ecsService: {tasks: 2}\nhooks:\n  BeforeInstall:\n    - location: a.sh\n";
    let err = cdsim::scenario::load_str(scripts, "t.yaml").unwrap_err().to_string();
    assert!(err.contains("ECS hooks take Lambda function names"), "{err}");
}

// ----- weights ----------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Weights of the two versions always sum to 100 (by construction of one percentage),
    /// and the replacement's share never decreases during a shift and ends at 100 on success.
    #[test]
    fn weights_never_decrease_and_end_at_100(
        canary in any::<bool>(),
        percentage in 1u32..100,
        interval in 1u32..20,
        seed in 0u64..1000,
    ) {
        let (kind, body) = if canary {
            ("TimeBasedCanary", format!("timeBasedCanary: {{canaryPercentage: {percentage}, canaryInterval: {interval}}}"))
        } else {
            ("TimeBasedLinear", format!("timeBasedLinear: {{linearPercentage: {percentage}, linearInterval: {interval}}}"))
        };
        prop_assume!(canary || (100u32.div_ceil(percentage) - 1) * interval <= 2880);
        let yaml = format!(
            "name: w\ncomputePlatform: Lambda\ndeploymentConfig:\n  deploymentConfigName: W\n  \
             trafficRoutingConfig:\n    type: {kind}\n    {body}\n\
             lambdaFunction: {{functionName: f, alias: live, currentVersion: \"1\", targetVersion: \"2\"}}\n\
             traffic: {{requestRate: 5}}\n"
        );
        let r = run(&yaml, seed);
        let d = deployment(&r);
        let s = d.traffic_shifts.as_ref().unwrap();
        prop_assert!(s.windows(2).all(|w| w[0].percent <= w[1].percent && w[0].time <= w[1].time), "seed {}", seed);
        prop_assert!(s.iter().all(|x| x.percent <= 100));
        prop_assert_eq!(s.last().unwrap().percent, 100, "seed {}", seed);
        for p in &r.traffic.as_ref().unwrap().periods {
            prop_assert!(p.new_version_percent <= 100);
        }
    }
}

// ----- aggregated mode = per-request mode, in distribution ---------------------------------

/// Two-sample Kolmogorov–Smirnov statistic.
fn ks(a: &mut [f64], b: &mut [f64]) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// The aggregated mode draws request counts, error counts and latency percentiles with the
/// distribution of the per-request process. Test: 300 periods of each mode (fixed seeds, so
/// the test is deterministic) under a shift inside the period and a rate change; for the
/// new version's request count, error count and p50 and p99 latency, and the old version's
/// request count, the two-sample Kolmogorov–Smirnov statistic must stay below the critical
/// value at α = 0.001 (1.95 · √(2/300) ≈ 0.159).
#[test]
fn aggregated_mode_matches_per_request_mode_in_distribution() {
    let spec = |mode| TrafficSpec {
        rate: RequestRate::Steps(vec![(SimTime::ZERO, 40.0), (SimTime::from_millis(20_000), 60.0)]),
        original: VersionBehaviour {
            error_rate: 0.01,
            latency: Some(Latency {
                median_ms: 50.0,
                sigma: 0.4,
            }),
        },
        replacement: VersionBehaviour {
            error_rate: 0.05,
            latency: Some(Latency {
                median_ms: 80.0,
                sigma: 0.6,
            }),
        },
        test_rate: 0.0,
        period: cdsim::time::SimDuration::from_secs(60),
        mode,
    };
    let weights = [(SimTime::ZERO, 10), (SimTime::from_millis(30_000), 40)];
    let segs: Vec<Segment> = traffic::segments(
        &spec(TrafficMode::Aggregated).rate,
        &weights,
        None,
        SimTime::ZERO,
        SimTime::from_millis(60_000),
    );
    const RUNS: u64 = 300;
    let sample = |mode, offset: u64| -> Vec<[f64; 5]> {
        let s = spec(mode);
        (0..RUNS)
            .map(|i| {
                let mut rng = Streams::new(offset + i).source(Stream::Traffic, 0);
                let p = traffic::sample(&s, &segs, &mut rng);
                let l = p.replacement.latency.unwrap();
                [
                    p.replacement.requests as f64,
                    p.replacement.errors as f64,
                    l.p50,
                    l.p99,
                    p.original.requests as f64,
                ]
            })
            .collect()
    };
    let agg = sample(TrafficMode::Aggregated, 10_000);
    let per = sample(TrafficMode::PerRequest, 20_000);
    let critical = 1.95 * (2.0 / RUNS as f64).sqrt();
    let names = ["new requests", "new errors", "new p50", "new p99", "old requests"];
    for (k, name) in names.iter().enumerate() {
        let mut a: Vec<f64> = agg.iter().map(|x| x[k]).collect();
        let mut b: Vec<f64> = per.iter().map(|x| x[k]).collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let d = ks(&mut a, &mut b);
        assert!(
            d < critical,
            "{name}: KS {d:.3} ≥ {critical:.3} (means {:.2} vs {:.2})",
            mean(&a),
            mean(&b)
        );
    }
    // The expected new-version count: 10 % of 40/s for 20 s, of 60/s for 10 s, then 40 % of
    // 60/s for 30 s = 80 + 60 + 720 = 860.
    let mean_new = agg.iter().map(|x| x[0]).sum::<f64>() / RUNS as f64;
    assert!((mean_new - 860.0).abs() < 10.0, "mean {mean_new}");
}
