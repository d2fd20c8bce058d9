//! The human summary `cdsim run` prints when not asked for JSON, and [`count`], the one
//! way messages count things with a regular plural.

use std::fmt::Write;

use super::{DeploymentInfo, Report};
use crate::time::SimDuration;

/// Failed targets listed one per line; beyond these, a count (a large fleet's failures are
/// read in the JSON, not in the summary).
pub const FAILED_LISTED: usize = 20;
/// `n` and `noun`, the noun in the plural unless `n` is 1: `1 instance`, `3 instances`,
/// `0 waves`.
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else if noun.ends_with("ch") || noun.ends_with('s') || noun.ends_with('x') {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// The human summary of `report` that `cdsim run` prints: the scenario and seed, each
/// deployment, then the run's figures.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "scenario {}  seed {}", report.scenario, report.seed);
    for d in &report.deployments {
        deployment(&mut out, d);
    }
    for r in &report.refused_requests {
        let _ = writeln!(
            out,
            "{} at {} refused: {}: {}",
            r.what(report.platform()),
            SimDuration::from_secs_f64(r.time).exact(),
            r.error_code,
            r.message
        );
    }
    let m = &report.metrics;
    if let Some(c) = &m.capacity {
        let _ = writeln!(
            out,
            "capacity: at least {} of {} instances in service ({}%), {} instance-seconds lost",
            c.min_in_service, c.instances, c.min_in_service_percent, c.capacity_seconds_lost
        );
        let _ = writeln!(
            out,
            "at most {} {} deployed to at once; {} simulated events",
            c.max_in_flight_observed,
            plural(c.max_in_flight_observed, "instance", "instances"),
            m.simulated_events
        );
        if let Some(extra) = c.extra_instance_minutes {
            let _ = writeln!(
                out,
                "second fleet: {extra} instance-minutes beyond the {} original instances",
                c.instances
            );
        }
    }
    if let Some(a) = &m.availability {
        let _ = writeln!(
            out,
            "requests: {} served, {} failed; {} reached the new version, {} failed there ({} because of it)",
            a.requests,
            a.requests_failed,
            a.requests_to_new_version,
            a.requests_failed_on_new_version,
            a.requests_failed_because_of_new_version
        );
        if a.test_requests > 0 {
            let _ = writeln!(
                out,
                "test listener: {} requests, {} failed",
                a.test_requests, a.test_requests_failed
            );
        }
        let _ = writeln!(out, "{} simulated events", m.simulated_events);
    }
    out
}

fn deployment(out: &mut String, d: &DeploymentInfo) {
    let took = SimDuration::from_secs_f64(d.complete_time - d.create_time).exact();
    let _ = writeln!(
        out,
        "deployment {}  {}  {} {}",
        d.deployment_id,
        d.deployment_config_name,
        d.deployment_style.deployment_type,
        d.deployment_style.deployment_option
    );
    if let Some(name) = &d.revision_name {
        let _ = writeln!(
            out,
            "{}, created at {}",
            super::revision_words(d.compute_platform, name),
            SimDuration::from_secs_f64(d.create_time).exact()
        );
    }
    match &d.error_information {
        Some(e) => {
            let _ = writeln!(out, "status: {} ({}) after {took}", d.status, e.code);
            let _ = writeln!(out, "  {}", e.message);
        }
        None => {
            let _ = writeln!(out, "status: {} after {took}", d.status);
        }
    }
    if d.creator == "codeDeployRollback" {
        let _ = writeln!(
            out,
            "  a rollback deployment, created by CodeDeploy at {}",
            SimDuration::from_secs_f64(d.create_time).exact()
        );
    }
    if let Some(r) = &d.rollback_info {
        match (&r.rollback_deployment_id, &r.rollback_message) {
            (Some(id), _) => {
                let _ = writeln!(out, "  rolled back by {id}");
            }
            (None, Some(m)) => {
                let _ = writeln!(out, "  not rolled back: {m}");
            }
            (None, None) => {}
        }
    } else if d.creator == "user" && !matches!(d.status, "Succeeded" | "InProgress") {
        let why = if d.error_information.as_ref().is_some_and(|e| e.code == "MANUAL_STOP") {
            "neither the StopDeployment request nor the deployment group asked for one"
        } else {
            "automatic rollback is off for this deployment group"
        };
        let _ = writeln!(out, "  not rolled back: {why}");
    }
    blue_green(out, d);
    ec2_blue_green(out, d);
    if let Some(p) = &d.health_plan {
        let _ = writeln!(
            out,
            "minimum healthy hosts: {} {} = {} of {} instances; up to {} at a time; {} {} needed",
            p.minimum_healthy_hosts.kind,
            p.minimum_healthy_hosts.value,
            p.minimum_healthy_instances,
            d.targets.briefs().filter(|t| t.instance_label != Some("Blue")).count(),
            p.max_in_flight,
            p.min_successes,
            plural(p.min_successes, "success", "successes")
        );
        if let Some(z) = &p.zonal_config {
            let _ = writeln!(out, "{}", z.summary());
        }
    }
    let o = &d.deployment_overview;
    let _ = writeln!(
        out,
        "targets: {} Succeeded, {} Failed, {} Skipped",
        o.succeeded, o.failed, o.skipped
    );
    // Only failed and skipped targets are read in full; the others by status alone.
    let with_status = |status: &'static str| {
        d.targets
            .briefs()
            .enumerate()
            .filter(move |(_, b)| b.status == status)
            .map(|(i, _)| d.targets.get(i))
    };
    for t in with_status("Failed").take(FAILED_LISTED) {
        let failed = t.lifecycle_events.iter().find(|e| e.status == "Failed");
        let detail = failed.map_or(String::new(), |e| {
            let diag = e.diagnostics.as_ref();
            let code = diag.map_or("", |d| d.error_code);
            let script = diag
                .and_then(|d| d.script_name.as_deref())
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            let at = e
                .end_time
                .map(|s| format!(" at {}", SimDuration::from_secs_f64(s).exact()))
                .unwrap_or_default();
            format!(": {} {code}{script}{at}", e.lifecycle_event_name)
        });
        let detail = if detail.is_empty() {
            ": stopped before its lifecycle completed".to_string()
        } else {
            detail
        };
        let _ = writeln!(out, "  Failed  {}{detail}", t.target_id);
    }
    if o.failed as usize > FAILED_LISTED {
        let more = o.failed as usize - FAILED_LISTED;
        let _ = writeln!(out, "  … and {more} more Failed (the JSON report lists every target)");
    }
    let skipped: Vec<String> = with_status("Skipped").map(|t| t.into_owned().target_id).collect();
    if !skipped.is_empty() {
        let ids: Vec<&str> = skipped.iter().map(String::as_str).collect();
        let _ = writeln!(out, "  Skipped {}", ranges(&ids));
    }
}

