//! Deployment histories on ECS and Lambda groups: each deployment shifts traffic from the
//! revision serving to the one requested (§6.2, §6.3), a rollback reroutes traffic back to
//! the task set or version that was serving before (§8), a request made while a deployment
//! is active is refused (§11), and ContinueDeployment calls are answered as the API answers
//! them (API:ContinueDeployment, §6.1, §6.2).

use cdsim::report::{DeploymentInfo, Report, json};

use crate::common::{self, problems, story};

fn example(name: &str) -> String {
    common::example_text(name)
}

fn shifts(d: &DeploymentInfo) -> Vec<(f64, u32)> {
    d.traffic_shifts
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| (s.time, s.percent))
        .collect()
}

/// An ECS service of two tasks, all at once, rerouting after a ready wait of 30 minutes,
/// the original task set kept 10 minutes.
const ECS: &str = "
name: ecs-history
computePlatform: ECS
deploymentConfigName: CodeDeployDefault.ECSAllAtOnce
ecsService:
  tasks: 2
  taskStartup: 20s
  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 30}
  terminationWaitTimeInMinutes: 10
hookFunctions:
  AfterAllowTraffic: {function: post, duration: 30s}
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}
";

/// A Lambda alias from version 1, all at once.
const LAMBDA: &str = "
name: lambda-history
computePlatform: Lambda
deploymentConfigName: CodeDeployDefault.LambdaAllAtOnce
lambdaFunction: {functionName: f, alias: live, currentVersion: '1', targetVersion: '2'}
hookFunctions:
  AfterAllowTraffic: {function: post, duration: 30s}
";

fn run(group: &str, history: &str) -> Report {
    common::run(&format!("{group}{history}"), 1)
}

#[test]
fn s8_ecs_a_failed_deployment_is_rerouted_to_the_task_set_serving_before() {
    let r = common::run(&example("ecs-release-train"), 1);
    assert_eq!(
        story(&r),
        [
            ("v1", "user", "Succeeded"),
            ("v2", "user", "Succeeded"),
            ("v3", "user", "Failed"),
            ("v2", "codeDeployRollback", "Succeeded"),
        ]
    );
    // §8: all production traffic had moved to v3; the rollback puts it back on v2's task set
    // at the instant v3 fails.
    let v3 = &r.deployments[2];
    assert_eq!(shifts(v3).last(), Some(&(v3.complete_time, 0)));
    assert_eq!(r.deployments[3].create_time, v3.complete_time);
    // §6.2: each deployment starts after the one before, whose replacement is now primary.
    let sets = r.deployments[0].targets[0].task_sets_info.as_ref().unwrap();
    assert_eq!(
        sets.iter().map(|s| (s.task_set_label, s.status)).collect::<Vec<_>>(),
        [("Blue", "DRAINING"), ("Green", "PRIMARY")]
    );
}

#[test]
fn s6_3_lambda_each_deployment_shifts_from_the_version_the_alias_points_at() {
    let r = common::run(&example("lambda-release-train"), 1);
    let versions: Vec<(&str, &str, f64)> = r
        .deployments
        .iter()
        .map(|d| {
            let f = d.targets[0].lambda_function_info.as_ref().unwrap();
            (
                f.current_version.as_str(),
                f.target_version.as_str(),
                f.target_version_weight,
            )
        })
        .collect();
    // 2 → 3 succeeds; 4 shifts from 3 and fails; the rollback points the alias back at 3.
    assert_eq!(versions, [("2", "3", 1.0), ("3", "4", 0.0), ("4", "3", 1.0)]);
    assert_eq!(
        story(&r),
        [
            ("3", "user", "Succeeded"),
            ("4", "user", "Failed"),
            ("3", "codeDeployRollback", "Succeeded")
        ]
    );
}

#[test]
fn s11_a_request_while_a_deployment_is_active_is_refused_and_recorded() {
    let r = common::run(&example("lambda-release-train"), 1);
    assert_eq!(r.refused_requests.len(), 1);
    let x = &r.refused_requests[0];
    assert_eq!((x.time, x.operation, x.revision_name.as_str()), (300.0, None, "4"));
    assert_eq!(x.error_code, "DeploymentLimitExceededException");
    assert_eq!(
        x.message,
        "The Deployment Group 'lambda-release-train' already has an active Deployment 'd-SIMULATED1'"
    );
    // A request at the instant the deployment ends runs.
    let end = run(LAMBDA, "history: [{revision: '2'}]\n").deployments[0].complete_time;
    let r = run(
        LAMBDA,
        &format!("history: [{{revision: '2'}}, {{revision: '3', at: {end}s}}]\n"),
    );
    assert!(r.refused_requests.is_empty());
    assert_eq!(r.deployments[1].create_time, end);
}

