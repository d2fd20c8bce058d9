//! The alarms of a running deployment: their datapoints, evaluations and states over time,
//! shared by the platforms (§7).
//!
//! A platform model is [`Watched`]: at every metric period end it calls
//! [`Watched::evaluate_alarms`], which hands its [`AlarmWatch`] the model itself as the way
//! to observe a metric over a window ([`AlarmWatch::evaluate_due`]); alarms whose evaluation falls due then (every minute, or
//! every 10 s for short periods, §7.2) build their evaluation range and move to the state
//! `alarm::evaluate` gives. CodeDeploy's side (polling, stopping) stays in the platform.
//!
//! In a history the watch outlives each deployment: `server::history` and `shift_history`
//! hand it from one to the next and evaluate the gaps with [`AlarmWatch::evaluate_through`].
//!
//! Not here: the evaluation rule itself (`alarm`).

use crate::alarm::{self, Alarm, AlarmConfiguration, AlarmState, MetricSource};
use crate::time::{SimDuration, SimTime};

/// An alarm's states over a run: its initial state and every change.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmTimeline {
    /// The alarm's name.
    pub name: String,
    /// Its initial state at time zero, then every change.
    pub changes: Vec<(SimTime, AlarmState)>,
    /// The evaluation range (oldest datapoint first, `None` missing) that caused each of
    /// `changes`: empty for the initial state.
    pub ranges: Vec<Vec<Option<f64>>>,
}

/// A metric's value over [from, to), or `None` when there is no data.
pub trait Observation {
    /// The value of `metric` over [`from`, `to`), or `None` for missing data.
    fn observe(&self, metric: &MetricSource, from: SimTime, to: SimTime) -> Option<f64>;

    /// The steady value of an alarm's metric over one of its periods before the deployment
    /// started (`History::Baseline`), or `None` when the metric had no data then.
    fn baseline(&self, alarm: &Alarm) -> Option<f64>;

    /// The latest instant at or before `t` at which the observed data changed, and the
    /// first after `t` (`None`: never), apart from injected metrics' steps. The default
    /// says it changes at every instant, so that nothing is passed over.
    fn changes_around(&self, t: SimTime) -> (SimTime, Option<SimTime>) {
        (t, Some(t))
    }
}

/// A platform model that watches alarms on its own metrics.
pub trait Watched: Observation + Sized {
    /// The model's alarms.
    fn alarm_watch(&mut self) -> &mut AlarmWatch;

    /// Evaluates the alarms whose evaluation falls due at `now` on the model's metrics.
    fn evaluate_alarms(&mut self, now: SimTime) {
        let mut alarms = std::mem::take(self.alarm_watch());
        alarms.evaluate_due(now, &*self);
        *self.alarm_watch() = alarms;
    }
}

/// The alarms being watched.
#[derive(Clone, Debug, Default)]
pub struct AlarmWatch {
    alarms: Vec<Alarm>,
    states: Vec<AlarmState>,
    /// Each alarm's state changes, in the configuration's order.
    pub timelines: Vec<AlarmTimeline>,
    /// The instant of the last evaluation round: each instant is evaluated once.
    evaluated_at: Option<SimTime>,
}

impl AlarmWatch {
    /// The alarms of `config` (none without one), in their initial states.
    pub fn new(config: Option<&AlarmConfiguration>) -> Self {
        let alarms = config.map_or_else(Vec::new, |c| c.alarms.clone());
        AlarmWatch {
            states: alarms.iter().map(|a| a.initial_state).collect(),
            timelines: alarms
                .iter()
                .map(|a| AlarmTimeline {
                    name: a.name.clone(),
                    changes: vec![(SimTime::ZERO, a.initial_state)],
                    ranges: vec![Vec::new()],
                })
                .collect(),
            alarms,
            evaluated_at: None,
        }
    }

    /// CodeDeploy's reading of the alarms at `now` (§7.1): `Some(reason)` when the
    /// deployment must stop — an alarm is in ALARM, or the states cannot be read and
    /// `ignorePollAlarmFailure` is false.
    pub fn poll(&self, config: &AlarmConfiguration, now: SimTime) -> Option<String> {
        if !config.readable_at(now) {
            return (!config.ignore_poll_alarm_failure)
                .then(|| "The alarm states could not be retrieved and ignorePollAlarmFailure is false.".to_string());
        }
        self.in_alarm()
            .map(|name| format!("The deployment was stopped because alarm {name} went into ALARM."))
    }

