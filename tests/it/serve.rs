//! `cdsim serve`'s service, in process, at chosen simulated instants: the operations'
//! shapes and errors, deployments that unfold in time, the in-progress refusal, stops with
//! and without rollback, bad revisions, ContinueDeployment in a ready wait, `--speed max`'s
//! jumps, hostile bodies and byte-exact replay. The real clients (AWS CLI, boto3) drive the
//! same service over HTTP in `tests/clients/` (run by `.ci/run`); `serve_process` here
//! checks the binary: the address line, Ctrl-C, the record and `cdsim replay`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use cdsim::serve::record::{self, Header};
use cdsim::serve::{BAD_REVISION_MARK, Reply, Service};
use serde_json::{Value, json};

const T0: u64 = 1_800_000_000_000;

fn service(scenarios: &[&str]) -> Service {
    let texts: Vec<(String, String)> = scenarios
        .iter()
        .map(|p| {
            let path = format!("{}/scenarios/{p}", env!("CARGO_MANIFEST_DIR"));
            (p.to_string(), std::fs::read_to_string(path).unwrap())
        })
        .collect();
    Service::new(7, T0, &texts).unwrap()
}

fn call(s: &mut Service, op: &str, body: Value, at_seconds: f64) -> Result<Value, (String, String)> {
    let reply = s.handle(
        Some(&format!("CodeDeploy_20141006.{op}")),
        body.to_string().as_bytes(),
        T0 + (at_seconds * 1000.0) as u64,
    );
    let v: Value = serde_json::from_str(&reply.body).unwrap();
    if reply.status == 200 {
        Ok(v)
    } else {
        assert_eq!(reply.status, 400, "{reply:?}");
        Err((
            v["__type"].as_str().unwrap().to_string(),
            v["message"].as_str().unwrap().to_string(),
        ))
    }
}

