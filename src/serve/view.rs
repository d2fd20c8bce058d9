//! What a client sees of a simulated deployment at an instant: the finished report read as
//! of that instant. A lifecycle event is `InProgress` from its start to its end, `Pending`
//! before; a target is `InProgress` from its first event's start until its last event ends;
//! a deployment is `InProgress` (or `Ready`, in a ready wait) until its completion.
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
        _ if started => "InProgress",
        _ => "Pending",
    }
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

/// The time a target last changed, at `t`.
fn last_updated(target: &TargetInfo, t: f64) -> f64 {
    target
        .lifecycle_events
        .iter()
        .flat_map(|e| [e.start_time, e.end_time])
        .flatten()
        .filter(|x| *x <= t)
        .fold(0.0, f64::max)
}

/// One entry of `deploymentTargets`: `{deploymentTargetType, instanceTarget|ecsTarget|lambdaTarget}`.
pub fn deployment_target(d: &DeploymentInfo, id: &str, target: &TargetInfo, created: Instant, t: f64) -> Value {
    let complete = t >= d.complete_time;
    let mut m = Map::new();
    m.insert("deploymentId".into(), json!(id));
    m.insert("targetId".into(), json!(target.target_id));
    m.insert(
        "targetArn".into(),
        json!(target_arn(d.compute_platform, &target.target_id)),
    );
    m.insert("status".into(), json!(target_status(target, t, complete)));
    m.insert(
        "lastUpdatedAt".into(),
        epoch_seconds(at(created, last_updated(target, t))),
    );
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

/// A made-up but well-formed ARN for a simulated target.
fn target_arn(platform: &str, target_id: &str) -> String {
    match platform {
        "ECS" => format!(
            "arn:aws:ecs:us-east-1:000000000000:service/{}",
            target_id.replace(':', "/")
        ),
        "Lambda" => format!("arn:aws:lambda:us-east-1:000000000000:function:{target_id}"),
        _ => format!("arn:aws:ec2:us-east-1:000000000000:instance/{target_id}"),
    }
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
            _ => 5,
        };
        counts[i] += 1;
    }
    json!({"Pending": counts[0], "InProgress": counts[1], "Succeeded": counts[2],
           "Failed": counts[3], "Skipped": counts[4], "Ready": counts[5]})
}
