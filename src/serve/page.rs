//! The live page (`GET /`) and the state it polls (`GET /state`): applications, deployment
//! groups, deployments with their status and targets, and for each deployment the series
//! of its chart up to the current simulated instant (instances in service and on the new
//! revision for EC2/on-premises; the replacement's share of traffic for ECS and Lambda).
//!
//! Not here: serving it (`http.rs`).

use serde_json::{Value, json};

use super::service::Service;
use super::view::{self, Instant};

/// The page: static HTML whose script polls `/state` once a second.
pub const PAGE: &str = include_str!("page.html");

/// The state the page shows, at `now`.
pub fn state(service: &Service, now: Instant) -> Value {
    let applications: Vec<Value> = service
        .applications
        .iter()
        .map(|(name, app)| json!({"name": name, "computePlatform": app.platform.api_name()}))
        .collect();
    let groups: Vec<Value> = service
        .groups
        .iter()
        .map(|((app, name), g)| {
            json!({"application": app, "name": name, "deploymentConfigName": g.scenario.deployment_config.name})
        })
        .collect();
    let mut deployments = Vec::new();
    for (index, run) in service.runs.iter().enumerate().rev() {
        let t = run.t(now);
        for (k, d) in run.report.deployments.iter().enumerate().rev() {
            if d.create_time > t {
                continue;
            }
            let complete = t >= d.complete_time;
            let targets: Vec<Value> = d
                .targets
                .iter()
                .map(|target| json!({"id": target.target_id, "status": view::target_status(target, t, complete)}))
                .collect();
            deployments.push(json!({
                "id": run.ids[k],
                "application": run.application,
                "group": run.group,
                "status": view::deployment_status(d, t),
                "deploymentConfigName": d.deployment_config_name,
                "computePlatform": d.compute_platform,
                "seconds": (t - d.create_time).min(d.complete_time - d.create_time),
                "targets": targets,
                "series": if k == 0 { series(service, index, t) } else { json!(null) },
            }));
        }
    }
    json!({"now": now, "applications": applications, "groups": groups, "deployments": deployments})
}

/// The chart's points up to `t`: `{label, max, points: [[seconds, value], …]}` per line.
fn series(service: &Service, index: usize, t: f64) -> Value {
    let run = &service.runs[index];
    let d = run.deployment(0);
    if let Some(shifts) = &d.traffic_shifts {
        let points: Vec<[f64; 2]> = shifts
            .iter()
            .filter(|s| s.time <= t)
            .map(|s| [s.time, f64::from(s.percent)])
            .collect();
        return json!([{"label": "replacement's share of traffic (%)", "max": 100, "points": points}]);
    }
    let max = run.report.metrics.capacity.as_ref().map_or(1, |c| c.instances);
    let upto = run.report.capacity.iter().filter(|p| p.time <= t);
    let in_service: Vec<[f64; 2]> = upto.clone().map(|p| [p.time, f64::from(p.in_service)]).collect();
    let new_revision: Vec<[f64; 2]> = upto.map(|p| [p.time, f64::from(p.on_new_revision)]).collect();
    json!([
        {"label": "instances in service", "max": max, "points": in_service},
        {"label": "on the new revision", "max": max, "points": new_revision},
    ])
}
