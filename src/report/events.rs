//! The event log for people (`cdsim run --events`): what happened in a run, in simulated-time
//! order, one plain sentence per line with its time, the way Flagger and Argo Rollouts
//! narrate a rollout: deployments created (in a history, with the revision each deploys) and
//! ended, targets started and finished, lifecycle events and their results, traffic shifts
//! (in a history, on the revision named), phases, zones finished, alarm state changes with the datapoints that caused them, and a
//! history's refused requests with the API's error code and message.
//!
//! Built from the finished report alone, so the simulation prints nothing. Lines at the same
//! instant keep this order: the deployment before its rollback deployment, and within one,
//! its creation, alarm changes (told with the first deployment), lifecycle events and
//! targets that finished, then targets that started, phases and shifts (targets in fleet
//! order), its end; refused requests after every deployment's lines.
//!
//! Bounded for large fleets: a deployment of at most [`TARGETS_TOLD`] targets has every
//! target's lifecycle events told (those that took time, failed or ended the target's
//! deployment); a larger one is told in aggregate: its first target's start, the earliest
//! [`FAILED_TOLD`] failed lifecycle events (then a count at the end), progress each time
//! another tenth of its targets has finished, and its last target's end. A run of 100,000
//! instances is then about 40 lines.
//!
//! Not here: the summary (`text`), the JSON (`json`).

use std::fmt::Write;

use super::text::count;
use super::{AlarmReport, DeploymentInfo, LifecycleEventInfo, Report, TargetInfo};
use crate::alarm::{AlarmRule, Comparison};
use crate::time::SimDuration;

/// The most targets of one deployment whose lifecycle events are told one by one.
pub const TARGETS_TOLD: usize = 20;
/// The most failed lifecycle events told one by one in a larger deployment.
pub const FAILED_TOLD: usize = 20;

/// Tie order at one instant (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Created,
    Alarm,
    Finished,
    Progress,
    Ended,
}

/// One line of the log before sorting.
struct Line {
    time: f64,
    /// The deployment told (its index in the report; alarms count as the first).
    deployment: usize,
    rank: Rank,
    text: String,
}

/// Collects lines; insertion order breaks the remaining ties.
#[derive(Default)]
struct Log {
    lines: Vec<Line>,
    /// The deployment being told.
    deployment: usize,
}

impl Log {
    fn push(&mut self, time: f64, rank: Rank, text: String) {
        self.lines.push(Line {
            time,
            deployment: self.deployment,
            rank,
            text,
        });
    }

    fn render(mut self) -> String {
        // A stable sort: equal keys keep the order they were told in.
        self.lines.sort_by(|a, b| {
            a.time
                .total_cmp(&b.time)
                .then(a.deployment.cmp(&b.deployment))
                .then(a.rank.cmp(&b.rank))
        });
        let mut out = String::new();
        for l in &self.lines {
            let at = SimDuration::from_secs_f64(l.time).exact();
            let _ = writeln!(out, "{at:>9}  {}", l.text);
        }
        out
    }
}

/// The event log of `report`, one line per event: `  1m 30s  i-0000 ValidateService Failed: …`.
pub fn events(report: &Report) -> String {
    let mut log = Log::default();
    for (k, d) in report.deployments.iter().enumerate() {
        log.deployment = k;
        deployment(&mut log, d, &new_version(report, d));
    }
    log.deployment = 0;
    for a in &report.alarms {
        alarm(&mut log, a);
    }
    // A refusal changes nothing: told after whatever else happened at its instant.
    log.deployment = report.deployments.len();
    for r in &report.refused_requests {
        let text = format!("{} refused: {}: {}", r.what(report.platform()), r.error_code, r.message);
        log.push(r.time, Rank::Progress, text);
    }
    log.render()
}

/// What a deployment's traffic shifts move to: `the new version`, or in a history the
/// revision (a rollback's shifts are the share left on the revision it rolls back).
fn new_version(report: &Report, d: &DeploymentInfo) -> String {
    let rolled_back = d
        .rollback_info
        .as_ref()
        .and_then(|r| r.rollback_triggering_deployment_id.as_ref())
        .and_then(|id| report.deployments.iter().find(|o| &o.deployment_id == id));
    match rolled_back.unwrap_or(d).revision_name.as_deref() {
        Some(name) => super::revision_words(d.compute_platform, name),
        None => "the new version".to_string(),
    }
}

