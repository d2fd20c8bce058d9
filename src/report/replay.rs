//! The result of `cdsim alarms replay`: each alarm's transitions over recorded data, with
//! the datapoints that caused them, as text, JSON, CSV and a chart per alarm (the metric
//! as the alarm sees it, its threshold and its ALARM periods).
//!
//! Not here: the replay itself (`alarm::replay`), reading the data (`input::cloudwatch`).

use serde::Serialize;

use crate::alarm::replay::{Datapoint, MetricAlarm, Replay, Transition};
use crate::calendar;
use crate::chart::{Band, Chart, DrawError, LineChart, Series, Threshold, palette};

use super::files::Files;
use super::text::count;

/// Every replayed alarm.
#[derive(Clone, Debug, Serialize)]
pub struct ReplayReport {
    /// One replay per alarm, in the order the alarms were given.
    pub alarms: Vec<AlarmReplay>,
}

/// One alarm's replay, in CloudWatch's field names where there are some.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmReplay {
    /// `AlarmName`.
    pub alarm_name: String,
    /// `Namespace` of the alarm's metric, e.g. `AWS/ApplicationELB`.
    pub namespace: String,
    /// `MetricName` of the alarm's metric.
    pub metric_name: String,
    /// The recorded series it was replayed on.
    pub series: String,
    /// `Statistic`, e.g. `Average` or `Sum`.
    pub statistic: String,
    /// `Period`: the length of one evaluation period, in seconds.
    pub period: i64,
    /// `EvaluationPeriods`: how many recent periods each evaluation looks at.
    pub evaluation_periods: u32,
    /// `DatapointsToAlarm`: how many of them must breach for ALARM.
    pub datapoints_to_alarm: u32,
    /// `Threshold`, in the metric's unit.
    pub threshold: f64,
    /// `ComparisonOperator`, e.g. `GreaterThanThreshold`.
    pub comparison_operator: &'static str,
    /// `TreatMissingData`: `missing`, `ignore`, `breaching` or `notBreaching`.
    pub treat_missing_data: &'static str,
    /// The replay's start (no evaluation at it), as an ISO 8601 UTC timestamp.
    pub from: String,
    /// The replay's end (the last evaluation at or before it), as an ISO 8601 UTC timestamp.
    pub to: String,
    /// How many evaluations ran.
    pub evaluations: u64,
    /// Every state change, in time order.
    pub transitions: Vec<TransitionInfo>,
    /// The stretches spent in ALARM.
    pub alarm_periods: Vec<Stretch>,
    /// The datapoints the chart shows: the replay's span and the evaluation range before it.
    /// Not serialized.
    #[serde(skip)]
    pub points: Vec<Datapoint>,
    /// The replay's start and end, in milliseconds since the epoch. Not serialized.
    #[serde(skip)]
    pub span: (i64, i64),
    /// `alarm_periods` as start and end in milliseconds since the epoch. Not serialized.
    #[serde(skip)]
    pub stretches_ms: Vec<(i64, i64)>,
}

/// A state change of an alarm, as CloudWatch's alarm history records it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionInfo {
    /// When the evaluation that changed the state ran, as an ISO 8601 UTC timestamp.
    pub timestamp: String,
    /// `oldState`: `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub old_state: &'static str,
    /// `newState`: `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    pub new_state: &'static str,
    /// The evaluation range, oldest first: each period and its datapoint (null: missing).
    pub datapoints: Vec<PeriodValue>,
}

/// One evaluation period and its datapoint.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodValue {
    /// The period's start, as an ISO 8601 UTC timestamp.
    pub from: String,
    /// The period's end, as an ISO 8601 UTC timestamp.
    pub to: String,
    /// The datapoint's value in the metric's unit; `None` (JSON `null`) when missing.
    pub value: Option<f64>,
}

/// A stretch of time, as ISO 8601 UTC timestamps.
#[derive(Clone, Debug, Serialize)]
pub struct Stretch {
    /// The stretch's start.
    pub from: String,
    /// The stretch's end.
    pub to: String,
}

impl AlarmReplay {
    /// The replay of `alarm` on the recorded `series` (its datapoints `points`), from the
    /// result of `alarm::replay`.
    pub fn new(alarm: &MetricAlarm, series: &str, points: &[Datapoint], replay: &Replay) -> AlarmReplay {
        let stretches = replay.alarm_periods();
        let lo = replay.from - alarm.period * alarm.rule.evaluation_range() as i64;
        let shown = points
            .iter()
            .filter(|d| d.time >= lo && d.time < replay.to)
            .copied()
            .collect();
        AlarmReplay {
            alarm_name: alarm.name.clone(),
            namespace: alarm.namespace.clone(),
            metric_name: alarm.metric_name.clone(),
            series: series.to_string(),
            statistic: alarm.statistic.name().to_string(),
            period: alarm.period / 1000,
            evaluation_periods: alarm.rule.evaluation_periods,
            datapoints_to_alarm: alarm.rule.datapoints_to_alarm,
            threshold: alarm.rule.threshold,
            comparison_operator: alarm.rule.comparison.as_str(),
            treat_missing_data: alarm.rule.treat_missing_data.as_str(),
            from: calendar::format(replay.from),
            to: calendar::format(replay.to),
            evaluations: replay.evaluations,
            transitions: replay.transitions.iter().map(transition).collect(),
            alarm_periods: stretches
                .iter()
                .map(|&(f, t)| Stretch {
                    from: calendar::format(f),
                    to: calendar::format(t),
                })
                .collect(),
            points: shown,
            span: (replay.from, replay.to),
            stretches_ms: stretches,
        }
    }
}

