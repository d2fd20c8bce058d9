//! ECS and Lambda blue/green deployments: lifecycle events, traffic shifts and metrics
//! (§4.2, §4.3, §2.5, §6.2, §6.3).
//!
//! One deployment target (an ECS service, or a Lambda function's alias) walks its platform's
//! lifecycle order. Hook events run their function once: it reports Succeeded or Failed
//! after its duration, or never reports and the event fails after one hour (§4.4); an
//! event with no hook function is `Skipped` \[I\]. ECS specifics:
//! - Install creates the replacement task set; each task starts, registers with target
//!   group 2 and is healthy after its first passed health check; Install ends when all are
//!   healthy, and fails after one hour otherwise \[I\];
//! - AllowTestTraffic points the test listener at the replacement; without a test listener
//!   it and AfterAllowTestTraffic are `Skipped` (§4.2);
//! - with `actionOnTimeout: STOP_DEPLOYMENT` the deployment waits in status `Ready` after
//!   AfterAllowTestTraffic for a ContinueDeployment, and is `Stopped` when the wait
//!   expires (API: DeploymentReadyOption) [I: placement of the wait];
//! - after AfterAllowTraffic the original task set is kept for the termination wait, then
//!   removed; the deployment succeeds then \[I\].
//!
//! AllowTraffic applies the configuration's shifts at their instants (§2.5) and ends at the
//! last shift (model A) or one interval later (model B). Metric periods are sampled from
//! the request model at every period end (`traffic`), on their own random sub-streams.
//!
//! In a history (`platform::shift_history`), a deployment is created at its request's
//! instant ([`BlueGreenRun::in_history`]) and its ContinueDeployment calls come at their
//! instants: one that finds no wait of its kind is refused (API:ContinueDeployment,
//! `DeploymentIsNotInReadyStateException`) and recorded.
//!
//! Its metric periods end at multiples of the period on the history's time axis (the first
//! one shorter when it is created between two), and with the group's alarms
//! ([`BlueGreenRun::watched_from`]) windows that end by its creation read the group's
//! traffic before it (`shift_alarms`).
//!
//! Not here: the group between deployments (`shift_history`).

use crate::alarm::{Alarm, MetricSource, Percentile, VersionRef};
use crate::config::{DeploymentConfig, TrafficRouting};
use crate::deployment::{DeploymentStatus, Diagnostic, ErrorCode, ErrorInformation, EventRecord, LifecycleEventStatus};
use crate::engine::{Model, Scheduler};
use crate::lifecycle::LifecycleEventName;
use crate::load_balancer::ALLOW_TRAFFIC_LIMIT;
use crate::platform::alarm_watch::{
    AlarmTimeline, AlarmWatch, Observation, Watched, injected_baseline, injected_value,
};
use crate::platform::phase::PhaseSpan;
use crate::rng::{RandomSource, Stream, Streams};
use crate::scenario::Monitoring;
use crate::scenario::blue_green::{BlueGreenDeployment, EcsService, Reroute, ShiftTarget};
use crate::scenario::history::{ContinueRequest, WaitType};
use crate::time::{SimDuration, SimTime};
use crate::traffic::{self, PeriodSample, VersionBehaviour, VersionSample};

use LifecycleEventName::*;

/// How long CodeDeploy waits for a hook function to report (§4.4).
pub const HOOK_REPORT_LIMIT: SimDuration = SimDuration::from_secs(3600);

/// The blue/green deployment's closed set of events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The deployment is created and starts.
    Start,
    /// The current lifecycle event or wait ends (if `generation` is still current).
    StepEnds {
        /// The step's generation when it was scheduled.
        generation: u32,
    },
    /// Production traffic to the replacement becomes `percent` (if `generation` is current).
    Shift {
        /// The replacement's new share.
        percent: u32,
        /// The shift's generation when it was scheduled.
        generation: u32,
    },
    /// The scenario calls ContinueDeployment.
    ContinueDeployment,
    /// A history's ContinueDeployment call (its index among the deployment's calls).
    ContinueRequest {
        /// Which call.
        index: u16,
    },
    /// A metric period ends; alarms due at this instant are evaluated.
    MetricPeriodEnds,
    /// CodeDeploy reads the alarms' states.
    AlarmPoll,
    /// The scenario calls StopDeployment.
    StopDeployment,
}

/// Where the deployment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Lifecycle,
    WaitingToReroute,
    TerminationWait,
    Done,
}

