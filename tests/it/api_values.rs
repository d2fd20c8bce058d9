//! Values and fields as CodeDeploy's API returns them (§9, §6.2, §6.3, §8): every status,
//! label and code cdsim emits is one of the API's values, over every example scenario's
//! report, the committed gallery, and `cdsim serve`'s view of each example at every instant
//! something changes; deployments and targets carry the API's time and identity fields.

use std::path::Path;

use cdsim::report::{DeploymentInfo, Report, json};
use cdsim::serve::view;
use serde_json::Value;

use crate::common::run;

// The enumerations of CodeDeploy's service model (botocore,
// `botocore/data/codedeploy/2014-10-06/service-2.json`), each under its shape's name.
/// `DeploymentStatus`.
const DEPLOYMENT_STATUS: &[&str] = &[
    "Created",
    "Queued",
    "InProgress",
    "Baking",
    "Succeeded",
    "Failed",
    "Stopped",
    "Ready",
];
/// `TargetStatus` (the same values as `InstanceStatus`).
const TARGET_STATUS: &[&str] = &[
    "Pending",
    "InProgress",
    "Succeeded",
    "Failed",
    "Skipped",
    "Unknown",
    "Ready",
];
/// `LifecycleEventStatus`.
const LIFECYCLE_EVENT_STATUS: &[&str] = &["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Unknown"];
/// `TargetLabel` (the same values as `InstanceType`).
const TARGET_LABEL: &[&str] = &["Blue", "Green"];
/// `LifecycleErrorCode`.
const LIFECYCLE_ERROR_CODE: &[&str] = &[
    "Success",
    "ScriptMissing",
    "ScriptNotExecutable",
    "ScriptTimedOut",
    "ScriptFailed",
    "UnknownError",
];
/// `ErrorCode`.
const ERROR_CODE: &[&str] = &[
    "AGENT_ISSUE",
    "ALARM_ACTIVE",
    "APPLICATION_MISSING",
    "AUTOSCALING_VALIDATION_ERROR",
    "AUTO_SCALING_CONFIGURATION",
    "AUTO_SCALING_IAM_ROLE_PERMISSIONS",
    "CODEDEPLOY_RESOURCE_CANNOT_BE_FOUND",
    "CUSTOMER_APPLICATION_UNHEALTHY",
    "DEPLOYMENT_GROUP_MISSING",
    "ECS_UPDATE_ERROR",
    "ELASTIC_LOAD_BALANCING_INVALID",
    "ELB_INVALID_INSTANCE",
    "HEALTH_CONSTRAINTS",
    "HEALTH_CONSTRAINTS_INVALID",
    "HOOK_EXECUTION_FAILURE",
    "IAM_ROLE_MISSING",
    "IAM_ROLE_PERMISSIONS",
    "INTERNAL_ERROR",
    "INVALID_ECS_SERVICE",
    "INVALID_LAMBDA_CONFIGURATION",
    "INVALID_LAMBDA_FUNCTION",
    "INVALID_REVISION",
    "MANUAL_STOP",
    "MISSING_BLUE_GREEN_DEPLOYMENT_CONFIGURATION",
    "MISSING_ELB_INFORMATION",
    "MISSING_GITHUB_TOKEN",
    "NO_EC2_SUBSCRIPTION",
    "NO_INSTANCES",
    "OVER_MAX_INSTANCES",
    "RESOURCE_LIMIT_EXCEEDED",
    "REVISION_MISSING",
    "THROTTLED",
    "TIMEOUT",
    "CLOUDFORMATION_STACK_FAILURE",
];
/// `DeploymentCreator`.
const DEPLOYMENT_CREATOR: &[&str] = &[
    "user",
    "autoscaling",
    "codeDeployRollback",
    "CodeDeploy",
    "CodeDeployAutoUpdate",
    "CloudFormation",
    "CloudFormationRollback",
    "autoscalingTermination",
];
/// `ComputePlatform`.
const COMPUTE_PLATFORM: &[&str] = &["Server", "Lambda", "ECS"];
/// `DeploymentType`.
const DEPLOYMENT_TYPE: &[&str] = &["IN_PLACE", "BLUE_GREEN"];
/// `DeploymentOption`.
const DEPLOYMENT_OPTION: &[&str] = &["WITH_TRAFFIC_CONTROL", "WITHOUT_TRAFFIC_CONTROL"];
/// The members of `DeploymentOverview`.
const OVERVIEW_MEMBERS: &[&str] = &["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready"];
/// `ECSTaskSet.status` is a free string in the model; its documentation lists these three.
const TASK_SET_STATUS: &[&str] = &["PRIMARY", "ACTIVE", "DRAINING"];

