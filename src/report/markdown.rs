//! `summary.md`: the summary, the metrics table with units, and the charts, in Markdown.
//! The metrics table (`metric_rows`) is shared with the HTML report.
//!
//! Not here: the metrics' computation (the report has them).

use std::fmt::Write;

use super::text::count;
use super::{Report, text};

/// (metric, value with its unit) for every metric the run has data for, in the order
/// the documentation defines them.
pub fn metric_rows(report: &Report) -> Vec<(String, String)> {
    let m = &report.metrics;
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
    let duration = if report.is_history() {
        "history duration (to the last deployment's end)"
    } else {
        "deployment duration"
    };
    row(duration, format!("{} s", m.duration_seconds));
    let t = &m.timing;
    if let Some(s) = super::timing::first_new_traffic(report) {
        row("time to first new-revision traffic", format!("{s} s"));
    }
    if let Some(s) = t.detection_seconds {
        row("detection: first new-revision traffic to ALARM", format!("{s} s"));
    }
    if let Some(s) = t.alarm_to_rollback_complete_seconds {
        row("ALARM to rollback complete", format!("{s} s"));
    }
    if let Some(c) = &m.capacity {
        row(
            "minimum in-service capacity",
            format!(
                "{} of {} instances ({} %)",
                c.min_in_service, c.instances, c.min_in_service_percent
            ),
        );
        row("capacity lost", format!("{} instance-seconds", c.capacity_seconds_lost));
        row(
            "most instances deployed to at once",
            super::text::count(c.max_in_flight_observed, "instance"),
        );
    }
    if let Some(a) = &m.availability {
        row("requests served", count(a.requests, "request"));
        row("requests failed", count(a.requests_failed, "request"));
        row(
            "requests failed because of the new revision",
            count(a.requests_failed_because_of_new_version, "request"),
        );
        row(
            "requests exposed to the new revision (blast radius)",
            count(a.requests_to_new_version, "request"),
        );
        if a.test_requests > 0 {
            row(
                "test-listener requests (failed)",
                format!(
                    "{} ({} failed)",
                    count(a.test_requests, "request"),
                    a.test_requests_failed
                ),
            );
        }
    }
    if let Some(x) = t.extra_task_minutes {
        row(
            "extra task-minutes (replacement beside original)",
            format!("{x} task-minutes"),
        );
    }
    for p in &t.phase_seconds {
        let label = match &p.deployment_id {
            Some(id) => format!("phase: {} ({id})", p.phase),
            None => format!("phase: {}", p.phase),
        };
        row(&label, format!("{} s", p.seconds));
    }
    row("simulated events", count(m.simulated_events, "event"));
    rows
}

/// The Markdown summary; `charts` are the chart file stems written beside it.
pub fn summary(report: &Report, charts: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Scenario {} (seed {})\n", report.scenario, report.seed);
    let _ = writeln!(out, "```text\n{}```\n", text::summary(report));
    let _ = writeln!(out, "## Metrics\n\n| metric | value |\n|---|---|");
    for (k, v) in metric_rows(report) {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    let _ = writeln!(out, "\n## Charts\n");
    for (name, title) in charts {
        let _ = writeln!(out, "![{title}]({name}.svg)\n");
    }
    let _ = writeln!(
        out,
        "Data: `report.json` (the full report), `timeseries.csv` (its time series); \
         `report.html` shows all of this in one page."
    );
    out
}
