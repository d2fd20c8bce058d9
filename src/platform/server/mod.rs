//! EC2/on-premises in-place deployments (§3, §4.1, §10, §2.6): the model the engine runs.
//!
//! Each instance walks the in-place lifecycle order. Which instance starts when is decided
//! by the pure start rule of `config::minimum_healthy` (fleet and, when zonal, zone
//! constraints), in CodeDeploy's priority order (§3.1: Unhealthy, Unknown, Old, Current;
//! instance id order within a class, since CodeDeploy promises no order). The deployment
//! ends:
//! - `Failed / HEALTH_CONSTRAINTS_INVALID` at once when the minimum cannot be met (M ≥ N);
//! - `Failed / HEALTH_CONSTRAINTS` when nothing is in flight, instances are pending, and
//!   none may start; the pending instances end `Skipped`. Zonal: when a zone ends and the
//!   next could start none of its instances, at that moment, not after the monitor
//!   duration (nothing changes the healthy counts while it runs);
//! - otherwise when every instance has finished: `Succeeded` iff at least max(M, 1)
//!   instances succeeded.
//!
//! **Refilling slots** \[I\]: by default (`rolling`) an instance starts as soon as the rule
//! allows, which is §3.2's reading; `instanceScheduling: waves` starts a group only when the
//! previous group has finished.
//!
//! **Randomness.** When an instance starts, all of its hook outcomes are drawn at once from
//! its own sub-stream, so its behaviour does not depend on when it is scheduled.
//!
//! **Stopped instances** (§3.3) \[I\]: an event running when the instance stops ends `Failed`
//! when its timeout runs out (scripts: the sum of their timeouts; AllowTraffic: one hour;
//! a BlockTraffic already under way completes); an event due to start on a stopped instance
//! fails after five minutes. CodeDeploy learns an instance's health only by deploying to it,
//! so a stop does not change the healthy count until the instance fails. A second stop of
//! a stopped instance changes nothing.
//!
//! **Planned instances** (speed): when nothing can interrupt an instance mid-way, its whole
//! lifecycle is planned when it starts (`itinerary`), and the engine delivers only the
//! events at which it touches shared state (at most three instead of thirteen); the records
//! are the same as event by event. Otherwise every lifecycle event is an engine event.
//!
//! **Capacity** is the number of instances in service: with a load balancer, registered and
//! healthy (out from BlockTraffic, back when AllowTraffic succeeds); without one, not being
//! deployed to and not failed.
//!
//! Not here: EC2 blue/green (`ec2_blue_green`; what both share about an instance's events
//! is in `instance_event`), and
//! rendering (`report`).

mod group_alarms;
pub mod history;
mod instance;
mod itinerary;
mod previous;
mod records;
mod rollback;

use std::collections::VecDeque;

use crate::alarm::{Alarm, MetricSource};
use crate::config::DeploymentConfig;
use crate::config::minimum_healthy::{HealthCount, HealthPlan, may_start};
use crate::deployment::{
    DeploymentStatus, Diagnostic, ErrorCode, ErrorInformation, LifecycleEventStatus, TargetStatus,
};
use crate::engine::{Model, Scheduler};
use crate::id::TargetId;
use crate::lifecycle::hook::{Hook, HookOutcome};
use crate::lifecycle::{LifecycleEventName, Runner};
use crate::load_balancer::ALLOW_TRAFFIC_LIMIT;
use crate::platform::alarm_watch::{
    AlarmTimeline, AlarmWatch, Observation, Watched, fleet_baseline, fleet_observation,
};
use crate::platform::instance_event::{EVENT_START_LIMIT, script_diagnostic};
use crate::rng::{Stream, Streams};
use crate::scenario::{HealthClass, InPlace, InstanceScheduling, Monitoring};
use crate::time::{SimDuration, SimTime};
use instance::Instance;
pub use previous::{PreviousHooks, PreviousRevisions};
pub use records::{Records, Slot};
pub use rollback::{InPlaceRuns, RollbackStart, run};

/// Metric periods for Server alarms: 10 s, so that 10 s alarms and one-minute alarms are
/// both evaluated on time.
const METRIC_PERIOD: SimDuration = SimDuration::from_secs(10);

/// The in-place deployment's closed set of events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The deployment is created and starts.
    Start,
    /// The lifecycle event an instance is running ends (if `generation` is still current).
    /// (A `u16` keeps the event at 8 bytes: an instance stops at most once.)
    LifecycleEventEnds {
        /// The instance.
        target: TargetId,
        /// The instance's generation when the event was scheduled.
        generation: u16,
    },
    /// A planned instance reaches its next milestone (see `itinerary`).
    MilestoneReached {
        /// The instance.
        target: TargetId,
    },
    /// An instance stops (a fault).
    InstanceStops {
        /// The instance.
        target: TargetId,
    },
    /// The monitor duration after an Availability Zone has passed.
    ZoneBakeEnds,
    /// A metric period ends; alarms due at this instant are evaluated.
    MetricPeriodEnds,
    /// CodeDeploy reads the alarms' states.
    AlarmPoll,
    /// The scenario calls StopDeployment.
    StopDeployment,
}

