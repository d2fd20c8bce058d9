//! EC2 blue/green deployments: each rule the model implements, citing its section of the
//! behavioural reference (§6.1 options and limits, §4.1 blue/green table, §2.2 rerouting,
//! §3.1 minimum on the replacements and failed deregistration, §7 alarms during waits,
//! §8 rollback and stop, §10 AllowTraffic), the report's shape, validation and determinism.

use cdsim::report::{DeploymentInfo, Report, TargetInfo};
use cdsim::scenario;

use crate::common;

/// An EC2 blue/green scenario: `n` originals behind a load balancer (10 s health checks,
/// 30 s deregistration delay), fixed script durations, and the given configuration and
/// extra YAML (blueGreenDeploymentConfiguration, faults, alarms, …).
fn yaml(n: u32, config: &str, extra: &str) -> String {
    format!(
        "name: ec2-bg\ndeploymentConfigName: {config}\nfleet: {{instances: {n}}}\n\
         loadBalancer: {{deregistrationDelay: 30s, healthCheck: {{interval: 10s, timeout: 5s}}}}\n\
         hooks:\n  BeforeInstall: [{{location: before.sh, duration: 20s}}]\n\
         \x20 ValidateService: [{{location: validate.sh, duration: 10s, timeout: 60}}]\n\
         \x20 BeforeBlockTraffic: [{{location: drain.sh, duration: 5s}}]\n\
         \x20 AfterAllowTraffic: [{{location: smoke.sh, duration: 4s}}]\n{extra}"
    )
}

const BG: &str = "blueGreenDeploymentConfiguration:\n  terminateBlueInstancesOnDeploymentSuccess: {action: TERMINATE, terminationWaitTimeInMinutes: 10}\n";

fn first(r: &Report) -> &DeploymentInfo {
    &r.deployments[0]
}

fn blue(d: &DeploymentInfo) -> Vec<&TargetInfo> {
    d.targets.iter().filter(|t| t.instance_label == Some("Blue")).collect()
}

fn green(d: &DeploymentInfo) -> Vec<&TargetInfo> {
    d.targets.iter().filter(|t| t.instance_label == Some("Green")).collect()
}

fn event<'a>(t: &'a TargetInfo, name: &str) -> &'a cdsim::report::LifecycleEventInfo {
    t.lifecycle_events
        .iter()
        .find(|e| e.lifecycle_event_name == name)
        .unwrap_or_else(|| panic!("{} has no {name}", t.target_id))
}

fn names(t: &TargetInfo) -> Vec<&str> {
    t.lifecycle_events.iter().map(|e| e.lifecycle_event_name).collect()
}

/// Most targets whose events `from..=to` (by name) overlap in time.
fn max_overlap(targets: &[&TargetInfo], from: &str, to: &str) -> usize {
    let mut edges = Vec::new();
    for t in targets {
        let names = names(t);
        let (i, j) = (
            names.iter().position(|n| *n == from).unwrap(),
            names.iter().position(|n| *n == to).unwrap(),
        );
        let ran = t.lifecycle_events[i..=j]
            .iter()
            .filter_map(|e| e.start_time.zip(e.end_time));
        let span = ran.fold(None, |acc: Option<(f64, f64)>, (s, e)| {
            Some(acc.map_or((s, e), |(a, b)| (a.min(s), b.max(e))))
        });
        if let Some((s, e)) = span.filter(|(s, e)| e > s) {
            edges.push((s, 1i32));
            edges.push((e, -1));
        }
    }
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut cur, mut max) = (0, 0);
    for (_, d) in edges {
        cur += d;
        max = max.max(cur);
    }
    max as usize
}

fn code(d: &DeploymentInfo) -> Option<&str> {
    d.error_information.as_ref().map(|e| e.code)
}

// ----- §6.1 options --------------------------------------------------------------------

