//! Alarm definitions: `aws cloudwatch describe-alarms` output (`MetricAlarms`), and the
//! `MetricAlarm` fields it shares with CloudFormation's `AWS::CloudWatch::Alarm`
//! ([`metric_alarm`], also used by `input::cloudformation`).
//!
//! Read: `AlarmName`, `Namespace`, `MetricName`, `Dimensions`, `Statistic` or
//! `ExtendedStatistic`, `Period`, `EvaluationPeriods`, `DatapointsToAlarm` (default
//! `EvaluationPeriods`), `Threshold`, `ComparisonOperator`, `TreatMissingData` (default
//! `missing`; `AWS/DynamoDB` alarms always ignore missing data, §7.2). Numbers may be
//! written as strings, as templates often do. Refused, naming the kind: metric math
//! (`Metrics`), anomaly detection (`ThresholdMetricId` or a band comparison operator) and
//! composite alarms (`CompositeAlarms`, `AWS::CloudWatch::CompositeAlarm`).
//!
//! Not here: where the alarm's data comes from (`metric_data`, `series_csv`).

use crate::alarm::replay::MetricAlarm;
use crate::alarm::{AlarmRule, Comparison, TreatMissingData};
use crate::input::document::{self, Node, Value};
use crate::scenario::validate::Problem;

use super::metric_data::{at, keys};
use super::statistic;

/// The comparison operators of anomaly detection alarms (thresholds from a band).
const BAND_OPERATORS: [&str; 3] = [
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];

/// Reads describe-alarms output.
pub fn read(text: &str) -> Result<Vec<MetricAlarm>, Vec<Problem>> {
    let doc = document::read(text, true).map_err(|p| vec![p])?;
    let root = &doc.root;
    if root.get("Resources").is_some() {
        return template(root);
    }
    let mut problems = Vec::new();
    for c in root.get("CompositeAlarms").map(Node::items).unwrap_or_default() {
        let name = c.get("AlarmName").and_then(Node::scalar_text).unwrap_or_default();
        problems.push(at(
            c,
            format!("composite alarm \"{name}\": composite alarms are not supported (only metric alarms)"),
        ));
    }
    let Some(list) = root.get("MetricAlarms") else {
        problems.push(at(
            root,
            format!("expected describe-alarms output (MetricAlarms), found {}", keys(root)),
        ));
        return Err(problems);
    };
    let mut alarms = Vec::new();
    for a in list.items() {
        match metric_alarm(a, None) {
            Ok(alarm) => alarms.push(alarm),
            Err(p) => problems.extend(p),
        }
    }
    if alarms.is_empty() && problems.is_empty() {
        problems.push(at(list, "MetricAlarms is empty: no alarm to replay".to_string()));
    }
    if problems.is_empty() { Ok(alarms) } else { Err(problems) }
}

/// The `AWS::CloudWatch::Alarm` resources of a template (values as written; a value given
/// by an intrinsic function is refused as not text or not a number).
fn template(root: &Node) -> Result<Vec<MetricAlarm>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut alarms = Vec::new();
    for (id, kind, res) in crate::input::template::resources(root) {
        match kind {
            "AWS::CloudWatch::CompositeAlarm" => problems.push(at(
                res,
                format!("resource {id}: composite alarms (AWS::CloudWatch::CompositeAlarm) are not supported"),
            )),
            "AWS::CloudWatch::AnomalyDetector" => problems.push(at(
                res,
                format!("resource {id}: anomaly detection (AWS::CloudWatch::AnomalyDetector) is not supported"),
            )),
            "AWS::CloudWatch::Alarm" => match res.get("Properties") {
                Some(props) => match metric_alarm(props, Some(id)) {
                    Ok(a) => alarms.push(a),
                    Err(p) => problems.extend(p),
                },
                None => problems.push(at(
                    res,
                    format!("resource {id}: an AWS::CloudWatch::Alarm needs Properties"),
                )),
            },
            _ => {}
        }
    }
    if alarms.is_empty() && problems.is_empty() {
        problems.push(at(root, "no AWS::CloudWatch::Alarm in this template".to_string()));
    }
    if problems.is_empty() { Ok(alarms) } else { Err(problems) }
}

