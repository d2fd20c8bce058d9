//! The alarms of an ECS or Lambda group's history (§7): CloudWatch alarms belong to the
//! deployment group and are evaluated all the time, so each has one state on the history's
//! time axis. The history hands the same `AlarmWatch` to each deployment, which evaluates
//! it on its own metric periods and which CodeDeploy polls (§7.1); the gaps between
//! deployments are evaluated afterwards on the group's traffic kept here.
//!
//! The group's traffic is each deployment's metric periods, as sampled, and between
//! deployments the serving revision alone (the primary task set, the version the alias
//! points to) at its steady values: its error rate, its expected errors at the request rate,
//! its latency quantile, the service's tasks \[I: expected values, not samples, between
//! deployments\]. Between deployments the serving revision counts as the original (it is
//! the next deployment's) and nothing is on a replacement \[I\]. A window that reaches into a
//! deployment reads only that deployment's periods. Since the steady values change only
//! where a deployment starts or ends or the request rate steps, a long gap is passed over
//! in a few evaluations (`AlarmWatch::evaluate_through`).
//!
//! Not here: running the deployments (`shift_history`, `traffic_shift`) or the evaluation
//! rule (`alarm`, `alarm_watch`).

use crate::alarm::{Alarm, AlarmConfiguration, MetricSource};
use crate::platform::alarm_watch::{AlarmWatch, Observation, injected_baseline, injected_value, with_steps};
use crate::platform::traffic_shift::{BlueGreenOutcome, PeriodRecord, request_metric, steady_value};
use crate::scenario::blue_green::{BlueGreenDeployment, ShiftTarget};
use crate::time::SimTime;
use crate::traffic::{RequestRate, VersionBehaviour};

/// The group's alarms over the history and the traffic they observe.
pub(crate) struct ShiftAlarms {
    /// The alarms' states, carried from one deployment to the next.
    pub(crate) watch: AlarmWatch,
    /// The group's traffic from the history's start to the end of the last deployment run.
    pub(crate) traffic: GroupTraffic,
}

impl ShiftAlarms {
    /// The alarms of `config` at the history's start, on the group of `spec` with `initial`
    /// serving.
    pub(crate) fn new(config: &AlarmConfiguration, spec: &BlueGreenDeployment, initial: VersionBehaviour) -> Self {
        ShiftAlarms {
            watch: AlarmWatch::new(Some(config)),
            traffic: GroupTraffic::new(spec, initial),
        }
    }

    /// Evaluates the alarms through `end` on the group's traffic (a gap).
    pub(crate) fn evaluate_through(&mut self, end: SimTime) {
        self.watch.evaluate_through(end, &self.traffic);
    }
}

/// The production traffic of an ECS or Lambda group through a history, as its alarms
/// observe it (see the module's rules).
pub(crate) struct GroupTraffic {
    /// Every deployment's metric periods, in time order.
    periods: Vec<PeriodRecord>,
    /// Every deployment's [creation, end), for those that lasted, in time order.
    spans: Vec<(SimTime, SimTime)>,
    /// (from, behaviour): the revision serving alone from `from` until the next span.
    serving: Vec<(SimTime, VersionBehaviour)>,
    /// Every instant at which the observed data changes, apart from the request rate's
    /// steps, in time order.
    changes: Vec<SimTime>,
    rate: RequestRate,
    /// The service's tasks (ECS).
    tasks: Option<u32>,
}

impl GroupTraffic {
    fn new(spec: &BlueGreenDeployment, initial: VersionBehaviour) -> Self {
        GroupTraffic {
            periods: Vec::new(),
            spans: Vec::new(),
            serving: vec![(SimTime::ZERO, initial)],
            changes: vec![SimTime::ZERO],
            rate: spec.traffic.rate.clone(),
            tasks: match &spec.target {
                ShiftTarget::Ecs(e) => Some(e.tasks),
                ShiftTarget::Lambda(_) => None,
            },
        }
    }

    /// Adds a finished deployment, after which `serving` alone answers production traffic.
    pub(crate) fn record(&mut self, outcome: &BlueGreenOutcome, serving: VersionBehaviour) {
        let (start, end) = (outcome.create_time, outcome.complete_time);
        if start < end {
            self.spans.push((start, end));
            self.changes.push(start);
            self.changes.extend(outcome.periods.iter().map(|p| p.end));
            self.periods.extend_from_slice(&outcome.periods);
        }
        self.serving.push((end, serving));
    }

    /// Whether [`from`, `to`) reaches into a deployment.
    fn within_deployment(&self, from: SimTime, to: SimTime) -> bool {
        let first = self.spans.partition_point(|&(_, end)| end <= from);
        self.spans.get(first).is_some_and(|&(start, _)| start < to)
    }
}

impl Observation for GroupTraffic {
    fn observe(&self, metric: &MetricSource, from: SimTime, to: SimTime) -> Option<f64> {
        if let MetricSource::Injected(steps) = metric {
            return injected_value(steps, to);
        }
        if self.within_deployment(from, to) {
            let first = self.periods.partition_point(|p| p.start < from);
            let last = self.periods.partition_point(|p| p.end <= to).max(first);
            let periods = &self.periods[first..last];
            return match metric {
                MetricSource::HealthyCount => {
                    self.tasks?;
                    let p = periods.last().filter(|p| p.end == to)?;
                    Some(f64::from(p.healthy_original + p.healthy_replacement))
                }
                _ => request_metric(metric, periods.iter()),
            };
        }
        let at = self.serving.partition_point(|&(t, _)| t <= from);
        let serving = &self.serving[at.max(1) - 1].1;
        steady_value(
            metric,
            serving,
            self.rate.at(from),
            to.since(from).as_secs_f64(),
            self.tasks,
        )
    }

    fn baseline(&self, alarm: &Alarm) -> Option<f64> {
        match &alarm.metric {
            MetricSource::Injected(steps) => injected_baseline(steps),
            metric => steady_value(
                metric,
                &self.serving[0].1,
                self.rate.at(SimTime::ZERO),
                alarm.period.as_secs_f64(),
                self.tasks,
            ),
        }
    }

    fn changes_around(&self, t: SimTime) -> (SimTime, Option<SimTime>) {
        let after = self.changes.partition_point(|&c| c <= t);
        let last = self.changes[..after].last().copied().unwrap_or(SimTime::ZERO);
        let around = (last, self.changes.get(after).copied());
        match &self.rate {
            RequestRate::Steps(steps) => with_steps(around, steps, t),
            RequestRate::Constant(_) => around,
        }
    }
}
