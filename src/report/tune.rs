//! The result of `cdsim alarms tune`: per alarm setting, false alarms on good deployments,
//! detections and time to detection on bad ones, with Clopper–Pearson intervals; as a
//! table, JSON, CSV and a trade-off chart (false-alarm and detection rates per setting, with
//! their intervals as error bars).
//!
//! Not here: the sweep (`alarm::tune`).

use serde::Serialize;

use crate::alarm::tune::Outcome;
use crate::chart::{BarSeries, Bars, Chart, DrawError, Interval, palette};
use crate::stats::quantile;

use super::files::Files;
use super::replay::quote;

/// The tuning of one alarm.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TuneReport {
    /// `AlarmName` of the alarm tuned.
    pub alarm_name: String,
    /// `ComparisonOperator`, e.g. `GreaterThanThreshold`.
    pub comparison_operator: &'static str,
    /// `Period`: the length of one evaluation period, in seconds.
    pub period: i64,
    /// Confidence level of the intervals, as a fraction (e.g. 0.95).
    pub confidence: f64,
    /// Recorded deployments labelled good (the alarm should stay quiet).
    pub good_deployments: u64,
    /// Recorded deployments labelled bad (the alarm should stop them).
    pub bad_deployments: u64,
    /// One entry per setting tried, in the sweep's order.
    pub settings: Vec<SettingInfo>,
}

/// One alarm setting and how it fared.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingInfo {
    /// `Threshold`, in the metric's unit.
    pub threshold: f64,
    /// `EvaluationPeriods` (N).
    pub evaluation_periods: u32,
    /// `DatapointsToAlarm` (M).
    pub datapoints_to_alarm: u32,
    /// Good deployments on which the alarm went to ALARM.
    pub false_alarms: u64,
    /// `falseAlarms / goodDeployments` with its interval; `None` without good deployments.
    pub false_alarm_rate: Option<Rate>,
    /// Bad deployments on which the alarm went to ALARM.
    pub detections: u64,
    /// `detections / badDeployments` with its interval; `None` without bad deployments.
    pub detection_rate: Option<Rate>,
    /// Seconds from a bad deployment's start to the first ALARM, over the detected ones.
    pub detection_time_p50_s: Option<f64>,
    /// The longest time to detection, in seconds, over the detected bad deployments.
    pub detection_time_max_s: Option<f64>,
}

/// A rate with its Clopper–Pearson interval, all as fractions (0 to 1).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Rate {
    /// The observed rate.
    pub value: f64,
    /// The interval's lower bound.
    pub low: f64,
    /// The interval's upper bound.
    pub high: f64,
}

impl SettingInfo {
    /// The setting of `o` with its rates' intervals at `confidence` (a fraction).
    pub fn new(o: &Outcome, confidence: f64) -> SettingInfo {
        let as_rate = |r: Option<(f64, (f64, f64))>| r.map(|(value, (low, high))| Rate { value, low, high });
        let secs: Vec<f64> = o.detection_times.iter().map(|&t| t as f64 / 1000.0).collect();
        SettingInfo {
            threshold: o.setting.threshold,
            evaluation_periods: o.setting.evaluation_periods,
            datapoints_to_alarm: o.setting.datapoints_to_alarm,
            false_alarms: o.false_alarms,
            false_alarm_rate: as_rate(o.false_alarm_rate(confidence)),
            detections: o.detections,
            detection_rate: as_rate(o.detection_rate(confidence)),
            detection_time_p50_s: quantile(&secs, 0.5),
            detection_time_max_s: secs.last().copied(),
        }
    }

    fn label(&self) -> String {
        format!(
            "{}, {} of {}",
            self.threshold, self.datapoints_to_alarm, self.evaluation_periods
        )
    }
}

/// The JSON text: an array with one object per alarm.
pub fn json(reports: &[TuneReport]) -> String {
    let mut s = serde_json::to_string_pretty(reports).expect("tunings serialize");
    s.push('\n');
    s
}

fn percent(r: Option<Rate>) -> String {
    r.map_or("-".to_string(), |r| {
        format!("{:.0}% [{:.0}–{:.0}]", r.value * 100.0, r.low * 100.0, r.high * 100.0)
    })
}

fn seconds(s: Option<f64>) -> String {
    s.map_or("-".to_string(), |s| format!("{s:.0}"))
}

