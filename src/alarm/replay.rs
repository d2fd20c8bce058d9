//! Replaying recorded metric data through an alarm: the alarm's state over a stretch of real
//! time, by the same rule (`alarm::evaluate`) a simulated alarm follows (§7.2).
//!
//! Times are integer milliseconds since the Unix epoch (recorded data may predate anything).
//! CloudWatch evaluates an alarm every minute (every 10 s for periods under a minute), so
//! [`replay`] evaluates at each multiple of that interval in (`from`, `to`]: the evaluation
//! range's datapoint j covers [t − (j+1)·P, t − j·P) and is the alarm's statistic over the
//! recorded values stamped inside it, or missing when there are none. Recorded values are
//! already one statistic per data period; several in one alarm period combine as `Sum` and
//! `SampleCount` add, `Minimum` and `Maximum` take the extreme, and `Average` and percentiles
//! take the mean of the values \[I: exact when the data's period is the alarm's\].
//!
//! The cost is linear in the datapoints: each evaluation reads the values of its N + 2
//! periods from a cursor that only moves forward.
//!
//! Not here: reading files (`input::cloudwatch`), CodeDeploy's polling (the platforms).

use super::{AlarmRule, AlarmState, evaluate};

/// One recorded value: when its period starts (ms since the epoch) and the statistic's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Datapoint {
    /// The start of the value's period, ms since the epoch.
    pub time: i64,
    /// The statistic's value over that period.
    pub value: f64,
}

/// CloudWatch's `Statistic`, or an `ExtendedStatistic` (`p99`, `tm90`, …).
#[derive(Clone, Debug, PartialEq)]
pub enum Statistic {
    /// How many values the period had.
    SampleCount,
    /// Their mean.
    Average,
    /// Their sum.
    Sum,
    /// The smallest.
    Minimum,
    /// The largest.
    Maximum,
    /// A percentile or other extended statistic, by its name (`p99`).
    Extended(String),
}

impl Statistic {
    /// A `Statistic` from its API name (`Sum`, …); extended statistics are not parsed here.
    pub fn parse(s: &str) -> Option<Statistic> {
        Some(match s {
            "SampleCount" => Statistic::SampleCount,
            "Average" => Statistic::Average,
            "Sum" => Statistic::Sum,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            _ => return None,
        })
    }

    /// The API name.
    pub fn name(&self) -> &str {
        match self {
            Statistic::SampleCount => "SampleCount",
            Statistic::Average => "Average",
            Statistic::Sum => "Sum",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::Extended(s) => s,
        }
    }

    /// The alarm's datapoint over recorded values of one period (`None` without values).
    pub fn combine(&self, values: &[Datapoint]) -> Option<f64> {
        let first = values.first()?.value;
        let rest = values[1..].iter().map(|d| d.value);
        Some(match self {
            Statistic::Sum | Statistic::SampleCount => rest.fold(first, |a, v| a + v),
            Statistic::Minimum => rest.fold(first, f64::min),
            Statistic::Maximum => rest.fold(first, f64::max),
            Statistic::Average | Statistic::Extended(_) => rest.fold(first, |a, v| a + v) / values.len() as f64,
        })
    }
}

/// A metric alarm as CloudWatch defines it, ready to replay.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricAlarm {
    /// `AlarmName`.
    pub name: String,
    /// `Namespace` (`AWS/ApplicationELB`, …).
    pub namespace: String,
    /// `MetricName`.
    pub metric_name: String,
    /// (`Name`, `Value`) pairs, as read.
    pub dimensions: Vec<(String, String)>,
    /// `Statistic` or `ExtendedStatistic`.
    pub statistic: Statistic,
    /// `Period` in milliseconds.
    pub period: i64,
    /// N, M, the threshold, the comparison and the missing-data treatment.
    pub rule: AlarmRule,
}

impl MetricAlarm {
    /// Every minute, or every 10 s for periods under a minute (§7.2).
    pub fn evaluation_interval(&self) -> i64 {
        if self.period >= 60_000 { 60_000 } else { 10_000 }
    }
}

/// One period of an evaluation range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// Its start, ms since the epoch.
    pub start: i64,
    /// Its end (exclusive).
    pub end: i64,
    /// The alarm's datapoint, `None` when missing.
    pub value: Option<f64>,
}

/// A change of state and the evaluation range that caused it, oldest period first.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// The evaluation's time, ms since the epoch.
    pub time: i64,
    /// The state before.
    pub from: AlarmState,
    /// The state after.
    pub to: AlarmState,
    /// The evaluation range, oldest period first.
    pub range: Vec<Window>,
}

/// An alarm's replay over (`from`, `to`].
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    /// The replay's start (no evaluation at it), ms since the epoch.
    pub from: i64,
    /// Its end (the last evaluation at or before it).
    pub to: i64,
    /// The state at `from`.
    pub initial: AlarmState,
    /// How many evaluations ran.
    pub evaluations: u64,
    /// Every change of state, in time order.
    pub transitions: Vec<Transition>,
}