/// Instances waiting to start, in priority order.
#[derive(Clone, Debug, Default)]
struct PendingQueue {
    by_class: [VecDeque<TargetId>; 4],
}

impl PendingQueue {
    fn push(&mut self, t: TargetId, class: HealthClass) {
        self.by_class[class as usize].push_back(t);
    }

    fn peek(&self) -> Option<TargetId> {
        self.by_class.iter().find_map(|q| q.front().copied())
    }

    fn pop(&mut self) -> Option<TargetId> {
        self.by_class.iter_mut().find_map(VecDeque::pop_front)
    }

    fn len(&self) -> usize {
        self.by_class.iter().map(VecDeque::len).sum()
    }
}

/// The in-place deployment: all mutable simulation state, changed only by [`Model::handle`].
pub struct InPlaceDeployment<'s> {
    config: &'s DeploymentConfig,
    scenario: &'s InPlace,
    monitoring: &'s Monitoring,
    /// When the deployment is created (a rollback starts when the failed one ended).
    origin: SimTime,
    /// This is a rollback deployment (§8): the last good revision, not zonal, without the
    /// new revision's hook faults and failure probabilities [I].
    is_rollback: bool,
    /// In a history: the hooks of each instance's earlier revisions (§4.1). `None`: every
    /// instance's previous revision has the scenario's hooks, or none on a first deployment.
    previous: Option<PreviousHooks<'s>>,
    /// In a history: the group's capacity series before this deployment, which the alarms'
    /// windows reach back into (empty otherwise).
    past: &'s [CapacityPoint],
    alarms: AlarmWatch,
    /// Plan each instance's whole lifecycle when it starts (see `itinerary`). Only when
    /// nothing can interrupt an instance mid-way: no instance stops, no StopDeployment, no
    /// alarms that could stop it.
    planned: bool,
    /// A stop is under way: (status, error) to finish with once nothing is in flight.
    stopping: Option<(ErrorCode, String)>,
    /// Whether the ending (failure or stop) asked for a rollback.
    rollback_requested: bool,
    streams: Streams,
    order: &'static [LifecycleEventName],
    plan: Option<HealthPlan>,
    status: DeploymentStatus,
    error: Option<ErrorInformation>,
    complete_time: Option<SimTime>,
    /// Per instance, indexed by TargetId.
    instances: Vec<Instance>,
    records: Records,
    // Scheduling state.
    pending: Vec<PendingQueue>,
    zone_cursor: usize,
    fleet_health: HealthCount,
    zone_health: Vec<HealthCount>,
    zonal: bool,
    in_flight: u32,
    /// When the last instance started (for wave scheduling).
    last_start: SimTime,
    succeeded: u32,
    failed: u32,
    // Observations.
    in_service: u32,
    /// In service and on the new revision (kept with `in_service`).
    in_service_new: u32,
    capacity: Vec<CapacityPoint>,
}

/// A point of the capacity series: from `time`, `in_service` instances are in service, of
/// which `on_new_revision` run the new revision (the first deployment's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityPoint {
    /// When the point begins.
    pub time: SimTime,
    /// Instances in service.
    pub in_service: u32,
    /// Of those, the ones on the new revision.
    pub on_new_revision: u32,
}

/// What a finished in-place deployment leaves behind, for reports.
#[derive(Clone, Debug)]
pub struct InPlaceOutcome {
    /// Its final status.
    pub status: DeploymentStatus,
    /// Why it failed or stopped.
    pub error: Option<ErrorInformation>,
    /// When it ended.
    pub complete_time: SimTime,
    /// The configuration's rules over the fleet (`None`: M ≥ N).
    pub plan: Option<HealthPlan>,
    /// Each instance's events, in order.
    pub order: &'static [LifecycleEventName],
    /// Each instance's status.
    pub target_status: Vec<TargetStatus>,
    /// `order.len()` records per instance.
    pub records: Records,
    /// Instances in service (and of them on the new revision) at the start and at every change.
    pub capacity: Vec<CapacityPoint>,
    /// When the deployment was created.
    pub create_time: SimTime,
    /// The ending asked for a rollback (§8).
    pub rollback_requested: bool,
    /// This is a rollback deployment.
    pub is_rollback: bool,
    /// Each alarm's state changes.
    pub alarm_states: Vec<AlarmTimeline>,
    /// Per instance at the end: health class, in service, stopped (the rollback starts
    /// from this).
    pub final_class: Vec<HealthClass>,
    /// Per instance at the end: in service.
    pub final_serving: Vec<bool>,
    /// Per instance at the end: stopped.
    pub final_stopped: Vec<bool>,
    /// Per instance at the end: on the new revision.
    pub final_on_new_revision: Vec<bool>,
}

impl<'s> InPlaceDeployment<'s> {
    /// The deployment of `scenario` under `config`, watched by `monitoring`, drawing from
    /// `seed`'s streams.
    pub fn new(config: &'s DeploymentConfig, scenario: &'s InPlace, monitoring: &'s Monitoring, seed: u64) -> Self {
        Self::build(config, scenario, monitoring, Streams::new(seed), None, false)
    }

