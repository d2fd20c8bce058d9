//! Deployment histories on EC2 blue/green groups: each deployment installs its revision on
//! a new replacement fleet and reroutes traffic to it from the group's fleet (§6.1); after a
//! success the replacements are the group's fleet, a rollback reroutes traffic to the
//! originals, which still exist (§6.1, §8); a request made while a deployment or its
//! rollback is active is refused (§11); ContinueDeployment calls are answered as the API
//! answers them (API:ContinueDeployment).

use cdsim::report::{DeploymentInfo, Report, json};

use crate::common::{self, problems, story};

fn example(name: &str) -> String {
    common::example_text(name)
}

/// The deployment's instance ids, each with its label (`Blue`, `Green`) and status.
fn targets(d: &DeploymentInfo) -> Vec<(String, &'static str, String)> {
    d.targets
        .each()
        .map(|t| {
            let t = t.into_owned();
            (t.target_id, t.instance_label.unwrap(), t.status.to_string())
        })
        .collect()
}

/// The ids of the instances of `d` labelled `label`.
fn ids(d: &DeploymentInfo, label: &str) -> Vec<String> {
    targets(d).into_iter().filter(|t| t.1 == label).map(|t| t.0).collect()
}

/// (time, operation, error code) of each refused request.
fn refused(r: &Report) -> Vec<(f64, Option<&str>, &str)> {
    r.refused_requests
        .iter()
        .map(|q| (q.time, q.operation, q.error_code))
        .collect()
}

fn ids_from(first: u32, n: u32) -> Vec<String> {
    (first..first + n).map(|i| format!("i-{i:04}")).collect()
}

/// Two instances, copied, all at once, each deployment's originals kept 10 minutes;
/// automatic rollback on failure.
const GROUP: &str = "
name: ec2-history
deploymentConfigName: CodeDeployDefault.AllAtOnce
fleet: {instances: 2}
loadBalancer:
  deregistrationDelay: 10s
  healthCheck: {interval: 10s, timeout: 5s}
blueGreenDeploymentConfiguration:
  terminateBlueInstancesOnDeploymentSuccess: {action: TERMINATE, terminationWaitTimeInMinutes: 10}
hooks:
  BeforeInstall:
    - {location: scripts/install.sh, timeout: 300, duration: 20s}
  AfterBlockTraffic:
    - {location: scripts/after-block.sh, timeout: 300, duration: 5s}
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}
";

/// v2, then v3 at 1 hour, whose AfterBlockTraffic fails on v2's first instance.
const V3_FAILS_BLOCKING_TRAFFIC: &str = "history:
  - revision: v2
  - revision: v3
    at: 1h
    faults: [{hookFails: {target: 0, event: AfterBlockTraffic}}]
";

fn run(group: &str, history: &str) -> Report {
    common::run(&format!("{group}{history}"), 1)
}

#[test]
fn s6_1_the_release_train_reroutes_v3_back_to_v2s_fleet_with_ids_continuing() {
    let r = common::run(&example("ec2-release-train"), 1);
    assert_eq!(
        story(&r),
        [
            ("v2", "user", "Succeeded"),
            ("v3", "user", "Failed"),
            ("v2", "codeDeployRollback", "Succeeded"),
        ]
    );
    // Each deployment launches a fleet of new ids; v2's replacements are v3's originals.
    assert_eq!(ids(&r.deployments[0], "Blue"), ids_from(0, 4));
    assert_eq!(ids(&r.deployments[0], "Green"), ids_from(4, 4));
    assert_eq!(ids(&r.deployments[1], "Blue"), ids_from(4, 4));
    assert_eq!(ids(&r.deployments[1], "Green"), ids_from(8, 4));
    assert_eq!(ids(&r.deployments[2], "Green"), ids_from(8, 4));
    // §8: the rollback deregisters the v3 replacements that took traffic (BlockTraffic trio).
    let rollback = &r.deployments[2];
    let succeeded: Vec<String> = targets(rollback)
        .into_iter()
        .filter(|t| t.2 == "Succeeded")
        .map(|t| t.0)
        .collect();
    assert_eq!(succeeded, ["i-0008", "i-0009"]);
    // API:ContinueDeployment while installing; §11 while v3 is active.
    assert_eq!(
        refused(&r),
        [
            (60.0, Some("ContinueDeployment"), "DeploymentIsNotInReadyStateException"),
            (720.0, None, "DeploymentLimitExceededException"),
        ]
    );
    // TERMINATION_WAIT at 10 minutes ends v2's 30-minute termination wait: it succeeds then.
    assert_eq!(r.deployments[0].complete_time, 600.0);
    assert_eq!(r.deployments[0].instance_termination_wait_time_started, Some(true));
}