#[test]
fn s6_1_copy_auto_scaling_group_creates_one_replacement_per_healthy_original() {
    let y = yaml(6, "CodeDeployDefault.AllAtOnce", BG).replace(
        "fleet: {instances: 6}",
        "fleet: {instances: 6, instanceHealth: {unhealthy: [1, 4]}}",
    );
    let r = common::run(&y, 1);
    let d = first(&r);
    assert_eq!(
        (blue(d).len(), green(d).len()),
        (6, 4),
        "4 healthy originals → 4 replacements"
    );
    assert_eq!(
        green(d)[0].target_id,
        "i-0006",
        "replacements are numbered after the originals"
    );
    assert_eq!(r.capacity[0].replacement_running, Some(4));
    assert_eq!(
        r.capacity[0].in_service, 4,
        "the unhealthy originals are not in service"
    );
}

#[test]
fn s6_1_discover_existing_takes_the_instances_the_scenario_lists() {
    let extra = "blueGreenDeploymentConfiguration:\n  greenFleetProvisioningOption: {action: DISCOVER_EXISTING, instances: 3}\n  terminateBlueInstancesOnDeploymentSuccess: {action: KEEP_ALIVE}\n";
    let r = common::run(&yaml(5, "CodeDeployDefault.AllAtOnce", extra), 1);
    let d = first(&r);
    assert_eq!((blue(d).len(), green(d).len()), (5, 3));
    assert_eq!(d.status, "Succeeded");
    let c = d.blue_green_deployment_configuration.as_ref().unwrap();
    assert_eq!(c.green_fleet_provisioning_option.action, "DISCOVER_EXISTING");
}

#[test]
fn s6_1_terminate_waits_then_terminates_the_originals_and_keep_alive_leaves_them_running() {
    let r = common::run(&yaml(4, "CodeDeployDefault.AllAtOnce", BG), 1);
    let d = first(&r);
    assert_eq!(d.status, "Succeeded");
    assert_eq!(d.instance_termination_wait_time_started, Some(true));
    let blocked = blue(d)
        .iter()
        .filter_map(|t| event(t, "AfterBlockTraffic").end_time)
        .fold(0.0, f64::max);
    assert_eq!(
        d.complete_time,
        blocked + 600.0,
        "succeeds when the originals are terminated"
    );
    let last = r.capacity.last().unwrap();
    assert_eq!(
        (last.time, last.original_running, last.replacement_running),
        (d.complete_time, Some(0), Some(4))
    );
    let wait = d
        .phases
        .iter()
        .find(|p| p.name == "terminationWait")
        .expect("a termination wait phase");
    assert_eq!(wait.end_time - wait.start_time, 600.0);

    let keep = "blueGreenDeploymentConfiguration:\n  terminateBlueInstancesOnDeploymentSuccess: {action: KEEP_ALIVE}\n";
    let r = common::run(&yaml(4, "CodeDeployDefault.AllAtOnce", keep), 1);
    let d = first(&r);
    assert_eq!(d.instance_termination_wait_time_started, Some(false));
    assert_eq!(
        d.complete_time, blocked,
        "KEEP_ALIVE succeeds once the originals are deregistered"
    );
    let last = r.capacity.last().unwrap();
    assert_eq!(last.original_running, Some(4), "the originals are left running");
    assert_eq!(last.in_service, 4);
    assert_eq!(last.on_new_revision, 4, "…and deregistered: only replacements serve");
}

#[test]
fn s6_1_stop_deployment_waits_in_ready_for_continue_deployment_and_is_stopped_when_the_wait_runs_out() {
    let wait = |after: &str| {
        format!(
            "blueGreenDeploymentConfiguration:\n  deploymentReadyOption: {{actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 30{after}}}\n"
        )
    };
    let r = common::run(
        &yaml(3, "CodeDeployDefault.AllAtOnce", &wait(", continueAfter: 12m")),
        1,
    );
    let d = first(&r);
    assert_eq!(d.status, "Succeeded");
    let ready = d.phases.iter().find(|p| p.name == "ready").expect("a ready phase");
    assert_eq!(
        ready.end_time - ready.start_time,
        720.0,
        "ContinueDeployment after 12 minutes"
    );
    for t in green(d) {
        assert_eq!(
            event(t, "BeforeAllowTraffic").start_time,
            Some(ready.end_time),
            "rerouting starts then"
        );
    }

    let r = common::run(&yaml(3, "CodeDeployDefault.AllAtOnce", &wait("")), 1);
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Stopped", Some("TIMEOUT")));
    let ready = d.phases.iter().find(|p| p.name == "ready").unwrap();
    assert_eq!(d.complete_time, ready.start_time + 1800.0);
    assert!(green(d).iter().all(|t| event(t, "AllowTraffic").status == "Skipped"));
    assert!(
        d.rollback_info
            .as_ref()
            .and_then(|i| i.rollback_deployment_id.as_ref())
            .is_none()
    );
}

