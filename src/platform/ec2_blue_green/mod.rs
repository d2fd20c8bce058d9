//! EC2 blue/green deployments (§6.1, §4.1 blue/green table, §2.2, §3, §8, §10): the model
//! the engine runs.
//!
//! Instances are numbered across both fleets: originals 0..N, replacements N..N+R. The
//! deployment goes through these phases:
//!
//! 1. **Provisioning** \[I\]: the replacement fleet exists from the start (R instances:
//!    `COPY_AUTO_SCALING_GROUP` copies as many as the originals have healthy ones,
//!    `DISCOVER_EXISTING` takes the scenario's count); launching takes no simulated time.
//! 2. **Install** on the replacements: ApplicationStop (`Skipped`: a fresh instance has no
//!    previous revision, §4.1), DownloadBundle … ValidateService, under the configuration's
//!    rules applied to the replacement environment (§3.1, §6.1): M resolved over R, at most
//!    R − M at once, a failure counted as in place (§3.2), `HEALTH_CONSTRAINTS_INVALID`
//!    when M ≥ R, `HEALTH_CONSTRAINTS` when too many fail.
//! 3. **Ready wait** (`deploymentReadyOption: STOP_DEPLOYMENT`): status `Ready` until a
//!    ContinueDeployment; `Stopped` with `TIMEOUT` when `waitTimeInMinutes` runs out.
//! 4. **Rerouting** (§2.2): BeforeAllowTraffic, AllowTraffic (registration and the load
//!    balancer's health checks, §10), AfterAllowTraffic on the replacements that installed
//!    [I: the rules are applied afresh to them: M′ = the minimum resolved over those N′
//!    instances, at most N′ − 1, so AllAtOnce reroutes all at once and needs one success,
//!    HalfAtATime up to half at a time and needs half, OneAtATime one at a time and fails
//!    on the first failure but the last].
//! 5. **Blocking** the originals [I: all at once, after the last replacement is
//!    rerouted]: BeforeBlockTraffic, BlockTraffic (the deregistration delay),
//!    AfterBlockTraffic. One original that fails fails the deployment (§3.1), with
//!    `HEALTH_CONSTRAINTS` \[I\], once the others have finished.
//! 6. **Termination wait**: `TERMINATE` keeps the originals for
//!    `terminationWaitTimeInMinutes`, terminates them, and the deployment succeeds then
//!    [I: as CodeDeploy shows the step in progress]; `KEEP_ALIVE` succeeds at once and leaves
//!    the originals running, deregistered.
//!
//! Alarms are read from the start until the deployment is terminal, waits included (§7.1).
//! A stop (alarm, StopDeployment) starts nothing more; lifecycle events already running
//! finish and their instances end `Failed`, as in place. A failed or stopped deployment
//! that asked for it is **rolled back** (§8) by a second deployment (creator
//! `codeDeployRollback`) that starts when the first ends: the AllowTraffic trio on every
//! original that was deregistered, all at once, then the BlockTraffic trio on every
//! replacement that was registered, all at once (the deployment's order reversed) \[I\],
//! with the known-good durations and none of the new revision's faults \[I\]; the originals
//! still exist (they are only terminated when the deployment has
//! succeeded). When it succeeds, copied replacements are terminated; discovered ones, and
//! every replacement after a failed or stopped rollback, are left running \[I\]. Rollbacks
//! are not watched by alarms \[I\], as in place; a client's StopDeployment of the rollback
//! (`Monitoring::rollback_stop`) starts nothing more and ends it Stopped once its running
//! events end, as in place.
//!
//! Faults reach both fleets by instance number: hook faults on the replacements' install
//! and traffic events or the originals' block events, a replacement that never passes
//! health checks, an instance that stops (§3.3: a running event fails at its timeout, an
//! event due to start fails after five minutes).
//!
//! **Capacity** is recorded at every change: instances in service (registered and healthy
//! behind the load balancer, both fleets), those on the new revision, and the instances
//! running in each fleet.
//!
//! In a history (`history`), a deployment is created at its request's instant
//! ([`Ec2BlueGreenRun::in_history`]) on the group's fleet as the previous deployment left it
//! (which instances are in service, which stopped), and its ContinueDeployment calls come at
//! their instants: `READY_WAIT` ends the wait in Ready, `TERMINATION_WAIT` ends the
//! originals' termination wait (they are terminated then, API:ContinueDeployment, §6.1); one
//! that finds no wait of its kind is refused (`DeploymentIsNotInReadyStateException`) and
//! recorded.
//!
//! Not here: in-place deployments (`server`), rendering (`report::ec2_blue_green`).

use std::collections::VecDeque;