impl Replay {
    /// The stretches [start, end) the alarm spent in ALARM (the last may end at `to`).
    pub fn alarm_periods(&self) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        let mut since = (self.initial == AlarmState::Alarm).then_some(self.from);
        for t in &self.transitions {
            match (since, t.to) {
                (None, AlarmState::Alarm) => since = Some(t.time),
                (Some(s), to) if to != AlarmState::Alarm => {
                    out.push((s, t.time));
                    since = None;
                }
                _ => {}
            }
        }
        out.extend(since.map(|s| (s, self.to)));
        out
    }

    /// The first time the alarm went into ALARM, if it did.
    pub fn first_alarm(&self) -> Option<i64> {
        if self.initial == AlarmState::Alarm {
            return Some(self.from);
        }
        self.transitions
            .iter()
            .find(|t| t.to == AlarmState::Alarm)
            .map(|t| t.time)
    }
}

/// What a replay of `alarm` under `rule` over (`from`, `to`] reads: each evaluation (every
/// [`MetricAlarm::evaluation_interval`]) fills its N + 2 periods. The work a replay does, to
/// bound before it starts.
pub fn reads(alarm: &MetricAlarm, rule: &AlarmRule, from: i64, to: i64) -> f64 {
    let evaluations = (to as f64 - from as f64).max(0.0) / alarm.evaluation_interval() as f64;
    evaluations * rule.evaluation_range() as f64
}

/// Replays `series` (in time order) through `alarm` over (`from`, `to`], starting in
/// `initial`.
pub fn replay(alarm: &MetricAlarm, series: &[Datapoint], from: i64, to: i64, initial: AlarmState) -> Replay {
    assert!(
        series.windows(2).all(|w| w[0].time <= w[1].time),
        "recorded series are sorted when read"
    );
    replay_rule(alarm, &alarm.rule, series, from, to, initial)
}

/// [`replay`] with another rule (threshold, N, M) on the same metric: what tuning sweeps.
pub fn replay_rule(
    alarm: &MetricAlarm,
    rule: &AlarmRule,
    series: &[Datapoint],
    from: i64,
    to: i64,
    initial: AlarmState,
) -> Replay {
    let p = alarm.period;
    let k = rule.evaluation_range() as i64;
    let step = alarm.evaluation_interval();
    let mut state = initial;
    let mut out = Replay {
        from,
        to,
        initial,
        evaluations: 0,
        transitions: Vec::new(),
    };
    let mut cursor = 0usize;
    let mut range = Vec::with_capacity(k as usize);
    let mut windows = Vec::with_capacity(k as usize);
    let mut t = (from.div_euclid(step) + 1) * step;
    while t <= to {
        let oldest = t - k * p;
        while cursor < series.len() && series[cursor].time < oldest {
            cursor += 1;
        }
        fill_range(alarm, series, cursor, t, k, &mut windows);
        range.clear();
        range.extend(windows.iter().map(|w| w.value));
        let next = evaluate(rule, &range, state);
        out.evaluations += 1;
        if next != state {
            out.transitions.push(Transition {
                time: t,
                from: state,
                to: next,
                range: windows.clone(),
            });
            state = next;
        }
        t += step;
    }
    out
}

/// The `k` windows ending at `t`, oldest first, from the values at `cursor` onwards.
fn fill_range(alarm: &MetricAlarm, series: &[Datapoint], cursor: usize, t: i64, k: i64, out: &mut Vec<Window>) {
    out.clear();
    let mut i = cursor;
    for j in (0..k).rev() {
        let (start, end) = (t - (j + 1) * alarm.period, t - j * alarm.period);
        while i < series.len() && series[i].time < start {
            i += 1;
        }
        let first = i;
        while i < series.len() && series[i].time < end {
            i += 1;
        }
        out.push(Window {
            start,
            end,
            value: alarm.statistic.combine(&series[first..i]),
        });
    }
}

/// The alarm's datapoints of the `count` periods that end at `end`, oldest first: the
/// history a simulated alarm starts from when a deployment starts at `end`.
pub fn periods_before(alarm: &MetricAlarm, series: &[Datapoint], end: i64, count: usize) -> Vec<Option<f64>> {
    let start = series.partition_point(|d| d.time < end - count as i64 * alarm.period);
    let mut windows = Vec::with_capacity(count);
    fill_range(alarm, series, start, end, count as i64, &mut windows);
    windows.iter().map(|w| w.value).collect()
}

/// The alarm's datapoints of consecutive periods from `start`, up to `end`: a recorded
/// metric as periods of a deployment that starts at `start`.
pub fn periods_after(alarm: &MetricAlarm, series: &[Datapoint], start: i64, end: i64) -> Vec<Option<f64>> {
    let count = usize::try_from((end - start).max(0) / alarm.period + 1).unwrap_or(0);
    let last = start + count as i64 * alarm.period;
    let mut windows = Vec::with_capacity(count);
    let from = series.partition_point(|d| d.time < start);
    fill_range(alarm, series, from, last, count as i64, &mut windows);
    windows.iter().map(|w| w.value).collect()
}