/// ECS and Lambda: the lifecycle events with their times, the phases and the shifts (times
/// to the second: events a few seconds apart past the first hour must not read as one).
fn blue_green(out: &mut String, d: &DeploymentInfo) {
    let Some(shifts) = &d.traffic_shifts else { return };
    let at = |s: f64| SimDuration::from_secs_f64(s).exact();
    let target = &d.targets[0];
    let _ = writeln!(out, "target {}", target.target_id);
    for e in &target.lifecycle_events {
        let when = match (e.start_time, e.end_time) {
            (Some(s), Some(t)) => format!("{} – {}", at(s), at(t)),
            _ => String::new(),
        };
        let line = format!("  {:<22} {:<10} {when}", e.lifecycle_event_name, e.status);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if !d.phases.is_empty() {
        let phases: Vec<String> = d
            .phases
            .iter()
            .map(|p| format!("{} {}", p.name, at(p.end_time - p.start_time)))
            .collect();
        let _ = writeln!(out, "phases: {}", phases.join(", "));
    }
    if shifts.is_empty() {
        let _ = writeln!(out, "traffic shifts: none");
    } else {
        let list: Vec<String> = shifts
            .iter()
            .map(|s| format!("{}% at {}", s.percent, at(s.time)))
            .collect();
        let _ = writeln!(out, "traffic shifts: {}", list.join(", "));
    }
}

/// EC2 blue/green: both fleets, the options, and the phases with their durations.
fn ec2_blue_green(out: &mut String, d: &DeploymentInfo) {
    let Some(c) = &d.blue_green_deployment_configuration else {
        return;
    };
    let count = |label: &str| d.targets.briefs().filter(|t| t.instance_label == Some(label)).count();
    let t = &c.terminate_blue_instances_on_deployment_success;
    let termination = match t.action {
        "TERMINATE" => format!("terminate after {} min", t.termination_wait_time_in_minutes),
        other => other.to_string(),
    };
    let r = &c.deployment_ready_option;
    let ready = match r.action_on_timeout {
        "STOP_DEPLOYMENT" => format!("wait up to {} min for ContinueDeployment", r.wait_time_in_minutes),
        _ => "reroute at once".to_string(),
    };
    let _ = writeln!(
        out,
        "blue/green: {} original (Blue), {} replacement (Green) instances, {}; {ready}; originals: {termination}",
        count("Blue"),
        count("Green"),
        c.green_fleet_provisioning_option.action
    );
    if !d.phases.is_empty() {
        let at = |s: f64| SimDuration::from_secs_f64(s).exact();
        let phases: Vec<String> = d
            .phases
            .iter()
            .map(|p| format!("{} {} – {}", p.name, at(p.start_time), at(p.end_time)))
            .collect();
        let _ = writeln!(out, "phases: {}", phases.join(", "));
    }
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `i-0004–i-0009, i-0012` from ids that are consecutive in fleet order.
fn ranges(ids: &[&str]) -> String {
    let num = |s: &str| s.trim_start_matches("i-").parse::<u64>().ok();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && num(ids[j + 1]).zip(num(ids[j])).is_some_and(|(b, a)| b == a + 1) {
            j += 1;
        }
        parts.push(if i == j {
            ids[i].to_string()
        } else {
            format!("{}–{}", ids[i], ids[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranges_compress() {
        assert_eq!(
            super::ranges(&["i-0004", "i-0005", "i-0006", "i-0009"]),
            "i-0004–i-0006, i-0009"
        );
    }
}