/// The table: one line per setting.
pub fn text(reports: &[TuneReport]) -> String {
    let mut out = String::new();
    for r in reports {
        out += &format!(
            "alarm {} ({}, period {} s): {} good and {}, {:.0}% intervals\n",
            r.alarm_name,
            r.comparison_operator,
            r.period,
            r.good_deployments,
            super::text::count(r.bad_deployments, "bad deployment"),
            r.confidence * 100.0
        );
        out += &format!(
            "  {:>10} {:>3} {:>3}  {:>18}  {:>18}  {:>9} {:>9}\n",
            "threshold", "M", "N", "false alarms", "detections", "p50 TTD s", "max TTD s"
        );
        for s in &r.settings {
            out += &format!(
                "  {:>10} {:>3} {:>3}  {:>18}  {:>18}  {:>9} {:>9}\n",
                s.threshold,
                s.datapoints_to_alarm,
                s.evaluation_periods,
                format!("{} {}", s.false_alarms, percent(s.false_alarm_rate)),
                format!("{} {}", s.detections, percent(s.detection_rate)),
                seconds(s.detection_time_p50_s),
                seconds(s.detection_time_max_s)
            );
        }
    }
    out
}

/// `tune.csv`: one row per alarm and setting.
pub fn settings_csv(reports: &[TuneReport]) -> String {
    let mut out = String::from(
        "alarm,threshold,evaluation_periods,datapoints_to_alarm,false_alarms,good,false_alarm_rate,\
         false_alarm_low,false_alarm_high,detections,bad,detection_rate,detection_low,detection_high,\
         detection_time_p50_s,detection_time_max_s\n",
    );
    let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for r in reports {
        for s in &r.settings {
            let (fa, d) = (s.false_alarm_rate, s.detection_rate);
            out += &format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                quote(&r.alarm_name),
                s.threshold,
                s.evaluation_periods,
                s.datapoints_to_alarm,
                s.false_alarms,
                r.good_deployments,
                cell(fa.map(|r| r.value)),
                cell(fa.map(|r| r.low)),
                cell(fa.map(|r| r.high)),
                s.detections,
                r.bad_deployments,
                cell(d.map(|r| r.value)),
                cell(d.map(|r| r.low)),
                cell(d.map(|r| r.high)),
                cell(s.detection_time_p50_s),
                cell(s.detection_time_max_s)
            );
        }
    }
    out
}

/// The trade-off chart of one alarm: per setting, the false-alarm and detection rates in
/// percent with their intervals.
pub fn chart(r: &TuneReport) -> Chart {
    let bar = |rate: Option<Rate>| {
        rate.map_or(
            Interval {
                value: 0.0,
                low: 0.0,
                high: 0.0,
            },
            |r| Interval {
                value: r.value * 100.0,
                low: r.low * 100.0,
                high: r.high * 100.0,
            },
        )
    };
    Chart::Bars(Bars {
        title: format!("Alarm {}: false alarms against detections", r.alarm_name),
        note: format!(
            "rows: threshold, M of N datapoints; bars: share of deployments in ALARM, {:.0}% Clopper–Pearson intervals",
            r.confidence * 100.0
        ),
        x_label: "deployments in ALARM (%)".into(),
        x_range: (0.0, 100.0),
        rows: r.settings.iter().map(SettingInfo::label).collect(),
        series: vec![
            BarSeries {
                label: format!("false alarms ({} good)", r.good_deployments),
                color: palette::VERMILION,
                values: r.settings.iter().map(|s| bar(s.false_alarm_rate)).collect(),
            },
            BarSeries {
                label: format!("detections ({} bad)", r.bad_deployments),
                color: palette::BLUE,
                values: r.settings.iter().map(|s| bar(s.detection_rate)).collect(),
            },
        ],
        limit: None,
    })
}

/// `tune.json`, `tune.txt`, `tune.csv` and per alarm `tradeoff-N.svg` and `.png`.
pub fn files(reports: &[TuneReport]) -> Result<Files, DrawError> {
    let mut out = vec![
        ("tune.json".to_string(), json(reports).into_bytes()),
        ("tune.txt".to_string(), text(reports).into_bytes()),
        ("tune.csv".to_string(), settings_csv(reports).into_bytes()),
    ];
    for (i, r) in reports.iter().enumerate() {
        let c = chart(r);
        out.push((format!("tradeoff-{}.svg", i + 1), c.svg()?.into_bytes()));
        out.push((format!("tradeoff-{}.png", i + 1), c.png()?));
    }
    Ok(out)
}
