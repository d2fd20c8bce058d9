//! `report.html`: one self-contained page, as wide as the window, with the summary, the
//! scenario's description and its configuration, alarm and rollback sections as the user
//! wrote them (`written`), the deployment's configuration as reported, a history's
//! deployments and refused requests, its alarms, the metrics table, every chart and a folded
//! per-target lifecycle table, built from the shared page pieces (`page`: style, embedded
//! charts, the inline chart check that writes `OK n charts` or `FAIL …` into the hidden
//! `#chart-check`'s `data-verdict`).
//!
//! Not here: the charts' drawing (`chart`) or choice (`charts`).

use super::page;
use super::written::Written;
use super::{DeploymentInfo, Report, markdown::metric_rows, text};
use crate::time::SimDuration;

pub use super::page::Figure;

/// The lifecycle table shows at most this many targets (each read once), folded.
const TARGET_ROWS: usize = 50;
/// A history's first deployments that get a lifecycle table each.
const HISTORY_TABLES: usize = 10;

/// The page of `report` with its `figures` embedded, and the scenario as `written` when
/// there is one: the whole `report.html`.
pub fn page(report: &Report, written: Option<&Written>, figures: &[Figure]) -> String {
    let mut out = page::head(&format!("cdsim: {}", report.scenario));
    if let Some(w) = written {
        scenario(&mut out, w);
    }
    out.push_str("<h2>Outcome</h2>\n");
    page::pre(&mut out, &text::summary(report));
    configuration(&mut out, report);
    history(&mut out, report);
    alarms(&mut out, report);
    out.push_str("<h2>Metrics</h2>\n");
    let rows: Vec<Vec<String>> = metric_rows(report).into_iter().map(|(k, v)| vec![k, v]).collect();
    page::table(&mut out, &["metric", "value"], &rows);
    out.push_str("<h2>Charts</h2>\n");
    page::figures(&mut out, figures);
    targets(&mut out, report);
    page::tail(&mut out);
    out
}

/// The scenario's description, and its configuration, alarm and rollback sections as
/// written.
fn scenario(out: &mut String, written: &Written) {
    if let Some(d) = written.description {
        out.push_str(&format!("<p>{}</p>\n", page::escape(d.trim())));
    }
    let sections = written.sections();
    if !sections.is_empty() {
        out.push_str("<h2>As the scenario sets it</h2>\n");
        page::pre(out, &sections.join("\n"));
    }
}

/// Each deployment's configuration and health plan, as CodeDeploy reports them.
fn configuration(out: &mut String, report: &Report) {
    out.push_str("<h2>Deployment configuration</h2>\n");
    let rows: Vec<Vec<String>> = report
        .deployments
        .iter()
        .map(|d| {
            let health = d.health_plan.as_ref().map_or("–".to_string(), |h| {
                format!(
                    "{} {} (at least {} healthy, at most {} at a time)",
                    h.minimum_healthy_hosts.kind,
                    h.minimum_healthy_hosts.value,
                    h.minimum_healthy_instances,
                    h.max_in_flight
                )
            });
            vec![
                d.deployment_id.clone(),
                d.creator.to_string(),
                d.deployment_config_name.clone(),
                format!(
                    "{} {} {}",
                    d.compute_platform, d.deployment_style.deployment_type, d.deployment_style.deployment_option
                ),
                health,
                d.status.to_string(),
            ]
        })
        .collect();
    page::table(
        out,
        &[
            "deployment",
            "creator",
            "configuration",
            "platform and style",
            "minimum healthy hosts",
            "status",
        ],
        &rows,
    );
}

/// A history's deployments one after another, and the requests refused while one was
/// active (§11); nothing for a single deployment.
fn history(out: &mut String, report: &Report) {
    if !report.is_history() {
        return;
    }
    out.push_str("<h2>History</h2>\n");
    // A Lambda function's revisions are its versions.
    let noun = if report.platform() == "Lambda" {
        "version"
    } else {
        "revision"
    };
    let rows: Vec<Vec<String>> = report
        .deployments
        .iter()
        .map(|d| {
            vec![
                d.deployment_id.clone(),
                d.revision_name.clone().unwrap_or_default(),
                d.creator.to_string(),
                at(d.create_time),
                at(d.complete_time),
                d.status.to_string(),
            ]
        })
        .collect();
    page::table(
        out,
        &["deployment", noun, "creator", "created", "completed", "status"],
        &rows,
    );
    if !report.refused_requests.is_empty() {
        out.push_str("<h3>Refused requests</h3>\n");
        let rows: Vec<Vec<String>> = report
            .refused_requests
            .iter()
            .map(|r| {
                vec![
                    at(r.time),
                    r.operation.unwrap_or("CreateDeployment").to_string(),
                    r.revision_name.clone(),
                    r.error_code.to_string(),
                    r.message.clone(),
                ]
            })
            .collect();
        page::table(out, &["requested at", "request", noun, "error", "message"], &rows);
    }
}