// ----- §4.1 blue/green table ---------------------------------------------------------------

#[test]
fn s4_1_originals_run_the_block_trio_and_replacements_install_then_take_traffic() {
    let r = common::run(&yaml(2, "CodeDeployDefault.OneAtATime", BG), 1);
    let d = first(&r);
    for t in blue(d) {
        assert_eq!(names(t), ["BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic"]);
        assert_eq!(t.status, "Succeeded");
    }
    for t in green(d) {
        assert_eq!(
            names(t),
            [
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
        assert_eq!(
            event(t, "ApplicationStop").status,
            "Skipped",
            "a fresh instance has no previous revision to stop"
        );
    }
    // The originals are deregistered only after every replacement takes traffic.
    let rerouted = green(d)
        .iter()
        .filter_map(|t| event(t, "AfterAllowTraffic").end_time)
        .fold(0.0, f64::max);
    for t in blue(d) {
        assert!(event(t, "BeforeBlockTraffic").start_time >= Some(rerouted));
        let b = event(t, "BlockTraffic");
        assert_eq!(
            b.end_time.unwrap() - b.start_time.unwrap(),
            30.0,
            "the deregistration delay"
        );
    }
    assert_eq!(d.deployment_style.deployment_type, "BLUE_GREEN");
}

// ----- §3.1 on the replacement environment ------------------------------------------------

#[test]
fn s3_1_the_minimum_applies_to_the_replacement_environment() {
    let custom = |v: u32| format!("x\ndeploymentConfig: {{minimumHealthyHosts: {{type: HOST_COUNT, value: {v}}}}}");
    // HOST_COUNT 2 over 6 replacements: 4 install at once.
    let y = yaml(6, &custom(2), BG).replace("deploymentConfigName: x\n", "");
    let r = common::run(&y, 1);
    let d = first(&r);
    assert_eq!(d.status, "Succeeded");
    assert_eq!(max_overlap(&green(d), "DownloadBundle", "ValidateService"), 4);
    assert_eq!(r.metrics.capacity.as_ref().unwrap().max_in_flight_observed, 4);
    // HOST_COUNT 3 over 3 replacements: M ≥ R, nothing is deployed.
    let y = yaml(3, &custom(3), BG).replace("deploymentConfigName: x\n", "");
    let r = common::run(&y, 1);
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Failed", Some("HEALTH_CONSTRAINTS_INVALID")));
    assert!(d.targets.iter().all(|t| t.status == "Skipped"));
}

#[test]
fn s3_1_one_original_that_fails_to_deregister_fails_the_deployment() {
    let extra = format!("{BG}faults:\n  - hookFails: {{target: 1, event: BeforeBlockTraffic}}\n");
    let r = common::run(&yaml(4, "CodeDeployDefault.AllAtOnce", &extra), 1);
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Failed", Some("HEALTH_CONSTRAINTS")));
    assert_eq!(blue(d)[1].status, "Failed");
    assert_eq!(
        d.instance_termination_wait_time_started,
        Some(false),
        "no termination wait"
    );
    // An original that stopped cannot run its block events either (§3.3: five minutes).
    let extra = format!("{BG}faults:\n  - instanceStops: {{target: 0, at: 5s}}\n");
    let r = common::run(&yaml(2, "CodeDeployDefault.AllAtOnce", &extra), 1);
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Failed", Some("HEALTH_CONSTRAINTS")));
    let b = event(blue(d)[0], "BeforeBlockTraffic");
    assert_eq!(b.end_time.unwrap() - b.start_time.unwrap(), 300.0);
}

// ----- §2.2 rerouting rules ------------------------------------------------------------------

fn failing_health_checks(targets: &[u32]) -> String {
    let mut y = format!("{BG}faults:\n");
    for t in targets {
        y += &format!("  - failsHealthChecks: {{target: {t}}}\n");
    }
    y
}

#[test]
fn s2_2_all_at_once_reroutes_to_every_replacement_at_once_and_needs_one_success() {
    let r = common::run(
        &yaml(4, "CodeDeployDefault.AllAtOnce", &failing_health_checks(&[4, 5, 6])),
        1,
    );
    let d = first(&r);
    assert_eq!(max_overlap(&green(d), "BeforeAllowTraffic", "AfterAllowTraffic"), 4);
    assert_eq!(d.status, "Succeeded", "one replacement took traffic");
    assert_eq!(event(green(d)[0], "AllowTraffic").status, "Failed");
    let r = common::run(
        &yaml(4, "CodeDeployDefault.AllAtOnce", &failing_health_checks(&[4, 5, 6, 7])),
        1,
    );
    assert_eq!(
        (first(&r).status, code(first(&r))),
        ("Failed", Some("HEALTH_CONSTRAINTS"))
    );
}

#[test]
fn s2_2_half_at_a_time_reroutes_up_to_half_and_needs_half() {
    let r = common::run(&yaml(6, "CodeDeployDefault.HalfAtATime", BG), 1);
    let d = first(&r);
    assert_eq!(max_overlap(&green(d), "BeforeAllowTraffic", "AfterAllowTraffic"), 3);
    assert_eq!(d.status, "Succeeded");
    // Two of six fail: three must succeed, and the rest may go on.
    let r = common::run(
        &yaml(6, "CodeDeployDefault.HalfAtATime", &failing_health_checks(&[6, 7])),
        1,
    );
    assert_eq!(first(&r).status, "Succeeded");
    // Four of six fail: fewer than half can take traffic.
    let r = common::run(
        &yaml(
            6,
            "CodeDeployDefault.HalfAtATime",
            &failing_health_checks(&[6, 7, 8, 9]),
        ),
        1,
    );
    assert_eq!(
        (first(&r).status, code(first(&r))),
        ("Failed", Some("HEALTH_CONSTRAINTS"))
    );
}

#[test]
fn s2_2_one_at_a_time_fails_on_the_first_rerouting_failure_except_the_last() {
    let r = common::run(&yaml(4, "CodeDeployDefault.OneAtATime", BG), 1);
    assert_eq!(
        max_overlap(&green(first(&r)), "BeforeAllowTraffic", "AfterAllowTraffic"),
        1
    );
    let r = common::run(
        &yaml(4, "CodeDeployDefault.OneAtATime", &failing_health_checks(&[5])),
        1,
    );
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Failed", Some("HEALTH_CONSTRAINTS")));
    assert_eq!(green(d)[2].status, "Skipped", "nothing is rerouted after the failure");
    let r = common::run(
        &yaml(4, "CodeDeployDefault.OneAtATime", &failing_health_checks(&[7])),
        1,
    );
    assert_eq!(first(&r).status, "Succeeded", "the last replacement may fail");
}

// ----- §10 AllowTraffic -----------------------------------------------------------------------

#[test]
fn s10_allow_traffic_lasts_until_the_first_passed_health_check_and_fails_after_an_hour() {
    let r = common::run(&yaml(2, "CodeDeployDefault.AllAtOnce", &failing_health_checks(&[3])), 1);
    let d = first(&r);
    let ok = event(green(d)[0], "AllowTraffic");
    let (s, e) = (ok.start_time.unwrap(), ok.end_time.unwrap());
    // Probes every 10 s from 0; the first strictly after registration, answered in 5 ms.
    let expected = ((s / 10.0).floor() + 1.0) * 10.0 + 0.005;
    assert!(
        (e - expected).abs() < 1e-9,
        "AllowTraffic {s}–{e}, expected the end at {expected}"
    );
    let bad = event(green(d)[1], "AllowTraffic");
    assert_eq!(
        (bad.status, bad.end_time.unwrap() - bad.start_time.unwrap()),
        ("Failed", 3600.0)
    );
}

// ----- faults reach the replacements (§3.3) --------------------------------------------------

#[test]
fn s3_3_faults_reach_replacement_instances() {
    let extra = format!(
        "{BG}faults:\n  - hookFails: {{target: 3, event: ValidateService}}\n  - instanceStops: {{target: 4, at: 10s}}\n  - slowHook: {{target: 5, event: BeforeInstall, extra: 40s}}\n"
    );
    let r = common::run(&yaml(3, "CodeDeployDefault.AllAtOnce", &extra), 1);
    let d = first(&r);
    let g = green(d);
    assert_eq!(event(g[0], "ValidateService").status, "Failed");
    assert_eq!(g[0].status, "Failed");
    assert_eq!(g[1].status, "Failed", "the stopped replacement");
    let slow = event(g[2], "BeforeInstall");
    assert_eq!(slow.end_time.unwrap() - slow.start_time.unwrap(), 60.0);
    assert_eq!(d.status, "Succeeded", "AllAtOnce: one replacement is enough");
}

// ----- §7 alarms and §8 stop and rollback ---------------------------------------------------

#[test]
fn s7_alarms_are_watched_during_the_ready_wait() {
    let extra = "blueGreenDeploymentConfiguration:\n  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 60}\n\
        alarmConfiguration:\n  alarms:\n    - {name: errors, metric: injected, values: [{from: 0s, value: 0}, {from: 10m, value: 5}], threshold: 1}\n";
    let r = common::run(&yaml(2, "CodeDeployDefault.AllAtOnce", extra), 1);
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Stopped", Some("ALARM_ACTIVE")));
    let ready = d.phases.iter().find(|p| p.name == "ready").unwrap();
    assert_eq!(ready.end_time, d.complete_time, "stopped in the ready wait");
    assert_eq!(
        d.complete_time, 660.0,
        "the first poll after the alarm's evaluation at 11 minutes"
    );
}

fn rollback(r: &Report) -> &DeploymentInfo {
    r.deployments
        .iter()
        .find(|d| d.creator == "codeDeployRollback")
        .expect("a rollback deployment")
}

#[test]
fn s8_ec2_blue_green_rollback_reregisters_the_originals_and_deregisters_the_replacements() {
    let extra = "blueGreenDeploymentConfiguration:\n  terminateBlueInstancesOnDeploymentSuccess: {action: TERMINATE, terminationWaitTimeInMinutes: 60}\n\
        alarmConfiguration:\n  alarms:\n    - {name: errors, metric: injected, values: [{from: 0s, value: 0}, {from: 8m, value: 5}], threshold: 1}\n\
        autoRollbackConfiguration: {events: [DEPLOYMENT_STOP_ON_ALARM]}\n";
    let r = common::run(&yaml(3, "CodeDeployDefault.OneAtATime", extra), 1);
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Stopped", Some("ALARM_ACTIVE")));
    let wait = d
        .phases
        .iter()
        .find(|p| p.name == "terminationWait")
        .expect("stopped in the termination wait");
    assert_eq!(wait.end_time, d.complete_time);
    let rb = rollback(&r);
    assert_eq!(rb.create_time, d.complete_time);
    let info = d.rollback_info.as_ref().unwrap();
    assert_eq!(info.rollback_deployment_id.as_deref(), Some(rb.deployment_id.as_str()));
    assert_eq!(
        rb.rollback_info
            .as_ref()
            .unwrap()
            .rollback_triggering_deployment_id
            .as_deref(),
        Some(d.deployment_id.as_str())
    );
    assert_eq!(rb.status, "Succeeded");
    for t in blue(rb) {
        assert_eq!(names(t), ["BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"]);
        assert_eq!(t.status, "Succeeded");
    }
    let back = blue(rb)
        .iter()
        .filter_map(|t| event(t, "AllowTraffic").end_time)
        .fold(0.0, f64::max);
    for t in green(rb) {
        assert_eq!(names(t), ["BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic"]);
        assert!(
            event(t, "BlockTraffic").start_time >= Some(back),
            "the replacements leave only when the originals serve again"
        );
    }
    let last = r.capacity.last().unwrap();
    assert_eq!(last.time, rb.complete_time);
    assert_eq!(
        (
            last.in_service,
            last.on_new_revision,
            last.original_running,
            last.replacement_running
        ),
        (3, 0, Some(3), Some(0)),
        "all capacity on the originals; the copied fleet is terminated"
    );
    assert!(
        r.capacity.iter().all(|p| p.in_service >= 3),
        "capacity never dips below the fleet"
    );
}

#[test]
fn s8_stop_deployment_with_and_without_rollback() {
    let stop = |auto: bool| format!("{BG}stopDeployment: {{at: 40s, autoRollbackEnabled: {auto}}}\n");
    let r = common::run(&yaml(3, "CodeDeployDefault.OneAtATime", &stop(false)), 1);
    let d = first(&r);
    assert_eq!((d.status, code(d)), ("Stopped", Some("MANUAL_STOP")));
    assert_eq!(r.deployments.len(), 1);
    // §8 [I]: automatic rollback is off for the group, so there is no rollbackInfo.
    assert!(d.rollback_info.is_none(), "{:?}", d.rollback_info);
    // With it on for other events only, rollbackInfo says why this one was not rolled back.
    let failure_only = format!(
        "{}autoRollbackConfiguration: {{enabled: true, events: [DEPLOYMENT_FAILURE]}}\n",
        stop(false)
    );
    let other = common::run(&yaml(3, "CodeDeployDefault.OneAtATime", &failure_only), 1);
    assert_eq!(other.deployments.len(), 1);
    assert_eq!(
        first(&other)
            .rollback_info
            .as_ref()
            .and_then(|i| i.rollback_message.as_deref()),
        Some("Automatic rollback is not configured for this event.")
    );
    // No lifecycle event starts after the stop; the one running finishes.
    for t in &d.targets {
        for e in &t.lifecycle_events {
            assert!(
                e.start_time.is_none_or(|s| s <= 40.0),
                "{} {} after the stop",
                t.target_id,
                e.lifecycle_event_name
            );
        }
    }
    assert!(blue(d).iter().all(|t| t.status == "Skipped"));
    let r = common::run(&yaml(3, "CodeDeployDefault.OneAtATime", &stop(true)), 1);
    let rb = rollback(&r);
    assert_eq!(rb.status, "Succeeded");
    assert!(
        rb.targets.iter().all(|t| t.status == "Skipped"),
        "nothing was rerouted or deregistered yet: the rollback has nothing to move"
    );
    assert_eq!(
        r.capacity.last().unwrap().replacement_running,
        Some(0),
        "the copied fleet is terminated"
    );
}

// ----- report and metrics --------------------------------------------------------------------

#[test]
fn the_report_has_codedeploys_blue_green_fields_and_both_fleets_capacity() {
    let r = common::run(&yaml(2, "CodeDeployDefault.AllAtOnce", BG), 1);
    let v: serde_json::Value = serde_json::from_str(&cdsim::report::json::to_string(&r)).unwrap();
    let d = &v["deployments"][0];
    assert_eq!(d["deploymentStyle"]["deploymentType"], "BLUE_GREEN");
    assert_eq!(
        d["blueGreenDeploymentConfiguration"]["terminateBlueInstancesOnDeploymentSuccess"]["terminationWaitTimeInMinutes"],
        10
    );
    assert_eq!(d["instanceTerminationWaitTimeStarted"], true);
    assert_eq!(d["targets"][0]["instanceLabel"], "Blue");
    assert_eq!(d["targets"][2]["instanceLabel"], "Green");
    let p = &v["capacity"][0];
    for key in [
        "time",
        "inService",
        "onNewRevision",
        "originalRunning",
        "replacementRunning",
    ] {
        assert!(p.get(key).is_some(), "capacity point lacks {key}: {p}");
    }
    // Both fleets exist from 0 until the originals are terminated at the end: 2 extra
    // instances for the whole deployment.
    let end = first(&r).complete_time;
    let extra = r.metrics.capacity.as_ref().unwrap().extra_instance_minutes.unwrap();
    assert!(
        (extra - (2.0 * end / 60.0 * 100.0).round() / 100.0).abs() < 0.011,
        "{extra} vs {end} s"
    );
}

// ----- validation -----------------------------------------------------------------------------

#[test]
fn s6_1_limits_and_fleet_rules_are_validated_with_located_errors() {
    let y = "name: bad\ndeploymentConfigName: CodeDeployDefault.AllAtOnce\nfleet: {instances: 2, firstDeployment: true}\n\
blueGreenDeploymentConfiguration:\n\
\x20 greenFleetProvisioningOption: {action: DISCOVER_EXISTING}\n\
\x20 deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 3000}\n\
\x20 terminateBlueInstancesOnDeploymentSuccess: {action: KEEP_ALIVE, terminationWaitTimeInMinutes: 5}\n\
hooks:\n  ApplicationStop: [{location: stop.sh}]\n  BeforeBlockTraffic: [{location: drain.sh}]\n\
faults:\n  - failsHealthChecks: {target: 1}\n  - hookFails: {target: 0, event: ApplicationStop}\n";
    let p = scenario::load_str(y, "bad.yaml").expect_err("invalid");
    let text = p.to_string();
    let expect = [
        "bad.yaml:5:3: an EC2 blue/green deployment needs a loadBalancer",
        "bad.yaml:3:20: firstDeployment does not apply to blue/green",
        "bad.yaml:5:33: DISCOVER_EXISTING needs instances",
        "bad.yaml:6:80: waitTimeInMinutes must be between 0 and 2880, found 3000",
        "bad.yaml:7:97: terminationWaitTimeInMinutes applies to TERMINATE",
    ];
    for e in expect {
        assert!(text.contains(e), "expected {e:?} in:\n{text}");
    }
    // With the fleet sized, faults are checked against the fleet each instance is in.
    let y = yaml(2, "CodeDeployDefault.AllAtOnce", BG)
        .replace("hooks:\n", "hooks:\n  ApplicationStop: [{location: stop.sh}]\n")
        + "faults:\n  - failsHealthChecks: {target: 1}\n  - hookFails: {target: 2, event: ApplicationStop}\n  - hookFails: {target: 0, event: ValidateService}\n  - instanceStops: {target: 4, at: 1s}\n";
    let text = scenario::load_str(&y, "bad.yaml").expect_err("invalid").to_string();
    for e in [
        "instance 1 is an original instance (0–1): only replacements (2–3) run the new revision",
        "ApplicationStop does not run on instance 2, a replacement instance",
        "ValidateService does not run on instance 0, an original instance",
        "target (instance number) must be between 0 and 3, found 4",
    ] {
        assert!(text.contains(e), "expected {e:?} in:\n{text}");
    }
    // Zonal configurations are for in-place deployments (§2.6).
    let y = yaml(3, "x", BG).replace(
        "deploymentConfigName: x",
        "deploymentConfig: {minimumHealthyHosts: {type: HOST_COUNT, value: 1}, zonalConfig: {monitorDurationInSeconds: 60}}",
    );
    let text = scenario::load_str(&y, "bad.yaml").expect_err("invalid").to_string();
    assert!(
        text.contains("zonal configurations apply only to in-place deployments"),
        "{text}"
    );
}

#[test]
fn ec2_blue_green_scenarios_are_deterministic_and_depend_on_the_seed() {
    let y = yaml(5, "CodeDeployDefault.HalfAtATime", BG)
        .replace("duration: 20s", "duration: {lognormal: {median: 20s, sigma: 0.5}}");
    let a = cdsim::report::json::to_string(&common::run(&y, 3));
    assert_eq!(
        a,
        cdsim::report::json::to_string(&common::run(&y, 3)),
        "same seed, same bytes"
    );
    let b = cdsim::report::json::to_string(&common::run(&y, 4));
    assert_ne!(
        a.replace("\"seed\": 3", ""),
        b.replace("\"seed\": 4", ""),
        "another seed, other durations"
    );
}

#[test]
fn the_schema_covers_blue_green_deployment_configuration() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .arg("schema")
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    for key in [
        "blueGreenDeploymentConfiguration",
        "greenFleetProvisioningOption",
        "terminateBlueInstancesOnDeploymentSuccess",
        "terminationWaitTimeInMinutes",
    ] {
        assert!(text.contains(key), "the schema lacks {key}");
    }
}