use crate::alarm::{Alarm, MetricSource};
use crate::config::DeploymentConfig;
use crate::config::minimum_healthy::{HealthCount, HealthPlan, MinimumHealthyHosts, may_start};
use crate::deployment::{
    DeploymentStatus, Diagnostic, ErrorCode, ErrorInformation, EventRecord, LifecycleEventStatus, TargetStatus,
};
use crate::engine::{Model, Scheduler};
use crate::id::TargetId;
use crate::lifecycle::hook::Hook;
use crate::lifecycle::{LifecycleEventName, Runner};
use crate::load_balancer::LoadBalancer;
use crate::platform::alarm_watch::{
    AlarmTimeline, AlarmWatch, Observation, Watched, fleet_baseline, fleet_observation,
};
use crate::platform::instance_event::{EVENT_START_LIMIT, script_diagnostic};
use crate::platform::phase::PhaseSpan;
use crate::platform::traffic_shift::ContinueAnswer;
use crate::rng::{Stream, Streams, phase_substream};
use crate::scenario::blue_green::Reroute;
use crate::scenario::ec2_blue_green::{BlueTermination, Ec2BlueGreen};
use crate::scenario::history::{ContinueRequest, WaitType};
use crate::scenario::{InPlace, Monitoring};
use crate::time::{SimDuration, SimTime};

use LifecycleEventName::*;

pub mod history;
mod instances;
mod rollback;
mod track;

pub use track::Track;

/// Metric periods for alarms, as in place.
const METRIC_PERIOD: SimDuration = SimDuration::from_secs(10);

/// Where the install phase ends in the replacements' order.
const INSTALL_STAGES: usize = LifecycleEventName::BLUE_GREEN_INSTALL_EVENTS;

/// The model's closed set of events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The deployment is created and starts.
    Start,
    /// The lifecycle event an instance is running ends (if `generation` is still current).
    LifecycleEventEnds {
        /// The instance.
        target: TargetId,
        /// The instance's generation when the event was scheduled.
        generation: u32,
    },
    /// An instance stops (a fault).
    InstanceStops {
        /// The instance.
        target: TargetId,
    },
    /// The ready wait or the termination wait ends (if `generation` is still current).
    WaitEnds {
        /// The wait's generation when it was scheduled.
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
    /// A client calls StopDeployment on the running rollback deployment
    /// (`Monitoring::rollback_stop`).
    StopRollback,
}

/// Where the deployment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The replacements install.
    Install,
    /// Waiting for ContinueDeployment.
    Ready,
    /// The replacements get traffic.
    Reroute,
    /// The originals lose traffic.
    BlockTraffic,
    /// The originals are kept for the termination wait.
    TerminationWait,
    /// The first deployment has ended; its rollback runs.
    RollingBack,
    /// Nothing more happens.
    Done,
}

impl Phase {
    /// The phase in words, for the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Install => "install",
            Phase::Ready => "ready wait",
            Phase::Reroute => "reroute",
            Phase::BlockTraffic => "block traffic",
            Phase::TerminationWait => "termination wait",
            Phase::RollingBack => "rollback",
            Phase::Done => "done",
        }
    }
}

/// One capacity point of both fleets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FleetPoint {
    /// When the point begins.
    pub time: SimTime,
    /// Instances registered and healthy behind the load balancer, both fleets.
    pub in_service: u32,
    /// In-service replacements.
    pub on_new_revision: u32,
    /// Original instances that exist (launched and not terminated).
    pub original_running: u32,
    /// Replacement instances that exist.
    pub replacement_running: u32,
}

/// One deployment of the run, for reports.
#[derive(Clone, Debug)]
pub struct Ec2Deployment {
    /// Its final status.
    pub status: DeploymentStatus,
    /// Why it failed or stopped.
    pub error: Option<ErrorInformation>,
    /// When it was created.
    pub create_time: SimTime,
    /// When it ended.
    pub complete_time: SimTime,
    /// Its per-target lifecycle records.
    pub track: Track,
}

/// What a finished EC2 blue/green run leaves behind.
#[derive(Clone, Debug)]
pub struct Ec2BlueGreenOutcome {
    /// The deployment.
    pub deployment: Ec2Deployment,
    /// Its rollback deployment, if one was made.
    pub rollback: Option<Ec2Deployment>,
    /// Why it was or was not rolled back, when it did not succeed.
    pub rollback_message: Option<String>,
    /// The configuration's rules over the replacement fleet (None: M ≥ R).
    pub install_plan: Option<HealthPlan>,
    /// The rules over the replacements that installed, for rerouting.
    pub reroute_plan: Option<HealthPlan>,
    /// Instances in service and running, at the start and every change.
    pub capacity: Vec<FleetPoint>,
    /// The deployment's phases, for reports.
    pub phases: Vec<PhaseSpan>,
    /// `instanceTerminationWaitTimeStarted`.
    pub termination_wait_started: bool,
    /// Each alarm's state changes.
    pub alarm_states: Vec<AlarmTimeline>,
    /// Most replacement instances installing at once.
    pub max_install_in_flight: u32,
    /// How each of a history's ContinueDeployment calls on it was answered, in the calls'
    /// order.
    pub continue_answers: Vec<ContinueAnswer>,
    /// Per instance of both fleets at the end: registered and healthy behind the load
    /// balancer.
    pub serving: Vec<bool>,
    /// Per instance of both fleets at the end: stopped by a fault.
    pub stopped: Vec<bool>,
}