/// One metric period's observations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeriodRecord {
    /// When the period began.
    pub start: SimTime,
    /// When it ended.
    pub end: SimTime,
    /// The requests each version (and the test listener) saw.
    pub sample: PeriodSample,
    /// Percent of production traffic on the replacement at the period's end.
    pub new_percent: u32,
    /// Healthy tasks at the period's end (ECS; 0 for Lambda).
    pub healthy_original: u32,
    /// Healthy replacement tasks at the period's end (ECS; 0 for Lambda).
    pub healthy_replacement: u32,
}

/// What a finished blue/green deployment leaves behind.
#[derive(Clone, Debug)]
pub struct BlueGreenOutcome {
    /// When it was created (0 s, but for a later deployment of a history).
    pub create_time: SimTime,
    /// Its final status.
    pub status: DeploymentStatus,
    /// Why it failed or stopped.
    pub error: Option<ErrorInformation>,
    /// When it ended.
    pub complete_time: SimTime,
    /// The lifecycle events, in order.
    pub order: &'static [LifecycleEventName],
    /// Their records, in that order.
    pub records: Vec<EventRecord>,
    /// (time, percent on the replacement) at every shift.
    pub shifts: Vec<(SimTime, u32)>,
    /// Every metric period.
    pub periods: Vec<PeriodRecord>,
    /// The deployment's phases, for reports.
    pub phases: Vec<PhaseSpan>,
    /// When the original task set was removed (ECS).
    pub original_removed: Option<SimTime>,
    /// Replacement tasks running and healthy at the end (ECS).
    pub replacement_healthy: u32,
    /// The rollback deployment, if one was made.
    pub rollback: Option<RollbackOutcome>,
    /// Why the deployment was or was not rolled back.
    pub rollback_message: Option<String>,
    /// Each alarm's state changes, in the configuration's alarm order.
    pub alarm_states: Vec<AlarmTimeline>,
    /// How each of a history's ContinueDeployment calls on it was answered, in the calls'
    /// order.
    pub continue_answers: Vec<ContinueAnswer>,
}

/// How a ContinueDeployment call of a history was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContinueAnswer {
    /// It ended the wait it named.
    Accepted,
    /// The deployment was in no wait of its kind (`DeploymentIsNotInReadyStateException`).
    NotInWait,
    /// The deployment had ended (`DeploymentAlreadyCompletedException`).
    Completed,
}

/// The rollback deployment of a blue/green deployment: production traffic back on the
/// original (§8). It happens at once: the original is still serving capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RollbackOutcome {
    /// When traffic moved back.
    pub start: SimTime,
    /// When the rollback deployment ended (at once).
    pub end: SimTime,
}

/// The deployment state, changed only by [`Model::handle`].
pub struct BlueGreenRun<'s> {
    spec: &'s BlueGreenDeployment,
    /// The configuration's traffic routing.
    routing: TrafficRouting,
    monitoring: &'s Monitoring,
    alarms: AlarmWatch,
    rollback: Option<RollbackOutcome>,
    rollback_message: Option<String>,
    streams: Streams,
    hook_rng: RandomSource,
    order: &'static [LifecycleEventName],
    stage: usize,
    phase: Phase,
    /// The wait before rerouting has been considered (it happens at most once).
    waited: bool,
    generation: u32,
    records: Vec<EventRecord>,
    status: DeploymentStatus,
    error: Option<ErrorInformation>,
    complete_time: Option<SimTime>,
    /// (from, percent on the replacement); starts at (0, 0).
    weights: Vec<(SimTime, u32)>,
    test_from: Option<SimTime>,
    /// Sorted times at which replacement tasks became healthy.
    replacement_healthy_at: Vec<SimTime>,
    original_removed: Option<SimTime>,
    period_start: SimTime,
    periods: Vec<PeriodRecord>,
    phases: Vec<PhaseSpan>,
    /// The last phase has not ended yet.
    phase_open: bool,
    /// When the deployment is created.
    origin: SimTime,
    /// A history's ContinueDeployment calls on this deployment, in time order.
    continues: &'s [ContinueRequest],
    continue_answers: Vec<ContinueAnswer>,
    /// The group's traffic before this deployment, in a history with alarms.
    earlier: Option<&'s dyn Observation>,
}

impl<'s> BlueGreenRun<'s> {
    /// The deployment of `spec` under `config` (a traffic-routing configuration).
    pub fn new(
        config: &DeploymentConfig,
        spec: &'s BlueGreenDeployment,
        monitoring: &'s Monitoring,
        seed: u64,
    ) -> Self {
        Self::with_streams(config, spec, monitoring, Streams::new(seed))
    }