fn transition(t: &Transition) -> TransitionInfo {
    TransitionInfo {
        timestamp: calendar::format(t.time),
        old_state: t.from.as_str(),
        new_state: t.to.as_str(),
        datapoints: t
            .range
            .iter()
            .map(|w| PeriodValue {
                from: calendar::format(w.start),
                to: calendar::format(w.end),
                value: w.value,
            })
            .collect(),
    }
}

/// The JSON text.
pub fn json(report: &ReplayReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("replays serialize");
    s.push('\n');
    s
}

/// The text summary: per alarm, its rule and each transition with its datapoints.
pub fn text(report: &ReplayReport) -> String {
    let mut out = String::new();
    for a in &report.alarms {
        out += &format!(
            "alarm {}  {} {} {}  {} of {} × {} s  {} {}  treatMissingData {}\n",
            a.alarm_name,
            a.namespace,
            a.metric_name,
            a.statistic,
            a.datapoints_to_alarm,
            a.evaluation_periods,
            a.period,
            a.comparison_operator,
            a.threshold,
            a.treat_missing_data
        );
        out += &format!(
            "  series {}, {} to {}: {}, {}\n",
            a.series,
            a.from,
            a.to,
            count(a.evaluations, "evaluation"),
            count(a.transitions.len() as u64, "transition")
        );
        for t in &a.transitions {
            let values: Vec<String> = t
                .datapoints
                .iter()
                .map(|p| p.value.map_or("-".to_string(), |v| format!("{v}")))
                .collect();
            out += &format!(
                "  {}  {} → {}  datapoints [{}]\n",
                t.timestamp,
                t.old_state,
                t.new_state,
                values.join(" ")
            );
        }
        let alarm_s: i64 = a.stretches_ms.iter().map(|(f, t)| t - f).sum::<i64>() / 1000;
        out += &format!(
            "  in ALARM: {}, {} s in all\n",
            count(a.alarm_periods.len() as u64, "stretch"),
            alarm_s
        );
    }
    out
}

/// `transitions.csv`: one row per transition.
pub fn transitions_csv(report: &ReplayReport) -> String {
    let mut out = String::from("alarm,timestamp,old_state,new_state,datapoints\n");
    for a in &report.alarms {
        for t in &a.transitions {
            let values: Vec<String> = t
                .datapoints
                .iter()
                .map(|p| p.value.map_or(String::new(), |v| v.to_string()))
                .collect();
            out += &format!(
                "{},{},{},{},{}\n",
                quote(&a.alarm_name),
                t.timestamp,
                t.old_state,
                t.new_state,
                values.join(" ")
            );
        }
    }
    out
}

/// A CSV field, quoted when it must be.
pub fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Hours (or minutes, for spans up to six hours) since the replay's start.
fn axis(span: (i64, i64)) -> (f64, &'static str) {
    if span.1 - span.0 <= 6 * 3_600_000 {
        (60_000.0, "minutes since the start of the replay")
    } else {
        (3_600_000.0, "hours since the start of the replay")
    }
}

/// The chart of one alarm: the recorded values, the threshold, the ALARM periods.
pub fn chart(a: &AlarmReplay) -> Chart {
    let (unit, x_label) = axis(a.span);
    let x = |t: i64| (t - a.span.0) as f64 / unit;
    let points: Vec<(f64, f64)> = a.points.iter().map(|d| (x(d.time).max(0.0), d.value)).collect();
    let top = points.iter().map(|p| p.1).fold(a.threshold, f64::max);
    let bottom = points.iter().map(|p| p.1).fold(a.threshold, f64::min).min(0.0);
    let end = x(a.span.1).max(1e-9);
    Chart::Line(LineChart {
        title: format!("Alarm {}: {} {}", a.alarm_name, a.metric_name, a.statistic),
        x_label: x_label.into(),
        y_label: format!("{} ({})", a.metric_name, a.statistic),
        x_range: (0.0, end),
        y_range: (bottom, if top > bottom { top } else { bottom + 1.0 }),
        series: vec![Series {
            label: format!("recorded {}", a.series),
            color: palette::BLUE,
            points,
            step: true,
            dashed: false,
            width: 2,
            offset: 0,
        }],
        bands: a
            .stretches_ms
            .iter()
            .map(|&(f, t)| Band {
                label: "in ALARM".into(),
                color: palette::VERMILION,
                from: x(f),
                to: x(t).max(x(f) + end * 0.01),
            })
            .collect(),
        markers: Vec::new(),
        thresholds: vec![Threshold {
            label: format!("threshold {}", a.threshold),
            color: palette::VERMILION,
            y: a.threshold,
        }],
    })
}

/// `replay.json`, `replay.txt`, `transitions.csv` and, per alarm, `alarm-N.svg` and
/// `alarm-N.png` (N from 1, in the order of the alarm file).
pub fn files(report: &ReplayReport) -> Result<Files, DrawError> {
    let mut out = vec![
        ("replay.json".to_string(), json(report).into_bytes()),
        ("replay.txt".to_string(), text(report).into_bytes()),
        ("transitions.csv".to_string(), transitions_csv(report).into_bytes()),
    ];
    for (i, a) in report.alarms.iter().enumerate() {
        let c = chart(a);
        out.push((format!("alarm-{}.svg", i + 1), c.svg()?.into_bytes()));
        out.push((format!("alarm-{}.png", i + 1), c.png()?));
    }
    Ok(out)
}
