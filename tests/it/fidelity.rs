//! Documented CodeDeploy behaviour, one test per rule, each naming its section of the
//! behavioural reference (codedeploy-semantics.md, "§N"). Durations are fixed so that every
//! expected time is exact.

use cdsim::report::{DeploymentInfo, Report, TargetInfo};

use crate::common::{run, scenario};

/// A Server scenario with no load balancer, where each instance takes 4 s: DownloadBundle
/// 2 s, Install 1 s, and one ValidateService script of 1 s. `config` is YAML for the
/// configuration (e.g. `deploymentConfigName: CodeDeployDefault.HalfAtATime`), `extra` any
/// further top-level YAML (faults, loadBalancer…).
fn fleet(n: u32, config: &str, extra: &str) -> String {
    format!(
        "name: fidelity\n{config}\nfleet:\n  instances: {n}\n\
         hooks:\n  ValidateService:\n    - location: validate.sh\n      timeout: 60\n      duration: 1s\n{extra}\n"
    )
}

fn named(name: &str) -> String {
    format!("deploymentConfigName: CodeDeployDefault.{name}")
}

fn host_count(m: u32) -> String {
    format!(
        "deploymentConfig:\n  deploymentConfigName: Custom\n  minimumHealthyHosts: {{type: HOST_COUNT, value: {m}}}"
    )
}

fn fleet_percent(p: u32) -> String {
    format!(
        "deploymentConfig:\n  deploymentConfigName: Custom\n  minimumHealthyHosts: {{type: FLEET_PERCENT, value: {p}}}"
    )
}

/// `faults:` making the listed instances fail their ValidateService script.
fn failing(targets: &[u32]) -> String {
    let mut s = String::from("faults:\n");
    for t in targets {
        s += &format!("  - hookFails: {{target: {t}, event: ValidateService}}\n");
    }
    s
}

fn deployment(r: &Report) -> &DeploymentInfo {
    &r.deployments[0]
}

fn statuses(d: &DeploymentInfo) -> Vec<&str> {
    d.targets.iter().map(|t| t.status).collect()
}

fn start_of(t: &TargetInfo) -> Option<f64> {
    t.lifecycle_events.iter().find_map(|e| e.start_time)
}

/// Start times of the instances that started, in instance order.
fn starts(d: &DeploymentInfo) -> Vec<f64> {
    d.targets.iter().filter_map(start_of).collect()
}

fn error_code(d: &DeploymentInfo) -> Option<&str> {
    d.error_information.as_ref().map(|e| e.code)
}

// ----- §2.1 and §2.2: configurations ---------------------------------------------------

#[test]
fn s2_1_no_configuration_means_one_at_a_time() {
    let sc = scenario(&fleet(3, "", ""));
    assert_eq!(sc.deployment_config.name, "CodeDeployDefault.OneAtATime");
    let r = run(&fleet(3, "", ""), 1);
    assert_eq!(starts(deployment(&r)), vec![0.0, 4.0, 8.0]);
}