/// The EC2 blue/green deployment: all mutable state, changed only by [`Model::handle`].
pub struct Ec2BlueGreenRun<'s> {
    config: &'s DeploymentConfig,
    spec: &'s Ec2BlueGreen,
    monitoring: &'s Monitoring,
    streams: Streams,
    rollback_streams: Streams,
    alarms: AlarmWatch,
    phase: Phase,
    status: DeploymentStatus,
    error: Option<ErrorInformation>,
    complete_time: Option<SimTime>,
    track: Track,
    rollback: Option<Ec2Deployment>,
    rollback_message: Option<String>,
    rollback_requested: bool,
    stopping: Option<(ErrorCode, String)>,
    /// Per instance: generation of its scheduled event end, in service, stopped.
    generation: Vec<u32>,
    serving: Vec<bool>,
    stopped: Vec<bool>,
    /// Generation of the ready and termination waits.
    wait_generation: u32,
    // Scheduling of the phase under way.
    pending: VecDeque<TargetId>,
    /// Rollback: the replacements to deregister once the originals serve again.
    rollback_block: VecDeque<TargetId>,
    /// The rollback deployment was stopped: it ends Stopped once its running events end.
    rollback_stopped: bool,
    health: HealthCount,
    max_in_flight: u32,
    in_flight: u32,
    succeeded: u32,
    failed: u32,
    install_plan: Option<HealthPlan>,
    reroute_plan: Option<HealthPlan>,
    max_install_in_flight: u32,
    // Observations.
    in_service: u32,
    on_new: u32,
    original_running: u32,
    replacement_running: u32,
    capacity: Vec<FleetPoint>,
    phases: Vec<PhaseSpan>,
    termination_wait_started: bool,
    /// When the deployment is created.
    origin: SimTime,
    /// A history's ContinueDeployment calls on this deployment, in time order.
    continues: &'s [ContinueRequest],
    continue_answers: Vec<ContinueAnswer>,
}

impl<'s> Ec2BlueGreenRun<'s> {
    /// The run of `spec` under `config`, watched by `monitoring`, drawing from `seed`'s streams.
    pub fn new(config: &'s DeploymentConfig, spec: &'s Ec2BlueGreen, monitoring: &'s Monitoring, seed: u64) -> Self {
        Self::with_streams(config, spec, monitoring, Streams::new(seed))
    }

    /// The run of `spec` drawing from `streams` (a history's deployment `k` draws from
    /// `Streams::deployment(k)`, its rollback from that one's `rollback()`).
    pub fn with_streams(
        config: &'s DeploymentConfig,
        spec: &'s Ec2BlueGreen,
        monitoring: &'s Monitoring,
        streams: Streams,
    ) -> Self {
        let n = spec.originals();
        let r = spec.replacements();
        let total = spec.targets() as usize;
        let classes = spec.server.fleet.health_classes();
        let mut serving = vec![false; total];
        for (i, c) in classes.iter().enumerate() {
            serving[i] = c.is_healthy();
        }
        let in_service = serving.iter().filter(|&&s| s).count() as u32;
        Ec2BlueGreenRun {
            config,
            spec,
            monitoring,
            streams,
            rollback_streams: streams.rollback(),
            alarms: AlarmWatch::new(monitoring.alarms.as_ref()),
            phase: Phase::Install,
            status: DeploymentStatus::Created,
            error: None,
            complete_time: None,
            track: Track::new(
                n,
                r,
                LifecycleEventName::BLUE_GREEN_ORIGINALS,
                LifecycleEventName::BLUE_GREEN_REPLACEMENTS,
            ),
            rollback: None,
            rollback_message: None,
            rollback_requested: false,
            stopping: None,
            generation: vec![0; total],
            serving,
            stopped: vec![false; total],
            wait_generation: 0,
            pending: VecDeque::new(),
            rollback_block: VecDeque::new(),
            rollback_stopped: false,
            health: HealthCount { healthy: 0, minimum: 0 },
            max_in_flight: 0,
            in_flight: 0,
            succeeded: 0,
            failed: 0,
            install_plan: None,
            reroute_plan: None,
            max_install_in_flight: 0,
            in_service,
            on_new: 0,
            original_running: n,
            replacement_running: r,
            capacity: vec![FleetPoint {
                time: SimTime::ZERO,
                in_service,
                on_new_revision: 0,
                original_running: n,
                replacement_running: r,
            }],
            phases: Vec::new(),
            termination_wait_started: false,
            origin: SimTime::ZERO,
            continues: &[],
            continue_answers: Vec::new(),
        }
    }