fn ok(s: &mut Service, op: &str, body: Value, at: f64) -> Value {
    call(s, op, body, at).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn err(s: &mut Service, op: &str, body: Value, at: f64) -> String {
    call(s, op, body, at).expect_err(op).0
}

/// An application `shop` and group `prod` (default fleet of 4, HalfAtATime).
fn shop(rollback_events: &[&str]) -> Service {
    let mut s = service(&[]);
    ok(&mut s, "CreateApplication", json!({"applicationName": "shop"}), 0.0);
    let mut group = json!({"applicationName": "shop", "deploymentGroupName": "prod",
        "serviceRoleArn": "arn:aws:iam::1:role/cd", "deploymentConfigName": "CodeDeployDefault.HalfAtATime"});
    if !rollback_events.is_empty() {
        group["autoRollbackConfiguration"] = json!({"enabled": true, "events": rollback_events});
    }
    ok(&mut s, "CreateDeploymentGroup", group, 0.0);
    s
}

fn deploy(s: &mut Service, description: &str, at: f64) -> String {
    let body = json!({"applicationName": "shop", "deploymentGroupName": "prod", "description": description,
        "revision": {"revisionType": "S3", "s3Location": {"bucket": "b", "key": "app.zip", "bundleType": "zip"}}});
    ok(s, "CreateDeployment", body, at)["deploymentId"]
        .as_str()
        .unwrap()
        .to_string()
}

fn info(s: &mut Service, id: &str, at: f64) -> Value {
    ok(s, "GetDeployment", json!({"deploymentId": id}), at)["deploymentInfo"].clone()
}

/// The instant a deployment completes, read from a far-future GetDeployment.
fn completion(s: &mut Service, id: &str) -> f64 {
    let end = info(s, id, 1e6)["completeTime"].as_f64().unwrap();
    end - T0 as f64 / 1000.0
}

#[test]
fn applications_groups_and_configurations_answer_in_the_apis_shapes() {
    let mut s = shop(&[]);
    let app = ok(&mut s, "GetApplication", json!({"applicationName": "shop"}), 1.0);
    assert_eq!(app["application"]["computePlatform"], "Server");
    assert_eq!(app["application"]["createTime"], json!(1_800_000_000.0));
    assert_eq!(
        err(&mut s, "CreateApplication", json!({"applicationName": "shop"}), 1.0),
        "ApplicationAlreadyExistsException"
    );
    assert_eq!(
        err(&mut s, "GetApplication", json!({"applicationName": "nope"}), 1.0),
        "ApplicationDoesNotExistException"
    );
    assert_eq!(
        err(&mut s, "GetApplication", json!({}), 1.0),
        "ApplicationNameRequiredException"
    );
    let group = ok(
        &mut s,
        "GetDeploymentGroup",
        json!({"applicationName": "shop", "deploymentGroupName": "prod"}),
        1.0,
    );
    assert_eq!(
        group["deploymentGroupInfo"]["deploymentConfigName"],
        "CodeDeployDefault.HalfAtATime"
    );
    let groups = ok(&mut s, "ListDeploymentGroups", json!({"applicationName": "shop"}), 1.0);
    assert_eq!(groups["deploymentGroups"], json!(["prod"]));
    let no_role = json!({"applicationName": "shop", "deploymentGroupName": "x"});
    assert_eq!(
        err(&mut s, "CreateDeploymentGroup", no_role, 1.0),
        "RoleRequiredException"
    );
    let configs = ok(&mut s, "ListDeploymentConfigs", json!({}), 1.0);
    assert_eq!(configs["deploymentConfigsList"].as_array().unwrap().len(), 17);
    let custom =
        json!({"deploymentConfigName": "TwoAtATime", "minimumHealthyHosts": {"type": "HOST_COUNT", "value": 2}});
    ok(&mut s, "CreateDeploymentConfig", custom, 1.0);
    let got = ok(
        &mut s,
        "GetDeploymentConfig",
        json!({"deploymentConfigName": "TwoAtATime"}),
        1.0,
    );
    assert_eq!(
        got["deploymentConfigInfo"]["minimumHealthyHosts"],
        json!({"type": "HOST_COUNT", "value": 2})
    );
    let bad = json!({"deploymentConfigName": "Bad", "minimumHealthyHosts": {"type": "FLEET_PERCENT", "value": 120}});
    assert_eq!(
        err(&mut s, "CreateDeploymentConfig", bad, 1.0),
        "InvalidMinimumHealthyHostValueException"
    );
    let predefined = json!({"deploymentConfigName": "CodeDeployDefault.AllAtOnce"});
    assert_eq!(
        err(&mut s, "DeleteDeploymentConfig", predefined, 1.0),
        "InvalidOperationException"
    );
    let update = json!({"applicationName": "shop", "currentDeploymentGroupName": "prod", "newDeploymentGroupName": "live",
        "deploymentConfigName": "TwoAtATime"});
    ok(&mut s, "UpdateDeploymentGroup", update, 1.0);
    let live = ok(
        &mut s,
        "GetDeploymentGroup",
        json!({"applicationName": "shop", "deploymentGroupName": "live"}),
        1.0,
    );
    assert_eq!(live["deploymentGroupInfo"]["deploymentConfigName"], "TwoAtATime");
}

#[test]
fn a_deployment_unfolds_in_simulated_time_and_refuses_a_second_one_meanwhile() {
    let mut s = shop(&[]);
    let id = deploy(&mut s, "v2", 10.0);
    let end = completion(&mut s, &id);
    assert!(end > 60.0, "the default fleet's scripts take a minute or more: {end}");
    let early = info(&mut s, &id, 12.0);
    assert_eq!(early["status"], "InProgress");
    assert!(early.get("completeTime").is_none());
    assert_eq!(
        early["deploymentOverview"]["InProgress"], 2,
        "HalfAtATime on 4: two at a time"
    );
    let refused = call(
        &mut s,
        "CreateDeployment",
        json!({"applicationName": "shop", "deploymentGroupName": "prod"}),
        12.0,
    );
    let (kind, message) = refused.unwrap_err();
    assert_eq!(kind, "DeploymentLimitExceededException");
    assert!(message.contains(&id), "{message}");
    let done = info(&mut s, &id, end);
    assert_eq!(done["status"], "Succeeded");
    assert_eq!(done["deploymentOverview"]["Succeeded"], 4);
    let targets = ok(&mut s, "ListDeploymentTargets", json!({"deploymentId": id}), end);
    assert_eq!(targets["targetIds"], json!(["i-0000", "i-0001", "i-0002", "i-0003"]));
    let target = ok(
        &mut s,
        "GetDeploymentTarget",
        json!({"deploymentId": id, "targetId": "i-0001"}),
        end,
    );
    let instance = &target["deploymentTarget"]["instanceTarget"];
    assert_eq!(target["deploymentTarget"]["deploymentTargetType"], "InstanceTarget");
    assert_eq!(instance["status"], "Succeeded");
    let events = instance["lifecycleEvents"].as_array().unwrap();
    assert!(
        events
            .iter()
            .all(|e| e["status"] == "Succeeded" || e["status"] == "Skipped"),
        "{events:?}"
    );
    let midway = ok(
        &mut s,
        "BatchGetDeploymentTargets",
        json!({"deploymentId": id, "targetIds": ["i-0000"]}),
        12.0,
    );
    let statuses: Vec<&str> = midway["deploymentTargets"][0]["instanceTarget"]["lifecycleEvents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"InProgress") && statuses.contains(&"Pending"),
        "{statuses:?}"
    );
    deploy(&mut s, "v3", end + 1.0);
    let listed = ok(
        &mut s,
        "ListDeployments",
        json!({"applicationName": "shop", "includeOnlyStatuses": ["Succeeded"]}),
        end + 2.0,
    );
    assert_eq!(listed["deployments"], json!([id]));
}

#[test]
fn stop_with_auto_rollback_makes_a_rollback_deployment() {
    let mut s = shop(&[]);
    let id = deploy(&mut s, "v2", 0.0);
    let stopped = ok(
        &mut s,
        "StopDeployment",
        json!({"deploymentId": id, "autoRollbackEnabled": true}),
        20.0,
    );
    assert_eq!(stopped["status"], "Pending");
    let end = completion(&mut s, &id);
    assert!(end > 21.0, "the running events finish first: {end}");
    let again = json!({"deploymentId": id, "autoRollbackEnabled": false});
    assert_eq!(ok(&mut s, "StopDeployment", again, 21.0)["status"], "Pending");
    assert_eq!(completion(&mut s, &id), end, "a second stop changes nothing");
    let first = info(&mut s, &id, 1e5);
    assert_eq!(first["status"], "Stopped");
    assert_eq!(first["errorInformation"]["code"], "MANUAL_STOP");
    let rollback = first["rollbackInfo"]["rollbackDeploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    let second = info(&mut s, &rollback, 1e5);
    assert_eq!(second["creator"], "codeDeployRollback");
    assert_eq!(second["rollbackInfo"]["rollbackTriggeringDeploymentId"], json!(id));
    assert_eq!(second["status"], "Succeeded");
    assert!(second["createTime"].as_f64().unwrap() >= end + T0 as f64 / 1000.0 - 0.001);
    let listed = ok(&mut s, "ListDeployments", json!({}), 1e5);
    assert_eq!(listed["deployments"], json!([rollback, id]));
    assert_eq!(
        err(&mut s, "StopDeployment", json!({"deploymentId": id}), 1e5),
        "DeploymentAlreadyCompletedException"
    );
}

#[test]
fn stop_without_rollback_and_a_bad_revision_that_rolls_back() {
    let mut s = shop(&["DEPLOYMENT_FAILURE"]);
    let id = deploy(&mut s, "v2", 0.0);
    ok(
        &mut s,
        "StopDeployment",
        json!({"deploymentId": id, "autoRollbackEnabled": false}),
        20.0,
    );
    let first = info(&mut s, &id, 1e5);
    assert_eq!(first["status"], "Stopped");
    assert!(first["rollbackInfo"].get("rollbackDeploymentId").is_none());
    let bad = deploy(&mut s, &format!("v3 {BAD_REVISION_MARK}"), 2e5);
    let failed = info(&mut s, &bad, 3e5);
    assert_eq!(failed["status"], "Failed");
    let rollback = failed["rollbackInfo"]["rollbackDeploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(info(&mut s, &rollback, 3e5)["status"], "Succeeded");
    let target = ok(
        &mut s,
        "GetDeploymentTarget",
        json!({"deploymentId": bad, "targetId": "i-0000"}),
        3e5,
    );
    let events = target["deploymentTarget"]["instanceTarget"]["lifecycleEvents"]
        .as_array()
        .unwrap()
        .clone();
    let install = events.iter().find(|e| e["lifecycleEventName"] == "Install").unwrap();
    assert_eq!(install["status"], "Failed");
    assert_eq!(
        install["diagnostics"]["errorCode"], "UnknownError",
        "the agent's step, not a script, failed"
    );
}

/// `scenarios/ecs-all-at-once.yaml`'s group, and a deployment created at 0: a ready wait,
/// then an hour's termination wait.
fn ecs_deployment() -> (Service, String) {
    let mut s = service(&["ecs-all-at-once.yaml"]);
    let body = json!({"applicationName": "ecs-all-at-once", "deploymentGroupName": "ecs-all-at-once"});
    let id = ok(&mut s, "CreateDeployment", body, 0.0)["deploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    (s, id)
}

#[test]
fn continue_deployment_ends_an_ecs_ready_wait_when_called() {
    let (mut s, id) = ecs_deployment();
    let scheduled = completion(&mut s, &id);
    let ready_at = (1..1200)
        .map(f64::from)
        .find(|t| info(&mut s, &id, *t)["status"] == "Ready")
        .expect("a ready wait");
    let not_ready = json!({"deploymentId": id, "deploymentWaitType": "READY_WAIT"});
    assert_eq!(
        err(&mut s, "ContinueDeployment", not_ready.clone(), ready_at - 1.0),
        "DeploymentIsNotInReadyStateException"
    );
    ok(&mut s, "ContinueDeployment", not_ready, ready_at + 60.0);
    assert_eq!(info(&mut s, &id, ready_at + 61.0)["status"], "InProgress");
    let sooner = completion(&mut s, &id);
    assert!(
        sooner < scheduled,
        "continued after a minute instead of the scenario's 20: {sooner} vs {scheduled}"
    );
    let target = ok(&mut s, "ListDeploymentTargets", json!({"deploymentId": id}), 1e6)["targetIds"][0].clone();
    let got = ok(
        &mut s,
        "GetDeploymentTarget",
        json!({"deploymentId": id, "targetId": target}),
        1e6,
    );
    assert_eq!(got["deploymentTarget"]["deploymentTargetType"], "ECSTarget");
    assert!(got["deploymentTarget"]["ecsTarget"]["taskSetsInfo"].is_array());
}

#[test]
fn speed_max_jumps_to_the_end_or_to_a_wait_for_a_client() {
    let mut s = shop(&[]);
    assert_eq!(s.settle(T0 + 5), T0 + 5, "nothing going: time stays");
    let id = deploy(&mut s, "v2", 0.0);
    let end = completion(&mut s, &id);
    assert_eq!(s.settle(T0), T0 + (end * 1000.0).round() as u64);
    let mut ecs = service(&["ecs-all-at-once.yaml"]);
    let body = json!({"applicationName": "ecs-all-at-once", "deploymentGroupName": "ecs-all-at-once"});
    let id = ok(&mut ecs, "CreateDeployment", body, 0.0)["deploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    let at = ecs.settle(T0);
    let status = info(&mut ecs, &id, (at - T0) as f64 / 1000.0)["status"].clone();
    assert_eq!(status, "Ready", "max stops where ContinueDeployment is awaited");
}

#[test]
fn hostile_requests_get_aws_shaped_400s() {
    let mut s = shop(&[]);
    let cases: [(Option<&str>, &[u8], &str); 6] = [
        (
            Some("CodeDeploy_20141006.GetDeployment"),
            b"{\"deploymentId\":",
            "SerializationException",
        ),
        (
            Some("CodeDeploy_20141006.GetDeployment"),
            b"[1, 2]",
            "SerializationException",
        ),
        (
            Some("CodeDeploy_20141006.GetDeployment"),
            b"{\"deploymentId\": \"d-1\", \"extra\": 1}",
            "ValidationException",
        ),
        (
            Some("CodeDeploy_20141006.GetDeployment"),
            b"{\"deploymentId\": 5}",
            "ValidationException",
        ),
        (
            Some("CodeDeploy_20141006.RegisterOnPremisesInstance"),
            b"{}",
            "UnknownOperationException",
        ),
        (None, b"{}", "UnknownOperationException"),
    ];
    for (target, body, kind) in cases {
        let Reply { status, body } = s.handle(target, body, T0);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((status, v["__type"].as_str()), (400, Some(kind)), "{body}");
        assert!(!v["message"].as_str().unwrap().is_empty());
    }
    // Every operation with every odd body: an answer, never a panic.
    let bodies: [&[u8]; 7] = [b"", b"null", b"{}", b"\xff\xfe", b"{\"applicationName\": \"\"}",
        b"{\"applicationName\": \"shop\", \"deploymentGroupName\": \"prod\", \"autoRollbackConfiguration\": {\"enabled\": true, \"events\": [\"X\"]}}",
        b"{\"minimumHealthyHosts\": {\"type\": \"HOST_COUNT\", \"value\": -1}, \"deploymentConfigName\": \"n\"}"];
    for op in OPERATIONS {
        for body in bodies {
            let reply = s.handle(Some(&format!("CodeDeploy_20141006.{op}")), body, T0 + 1);
            assert!(reply.status == 200 || reply.status == 400, "{op}: {reply:?}");
        }
    }
}

#[test]
fn a_recorded_session_replays_byte_for_byte() {
    let header = Header {
        format: record::FORMAT.to_string(),
        seed: 7,
        started: T0,
        speed: "60".into(),
        scenarios: vec![],
        memory_limit: None,
    };
    let mut s = Service::new(7, T0, &[]).unwrap();
    let mut text = record::header_line(&header);
    let requests = [
        ("CreateApplication", json!({"applicationName": "shop"}), 0),
        (
            "CreateDeploymentGroup",
            json!({"applicationName": "shop", "deploymentGroupName": "prod", "serviceRoleArn": "r"}),
            1,
        ),
        (
            "CreateDeployment",
            json!({"applicationName": "shop", "deploymentGroupName": "prod"}),
            2,
        ),
        ("GetDeployment", json!({"deploymentId": "d-000000003"}), 30_000),
        (
            "StopDeployment",
            json!({"deploymentId": "d-000000003", "autoRollbackEnabled": true}),
            31_000,
        ),
        ("ListDeployments", json!({}), 900_000),
        ("GetDeployment", json!({"deploymentId": "d-000000004"}), 900_000),
    ];
    for (op, body, ms) in requests {
        let target = format!("CodeDeploy_20141006.{op}");
        let bytes = body.to_string();
        let reply = s.handle(Some(&target), bytes.as_bytes(), T0 + ms);
        assert_eq!(reply.status, 200, "{op}: {}", reply.body);
        text.push_str(&record::entry_line(T0 + ms, Some(&target), bytes.as_bytes(), &reply));
    }
    let replayed = record::replay(&text).unwrap();
    assert_eq!((replayed.requests, replayed.mismatch.is_none()), (7, true));
    let tampered = text.replacen("Stopping Active Deployment", "Stopping", 1);
    assert_ne!(tampered, text);
    let (line, _, _) = record::replay(&tampered)
        .unwrap()
        .mismatch
        .expect("a difference is found");
    assert_eq!(line, 6, "the header, then the fifth request");
}

/// A minimal HTTP/1.1 client: one request per connection.
pub fn post(port: u16, target: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: {target}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer before reading an oversized body; a reset write is fine then.
    let _ = stream.write_all(body);
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

/// Starts `cdsim serve` on a free loopback port; returns the child and the port.
pub fn start(args: &[&str]) -> (std::process::Child, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = child.stdout.take().unwrap();
    let mut byte = [0u8];
    while out.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0] as char);
    }
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    (child, port)
}

#[test]
fn serve_process_records_shuts_down_on_ctrl_c_and_replays() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("session.jsonl");
    let scenario = format!("{}/scenarios/manual-stop.yaml", env!("CARGO_MANIFEST_DIR"));
    let (mut child, port) = start(&[
        "--speed",
        "max",
        "--scenario",
        &scenario,
        "--record",
        file.to_str().unwrap(),
    ]);
    let op = |name: &str| format!("CodeDeploy_20141006.{name}");
    let group = br#"{"applicationName": "manual-stop", "deploymentGroupName": "manual-stop"}"#;
    let (status, created) = post(port, &op("CreateDeployment"), group);
    assert_eq!(status, 200, "{created}");
    let id: Value = serde_json::from_str(&created).unwrap();
    let get = json!({"deploymentId": id["deploymentId"]}).to_string();
    let (_, got) = post(port, &op("GetDeployment"), get.as_bytes());
    assert!(
        got.contains("\"status\":\"Stopped\""),
        "max runs to the end (the scenario stops it): {got}"
    );
    let huge = vec![b' '; 2 << 20];
    let (status, body) = post(port, &op("ListApplications"), &huge);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("SerializationException"), "{body}");
    let (status, _) = post(port, &op("ListApplications"), b"{}");
    assert_eq!(status, 200, "still serving after a hostile request");
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success(), "Ctrl-C is a clean exit");
    let out = Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .arg("replay")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The oversized body never reached the service: it is answered, not recorded.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "3 responses reproduced byte for byte\n"
    );
}