#[test]
fn continue_deployment_before_the_ready_wait_is_refused_and_a_later_one_reroutes() {
    // Install ends at about 30 s (20 s start, then the first health check); the wait follows.
    let r = run(
        ECS,
        "history:\n  - revision: v2\n    continueDeployment: [{at: 10s}, {at: 5m}, {at: 6m}]\n",
    );
    let d = &r.deployments[0];
    assert_eq!(d.status, "Succeeded");
    // API:ContinueDeployment: not in Ready at 10 s; at 5 m rerouting starts (§6.2).
    assert_eq!(shifts(d), [(300.0, 100)]);
    let refused: Vec<(f64, &str, &str)> = r
        .refused_requests
        .iter()
        .map(|x| (x.time, x.operation.unwrap(), x.error_code))
        .collect();
    assert_eq!(
        refused,
        [
            (10.0, "ContinueDeployment", "DeploymentIsNotInReadyStateException"),
            (360.0, "ContinueDeployment", "DeploymentIsNotInReadyStateException"),
        ]
    );
    assert_eq!(
        r.refused_requests[0].message,
        "The deployment d-SIMULATED1 is not in the Ready state"
    );
}

#[test]
fn s6_2_continue_deployment_with_termination_wait_removes_the_original_now() {
    let r = run(
        ECS,
        "history:\n  - revision: v2\n    continueDeployment: [{at: 1m}, {at: 4m, deploymentWaitType: \
         TERMINATION_WAIT}]\n",
    );
    let d = &r.deployments[0];
    // Rerouted at 60 s, AfterAllowTraffic 30 s: the termination wait runs from 90 s; the
    // call at 240 s ends it (instead of at 690 s).
    assert_eq!((d.status, d.complete_time), ("Succeeded", 240.0));
    assert!(r.refused_requests.is_empty());
    // Made after the deployment ended, the call is DeploymentAlreadyCompletedException; one
    // with TERMINATION_WAIT during the ready wait is not in that wait.
    let r = run(
        ECS,
        "history:\n  - revision: v2\n    continueDeployment: [{at: 50s, deploymentWaitType: TERMINATION_WAIT}, \
         {at: 1m}, {at: 1h}]\n",
    );
    let codes: Vec<(f64, &str, &str)> = r
        .refused_requests
        .iter()
        .map(|x| (x.time, x.error_code, x.message.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (
                50.0,
                "DeploymentIsNotInReadyStateException",
                "The deployment d-SIMULATED1 is not in the termination wait"
            ),
            (
                3600.0,
                "DeploymentAlreadyCompletedException",
                "The deployment d-SIMULATED1 is already completed"
            ),
        ]
    );
}

#[test]
fn a_lambda_deployment_has_no_wait_to_continue() {
    let r = run(
        LAMBDA,
        "history:\n  - revision: '2'\n    continueDeployment: [{at: 5s}]\n",
    );
    assert_eq!(r.deployments[0].status, "Succeeded");
    assert_eq!(r.refused_requests[0].error_code, "DeploymentIsNotInReadyStateException");
}

#[test]
fn a_failure_without_rollback_after_all_traffic_moved_leaves_the_new_revision_serving() {
    // [I] v2's AfterAllowTraffic fails with all traffic on it and no rollback: its task
    // set stays primary, so v3 shifts from v2, and v3's rollback reroutes to v2.
    let group = ECS.replace("autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}\n", "");
    let r = run(
        &group,
        "history:
  - revision: v2
    hookFunctions: {AfterAllowTraffic: {function: post, failureProbability: 1}}
    continueDeployment: [{at: 1m}]
  - revision: v3
    at: 1h
    hookFunctions: {AfterAllowTraffic: {function: post, failureProbability: 1}}
    continueDeployment: [{at: 1m}]
    stopDeployment: {at: 70s, autoRollbackEnabled: true}
",
    );
    assert_eq!(
        story(&r),
        [
            ("v2", "user", "Failed"),
            ("v3", "user", "Stopped"),
            ("v2", "codeDeployRollback", "Succeeded"),
        ]
    );
}

