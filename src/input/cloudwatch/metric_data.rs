//! `aws cloudwatch get-metric-data` and `get-metric-statistics` output (JSON).
//!
//! get-metric-data: `{"MetricDataResults": [{"Id", "Label", "Timestamps": [...], "Values":
//! [...], "StatusCode"}]}`, timestamps in any order (the CLI gives newest first), one series
//! per result. get-metric-statistics: `{"Label", "Datapoints": [{"Timestamp", "Average",
//! "Sum", …, "ExtendedStatistics": {"p99": …}}]}`, one series per statistic present.
//!
//! Not here: CSV (`series_csv`).

use crate::alarm::replay::Datapoint;
use crate::input::document::{self, Node, Value};
use crate::scenario::validate::Problem;

use super::{MetricSeries, sort};
use crate::calendar as timestamp;

/// The statistics a get-metric-statistics datapoint may hold, in CloudWatch's order.
const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

/// Reads either output.
pub fn read(text: &str) -> Result<Vec<MetricSeries>, Vec<Problem>> {
    let doc = document::read_json(text).map_err(|p| vec![p])?;
    let root = &doc.root;
    let mut problems = Vec::new();
    let series = if let Some(results) = root.get("MetricDataResults") {
        results
            .items()
            .iter()
            .filter_map(|r| result(r, &mut problems))
            .collect()
    } else if let Some(points) = root.get("Datapoints") {
        statistics(root, points, &mut problems)
    } else {
        problems.push(at(
            root,
            format!(
                "expected get-metric-data output (MetricDataResults) or get-metric-statistics output \
                 (Datapoints), found {}",
                keys(root)
            ),
        ));
        Vec::new()
    };
    if problems.is_empty() { Ok(series) } else { Err(problems) }
}

/// One `MetricDataResult`.
fn result(r: &Node, problems: &mut Vec<Problem>) -> Option<MetricSeries> {
    let id = r.get("Id").and_then(Node::scalar_text);
    let label = r.get("Label").and_then(Node::scalar_text).or_else(|| id.clone());
    let Some(label) = label else {
        problems.push(at(
            r,
            format!("a MetricDataResult needs an Id or a Label, found {}", keys(r)),
        ));
        return None;
    };
    let (Some(times), Some(values)) = (r.get("Timestamps"), r.get("Values")) else {
        problems.push(at(r, format!("MetricDataResult {label}: needs Timestamps and Values")));
        return None;
    };
    if times.items().len() != values.items().len() {
        problems.push(at(
            values,
            format!(
                "MetricDataResult {label}: {} Timestamps but {} Values",
                times.items().len(),
                values.items().len()
            ),
        ));
        return None;
    }
    let mut points = Vec::with_capacity(times.items().len());
    for (t, v) in times.items().iter().zip(values.items()) {
        match (time(t, problems), number(v, "a value", problems)) {
            (Some(time), Some(value)) => points.push(Datapoint { time, value }),
            _ => continue,
        }
    }
    sort(&mut points);
    Some(MetricSeries {
        label,
        id,
        statistic: None,
        points,
    })
}

/// get-metric-statistics' `Datapoints`: one series per statistic present.
fn statistics(root: &Node, points: &Node, problems: &mut Vec<Problem>) -> Vec<MetricSeries> {
    let label = root.get("Label").and_then(Node::scalar_text).unwrap_or_default();
    let mut by_stat: Vec<(String, Vec<Datapoint>)> = Vec::new();
    for p in points.items() {
        let Some(t) = p.get("Timestamp") else {
            problems.push(at(p, "a datapoint needs a Timestamp".to_string()));
            continue;
        };
        let Some(time) = time(t, problems) else { continue };
        let extended = p.get("ExtendedStatistics").map(Node::entries).unwrap_or_default();
        let fields = STATISTICS
            .iter()
            .filter_map(|s| p.get(s).map(|v| (s.to_string(), v)))
            .chain(extended.iter().map(|(k, v)| (k.name.clone(), v)));
        for (stat, v) in fields {
            let Some(value) = number(v, &stat, problems) else {
                continue;
            };
            match by_stat.iter_mut().find(|(s, _)| *s == stat) {
                Some((_, list)) => list.push(Datapoint { time, value }),
                None => by_stat.push((stat, vec![Datapoint { time, value }])),
            }
        }
    }
    by_stat
        .into_iter()
        .map(|(stat, mut points)| {
            sort(&mut points);
            MetricSeries {
                label: label.clone(),
                id: None,
                statistic: Some(stat),
                points,
            }
        })
        .collect()
}

/// A timestamp: ISO 8601 text or epoch seconds.
pub(super) fn time(node: &Node, problems: &mut Vec<Problem>) -> Option<i64> {
    let t = match &node.value {
        Value::Str(s) => timestamp::parse_text(s),
        Value::Int(i) => timestamp::from_number(*i as f64),
        Value::Float(f) => timestamp::from_number(*f),
        _ => None,
    };
    if t.is_none() {
        problems.push(at(
            node,
            format!(
                "a timestamp is ISO 8601 (2026-03-03T10:00:00Z) or epoch seconds, found {}",
                node.describe()
            ),
        ));
    }
    t
}

fn number(node: &Node, what: &str, problems: &mut Vec<Problem>) -> Option<f64> {
    let v = match &node.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    };
    if v.is_none() {
        problems.push(at(node, format!("{what} must be a number, found {}", node.describe())));
    }
    v
}

pub(super) fn at(node: &Node, message: String) -> Problem {
    Problem {
        line: node.line.max(1),
        column: node.column.max(1),
        message,
    }
}

/// The keys of a map, for "found …".
pub(super) fn keys(node: &Node) -> String {
    if node.is_map() {
        let names: Vec<&str> = node.entries().iter().map(|(k, _)| k.name.as_str()).collect();
        format!("keys {}", names.join(", "))
    } else {
        node.describe()
    }
}
