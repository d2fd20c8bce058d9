//! Deployment histories on an in-place group: the group carries each instance's revision
//! and health from one deployment to the next (§3.1), ApplicationStop runs the scripts of
//! the revision last deployed successfully to the instance (§4.1), a rollback redeploys the
//! group's last successful revision (§8), and a request made while a deployment is active is
//! refused (§11).

use cdsim::report::{DeploymentInfo, Report, json};
use cdsim::scenario;

use crate::common;

/// Four instances without a load balancer, OneAtATime: instances start one by one, so the
/// order in which a deployment visits them is its start times' order.
const GROUP: &str = "
name: history
deploymentConfigName: CodeDeployDefault.OneAtATime
fleet: {instances: 4}
hooks:
  ApplicationStop: [{location: stop-v1.sh, duration: 7s}]
  BeforeInstall: [{location: install.sh, duration: 20s}]
";

fn example(name: &str) -> String {
    std::fs::read_to_string(common::example(&format!("{name}.yaml"))).expect("an example scenario")
}

fn history(rest: &str) -> Report {
    common::run(&format!("{GROUP}{rest}"), 1)
}

/// When `event` started on each target of `d` (`None`: it did not run).
fn starts(d: &DeploymentInfo, event: &str) -> Vec<Option<f64>> {
    d.targets
        .each()
        .map(|t| {
            t.lifecycle_events
                .iter()
                .find(|e| e.lifecycle_event_name == event)
                .and_then(|e| e.start_time)
        })
        .collect()
}

/// The targets of `d` in the order it started them.
fn visit_order(d: &DeploymentInfo) -> Vec<usize> {
    let s = starts(d, "DownloadBundle");
    let mut order: Vec<usize> = (0..s.len()).filter(|&i| s[i].is_some()).collect();
    order.sort_by(|&a, &b| s[a].partial_cmp(&s[b]).unwrap().then(a.cmp(&b)));
    order
}

/// How long `event` took on each target of `d`.
fn durations(d: &DeploymentInfo, event: &str) -> Vec<Option<f64>> {
    d.targets
        .each()
        .map(|t| {
            let e = t.lifecycle_events.iter().find(|e| e.lifecycle_event_name == event)?;
            Some(e.end_time? - e.start_time?)
        })
        .collect()
}

#[test]
fn s3_1_an_instance_that_failed_the_last_deployment_is_deployed_to_first_and_current_ones_last() {
    // v1 fails on i-0003, the last instance visited, and so succeeds overall (§3.1: under
    // OneAtATime the last instance may fail).
    let r = history(
        "
history:
  - revision: v1
    faults: [{hookFails: {target: 3, event: BeforeInstall}}]
  - revision: v1
    at: 1h
",
    );
    assert_eq!(r.deployments[0].status, "Succeeded");
    assert_eq!(visit_order(&r.deployments[0]), [0, 1, 2, 3]);
    // §3.1: Unhealthy (i-0003, its last attempt failed) first, then Current (the others
    // already run v1).
    assert_eq!(r.deployments[1].status, "Succeeded");
    assert_eq!(visit_order(&r.deployments[1]), [3, 0, 1, 2]);
}

#[test]
fn s3_1_old_instances_come_before_current_ones() {
    // v1 reaches i-0000 and i-0001 only, then is stopped without a rollback; v1 again: the
    // two on v1 are Current, the two still on the revision before are Old and go first.
    let r = history(
        "
history:
  - revision: v1
    stopDeployment: {at: 70s, autoRollbackEnabled: false}
  - revision: v1
    at: 1h
",
    );
    assert_eq!(r.deployments[0].status, "Stopped");
    assert_eq!(r.deployments[0].deployment_overview.succeeded, 2);
    assert_eq!(visit_order(&r.deployments[1]), [2, 3, 0, 1]);
}