/// Checks that `v[key]`, when present, is one of `allowed`.
fn check(where_: &str, v: &Value, key: &str, allowed: &[&str]) {
    if let Some(x) = v.get(key) {
        let s = x
            .as_str()
            .unwrap_or_else(|| panic!("{where_}: {key} is not a string: {x}"));
        assert!(
            allowed.contains(&s),
            "{where_}: {key} {s:?} is not one of the API's {allowed:?}"
        );
    }
}

/// Every enumerated value of one target (a report's or the service's), with its events.
fn check_target(where_: &str, t: &Value) {
    check(where_, t, "status", TARGET_STATUS);
    check(where_, t, "instanceLabel", TARGET_LABEL);
    for e in t["lifecycleEvents"].as_array().expect("lifecycleEvents") {
        check(where_, e, "status", LIFECYCLE_EVENT_STATUS);
        if let Some(d) = e.get("diagnostics") {
            check(where_, d, "errorCode", LIFECYCLE_ERROR_CODE);
        }
    }
    for set in t.get("taskSetsInfo").and_then(Value::as_array).into_iter().flatten() {
        check(where_, set, "status", TASK_SET_STATUS);
        check(where_, set, "taskSetLabel", TARGET_LABEL);
    }
}

fn check_overview(where_: &str, overview: &Value) {
    let keys: Vec<&str> = overview
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), OVERVIEW_MEMBERS.len(), "{where_}: {keys:?}");
    assert!(keys.iter().all(|k| OVERVIEW_MEMBERS.contains(k)), "{where_}: {keys:?}");
}

/// Every enumerated value of a report's JSON.
fn check_report(where_: &str, report: &Value) {
    for d in report["deployments"].as_array().expect("deployments") {
        check(where_, d, "status", DEPLOYMENT_STATUS);
        check(where_, d, "creator", DEPLOYMENT_CREATOR);
        check(where_, d, "computePlatform", COMPUTE_PLATFORM);
        check(where_, &d["deploymentStyle"], "deploymentType", DEPLOYMENT_TYPE);
        check(where_, &d["deploymentStyle"], "deploymentOption", DEPLOYMENT_OPTION);
        if let Some(e) = d.get("errorInformation") {
            check(where_, e, "code", ERROR_CODE);
        }
        check_overview(where_, &d["deploymentOverview"]);
        for t in d["targets"].as_array().expect("targets") {
            check_target(where_, t);
        }
    }
}

/// Every instant at which something in `d` changes, and one just after each.
fn instants(d: &DeploymentInfo) -> Vec<f64> {
    let mut v = vec![d.create_time, d.complete_time];
    for t in d.targets.iter() {
        for e in &t.lifecycle_events {
            v.extend(e.start_time);
            v.extend(e.end_time);
        }
    }
    for p in &d.phases {
        v.extend([p.start_time, p.end_time]);
    }
    let after: Vec<f64> = v.iter().map(|t| t + 0.0005).collect();
    v.extend(after);
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// `cdsim serve`'s view of `report` at every instant something changes; returns the
/// target statuses seen.
fn check_served(where_: &str, report: &Report) -> Vec<&'static str> {
    let mut seen = Vec::new();
    for d in &report.deployments {
        for t in instants(d) {
            let at = format!("{where_} {} at {t} s", d.deployment_id);
            let status = view::deployment_status(d, t);
            assert!(DEPLOYMENT_STATUS.contains(&status), "{at}: {status}");
            check_overview(&at, &view::overview(d, t));
            for target in d.targets.iter() {
                let served = view::deployment_target(d, &d.deployment_id, target, 0, t);
                let inner = served.as_object().unwrap().values().find(|v| v.is_object()).unwrap();
                check_target(&at, inner);
                seen.push(view::target_status(target, t, t >= d.complete_time));
            }
        }
    }
    seen
}

