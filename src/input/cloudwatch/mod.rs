//! Recorded CloudWatch data and alarm definitions, as users export them:
//!
//! - metric data ([`metric_data`]): `aws cloudwatch get-metric-data` JSON (`MetricDataResults`
//!   with `Timestamps` and `Values`, in any order, several metrics), `get-metric-statistics`
//!   JSON (`Label`, `Datapoints` with one field per statistic: one series per statistic), and
//!   CSV ([`series_csv`]: `timestamp,value` lines, an optional header, ISO 8601 or epoch
//!   timestamps, `calendar`);
//! - alarm definitions ([`alarms`]): `aws cloudwatch describe-alarms` JSON (`MetricAlarms`),
//!   the same `MetricAlarm` fields a CloudFormation `AWS::CloudWatch::Alarm` has.
//!
//! Every problem is located (line, column, the value found); metric math, anomaly detection
//! and composite alarms are refused, naming the kind.
//!
//! Not here: reading files (the CLI passes their text), evaluating alarms (`alarm::replay`).

pub mod alarms;
pub mod metric_data;
pub mod recorded_alarm;
pub mod series_csv;
pub mod template_alarm;

use crate::alarm::replay::{Datapoint, MetricAlarm, Statistic};
use crate::scenario::validate::{Problem, Problems};

use super::Source;

/// One recorded metric: its name and values in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSeries {
    /// `Label` (get-metric-data, get-metric-statistics), else `Id`; a CSV file's name
    /// without its extension.
    pub label: String,
    /// get-metric-data's `Id`, when there is one.
    pub id: Option<String>,
    /// Which statistic the values are, when the file says (get-metric-statistics).
    pub statistic: Option<String>,
    /// In time order (equal times keep file order).
    pub points: Vec<Datapoint>,
}

/// Reads a metric data file: JSON when its text starts with `{`, else CSV.
pub fn read_metrics(source: Source<'_>) -> Result<Vec<MetricSeries>, Problems> {
    let text = source.text.strip_prefix('\u{feff}').unwrap_or(source.text);
    let located = |problems: Vec<Problem>| Problems {
        path: source.path.to_string(),
        problems,
    };
    let series = if text.trim_start().starts_with('{') {
        metric_data::read(text).map_err(located)?
    } else {
        series_csv::read(text, &file_stem(source.path)).map_err(located)?
    };
    Ok(series)
}

/// Reads alarm definitions from a describe-alarms JSON file.
pub fn read_alarms(source: Source<'_>) -> Result<Vec<MetricAlarm>, Problems> {
    alarms::read(source.text).map_err(|problems| Problems {
        path: source.path.to_string(),
        problems,
    })
}

/// The series an alarm watches: the one labelled with the alarm's metric name, its name or
/// its id (and, when the file says, the alarm's statistic); else the only series there is.
pub fn series_for<'a>(alarm: &MetricAlarm, all: &'a [MetricSeries]) -> Option<&'a MetricSeries> {
    let stat_fits = |s: &MetricSeries| s.statistic.as_deref().is_none_or(|st| st == alarm.statistic.name());
    let named = |s: &&MetricSeries| {
        stat_fits(s)
            && [alarm.metric_name.as_str(), alarm.name.as_str()]
                .iter()
                .any(|n| s.label == *n || s.id.as_deref() == Some(n))
    };
    all.iter().find(named).or_else(|| {
        let fitting: Vec<_> = all.iter().filter(|s| stat_fits(s)).collect();
        (fitting.len() == 1).then(|| fitting[0])
    })
}

/// `errors.csv` → `errors`.
fn file_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem).to_string()
}

/// Sorts recorded values by time, keeping the file order of equal times.
fn sort(points: &mut [Datapoint]) {
    points.sort_by_key(|d| d.time);
}

/// `Statistic` or `ExtendedStatistic` from a name.
pub fn statistic(name: &str) -> Statistic {
    Statistic::parse(name).unwrap_or_else(|| Statistic::Extended(name.to_string()))
}