    /// This deployment as one of a history: created at `origin` on the group's fleet as the
    /// previous deployment left it (`serving`, `stopped`: per original instance), with the
    /// ContinueDeployment calls `continues` (in time order, none before `origin`).
    pub fn in_history(
        mut self,
        origin: SimTime,
        continues: &'s [ContinueRequest],
        serving: &[bool],
        stopped: &[bool],
    ) -> Self {
        let n = self.spec.originals() as usize;
        assert!(
            serving.len() == n && stopped.len() == n,
            "the group's fleet is the originals"
        );
        assert!(
            continues.iter().all(|c| c.at >= origin),
            "a call comes after its request"
        );
        self.serving[..n].copy_from_slice(serving);
        self.stopped[..n].copy_from_slice(stopped);
        self.in_service = serving.iter().filter(|&&s| s).count() as u32;
        self.capacity = vec![FleetPoint {
            time: origin,
            in_service: self.in_service,
            ..self.capacity[0]
        }];
        self.origin = origin;
        self.continues = continues;
        self.continue_answers = vec![ContinueAnswer::Completed; continues.len()];
        self
    }

    /// What the finished run leaves behind.
    pub fn into_outcome(self) -> Ec2BlueGreenOutcome {
        assert_eq!(self.phase, Phase::Done, "the run has ended");
        Ec2BlueGreenOutcome {
            deployment: Ec2Deployment {
                status: self.status,
                error: self.error,
                create_time: self.origin,
                complete_time: self.complete_time.expect("set at the end"),
                track: self.track,
            },
            rollback: self.rollback,
            rollback_message: self.rollback_message,
            install_plan: self.install_plan,
            reroute_plan: self.reroute_plan,
            capacity: self.capacity,
            phases: self.phases,
            termination_wait_started: self.termination_wait_started,
            alarm_states: self.alarms.timelines,
            max_install_in_flight: self.max_install_in_flight,
            continue_answers: self.continue_answers,
            serving: self.serving,
            stopped: self.stopped,
        }
    }