/// A time of the history: `20m 30s`, `1h 9m 30s`.
fn at(seconds: f64) -> String {
    SimDuration::from_secs_f64(seconds).exact()
}

/// Each alarm: what it watches, its threshold, and its state changes.
fn alarms(out: &mut String, report: &Report) {
    out.push_str("<h2>Alarms and rollback</h2>\n");
    if report.alarms.is_empty() {
        out.push_str("<p>No alarms.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = report
            .alarms
            .iter()
            .map(|a| {
                let states: Vec<String> = a
                    .states
                    .iter()
                    .map(|s| format!("{} at {} s", s.state, s.time))
                    .collect();
                vec![
                    a.alarm_name.clone(),
                    format!("{}{}", a.metric, a.version.map_or(String::new(), |v| format!(" ({v})"))),
                    a.threshold.to_string(),
                    states.join(", "),
                ]
            })
            .collect();
        page::table(out, &["alarm", "metric", "threshold", "states"], &rows);
    }
    let rollbacks: Vec<String> = report
        .deployments
        .iter()
        .filter_map(|d| rollback_words(report, d))
        .collect();
    let text = if rollbacks.is_empty() {
        "No rollback.".to_string()
    } else {
        rollbacks.join(" ")
    };
    out.push_str(&format!("<p>{}</p>\n", page::escape(&text)));
}

/// What became of a deployment's rollback: its message, and in a history which deployment
/// it was and the revision the rollback went back to (a history's "original version" is the
/// revision serving before it, not the first).
fn rollback_words(report: &Report, d: &super::DeploymentInfo) -> Option<String> {
    let r = d.rollback_info.as_ref()?;
    let message = r.rollback_message.clone()?;
    let Some(name) = &d.revision_name else {
        return Some(message);
    };
    let words = |name: &str| super::revision_words(d.compute_platform, name);
    let back_to = r.rollback_deployment_id.as_ref().and_then(|id| {
        let rollback = report.deployments.iter().find(|x| &x.deployment_id == id)?;
        let to = rollback.revision_name.as_deref()?;
        Some(format!(" ({}, by {id})", words(to)))
    });
    let message = match back_to {
        Some(to) => match message.strip_suffix('.') {
            Some(m) => format!("{m}{to}."),
            None => format!("{message}{to}"),
        },
        None => message,
    };
    Some(format!("{} of {}: {message}", d.deployment_id, words(name)))
}

/// Each target's lifecycle events, folded: of the first deployment, or in a history of
/// each of the first [`HISTORY_TABLES`] deployments, named with its revision; at most
/// [`TARGET_ROWS`] targets of each are read.
fn targets(out: &mut String, report: &Report) {
    if !report.is_history() {
        if let Some(first) = report.deployments.first() {
            target_table(out, first, "");
        }
        return;
    }
    for d in report.deployments.iter().take(HISTORY_TABLES) {
        let revision = super::revision_words(d.compute_platform, d.revision_name.as_deref().unwrap_or(""));
        let of = if d.creator == "codeDeployRollback" {
            format!(" in {}, the rollback to {revision}", d.deployment_id)
        } else {
            format!(" in {}, {revision}", d.deployment_id)
        };
        target_table(out, d, &of);
    }
}

/// One deployment's folded table of lifecycle events per target; `of` names the
/// deployment in the fold's title.
fn target_table(out: &mut String, d: &DeploymentInfo, of: &str) {
    let n = d.targets.len();
    let shown = n.min(TARGET_ROWS);
    let mut rows = Vec::with_capacity(shown);
    for i in 0..shown {
        let t = d.targets.get(i);
        let events: Vec<String> = t
            .lifecycle_events
            .iter()
            .filter(|e| e.start_time.is_some())
            .map(|e| format!("{} {}", e.lifecycle_event_name, e.status))
            .collect();
        rows.push(vec![t.target_id.clone(), t.status.to_string(), events.join(", ")]);
    }
    let more = if shown < n {
        format!(", the first {shown} shown")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "<details><summary>Lifecycle events per target{} ({}{more})</summary>\n",
        page::escape(of),
        text::count(n as u64, "target")
    ));
    page::table(out, &["target", "status", "started lifecycle events"], &rows);
    out.push_str("</details>\n");
}