    /// The deployment of `spec` drawing from `streams` (a history's deployment `k` draws
    /// from `Streams::deployment(k)`).
    pub fn with_streams(
        config: &DeploymentConfig,
        spec: &'s BlueGreenDeployment,
        monitoring: &'s Monitoring,
        streams: Streams,
    ) -> Self {
        let routing = config
            .traffic_routing()
            .expect("ECS and Lambda scenarios validate with a traffic-routing configuration");
        let order = match spec.target {
            ShiftTarget::Ecs(_) => LifecycleEventName::ECS_ORDER,
            ShiftTarget::Lambda(_) => LifecycleEventName::LAMBDA_ORDER,
        };
        BlueGreenRun {
            spec,
            routing,
            monitoring,
            alarms: AlarmWatch::new(monitoring.alarms.as_ref()),
            rollback: None,
            rollback_message: None,
            hook_rng: streams.source(Stream::Hooks, 0),
            streams,
            order,
            stage: 0,
            phase: Phase::Lifecycle,
            waited: false,
            generation: 0,
            records: vec![EventRecord::PENDING; order.len()],
            status: DeploymentStatus::Created,
            error: None,
            complete_time: None,
            weights: vec![(SimTime::ZERO, 0)],
            test_from: None,
            replacement_healthy_at: Vec::new(),
            original_removed: None,
            period_start: SimTime::ZERO,
            periods: Vec::new(),
            phases: Vec::new(),
            phase_open: false,
            origin: SimTime::ZERO,
            continues: &[],
            continue_answers: Vec::new(),
            earlier: None,
        }
    }

    /// This deployment of a history watching the group's alarms: `watch` as the history
    /// left them, and `earlier`, the group's traffic before it, for windows that end by
    /// its creation (§7).
    pub fn watched_from(mut self, watch: AlarmWatch, earlier: &'s dyn Observation) -> Self {
        self.alarms = watch;
        self.earlier = Some(earlier);
        self
    }

    /// The alarms as this deployment leaves them, for the next stretch of the history.
    pub fn take_alarms(&mut self) -> AlarmWatch {
        std::mem::take(&mut self.alarms)
    }

    /// This deployment as one of a history: created at `origin`, with the ContinueDeployment
    /// calls `continues` (in time order, none before `origin`).
    pub fn in_history(mut self, origin: SimTime, continues: &'s [ContinueRequest]) -> Self {
        assert!(
            continues.iter().all(|c| c.at >= origin),
            "a call comes after its request"
        );
        self.origin = origin;
        self.weights = vec![(origin, 0)];
        self.period_start = origin;
        self.continues = continues;
        self.continue_answers = vec![ContinueAnswer::Completed; continues.len()];
        self
    }

    /// What the finished deployment leaves behind.
    pub fn into_outcome(self) -> BlueGreenOutcome {
        assert!(self.status.is_terminal(), "deployment still {}", self.status.as_str());
        let end = self.complete_time.expect("set with the terminal status");
        BlueGreenOutcome {
            create_time: self.origin,
            status: self.status,
            error: self.error,
            complete_time: end,
            order: self.order,
            records: self.records,
            shifts: self.weights[1..].to_vec(),
            periods: self.periods,
            phases: self.phases,
            original_removed: self.original_removed,
            replacement_healthy: if self.rollback.is_some() {
                0
            } else {
                self.replacement_healthy_at.iter().filter(|&&t| t <= end).count() as u32
            },
            rollback: self.rollback,
            rollback_message: self.rollback_message,
            alarm_states: self.alarms.timelines,
            continue_answers: self.continue_answers,
        }
    }