    fn server(&self) -> &'s InPlace {
        &self.spec.server
    }

    fn load_balancer(&self) -> &'s LoadBalancer {
        self.spec
            .server
            .load_balancer
            .as_ref()
            .expect("validated: blue/green needs a load balancer")
    }

    fn minimum(&self) -> MinimumHealthyHosts {
        self.config
            .minimum_healthy()
            .expect("validated: a Server configuration")
            .0
    }

    fn is_replacement(&self, t: TargetId) -> bool {
        self.spec.is_replacement(t)
    }

    fn active(&mut self) -> &mut Track {
        match self.phase {
            Phase::RollingBack => &mut self.rollback.as_mut().expect("rolling back").track,
            _ => &mut self.track,
        }
    }

    fn active_ref(&self) -> &Track {
        match self.phase {
            Phase::RollingBack => &self.rollback.as_ref().expect("rolling back").track,
            _ => &self.track,
        }
    }

    // ----- start and phases -------------------------------------------------------------

    fn on_start(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.status = DeploymentStatus::InProgress;
        tracing::info!(target: "cdsim::deployment", t = %now, config = %self.config.name,
            originals = self.spec.originals(), replacements = self.spec.replacements(), "deployment started");
        for (target, at) in self.server().faults.stops() {
            sched.at(at.max(now), Event::InstanceStops { target });
        }
        if let Some(a) = &self.monitoring.alarms {
            if let Some(name) = self.alarms.in_alarm() {
                let message = format!("Alarm {name} was already in ALARM when the deployment started.");
                self.stop(
                    now,
                    ErrorCode::AlarmActive,
                    message,
                    self.monitoring.auto_rollback.on_alarm,
                    sched,
                );
                return;
            }
            sched.after(METRIC_PERIOD, Event::MetricPeriodEnds);
            sched.after(a.poll_interval, Event::AlarmPoll);
        }
        if let Some(stop) = self.monitoring.stop {
            sched.at(stop.at.max(now), Event::StopDeployment);
        }
        for (index, c) in self.continues.iter().enumerate() {
            let index = u16::try_from(index).expect("a request's calls are few");
            sched.at(c.at, Event::ContinueRequest { index });
        }
        let r = self.spec.replacements();
        self.install_plan = HealthPlan::new(self.minimum(), r);
        let Some(plan) = self.install_plan else {
            let m = self.minimum().resolve(r);
            let message = format!(
                "The deployment failed because the minimum number of healthy instances ({m}) is not below the \
                 number of replacement instances ({r}) (§6.1: the minimum applies to the replacement environment)."
            );
            self.end_deployment(
                now,
                DeploymentStatus::Failed,
                ErrorCode::HealthConstraintsInvalid,
                message,
                false,
                sched,
            );
            return;
        };
        self.open_phase("install", now);
        let first = self.spec.originals();
        self.begin_rolling_phase((first..first + r).map(TargetId).collect(), plan, sched);
    }

    /// Starts a phase whose targets go under the minimum-healthy start rule.
    fn begin_rolling_phase(&mut self, targets: VecDeque<TargetId>, plan: HealthPlan, sched: &mut Scheduler<Event>) {
        self.health = HealthCount {
            healthy: targets.len() as u32,
            minimum: plan.minimum,
        };
        self.max_in_flight = plan.max_in_flight;
        self.pending = targets;
        self.succeeded = 0;
        self.failed = 0;
        self.start_more(sched);
    }

    /// Starts every instance the rule allows; ends the phase when nothing is in flight.
    fn start_more(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        if let Some((code, message)) = self.stopping.clone() {
            if self.in_flight == 0 {
                let rollback = self.rollback_requested;
                self.end_deployment(now, DeploymentStatus::Stopped, code, message, rollback, sched);
            }
            return;
        }
        let all_at_once = matches!(self.phase, Phase::BlockTraffic | Phase::RollingBack);
        while let Some(&t) = self.pending.front() {
            if !all_at_once && !may_start(true, self.health, None, self.in_flight, self.max_in_flight) {
                break;
            }
            self.pending.pop_front();
            self.start_target(t, sched);
        }
        if self.phase == Phase::Install {
            self.max_install_in_flight = self.max_install_in_flight.max(self.in_flight);
        }
        if self.in_flight == 0 {
            self.phase_done(sched);
        }
    }

    fn start_target(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.in_flight += 1;
        if !matches!(self.phase, Phase::BlockTraffic | Phase::RollingBack) {
            self.health.healthy -= 1;
        }
        let track_stage = match self.phase {
            Phase::Reroute => INSTALL_STAGES,
            _ => 0,
        };
        let track = self.active();
        track.target_status[t.index()] = TargetStatus::InProgress;
        track.stage[t.index()] = track_stage as u8;
        self.plan_hooks(t);
        tracing::debug!(target: "cdsim::deployment", t = %now, target = %t, phase = %self.phase.as_str(), "instance started");
        self.begin_event(t, sched);
    }

    /// Draws the hook outcomes of `t`'s events in this phase from its own sub-stream.
    fn plan_hooks(&mut self, t: TargetId) {
        let rollback = self.phase == Phase::RollingBack;
        let streams = if rollback { self.rollback_streams } else { self.streams };
        let phase = match self.phase {
            Phase::Reroute => 1,
            _ => 0,
        };
        let mut rng = streams.source(Stream::Hooks, phase_substream(u64::from(t.0), phase));
        let order = self.active_ref().order(t);
        let from = usize::from(self.active_ref().stage[t.index()]);
        let to = self.segment_end(t);
        for (stage, &name) in order.iter().enumerate().take(to).skip(from) {
            if !matches!(name.runner(), Runner::Scripts | Runner::Agent) || self.skips(t, name) {
                continue;
            }
            let hook = self.hook_for(name);
            let outcome = if rollback {
                hook.run_known_good(&mut rng)
            } else {
                hook.run(&mut rng, &self.server().faults.hook_faults(t, name))
            };
            let diagnostic = script_diagnostic(name.runner(), hook, outcome.result);
            let rec = self.active().rec(t, stage);
            rec.duration = outcome.duration;
            rec.diagnostic = diagnostic;
        }
    }

    fn hook_for(&self, name: LifecycleEventName) -> &'s Hook {
        let sc = self.server();
        sc.agent.step(name).unwrap_or_else(|| sc.hooks.get(name))
    }

    /// ApplicationStop has nothing to run on a fresh replacement instance (§4.1).
    fn skips(&self, t: TargetId, name: LifecycleEventName) -> bool {
        self.phase != Phase::RollingBack && self.is_replacement(t) && name == ApplicationStop
    }

    /// The stage after the last event `t` runs in the current phase.
    fn segment_end(&self, t: TargetId) -> usize {
        match self.phase {
            Phase::Install => INSTALL_STAGES,
            _ => self.active_ref().order(t).len(),
        }
    }

    fn begin_event(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        loop {
            let stage = usize::from(self.active_ref().stage[t.index()]);
            let name = self.active_ref().order(t)[stage];
            if self.skips(t, name) {
                *self.active().rec(t, stage) = EventRecord {
                    start: now,
                    status: LifecycleEventStatus::Skipped,
                    ..EventRecord::PENDING
                };
                self.active().stage[t.index()] += 1;
                continue;
            }
            let (duration, diagnostic) = match name.runner() {
                _ if self.stopped[t.index()] => (EVENT_START_LIMIT, Diagnostic::EventNotStarted),
                Runner::Scripts | Runner::Agent => {
                    let rec = self.active_ref().records_of(t)[stage];
                    (rec.duration, rec.diagnostic)
                }
                Runner::Deregister => {
                    self.set_serving(t, false, now);
                    (self.load_balancer().deregistration_delay, Diagnostic::None)
                }
                Runner::Register => {
                    let answers = self.phase == Phase::RollingBack || !self.server().faults.fails_health_checks(t);
                    match self.load_balancer().health_check.allow_traffic(now, answers) {
                        (d, true) => (d, Diagnostic::None),
                        (d, false) => (d, Diagnostic::NotHealthyInTime),
                    }
                }
                Runner::TestTraffic => unreachable!("not an EC2 event"),
            };
            *self.active().rec(t, stage) = EventRecord {
                start: now,
                duration,
                status: LifecycleEventStatus::InProgress,
                diagnostic,
            };
            tracing::debug!(target: "cdsim::deployment", t = %now, target = %t, event = %name, "lifecycle event started");
            let generation = self.generation[t.index()];
            sched.after(duration, Event::LifecycleEventEnds { target: t, generation });
            return;
        }
    }

    fn on_lifecycle_event_ends(&mut self, t: TargetId, generation: u32, sched: &mut Scheduler<Event>) {
        if generation != self.generation[t.index()] {
            return;
        }
        let now = sched.now();
        let stage = usize::from(self.active_ref().stage[t.index()]);
        let name = self.active_ref().order(t)[stage];
        let rec = self.active().rec(t, stage);
        assert_eq!(rec.end(), now, "event ends at its planned time");
        let ok = rec.succeeds();
        rec.status = if ok {
            LifecycleEventStatus::Succeeded
        } else {
            LifecycleEventStatus::Failed
        };
        tracing::debug!(target: "cdsim::deployment", t = %now, target = %t, event = %name,
            ok, "lifecycle event ended");
        if ok && name.runner() == Runner::Register {
            self.set_serving(t, true, now);
        }
        let forgiven = !ok && self.server().ignore_application_stop_failures && name.failure_may_be_ignored();
        if self.stopping.is_some() || (!ok && !forgiven) {
            self.finish_target(t, false, sched);
        } else if stage + 1 == self.segment_end(t) {
            self.finish_target(t, true, sched);
        } else {
            self.active().stage[t.index()] += 1;
            self.begin_event(t, sched);
        }
    }

    /// `t` has finished its part of the current phase.
    fn finish_target(&mut self, t: TargetId, ok: bool, sched: &mut Scheduler<Event>) {
        self.in_flight -= 1;
        let installed = ok && self.phase == Phase::Install;
        let track = self.active();
        let stage = usize::from(track.stage[t.index()]);
        if ok {
            track.stage[t.index()] += 1;
            if !installed {
                track.target_status[t.index()] = TargetStatus::Succeeded;
            }
            self.succeeded += 1;
            if !matches!(self.phase, Phase::BlockTraffic | Phase::RollingBack) {
                self.health.healthy += 1;
            }
        } else {
            track.target_status[t.index()] = TargetStatus::Failed;
            track.skip_from(t, stage + 1);
            self.failed += 1;
        }
        self.start_more(sched);
    }

    /// Nothing is in flight: the phase is over (or cannot go on).
    fn phase_done(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        match self.phase {
            Phase::Install | Phase::Reroute => {
                let plan = if self.phase == Phase::Install {
                    self.install_plan
                } else {
                    self.reroute_plan
                }
                .expect("a plan for a rolling phase");
                let what = if self.phase == Phase::Install {
                    "installed the revision"
                } else {
                    "took traffic"
                };
                if !self.pending.is_empty() || self.succeeded < plan.min_successes {
                    let message = format!(
                        "The overall deployment failed because too many replacement instances failed: {} {what}, at \
                         least {} required ({} failed).",
                        self.succeeded, plan.min_successes, self.failed
                    );
                    let rollback = self.monitoring.auto_rollback.on_failure;
                    self.end_deployment(
                        now,
                        DeploymentStatus::Failed,
                        ErrorCode::HealthConstraints,
                        message,
                        rollback,
                        sched,
                    );
                } else if self.phase == Phase::Install {
                    self.close_phase(now);
                    self.after_install(sched);
                } else {
                    self.close_phase(now);
                    self.block_originals(sched);
                }
            }
            Phase::BlockTraffic => {
                self.close_phase(now);
                if self.failed > 0 {
                    let message = format!(
                        "The deployment failed because {} original {} could not be deregistered from the load \
                         balancer (§3.1).",
                        self.failed,
                        if self.failed == 1 { "instance" } else { "instances" }
                    );
                    let rollback = self.monitoring.auto_rollback.on_failure;
                    self.end_deployment(
                        now,
                        DeploymentStatus::Failed,
                        ErrorCode::HealthConstraints,
                        message,
                        rollback,
                        sched,
                    );
                } else {
                    self.termination_wait(sched);
                }
            }
            Phase::RollingBack if !self.rollback_block.is_empty() => {
                // The originals serve again: now the replacements are deregistered.
                self.pending = std::mem::take(&mut self.rollback_block);
                self.start_more(sched);
            }
            Phase::RollingBack => self.end_rollback(now),
            Phase::Ready | Phase::TerminationWait | Phase::Done => {}
        }
    }

    fn after_install(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        match self.spec.reroute {
            Reroute::Immediately => self.reroute(sched),
            Reroute::WaitForContinue { wait, continue_after } => {
                self.phase = Phase::Ready;
                self.status = DeploymentStatus::Ready;
                self.open_phase("ready", now);
                tracing::info!(target: "cdsim::deployment", t = %now, "waiting to reroute traffic (Ready)");
                self.wait_generation += 1;
                sched.after(
                    wait,
                    Event::WaitEnds {
                        generation: self.wait_generation,
                    },
                );
                if let Some(after) = continue_after.filter(|&a| a <= wait) {
                    sched.after(after, Event::ContinueDeployment);
                }
            }
        }
    }

    /// §2.2: the rules applied to the replacements that installed.
    fn reroute(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.phase = Phase::Reroute;
        self.status = DeploymentStatus::InProgress;
        self.open_phase("reroute", now);
        let installed: VecDeque<TargetId> = (self.spec.originals()..self.spec.targets())
            .map(TargetId)
            .filter(|t| self.track.target_status[t.index()] == TargetStatus::InProgress)
            .collect();
        let n = installed.len() as u32;
        let m = self.minimum().resolve(n).min(n.saturating_sub(1));
        let plan = HealthPlan::with_minimum(n, m);
        self.reroute_plan = Some(plan);
        self.begin_rolling_phase(installed, plan, sched);
    }

    fn block_originals(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        self.phase = Phase::BlockTraffic;
        self.open_phase("blockTraffic", now);
        self.pending = (0..self.spec.originals()).map(TargetId).collect();
        self.succeeded = 0;
        self.failed = 0;
        self.start_more(sched);
    }

    fn termination_wait(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        match self.spec.blue_termination {
            BlueTermination::Terminate { wait } => {
                self.phase = Phase::TerminationWait;
                self.termination_wait_started = true;
                self.open_phase("terminationWait", now);
                self.wait_generation += 1;
                sched.after(
                    wait,
                    Event::WaitEnds {
                        generation: self.wait_generation,
                    },
                );
            }
            BlueTermination::KeepAlive => self.succeed(now),
        }
    }

    fn on_wait_ends(&mut self, generation: u32, sched: &mut Scheduler<Event>) {
        if generation != self.wait_generation {
            return;
        }
        let now = sched.now();
        match self.phase {
            Phase::Ready => {
                self.close_phase(now);
                let message = "The wait for rerouting traffic expired and actionOnTimeout is STOP_DEPLOYMENT.";
                self.end_deployment(
                    now,
                    DeploymentStatus::Stopped,
                    ErrorCode::Timeout,
                    message.to_string(),
                    false,
                    sched,
                );
            }
            Phase::TerminationWait => self.terminate_originals(now),
            _ => unreachable!("a wait ends only while waiting"),
        }
    }

    /// The termination wait ends: the originals are terminated and the deployment succeeds.
    fn terminate_originals(&mut self, now: SimTime) {
        self.wait_generation += 1;
        self.close_phase(now);
        self.original_running = 0;
        self.push_capacity(now);
        tracing::info!(target: "cdsim::deployment", t = %now, "original instances terminated");
        self.succeed(now);
    }

    /// A history's ContinueDeployment call: it ends the wait it names if the deployment is
    /// in it (`READY_WAIT`: rerouting starts; `TERMINATION_WAIT`: the originals are
    /// terminated now, §6.1), and is refused otherwise (API:ContinueDeployment).
    fn on_continue_request(&mut self, index: u16, sched: &mut Scheduler<Event>) {
        let i = usize::from(index);
        self.continue_answers[i] = match (self.continues[i].wait, self.phase) {
            (_, Phase::RollingBack | Phase::Done) => ContinueAnswer::Completed,
            (WaitType::Ready, Phase::Ready) => {
                self.on_continue(sched);
                ContinueAnswer::Accepted
            }
            (WaitType::Termination, Phase::TerminationWait) => {
                self.terminate_originals(sched.now());
                ContinueAnswer::Accepted
            }
            _ => ContinueAnswer::NotInWait,
        };
    }

    fn on_continue(&mut self, sched: &mut Scheduler<Event>) {
        if self.phase != Phase::Ready {
            return;
        }
        self.wait_generation += 1;
        self.close_phase(sched.now());
        self.reroute(sched);
    }

    fn succeed(&mut self, now: SimTime) {
        self.status = DeploymentStatus::Succeeded;
        self.complete_time = Some(now);
        self.phase = Phase::Done;
        tracing::info!(target: "cdsim::deployment", t = %now, status = %"Succeeded", "deployment finished");
    }

    // ----- alarms ---------------------------------------------------------------------------

    fn watching(&self) -> bool {
        !matches!(self.phase, Phase::RollingBack | Phase::Done)
    }

    fn on_metric_period_ends(&mut self, sched: &mut Scheduler<Event>) {
        if !self.watching() {
            return;
        }
        let now = sched.now();
        self.evaluate_alarms(now);
        sched.after(METRIC_PERIOD, Event::MetricPeriodEnds);
    }

    fn on_alarm_poll(&mut self, sched: &mut Scheduler<Event>) {
        if !self.watching() || self.stopping.is_some() {
            return;
        }
        let now = sched.now();
        if now.as_millis().is_multiple_of(METRIC_PERIOD.as_millis()) {
            self.evaluate_alarms(now);
        }
        let config = self.monitoring.alarms.as_ref().expect("polls only with alarms");
        if let Some(message) = self.alarms.poll(config, now) {
            self.stop(
                now,
                ErrorCode::AlarmActive,
                message,
                self.monitoring.auto_rollback.on_alarm,
                sched,
            );
            return;
        }
        sched.after(config.poll_interval, Event::AlarmPoll);
    }

    // ----- bookkeeping ----------------------------------------------------------------------

    fn open_phase(&mut self, name: &'static str, now: SimTime) {
        self.phases.push(PhaseSpan {
            name,
            start: now,
            end: now,
        });
    }

    fn close_phase(&mut self, now: SimTime) {
        if let Some(p) = self.phases.last_mut() {
            p.end = now;
        }
    }
}

