//! CloudWatch metric alarms (§7.2): what an alarm watches, and how it changes state.
//!
//! An alarm turns a metric into one datapoint per alarm period, and is evaluated every
//! minute (every 10 s for 10 and 30 s periods) over a sliding window. [`evaluate`] is the
//! pure rule: given the datapoints of the *evaluation range* (N + 2 periods, the documented
//! 5 for N = 3 [I for other N]), oldest first, it returns the new state:
//!
//! - at least N real datapoints: the most recent N real ones decide (missing-data
//!   treatment ignored): ALARM iff at least M breach;
//! - fewer: `breaching` / `notBreaching` fill the shortfall with breaching / non-breaching
//!   points; `missing` and `ignore` use the real points: ALARM iff at least M breach, OK if
//!   one of them does not breach, and otherwise (all real points breach, too few to
//!   decide) INSUFFICIENT_DATA (`missing`; but ALARM when the real breaching points are all
//!   older than the most recent N periods, "the metric stopped flowing") or the current
//!   state (`ignore`); with no real point at all, INSUFFICIENT_DATA (`missing`) or the
//!   current state (`ignore`).
//!
//! This reconstruction reproduces every row of CloudWatch's two worked tables (3 of 3 and
//! 2 of 3 over 5 datapoints), which `tests/it/alarms.rs` checks.
//!
//! Not here: CodeDeploy's use of alarms (polling, stopping: the platforms), or where
//! datapoints come from (the platforms aggregate their metric series).

pub mod replay;
pub mod tune;

/// `StateValue`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmState {
    /// `OK`: the metric is within the threshold.
    Ok,
    /// `ALARM`: the metric breached the threshold.
    Alarm,
    /// `INSUFFICIENT_DATA`: too few datapoints to decide.
    InsufficientData,
}

impl AlarmState {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// `ComparisonOperator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// Breaching at or above the threshold.
    GreaterThanOrEqualToThreshold,
    /// Breaching above the threshold.
    GreaterThanThreshold,
    /// Breaching below the threshold.
    LessThanThreshold,
    /// Breaching at or below the threshold.
    LessThanOrEqualToThreshold,
}

impl Comparison {
    /// Whether `value` breaches `threshold`.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Comparison::GreaterThanThreshold => "GreaterThanThreshold",
            Comparison::LessThanThreshold => "LessThanThreshold",
            Comparison::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }

    /// From the API spelling (`GreaterThanThreshold`, …).
    pub fn parse(s: &str) -> Option<Comparison> {
        Some(match s {
            "GreaterThanOrEqualToThreshold" => Comparison::GreaterThanOrEqualToThreshold,
            "GreaterThanThreshold" => Comparison::GreaterThanThreshold,
            "LessThanThreshold" => Comparison::LessThanThreshold,
            "LessThanOrEqualToThreshold" => Comparison::LessThanOrEqualToThreshold,
            _ => return None,
        })
    }
}

/// `TreatMissingData`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TreatMissingData {
    /// `missing`: missing datapoints neither breach nor pass; see [`evaluate`].
    #[default]
    Missing,
    /// `ignore`: the state stays as it is when data is missing.
    Ignore,
    /// `breaching`: a missing datapoint breaches.
    Breaching,
    /// `notBreaching`: a missing datapoint is within the threshold.
    NotBreaching,
}

impl TreatMissingData {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TreatMissingData::Missing => "missing",
            TreatMissingData::Ignore => "ignore",
            TreatMissingData::Breaching => "breaching",
            TreatMissingData::NotBreaching => "notBreaching",
        }
    }

    /// From the scenario spelling (`missing`, `ignore`, `breaching`, `notBreaching`).
    pub fn parse(s: &str) -> Option<TreatMissingData> {
        Some(match s {
            "missing" => TreatMissingData::Missing,
            "ignore" => TreatMissingData::Ignore,
            "breaching" => TreatMissingData::Breaching,
            "notBreaching" => TreatMissingData::NotBreaching,
            _ => return None,
        })
    }
}

/// The evaluation settings of an alarm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AlarmRule {
    /// N, `EvaluationPeriods`.
    pub evaluation_periods: u32,
    /// M, `DatapointsToAlarm` (≤ N).
    pub datapoints_to_alarm: u32,
    /// `Threshold`.
    pub threshold: f64,
    /// `ComparisonOperator`.
    pub comparison: Comparison,
    /// `TreatMissingData`.
    pub treat_missing_data: TreatMissingData,
}

impl AlarmRule {
    /// How many datapoints the evaluation range holds.
    pub fn evaluation_range(&self) -> usize {
        self.evaluation_periods as usize + 2
    }
}

/// §7.2: the longest time `Period × EvaluationPeriods` may cover, in seconds, for a period
/// of `period_s` seconds: one day when the period is under an hour, seven days otherwise.
pub fn longest_evaluation_s(period_s: i64) -> i64 {
    if period_s < 3600 { 86_400 } else { 7 * 86_400 }
}