    fn ecs(&self) -> Option<&'s EcsService> {
        match &self.spec.target {
            ShiftTarget::Ecs(e) => Some(e),
            ShiftTarget::Lambda(_) => None,
        }
    }

    // ----- lifecycle --------------------------------------------------------------------

    /// Begins the event at the current stage; events that have nothing to do are recorded
    /// as Skipped inline and the next one begins.
    fn begin_event(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        while self.stage < self.order.len() {
            let name = self.order[self.stage];
            if name == BeforeAllowTraffic && !self.waited {
                self.waited = true;
                if self.wait_before_reroute(sched) {
                    return;
                }
            }
            if self.stage_is_skipped(name) {
                self.records[self.stage] = EventRecord {
                    start: now,
                    status: LifecycleEventStatus::Skipped,
                    ..EventRecord::PENDING
                };
                self.stage += 1;
                continue;
            }
            let (duration, diagnostic) = self.plan_event(name, now, sched);
            self.records[self.stage] = EventRecord {
                start: now,
                duration,
                status: LifecycleEventStatus::InProgress,
                diagnostic,
            };
            tracing::debug!(target: "cdsim::deployment", t = %now, event = %name, "lifecycle event started");
            sched.after(
                duration,
                Event::StepEnds {
                    generation: self.generation,
                },
            );
            return;
        }
        self.after_last_event(sched);
    }

    fn stage_is_skipped(&self, name: LifecycleEventName) -> bool {
        let no_test_listener = self.ecs().is_some_and(|e| !e.test_listener);
        match name {
            AllowTestTraffic | AfterAllowTestTraffic if no_test_listener => true,
            Install | AllowTraffic | AllowTestTraffic => false,
            _ => !self.spec.hooks.contains_key(&name),
        }
    }

    /// Duration and planned diagnostic of an event that runs.
    fn plan_event(
        &mut self,
        name: LifecycleEventName,
        now: SimTime,
        sched: &mut Scheduler<Event>,
    ) -> (SimDuration, Diagnostic) {
        match name {
            Install => self.create_replacement(now),
            AllowTestTraffic => {
                self.test_from = Some(now);
                (SimDuration::ZERO, Diagnostic::None)
            }
            AllowTraffic => {
                self.open_phase("shifting", now);
                for s in self.routing.shifts() {
                    sched.after(
                        SimDuration::from_mins(u64::from(s.at_minute)),
                        Event::Shift {
                            percent: s.percent,
                            generation: self.generation,
                        },
                    );
                }
                let minutes = self.routing.shifting_minutes(self.spec.linear_end);
                (SimDuration::from_mins(u64::from(minutes)), Diagnostic::None)
            }
            _ => self.run_hook(name),
        }
    }

    /// A hook function: one run, one report (or none).
    fn run_hook(&mut self, name: LifecycleEventName) -> (SimDuration, Diagnostic) {
        let hook = &self.spec.hooks[&name];
        let took = hook.duration.sample(&mut self.hook_rng);
        let failed = self.hook_rng.chance(hook.failure_probability);
        if hook.never_reports || took > HOOK_REPORT_LIMIT {
            (HOOK_REPORT_LIMIT, Diagnostic::HookNoReport)
        } else if failed {
            (took, Diagnostic::HookFailed)
        } else {
            (took, Diagnostic::None)
        }
    }

    /// ECS Install: start the replacement's tasks; healthy once registered and probed.
    fn create_replacement(&mut self, now: SimTime) -> (SimDuration, Diagnostic) {
        let ecs = self.ecs().expect("Install is an ECS event");
        self.open_phase("install", now);
        let mut healthy = Vec::with_capacity(ecs.tasks as usize);
        for task in 0..ecs.tasks {
            let mut rng = self.streams.source(Stream::Faults, u64::from(task));
            let registered = now + ecs.task_startup.sample(&mut rng);
            match ecs.health_check.healthy_at(registered, !ecs.replacement_unhealthy) {
                Some(t) if t.since(now) <= ALLOW_TRAFFIC_LIMIT => healthy.push(t),
                _ => return (ALLOW_TRAFFIC_LIMIT, Diagnostic::TaskSetNotHealthy),
            }
        }
        healthy.sort();
        let done = healthy.last().copied().unwrap_or(now);
        self.replacement_healthy_at = healthy;
        (done.since(now), Diagnostic::None)
    }

    /// "Specify when to reroute traffic": wait in `Ready`. Returns true if waiting.
    fn wait_before_reroute(&mut self, sched: &mut Scheduler<Event>) -> bool {
        let Some(Reroute::WaitForContinue { wait, continue_after }) = self.ecs().map(|e| e.reroute) else {
            return false;
        };
        let now = sched.now();
        self.phase = Phase::WaitingToReroute;
        self.status = DeploymentStatus::Ready;
        self.open_phase("ready", now);
        tracing::info!(target: "cdsim::deployment", t = %now, "waiting to reroute traffic (Ready)");
        sched.after(
            wait,
            Event::StepEnds {
                generation: self.generation,
            },
        );
        if let Some(after) = continue_after.filter(|&a| a <= wait) {
            sched.after(after, Event::ContinueDeployment);
        }
        true
    }

    fn end_wait(&mut self, continue_deployment: bool, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.generation += 1;
        self.close_phase(now);
        if continue_deployment {
            self.phase = Phase::Lifecycle;
            self.status = DeploymentStatus::InProgress;
            self.begin_event(sched);
        } else {
            self.finish(
                now,
                DeploymentStatus::Stopped,
                Some((
                    ErrorCode::Timeout,
                    "The wait for rerouting traffic expired and actionOnTimeout is STOP_DEPLOYMENT.".to_string(),
                )),
            );
        }
    }

    fn on_step_ends(&mut self, generation: u32, sched: &mut Scheduler<Event>) {
        if generation != self.generation {
            return;
        }
        let now = sched.now();
        match self.phase {
            Phase::WaitingToReroute => self.end_wait(false, sched),
            Phase::TerminationWait => self.end_termination_wait(now),
            Phase::Lifecycle => self.end_event(sched),
            Phase::Done => unreachable!("no step runs after the end"),
        }
    }

    /// The original task set is removed: the deployment succeeds (§6.2).
    fn end_termination_wait(&mut self, now: SimTime) {
        self.generation += 1;
        self.close_phase(now);
        self.original_removed = Some(now);
        self.finish(now, DeploymentStatus::Succeeded, None);
    }

    /// A history's ContinueDeployment call: it ends the wait it names if the deployment is
    /// in it (READY_WAIT: rerouting starts; TERMINATION_WAIT: the original task set is
    /// removed now, as the console's "Terminate original task set", §6.2), and is refused
    /// otherwise (API:ContinueDeployment).
    fn on_continue_request(&mut self, index: u16, sched: &mut Scheduler<Event>) {
        let i = usize::from(index);
        self.continue_answers[i] = match (self.continues[i].wait, self.phase) {
            (WaitType::Ready, Phase::WaitingToReroute) => {
                self.end_wait(true, sched);
                ContinueAnswer::Accepted
            }
            (WaitType::Termination, Phase::TerminationWait) => {
                self.end_termination_wait(sched.now());
                ContinueAnswer::Accepted
            }
            _ => ContinueAnswer::NotInWait,
        };
    }

    fn end_event(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let name = self.order[self.stage];
        let rec = &mut self.records[self.stage];
        assert_eq!(rec.end(), now, "event ends at its planned time");
        let ok = rec.succeeds();
        rec.status = if ok {
            LifecycleEventStatus::Succeeded
        } else {
            LifecycleEventStatus::Failed
        };
        tracing::debug!(target: "cdsim::deployment", t = %now, event = %name, status = %rec.status.as_str(),
            "lifecycle event ended");
        if matches!(name, Install | AllowTraffic) {
            self.close_phase(now);
        }
        if !ok {
            self.stage += 1; // the failed event is over; what follows is Skipped
            let (code, message) = match name {
                Install => (
                    ErrorCode::EcsUpdateError,
                    "The replacement task set did not become healthy within one hour.".to_string(),
                ),
                _ => (
                    ErrorCode::HookExecutionFailure,
                    format!("The {name} hook failed or did not report its status within one hour."),
                ),
            };
            let rollback = self.monitoring.auto_rollback.on_failure;
            self.stop(now, DeploymentStatus::Failed, code, message, rollback);
            return;
        }
        self.stage += 1;
        self.begin_event(sched);
    }

    /// After the last lifecycle event: ECS keeps the original task set for the
    /// termination wait; Lambda is done.
    fn after_last_event(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        match self.ecs() {
            Some(ecs) => {
                self.phase = Phase::TerminationWait;
                self.open_phase("terminationWait", now);
                sched.after(
                    ecs.termination_wait,
                    Event::StepEnds {
                        generation: self.generation,
                    },
                );
            }
            None => self.finish(now, DeploymentStatus::Succeeded, None),
        }
    }

    // ----- alarms, stops and rollback (§7, §8) ------------------------------------------

    fn on_start(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.status = DeploymentStatus::InProgress;
        let period = self.spec.traffic.period.as_millis();
        sched.at(
            SimTime::from_millis((now.as_millis() / period + 1) * period),
            Event::MetricPeriodEnds,
        );
        if let Some(a) = &self.monitoring.alarms {
            // §7.1: an alarm already in ALARM stops the deployment before it does anything.
            if let Some(name) = self.alarms.in_alarm() {
                let message = format!("Alarm {name} was already in ALARM when the deployment started.");
                self.stop_on_alarm(now, message);
                return;
            }
            sched.after(a.poll_interval, Event::AlarmPoll);
        }
        if let Some(stop) = self.monitoring.stop {
            sched.at(stop.at.max(now), Event::StopDeployment);
        }
        for (index, c) in self.continues.iter().enumerate() {
            let index = u16::try_from(index).expect("a request's calls are few");
            sched.at(c.at, Event::ContinueRequest { index });
        }
        self.begin_event(sched);
    }

    /// CodeDeploy reads the alarms (§7.1): one in ALARM stops the deployment; states that
    /// cannot be read stop it too unless `ignorePollAlarmFailure`.
    fn on_alarm_poll(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        if now.as_millis().is_multiple_of(self.spec.traffic.period.as_millis()) {
            // A period ends now too: its evaluations come before the poll (§7 decision).
            self.record_period(now);
            self.evaluate_alarms(now);
        }
        let config = self.monitoring.alarms.as_ref().expect("polls only with alarms");
        if let Some(message) = self.alarms.poll(config, now) {
            self.stop_on_alarm(now, message);
            return;
        }
        sched.after(config.poll_interval, Event::AlarmPoll);
    }

    /// Stopped with ALARM_ACTIVE, rolled back if `DEPLOYMENT_STOP_ON_ALARM` is configured.
    fn stop_on_alarm(&mut self, now: SimTime, message: String) {
        let rollback = self.monitoring.auto_rollback.on_alarm;
        self.stop(
            now,
            DeploymentStatus::Stopped,
            ErrorCode::AlarmActive,
            message,
            rollback,
        );
    }

    /// Ends the deployment early: no further lifecycle event is scheduled; the one running
    /// is Failed, the rest Skipped; then, if asked and possible, the rollback.
    fn stop(&mut self, now: SimTime, status: DeploymentStatus, code: ErrorCode, message: String, rollback: bool) {
        self.generation += 1; // cancels pending step ends and shifts
        if self.phase == Phase::Lifecycle && self.stage < self.order.len() {
            let rec = &mut self.records[self.stage];
            if rec.status == LifecycleEventStatus::InProgress {
                rec.duration = now.since(rec.start);
                rec.status = LifecycleEventStatus::Failed;
                rec.diagnostic = Diagnostic::DeploymentStopped;
                self.stage += 1;
            }
        }
        for r in &mut self.records[self.stage.min(self.order.len())..] {
            if r.status == LifecycleEventStatus::Pending {
                r.status = LifecycleEventStatus::Skipped;
            }
        }
        if self.phase_open {
            self.close_phase(now);
        }
        if rollback {
            self.roll_back(now);
        } else if status != DeploymentStatus::Succeeded {
            self.rollback_message = self.monitoring.auto_rollback.not_requested_message();
        }
        self.finish(now, status, Some((code, message)));
    }

    /// §8: production traffic goes back to the original at once (Lambda: the alias; ECS:
    /// the original task set, which is still there), and the replacement is removed.
    fn roll_back(&mut self, now: SimTime) {
        let started = self
            .records
            .iter()
            .any(|r| r.status != LifecycleEventStatus::Skipped && r.status != LifecycleEventStatus::Pending);
        if !started {
            self.rollback_message = Some("Nothing was deployed, so there is nothing to roll back.".to_string());
            return;
        }
        let created = !self.replacement_healthy_at.is_empty() || self.stage > 1;
        if self.ecs().is_some() && !created {
            self.rollback_message = Some(
                "The deployment cannot be rolled back: the replacement task set was never created (§4.2).".to_string(),
            );
            return;
        }
        if self.weights.last().is_some_and(|&(_, p)| p > 0) {
            self.weights.push((now, 0));
        }
        self.replacement_healthy_at.clear();
        self.rollback = Some(RollbackOutcome { start: now, end: now });
        self.rollback_message = Some("Rolled back: production traffic is on the original version.".to_string());
        tracing::info!(target: "cdsim::deployment", t = %now, "rolled back");
    }

    // ----- traffic and metrics ----------------------------------------------------------

    fn on_shift(&mut self, percent: u32, now: SimTime) {
        let last = self.weights.last().expect("starts with 0 %").1;
        assert!(
            percent >= last,
            "weights never decrease during a shift: {last} → {percent}"
        );
        self.weights.push((now, percent));
        tracing::info!(target: "cdsim::deployment", t = %now, percent, "traffic shifted");
    }

    fn on_metric_period_ends(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.record_period(now);
        self.evaluate_alarms(now);
        sched.after(self.spec.traffic.period, Event::MetricPeriodEnds);
    }

    fn record_period(&mut self, end: SimTime) {
        let start = self.period_start;
        if end == start {
            return;
        }
        let spec = &self.spec.traffic;
        let segments = traffic::segments(&spec.rate, &self.weights, self.test_from, start, end);
        let mut rng = self.streams.source(Stream::Traffic, self.periods.len() as u64);
        let sample = traffic::sample(spec, &segments, &mut rng);
        let (healthy_original, healthy_replacement) = self.healthy_tasks(end);
        self.periods.push(PeriodRecord {
            start,
            end,
            sample,
            new_percent: self.weights.last().expect("starts with 0 %").1,
            healthy_original,
            healthy_replacement,
        });
        self.period_start = end;
    }

    fn healthy_tasks(&self, at: SimTime) -> (u32, u32) {
        let Some(ecs) = self.ecs() else {
            return (0, 0);
        };
        let original = if self.original_removed.is_some_and(|r| r <= at) {
            0
        } else {
            ecs.tasks
        };
        let replacement = self.replacement_healthy_at.partition_point(|&t| t <= at) as u32;
        (original, replacement)
    }

    // ----- bookkeeping ----------------------------------------------------------------

    fn open_phase(&mut self, name: &'static str, now: SimTime) {
        self.phase_open = true;
        self.phases.push(PhaseSpan {
            name,
            start: now,
            end: now,
        });
    }

    fn close_phase(&mut self, now: SimTime) {
        self.phase_open = false;
        if let Some(p) = self.phases.last_mut() {
            p.end = now;
        }
    }

    fn finish(&mut self, now: SimTime, status: DeploymentStatus, error: Option<(ErrorCode, String)>) {
        self.status = status;
        self.phase = Phase::Done;
        self.error = error.map(|(code, message)| ErrorInformation { code, message });
        self.complete_time = Some(now);
        self.record_period(now);
        tracing::info!(target: "cdsim::deployment", t = %now, status = %status.as_str(), "deployment finished");
    }
}

