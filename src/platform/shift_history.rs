//! A history on an ECS or Lambda group: each request becomes a deployment that shifts
//! production traffic from the revision serving to the one requested, one after another
//! (§6.2, §6.3, §8, §11).
//!
//! Between deployments the group keeps one thing: the revision serving production traffic
//! (ECS: the primary task set's; Lambda: the version the alias points to). A deployment
//! starts from it (its original task set, the alias's `currentVersion`, with that
//! revision's behaviour under traffic) and leaves behind:
//! - after success, the new revision (ECS: the replacement task set is primary, the original
//!   removed; Lambda: the alias points at the new version);
//! - after a rollback, the revision it started from: traffic is rerouted back to the task
//!   set or version that was serving before (§8);
//! - after a failure or stop without rollback, the new revision if all production traffic
//!   had moved to it, else the revision it started from, still primary (the alias's primary
//!   version keeps the residual weight, §6.3) \[I\].
//!
//! A request made while the group's deployment is active is refused (§11) and recorded;
//! its StopDeployment and ContinueDeployment calls go with it. A ContinueDeployment that
//! finds its deployment in no wait of its kind is refused as the API refuses it
//! (`DeploymentIsNotInReadyStateException`), and one made once its deployment has ended
//! with `DeploymentAlreadyCompletedException`; both are recorded.
//!
//! Each deployment is run to its end before the next request is looked at, as in place
//! (`server::history`).
//!
//! The group's alarms (§7) have one state each on the history's time axis
//! (`shift_alarms`): each deployment evaluates them on its metric periods and CodeDeploy
//! polls them (§7.1: one in ALARM stops it, with the automatic rollback when
//! `DEPLOYMENT_STOP_ON_ALARM` is configured; one already in ALARM when it is created stops
//! it at once \[I: at its creation\]); the gaps between deployments are evaluated on the
//! group's traffic before each request.
//!
//! Not here: one deployment's run (`traffic_shift`), the reports (`report::shift_history`).

use crate::config::DeploymentConfig;
use crate::deployment::DeploymentStatus;
use crate::engine::{self, RunStats};
use crate::platform::alarm_watch::AlarmTimeline;
use crate::rng::Streams;
use crate::scenario::Monitoring;
use crate::scenario::blue_green::{BlueGreenDeployment, ShiftTarget};
use crate::scenario::history::{ContinueRequest, DeploymentRequest, History, RevisionId};

use super::server::history::Refusal;
use super::shift_alarms::ShiftAlarms;
use super::traffic_shift::{BlueGreenOutcome, BlueGreenRun, ContinueAnswer};

/// One user deployment of the history (with, inside its outcome, the rollback CodeDeploy
/// made of it, if any).
pub struct ShiftDeployment {
    /// The revision it deploys.
    pub revision: RevisionId,
    /// The revision serving when it was created: what it shifts from, and what its rollback
    /// reroutes back to.
    pub original: RevisionId,
    /// The deployment as it ran, with the revisions' names and behaviours in its spec.
    pub spec: BlueGreenDeployment,
    /// What it left behind.
    pub outcome: BlueGreenOutcome,
    /// Its index in creation order, rollback deployments counted.
    pub created: usize,
}

/// A ContinueDeployment call the API refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContinueRefusal {
    /// The call.
    pub call: ContinueRequest,
    /// The index (in creation order) of the deployment it named.
    pub deployment: usize,
    /// The revision that deployment deploys.
    pub revision: RevisionId,
    /// The deployment had ended (else: it was in no wait of the call's kind).
    pub completed: bool,
}

impl ContinueRefusal {
    /// The refused ones of `request`'s ContinueDeployment calls, answered `answers`, on the
    /// deployment created `deployment`-th.
    pub fn of<'r>(
        request: &'r DeploymentRequest,
        answers: &'r [ContinueAnswer],
        deployment: usize,
    ) -> impl Iterator<Item = ContinueRefusal> + 'r {
        request
            .continues
            .iter()
            .zip(answers)
            .filter(|(_, a)| **a != ContinueAnswer::Accepted)
            .map(move |(&call, &answer)| ContinueRefusal {
                call,
                deployment,
                revision: request.revision,
                completed: answer == ContinueAnswer::Completed,
            })
    }
}

/// What a history on an ECS or Lambda group left behind.
pub struct ShiftHistoryRuns {
    /// Every user deployment, in creation order.
    pub deployments: Vec<ShiftDeployment>,
    /// The refused deployment requests, in time order.
    pub refusals: Vec<Refusal>,
    /// The refused ContinueDeployment calls, in time order.
    pub refused_continues: Vec<ContinueRefusal>,
    /// The revision serving production traffic at the end.
    pub serving: RevisionId,
    /// Each alarm's states over the whole history (none without `alarmConfiguration`).
    pub alarm_states: Vec<AlarmTimeline>,
}