#[test]
fn s8_a_rollback_reregisters_the_originals_that_were_deregistered() {
    // v3's AfterBlockTraffic fails on an original (v2's i-0002): the deployment fails once the
    // originals were deregistered, and the rollback registers v2's fleet again.
    let r = run(GROUP, V3_FAILS_BLOCKING_TRAFFIC);
    assert_eq!(
        story(&r),
        [
            ("v2", "user", "Succeeded"),
            ("v3", "user", "Failed"),
            ("v2", "codeDeployRollback", "Succeeded"),
        ]
    );
    let rollback = &r.deployments[2];
    let allowed: Vec<String> = rollback
        .targets
        .each()
        .filter(|t| {
            t.lifecycle_events
                .iter()
                .any(|e| e.lifecycle_event_name == "AllowTraffic" && e.status == "Succeeded")
        })
        .map(|t| t.into_owned().target_id)
        .collect();
    assert_eq!(allowed, ["i-0002", "i-0003"], "v2's fleet gets traffic back");
    // At the end v2's fleet is in service: the last capacity point counts it on its own.
    let last = r.capacity.last().unwrap();
    assert_eq!((last.in_service, last.on_new_revision), (2, 0));
}

#[test]
fn s6_1_after_a_failure_the_next_deployment_starts_from_the_same_fleet() {
    // v2 fails while installing, and its rollback (§8) leaves traffic on the initial fleet;
    // v3 deploys from that fleet again, onto a third fleet of new ids.
    let r = run(
        GROUP,
        "history:
  - revision: v2
    faults: [{hookFails: {target: 2, event: BeforeInstall}}, {hookFails: {target: 3, event: BeforeInstall}}]
  - revision: v3
    at: 1h
",
    );
    assert_eq!(
        story(&r),
        [
            ("v2", "user", "Failed"),
            ("initial", "codeDeployRollback", "Succeeded"),
            ("v3", "user", "Succeeded")
        ]
    );
    assert_eq!(ids(&r.deployments[2], "Blue"), ids_from(0, 2));
    assert_eq!(ids(&r.deployments[2], "Green"), ids_from(4, 2));
}

#[test]
fn s6_1_keep_alive_originals_leave_the_group_and_have_no_termination_wait_to_continue() {
    // KEEP_ALIVE: v2 succeeds at once after blocking traffic; its originals are no longer in
    // the group, so v3's originals are v2's replacements. A TERMINATION_WAIT call finds no
    // wait (API:ContinueDeployment), and one after v3 ended finds it completed.
    let group = GROUP.replace(
        "{action: TERMINATE, terminationWaitTimeInMinutes: 10}",
        "{action: KEEP_ALIVE}",
    );
    let r = run(
        &group,
        "history:
  - revision: v2
    continueDeployment: [{at: 30s, deploymentWaitType: TERMINATION_WAIT}]
  - revision: v3
    at: 1h
    continueDeployment: [{at: 1h, deploymentWaitType: READY_WAIT}]
",
    );
    assert_eq!(story(&r), [("v2", "user", "Succeeded"), ("v3", "user", "Succeeded")]);
    assert_eq!(r.deployments[0].instance_termination_wait_time_started, Some(false));
    assert_eq!(ids(&r.deployments[1], "Blue"), ids_from(2, 2));
    assert_eq!(
        refused(&r),
        [
            (30.0, Some("ContinueDeployment"), "DeploymentIsNotInReadyStateException"),
            (
                7200.0,
                Some("ContinueDeployment"),
                "DeploymentAlreadyCompletedException"
            ),
        ]
    );
    // The kept-alive originals are not counted once v2 has ended: the group's fleet is two.
    let between = r.capacity.iter().rfind(|p| p.time < 3600.0).unwrap();
    assert_eq!(
        (between.original_running, between.replacement_running),
        (Some(2), Some(0))
    );
}