impl Model for BlueGreenRun<'_> {
    type Event = Event;

    fn start(&mut self, sched: &mut Scheduler<Event>) {
        sched.at(self.origin, Event::Start);
    }

    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        match event {
            Event::Start => self.on_start(sched),
            Event::StepEnds { generation } => self.on_step_ends(generation, sched),
            Event::Shift { percent, generation } => {
                if generation == self.generation {
                    self.on_shift(percent, sched.now());
                }
            }
            Event::ContinueDeployment => {
                if self.phase == Phase::WaitingToReroute {
                    self.end_wait(true, sched);
                }
            }
            Event::ContinueRequest { index } => self.on_continue_request(index, sched),
            Event::MetricPeriodEnds => self.on_metric_period_ends(sched),
            Event::AlarmPoll => self.on_alarm_poll(sched),
            Event::StopDeployment => {
                let rollback = self.monitoring.stop_rolls_back();
                let message = "The deployment was stopped by a StopDeployment request.".to_string();
                self.stop(
                    sched.now(),
                    DeploymentStatus::Stopped,
                    ErrorCode::ManualStop,
                    message,
                    rollback,
                );
            }
        }
    }

    fn finished(&self) -> bool {
        self.status.is_terminal()
    }
}

impl Watched for BlueGreenRun<'_> {
    fn alarm_watch(&mut self) -> &mut AlarmWatch {
        &mut self.alarms
    }
}