#[test]
fn s4_1_application_stop_runs_the_last_successful_revisions_scripts() {
    let r = history(
        "
  - revision: v2
    at: 1h
    hooks:
      ApplicationStop: [{location: stop-v2.sh, duration: 30s}]
      BeforeInstall: [{location: install.sh, duration: 20s}]
  - revision: v3
    at: 2h
    hooks:
      ApplicationStop: [{location: stop-v3.sh, duration: 50s}]
      BeforeInstall: [{location: install.sh, duration: 20s}]
"
        .replace("  - revision: v2", "history:\n  - revision: v1\n  - revision: v2")
        .as_str(),
    );
    // v1 over the revision before (the top-level hooks): 7s; v2 over v1: v1's 7s; v3 over
    // v2: v2's 30s. v3's own 50s never runs.
    for (d, secs) in r.deployments.iter().zip([7.0, 7.0, 30.0]) {
        assert_eq!(
            durations(d, "ApplicationStop"),
            vec![Some(secs); 4],
            "{}",
            d.deployment_id
        );
    }
}

#[test]
fn s4_1_application_stop_does_nothing_on_an_instance_that_never_had_a_revision() {
    // A first deployment: v1 fails on i-0003 (the last, so v1 succeeds). On v2, i-0003 has
    // still never had a revision deployed successfully: its ApplicationStop is Skipped, the
    // others run v1's.
    let yaml = format!(
        "{}\n",
        GROUP.replace("fleet: {instances: 4}", "fleet: {instances: 4, firstDeployment: true}")
    ) + "
history:
  - revision: v1
    faults: [{hookFails: {target: 3, event: BeforeInstall}}]
  - revision: v2
    at: 1h
";
    let r = common::run(&yaml, 1);
    let skipped = |d: &DeploymentInfo| -> Vec<&str> {
        d.targets
            .each()
            .map(|t| {
                t.lifecycle_events
                    .iter()
                    .find(|e| e.lifecycle_event_name == "ApplicationStop")
                    .map(|e| e.status)
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(skipped(&r.deployments[0]), ["Skipped"; 4]);
    assert_eq!(
        skipped(&r.deployments[1]),
        ["Succeeded", "Succeeded", "Succeeded", "Skipped"]
    );
}

/// The script each target's ApplicationStop names in its diagnostics (`None`: it did not run).
fn stop_scripts(d: &DeploymentInfo) -> Vec<Option<String>> {
    d.targets
        .each()
        .map(|t| {
            let e = t
                .lifecycle_events
                .iter()
                .find(|e| e.lifecycle_event_name == "ApplicationStop")?;
            e.diagnostics.as_ref()?.script_name.as_deref().map(str::to_string)
        })
        .collect()
}

#[test]
fn s4_1_application_stop_names_the_script_it_ran_the_last_successful_revisions() {
    // v2 fails on i-0003 (the last instance, so v2 succeeds under OneAtATime): on v3, i-0003
    // last succeeded with v1 and the others with v2. Each ApplicationStop names the script
    // it ran (§4.1), not the deploying revision's.
    let r = history(
        "
history:
  - revision: v1
  - revision: v2
    at: 1h
    hooks:
      ApplicationStop: [{location: stop-v2.sh, duration: 30s}]
      BeforeInstall: [{location: install.sh, duration: 20s}]
    faults: [{hookFails: {target: 3, event: BeforeInstall}}]
  - revision: v3
    at: 2h
    hooks:
      ApplicationStop: [{location: stop-v3.sh, duration: 50s}]
      BeforeInstall: [{location: install.sh, duration: 20s}]
",
    );
    let named = |s: &[&str]| s.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
    assert_eq!(stop_scripts(&r.deployments[1]), named(&["stop-v1.sh"; 4]));
    assert_eq!(
        stop_scripts(&r.deployments[2]),
        named(&["stop-v2.sh", "stop-v2.sh", "stop-v2.sh", "stop-v1.sh"])
    );
    // The durations agree: v2's 30s, v1's 7s on i-0003.
    assert_eq!(
        durations(&r.deployments[2], "ApplicationStop"),
        [Some(30.0), Some(30.0), Some(30.0), Some(7.0)]
    );
    // The JSON (written straight from the records) names the same scripts.
    let j = json::to_string(&r);
    let v3 = &j[j.find("\"d-SIMULATED3\"").expect("v3's deployment")..];
    let names: Vec<&str> = v3
        .match_indices("\"scriptName\": \"stop-")
        .map(|(i, _)| &v3[i + 15..i + 25])
        .collect();
    assert_eq!(names, ["stop-v2.sh", "stop-v2.sh", "stop-v2.sh", "stop-v1.sh"]);
    assert!(!j.contains("stop-v3.sh"), "v3's own ApplicationStop never ran");
}

#[test]
fn s8_a_rollback_redeploys_the_last_successful_revision_several_deployments_back() {
    // v1 succeeds; v2 is stopped without a rollback; v3 fails and is rolled back: to v1,
    // the group's last successful revision, two deployments back.
    let r = history(
        "
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}
history:
  - revision: v1
  - revision: v2
    at: 1h
    stopDeployment: {at: 70s, autoRollbackEnabled: false}
  - revision: v3
    at: 2h
    faults: [{hookFails: {target: 1, event: BeforeInstall}}]
",
    );
    let names: Vec<(&str, &str, &str)> = r
        .deployments
        .iter()
        .map(|d| (d.revision_name.as_deref().unwrap(), d.creator, d.status))
        .collect();
    assert_eq!(
        names,
        [
            ("v1", "user", "Succeeded"),
            ("v2", "user", "Stopped"),
            ("v3", "user", "Failed"),
            ("v1", "codeDeployRollback", "Succeeded"),
        ]
    );
    let failed = r.deployments[2].rollback_info.as_ref().unwrap();
    assert_eq!(failed.rollback_deployment_id.as_deref(), Some("d-SIMULATED4"));
    let rb = r.deployments[3].rollback_info.as_ref().unwrap();
    assert_eq!(rb.rollback_triggering_deployment_id.as_deref(), Some("d-SIMULATED3"));
}

#[test]
fn s8_a_group_that_never_succeeded_cannot_be_rolled_back() {
    let yaml = GROUP.replace("fleet: {instances: 4}", "fleet: {instances: 4, firstDeployment: true}")
        + "
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}
history:
  - revision: v1
    faults:
      - hookFails: {target: 0, event: BeforeInstall}
      - hookFails: {target: 1, event: BeforeInstall}
";
    let r = common::run(&yaml, 1);
    assert_eq!(r.deployments[0].status, "Failed");
    assert_eq!(r.deployments.len(), 1);
    let message = r.deployments[0]
        .rollback_info
        .as_ref()
        .unwrap()
        .rollback_message
        .as_deref();
    assert!(
        message.unwrap().contains("no earlier successful revision"),
        "{message:?}"
    );
}

#[test]
fn s11_a_request_while_a_deployment_is_active_is_refused_and_recorded() {
    let r = history(
        "
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}
history:
  - revision: v1
  - revision: v2
    at: 30s
  - revision: v3
    at: 1h
    faults: [{hookFails: {target: 0, event: BeforeInstall}}]
  - revision: v4
    at: 3630s
",
    );
    // v2 comes while v1 runs; v4 while v3's rollback runs (a rollback is a deployment of
    // the group too).
    let refused: Vec<(f64, &str, &str, &str)> = r
        .refused_requests
        .iter()
        .map(|x| (x.time, x.revision_name.as_str(), x.error_code, x.message.as_str()))
        .collect();
    assert_eq!(r.deployments.len(), 3, "v1, v3 and v3's rollback");
    let active = r.deployments[2].clone();
    assert_eq!(active.creator, "codeDeployRollback");
    assert!(
        active.create_time <= 3630.0 && active.complete_time > 3630.0,
        "the rollback was active at 3630 s"
    );
    assert_eq!(
        refused,
        [
            (
                30.0,
                "v2",
                "DeploymentLimitExceededException",
                "The Deployment Group 'history' already has an active Deployment 'd-SIMULATED1'"
            ),
            (
                3630.0,
                "v4",
                "DeploymentLimitExceededException",
                "The Deployment Group 'history' already has an active Deployment 'd-SIMULATED3'"
            ),
        ]
    );
    let j = json::to_string(&r);
    assert!(j.contains("\"refusedRequests\""), "{j}");
}

