//! A recorded alarm placed at a deployment's start: the alarm a scenario simulates when
//! `cdsim alarms dry-run` puts recorded metrics at a deployment starting at `at`.
//!
//! The alarm's metric after `at` becomes an injected metric, one step per alarm period
//! from 0 s (each period's statistic over the recorded values in it, or missing); its
//! datapoints of the evaluation range before `at` become its recorded `History`; its state
//! at `at` is its state in a replay of everything recorded before `at` (an alarm already in
//! ALARM blocks the deployment, §7.1). A period longer than a minute is evaluated every
//! minute on the step in force, so the sliding windows of such an alarm see the periods
//! aligned to `at` \[I\].
//!
//! Not here: running the scenario or refusing work beyond the budget (the CLI), replay
//! itself (`alarm::replay`).

use crate::alarm::replay::{self, Datapoint, MetricAlarm};
use crate::alarm::{Alarm, AlarmState, History, MetricSource};
use crate::time::{SimDuration, SimTime};

/// What [`at_start`] does for `alarm` watching `points` placed at `at`: the reads of the
/// replay of everything recorded before `at` ([`replay::reads`]) and the periods from `at`
/// to the last datapoint it turns into steps (one value each, kept while it runs).
pub fn work(alarm: &MetricAlarm, points: &[Datapoint], at: i64) -> (f64, f64) {
    let first = points.first().map_or(at, |d| d.time);
    let last = points.last().map_or(at, |d| d.time);
    let reads = replay::reads(alarm, &alarm.rule, first.min(at), at);
    let periods = (last as f64 - at as f64).max(0.0) / alarm.period as f64;
    (reads, periods)
}

/// The alarm to simulate for `alarm` watching `points` with a deployment starting at `at`
/// (ms since the epoch).
pub fn at_start(alarm: &MetricAlarm, points: &[Datapoint], at: i64) -> Alarm {
    let period = alarm.period;
    let last = points.last().map_or(at, |d| d.time);
    let after = replay::periods_after(alarm, points, at, last.max(at));
    let mut steps: Vec<(SimTime, Option<f64>)> = Vec::with_capacity(after.len());
    for (k, v) in after.into_iter().enumerate() {
        if steps.last().is_none_or(|&(_, prev)| prev != v) {
            steps.push((SimTime::from_millis(k as u64 * period as u64), v));
        }
    }
    let range = alarm.rule.evaluation_range();
    let history = replay::periods_before(alarm, points, at, range);
    let first = points.first().map_or(at, |d| d.time);
    let before = replay::replay(alarm, points, first.min(at), at, AlarmState::InsufficientData);
    let state = before.transitions.last().map_or(before.initial, |t| t.to);
    Alarm {
        name: alarm.name.clone(),
        metric: MetricSource::Injected(steps),
        period: SimDuration::from_millis(period as u64),
        rule: alarm.rule,
        initial_state: state,
        history: History::Recorded(history),
    }
}