    /// The first alarm in ALARM, if any.
    pub fn in_alarm(&self) -> Option<&str> {
        self.alarms
            .iter()
            .zip(&self.states)
            .find(|(_, s)| **s == AlarmState::Alarm)
            .map(|(a, _)| a.name.as_str())
    }

    /// Evaluates every alarm whose evaluation is due at `now`, once per instant: a poll
    /// at the same instant calls this first, so CodeDeploy always reads the states the
    /// evaluations of that instant produced, whichever event the queue delivers first.
    pub fn evaluate_due(&mut self, now: SimTime, data: &impl Observation) {
        if self.evaluated_at == Some(now) {
            return;
        }
        self.evaluated_at = Some(now);
        for i in 0..self.alarms.len() {
            let a = &self.alarms[i];
            if !now.as_millis().is_multiple_of(a.evaluation_interval().as_millis()) {
                continue;
            }
            let range = datapoints(a, now, data);
            let next = alarm::evaluate(&a.rule, &range, self.states[i]);
            if next != self.states[i] {
                tracing::info!(target: "cdsim::alarm", t = %now, alarm = %a.name, state = %next.as_str(),
                    "alarm state changed");
                self.states[i] = next;
                self.timelines[i].changes.push((now, next));
                self.timelines[i].ranges.push(range);
            }
        }
    }
}

impl AlarmWatch {
    /// Evaluates every instant due after the last one evaluated, through `end`, on `data`,
    /// as CloudWatch goes on between deployments (a history's gaps). An evaluation sees
    /// the window of its evaluation range; once the data has not changed for a whole window,
    /// the instants up to its next change would see the same datapoints and give the same
    /// states, so they are passed over.
    pub fn evaluate_through(&mut self, end: SimTime, data: &impl Observation) {
        if self.alarms.is_empty() {
            return;
        }
        let step = EVALUATION_STEP.as_millis();
        let window = self
            .alarms
            .iter()
            .map(|a| a.period.as_millis() * a.rule.evaluation_range() as u64)
            .max();
        let window = window.unwrap_or(0) + step;
        let mut now = self.evaluated_at.map_or(step, |t| (t.as_millis() / step + 1) * step);
        while now <= end.as_millis() {
            let t = SimTime::from_millis(now);
            self.evaluate_due(t, data);
            let (last, next) = self.changes_around(t, data);
            now += step;
            if t.as_millis().saturating_sub(last.as_millis()) >= window {
                // Quiet for a whole window: the same datapoints until the next change.
                let quiet_until = next.map_or(end.as_millis(), |n| n.as_millis().min(end.as_millis()));
                now = now.max(quiet_until / step * step);
            }
        }
    }

    /// [`Observation::changes_around`] with the injected metrics' steps and the start of
    /// time (before it, the alarms' recorded or baseline history).
    fn changes_around(&self, t: SimTime, data: &impl Observation) -> (SimTime, Option<SimTime>) {
        let mut around = data.changes_around(t);
        for a in &self.alarms {
            if let MetricSource::Injected(steps) = &a.metric {
                around = with_steps(around, steps, t);
            }
        }
        around
    }
}

/// The changes (`last` at or before `t`, `next` after it) around `t` with the instants of
/// a step function's `steps` added.
pub fn with_steps<V>(
    (mut last, mut next): (SimTime, Option<SimTime>),
    steps: &[(SimTime, V)],
    t: SimTime,
) -> (SimTime, Option<SimTime>) {
    for &(from, _) in steps {
        if from <= t {
            last = last.max(from);
        } else {
            next = Some(next.map_or(from, |n| n.min(from)));
        }
    }
    (last, next)
}

/// The finest evaluation interval: every instant that is a multiple of it may be due.
pub const EVALUATION_STEP: SimDuration = SimDuration::from_secs(10);