/// The periods of `periods` (contiguous, in time order) that lie within [`from`, `to`],
/// found by binary search, so that an alarm evaluation costs the periods of its window, not
/// every period recorded so far.
fn within(periods: &[PeriodRecord], from: SimTime, to: SimTime) -> &[PeriodRecord] {
    let first = periods.partition_point(|p| p.start < from);
    let end = first + periods[first..].partition_point(|p| p.end <= to);
    &periods[first..end]
}

impl Observation for BlueGreenRun<'_> {
    fn observe(&self, metric: &MetricSource, from: SimTime, to: SimTime) -> Option<f64> {
        if let Some(earlier) = self.earlier
            && to <= self.origin
        {
            return earlier.observe(metric, from, to);
        }
        match metric {
            MetricSource::ErrorRate(_) | MetricSource::ErrorCount(_) | MetricSource::Latency(..) => {
                request_metric(metric, within(&self.periods, from, to).iter())
            }
            MetricSource::HealthyCount => {
                self.ecs()?;
                let ending = &self.periods[self.periods.partition_point(|p| p.end < to)..];
                ending
                    .first()
                    .filter(|p| p.end == to)
                    .map(|p| f64::from(p.healthy_original + p.healthy_replacement))
            }
            MetricSource::Injected(steps) => injected_value(steps, to),
        }
    }

    /// Before the deployment the original version serves all production traffic: its
    /// error rate, its expected errors in one alarm period at the rate of 0 s, its latency
    /// quantile; the original task set's tasks (ECS); an injected metric's value at 0 s.
    /// The replacement served nothing. In a history, the group's value before it started.
    fn baseline(&self, alarm: &Alarm) -> Option<f64> {
        if let Some(earlier) = self.earlier {
            return earlier.baseline(alarm);
        }
        let t = &self.spec.traffic;
        match &alarm.metric {
            MetricSource::Injected(steps) => injected_baseline(steps),
            metric => steady_value(
                metric,
                &t.original,
                t.rate.at(SimTime::ZERO),
                alarm.period.as_secs_f64(),
                self.ecs().map(|e| e.tasks),
            ),
        }
    }
}