/// One metric alarm from its `MetricAlarm` fields (describe-alarms) or its properties
/// (CloudFormation, where `name` is the logical id when `AlarmName` is absent).
pub fn metric_alarm(a: &Node, name: Option<&str>) -> Result<MetricAlarm, Vec<Problem>> {
    let mut p = Vec::new();
    let name = text(a, "AlarmName", &mut Vec::new())
        .or_else(|| name.map(str::to_string))
        .unwrap_or_else(|| "(unnamed)".to_string());
    unsupported_kind(a, &name)?;
    let namespace = required_text(a, "Namespace", &name, &mut p);
    let metric_name = required_text(a, "MetricName", &name, &mut p);
    let stat = statistic_of(a, &name, &mut p);
    let (period, n) = periods(a, &name, &mut p);
    let m = match a.get("DatapointsToAlarm") {
        None => n,
        Some(_) => int(a, "DatapointsToAlarm", &name, 1, n.unwrap_or(1), &mut p),
    };
    let threshold = match a.get("Threshold") {
        Some(t) => float(t, &name, "Threshold", &mut p),
        None => {
            p.push(at(a, format!("alarm \"{name}\": needs a Threshold")));
            None
        }
    };
    let comparison = comparison_of(a, &name, &mut p);
    let treat = treat_missing(a, namespace.as_deref(), &name, &mut p);
    let dimensions = a
        .get("Dimensions")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| Some((d.get("Name")?.scalar_text()?, d.get("Value")?.scalar_text()?)))
        .collect();
    if !p.is_empty() {
        return Err(p);
    }
    let (
        Some(namespace),
        Some(metric_name),
        Some(statistic),
        Some(period),
        Some(n),
        Some(m),
        Some(threshold),
        Some(comparison),
        Some(treat),
    ) = (namespace, metric_name, stat, period, n, m, threshold, comparison, treat)
    else {
        unreachable!("a missing field is a problem");
    };
    Ok(MetricAlarm {
        name,
        namespace,
        metric_name,
        dimensions,
        statistic,
        period: period * 1000,
        rule: AlarmRule {
            evaluation_periods: n as u32,
            datapoints_to_alarm: m as u32,
            threshold,
            comparison,
            treat_missing_data: treat,
        },
    })
}

/// Metric math and anomaly detection alarms, which cdsim does not evaluate: refused with
/// the kind named.
fn unsupported_kind(a: &Node, name: &str) -> Result<(), Vec<Problem>> {
    if let Some(m) = a.get("Metrics").filter(|m| !m.items().is_empty()) {
        let message = format!("alarm \"{name}\": metric math alarms (Metrics) are not supported");
        return Err(vec![at(m, message)]);
    }
    let operator = a.get("ComparisonOperator");
    let band = operator
        .and_then(Node::as_str)
        .is_some_and(|o| BAND_OPERATORS.contains(&o));
    if let Some(n) = a.get("ThresholdMetricId").or(operator.filter(|_| band)) {
        let message = format!(
            "alarm \"{name}\": anomaly detection alarms (a threshold band) are not supported, found {}",
            n.describe()
        );
        return Err(vec![at(n, message)]);
    }
    Ok(())
}

/// `Statistic`, or `ExtendedStatistic` (a percentile).
fn statistic_of(a: &Node, name: &str, p: &mut Vec<Problem>) -> Option<crate::alarm::replay::Statistic> {
    match (a.get("Statistic"), a.get("ExtendedStatistic")) {
        (Some(s), _) => s.as_str().and_then(crate::alarm::replay::Statistic::parse).or_else(|| {
            p.push(at(
                s,
                format!(
                    "alarm \"{name}\": Statistic is SampleCount, Average, Sum, Minimum or Maximum, found {}",
                    s.describe()
                ),
            ));
            None
        }),
        (None, Some(e)) => text(a, "ExtendedStatistic", p).map(|e| statistic(&e)).or_else(|| {
            p.push(at(e, format!("alarm \"{name}\": ExtendedStatistic must be text")));
            None
        }),
        (None, None) => {
            p.push(at(
                a,
                format!("alarm \"{name}\": needs a Statistic or an ExtendedStatistic"),
            ));
            None
        }
    }
}