#[test]
fn s11_a_request_during_the_rollback_is_refused_naming_the_rollback() {
    let r = run(
        GROUP,
        &format!("{V3_FAILS_BLOCKING_TRAFFIC}  - revision: v4\n    at: 3655s\n"),
    );
    let rollback = &r.deployments[2];
    assert!(
        rollback.create_time < 3655.0 && 3655.0 < rollback.complete_time,
        "{rollback:?}"
    );
    assert_eq!(r.refused_requests.len(), 1);
    let q = &r.refused_requests[0];
    assert_eq!(q.error_code, "DeploymentLimitExceededException");
    assert!(q.message.ends_with("'d-SIMULATED3'"), "{}", q.message);
}

/// The deployments of a report's JSON and its capacity series, without the revision's
/// name (which only a history gives).
fn deployments_and_capacity(r: &Report) -> String {
    let j = json::to_string(r);
    let text = j[j.find("\"deployments\"").unwrap()..j.find("\"metrics\"").unwrap()].to_string()
        + &j[j.find("\"capacity\": [").unwrap()..];
    text.lines()
        .filter(|l| !l.contains("\"revisionName\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_history_of_one_request_at_0s_is_the_plain_scenario() {
    let plain = example("ec2-blue-green");
    let as_history = format!("{plain}history: [{{revision: v2}}]\n");
    for seed in [1, 3] {
        let a = common::run(&plain, seed);
        let b = common::run(&as_history, seed);
        assert_eq!(
            deployments_and_capacity(&a),
            deployments_and_capacity(&b),
            "seed {seed}"
        );
        assert_eq!(
            format!("{:?}", a.metrics.capacity),
            format!("{:?}", b.metrics.capacity),
            "seed {seed}"
        );
    }
}

#[test]
fn an_ec2_history_is_refused_where_its_fields_do_not_apply() {
    let p = problems(&format!(
        "{}history: [{{revision: v2}}]\n",
        GROUP.replace(
            "blueGreenDeploymentConfiguration:\n",
            "blueGreenDeploymentConfiguration:\n  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, \
             waitTimeInMinutes: 30, continueAfter: 5m}\n"
        )
    ));
    assert!(
        p.contains("h.yaml:") && p.contains("give ContinueDeployment calls in the deployment request"),
        "{p}"
    );
    let p = problems(&format!(
        "{GROUP}history: [{{revision: v2, hookFunctions: {{AfterAllowTraffic: {{function: f}}}}}}]\n"
    ));
    assert!(p.contains("hookFunctions applies to ECS and Lambda"), "{p}");
    // §4.1 blue/green table: an original runs only the BlockTraffic trio.
    let p = problems(&format!(
        "{GROUP}history: [{{revision: v2, faults: [{{hookFails: {{target: 0, event: BeforeInstall}}}}]}}]\n"
    ));
    assert!(p.contains("BeforeInstall does not run on instance 0"), "{p}");
    let p = problems(&format!(
        "{GROUP}history: [{{revision: v2, faults: [{{hookFails: {{target: 4, event: BeforeInstall}}}}]}}]\n"
    ));
    assert!(p.contains("h.yaml:"), "{p}");
    let alarm = "alarmConfiguration:\n  alarms: [{name: fleet, metric: healthyCount, threshold: 2}]\n";
    let p = problems(&format!("{GROUP}{alarm}history: [{{revision: v2}}]\n"));
    assert!(
        p.contains("h.yaml:")
            && p.contains("the deployments of an EC2 blue/green history do not read the group's alarms yet"),
        "{p}"
    );
}