/// A request metric (error rate, error count, latency quantile) over `periods`: `None`
/// when no request of the metric's version was seen.
pub(crate) fn request_metric<'p>(
    metric: &MetricSource,
    periods: impl Iterator<Item = &'p PeriodRecord>,
) -> Option<f64> {
    let pick = |v: VersionRef, s: &PeriodSample| -> [VersionSample; 2] {
        match v {
            VersionRef::Original => [s.original, VersionSample::default()],
            VersionRef::Replacement => [s.replacement, VersionSample::default()],
            VersionRef::All => [s.original, s.replacement],
        }
    };
    match metric {
        MetricSource::ErrorRate(v) | MetricSource::ErrorCount(v) => {
            let (n, k) = periods
                .flat_map(|p| pick(*v, &p.sample))
                .fold((0u64, 0u64), |(n, k), s| (n + s.requests, k + s.errors));
            match metric {
                _ if n == 0 => None,
                MetricSource::ErrorRate(_) => Some(k as f64 / n as f64),
                _ => Some(k as f64),
            }
        }
        MetricSource::Latency(v, q) => {
            let (mut weight, mut sum) = (0.0, 0.0);
            for s in periods.flat_map(|p| pick(*v, &p.sample)) {
                if let Some(l) = s.latency {
                    let x = match q {
                        Percentile::P50 => l.p50,
                        Percentile::P90 => l.p90,
                        Percentile::P99 => l.p99,
                    };
                    weight += s.requests as f64;
                    sum += x * s.requests as f64;
                }
            }
            (weight > 0.0).then(|| sum / weight)
        }
        MetricSource::HealthyCount | MetricSource::Injected(_) => None,
    }
}