#[test]
fn a_history_gives_the_same_bytes_twice_and_changes_with_the_seed() {
    let yaml = example("release-train");
    let sc = common::scenario(&yaml);
    let a = json::to_string(&cdsim::simulation::simulate(&sc, 7));
    let b = json::to_string(&cdsim::simulation::simulate(&sc, 7));
    assert_eq!(a, b);
    let c = json::to_string(&cdsim::simulation::simulate(&sc, 8));
    assert_ne!(a, c, "lognormal install times depend on the seed");
}

#[test]
fn a_history_of_one_request_at_0s_is_the_plain_scenario() {
    let plain = example("in-place-rollback");
    let faults_at = plain.find("faults:").unwrap();
    let rollback_at = plain.find("autoRollbackConfiguration:").unwrap();
    let faults = &plain[faults_at + "faults:".len()..rollback_at];
    let as_history = format!(
        "{}{}history:\n  - revision: v2\n    faults:{}",
        &plain[..faults_at],
        &plain[rollback_at..],
        faults.replace("\n  -", "\n      -")
    );
    // The deployments are the same (their revision's name aside); the figures of a history
    // cover all of it, those of a single deployment its first deployment.
    let deployments = |j: String, drop: &str| -> String {
        j[..j.find("\"metrics\"").unwrap()]
            .lines()
            .filter(|l| !l.contains(drop))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = deployments(json::to_string(&common::run(&plain, 3)), "\"revisionName\"");
    let b = deployments(json::to_string(&common::run(&as_history, 3)), "\"revisionName\"");
    assert_eq!(a, b);
}

#[test]
fn a_history_is_refused_where_it_does_not_apply() {
    let problems = |yaml: &str| -> String {
        match scenario::load_str(yaml, "h.yaml") {
            Ok(_) => panic!("accepted:\n{yaml}"),
            Err(p) => p.to_string(),
        }
    };
    let p = problems(&format!(
        "{GROUP}faults: [{{hookFails: {{target: 0, event: BeforeInstall}}}}]\nhistory: [{{revision: v1}}]\n"
    ));
    assert!(p.contains("give faults in the deployment request"), "{p}");
    let p = problems(&format!(
        "{GROUP}history: [{{revision: v1, at: 1h}}, {{revision: v2, at: 30m}}]\n"
    ));
    assert!(p.contains("h.yaml:") && p.contains("in time order"), "{p}");
    let p = problems(&format!(
        "{GROUP}history:\n  - {{revision: v1}}\n  - {{revision: v1, at: 1h, hooks: {{BeforeInstall: [{{location: x.sh}}]}}}}\n"
    ));
    assert!(p.contains("revision v1 was named before"), "{p}");
    let p = problems(&format!(
        "{GROUP}history:\n  - {{revision: v1, at: 10m, faults: [{{instanceStops: {{target: 1, at: 5m}}}}]}}\n"
    ));
    assert!(p.contains("stops at 300s, before this request at 600s"), "{p}");
    // An EC2 blue/green history keeps one fleet size: six discovered replacements for four
    // originals are refused where the configuration is written.
    let p = problems(&example("ec2-blue-green-ready-wait").replace("name:", "history: [{revision: v1}]\nname:"));
    assert!(
        p.contains("h.yaml:") && p.contains("as many instances as the original fleet (4), found 6"),
        "{p}"
    );
}

#[test]
fn the_release_train_rolls_v3_back_to_v2_and_each_stop_runs_the_revision_before() {
    let r = common::run(&example("release-train"), 1);
    let story: Vec<(&str, &str, &str)> = r
        .deployments
        .iter()
        .map(|d| (d.revision_name.as_deref().unwrap(), d.creator, d.status))
        .collect();
    assert_eq!(
        story,
        [
            ("v1", "user", "Succeeded"),
            ("v2", "user", "Succeeded"),
            ("v3", "user", "Failed"),
            ("v2", "codeDeployRollback", "Succeeded"),
        ]
    );
    // §4.1: ApplicationStop runs stop.sh (3 s, the revision before v1 and v1 itself) until v2
    // has succeeded, then v2's stop-v2.sh (8 s): in v3 on every instance it reaches, and in
    // the rollback on every instance, since all last succeeded with v2.
    let stops = |k: usize| -> Vec<Option<f64>> { durations(&r.deployments[k], "ApplicationStop") };
    assert_eq!(stops(0), vec![Some(3.0); 6]);
    assert_eq!(stops(1), vec![Some(3.0); 6]);
    assert_eq!(stops(2), [Some(8.0), Some(8.0), Some(8.0), None, None, None]);
    assert_eq!(stops(3), vec![Some(8.0); 6]);
}

#[test]
fn the_refused_redeploy_example_records_one_refusal() {
    let r = common::run(&example("redeploy-refused"), 1);
    assert_eq!(r.deployments.len(), 2);
    assert_eq!(r.refused_requests.len(), 1);
    assert_eq!(r.refused_requests[0].time, 180.0);
    // §3.1: the second v2 finds every instance Current; they go in instance order.
    assert_eq!(visit_order(&r.deployments[1]), [0, 1, 2, 3]);
}

#[test]
fn compare_records_a_history_as_a_whole() {
    // v3 fails under every configuration here; AllAtOnce (M = 0) still succeeds with three
    // of six, OneAtATime fails at the first failure and rolls back.
    let out = common::cdsim(&[
        "compare",
        &common::example("release-train.yaml"),
        "--runs",
        "3",
        "--config",
        "CodeDeployDefault.OneAtATime",
        "--config",
        "CodeDeployDefault.AllAtOnce",
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let one = &text[text.find("\"CodeDeployDefault.OneAtATime\"").unwrap()..];
    let all = &text[text.find("\"CodeDeployDefault.AllAtOnce\"").unwrap()..];
    assert!(
        one.contains("\"succeeded\": 0,") && one.contains("\"rolledBack\": 3,"),
        "{one}"
    );
    assert!(
        all.contains("\"succeeded\": 3,") && all.contains("\"rolledBack\": 0,"),
        "{all}"
    );
}

#[test]
fn serve_refuses_a_history_whose_requests_its_clients_make() {
    let out = common::cdsim(&["serve", "--scenario", &common::example("release-train.yaml")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("release-train.yaml:1:1: a scenario with a history cannot back"),
        "{err}"
    );
}

#[test]
fn alarms_dry_run_places_the_recorded_alarms_at_the_historys_start() {
    // The recorded 5xx alarm is in ALARM from five minutes after --at on: v1 (at 0 s) runs,
    // v2 (at 5 min) finds it in ALARM and is stopped at once (§7.1).
    let out = common::cdsim(&[
        "alarms",
        "dry-run",
        &common::example("release-train.yaml"),
        "--alarms",
        "tests/fixtures/cloudwatch/checkout-alarms.json",
        "--metrics",
        "tests/fixtures/cloudwatch/checkout-metrics.json",
        "--at",
        "2026-03-03T10:58:00Z",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "dry run at 2026-03-03T10:58:00Z: CodeDeploy would have stopped the deployment d-SIMULATED2 (v2) at \
             poll 0 (300 s after the history's start, 2026-03-03T11:03:00Z)"
        ),
        "{text}"
    );
}