/// `Period` (seconds) and `EvaluationPeriods`, within CloudWatch's limits (§7.2).
fn periods(a: &Node, name: &str, p: &mut Vec<Problem>) -> (Option<i64>, Option<i64>) {
    let period = int(a, "Period", name, 1, 604_800, p).and_then(|s| {
        if [10, 20, 30].contains(&s) || s % 60 == 0 {
            Some(s)
        } else {
            p.push(at(
                a.get("Period").unwrap_or(a),
                format!("alarm \"{name}\": Period is 10, 20, 30 or a multiple of 60 seconds (§7.2), found {s}"),
            ));
            None
        }
    });
    let n = int(a, "EvaluationPeriods", name, 1, 100_000, p);
    if let (Some(s), Some(n)) = (period, n) {
        // §7.2: Period × EvaluationPeriods ≤ 7 days, and ≤ 1 day when Period < 1 h.
        let limit = crate::alarm::longest_evaluation_s(s);
        if s * n > limit {
            p.push(at(
                a.get("EvaluationPeriods").unwrap_or(a),
                format!(
                    "alarm \"{name}\": Period × EvaluationPeriods may not exceed {} (§7.2), found {s} s × {n}",
                    if limit == 86_400 {
                        "one day when Period is under an hour"
                    } else {
                        "seven days"
                    }
                ),
            ));
        }
    }
    (period, n)
}

/// `ComparisonOperator` (the band operators are refused before).
fn comparison_of(a: &Node, name: &str, p: &mut Vec<Problem>) -> Option<Comparison> {
    let Some(o) = a.get("ComparisonOperator") else {
        p.push(at(a, format!("alarm \"{name}\": needs a ComparisonOperator")));
        return None;
    };
    o.as_str().and_then(Comparison::parse).or_else(|| {
        p.push(at(
            o,
            format!(
                "alarm \"{name}\": ComparisonOperator is GreaterThanOrEqualToThreshold, GreaterThanThreshold, \
                 LessThanThreshold or LessThanOrEqualToThreshold, found {}",
                o.describe()
            ),
        ));
        None
    })
}

/// `TreatMissingData` (default `missing`); DynamoDB's alarms ignore missing data whatever
/// they say.
fn treat_missing(a: &Node, namespace: Option<&str>, name: &str, p: &mut Vec<Problem>) -> Option<TreatMissingData> {
    let treat = match a.get("TreatMissingData") {
        None => Some(TreatMissingData::Missing),
        Some(t) => t.as_str().and_then(TreatMissingData::parse).or_else(|| {
            p.push(at(
                t,
                format!(
                    "alarm \"{name}\": TreatMissingData is missing, ignore, breaching or notBreaching, found {}",
                    t.describe()
                ),
            ));
            None
        }),
    };
    treat.map(|t| {
        if namespace == Some("AWS/DynamoDB") {
            TreatMissingData::Ignore
        } else {
            t
        }
    })
}

fn text(a: &Node, key: &str, _p: &mut Vec<Problem>) -> Option<String> {
    a.get(key).filter(|n| n.tag.is_none()).and_then(Node::scalar_text)
}

fn required_text(a: &Node, key: &str, name: &str, p: &mut Vec<Problem>) -> Option<String> {
    let t = text(a, key, p);
    if t.is_none() {
        p.push(at(
            a.get(key).unwrap_or(a),
            format!("alarm \"{name}\": needs a {key} (text)"),
        ));
    }
    t
}

/// An integer field in [lo, hi], written as a number or a string.
fn int(a: &Node, key: &str, name: &str, lo: i64, hi: i64, p: &mut Vec<Problem>) -> Option<i64> {
    let Some(n) = a.get(key) else {
        p.push(at(a, format!("alarm \"{name}\": needs {key}")));
        return None;
    };
    let v = match &n.value {
        Value::Int(i) => Some(*i),
        Value::Str(s) => s.trim().parse().ok(),
        Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        _ => None,
    };
    match v {
        Some(v) if (lo..=hi).contains(&v) => Some(v),
        _ => {
            p.push(at(
                n,
                format!(
                    "alarm \"{name}\": {key} must be a whole number from {lo} to {hi}, found {}",
                    n.describe()
                ),
            ));
            None
        }
    }
}

fn float(n: &Node, name: &str, key: &str, p: &mut Vec<Problem>) -> Option<f64> {
    let v = match &n.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    };
    let v = v.filter(|v: &f64| v.is_finite());
    if v.is_none() {
        p.push(at(
            n,
            format!("alarm \"{name}\": {key} must be a number, found {}", n.describe()),
        ));
    }
    v
}