fn deployment(log: &mut Log, d: &DeploymentInfo, new: &str) {
    let targets = d.targets.len();
    let of = d
        .revision_name
        .as_ref()
        .map(|r| format!(" of {}", super::revision_words(d.compute_platform, r)))
        .unwrap_or_default();
    let created = if d.creator == "codeDeployRollback" {
        format!(
            "rollback deployment {}{of} created by CodeDeploy ({}, {})",
            d.deployment_id,
            d.deployment_config_name,
            count(targets as u64, "target")
        )
    } else {
        format!(
            "deployment {}{of} created: {}, {} {} {}, {}",
            d.deployment_id,
            d.deployment_config_name,
            d.compute_platform,
            d.deployment_style.deployment_type,
            d.deployment_style.deployment_option,
            count(targets as u64, "target")
        )
    };
    log.push(d.create_time, Rank::Created, created);
    for p in &d.phases {
        let took = SimDuration::from_secs_f64(p.end_time - p.start_time);
        log.push(
            p.start_time,
            Rank::Progress,
            format!("phase {} begins ({took})", p.name),
        );
    }
    if let Some(shifts) = &d.traffic_shifts {
        let mut before = 0;
        for s in shifts {
            let text = if s.percent < before {
                format!("traffic moved back: {} % on {new}", s.percent)
            } else {
                format!("traffic: {} % on {new}", s.percent)
            };
            before = s.percent;
            log.push(s.time, Rank::Progress, text);
        }
    }
    if targets <= TARGETS_TOLD {
        for t in d.targets.each() {
            target(log, &t);
        }
    } else {
        aggregate(log, d);
    }
    zones(log, d);
    let ended = match &d.error_information {
        Some(e) => format!(
            "deployment {} {} ({}): {}",
            d.deployment_id, d.status, e.code, e.message
        ),
        None => format!("deployment {} {}", d.deployment_id, d.status),
    };
    log.push(d.complete_time, Rank::Ended, ended);
}

/// The label of a target: its id, with Blue or Green on EC2 blue/green.
fn label(t: &TargetInfo) -> String {
    match t.instance_label {
        Some(l) => format!("{} ({l})", t.target_id),
        None => t.target_id.clone(),
    }
}

/// One target: its start, each lifecycle event that took time or failed, its end.
fn target(log: &mut Log, t: &TargetInfo) {
    let who = label(t);
    let ran: Vec<&LifecycleEventInfo> = t.lifecycle_events.iter().filter(|e| e.start_time.is_some()).collect();
    let (Some(first), Some(last)) = (ran.first(), ran.last()) else {
        return;
    };
    log.push(
        first.start_time.unwrap_or(0.0),
        Rank::Progress,
        format!("{who} started: {}", first.lifecycle_event_name),
    );
    for e in &ran {
        let (Some(start), Some(end)) = (e.start_time, e.end_time) else {
            continue;
        };
        if end > start || e.status != "Succeeded" {
            log.push(end, Rank::Finished, format!("{who} {}", event_result(e, end - start)));
        }
    }
    if let Some(end) = last.end_time {
        log.push(end, Rank::Finished, format!("{who} {}", t.status));
    }
}

/// `BeforeInstall Succeeded (30.1s)`, or `ValidateService Failed: ScriptFailed scripts/v.sh (10s)`.
fn event_result(e: &LifecycleEventInfo, took: f64) -> String {
    let took = SimDuration::from_secs_f64(took);
    match e.diagnostics.as_deref() {
        Some(d) if e.status != "Succeeded" => {
            let script = d.script_name.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
            format!(
                "{} {}: {}{script} ({took})",
                e.lifecycle_event_name, e.status, d.error_code
            )
        }
        _ => format!("{} {} ({took})", e.lifecycle_event_name, e.status),
    }
}

/// A large deployment in aggregate: the first start, failures, progress by tenths, the last end.
fn aggregate(log: &mut Log, d: &DeploymentInfo) {
    let total = d.targets.len();
    let mut ends: Vec<(f64, bool)> = Vec::new();
    let mut first: Option<f64> = None;
    let mut failed: Vec<(f64, String)> = Vec::new();
    for t in d.targets.each() {
        let ran = || t.lifecycle_events.iter().filter(|e| e.start_time.is_some());
        if let Some(s) = ran().next().and_then(|e| e.start_time) {
            first = Some(first.map_or(s, |f: f64| f.min(s)));
        }
        for e in ran().filter(|e| e.status == "Failed") {
            if let (Some(start), Some(end)) = (e.start_time, e.end_time) {
                failed.push((end, format!("{} {}", label(&t), event_result(e, end - start))));
            }
        }
        if let Some(end) = ran().next_back().and_then(|e| e.end_time) {
            ends.push((end, t.status == "Succeeded"));
        }
    }
    if let Some(s) = first {
        log.push(
            s,
            Rank::Progress,
            format!("the first of {} started", count(total as u64, "target")),
        );
    }
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut ok, mut tenth) = (0usize, 1usize);
    for (k, &(time, succeeded)) in ends.iter().enumerate() {
        ok += usize::from(succeeded);
        let done = k + 1;
        if done * 10 >= tenth * total || done == ends.len() {
            log.push(
                time,
                Rank::Finished,
                format!(
                    "{done} of {total} targets finished: {ok} Succeeded, {} Failed",
                    done - ok
                ),
            );
            while tenth * total <= done * 10 {
                tenth += 1;
            }
        }
    }
    // The earliest failures, told one by one (a stable sort: fleet order at one instant).
    failed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let more = failed.len().saturating_sub(FAILED_TOLD) as u64;
    for (end, text) in failed.into_iter().take(FAILED_TOLD) {
        log.push(end, Rank::Finished, text);
    }
    if more > 0 {
        log.push(
            d.complete_time,
            Rank::Finished,
            format!(
                "… and {} (the JSON report lists every target)",
                count(more, "more failed lifecycle event")
            ),
        );
    }
}