/// Runs `history` on the group of `spec` under `config`, with the group's automatic
/// rollback from `monitoring`; the engine's counters cover every deployment.
pub fn run(
    config: &DeploymentConfig,
    spec: &BlueGreenDeployment,
    monitoring: &Monitoring,
    history: &History,
    seed: u64,
) -> (ShiftHistoryRuns, RunStats) {
    let mut runs = ShiftHistoryRuns {
        deployments: Vec::new(),
        refusals: Vec::new(),
        refused_continues: Vec::new(),
        serving: RevisionId::INITIAL,
        alarm_states: Vec::new(),
    };
    let mut alarms = monitoring
        .alarms
        .as_ref()
        .map(|c| ShiftAlarms::new(c, spec, history.revision(RevisionId::INITIAL).answers));
    let mut stats = RunStats::NONE;
    let mut created = 0;
    for (k, request) in history.requests.iter().enumerate() {
        // A rollback happens at the instant its deployment ends (§8): before that instant
        // the user deployment is the active one.
        if let Some(refused) = runs
            .deployments
            .last()
            .and_then(|active| Refusal::if_active(request, active.outcome.complete_time, active.created))
        {
            runs.refusals.push(refused);
            continue;
        }
        let streams = Streams::new(seed).deployment(k as u64);
        if let Some(a) = &mut alarms {
            a.evaluate_through(request.at);
        }
        let step = Step {
            config,
            spec,
            monitoring,
            history,
            serving: runs.serving,
            request,
            streams,
            created,
        };
        let d = deploy(&step, alarms.as_mut(), &mut stats);
        runs.serving = serving_after(&d);
        if let Some(a) = &mut alarms {
            a.traffic.record(&d.outcome, history.revision(runs.serving).answers);
        }
        let answers = &d.outcome.continue_answers;
        runs.refused_continues
            .extend(ContinueRefusal::of(request, answers, d.created));
        created += 1 + usize::from(d.outcome.rollback.is_some());
        runs.deployments.push(d);
    }
    if let Some(a) = alarms {
        runs.alarm_states = a.watch.timelines;
    }
    (runs, stats)
}

/// The revision serving production traffic after `d` (see the module's rules).
fn serving_after(d: &ShiftDeployment) -> RevisionId {
    let o = &d.outcome;
    let all_moved = o.shifts.last().is_some_and(|&(_, p)| p == 100);
    if o.rollback.is_none() && (o.status == DeploymentStatus::Succeeded || all_moved) {
        d.revision
    } else {
        d.original
    }
}

/// One step of the history: the deployment of `request` from the revision `serving`.
struct Step<'a> {
    config: &'a DeploymentConfig,
    spec: &'a BlueGreenDeployment,
    monitoring: &'a Monitoring,
    history: &'a History,
    serving: RevisionId,
    request: &'a DeploymentRequest,
    streams: Streams,
    /// Its index in creation order.
    created: usize,
}

/// The deployment of the step, watched by the group's `alarms` (which it carries on).
fn deploy(step: &Step, alarms: Option<&mut ShiftAlarms>, stats: &mut RunStats) -> ShiftDeployment {
    let Step {
        config,
        spec,
        monitoring,
        history,
        serving,
        request,
        streams,
        created,
    } = *step;
    let spec = deployment_spec(spec, history, serving, request);
    let watch = Monitoring {
        alarms: monitoring.alarms.clone(),
        auto_rollback: monitoring.auto_rollback,
        stop: request.stop,
        rollback_stop: None,
    };
    let model = BlueGreenRun::with_streams(config, &spec, &watch, streams).in_history(request.at, &request.continues);
    let (more, outcome) = match alarms {
        Some(a) => {
            let mut model = model.watched_from(std::mem::take(&mut a.watch), &a.traffic);
            let more = engine::run(&mut model);
            a.watch = model.take_alarms();
            (more, model.into_outcome())
        }
        None => {
            let mut model = model;
            (engine::run(&mut model), model.into_outcome())
        }
    };
    stats.then(more);
    ShiftDeployment {
        revision: request.revision,
        original: serving,
        spec,
        outcome,
        created,
    }
}

/// The group's deployment as `request` makes it: the requested revision's hook functions
/// and behaviour as the replacement, the serving revision's as the original (Lambda: the
/// alias's versions by name), the request's faults.
fn deployment_spec(
    spec: &BlueGreenDeployment,
    history: &History,
    serving: RevisionId,
    request: &DeploymentRequest,
) -> BlueGreenDeployment {
    let from = history.revision(serving);
    let to = history.revision(request.revision);
    let mut out = spec.clone();
    out.hooks.clone_from(&to.functions);
    out.traffic.original = from.answers;
    out.traffic.replacement = to.answers;
    match &mut out.target {
        ShiftTarget::Ecs(e) => e.replacement_unhealthy = request.replacement_unhealthy,
        ShiftTarget::Lambda(f) => {
            f.current_version.clone_from(&from.name);
            f.target_version.clone_from(&to.name);
        }
    }
    out
}