    /// `start`: where the group stands when the deployment is created (`None`: as the
    /// scenario's fleet says); `rollback`: it is a rollback deployment.
    fn build(
        config: &'s DeploymentConfig,
        scenario: &'s InPlace,
        monitoring: &'s Monitoring,
        streams: Streams,
        start: Option<&RollbackStart>,
        rollback: bool,
    ) -> Self {
        let fleet = &scenario.fleet;
        let n = fleet.instances as usize;
        let order = LifecycleEventName::in_place_order(scenario.load_balancer.is_some());
        let (minimum, zonal) = config.minimum_healthy().expect("validated: a Server configuration");
        // §2.6: rollbacks are not zonal.
        let zonal = zonal.filter(|_| !rollback);
        let class = start.map_or_else(|| fleet.health_classes(), |r| r.class.clone());
        let zonal_on = zonal.is_some();
        let queues = if zonal_on { fleet.zone_count() } else { 1 };
        let mut pending = vec![PendingQueue::default(); queues];
        let mut zone_sizes = vec![0u32; fleet.zone_count()];
        let mut zone_healthy = vec![0u32; fleet.zone_count()];
        for (i, &c) in class.iter().enumerate() {
            let t = TargetId(i as u32);
            let z = fleet.zone_of(t).index();
            zone_sizes[z] += 1;
            zone_healthy[z] += u32::from(c.is_healthy());
            pending[if zonal_on { z } else { 0 }].push(t, c);
        }
        let zone_health = match zonal {
            Some(zc) => zone_sizes
                .iter()
                .zip(&zone_healthy)
                .map(|(&size, &healthy)| HealthCount {
                    healthy,
                    minimum: zc.minimum_healthy_hosts_per_zone.resolve(size),
                })
                .collect(),
            None => Vec::new(),
        };
        let healthy: u32 = zone_healthy.iter().sum();
        // On a first deployment nothing serves before it is deployed to, whichever way its
        // instances count towards the minimum.
        let serving: Vec<bool> = start.map_or_else(
            || {
                class
                    .iter()
                    .map(|c| c.is_healthy() && !fleet.first_deployment)
                    .collect()
            },
            |r| r.serving.clone(),
        );
        let in_service = serving.iter().filter(|&&s| s).count() as u32;
        let on_new_revision = start.map_or_else(|| vec![false; n], |r| r.on_new_revision.clone());
        let on_new = count_on_new(&serving, &on_new_revision);
        let stopped = start.map_or_else(|| vec![false; n], |r| r.stopped.clone());
        let instances = (0..n)
            .map(|i| Instance::new(class[i], serving[i], stopped[i], on_new_revision[i]))
            .collect();
        let origin = start.map_or(SimTime::ZERO, |r| r.origin);
        let alarms = if rollback {
            AlarmWatch::new(None)
        } else {
            AlarmWatch::new(monitoring.alarms.as_ref())
        };
        let planned = scenario.faults.stops().next().is_none()
            && if rollback {
                monitoring.rollback_stop.is_none()
            } else {
                monitoring.stop.is_none() && monitoring.alarms.is_none()
            };
        InPlaceDeployment {
            config,
            scenario,
            monitoring,
            planned,
            origin,
            is_rollback: rollback,
            previous: None,
            past: &[],
            alarms,
            stopping: None,
            rollback_requested: false,
            streams,
            order,
            plan: HealthPlan::new(minimum, fleet.instances),
            status: DeploymentStatus::Created,
            error: None,
            complete_time: None,
            instances,
            records: Records::new(n, order.len()),
            pending,
            zone_cursor: 0,
            fleet_health: HealthCount {
                healthy,
                minimum: minimum.resolve(fleet.instances),
            },
            zone_health,
            zonal: zonal_on,
            in_flight: 0,
            last_start: SimTime::ZERO,
            succeeded: 0,
            failed: 0,
            in_service,
            in_service_new: on_new,
            capacity: initial_capacity(n, origin, in_service, on_new),
        }
    }

    /// Runs every lifecycle event as its own engine event even when nothing can interrupt
    /// an instance: the reference execution that planned instances (`itinerary`) are tested
    /// against. Slower in a large fleet; the same records.
    pub fn event_by_event(mut self) -> Self {
        self.planned = false;
        self
    }

    /// In a history: the alarms as the group's history left them, and the group's capacity
    /// series before this deployment (see `history`).
    fn watch_from(&mut self, alarms: AlarmWatch, past: &'s [CapacityPoint]) {
        self.alarms = alarms;
        self.past = past;
    }

    /// The alarms as this deployment leaves them, for the rest of the history (the outcome
    /// then holds no timelines).
    fn take_alarms(&mut self) -> AlarmWatch {
        std::mem::take(&mut self.alarms)
    }

    /// The final state. Panics if the deployment has not finished (a broken invariant).
    pub fn into_outcome(self) -> InPlaceOutcome {
        assert!(self.status.is_terminal(), "deployment still {}", self.status.as_str());
        // One pass over the instances (in a large fleet, each pass is a trip through memory).
        let n = self.instances.len();
        let (mut status, mut class, mut serving, mut stopped, mut on_new) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for i in &self.instances {
            status.push(i.status);
            class.push(i.class);
            serving.push(i.serving);
            stopped.push(i.stopped);
            on_new.push(i.on_new_revision);
        }
        InPlaceOutcome {
            status: self.status,
            error: self.error,
            complete_time: self.complete_time.expect("set with the terminal status"),
            plan: self.plan,
            order: self.order,
            target_status: status,
            records: self.records,
            capacity: self.capacity,
            create_time: self.origin,
            rollback_requested: self.rollback_requested,
            is_rollback: self.is_rollback,
            alarm_states: self.alarms.timelines,
            final_class: class,
            final_serving: serving,
            final_stopped: stopped,
            final_on_new_revision: on_new,
        }
    }

