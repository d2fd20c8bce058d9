//! Tuning an alarm on recorded deployments labelled good or bad: for each setting of
//! threshold × evaluation periods (N) × datapoints to alarm (M), how often it goes into
//! ALARM during a good deployment (a false alarm) and during a bad one (a detection), and
//! how long after a bad deployment's start it first does (time to detection). Each
//! deployment is replayed by `replay::replay_rule`, the rule simulated alarms follow.
//!
//! A recorded deployment is a metric series whose deployment starts at `start`: values
//! before it are the alarm's history, and an alarm already in ALARM at `start` counts as
//! going into ALARM at once (CodeDeploy would not start the deployment, §7.1).
//!
//! Not here: the intervals' rendering or charts (`report::tune`), reading files.

use super::replay::{Datapoint, MetricAlarm, replay_rule};
use super::{AlarmRule, AlarmState};
use crate::stats::proportion_interval;

/// One recorded deployment.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<'a> {
    /// Labelled bad: the alarm should stop it.
    pub bad: bool,
    /// The metric around it, in time order.
    pub points: &'a [Datapoint],
    /// The deployment's start and end (ms since the epoch).
    pub start: i64,
    /// See `start`.
    pub end: i64,
}

/// An alarm setting tried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setting {
    /// `Threshold`.
    pub threshold: f64,
    /// N.
    pub evaluation_periods: u32,
    /// M.
    pub datapoints_to_alarm: u32,
}

/// What one setting did over every recorded deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The setting.
    pub setting: Setting,
    /// Good deployments.
    pub good: u64,
    /// Good deployments during which the alarm went into ALARM.
    pub false_alarms: u64,
    /// Bad deployments.
    pub bad: u64,
    /// Bad deployments during which the alarm went into ALARM.
    pub detections: u64,
    /// Of the detected bad deployments, ms from start to the first ALARM, ascending.
    pub detection_times: Vec<i64>,
}

impl Outcome {
    /// The false-alarm rate with its Clopper–Pearson interval (`None` without good runs).
    pub fn false_alarm_rate(&self, confidence: f64) -> Option<(f64, (f64, f64))> {
        rate(self.false_alarms, self.good, confidence)
    }

    /// The detection rate with its Clopper–Pearson interval (`None` without bad runs).
    pub fn detection_rate(&self, confidence: f64) -> Option<(f64, (f64, f64))> {
        rate(self.detections, self.bad, confidence)
    }
}

impl Outcome {
    /// Counts deployments given as (bad, ms from start to the first ALARM if any).
    pub fn of(setting: Setting, deployments: impl IntoIterator<Item = (bool, Option<i64>)>) -> Outcome {
        let mut o = Outcome {
            setting,
            good: 0,
            false_alarms: 0,
            bad: 0,
            detections: 0,
            detection_times: Vec::new(),
        };
        for (bad, fired) in deployments {
            if bad {
                o.bad += 1;
                o.detections += u64::from(fired.is_some());
                o.detection_times.extend(fired);
            } else {
                o.good += 1;
                o.false_alarms += u64::from(fired.is_some());
            }
        }
        o.detection_times.sort_unstable();
        o
    }
}

fn rate(k: u64, n: u64, confidence: f64) -> Option<(f64, (f64, f64))> {
    (n > 0).then(|| (k as f64 / n as f64, proportion_interval(k, n, confidence)))
}

/// Every combination of the given thresholds, N and M (M ≤ N), in that nesting order.
pub fn grid(thresholds: &[f64], evaluation_periods: &[u32], datapoints: &[u32]) -> Vec<Setting> {
    let mut out = Vec::new();
    for &threshold in thresholds {
        for &n in evaluation_periods {
            for &m in datapoints.iter().filter(|&&m| m >= 1 && m <= n) {
                out.push(Setting {
                    threshold,
                    evaluation_periods: n,
                    datapoints_to_alarm: m,
                });
            }
        }
    }
    out
}

/// Replays every deployment under every setting.
pub fn sweep(alarm: &MetricAlarm, settings: &[Setting], runs: &[Recorded<'_>]) -> Vec<Outcome> {
    settings.iter().map(|s| outcome(alarm, *s, runs)).collect()
}

fn outcome(alarm: &MetricAlarm, setting: Setting, runs: &[Recorded<'_>]) -> Outcome {
    let rule = rule(alarm, setting);
    Outcome::of(setting, runs.iter().map(|r| (r.bad, first_alarm(alarm, &rule, r))))
}

/// What replaying `r` under `setting` reads ([`replay::reads`](super::replay::reads)): the
/// work [`sweep`] does for it, to bound before it starts.
pub fn reads(alarm: &MetricAlarm, setting: Setting, r: &Recorded<'_>) -> f64 {
    super::replay::reads(alarm, &rule(alarm, setting), replay_from(r), r.end)
}

/// `alarm`'s rule with `setting`'s threshold, N and M.
fn rule(alarm: &MetricAlarm, setting: Setting) -> AlarmRule {
    AlarmRule {
        threshold: setting.threshold,
        evaluation_periods: setting.evaluation_periods,
        datapoints_to_alarm: setting.datapoints_to_alarm,
        ..alarm.rule
    }
}

/// Where a recorded deployment's replay starts: its first datapoint, or its start.
fn replay_from(r: &Recorded<'_>) -> i64 {
    r.points.first().map_or(r.start, |d| d.time).min(r.start)
}

/// Ms from the deployment's start to the alarm's first ALARM within it (0 when it was
/// already in ALARM at the start).
fn first_alarm(alarm: &MetricAlarm, rule: &AlarmRule, r: &Recorded<'_>) -> Option<i64> {
    let replay = replay_rule(
        alarm,
        rule,
        r.points,
        replay_from(r),
        r.end,
        AlarmState::InsufficientData,
    );
    let mut state = replay.initial;
    for t in &replay.transitions {
        if t.time > r.start {
            // Before the first alarm after the start, `state` is the state at the start.
            if state == AlarmState::Alarm {
                return Some(0);
            }
            if t.to == AlarmState::Alarm {
                return Some(t.time - r.start);
            }
        }
        state = t.to;
    }
    (state == AlarmState::Alarm).then_some(0)
}