#[test]
fn s2_1_custom_limits_are_validated() {
    let bad = [
        (fleet_percent(100), "between 0 and 99, found 100"),
        (host_count(0).replace("value: 0", "value: -1"), "found -1"),
        (
            "deploymentConfig:\n  deploymentConfigName: CodeDeployDefault.Mine\n  minimumHealthyHosts: {type: HOST_COUNT, value: 1}"
                .to_string(),
            "may not start with CodeDeployDefault.",
        ),
        (
            "deploymentConfig:\n  minimumHealthyHosts: {type: MOST_CONCURRENCY, value: 1}".to_string(),
            "MOST_CONCURRENCY is reserved",
        ),
    ];
    for (config, expected) in bad {
        let err = cdsim::scenario::load_str(&fleet(5, &config, ""), "t.yaml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
        assert!(text.starts_with("t.yaml:"), "located: {text}");
    }
}

#[test]
fn s2_2_all_at_once_deploys_everything_at_once_and_needs_one_success() {
    let r = run(&fleet(9, &named("AllAtOnce"), &failing(&[0, 1, 2, 3, 4, 5, 6, 7])), 1);
    let d = deployment(&r);
    assert_eq!(starts(d), vec![0.0; 9], "all 9 at once");
    assert_eq!(d.status, "Succeeded", "one success of nine is enough");

    let r = run(
        &fleet(9, &named("AllAtOnce"), &failing(&[0, 1, 2, 3, 4, 5, 6, 7, 8])),
        1,
    );
    assert_eq!(deployment(&r).status, "Failed", "fails only if all fail");
    assert_eq!(error_code(deployment(&r)), Some("HEALTH_CONSTRAINTS"));
}

#[test]
fn s2_2_half_at_a_time_nine_instances_four_at_a_time_five_needed() {
    let r = run(&fleet(9, &named("HalfAtATime"), ""), 1);
    let d = deployment(&r);
    assert_eq!(starts(d), vec![0.0, 0.0, 0.0, 0.0, 4.0, 4.0, 4.0, 4.0, 8.0]);
    assert_eq!(r.metrics.capacity.as_ref().unwrap().max_in_flight_observed, 4);
    let plan = d.health_plan.as_ref().unwrap();
    assert_eq!(
        (plan.minimum_healthy_instances, plan.max_in_flight, plan.min_successes),
        (5, 4, 5)
    );

    // Two failures, seven successes: Succeeded.
    let r = run(&fleet(9, &named("HalfAtATime"), &failing(&[3, 8])), 1);
    assert_eq!(deployment(&r).status, "Succeeded");

    // The whole first wave failing leaves five healthy instances, and taking any of them
    // offline would break the minimum of five: the deployment fails at once (§3.2 rule 4),
    // although five successes were still possible in principle.
    let r = run(&fleet(9, &named("HalfAtATime"), &failing(&[0, 1, 2, 3])), 1);
    let d = deployment(&r);
    assert_eq!((d.status, error_code(d)), ("Failed", Some("HEALTH_CONSTRAINTS")));
    assert_eq!(d.complete_time, 4.0);
    assert!(
        statuses(d)[4..].iter().all(|&s| s == "Skipped"),
        "instances 4–8 Skipped"
    );
}

#[test]
fn s2_2_one_at_a_time_the_last_instance_may_fail() {
    let r = run(&fleet(9, &named("OneAtATime"), &failing(&[8])), 1);
    let d = deployment(&r);
    assert_eq!(
        d.status, "Succeeded",
        "a failure on the last instance still counts as success"
    );
    assert_eq!(statuses(d)[8], "Failed");

    // Any other instance failing fails the deployment at once; the rest are Skipped.
    let r = run(&fleet(9, &named("OneAtATime"), &failing(&[3])), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Failed");
    assert_eq!(error_code(d), Some("HEALTH_CONSTRAINTS"));
    assert_eq!(&statuses(d)[..4], ["Succeeded", "Succeeded", "Succeeded", "Failed"]);
    assert!(statuses(d)[4..].iter().all(|&s| s == "Skipped"));
    assert_eq!(d.complete_time, 16.0, "fails when instance 3 fails, at 4 × 4 s");
}

#[test]
fn s2_2_one_at_a_time_single_instance_succeeds_only_if_it_succeeds() {
    let ok = run(&fleet(1, &named("OneAtATime"), ""), 1);
    assert_eq!(deployment(&ok).status, "Succeeded");
    let bad = run(&fleet(1, &named("OneAtATime"), &failing(&[0])), 1);
    assert_eq!(deployment(&bad).status, "Failed");
    assert_eq!(
        error_code(deployment(&bad)),
        Some("HEALTH_CONSTRAINTS"),
        "not _INVALID: it did start"
    );
}

#[test]
fn s2_2_half_at_a_time_single_instance_cannot_start() {
    // M = ceil(0.5) = 1 = N: by the documented rule the deployment cannot start (§3.2 note).
    let r = run(&fleet(1, &named("HalfAtATime"), ""), 1);
    assert_eq!(error_code(deployment(&r)), Some("HEALTH_CONSTRAINTS_INVALID"));
}

// ----- §3.1: worked examples ----------------------------------------------------------

#[test]
fn s3_1_fleet_percent_95_of_10_fails_immediately_without_deploying() {
    let r = run(&fleet(10, &fleet_percent(95), ""), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Failed");
    assert_eq!(error_code(d), Some("HEALTH_CONSTRAINTS_INVALID"));
    assert_eq!(d.complete_time, 0.0);
    assert!(statuses(d).iter().all(|&s| s == "Skipped"));
    assert!(starts(d).is_empty(), "nothing deployed anywhere");
}

#[test]
fn s3_1_host_count_9_of_10_one_at_a_time_last_may_fail() {
    let r = run(&fleet(10, &host_count(9), ""), 1);
    assert_eq!(r.metrics.capacity.as_ref().unwrap().max_in_flight_observed, 1);
    let r = run(&fleet(10, &host_count(9), &failing(&[9])), 1);
    assert_eq!(deployment(&r).status, "Succeeded");
    let r = run(&fleet(10, &host_count(9), &failing(&[0])), 1);
    assert_eq!(deployment(&r).status, "Failed");
    assert_eq!(deployment(&r).complete_time, 4.0, "at once");
}

#[test]
fn s3_1_host_count_8_of_10_two_at_a_time_two_failures_fail() {
    let r = run(&fleet(10, &host_count(8), ""), 1);
    assert_eq!(
        starts(deployment(&r)),
        vec![0.0, 0.0, 4.0, 4.0, 8.0, 8.0, 12.0, 12.0, 16.0, 16.0]
    );

    // One failure: still going, one at a time while it lasts (N−X−F−1 ≥ M).
    let r = run(&fleet(10, &host_count(8), &failing(&[0])), 1);
    assert_eq!(deployment(&r).status, "Succeeded");
    assert_eq!(deployment(&r).deployment_overview.succeeded, 9);

    // Two failures: fails at once.
    let r = run(&fleet(10, &host_count(8), &failing(&[0, 1])), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Failed");
    assert_eq!(d.complete_time, 4.0);
    assert_eq!(d.deployment_overview.skipped, 8);

    // …except when the second failure is the last instance.
    let r = run(&fleet(10, &host_count(8), &failing(&[0, 9])), 1);
    assert_eq!(deployment(&r).status, "Succeeded");
}

#[test]
fn s3_1_host_count_0_all_at_once_needs_one_success() {
    let r = run(&fleet(10, &host_count(0), ""), 1);
    assert_eq!(starts(deployment(&r)), vec![0.0; 10]);
    let all: Vec<u32> = (0..10).collect();
    let r = run(&fleet(10, &host_count(0), &failing(&all)), 1);
    assert_eq!(deployment(&r).status, "Failed", "0 successes ⇒ Failed even with M = 0");
}

#[test]
fn s3_1_fleet_percent_85_of_10_a_single_failure_fails() {
    let r = run(&fleet(10, &fleet_percent(85), &failing(&[2])), 1);
    let d = deployment(&r);
    assert_eq!(d.health_plan.as_ref().unwrap().minimum_healthy_instances, 9);
    assert_eq!(d.status, "Failed");
    assert_eq!(d.complete_time, 12.0);
}

#[test]
fn s3_1_nine_instances_host_count_6_and_fleet_percent_40() {
    let r = run(&fleet(9, &host_count(6), ""), 1);
    assert_eq!(
        r.metrics.capacity.as_ref().unwrap().max_in_flight_observed,
        3,
        "HOST_COUNT 6: up to three at a time"
    );
    let r = run(&fleet(9, &host_count(6), &failing(&[6, 7, 8])), 1);
    assert_eq!(deployment(&r).status, "Succeeded", "6 successes");
    // 5 fails in the second wave; 6 and 7 then go one at a time and fail; 8 cannot start.
    let r = run(&fleet(9, &host_count(6), &failing(&[5, 6, 7, 8])), 1);
    let d = deployment(&r);
    assert_eq!(d.status, "Failed", "5 successes < 6");
    assert_eq!(statuses(d)[8], "Skipped");

    let r = run(&fleet(9, &fleet_percent(40), ""), 1);
    assert_eq!(
        r.metrics.capacity.as_ref().unwrap().max_in_flight_observed,
        5,
        "FLEET_PERCENT 40: up to five at a time"
    );
    let r = run(&fleet(9, &fleet_percent(40), &failing(&[4, 5, 6, 7, 8])), 1);
    assert_eq!(deployment(&r).status, "Succeeded", "4 successes needed, 4 happened");
}

#[test]
fn s3_1_a_stopped_instance_counts_as_failed() {
    // Instance 1 stops before its turn: its first event never starts (5 minutes, §3.3).
    let extra = "faults:\n  - instanceStops: {target: 1, at: 1s}";
    let r = run(&fleet(3, &named("OneAtATime"), extra), 1);
    let d = deployment(&r);
    assert_eq!(statuses(d), vec!["Succeeded", "Failed", "Skipped"]);
    assert_eq!(d.complete_time, 4.0 + 300.0);
    let ev = d.targets[1]
        .lifecycle_events
        .iter()
        .find(|e| e.status == "Failed")
        .unwrap();
    assert_eq!(ev.lifecycle_event_name, "ApplicationStop");
}

#[test]
fn s3_1_scheduling_order_unhealthy_unknown_old_current() {
    let extra = "faults: []";
    let yaml = fleet(4, &named("OneAtATime"), extra).replace(
        "  instances: 4\n",
        "  instances: 4\n  instanceHealth: {current: [0], unknown: [2], unhealthy: [3]}\n",
    );
    let r = run(&yaml, 1);
    let d = deployment(&r);
    let order: Vec<f64> = d.targets.iter().map(|t| start_of(t).unwrap()).collect();
    // Unhealthy (3) first, then Unknown (2), Old (1), Current (0).
    assert_eq!(order, vec![12.0, 8.0, 4.0, 0.0]);
}

/// A OneAtATime first deployment of four instances where `failed` fail, read as
/// `firstDeploymentHealth` says (absent: the default).
fn first_deployment(failed: &[u32], health: Option<&str>) -> DeploymentInfo {
    let line = health.map_or(String::new(), |h| format!("  firstDeploymentHealth: {h}\n"));
    let yaml = fleet(4, &named("OneAtATime"), &failing(failed)).replace(
        "instances: 4\n",
        &format!("instances: 4\n  firstDeployment: true\n{line}"),
    );
    run(&yaml, 1).deployments.swap_remove(0)
}

/// §2.2 and §3.1 [C]: on a first deployment (nothing ever deployed), OneAtATime by default
/// fails as soon as an instance other than the last fails, as the configuration's rules say
/// plainly; the last instance may still fail. `firstDeploymentHealth: unhealthy` takes the
/// instance-health reading instead: never-deployed instances are Unhealthy, their failures
/// lower no healthy count, and the deployment goes on and is judged at the end (§3.2 rule 5).
#[test]
fn s2_2_one_at_a_time_on_a_first_deployment_fails_at_the_first_failure_but_the_last() {
    let d = first_deployment(&[1], None);
    assert_eq!((d.status, error_code(&d)), ("Failed", Some("HEALTH_CONSTRAINTS")));
    assert_eq!(statuses(&d), ["Succeeded", "Failed", "Skipped", "Skipped"]);
    assert_eq!(d.complete_time, 8.0, "failed when instance 1 failed");
    assert_eq!(
        first_deployment(&[1], Some("countedHealthy")).status,
        "Failed",
        "the default, spelt out"
    );

    let last = first_deployment(&[3], None);
    assert_eq!(last.status, "Succeeded", "the last instance may fail");

    let d = first_deployment(&[1], Some("unhealthy"));
    assert_eq!(d.status, "Succeeded", "3 of 4 succeeded: M = 3");
    assert_eq!(statuses(&d), ["Succeeded", "Failed", "Succeeded", "Succeeded"]);
    let d = first_deployment(&[0, 1], Some("unhealthy"));
    assert_eq!(
        statuses(&d),
        ["Failed", "Failed", "Succeeded", "Succeeded"],
        "it goes on to the end"
    );
    assert_eq!((d.status, error_code(&d)), ("Failed", Some("HEALTH_CONSTRAINTS")));

    // Either way, a never-deployed instance serves only once deployed to.
    let r = run(
        &fleet(4, &named("OneAtATime"), "").replace("instances: 4\n", "instances: 4\n  firstDeployment: true\n"),
        1,
    );
    assert_eq!(r.metrics.capacity.as_ref().unwrap().initial_in_service, 0);
}

#[test]
fn s2_2_first_deployment_health_is_validated() {
    let bad = fleet(2, "", "").replace("instances: 2\n", "instances: 2\n  firstDeploymentHealth: unhealthy\n");
    let e = cdsim::scenario::load_str(&bad, "t.yaml").unwrap_err().to_string();
    assert!(
        e.contains("firstDeploymentHealth applies only with firstDeployment: true"),
        "{e}"
    );
    let bad = fleet(2, "", "").replace(
        "instances: 2\n",
        "instances: 2\n  firstDeployment: true\n  firstDeploymentHealth: healthy\n",
    );
    let e = cdsim::scenario::load_str(&bad, "t.yaml").unwrap_err().to_string();
    assert!(e.contains("t.yaml:6:"), "located: {e}");
    assert!(e.contains("countedHealthy or unhealthy, found \"healthy\""), "{e}");
}

// ----- §3.2: explain matches the derived batch table ------------------------------------

#[test]
fn s3_2_explain_matches_the_batch_table() {
    use cdsim::config::predefined::find;
    use cdsim::report::config::ServerExplanation;
    let rows: [(u32, &str, u32, u32); 12] = [
        (1, "AllAtOnce", 1, 1),
        (2, "AllAtOnce", 2, 1),
        (9, "AllAtOnce", 9, 1),
        (2, "HalfAtATime", 1, 1),
        (3, "HalfAtATime", 1, 2),
        (4, "HalfAtATime", 2, 2),
        (9, "HalfAtATime", 4, 5),
        (10, "HalfAtATime", 5, 5),
        (1, "OneAtATime", 1, 1),
        (4, "OneAtATime", 1, 3),
        (9, "OneAtATime", 1, 8),
        (10, "OneAtATime", 1, 9),
    ];
    for (n, name, batch, needed) in rows {
        let c = find(&format!("CodeDeployDefault.{name}")).unwrap();
        let e = ServerExplanation::new(&c, n).unwrap();
        assert_eq!((e.max_in_flight, e.min_successes), (batch, needed), "{name} N={n}");
        assert_eq!(e.waves.iter().sum::<u32>(), n);
        assert!(e.waves.iter().all(|&w| w <= batch));
    }
    // For any N the waves are full groups of N − M and one remainder.
    for n in 1..200 {
        let c = find("CodeDeployDefault.HalfAtATime").unwrap();
        let e = ServerExplanation::new(&c, n).unwrap();
        if n == 1 {
            assert_eq!(e.error_code, Some("HEALTH_CONSTRAINTS_INVALID"));
            continue;
        }
        assert_eq!(e.max_in_flight, n / 2, "floor(N/2) at a time");
        assert_eq!(e.min_successes, n.div_ceil(2), "ceil(N/2) needed");
    }
}

// ----- §4.1: lifecycle order ----------------------------------------------------------

fn event_names(t: &TargetInfo) -> Vec<&str> {
    t.lifecycle_events.iter().map(|e| e.lifecycle_event_name).collect()
}

#[test]
fn s4_1_order_without_and_with_a_load_balancer() {
    let r = run(&fleet(1, "", ""), 1);
    assert_eq!(
        event_names(&deployment(&r).targets[0]),
        [
            "ApplicationStop",
            "DownloadBundle",
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "ApplicationStart",
            "ValidateService"
        ]
    );
    let r = run(&fleet(1, "", "loadBalancer: {deregistrationDelay: 0s}"), 1);
    assert_eq!(
        event_names(&deployment(&r).targets[0]),
        [
            "BeforeBlockTraffic",
            "BlockTraffic",
            "AfterBlockTraffic",
            "ApplicationStop",
            "DownloadBundle",
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "ApplicationStart",
            "ValidateService",
            "BeforeAllowTraffic",
            "AllowTraffic",
            "AfterAllowTraffic"
        ]
    );
}

#[test]
fn s4_1_application_stop_does_not_run_on_the_first_deployment() {
    let stop = "hooks:\n  ApplicationStop:\n    - location: stop.sh\n      duration: 7s\n  ValidateService:\n    - location: v.sh\n      duration: 1s\n";
    let base = "name: first\nfleet:\n  instances: 1\n";
    let r = run(&format!("{base}{stop}"), 1);
    let t = &deployment(&r).targets[0];
    assert_eq!(t.lifecycle_events[0].status, "Succeeded");
    assert_eq!(t.lifecycle_events[0].end_time, Some(7.0));

    let first = base.replace("instances: 1\n", "instances: 1\n  firstDeployment: true\n");
    let r = run(&format!("{first}{stop}"), 1);
    let t = &deployment(&r).targets[0];
    assert_eq!(t.lifecycle_events[0].status, "Skipped");
    assert_eq!(
        t.lifecycle_events[1].start_time,
        Some(0.0),
        "DownloadBundle starts at once"
    );
    assert_eq!(deployment(&r).complete_time, 4.0);
}

// ----- §4.4: scripts, timeouts, failures ----------------------------------------------

fn hooks_yaml(scripts: &str) -> String {
    format!("name: hooks\nfleet:\n  instances: 1\nhooks:\n  AfterInstall:\n{scripts}")
}

#[test]
fn s4_4_scripts_run_in_order_and_the_first_failure_stops_the_event() {
    let scripts = "    - {location: a.sh, duration: 10s, timeout: 60}\n    - {location: b.sh, duration: 20s, timeout: 60}\n    - {location: c.sh, duration: 30s, timeout: 60}\n";
    let ok = run(&hooks_yaml(scripts), 1);
    let ev = &deployment(&ok).targets[0].lifecycle_events[4];
    assert_eq!(ev.lifecycle_event_name, "AfterInstall");
    assert_eq!(
        ev.end_time.unwrap() - ev.start_time.unwrap(),
        60.0,
        "scripts run one after another"
    );

    let bad = format!(
        "{}faults:\n  - hookFails: {{target: 0, event: AfterInstall}}\n",
        hooks_yaml(scripts)
    );
    let r = run(&bad, 1);
    let t = &deployment(&r).targets[0];
    let ev = &t.lifecycle_events[4];
    assert_eq!(ev.status, "Failed");
    assert_eq!(
        ev.end_time.unwrap() - ev.start_time.unwrap(),
        10.0,
        "later scripts do not run"
    );
    let diag = ev.diagnostics.as_ref().unwrap();
    assert_eq!(
        (diag.error_code, diag.script_name.as_deref()),
        ("ScriptFailed", Some("a.sh"))
    );
    assert!(
        t.lifecycle_events[5..].iter().all(|e| e.status == "Skipped"),
        "later events Skipped"
    );
}

#[test]
fn s4_4_a_script_over_its_timeout_is_killed_with_script_timed_out() {
    let scripts =
        "    - {location: a.sh, duration: 10s, timeout: 60}\n    - {location: slow.sh, duration: 90s, timeout: 45}\n";
    let r = run(&hooks_yaml(scripts), 1);
    let ev = &deployment(&r).targets[0].lifecycle_events[4];
    assert_eq!(ev.status, "Failed");
    assert_eq!(
        ev.end_time.unwrap() - ev.start_time.unwrap(),
        55.0,
        "killed at its 45 s timeout"
    );
    let diag = ev.diagnostics.as_ref().unwrap();
    assert_eq!(
        (diag.error_code, diag.script_name.as_deref()),
        ("ScriptTimedOut", Some("slow.sh"))
    );
}

#[test]
fn s4_4_default_timeout_is_3600_and_an_event_may_not_exceed_3600_in_total() {
    let sc = scenario(&hooks_yaml("    - {location: a.sh}\n"));
    let hook = sc
        .in_place()
        .unwrap()
        .hooks
        .get(cdsim::lifecycle::LifecycleEventName::AfterInstall);
    assert_eq!(hook.scripts[0].timeout.as_millis(), 3_600_000);

    let err = cdsim::scenario::load_str(
        &hooks_yaml("    - {location: a.sh, timeout: 1800}\n    - {location: b.sh, timeout: 1801}\n"),
        "t.yaml",
    )
    .unwrap_err();
    assert!(err.to_string().contains("adding up to 3601s"), "{err}");
    let err = cdsim::scenario::load_str(&hooks_yaml("    - {location: a.sh, timeout: 0}\n"), "t.yaml").unwrap_err();
    assert!(err.to_string().contains("found 0"), "{err}");
}

#[test]
fn s4_4_ignore_application_stop_failures() {
    let yaml = |ignore: bool| {
        format!(
            "name: ignore\nignoreApplicationStopFailures: {ignore}\nfleet:\n  instances: 2\n\
             hooks:\n  ApplicationStop:\n    - {{location: stop.sh, duration: 1s}}\n\
             faults:\n  - hookFails: {{target: 0, event: ApplicationStop}}\n"
        )
    };
    let r = run(&yaml(false), 1);
    let d = deployment(&r);
    assert_eq!(d.targets[0].status, "Failed");
    assert_eq!(d.status, "Failed", "OneAtATime: instance 0 is not the last instance");

    let r = run(&yaml(true), 1);
    let t = &deployment(&r).targets[0];
    assert_eq!(t.status, "Succeeded", "the failure is ignored");
    assert_eq!(t.lifecycle_events[0].status, "Failed", "but still shown as Failed");
    assert_eq!(t.lifecycle_events[1].lifecycle_event_name, "DownloadBundle");
    assert_eq!(
        t.lifecycle_events[1].status, "Succeeded",
        "continues with DownloadBundle (§4.4, API text)"
    );
}

// ----- §10: load balancer -------------------------------------------------------------

fn lb_fleet(extra: &str) -> String {
    format!(
        "name: lb\nfleet:\n  instances: 1\nloadBalancer:\n  deregistrationDelay: 30s\n  healthCheck: {{interval: 10s, timeout: 5s}}\n{extra}"
    )
}

#[test]
fn s10_block_traffic_waits_the_deregistration_delay_and_allow_traffic_one_pass() {
    let r = run(&lb_fleet(""), 1);
    let t = &deployment(&r).targets[0];
    let ev = |name: &str| {
        t.lifecycle_events
            .iter()
            .find(|e| e.lifecycle_event_name == name)
            .unwrap()
    };
    let block = ev("BlockTraffic");
    assert_eq!(block.end_time.unwrap() - block.start_time.unwrap(), 30.0);
    let allow = ev("AllowTraffic");
    // Registered at 33 s (30 s drain + 2 s + 1 s agent steps); first probe round after
    // that is 40 s; one pass answered 5 ms later.
    assert_eq!(allow.start_time, Some(33.0));
    assert_eq!(allow.end_time, Some(40.005));
    // Capacity: out of service at 0, back at 40.005.
    let cap: Vec<(f64, u32)> = r.capacity.iter().map(|c| (c.time, c.in_service)).collect();
    assert_eq!(cap, vec![(0.0, 1), (0.0, 0), (40.005, 1)]);
}

#[test]
fn s10_an_instance_never_healthy_fails_allow_traffic_after_one_hour() {
    let r = run(&lb_fleet("faults:\n  - failsHealthChecks: {target: 0}\n"), 1);
    let t = &deployment(&r).targets[0];
    let allow = t
        .lifecycle_events
        .iter()
        .find(|e| e.lifecycle_event_name == "AllowTraffic")
        .unwrap();
    assert_eq!(allow.status, "Failed");
    assert_eq!(allow.end_time.unwrap() - allow.start_time.unwrap(), 3600.0);
    assert_eq!(deployment(&r).status, "Failed");
}

// ----- §2.6: zonal --------------------------------------------------------------------

fn zonal(first: &str, per_zone: &str) -> String {
    format!(
        "name: zonal\ndeploymentConfig:\n  deploymentConfigName: Zonal\n  minimumHealthyHosts: {{type: HOST_COUNT, value: 0}}\n\
         \x20 zonalConfig:\n    monitorDurationInSeconds: 100\n{first}{per_zone}\
         fleet:\n  instances: 6\n  availabilityZones: [us-east-1a, us-east-1b, us-east-1c]\n\
         hooks:\n  ValidateService:\n    - {{location: v.sh, duration: 1s}}\n"
    )
}

#[test]
fn s2_6_one_zone_at_a_time_with_monitor_durations() {
    let r = run(&zonal("", ""), 1);
    let d = deployment(&r);
    // Zone a = instances 0, 3; b = 1, 4; c = 2, 5. Each zone all at once (HOST_COUNT 0),
    // 4 s per instance, 100 s bake between zones, none after the last.
    let s: Vec<f64> = d.targets.iter().map(|t| start_of(t).unwrap()).collect();
    assert_eq!(s, vec![0.0, 104.0, 208.0, 0.0, 104.0, 208.0]);
    assert_eq!(d.complete_time, 212.0);
    assert_eq!(d.targets[1].availability_zone.as_deref(), Some("us-east-1b"));

    let r = run(&zonal("    firstZoneMonitorDurationInSeconds: 10\n", ""), 1);
    let s: Vec<f64> = deployment(&r).targets.iter().map(|t| start_of(t).unwrap()).collect();
    assert_eq!(
        s,
        vec![0.0, 14.0, 118.0, 0.0, 14.0, 118.0],
        "first bake 10 s, then 100 s"
    );
}

#[test]
fn s2_6_minimum_healthy_per_zone() {
    let per_zone = "    minimumHealthyHostsPerZone: {type: HOST_COUNT, value: 1}\n";
    let r = run(&zonal("", per_zone), 1);
    let s: Vec<f64> = deployment(&r).targets.iter().map(|t| start_of(t).unwrap()).collect();
    // One of the two instances of each zone must stay healthy: one at a time per zone.
    assert_eq!(s, vec![0.0, 108.0, 216.0, 4.0, 112.0, 220.0]);

    let too_many = "    minimumHealthyHostsPerZone: {type: HOST_COUNT, value: 2}\n";
    let r = run(&zonal("", too_many), 1);
    assert_eq!(error_code(deployment(&r)), Some("HEALTH_CONSTRAINTS_INVALID"));
}

/// §2.6 with §3.2 rule 4: when a zone ends and too few healthy instances remain for the
/// next zone to start any, the deployment is Failed at that moment, and its rollback starts
/// then; the monitor duration is not waited out. A zone that can go on still bakes.
#[test]
fn s2_6_a_zonal_failure_is_declared_when_the_zone_ends() {
    // HOST_COUNT 4 over 6 instances: two may be offline. Zone a (instances 0 and 3) runs
    // both at once; both fail, leaving 4 healthy = M: nothing more may start.
    let config = "minimumHealthyHosts: {type: HOST_COUNT, value: 4}";
    let both_fail = zonal("", "")
        .replace("minimumHealthyHosts: {type: HOST_COUNT, value: 0}", config)
        .replace("monitorDurationInSeconds: 100", "monitorDurationInSeconds: 3600")
        + "faults:\n  - hookFails: {target: 0, event: ValidateService}\n  - hookFails: {target: 3, event: ValidateService}\n\
           autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}\n";
    let r = run(&both_fail, 1);
    let d = deployment(&r);
    assert_eq!((d.status, error_code(d)), ("Failed", Some("HEALTH_CONSTRAINTS")));
    assert_eq!(
        d.complete_time, 4.0,
        "failed when zone a ended, not after its hour of monitoring"
    );
    assert_eq!(
        statuses(d),
        ["Failed", "Skipped", "Skipped", "Failed", "Skipped", "Skipped"]
    );
    let rollback = &r.deployments[1];
    assert_eq!(rollback.creator, "codeDeployRollback");
    assert_eq!(
        rollback.create_time, 4.0,
        "the rollback starts when the failure is declared"
    );

    // One failure leaves 5 healthy: zone b may start, so zone a's monitor duration runs.
    let one_fails = both_fail.replace("  - hookFails: {target: 3, event: ValidateService}\n", "");
    let d = &run(&one_fails, 1).deployments[0];
    assert_eq!(
        start_of(&d.targets[1]),
        Some(3604.0),
        "zone b starts after the monitor duration"
    );
}

// ----- §3.3: stopped instances ----------------------------------------------------------

#[test]
fn s3_3_an_instance_stopping_mid_event_fails_at_the_event_timeout() {
    let yaml = "name: stop\nfleet:\n  instances: 1\nhooks:\n  AfterInstall:\n    - {location: a.sh, duration: 60s, timeout: 600}\n\
                faults:\n  - instanceStops: {target: 0, at: 10s}\n";
    let r = run(yaml, 1);
    let ev = &deployment(&r).targets[0].lifecycle_events[4];
    assert_eq!(ev.lifecycle_event_name, "AfterInstall");
    assert_eq!(ev.status, "Failed");
    assert_eq!(ev.start_time, Some(3.0));
    assert_eq!(ev.end_time, Some(603.0), "the agent never answers: the event times out");
    assert_eq!(ev.diagnostics.as_ref().unwrap().error_code, "UnknownError");
}

/// §3.3 [I]: a stopped instance stays stopped; a second stop of it (the fault list may
/// name an instance twice) changes nothing, whether it falls during the timed-out event or
/// after the instance failed.
#[test]
fn s3_3_a_second_stop_of_a_stopped_instance_changes_nothing() {
    let base = "name: stop\nfleet:\n  instances: 3\nhooks:\n  AfterInstall:\n    - {location: a.sh, duration: 60s, timeout: 600}\n\
                faults:\n  - instanceStops: {target: 0, at: 10s}\n";
    let once = run(base, 1);
    for again in ["5m", "20m"] {
        let twice = run(&format!("{base}  - instanceStops: {{target: 0, at: {again}}}\n"), 1);
        assert_eq!(
            serde_json::to_value(&twice.deployments).unwrap(),
            serde_json::to_value(&once.deployments).unwrap(),
            "second stop at {again}"
        );
    }
}