    /// The record of the event `t` is running (or about to run).
    fn current_slot(&mut self, t: TargetId) -> &mut Slot {
        let stage = usize::from(self.instances[t.index()].stage);
        &mut self.records.slots_mut(t)[stage]
    }

    // ----- event handlers -------------------------------------------------------------

    fn on_start(&mut self, sched: &mut Scheduler<Event>) {
        self.status = DeploymentStatus::InProgress;
        tracing::info!(target: "cdsim::deployment", t = %sched.now(), config = %self.config.name,
            instances = self.scenario.fleet.instances, "deployment started");
        let now = sched.now();
        if let Some(message) = self.invalid_health_constraints() {
            self.finish(
                now,
                DeploymentStatus::Failed,
                Some((ErrorCode::HealthConstraintsInvalid, message)),
            );
            return;
        }
        for (target, at) in self.scenario.faults.stops() {
            if at >= now && !self.instances[target.index()].stopped {
                sched.at(at, Event::InstanceStops { target });
            }
        }
        if !self.is_rollback {
            if let Some(a) = &self.monitoring.alarms {
                // §7.1: an alarm already in ALARM stops the deployment before it starts.
                if let Some(name) = self.alarms.in_alarm() {
                    let message = format!("Alarm {name} was already in ALARM when the deployment started.");
                    self.rollback_requested = self.monitoring.auto_rollback.on_alarm;
                    self.finish(now, DeploymentStatus::Stopped, Some((ErrorCode::AlarmActive, message)));
                    return;
                }
                // Metric periods end on multiples of the period since time 0, whenever the
                // deployment was created (alarms are evaluated on that grid, §7.2).
                let period = METRIC_PERIOD.as_millis();
                sched.at(
                    SimTime::from_millis((now.as_millis() / period + 1) * period),
                    Event::MetricPeriodEnds,
                );
                sched.after(a.poll_interval, Event::AlarmPoll);
            }
            if let Some(stop) = self.monitoring.stop {
                sched.at(stop.at.max(now), Event::StopDeployment);
            }
        } else if let Some(at) = self.monitoring.rollback_stop {
            sched.at(at.max(now), Event::StopDeployment);
        }
        self.start_more(sched);
    }

    fn on_lifecycle_event_ends(&mut self, t: TargetId, generation: u16, sched: &mut Scheduler<Event>) {
        if generation != self.instances[t.index()].generation {
            return; // superseded by a stop
        }
        let now = sched.now();
        let stage = usize::from(self.instances[t.index()].stage);
        let name = self.order[stage];
        assert_eq!(
            self.records.record(t, stage).end(),
            now,
            "event ends at its planned time"
        );
        let slot = self.current_slot(t);
        let ok = slot.diagnostic().succeeds();
        slot.status = if ok {
            LifecycleEventStatus::Succeeded
        } else {
            LifecycleEventStatus::Failed
        };
        tracing::debug!(target: "cdsim::deployment", t = %now, target = %t, event = %name,
            status = %slot.status.as_str(), "lifecycle event ended");
        if ok && name.runner() == Runner::Register {
            self.set_serving(t, true, now);
        }
        if ok && name == LifecycleEventName::Install {
            self.set_on_new_revision(t, !self.is_rollback, now);
        }
        let forgiven = !ok && self.scenario.ignore_application_stop_failures && name.failure_may_be_ignored();
        if self.stopping.is_some() || (!ok && !forgiven) {
            // After a stop no more lifecycle events are scheduled (§8) [I: the instance ends Failed].
            self.records.skip_from(t, stage + 1);
            self.finish_target(t, false, sched);
        } else if stage + 1 == self.order.len() {
            self.finish_target(t, true, sched);
        } else {
            self.instances[t.index()].stage += 1;
            self.begin_event(t, sched);
        }
    }

    fn on_instance_stops(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        if self.instances[t.index()].stopped {
            return; // already stopped: a second stop changes nothing
        }
        tracing::info!(target: "cdsim::deployment", t = %now, target = %t, "instance stopped");
        self.instances[t.index()].stopped = true;
        self.set_serving(t, false, now);
        if self.instances[t.index()].status != TargetStatus::InProgress {
            return; // a pending instance fails when its first event cannot start
        }
        let stage = usize::from(self.instances[t.index()].stage);
        let rec = self.records.record(t, stage);
        if rec.status != LifecycleEventStatus::InProgress {
            return;
        }
        let name = self.order[stage];
        let (limit, diagnostic) = match name.runner() {
            Runner::Scripts | Runner::Agent => (self.hook_for(t, name).total_timeout(), Diagnostic::InstanceStopped),
            Runner::Register => (ALLOW_TRAFFIC_LIMIT, Diagnostic::NotHealthyInTime),
            Runner::Deregister => return, // deregistration completes; the next event cannot start
            Runner::TestTraffic => unreachable!("not an in-place event"),
        };
        let end = (rec.start + limit).max(now);
        let slot = self.current_slot(t);
        slot.set_duration(end.since(rec.start));
        slot.set_diagnostic(diagnostic);
        self.instances[t.index()].generation += 1; // once: a stopped instance does not stop again
        let generation = self.instances[t.index()].generation;
        sched.at(end, Event::LifecycleEventEnds { target: t, generation });
    }