const EXTERNAL_HOOK: &str = r#"name: hooked
computePlatform: Lambda
deploymentConfigName: CodeDeployDefault.LambdaAllAtOnce
lambdaFunction: {functionName: orders, alias: live, currentVersion: "1", targetVersion: "2"}
hookFunctions:
  BeforeAllowTraffic: {function: pre_traffic, external: "http://127.0.0.1:9/hook"}
"#;

#[test]
fn an_external_hook_waits_for_the_users_status_or_times_out_after_an_hour() {
    let mut s = Service::new(7, T0, &[("hooked.yaml".into(), EXTERNAL_HOOK.into())]).unwrap();
    let group = json!({"applicationName": "hooked", "deploymentGroupName": "hooked"});
    let id = ok(&mut s, "CreateDeployment", group.clone(), 0.0)["deploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    let start = s.settle(T0);
    assert!(
        s.due_invocations(start - 1).is_empty(),
        "not invoked before the event starts"
    );
    let due = s.due_invocations(start);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].0, "http://127.0.0.1:9/hook");
    let payload: Value = serde_json::from_str(&due[0].1).unwrap();
    assert_eq!(payload["DeploymentId"], json!(id));
    let execution = payload["LifecycleEventHookExecutionId"].as_str().unwrap().to_string();
    assert!(s.due_invocations(start + 1).is_empty(), "sent once");
    assert_eq!(s.settle(start + 1000), start + 1000, "max waits for the user's answer");
    let at = (start - T0) as f64 / 1000.0 + 30.0;
    let bad = json!({"deploymentId": id, "lifecycleEventHookExecutionId": execution, "status": "Maybe"});
    assert_eq!(
        err(&mut s, "PutLifecycleEventHookExecutionStatus", bad, at),
        "InvalidLifecycleEventHookExecutionStatusException"
    );
    let answer = json!({"deploymentId": id, "lifecycleEventHookExecutionId": execution, "status": "Succeeded"});
    ok(&mut s, "PutLifecycleEventHookExecutionStatus", answer.clone(), at);
    let done = info(&mut s, &id, 1e5);
    assert_eq!(done["status"], "Succeeded");
    let target = ok(&mut s, "ListDeploymentTargets", json!({"deploymentId": id}), 1e5)["targetIds"][0].clone();
    let got = ok(
        &mut s,
        "GetDeploymentTarget",
        json!({"deploymentId": id, "targetId": target}),
        1e5,
    );
    let lambda = &got["deploymentTarget"]["lambdaTarget"];
    let hook = lambda["lifecycleEvents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["lifecycleEventName"] == "BeforeAllowTraffic")
        .unwrap()
        .clone();
    assert_eq!(
        hook["endTime"].as_f64().unwrap() - hook["startTime"].as_f64().unwrap(),
        30.0,
        "it reported after 30 s"
    );
    assert_eq!(
        err(&mut s, "PutLifecycleEventHookExecutionStatus", answer, 1e5),
        "LifecycleEventAlreadyCompletedException"
    );

    let unanswered = ok(&mut s, "CreateDeployment", group, 2e5)["deploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    let hour_later = info(&mut s, &unanswered, 2e5 + 3700.0);
    assert_eq!(
        hour_later["status"], "Failed",
        "no status within the hour: {hour_later}"
    );
}

#[test]
fn bad_serve_arguments_and_non_loopback_hooks_are_input_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .args(["serve", "--speed", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--speed: expected a positive number or `max`"));
    let remote = EXTERNAL_HOOK.replace("http://127.0.0.1:9/hook", "http://hooks.example.com/x");
    let problems = Service::new(7, T0, &[("remote.yaml".into(), remote)])
        .err()
        .expect("refused")
        .to_string();
    assert!(problems.starts_with("remote.yaml:6:"), "{problems}");
    assert!(problems.contains("external must be a loopback URL"), "{problems}");
}

#[test]
fn continue_deployment_with_termination_wait_ends_the_wait_for_the_original_task_set() {
    let (mut s, id) = ecs_deployment();
    let end = completion(&mut s, &id);
    let wait = json!({"deploymentId": id, "deploymentWaitType": "TERMINATION_WAIT"});
    assert_eq!(
        err(&mut s, "ContinueDeployment", wait.clone(), 60.0),
        "DeploymentIsNotInReadyStateException"
    );
    let bogus = json!({"deploymentId": id, "deploymentWaitType": "LUNCH_BREAK"});
    assert_eq!(
        err(&mut s, "ContinueDeployment", bogus, 60.0),
        "InvalidDeploymentWaitTypeException"
    );
    ok(&mut s, "ContinueDeployment", wait, end - 1800.0);
    let sooner = completion(&mut s, &id);
    assert!(
        sooner < end - 1700.0 && sooner >= end - 1800.0,
        "the hour's wait ended half-way: {sooner} vs {end}"
    );
    assert_eq!(info(&mut s, &id, sooner)["status"], "Succeeded");
}

/// Operations to throw arbitrary bodies at.
const OPERATIONS: [&str; 12] = [
    "CreateApplication",
    "CreateDeploymentGroup",
    "UpdateDeploymentGroup",
    "CreateDeployment",
    "GetDeployment",
    "StopDeployment",
    "ContinueDeployment",
    "ListDeployments",
    "BatchGetDeploymentTargets",
    "CreateDeploymentConfig",
    "PutLifecycleEventHookExecutionStatus",
    "DeleteDeploymentGroup",
];

/// A JSON value of the shapes requests use, with the names the service knows.
fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let names = prop::sample::select(vec![
        "shop",
        "prod",
        "d-000000003",
        "i-0000",
        "",
        "CodeDeployDefault.AllAtOnce",
        "READY_WAIT",
        "Failed",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        names.prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let keys = prop::sample::select(vec![
            "applicationName",
            "deploymentGroupName",
            "deploymentId",
            "serviceRoleArn",
            "deploymentConfigName",
            "autoRollbackConfiguration",
            "enabled",
            "events",
            "targetIds",
            "minimumHealthyHosts",
            "type",
            "value",
            "status",
            "createTimeRange",
            "start",
            "includeOnlyStatuses",
            "other",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]
    /// Whatever the body, every operation answers 200 or an AWS-shaped 400; never a panic.
    #[test]
    fn arbitrary_request_bodies_get_an_answer_never_a_panic(
        requests in proptest::collection::vec((0..OPERATIONS.len(), json_value(), 0u64..10_000_000), 1..8),
        noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
    ) {
        let mut s = shop(&[]);
        deploy(&mut s, "v2", 0.0);
        for (op, body, at) in requests {
            let target = format!("CodeDeploy_20141006.{}", OPERATIONS[op]);
            for bytes in [body.to_string().into_bytes(), noise.clone()] {
                let reply = s.handle(Some(&target), &bytes, T0 + at);
                let v: Value = serde_json::from_str(&reply.body).unwrap();
                proptest::prop_assert!(reply.status == 200 || (reply.status == 400 && v["__type"].is_string()), "{reply:?}");
            }
        }
    }
}

/// Every item of a List* operation, page by page, following `nextToken`; and the pages' sizes.
fn walk(s: &mut Service, op: &str, body: Value, key: &str, at: f64) -> (Vec<Value>, Vec<usize>) {
    let (mut items, mut sizes, mut request) = (Vec::new(), Vec::new(), body.clone());
    loop {
        let page = ok(s, op, request.clone(), at);
        let got = page[key].as_array().unwrap();
        sizes.push(got.len());
        items.extend(got.iter().cloned());
        match page.get("nextToken") {
            Some(token) => request["nextToken"] = token.clone(),
            None => return (items, sizes),
        }
    }
}

#[test]
fn lists_longer_than_a_page_come_a_hundred_at_a_time_with_a_next_token() {
    let big = "name: big\nfleet: {instances: 150}\ndeploymentConfigName: CodeDeployDefault.AllAtOnce\n";
    let mut s = Service::new(7, T0, &[("big.yaml".into(), big.into())]).unwrap();
    let names: Vec<String> = (0..120).map(|i| format!("app-{i:03}")).collect();
    for name in &names {
        ok(&mut s, "CreateApplication", json!({"applicationName": name}), 0.0);
    }
    let (apps, sizes) = walk(&mut s, "ListApplications", json!({}), "applications", 1.0);
    assert_eq!(sizes, [100, 21]);
    assert_eq!(apps[..120], names.iter().map(|n| json!(n)).collect::<Vec<_>>()[..]);
    assert_eq!(apps[120], "big");
    for i in 0..90 {
        let body = json!({"deploymentConfigName": format!("c{i:02}"),
            "minimumHealthyHosts": {"type": "HOST_COUNT", "value": 1}});
        ok(&mut s, "CreateDeploymentConfig", body, 1.0);
    }
    let (configs, sizes) = walk(&mut s, "ListDeploymentConfigs", json!({}), "deploymentConfigsList", 1.0);
    assert_eq!((configs.len(), sizes), (17 + 90, vec![100, 7]));
    for i in 0..105 {
        let body = json!({"applicationName": "big", "deploymentGroupName": format!("g{i:03}"),
            "serviceRoleArn": "r"});
        ok(&mut s, "CreateDeploymentGroup", body, 1.0);
    }
    let (groups, sizes) = walk(
        &mut s,
        "ListDeploymentGroups",
        json!({"applicationName": "big"}),
        "deploymentGroups",
        1.0,
    );
    assert_eq!((groups.len(), sizes), (106, vec![100, 6]));
    let id = ok(
        &mut s,
        "CreateDeployment",
        json!({"applicationName": "big", "deploymentGroupName": "big"}),
        2.0,
    )["deploymentId"]
        .clone();
    let (targets, sizes) = walk(
        &mut s,
        "ListDeploymentTargets",
        json!({"deploymentId": id}),
        "targetIds",
        3.0,
    );
    assert_eq!((targets.len(), sizes), (150, vec![100, 50]));
    assert_eq!(
        (targets[0].clone(), targets[149].clone()),
        (json!("i-0000"), json!("i-0149"))
    );
    for i in 0..101 {
        let body = json!({"applicationName": "big", "deploymentGroupName": format!("g{i:03}")});
        ok(&mut s, "CreateDeployment", body, 4.0);
    }
    let (deployments, sizes) = walk(&mut s, "ListDeployments", json!({}), "deployments", 5.0);
    assert_eq!((deployments.len(), sizes), (102, vec![100, 2]));
    assert_eq!(deployments[101], id, "newest first");
    let page = ok(&mut s, "ListDeployments", json!({}), 5.0);
    let token = page["nextToken"].as_str().unwrap().to_string();
    for bad in [
        "",
        "nonsense",
        "ListDeployments:",
        "ListDeployments:-1",
        "ListDeployments:102",
    ] {
        let kind = err(&mut s, "ListDeployments", json!({"nextToken": bad}), 5.0);
        assert_eq!(kind, "InvalidNextTokenException", "{bad:?}");
    }
    let other = err(&mut s, "ListApplications", json!({"nextToken": token}), 5.0);
    assert_eq!(other, "InvalidNextTokenException", "a token of another list");
}

/// Deploys to a group at `at` and reads the deployment long after: (status, error code).
fn outcome(s: &mut Service, app: &str, group: &str, description: &str, at: f64) -> (String, String) {
    let body = json!({"applicationName": app, "deploymentGroupName": group, "description": description});
    let id = ok(s, "CreateDeployment", body, at)["deploymentId"].clone();
    let d = ok(s, "GetDeployment", json!({"deploymentId": id}), at + 50_000.0)["deploymentInfo"].clone();
    let code = d["errorInformation"]["code"].as_str().unwrap_or("").to_string();
    (d["status"].as_str().unwrap().to_string(), code)
}

#[test]
fn a_bad_revision_fails_ecs_lambda_and_ec2_blue_green_deployments_too() {
    let mut s = service(&[
        "lambda-canary.yaml",
        "compare-lambda.yaml",
        "ecs-all-at-once.yaml",
        "ec2-blue-green.yaml",
    ]);
    let bad = format!("v9 {BAD_REVISION_MARK}");
    // ECS, a group made through the API: the replacement's tasks never become healthy.
    ok(
        &mut s,
        "CreateApplication",
        json!({"applicationName": "svc", "computePlatform": "ECS"}),
        0.0,
    );
    let group = json!({"applicationName": "svc", "deploymentGroupName": "prod", "serviceRoleArn": "r"});
    ok(&mut s, "CreateDeploymentGroup", group, 0.0);
    assert_eq!(outcome(&mut s, "svc", "prod", "v2", 0.0).0, "Succeeded");
    assert_eq!(outcome(&mut s, "svc", "prod", &bad, 1e5).0, "Failed");
    // Lambda with hook functions: they report Failed.
    let (status, code) = outcome(&mut s, "lambda-canary", "lambda-canary", &bad, 0.0);
    assert_eq!((status.as_str(), code.as_str()), ("Failed", "HOOK_EXECUTION_FAILURE"));
    assert_eq!(
        outcome(&mut s, "lambda-canary", "lambda-canary", "v2", 1e5).0,
        "Succeeded"
    );
    // A scenario's own `faultModel.badRevision` (a version failing 20 %) trips its alarm.
    let (status, code) = outcome(&mut s, "compare-lambda", "compare-lambda", &bad, 0.0);
    assert_eq!((status.as_str(), code.as_str()), ("Stopped", "ALARM_ACTIVE"));
    assert_eq!(
        outcome(&mut s, "compare-lambda", "compare-lambda", "v2", 1e5).0,
        "Succeeded"
    );
    // ECS from a scenario, unchanged otherwise.
    assert_eq!(
        outcome(&mut s, "ecs-all-at-once", "ecs-all-at-once", &bad, 0.0).0,
        "Failed"
    );
    // EC2 blue/green: the replacement instances fail their Install step.
    assert_eq!(
        outcome(&mut s, "ec2-blue-green", "ec2-blue-green", "v2", 0.0).0,
        "Succeeded"
    );
    assert_eq!(
        outcome(&mut s, "ec2-blue-green", "ec2-blue-green", &bad, 1e5).0,
        "Failed"
    );
}

#[test]
fn stop_deployment_stops_a_running_rollback_which_does_not_roll_back_again() {
    let mut s = shop(&[]);
    let id = deploy(&mut s, "v2", 0.0);
    ok(
        &mut s,
        "StopDeployment",
        json!({"deploymentId": id, "autoRollbackEnabled": true}),
        20.0,
    );
    let rollback = info(&mut s, &id, 1e5)["rollbackInfo"]["rollbackDeploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    let created = info(&mut s, &rollback, 1e5)["createTime"].as_f64().unwrap() - T0 as f64 / 1000.0;
    let running = info(&mut s, &rollback, created + 8.0);
    assert_eq!(running["status"], "InProgress");
    let stopped = ok(
        &mut s,
        "StopDeployment",
        json!({"deploymentId": rollback, "autoRollbackEnabled": true}),
        created + 8.0,
    );
    assert_eq!(stopped["status"], "Pending");
    let end = completion(&mut s, &rollback);
    assert!(end > created + 8.0, "the running events finish first: {end}");
    let midway = (created + 8.0 + end) / 2.0;
    ok(&mut s, "StopDeployment", json!({"deploymentId": rollback}), midway);
    assert_eq!(completion(&mut s, &rollback), end, "a second stop changes nothing");
    let done = info(&mut s, &rollback, 1e5);
    assert_eq!(done["status"], "Stopped");
    assert_eq!(done["errorInformation"]["code"], "MANUAL_STOP");
    assert!(done["deploymentOverview"]["Succeeded"].as_u64().unwrap() < 4, "{done}");
    assert!(done["rollbackInfo"].get("rollbackDeploymentId").is_none());
    let listed = ok(&mut s, "ListDeployments", json!({}), 1e5);
    assert_eq!(
        listed["deployments"],
        json!([rollback, id]),
        "no rollback of the rollback"
    );
    assert_eq!(info(&mut s, &id, 1e5)["status"], "Stopped", "the first is unchanged");
    assert_eq!(
        err(&mut s, "StopDeployment", json!({"deploymentId": rollback}), 1e5),
        "DeploymentAlreadyCompletedException"
    );
}

/// A Lambda application `fn` and its group `name` (a five-minute canary, rolling back on
/// alarms) with this `alarmConfiguration`.
fn lambda_group(s: &mut Service, name: &str, alarms: Value) -> Result<Value, (String, String)> {
    if call(s, "GetApplication", json!({"applicationName": "fn"}), 0.0).is_err() {
        ok(
            s,
            "CreateApplication",
            json!({"applicationName": "fn", "computePlatform": "Lambda"}),
            0.0,
        );
    }
    let group = json!({"applicationName": "fn", "deploymentGroupName": name, "serviceRoleArn": "r",
        "deploymentConfigName": "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        "autoRollbackConfiguration": {"enabled": true, "events": ["DEPLOYMENT_STOP_ON_ALARM"]},
        "alarmConfiguration": alarms});
    call(s, "CreateDeploymentGroup", group, 0.0)
}

#[test]
fn alarms_named_by_an_api_group_are_simulated_from_a_scenario_or_by_default() {
    let mut s = service(&["lambda-alarm-rollback.yaml"]);
    let alarm = |name: &str| json!({"enabled": true, "alarms": [{"name": name}]});
    lambda_group(&mut s, "named", alarm("checkout-new-version-errors")).unwrap();
    lambda_group(&mut s, "default", alarm("fn-errors")).unwrap();
    lambda_group(
        &mut s,
        "off",
        json!({"enabled": false, "alarms": [{"name": "fn-errors"}]}),
    )
    .unwrap();
    let echoed = ok(
        &mut s,
        "GetDeploymentGroup",
        json!({"applicationName": "fn", "deploymentGroupName": "named"}),
        0.0,
    );
    assert_eq!(
        echoed["deploymentGroupInfo"]["alarmConfiguration"],
        alarm("checkout-new-version-errors")
    );
    let bad = format!("v2 {BAD_REVISION_MARK}");
    let mut stopped_at = Vec::new();
    for group in ["named", "default"] {
        assert_eq!(outcome(&mut s, "fn", group, "v1", 0.0).0, "Succeeded", "{group}");
        let id = ok(
            &mut s,
            "CreateDeployment",
            json!({"applicationName": "fn", "deploymentGroupName": group, "description": bad}),
            1e5,
        )["deploymentId"]
            .clone();
        let d = ok(&mut s, "GetDeployment", json!({"deploymentId": id}), 2e5)["deploymentInfo"].clone();
        assert_eq!(
            (d["status"].clone(), d["errorInformation"]["code"].clone()),
            (json!("Stopped"), json!("ALARM_ACTIVE"))
        );
        assert!(d["rollbackInfo"]["rollbackDeploymentId"].is_string(), "{d}");
        stopped_at.push(d["completeTime"].as_f64().unwrap());
    }
    assert!(
        stopped_at[0] > stopped_at[1],
        "the scenario's alarm (2 of 3 periods) stops later than the default (1 of 1): {stopped_at:?}"
    );
    // Alarms disabled: with neither hooks nor alarms, nothing detects the bad version.
    assert_eq!(outcome(&mut s, "fn", "off", &bad, 0.0).0, "Succeeded");
    let update =
        json!({"applicationName": "fn", "currentDeploymentGroupName": "off", "alarmConfiguration": alarm("x")});
    ok(&mut s, "UpdateDeploymentGroup", update, 1e5);
    assert_eq!(
        outcome(&mut s, "fn", "off", &bad, 1e5).1,
        "ALARM_ACTIVE",
        "the update applies"
    );
    let eleven: Vec<Value> = (0..11).map(|i| json!({"name": format!("a{i}")})).collect();
    let too_many = lambda_group(&mut s, "many", json!({"enabled": true, "alarms": eleven}));
    assert_eq!(too_many.unwrap_err().0, "AlarmsLimitExceededException");
    let none = lambda_group(&mut s, "none", json!({"enabled": true, "alarms": []}));
    assert_eq!(none.unwrap_err().0, "InvalidAlarmConfigException");
}

#[test]
fn update_deployment_group_rebuilds_an_api_groups_fleet_for_the_next_deployment() {
    let mut s = shop(&[]);
    let block_traffic = |s: &mut Service, id: &Value| {
        let target = ok(
            s,
            "GetDeploymentTarget",
            json!({"deploymentId": id, "targetId": "i-0000"}),
            1e6,
        );
        let events = target["deploymentTarget"]["instanceTarget"]["lifecycleEvents"].clone();
        let block = events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["lifecycleEventName"] == "BlockTraffic");
        block.map(|e| e["status"].clone())
    };
    let body = json!({"applicationName": "shop", "deploymentGroupName": "prod"});
    let first = ok(&mut s, "CreateDeployment", body.clone(), 0.0)["deploymentId"].clone();
    assert_eq!(
        block_traffic(&mut s, &first),
        None,
        "no load balancer: no traffic events"
    );
    let lb = json!({"applicationName": "shop", "currentDeploymentGroupName": "prod",
        "loadBalancerInfo": {"targetGroupInfoList": [{"name": "shop-tg"}]}});
    ok(&mut s, "UpdateDeploymentGroup", lb, 1e4);
    let second = ok(&mut s, "CreateDeployment", body.clone(), 1e4)["deploymentId"].clone();
    assert_eq!(
        block_traffic(&mut s, &second),
        Some(json!("Succeeded")),
        "behind the new load balancer"
    );
    let info = ok(&mut s, "GetDeployment", json!({"deploymentId": second}), 1e6)["deploymentInfo"].clone();
    assert_eq!(
        info["deploymentConfigName"], "CodeDeployDefault.HalfAtATime",
        "settings kept"
    );
    let bg = json!({"applicationName": "shop", "currentDeploymentGroupName": "prod",
        "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}});
    ok(&mut s, "UpdateDeploymentGroup", bg, 2e4);
    let third = ok(&mut s, "CreateDeployment", body, 2e4)["deploymentId"].clone();
    let info = ok(&mut s, "GetDeployment", json!({"deploymentId": third}), 1e6)["deploymentInfo"].clone();
    assert_eq!(info["deploymentStyle"]["deploymentType"], "BLUE_GREEN");
    assert_eq!(info["status"], "Succeeded");
}

#[test]
fn stop_deployment_stops_a_running_ec2_blue_green_rollback() {
    let mut s = service(&["ec2-blue-green-rollback.yaml"]);
    let name = "ec2-blue-green-rollback";
    let body = json!({"applicationName": name, "deploymentGroupName": name});
    let id = ok(&mut s, "CreateDeployment", body, 0.0)["deploymentId"].clone();
    let first = ok(&mut s, "GetDeployment", json!({"deploymentId": id}), 1e5)["deploymentInfo"].clone();
    let rollback = first["rollbackInfo"]["rollbackDeploymentId"]
        .as_str()
        .unwrap()
        .to_string();
    let created = info(&mut s, &rollback, 1e5)["createTime"].as_f64().unwrap() - T0 as f64 / 1000.0;
    let end = completion(&mut s, &rollback);
    assert!(end > created + 10.0, "the rollback takes a while: {created} to {end}");
    assert_eq!(info(&mut s, &rollback, 1e5)["status"], "Succeeded", "unless stopped");
    let stopped = ok(
        &mut s,
        "StopDeployment",
        json!({"deploymentId": rollback}),
        created + 5.0,
    );
    assert_eq!(stopped["status"], "Pending");
    let done = info(&mut s, &rollback, 1e5);
    assert_eq!(done["status"], "Stopped");
    assert_eq!(done["errorInformation"]["code"], "MANUAL_STOP");
    let stopped_at = completion(&mut s, &rollback);
    assert!(created + 5.0 <= stopped_at && stopped_at < end, "{stopped_at}");
    let listed = ok(&mut s, "ListDeployments", json!({}), 1e5);
    assert_eq!(
        listed["deployments"],
        json!([rollback, id]),
        "no rollback of the rollback"
    );
}

/// A group in two zones whose alarm is evaluated every 10 s while a deployment runs.
const ZONED: &str = "name: zoned\nfleet: {instances: 4, availabilityZones: [a, b]}\n\
    deploymentConfigName: CodeDeployDefault.OneAtATime\nalarmConfiguration:\n  alarms:\n    \
    - {name: healthy, metric: healthyCount, period: 10s, threshold: 1, comparisonOperator: LessThanThreshold}\n";

/// The service simulates a deployment when a client creates it: a configuration made through
/// the API can ask for more work than one simulation may do (README.md "Limits"), or more
/// memory than the endpoint had; CreateDeployment refuses it with the limit named and makes
/// no deployment, and the group deploys under its own configuration afterwards.
#[test]
fn create_deployment_refuses_a_simulation_beyond_the_work_budget_or_the_memory() {
    let mut s = Service::new(7, T0, &[("zoned.yaml".into(), ZONED.into())]).unwrap();
    let long_bake = json!({"deploymentConfigName": "LongBake", "computePlatform": "Server",
        "minimumHealthyHosts": {"type": "HOST_COUNT", "value": 1},
        "zonalConfig": {"monitorDurationInSeconds": 4_000_000_000u64,
            "minimumHealthyHostsPerZone": {"type": "HOST_COUNT", "value": 0}}});
    ok(&mut s, "CreateDeploymentConfig", long_bake, 0.0);
    let create = |config: Option<&str>| {
        let mut body = json!({"applicationName": "zoned", "deploymentGroupName": "zoned"});
        if let Some(c) = config {
            body["deploymentConfigName"] = json!(c);
        }
        body
    };
    let started = std::time::Instant::now();
    let (kind, message) = call(&mut s, "CreateDeployment", create(Some("LongBake")), 1.0).unwrap_err();
    assert_eq!(kind, "DeploymentLimitExceededException");
    assert!(
        message.contains("about 4.0e8 metric periods") && message.contains("the 5e7 a run may"),
        "{message}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "refused before simulating"
    );
    assert_eq!(ok(&mut s, "ListDeployments", json!({}), 1.0)["deployments"], json!([]));
    // Memory: every deployment needs the program's base figure at least.
    s.memory_limit = Some(1 << 20);
    let (kind, message) = call(&mut s, "CreateDeployment", create(None), 2.0).unwrap_err();
    assert_eq!(kind, "DeploymentLimitExceededException");
    assert!(
        message.contains("MiB to simulate") && message.contains("1 MiB when it started"),
        "{message}"
    );
    s.memory_limit = None;
    let id = ok(&mut s, "CreateDeployment", create(None), 3.0)["deploymentId"].clone();
    assert_eq!(
        ok(&mut s, "ListDeployments", json!({}), 3.0)["deployments"],
        json!([id])
    );
}

/// A record keeps the memory bound the endpoint started with, so its replay refuses the same
/// deployments.
#[test]
fn a_replay_refuses_what_the_recorded_memory_bound_refused() {
    let header = Header {
        format: record::FORMAT.to_string(),
        seed: 7,
        started: T0,
        speed: "max".into(),
        scenarios: vec![("zoned.yaml".into(), ZONED.into())],
        memory_limit: Some(1 << 20),
    };
    let mut s = Service::new(7, T0, &header.scenarios).unwrap();
    s.memory_limit = header.memory_limit;
    let mut text = record::header_line(&header);
    let target = "CodeDeploy_20141006.CreateDeployment";
    let body = json!({"applicationName": "zoned", "deploymentGroupName": "zoned"}).to_string();
    let reply = s.handle(Some(target), body.as_bytes(), T0);
    assert_eq!(reply.status, 400, "{}", reply.body);
    text.push_str(&record::entry_line(T0, Some(target), body.as_bytes(), &reply));
    let replayed = record::replay(&text).unwrap();
    assert_eq!((replayed.requests, replayed.mismatch.is_none()), (1, true));
    // Without the bound the replay makes the deployment: the record's answer differs.
    let unbounded = text.replacen(",\"memoryLimit\":1048576", "", 1);
    assert_ne!(unbounded, text);
    assert!(record::replay(&unbounded).unwrap().mismatch.is_some());
}
