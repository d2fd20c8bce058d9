//! What a client sees of a simulated deployment at an instant: the finished report read as
//! of that instant. A lifecycle event is `InProgress` from its start to its end, `Pending`
//! before; a target is `InProgress` from its first event's start until its last event ends;
//! an EC2 blue/green replacement is `Ready` from the end of its install until its rerouting
//! begins (§6.1, §9); a deployment is `InProgress` (or `Ready`, in a ready wait) until its
//! completion. The target fields (`targetArn`, `lastUpdatedAt`) follow the report's rules.
//!
//! Not here: running the simulation (`run.rs`), or what is listed (`service.rs`).

use serde_json::{Map, Value, json};

use crate::report::{DeploymentInfo, LifecycleEventInfo, TargetInfo};

/// An instant in epoch milliseconds, the service's clock.
pub type Instant = u64;

/// Epoch seconds, as AWS JSON 1.1 writes timestamps, from epoch milliseconds.
pub fn epoch_seconds(ms: Instant) -> Value {
    json!(ms as f64 / 1000.0)
}

/// Seconds since the run's creation, as milliseconds on the service's clock.
pub fn at(created: Instant, seconds: f64) -> Instant {
    created + (seconds * 1000.0).round() as u64
}

/// A lifecycle event's status `t` seconds after the run's creation.
fn event_status(e: &LifecycleEventInfo, t: f64) -> &'static str {
    match (e.start_time, e.end_time) {
        (Some(s), Some(end)) if s <= t && end <= t => e.status,
        (Some(s), _) if s <= t => "InProgress",
        _ => "Pending",
    }
}

/// A target's status at `t`; `complete` when its deployment has ended by then.
pub fn target_status(target: &TargetInfo, t: f64, complete: bool) -> &'static str {
    if complete {
        return target.status;
    }
    let started = target
        .lifecycle_events
        .iter()
        .any(|e| e.start_time.is_some_and(|s| s <= t));
    let last_end = target
        .lifecycle_events
        .iter()
        .filter_map(|e| e.end_time)
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
    let unfinished = target
        .lifecycle_events
        .iter()
        .any(|e| e.end_time.is_none() && e.status != "Skipped");
    match last_end {
        Some(end) if end <= t && !unfinished && target.status != "Skipped" => target.status,
        _ if waits_for_traffic(target, t) => "Ready",
        _ if started => "InProgress",
        _ => "Pending",
    }
}

/// An EC2 blue/green replacement (`Green`) whose last event begun by `t` is its install's
/// last, ValidateService, ended and succeeded: it has the revision and waits for traffic.
fn waits_for_traffic(target: &TargetInfo, t: f64) -> bool {
    target.instance_label == Some("Green")
        && target
            .lifecycle_events
            .iter()
            .rfind(|e| e.start_time.is_some_and(|s| s <= t))
            .is_some_and(|e| {
                e.lifecycle_event_name == "ValidateService"
                    && e.status == "Succeeded"
                    && e.end_time.is_some_and(|end| end <= t)
            })
}

/// The deployment's status at `t`.
pub fn deployment_status(d: &DeploymentInfo, t: f64) -> &'static str {
    if t >= d.complete_time {
        d.status
    } else if d
        .phases
        .iter()
        .any(|p| p.name == "ready" && p.start_time <= t && t < p.end_time)
    {
        "Ready"
    } else if t <= d.create_time {
        "Created"
    } else {
        "InProgress"
    }
}

/// `lifecycleEvents` at `t`, with epoch-second times.
fn lifecycle_events(target: &TargetInfo, created: Instant, t: f64) -> Value {
    let events: Vec<Value> = target
        .lifecycle_events
        .iter()
        .map(|e| {
            let status = event_status(e, t);
            let mut m = Map::new();
            m.insert("lifecycleEventName".into(), json!(e.lifecycle_event_name));
            if let Some(s) = e.start_time.filter(|s| *s <= t) {
                m.insert("startTime".into(), epoch_seconds(at(created, s)));
            }
            if let Some(end) = e.end_time.filter(|end| *end <= t && status != "InProgress") {
                m.insert("endTime".into(), epoch_seconds(at(created, end)));
            }
            m.insert("status".into(), json!(status));
            if let Some(d) = e.diagnostics.as_ref().filter(|_| status == e.status) {
                let mut diag = json!({"errorCode": d.error_code, "message": d.message, "logTail": ""});
                if let Some(script) = &d.script_name {
                    diag["scriptName"] = json!(&**script);
                }
                m.insert("diagnostics".into(), diag);
            }
            Value::Object(m)
        })
        .collect();
    Value::Array(events)
}

/// One entry of `deploymentTargets`: `{deploymentTargetType, instanceTarget|ecsTarget|lambdaTarget}`.
pub fn deployment_target(d: &DeploymentInfo, id: &str, target: &TargetInfo, created: Instant, t: f64) -> Value {
    let complete = t >= d.complete_time;
    let mut m = Map::new();
    m.insert("deploymentId".into(), json!(id));
    m.insert("targetId".into(), json!(target.target_id));
    m.insert("targetArn".into(), json!(target.target_arn));
    m.insert("status".into(), json!(target_status(target, t, complete)));
    let updated = target.last_updated_at_by(d.create_time, d.complete_time, t);
    m.insert("lastUpdatedAt".into(), epoch_seconds(at(created, updated)));
    m.insert("lifecycleEvents".into(), lifecycle_events(target, created, t));
    if let Some(label) = target.instance_label {
        m.insert("instanceLabel".into(), json!(label));
    }
    let (kind, key) = match d.compute_platform {
        "ECS" => {
            if let Some(info) = &target.task_sets_info {
                m.insert("taskSetsInfo".into(), serde_json::to_value(info).expect("serializes"));
            }
            ("ECSTarget", "ecsTarget")
        }
        "Lambda" => {
            if let Some(info) = &target.lambda_function_info {
                m.insert(
                    "lambdaFunctionInfo".into(),
                    serde_json::to_value(info).expect("serializes"),
                );
            }
            ("LambdaTarget", "lambdaTarget")
        }
        _ => ("InstanceTarget", "instanceTarget"),
    };
    json!({"deploymentTargetType": kind, key: Value::Object(m)})
}

/// `deploymentOverview` at `t`.
pub fn overview(d: &DeploymentInfo, t: f64) -> Value {
    let complete = t >= d.complete_time;
    let mut counts = [0u32; 6];
    for target in &d.targets {
        let i = match target_status(target, t, complete) {
            "Pending" => 0,
            "InProgress" => 1,
            "Succeeded" => 2,
            "Failed" => 3,
            "Skipped" => 4,
            "Ready" => 5,
            other => unreachable!("a target status the overview does not count: {other}"),
        };
        counts[i] += 1;
    }
    json!({"Pending": counts[0], "InProgress": counts[1], "Succeeded": counts[2],
           "Failed": counts[3], "Skipped": counts[4], "Ready": counts[5]})
}