    fn on_zone_bake_ends(&mut self, sched: &mut Scheduler<Event>) {
        self.status = DeploymentStatus::InProgress;
        self.zone_cursor = self
            .next_zone()
            .expect("a monitor duration leads to a zone with instances")
            .0;
        tracing::info!(target: "cdsim::deployment", t = %sched.now(), zone = %self.scenario.fleet.zones[self.zone_cursor],
            "next Availability Zone");
        self.start_more(sched);
    }

    fn on_metric_period_ends(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.evaluate_alarms(now);
        sched.after(METRIC_PERIOD, Event::MetricPeriodEnds);
    }

    /// CodeDeploy reads the alarms (§7.1).
    fn on_alarm_poll(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        if self.stopping.is_some() {
            return;
        }
        if now.as_millis().is_multiple_of(METRIC_PERIOD.as_millis()) {
            // Evaluations due now come before the poll, whatever the queue order.
            self.evaluate_alarms(now);
        }
        let config = self.monitoring.alarms.as_ref().expect("polls only with alarms");
        if let Some(message) = self.alarms.poll(config, now) {
            self.stop(
                now,
                ErrorCode::AlarmActive,
                message,
                self.monitoring.auto_rollback.on_alarm,
            );
            return;
        }
        sched.after(config.poll_interval, Event::AlarmPoll);
    }

    /// StopDeployment (§8): no instance starts any more and no further lifecycle event is
    /// scheduled; events already running finish, then the deployment is Stopped.
    fn stop(&mut self, now: SimTime, code: ErrorCode, message: String, rollback: bool) {
        if self.status.is_terminal() || self.stopping.is_some() {
            return;
        }
        self.rollback_requested = rollback;
        for q in &mut self.pending {
            while let Some(t) = q.pop() {
                self.instances[t.index()].status = TargetStatus::Skipped;
                self.records.skip_from(t, 0);
            }
        }
        if self.in_flight == 0 {
            self.finish(now, DeploymentStatus::Stopped, Some((code, message)));
        } else {
            tracing::info!(target: "cdsim::deployment", t = %now, in_flight = self.in_flight, "stopping");
            self.stopping = Some((code, message));
        }
    }

    // ----- scheduling -----------------------------------------------------------------

    /// `Some(message)` when the deployment cannot start (§3.1: M ≥ N; zonal: a zone's
    /// minimum not below its size).
    fn invalid_health_constraints(&self) -> Option<String> {
        let n = self.scenario.fleet.instances;
        let m = self.fleet_health.minimum;
        if self.plan.is_none() {
            return Some(format!(
                "The deployment failed because the minimum number of healthy instances ({m}) is not below the \
                 number of instances in the deployment ({n}): CodeDeploy cannot take any instance offline."
            ));
        }
        let zones = &self.scenario.fleet.zones;
        self.zone_health.iter().enumerate().find_map(|(z, h)| {
            let size = self.pending[z].len() as u32;
            (size > 0 && h.minimum >= size).then(|| {
                format!(
                    "The deployment failed because the minimum number of healthy instances per zone ({}) is not below \
                     the number of instances in {} ({size}).",
                    h.minimum, zones[z]
                )
            })
        })
    }

    /// Starts every instance the rule allows now, then checks whether the deployment, or
    /// the current zone, is over.
    fn start_more(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let plan = self.plan.expect("checked at start");
        let q = if self.zonal { self.zone_cursor } else { 0 };
        let waves = self.scenario.instance_scheduling == InstanceScheduling::Waves;
        if let Some((code, message)) = self.stopping.clone() {
            if self.in_flight == 0 {
                self.finish(now, DeploymentStatus::Stopped, Some((code, message)));
            }
            return;
        }
        while self.pending[q].peek().is_some_and(|t| self.may_start_in(q, t, plan)) {
            if waves && self.in_flight > 0 && self.last_start < now {
                break; // a wave starts only when the previous one has finished
            }
            let t = self.pending[q].pop().expect("peeked");
            self.last_start = now;
            self.start_target(t, sched);
        }
        if self.in_flight > 0 {
            return;
        }
        if self.pending[q].len() > 0 || self.next_zone_cannot_start(plan) {
            let message = format!(
                "The overall deployment failed because too many individual instances failed deployment, too few \
                 healthy instances are available for deployment, or some instances in your deployment group are \
                 experiencing problems. ({} failed; at least {} must stay healthy.)",
                self.failed, plan.minimum
            );
            self.rollback_requested = self.monitoring.auto_rollback.on_failure;
            self.finish(
                sched.now(),
                DeploymentStatus::Failed,
                Some((ErrorCode::HealthConstraints, message)),
            );
        } else if self.next_zone().is_some() {
            let zc = self.zonal_config();
            let bake = zc.bake_after(self.zone_cursor);
            self.status = DeploymentStatus::Baking;
            sched.after(bake, Event::ZoneBakeEnds);
        } else if self.succeeded >= plan.min_successes {
            self.finish(sched.now(), DeploymentStatus::Succeeded, None);
        } else {
            let message = format!(
                "The overall deployment failed because too few instances succeeded: {} succeeded, at least {} \
                 required.",
                self.succeeded, plan.min_successes
            );
            self.rollback_requested = self.monitoring.auto_rollback.on_failure;
            self.finish(
                sched.now(),
                DeploymentStatus::Failed,
                Some((ErrorCode::HealthConstraints, message)),
            );
        }
    }