impl Model for Ec2BlueGreenRun<'_> {
    type Event = Event;

    fn start(&mut self, sched: &mut Scheduler<Event>) {
        sched.at(self.origin, Event::Start);
    }

    fn handle(&mut self, event: Event, sched: &mut Scheduler<Event>) {
        match event {
            Event::Start => self.on_start(sched),
            Event::LifecycleEventEnds { target, generation } => self.on_lifecycle_event_ends(target, generation, sched),
            Event::InstanceStops { target } => self.on_instance_stops(target, sched),
            Event::WaitEnds { generation } => self.on_wait_ends(generation, sched),
            Event::ContinueDeployment => self.on_continue(sched),
            Event::ContinueRequest { index } => self.on_continue_request(index, sched),
            Event::MetricPeriodEnds => self.on_metric_period_ends(sched),
            Event::AlarmPoll => self.on_alarm_poll(sched),
            Event::StopDeployment => {
                let rollback = self.monitoring.stop_rolls_back();
                let message = "The deployment was stopped by a StopDeployment request.".to_string();
                self.stop(sched.now(), ErrorCode::ManualStop, message, rollback, sched);
            }
            Event::StopRollback => self.stop_rollback(sched.now()),
        }
    }

    fn finished(&self) -> bool {
        self.phase == Phase::Done
    }
}

impl Watched for Ec2BlueGreenRun<'_> {
    fn alarm_watch(&mut self) -> &mut AlarmWatch {
        &mut self.alarms
    }
}

impl Observation for Ec2BlueGreenRun<'_> {
    /// `healthyCount`: the fewest instances in service during the window, both fleets.
    fn observe(&self, metric: &MetricSource, from: SimTime, to: SimTime) -> Option<f64> {
        fleet_observation(metric, &self.capacity, from, to, |p| (p.time, p.in_service))
    }

    /// Before the deployment: the original fleet in service, or an injected metric's value
    /// at 0 s.
    fn baseline(&self, alarm: &Alarm) -> Option<f64> {
        fleet_baseline(&alarm.metric, self.capacity.first().map(|p| p.in_service))
    }
}
