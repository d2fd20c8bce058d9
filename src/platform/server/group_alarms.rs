//! A history's alarms (§7): CloudWatch alarms belong to the deployment group and are
//! evaluated all the time, not per deployment, so each has one state on the history's time
//! axis. The history hands the same `AlarmWatch` to each user deployment, which evaluates
//! it as it runs and which CodeDeploy polls (§7.1); rollbacks and the gaps between
//! deployments are evaluated afterwards on the group's capacity series kept here.
//!
//! Not here: running the deployments (`history`, `super`) or the evaluation rule
//! (`alarm`, `platform::alarm_watch`).

use crate::alarm::{Alarm, AlarmConfiguration, MetricSource};
use crate::platform::alarm_watch::{AlarmWatch, Observation, fleet_baseline, fleet_observation};
use crate::time::SimTime;

use super::CapacityPoint;

/// The group's alarms over the history (§7): CloudWatch alarms belong to the group and are
/// evaluated all the time, so each has one state on the history's time axis, evaluated
/// during each user deployment (which CodeDeploy polls, §7.1) and, from the group's capacity
/// series, through rollbacks and the gaps between deployments.
pub(super) struct GroupAlarms {
    /// The alarms' states, carried from one deployment to the next.
    pub(super) watch: AlarmWatch,
    /// The group's instances in service from the history's start to the end of the last
    /// deployment run.
    pub(super) series: Vec<CapacityPoint>,
}

impl GroupAlarms {
    /// The alarms of `config` at the history's start, with `in_service` instances in service.
    pub(super) fn new(config: &AlarmConfiguration, in_service: u32) -> GroupAlarms {
        GroupAlarms {
            watch: AlarmWatch::new(Some(config)),
            series: vec![CapacityPoint {
                time: SimTime::ZERO,
                in_service,
                on_new_revision: 0,
            }],
        }
    }

    /// Evaluates the alarms through `end` on the group's series (a gap, a rollback).
    pub(super) fn evaluate_through(&mut self, end: SimTime) {
        self.watch.evaluate_through(end, &GroupSeries(&self.series));
    }

    /// Adds a deployment's capacity series, which follows the series so far.
    pub(super) fn record(&mut self, capacity: &[CapacityPoint]) {
        self.series.extend_from_slice(capacity);
    }
}

/// The group's capacity series as the alarms observe it between deployments.
struct GroupSeries<'a>(&'a [CapacityPoint]);

impl Observation for GroupSeries<'_> {
    fn observe(&self, metric: &MetricSource, from: SimTime, to: SimTime) -> Option<f64> {
        fleet_observation(metric, self.0, from, to, |p| (p.time, p.in_service))
    }

    fn baseline(&self, alarm: &Alarm) -> Option<f64> {
        fleet_baseline(&alarm.metric, self.0.first().map(|p| p.in_service))
    }

    fn changes_around(&self, t: SimTime) -> (SimTime, Option<SimTime>) {
        let after = self.0.partition_point(|p| p.time <= t);
        let last = self.0[..after].last().map_or(SimTime::ZERO, |p| p.time);
        (last, self.0.get(after).map(|p| p.time))
    }
}