    /// Whether pending instance `t` of queue `q` may start now (§3.2 rule 2, with the zone's
    /// constraint when zonal).
    fn may_start_in(&self, q: usize, t: TargetId, plan: HealthPlan) -> bool {
        let healthy = self.instances[t.index()].class.is_healthy();
        let zone = self.zonal.then(|| self.zone_health[q]);
        may_start(healthy, self.fleet_health, zone, self.in_flight, plan.max_in_flight)
    }

    /// At the end of a zone, with nothing in flight: whether the next zone that has instances
    /// could start none of them (§2.6, §3.2 rule 4). Nothing changes the healthy counts
    /// during the monitor duration, so the deployment fails now rather than after it.
    fn next_zone_cannot_start(&self, plan: HealthPlan) -> bool {
        self.next_zone().is_some_and(|(z, t)| !self.may_start_in(z, t, plan))
    }

    /// Zonal: the next zone after the current one that has instances to deploy to, with its
    /// first. A zone without instances is passed over (no monitor duration for it).
    fn next_zone(&self) -> Option<(usize, TargetId)> {
        if !self.zonal {
            return None;
        }
        let later = self.pending.iter().enumerate().skip(self.zone_cursor + 1);
        later.filter_map(|(z, queue)| queue.peek().map(|t| (z, t))).next()
    }