/// A metric's steady value while `serving` alone answers production traffic (`rate` per
/// second, over `seconds`) with `tasks` healthy tasks (ECS): what the original
/// shows before a deployment, and what the serving revision shows between a history's
/// deployments; the replacement serves nothing then. Injected metrics are the caller's.
pub(crate) fn steady_value(
    metric: &MetricSource,
    serving: &VersionBehaviour,
    rate: f64,
    seconds: f64,
    tasks: Option<u32>,
) -> Option<f64> {
    let original = |v: &VersionRef| *v != VersionRef::Replacement;
    match metric {
        MetricSource::ErrorRate(v) => original(v).then_some(serving.error_rate),
        MetricSource::ErrorCount(v) => original(v).then_some(serving.error_rate * rate * seconds),
        MetricSource::Latency(v, q) => {
            let u = match q {
                Percentile::P50 => 0.5,
                Percentile::P90 => 0.9,
                Percentile::P99 => 0.99,
            };
            original(v).then_some(serving.latency?.quantile(u))
        }
        MetricSource::HealthyCount => tasks.map(f64::from),
        MetricSource::Injected(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(start: u64, end: u64) -> PeriodRecord {
        PeriodRecord {
            start: SimTime::from_millis(start),
            end: SimTime::from_millis(end),
            sample: PeriodSample::default(),
            new_percent: 0,
            healthy_original: 0,
            healthy_replacement: 0,
        }
    }

    /// The binary search finds exactly the periods a scan of every period would.
    #[test]
    fn within_finds_the_periods_a_full_scan_finds() {
        // Contiguous periods of 10 ms, a short last one, as a run records them.
        let mut periods: Vec<_> = (0..20).map(|i| period(i * 10, i * 10 + 10)).collect();
        periods.push(period(200, 203));
        for from in (0..=210).step_by(5) {
            for to in (from..=215).step_by(5) {
                let (from, to) = (SimTime::from_millis(from), SimTime::from_millis(to));
                let scan: Vec<_> = periods
                    .iter()
                    .filter(|p| p.start >= from && p.end <= to)
                    .copied()
                    .collect();
                assert_eq!(within(&periods, from, to), &scan[..], "[{from}, {to}]");
            }
        }
    }
}