fn examples() -> Vec<std::path::PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// §9, §6.2: every status, label and code of every example scenario's report, and of
/// `cdsim serve`'s view of it as it unfolds, is one of the API's values. The EC2 blue/green
/// ready wait shows its installed replacements `Ready` (§6.1).
#[test]
fn s9_every_status_emitted_is_one_of_the_apis() {
    let mut seen = Vec::new();
    for path in examples() {
        let yaml = std::fs::read_to_string(&path).unwrap();
        let sc = cdsim::scenario::load_str(&yaml, "example.yaml").unwrap();
        let report = cdsim::simulation::simulate(&sc, sc.seed);
        let where_ = path.file_name().unwrap().to_string_lossy().into_owned();
        let v: Value = serde_json::from_str(&json::to_string(&report)).unwrap();
        check_report(&where_, &v);
        seen.extend(check_served(&where_, &report));
    }
    for status in ["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready"] {
        assert!(
            seen.contains(&status),
            "no example shows a target {status}: the walk misses a path"
        );
    }
}

/// §9: the committed gallery's reports hold only the API's values.
#[test]
fn s9_the_gallery_reports_hold_only_the_apis_values() {
    let reports = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/reports"));
    let mut checked = 0;
    for entry in std::fs::read_dir(reports).unwrap() {
        let file = entry.unwrap().path().join("report.json");
        if let Ok(text) = std::fs::read_to_string(&file) {
            check_report(&file.display().to_string(), &serde_json::from_str(&text).unwrap());
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} gallery reports found");
}

fn example(name: &str) -> Report {
    let yaml = std::fs::read_to_string(crate::common::example(name)).unwrap();
    let sc = cdsim::scenario::load_str(&yaml, name).unwrap();
    cdsim::simulation::simulate(&sc, sc.seed)
}

/// §6.1, §9: while an EC2 blue/green deployment waits for ContinueDeployment, the
/// replacements that installed are `Ready`, and the overview counts them.
#[test]
fn s6_1_replacements_waiting_for_traffic_are_ready() {
    let report = example("ec2-blue-green-ready-wait.yaml");
    let d = &report.deployments[0];
    let wait = d.phases.iter().find(|p| p.name == "ready").expect("a ready wait");
    let t = (wait.start_time + wait.end_time) / 2.0;
    assert_eq!(view::deployment_status(d, t), "Ready");
    let ready: Vec<&str> = d
        .targets
        .iter()
        .filter(|target| target.instance_label == Some("Green"))
        .map(|target| view::target_status(target, t, false))
        .collect();
    assert!(ready.contains(&"Ready"), "{ready:?}");
    let overview = view::overview(d, t);
    let count = ready.iter().filter(|&&s| s == "Ready").count() as u64;
    assert_eq!(overview["Ready"].as_u64(), Some(count));
    for target in d.targets.iter().filter(|target| target.instance_label == Some("Blue")) {
        assert_ne!(
            view::target_status(target, t, false),
            "Ready",
            "originals are never Ready"
        );
    }
}

/// §6.2: after the termination wait the original task set is `DRAINING` (the API has no
/// `DRAINED`), the replacement `PRIMARY`.
#[test]
fn s6_2_task_sets_carry_the_apis_statuses() {
    let report = example("ecs-canary.yaml");
    let sets = report.deployments[0].targets[0].task_sets_info.as_ref().unwrap();
    let statuses: Vec<(&str, &str, u32)> = sets
        .iter()
        .map(|s| (s.task_set_label, s.status, s.running_count))
        .collect();
    assert_eq!(statuses[0], ("Blue", "DRAINING", 0));
    assert_eq!((statuses[1].0, statuses[1].1), ("Green", "PRIMARY"));
}

/// API:DeploymentInfo (§9): a deployment carries `startTime` beside `createTime` and
/// `completeTime`; targets carry `targetArn` and `lastUpdatedAt`, in the shapes' order.
#[test]
fn s9_deployments_and_targets_carry_the_apis_fields() {
    let report = example("in-place-rollback.yaml");
    let text = json::to_string(&report);
    let v: Value = serde_json::from_str(&text).unwrap();
    let rollback = &v["deployments"][1];
    assert_eq!(rollback["creator"], "codeDeployRollback");
    assert_eq!(rollback["startTime"], rollback["createTime"]);
    assert!(
        rollback["startTime"].as_f64().unwrap() > 0.0,
        "a rollback starts when the failure ends"
    );
    let first = &v["deployments"][0];
    let targets = first["targets"].as_array().unwrap();
    let target = &text[text.find("\"targetId\"").unwrap()..];
    let at: Vec<usize> = ["targetId", "targetArn", "status", "lastUpdatedAt", "lifecycleEvents"]
        .iter()
        .map(|k| target.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(at.is_sorted(), "InstanceTarget's order: {at:?}");
    assert_eq!(
        targets[0]["targetArn"],
        "arn:aws:ec2:us-east-1:000000000000:instance/i-0000"
    );
    let complete = first["completeTime"].as_f64().unwrap();
    for t in targets {
        let last_event = t["lifecycleEvents"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["endTime"].as_f64())
            .fold(0.0, f64::max);
        let expected = if t["status"] == "Skipped" { complete } else { last_event };
        assert_eq!(t["lastUpdatedAt"].as_f64(), Some(expected), "{}", t["targetId"]);
    }
    // `cdsim serve` answers the same fields from the same report (created at epoch 0 here).
    let d = &report.deployments[0];
    for target in d.targets.iter() {
        let served = view::deployment_target(d, &d.deployment_id, target, 0, d.complete_time);
        let inner = &served["instanceTarget"];
        assert_eq!(inner["targetArn"], target.target_arn);
        assert_eq!(inner["lastUpdatedAt"].as_f64(), Some(target.last_updated_at));
    }
}

/// §8, §6.3, API:LambdaTarget: a Lambda rollback deployment's target carries
/// `lambdaFunctionInfo`: the alias moves from the version deployed back to the original,
/// which ends with all the traffic.
#[test]
fn s8_a_lambda_rollback_target_carries_its_function_info() {
    let report = example("lambda-alarm-rollback.yaml");
    let [first, rollback] = &report.deployments[..] else {
        panic!("a deployment and its rollback")
    };
    let deployed = first.targets[0].lambda_function_info.as_ref().unwrap();
    let back = rollback.targets[0]
        .lambda_function_info
        .as_ref()
        .expect("lambdaFunctionInfo");
    assert_eq!(back.function_name, deployed.function_name);
    assert_eq!(back.function_alias, deployed.function_alias);
    assert_eq!(
        (&back.current_version, &back.target_version),
        (&deployed.target_version, &deployed.current_version)
    );
    assert_eq!(back.target_version_weight, 1.0);
    assert_eq!(
        rollback.targets[0].target_arn,
        format!(
            "arn:aws:lambda:us-east-1:000000000000:function:{}",
            rollback.targets[0].target_id
        )
    );
}

/// API:InstanceTarget (§9): a target the deployment skipped last changed when the
/// deployment ended.
#[test]
fn s9_a_skipped_target_was_last_updated_when_the_deployment_ended() {
    let yaml = "name: skip\ndeploymentConfigName: CodeDeployDefault.OneAtATime\nfleet:\n  instances: 3\n\
                hooks:\n  ValidateService:\n    - {location: v.sh, duration: 1s}\n\
                faults:\n  - hookFails: {target: 0, event: ValidateService}\n";
    let d = &run(yaml, 1).deployments[0];
    assert_eq!(d.status, "Failed");
    let skipped: Vec<_> = d.targets.iter().filter(|t| t.status == "Skipped").collect();
    assert_eq!(skipped.len(), 2);
    assert!(skipped.iter().all(|t| t.last_updated_at == d.complete_time));
}