    fn zonal_config(&self) -> &'s crate::config::ZonalConfig {
        let (_, zonal) = self.config.minimum_healthy().expect("Server");
        zonal.expect("zonal")
    }

    fn start_target(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let i = t.index();
        self.instances[i].status = TargetStatus::InProgress;
        self.in_flight += 1;
        if self.instances[i].class.is_healthy() {
            self.fleet_health.healthy -= 1;
            if self.zonal {
                self.zone_health[self.zone_cursor].healthy -= 1;
            }
        }
        if self.scenario.load_balancer.is_none() {
            self.set_serving(t, false, sched.now());
        }
        self.records.set_started(t, sched.now());
        self.plan_hooks(t);
        tracing::debug!(target: "cdsim::deployment", t = %sched.now(), target = %t, "instance started");
        if self.planned {
            self.plan_itinerary(t, sched);
        } else {
            self.begin_event(t, sched);
        }
    }

    /// Plans the whole lifecycle of `t`, starting now (see `itinerary`), and schedules its
    /// first milestone.
    fn plan_itinerary(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        assert!(!self.instances[t.index()].stopped, "a planned instance never stops");
        let (setting, answers) = (self.setting(t), self.answers_health_checks(t));
        let it = itinerary::plan(&setting, self.records.slots_mut(t), now, answers);
        self.instances[t.index()].itinerary = it;
        if it.out_of_service_at_start {
            self.set_serving(t, false, now);
        }
        sched.at(it.upcoming_at(), Event::MilestoneReached { target: t });
    }

    /// A planned instance reaches its next milestone: its effects, in order, then the next
    /// milestone is scheduled or the instance finishes.
    fn on_milestone_reached(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let i = t.index();
        let from = self.instances[i].itinerary.stretch_start();
        let (at, m) = self.instances[i].itinerary.pass();
        assert_eq!(at, now, "a milestone is reached at its planned time");
        if tracing::enabled!(target: "cdsim::deployment", tracing::Level::TRACE) {
            self.trace_planned(t, from..=usize::from(m.stage));
        }
        if m.installed {
            assert!(!self.instances[i].serving, "Install runs out of service");
            self.set_on_new_revision(t, !self.is_rollback, now);
        }
        if m.in_service {
            self.set_serving(t, true, now);
        }
        if let Some(ok) = m.finishes {
            self.finish_target(t, ok, sched);
            return;
        }
        if m.out_of_service {
            self.set_serving(t, false, now);
        }
        sched.at(
            self.instances[i].itinerary.upcoming_at(),
            Event::MilestoneReached { target: t },
        );
    }

    /// The trace log of a planned instance's lifecycle events `stages`, each at its own
    /// simulated time, listed when the milestone after them is reached: at `trace` level,
    /// since those times precede the milestone's, so the `debug` log stays in simulated-time
    /// order (`cdsim run --events` tells every lifecycle event in order).
    fn trace_planned(&self, t: TargetId, stages: std::ops::RangeInclusive<usize>) {
        for stage in stages {
            let rec = self.records.record(t, stage);
            let name = self.order[stage];
            tracing::trace!(target: "cdsim::deployment", t = %rec.start, target = %t, event = %name, "planned lifecycle event started");
            tracing::trace!(target: "cdsim::deployment", t = %rec.end(), target = %t, event = %name,
                status = %rec.status.as_str(), "planned lifecycle event ended");
        }
    }

    /// Draws every hook outcome of `t` at once from its own sub-stream (see module docs).
    fn plan_hooks(&mut self, t: TargetId) {
        let mut rng = self.streams.source(Stream::Hooks, u64::from(t.0));
        let first = self.no_previous_revision(t);
        let faulty = !self.scenario.faults.for_target(t).is_empty();
        for (stage, &name) in self.order.iter().enumerate() {
            if !matches!(name.runner(), Runner::Scripts | Runner::Agent) || (first && name.uses_previous_revision()) {
                continue;
            }
            let hook = self.hook_for(t, name);
            let HookOutcome { duration, result } = if self.is_rollback {
                hook.run_known_good(&mut rng)
            } else if faulty {
                hook.run(&mut rng, &self.scenario.faults.hook_faults(t, name))
            } else {
                hook.run(&mut rng, &[])
            };
            let slot = &mut self.records.slots_mut(t)[stage];
            slot.set_duration(duration);
            slot.set_diagnostic(script_diagnostic(name.runner(), hook, result));
        }
    }

    /// What planning `t`'s lifecycle events needs to know of the deployment.
    fn setting(&self, t: TargetId) -> itinerary::Setting<'s> {
        itinerary::Setting {
            order: self.order,
            first_deployment: self.no_previous_revision(t),
            ignore_application_stop_failures: self.scenario.ignore_application_stop_failures,
            load_balancer: self.scenario.load_balancer.as_ref(),
        }
    }

    /// Whether `t` passes health checks once registered (§10): the new revision's
    /// health-check fault does not apply to a rollback.
    fn answers_health_checks(&self, t: TargetId) -> bool {
        self.is_rollback || !self.scenario.faults.fails_health_checks(t)
    }

    /// The scripts `name` runs on `t`: the deployment's revision's, or for the events that
    /// run an earlier revision's, that revision's in a history (§4.1).
    fn hook_for(&self, t: TargetId, name: LifecycleEventName) -> &'s Hook {
        let sc = self.scenario;
        if name.uses_previous_revision()
            && let Some(p) = &self.previous
            && let Some(hooks) = p.for_event(t, name)
        {
            return hooks.get(name);
        }
        sc.agent.step(name).unwrap_or_else(|| sc.hooks.get(name))
    }

    /// Whether `t` never had a revision deployed successfully (§4.1): the whole fleet on
    /// a group's first deployment, or, in a history, each instance by its own past.
    fn no_previous_revision(&self, t: TargetId) -> bool {
        match &self.previous {
            None => self.scenario.fleet.first_deployment,
            Some(p) => p.none_for(t),
        }
    }

    /// Begins the event at `t`'s current stage, skipping (inline) the events that have
    /// nothing to run on a first deployment.
    fn begin_event(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let first = self.no_previous_revision(t);
        loop {
            let stage = usize::from(self.instances[t.index()].stage);
            let name = self.order[stage];
            if first && name.uses_previous_revision() {
                *self.current_slot(t) = Slot::SKIPPED;
                self.instances[t.index()].stage += 1;
                assert!(
                    usize::from(self.instances[t.index()].stage) < self.order.len(),
                    "last event is never skipped"
                );
                continue;
            }
            let (duration, diagnostic) = if self.instances[t.index()].stopped {
                (EVENT_START_LIMIT, Diagnostic::EventNotStarted)
            } else {
                if name.runner() == Runner::Deregister {
                    self.set_serving(t, false, now);
                }
                let answers = self.answers_health_checks(t);
                itinerary::run(&self.setting(t), name, self.current_slot(t), now, answers)
            };
            assert_eq!(self.records.start(t, stage), now, "events run back to back");
            *self.current_slot(t) = Slot::new(duration, LifecycleEventStatus::InProgress, diagnostic);
            tracing::debug!(target: "cdsim::deployment", t = %now, target = %t, event = %name, "lifecycle event started");
            let generation = self.instances[t.index()].generation;
            sched.at(now + duration, Event::LifecycleEventEnds { target: t, generation });
            return;
        }
    }

    fn finish_target(&mut self, t: TargetId, ok: bool, sched: &mut Scheduler<Event>) {
        let i = t.index();
        let now = sched.now();
        self.in_flight -= 1;
        if ok {
            self.instances[i].status = TargetStatus::Succeeded;
            self.succeeded += 1;
            self.instances[i].class = HealthClass::Current;
            self.fleet_health.healthy += 1;
            if self.zonal {
                self.zone_health[self.zone_cursor].healthy += 1;
            }
            if self.scenario.load_balancer.is_none() && !self.instances[i].stopped {
                self.set_serving(t, true, now);
            }
        } else {
            self.instances[i].status = TargetStatus::Failed;
            self.failed += 1;
            self.instances[i].class = HealthClass::Unhealthy;
        }
        tracing::debug!(target: "cdsim::deployment", t = %now, target = %t,
            status = %self.instances[i].status.as_str(), "instance finished");
        self.start_more(sched);
    }

    fn set_serving(&mut self, t: TargetId, serving: bool, now: SimTime) {
        let instance = &mut self.instances[t.index()];
        if instance.serving == serving || (serving && instance.stopped) {
            return;
        }
        instance.serving = serving;
        let new = u32::from(instance.on_new_revision);
        if serving {
            self.in_service += 1;
            self.in_service_new += new;
        } else {
            self.in_service -= 1;
            self.in_service_new -= new;
        }
        self.record_capacity(now);
    }

    fn set_on_new_revision(&mut self, t: TargetId, on_new: bool, now: SimTime) {
        let instance = &mut self.instances[t.index()];
        if instance.on_new_revision != on_new {
            instance.on_new_revision = on_new;
            if instance.serving {
                if on_new {
                    self.in_service_new += 1;
                } else {
                    self.in_service_new -= 1;
                }
                self.record_capacity(now);
            }
        }
    }

    fn record_capacity(&mut self, now: SimTime) {
        self.capacity.push(CapacityPoint {
            time: now,
            in_service: self.in_service,
            on_new_revision: self.in_service_new,
        });
    }

    fn finish(&mut self, now: SimTime, status: DeploymentStatus, error: Option<(ErrorCode, String)>) {
        assert_eq!(self.in_flight, 0, "a deployment ends with nothing in flight");
        assert_eq!(
            status == DeploymentStatus::Succeeded,
            error.is_none(),
            "an error exactly when not succeeded"
        );
        self.status = status;
        self.error = error.map(|(code, message)| ErrorInformation { code, message });
        self.complete_time = Some(now);
        for q in &mut self.pending {
            while let Some(t) = q.pop() {
                self.instances[t.index()].status = TargetStatus::Skipped;
                self.records.skip_from(t, 0);
            }
        }
        tracing::info!(target: "cdsim::deployment", t = %now, status = %self.status.as_str(),
            error = self.error.as_ref().map(|e| e.code.as_str()), "deployment finished");
    }
}