/// The new state of an alarm from the datapoints of its evaluation range, oldest first
/// (`None` = missing). See the module docs for the rule.
pub fn evaluate(rule: &AlarmRule, range: &[Option<f64>], current: AlarmState) -> AlarmState {
    let n = rule.evaluation_periods as usize;
    let m = rule.datapoints_to_alarm as usize;
    assert!(m >= 1 && m <= n, "validated: 1 ≤ M ≤ N");
    let breach = |v: f64| rule.comparison.breaches(v, rule.threshold);
    let real: Vec<bool> = range.iter().flatten().map(|&v| breach(v)).collect();
    let decide = |breaching: usize| {
        if breaching >= m {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        }
    };
    if real.len() >= n {
        return decide(real[real.len() - n..].iter().filter(|&&b| b).count());
    }
    let breaching = real.iter().filter(|&&b| b).count();
    let shortfall = n - real.len();
    match rule.treat_missing_data {
        TreatMissingData::Breaching => decide(breaching + shortfall),
        TreatMissingData::NotBreaching => decide(breaching),
        TreatMissingData::Missing | TreatMissingData::Ignore => {
            let undecided = if rule.treat_missing_data == TreatMissingData::Missing {
                AlarmState::InsufficientData
            } else {
                current
            };
            if real.is_empty() {
                undecided
            } else if breaching >= m {
                AlarmState::Alarm
            } else if breaching < real.len() {
                AlarmState::Ok
            } else if rule.treat_missing_data == TreatMissingData::Missing && stopped_flowing(range, n) {
                AlarmState::Alarm
            } else {
                undecided
            }
        }
    }
}

/// No real datapoint among the most recent `n` of the range.
fn stopped_flowing(range: &[Option<f64>], n: usize) -> bool {
    range[range.len().saturating_sub(n)..].iter().all(Option::is_none)
}

/// Which version's traffic a metric counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionRef {
    /// The original version (or task set).
    Original,
    /// The replacement version (or task set).
    Replacement,
    /// Both versions together (the production listener's view).
    All,
}

/// A latency percentile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Percentile {
    /// The median.
    P50,
    /// The 90th percentile.
    P90,
    /// The 99th percentile.
    P99,
}

/// What an alarm watches.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricSource {
    /// Errors / requests of a version in the period (`None` without requests).
    ErrorRate(VersionRef),
    /// Errors of a version in the period.
    ErrorCount(VersionRef),
    /// Request-weighted latency percentile of a version, in milliseconds [I: periods longer
    /// than the metric period average their percentiles].
    Latency(VersionRef, Percentile),
    /// Healthy tasks (ECS) or in-service instances (Server) at the period's end.
    HealthyCount,
    /// A metric the scenario injects: `value` from `from` until the next step; missing
    /// before the first step and where a step's value is absent.
    Injected(Vec<(crate::time::SimTime, Option<f64>)>),
}

/// A CloudWatch alarm associated with the deployment group.
#[derive(Clone, Debug, PartialEq)]
pub struct Alarm {
    /// `AlarmName`.
    pub name: String,
    /// What it watches.
    pub metric: MetricSource,
    /// `Period`: 10, 20, 30 s or a multiple of 60 s.
    pub period: crate::time::SimDuration,
    /// When it goes into ALARM.
    pub rule: AlarmRule,
    /// The state when the deployment starts (an alarm already in ALARM blocks it, §7.1).
    pub initial_state: AlarmState,
    /// The metric's datapoints before the deployment started.
    pub history: History,
}

/// An alarm's datapoints before the deployment starts (t < 0): a real alarm has the
/// metric's history, so its first evaluations do not see the minutes before the deployment
/// as missing data.
#[derive(Clone, Debug, PartialEq)]
pub enum History {
    /// Recorded datapoints, one per alarm period, oldest first: the last covers the period
    /// that ends when the deployment starts. `None` is a missing datapoint; periods before
    /// the first are missing.
    Recorded(Vec<Option<f64>>),
    /// This many periods of the metric's steady value before the deployment (the traffic
    /// model's value with all traffic on the original version, the fleet in service, or an
    /// injected metric's value at 0 s); 0 means no history (every earlier period missing).
    Baseline(u32),
}

impl History {
    /// The datapoint of the period `back` periods before the deployment's start (0: the
    /// period ending at 0), `baseline` giving the steady value.
    pub fn datapoint(&self, back: u64, baseline: impl FnOnce() -> Option<f64>) -> Option<f64> {
        match self {
            History::Recorded(points) => {
                let back = usize::try_from(back).ok()?;
                points.len().checked_sub(back + 1).and_then(|i| points[i])
            }
            History::Baseline(periods) => (back < u64::from(*periods)).then(baseline).flatten(),
        }
    }
}

impl Alarm {
    /// How often CloudWatch evaluates the alarm: every minute, or every 10 s for periods
    /// shorter than a minute (§7.2).
    pub fn evaluation_interval(&self) -> crate::time::SimDuration {
        if self.period.as_millis() >= 60_000 {
            crate::time::SimDuration::from_secs(60)
        } else {
            crate::time::SimDuration::from_secs(10)
        }
    }
}

/// The deployment group's `alarmConfiguration` and CodeDeploy's polling of it (§7.1).
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmConfiguration {
    /// The alarms, in the order given.
    pub alarms: Vec<Alarm>,
    /// `ignorePollAlarmFailure`: go on when alarm states cannot be read.
    pub ignore_poll_alarm_failure: bool,
    /// How often CodeDeploy reads the alarms' states (undocumented; default 60 s).
    pub poll_interval: crate::time::SimDuration,
    /// Fault: windows [from, to) in which alarm states cannot be read.
    pub unreadable: Vec<(crate::time::SimTime, crate::time::SimTime)>,
}

impl AlarmConfiguration {
    /// Whether CodeDeploy can read the alarms' states at `t`.
    pub fn readable_at(&self, t: crate::time::SimTime) -> bool {
        !self.unreadable.iter().any(|&(from, to)| from <= t && t < to)
    }
}