/// The deployments of a report's JSON, and its traffic series, without the revision's name
/// (which only a history gives).
fn deployments_and_traffic(r: &Report) -> String {
    let j = json::to_string(r);
    let text = j[j.find("\"deployments\"").unwrap()..j.find("\"metrics\"").unwrap()].to_string()
        + &j[j.find("\"traffic\"").unwrap()..];
    text.lines()
        .filter(|l| !l.contains("\"revisionName\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_history_of_one_request_at_0s_is_the_plain_scenario() {
    for (name, revision) in [("ecs-canary", "v2"), ("lambda-canary", "'8'")] {
        let plain = example(name);
        let as_history = format!("{plain}history: [{{revision: {revision}}}]\n");
        let a = common::run(&plain, 3);
        let b = common::run(&as_history, 3);
        assert_eq!(deployments_and_traffic(&a), deployments_and_traffic(&b), "{name}");
        assert_eq!(
            format!("{:?}", a.metrics.availability),
            format!("{:?}", b.metrics.availability),
            "{name}"
        );
    }
}

#[test]
fn a_history_gives_the_same_bytes_twice_and_changes_with_the_seed() {
    for name in ["ecs-release-train", "lambda-release-train", "ec2-release-train"] {
        let sc = common::scenario(&example(name));
        let a = json::to_string(&cdsim::simulation::simulate(&sc, 7));
        assert_eq!(a, json::to_string(&cdsim::simulation::simulate(&sc, 7)), "{name}");
        assert_ne!(
            a,
            json::to_string(&cdsim::simulation::simulate(&sc, 8)),
            "{name}: the requests drawn depend on the seed"
        );
    }
}

#[test]
fn a_history_is_refused_where_its_fields_do_not_apply() {
    let p = problems(&format!(
        "{}history: [{{revision: v2}}]\n",
        ECS.replace("waitTimeInMinutes: 30}", "waitTimeInMinutes: 30, continueAfter: 5m}")
    ));
    assert!(
        p.contains("h.yaml:") && p.contains("give ContinueDeployment calls in the deployment request"),
        "{p}"
    );
    let p = problems(&format!(
        "{ECS}history: [{{revision: v2, hooks: {{BeforeInstall: [{{location: x.sh}}]}}}}]\n"
    ));
    assert!(p.contains("an ECS or Lambda revision gives hookFunctions"), "{p}");
    let p = problems(&format!("{LAMBDA}history: [{{revision: '3'}}]\n"));
    assert!(
        p.contains("targetVersion is the version the first request deploys (3), found \"2\""),
        "{p}"
    );
    let p = problems(&format!(
        "{LAMBDA}history: [{{revision: '2'}}, {{revision: $LATEST, at: 1h}}]\n"
    ));
    assert!(p.contains("a Lambda revision is a published version"), "{p}");
    let p = problems(&format!(
        "{LAMBDA}history: [{{revision: '2', faults: [{{replacementTasksUnhealthy: {{}}}}]}}]\n"
    ));
    assert!(p.contains("replacementTasksUnhealthy applies to ECS"), "{p}");
    let p = problems(&format!(
        "{ECS}history: [{{revision: v2, continueDeployment: [{{at: 1m, deploymentWaitType: SOON}}]}}]\n"
    ));
    assert!(
        p.contains("deploymentWaitType must be READY_WAIT or TERMINATION_WAIT, found \"SOON\""),
        "{p}"
    );
    // §7: the group's alarms run through an ECS or Lambda history (shift_history_alarms).
    let alarm = "alarmConfiguration:\n  alarms: [{name: errors, metric: errorRate, threshold: 0.02}]\n";
    let sc = cdsim::scenario::load_str(&format!("{LAMBDA}{alarm}history: [{{revision: '2'}}]\n"), "h.yaml");
    assert!(sc.is_ok_and(|s| s.history.is_some() && s.monitoring.alarms.is_some()));
    let in_place = "name: ip\nfleet: {instances: 2}\nhistory: [{revision: v2, continueDeployment: [{at: 1m}]}]\n";
    let p = problems(in_place);
    assert!(
        p.contains("continueDeployment applies to blue/green deployment groups"),
        "{p}"
    );
}

#[test]
fn an_unhealthy_replacement_fails_one_deployment_and_the_next_starts_from_the_same_task_set() {
    // §6.2, §8: a BeforeInstall-stage failure (the task set never becomes healthy) fails
    // with ECS_UPDATE_ERROR and is rolled back to the task set serving; v3 then shifts from
    // the initial revision's task set, as v2 never served.
    let r = run(
        ECS,
        "history:
  - revision: v2
    faults: [{replacementTasksUnhealthy: {}}]
  - revision: v3
    at: 2h
    continueDeployment: [{at: 1m}]
",
    );
    let d = &r.deployments[0];
    assert_eq!(d.error_information.as_ref().map(|e| e.code), Some("ECS_UPDATE_ERROR"));
    assert_eq!(story(&r).last(), Some(&("v3", "user", "Succeeded")));
    let rollback = r.deployments.iter().find(|d| d.creator == "codeDeployRollback");
    assert_eq!(rollback.and_then(|d| d.revision_name.as_deref()), Some("initial"));
}

#[test]
fn compare_records_an_ecs_or_ec2_history_as_a_whole() {
    for (name, config) in [
        ("ecs-release-train", "CodeDeployDefault.ECSAllAtOnce"),
        ("ec2-release-train", "CodeDeployDefault.HalfAtATime"),
    ] {
        let out = common::cdsim(&[
            "compare",
            &common::example(&format!("{name}.yaml")),
            "--runs",
            "2",
            "--config",
            config,
            "--json",
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        // v3 fails and is rolled back in every run: the history did not succeed as a whole.
        assert!(
            text.contains("\"succeeded\": 0,") && text.contains("\"rolledBack\": 2,"),
            "{name}: {text}"
        );
    }
}