impl Model for InPlaceDeployment<'_> {
    type Event = Event;

    fn start(&mut self, sched: &mut Scheduler<Event>) {
        sched.at(self.origin, Event::Start);
    }

    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        match event {
            Event::Start => self.on_start(sched),
            Event::LifecycleEventEnds { target, generation } => self.on_lifecycle_event_ends(target, generation, sched),
            Event::MilestoneReached { target } => self.on_milestone_reached(target, sched),
            Event::InstanceStops { target } => self.on_instance_stops(target, sched),
            Event::ZoneBakeEnds => self.on_zone_bake_ends(sched),
            Event::MetricPeriodEnds => self.on_metric_period_ends(sched),
            Event::AlarmPoll => self.on_alarm_poll(sched),
            Event::StopDeployment => {
                let rollback = !self.is_rollback && self.monitoring.stop_rolls_back();
                let message = "The deployment was stopped by a StopDeployment request.".to_string();
                self.stop(sched.now(), ErrorCode::ManualStop, message, rollback);
            }
        }
    }

    fn finished(&self) -> bool {
        self.status.is_terminal()
    }
}

impl Watched for InPlaceDeployment<'_> {
    fn alarm_watch(&mut self) -> &mut AlarmWatch {
        &mut self.alarms
    }
}

impl Observation for InPlaceDeployment<'_> {
    /// Server metrics: the fewest instances in service during the window (CloudWatch's
    /// `HealthyHostCount` with the Minimum statistic), or an injected metric. In a history,
    /// a window that begins before this deployment reads the group's series before it too.
    fn observe(&self, metric: &MetricSource, from: SimTime, to: SimTime) -> Option<f64> {
        let point = |p: &CapacityPoint| (p.time, p.in_service);
        if from >= self.origin || self.past.is_empty() {
            return fleet_observation(metric, &self.capacity, from, to, point);
        }
        let before = fleet_observation(metric, self.past, from, to.min(self.origin), point);
        let during = (to > self.origin)
            .then(|| fleet_observation(metric, &self.capacity, self.origin, to, point))
            .flatten();
        match (metric, before, during) {
            (MetricSource::HealthyCount, Some(b), Some(d)) => Some(b.min(d)),
            (_, b, d) => d.or(b),
        }
    }

    /// Before the deployment (in a history, before the history): the instances in service
    /// at its start, or an injected metric's value at 0 s.
    fn baseline(&self, alarm: &Alarm) -> Option<f64> {
        let first = self.past.first().or(self.capacity.first());
        fleet_baseline(&alarm.metric, first.map(|p| p.in_service))
    }
}

/// Instances in service that run the new revision.
fn count_on_new(serving: &[bool], on_new_revision: &[bool]) -> u32 {
    serving.iter().zip(on_new_revision).filter(|&(&s, &n)| s && n).count() as u32
}

/// The capacity series at the start, with room for the usual number of points: each
/// instance leaves and re-enters service once. Reserving untouched memory is free, and it
/// spares a large fleet the copies of a growing series.
fn initial_capacity(n: usize, origin: SimTime, in_service: u32, on_new: u32) -> Vec<CapacityPoint> {
    let mut capacity = Vec::with_capacity(2 * n + 1);
    capacity.push(CapacityPoint {
        time: origin,
        in_service,
        on_new_revision: on_new,
    });
    capacity
}