/// The evaluation range ending at `now`, oldest first: datapoint j covers
/// [now − (j+1)·P, now − j·P). A window that ends by the deployment's start is the alarm's
/// history datapoint of the period its end falls in (a step function, like an injected
/// metric); one that straddles the start is the metric over its part after the start \[I\].
fn datapoints(a: &Alarm, now: SimTime, data: &impl Observation) -> Vec<Option<f64>> {
    let p = a.period.as_millis();
    let k = a.rule.evaluation_range() as u64;
    (0..k)
        .rev()
        .map(|j| match now.as_millis().checked_sub(j * p) {
            Some(end) if end > 0 => {
                let start = end.saturating_sub(p);
                data.observe(&a.metric, SimTime::from_millis(start), SimTime::from_millis(end))
            }
            _ => {
                let before = j * p - now.as_millis();
                a.history.datapoint(before / p, || data.baseline(a))
            }
        })
        .collect()
}

/// An injected metric's steady value before the deployment: the value in force at 0 s.
pub fn injected_baseline(steps: &[(SimTime, Option<f64>)]) -> Option<f64> {
    injected_value(steps, SimTime::from_millis(1))
}

/// The step value of an injected metric in force just before `to`.
pub fn injected_value(steps: &[(SimTime, Option<f64>)], to: SimTime) -> Option<f64> {
    let before = to.as_millis().checked_sub(1)?;
    steps
        .iter()
        .rev()
        .find(|(from, _)| from.as_millis() <= before)
        .and_then(|&(_, v)| v)
}

/// A fleet's metric before the deployment (the EC2/on-premises models'
/// [`Observation::baseline`]): `HealthyCount` is the instances in service at the start
/// (`first_in_service`), an injected metric its value at 0 s.
pub fn fleet_baseline(metric: &MetricSource, first_in_service: Option<u32>) -> Option<f64> {
    match metric {
        MetricSource::HealthyCount => first_in_service.map(f64::from),
        MetricSource::Injected(steps) => injected_baseline(steps),
        MetricSource::ErrorRate(_) | MetricSource::ErrorCount(_) | MetricSource::Latency(..) => None,
    }
}

/// What an EC2/on-premises deployment (in place or blue/green) shows an alarm: for
/// `healthyCount`, the fewest instances in service during the window of its capacity
/// `series` (`point` reads a point's time and count); an injected metric's value; nothing
/// for request metrics, which these deployments do not have.
pub fn fleet_observation<P>(
    metric: &MetricSource,
    series: &[P],
    from: SimTime,
    to: SimTime,
    point: impl Fn(&P) -> (SimTime, u32),
) -> Option<f64> {
    match metric {
        MetricSource::HealthyCount => fewest_in_service(series, from, to, point),
        MetricSource::Injected(steps) => injected_value(steps, to),
        MetricSource::ErrorRate(_) | MetricSource::ErrorCount(_) | MetricSource::Latency(..) => None,
    }
}

/// The fewest instances in service during [`from`, `to`) of a capacity series in time
/// order (CloudWatch's `HealthyHostCount` with the Minimum statistic): the count in force
/// at `from` and every later change before `to`. `point` reads a point's (time, count).
/// The window is found by binary search, so an evaluation costs the points inside it, not
/// the whole series seen so far.
pub fn fewest_in_service<P>(
    series: &[P],
    from: SimTime,
    to: SimTime,
    point: impl Fn(&P) -> (SimTime, u32),
) -> Option<f64> {
    let first_after = series.partition_point(|p| point(p).0 <= from);
    let at_from = point(series[..first_after].last()?).1;
    let before_to = series.partition_point(|p| point(p).0 < to).max(first_after);
    let within = series[first_after..before_to].iter().map(|p| point(p).1);
    Some(f64::from(within.fold(at_from, u32::min)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binary search finds what a scan of the whole series finds: the count in force
    /// at `from` and the fewest of every change before `to`.
    #[test]
    fn fewest_in_service_agrees_with_a_full_scan() {
        // Changes at 10, 20, 20 (two at one instant), 35, 50 ms.
        let series = [(10, 5), (20, 3), (20, 4), (35, 1), (50, 6)].map(|(t, n)| (SimTime::from_millis(t), n));
        let point = |p: &(SimTime, u32)| *p;
        for from in 0..60 {
            for to in from..65 {
                let (from, to) = (SimTime::from_millis(from), SimTime::from_millis(to));
                let scan = series.iter().rev().find(|&&(t, _)| t <= from).map(|&(_, at_from)| {
                    let within = series.iter().filter(|&&(t, _)| t > from && t < to).map(|&(_, n)| n);
                    f64::from(within.fold(at_from, u32::min))
                });
                assert_eq!(fewest_in_service(&series, from, to, point), scan, "[{from}, {to})");
            }
        }
    }
}