/// A zonal deployment: each zone's end, and the monitor wait that follows.
fn zones(log: &mut Log, d: &DeploymentInfo) {
    let Some(z) = d.health_plan.as_ref().and_then(|p| p.zonal_config.as_ref()) else {
        return;
    };
    let mut last_end = vec![None::<f64>; z.zones.len()];
    for t in d.targets.each() {
        let Some(k) = z
            .zones
            .iter()
            .position(|zone| Some(&zone.name) == t.availability_zone.as_ref())
        else {
            continue;
        };
        if let Some(end) = t.lifecycle_events.iter().rev().find_map(|e| e.end_time) {
            last_end[k] = Some(last_end[k].map_or(end, |e: f64| e.max(end)));
        }
    }
    for (k, (zone, end)) in z.zones.iter().zip(last_end).enumerate() {
        let Some(end) = end else { continue };
        let wait = if k + 1 == z.zones.len() {
            String::new()
        } else {
            let s = if k == 0 {
                z.first_zone_monitor_seconds
            } else {
                z.monitor_seconds
            };
            format!("; monitoring it for {} before the next zone", SimDuration::from_secs(s))
        };
        log.push(end, Rank::Finished, format!("zone {} finished{wait}", zone.name));
    }
}

/// An alarm's initial state and each change, with the datapoints behind it.
fn alarm(log: &mut Log, a: &AlarmReport) {
    for (k, s) in a.states.iter().enumerate() {
        let text = if k == 0 {
            format!("alarm {} starts in {}", a.alarm_name, s.state)
        } else {
            let range = a.ranges.get(k).map_or(&[][..], Vec::as_slice);
            format!(
                "alarm {}: {} → {}: {}",
                a.alarm_name,
                a.states[k - 1].state,
                s.state,
                cause(a, s.state, range)
            )
        };
        log.push(s.time, Rank::Alarm, text);
    }
}

/// Why an alarm changed state: the metric against the threshold over the last N periods.
fn cause(a: &AlarmReport, state: &str, range: &[Option<f64>]) -> String {
    let AlarmRule {
        evaluation_periods: n,
        datapoints_to_alarm: m,
        threshold,
        comparison,
        ..
    } = a.rule;
    let recent = &range[range.len().saturating_sub(n as usize)..];
    let breaching: Vec<f64> = recent
        .iter()
        .flatten()
        .copied()
        .filter(|&v| comparison.breaches(v, threshold))
        .collect();
    let shown: Vec<String> = recent
        .iter()
        .map(|v| v.map_or("-".to_string(), |v| value(a.metric, v)))
        .collect();
    let points = format!("datapoints {}", shown.join(", "));
    let what = metric_label(a);
    let limit = value(a.metric, threshold);
    match (state, breaching.last()) {
        ("ALARM", Some(&v)) => format!(
            "{what} {} {} {limit} in {} of {n} periods, {m} needed ({points})",
            value(a.metric, v),
            symbol(comparison),
            breaching.len()
        ),
        ("ALARM", None) => format!("no {what} data in the last {} ({points})", count(n, "period")),
        ("OK", _) => format!(
            "{what} breached {} {limit} in {} of {n} periods, {m} needed to alarm ({points})",
            symbol(comparison),
            breaching.len()
        ),
        _ => format!("too few datapoints to decide ({points})"),
    }
}

fn symbol(c: Comparison) -> &'static str {
    match c {
        Comparison::GreaterThanOrEqualToThreshold => "≥",
        Comparison::GreaterThanThreshold => ">",
        Comparison::LessThanThreshold => "<",
        Comparison::LessThanOrEqualToThreshold => "≤",
    }
}

/// `error rate of the new version`, `p99 latency`, `healthy hosts`, ….
fn metric_label(a: &AlarmReport) -> String {
    let name = match a.metric {
        "errorRate" => "error rate",
        "errorCount" => "errors",
        "latencyP50" => "p50 latency",
        "latencyP90" => "p90 latency",
        "latencyP99" => "p99 latency",
        "healthyCount" => "healthy hosts",
        _ => "the metric",
    };
    match a.version {
        Some("replacement") => format!("{name} of the new version"),
        Some("original") => format!("{name} of the original version"),
        _ => name.to_string(),
    }
}

/// A metric value in its unit: `8.2 %` for an error rate, `850 ms` for a latency.
fn value(metric: &str, v: f64) -> String {
    match metric {
        "errorRate" => format!("{} %", trimmed(v * 100.0)),
        m if m.starts_with("latency") => format!("{} ms", trimmed(v)),
        _ => trimmed(v),
    }
}

/// At most two decimals, without trailing zeros: `8.2`, `2`, `0.04`.
fn trimmed(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_read_as_people_write_them() {
        assert_eq!(super::value("errorRate", 0.082), "8.2 %");
        assert_eq!(super::value("errorRate", 0.02), "2 %");
        assert_eq!(super::value("latencyP99", 850.0), "850 ms");
        assert_eq!(super::value("errorCount", 12.0), "12");
    }
}
