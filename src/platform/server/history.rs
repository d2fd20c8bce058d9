//! A history on an in-place group: each request becomes a deployment (and, when one is due,
//! its rollback deployment) that starts where the group stands, one after another (§3.1,
//! §4.1, §8, §11).
//!
//! Between deployments the group keeps, per instance, the revision last deployed
//! successfully to it, the most recent deployment's revision, its instance health
//! (Unhealthy when the last attempt failed or nothing was ever deployed) and its revision
//! health (Unknown after an overall success that did not reach it), whether it is in
//! service and whether it is stopped (§3.1's bookkeeping). A deployment of revision R
//! orders the instances from those: Unhealthy, Unknown, Old (another revision), Current
//! (R already). A rollback redeploys the revision of the group's last successful
//! deployment, user or rollback, however many deployments back (§8). A request made while
//! a deployment of the group is active is refused (§11) and recorded.
//!
//! Each deployment is run to its end before the next request is looked at: a request can
//! only find the deployments created before it active, so this is the order of the API.
//!
//! The group's alarms (§7) are CloudWatch's, not a deployment's: one state each on the
//! history's time axis. A user deployment evaluates them as it runs, its windows reaching
//! back into the group's capacity series, and CodeDeploy polls them (§7.1: one in ALARM
//! stops it, one already in ALARM when it is created stops it at once \[I: at its
//! creation\]); between deployments and through rollbacks (not stopped by alarms \[I\])
//! they are evaluated on that series afterwards, which gives the same states since nothing
//! there depends on them.
//!
//! Not here: one deployment's run (`super`), or the rule deciding whether a single
//! scenario's deployment is rolled back (`rollback`), whose messages this shares.

use crate::config::DeploymentConfig;
use crate::deployment::{DeploymentStatus, LifecycleEventStatus, TargetStatus};
use crate::engine::{self, RunStats};
use crate::id::TargetId;
use crate::lifecycle::LifecycleEventName;
use crate::platform::alarm_watch::AlarmTimeline;
use crate::rng::Streams;
use crate::scenario::history::{DeploymentRequest, History, RevisionId};
use crate::scenario::{HealthClass, InPlace, Monitoring};
use crate::time::SimTime;

use super::group_alarms::GroupAlarms;
use super::rollback::{NO_EARLIER_REVISION, NOTHING_DEPLOYED, ROLLED_BACK};
use super::{InPlaceDeployment, InPlaceOutcome, PreviousHooks, PreviousRevisions, RollbackStart};

/// One deployment of a history: a user's request or a rollback CodeDeploy created.
pub struct HistoryDeployment {
    /// The revision it deploys.
    pub revision: RevisionId,
    /// What it left behind.
    pub outcome: InPlaceOutcome,
    /// For a rollback deployment: the index (in creation order) of the deployment it rolls back.
    pub rolls_back: Option<usize>,
    /// For a user deployment: the index of its rollback deployment, if one was made.
    pub rolled_back_by: Option<usize>,
    /// Why it was or was not rolled back, when a rollback was asked for.
    pub rollback_message: Option<String>,
    /// Per instance, the earlier revisions whose scripts ApplicationStop, BeforeBlockTraffic
    /// and AfterBlockTraffic ran (§4.1): the report names those scripts from it.
    pub previous: PreviousRevisions,
}

/// A request refused because another deployment of the group was active (§11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// When the request was made.
    pub at: SimTime,
    /// The revision it asked for.
    pub revision: RevisionId,
    /// The index (in creation order) of the deployment that was active.
    pub active: usize,
}

impl Refusal {
    /// `request` refused when the deployment `active` (its index in creation order) is
    /// active until `until` (§11); a request at that very instant is accepted.
    pub fn if_active(request: &DeploymentRequest, until: SimTime, active: usize) -> Option<Refusal> {
        (request.at < until).then_some(Refusal {
            at: request.at,
            revision: request.revision,
            active,
        })
    }
}

/// What a history left behind.
pub struct HistoryRuns {
    /// Each alarm's states over the whole history (none without `alarmConfiguration`).
    pub alarm_states: Vec<AlarmTimeline>,
    /// Every deployment, in creation order.
    pub deployments: Vec<HistoryDeployment>,
    /// The refused requests, in time order.
    pub refusals: Vec<Refusal>,
    /// Per instance at the end: the revision last deployed successfully to it (`None`:
    /// never, on a group that began with its first deployment).
    pub final_revision: Vec<Option<RevisionId>>,
}

/// The group between deployments: per instance, what §3.1's bookkeeping keeps.
struct Group {
    last_good: Vec<Option<RevisionId>>,
    most_recent: Vec<Option<RevisionId>>,
    unhealthy: Vec<bool>,
    unknown: Vec<bool>,
    serving: Vec<bool>,
    stopped: Vec<bool>,
    installed: Vec<Option<RevisionId>>,
    /// The revision of the group's last successful deployment (§8: what a rollback
    /// redeploys).
    last_good_revision: Option<RevisionId>,
}

impl Group {
    /// The group before the history, as the scenario's fleet describes it; instances listed
    /// as `current` already run the first request's revision.
    fn new(ip: &InPlace, first: RevisionId) -> Group {
        let fleet = &ip.fleet;
        let before = (!fleet.first_deployment).then_some(RevisionId::INITIAL);
        let classes = fleet.health_classes();
        let last_good: Vec<Option<RevisionId>> = classes
            .iter()
            .map(|&c| if c == HealthClass::Current { Some(first) } else { before })
            .collect();
        Group {
            most_recent: last_good.clone(),
            installed: last_good.clone(),
            last_good,
            unhealthy: classes.iter().map(|c| !c.is_healthy()).collect(),
            unknown: classes.iter().map(|&c| c == HealthClass::Unknown).collect(),
            serving: classes.iter().map(|c| c.is_healthy()).collect(),
            stopped: vec![false; classes.len()],
            last_good_revision: before,
        }
    }

    /// Where a deployment of `revision` created at `origin` starts (§3.1's order).
    fn start(&self, revision: RevisionId, origin: SimTime, on_revision: Option<RevisionId>) -> RollbackStart {
        let class = (0..self.last_good.len())
            .map(|i| {
                if self.unhealthy[i] {
                    HealthClass::Unhealthy
                } else if self.unknown[i] {
                    HealthClass::Unknown
                } else if self.last_good[i] == Some(revision) {
                    HealthClass::Current
                } else {
                    HealthClass::Old
                }
            })
            .collect();
        RollbackStart {
            origin,
            class,
            serving: self.serving.clone(),
            stopped: self.stopped.clone(),
            on_new_revision: self
                .installed
                .iter()
                .map(|&r| r.is_some() && r == on_revision)
                .collect(),
        }
    }

    /// The instances in service.
    fn in_service(&self) -> u32 {
        self.serving.iter().filter(|&&s| s).count() as u32
    }

    /// Each instance's earlier revisions, for a deployment (`rollback`: a rollback
    /// deployment).
    fn previous(&self, rollback: bool) -> PreviousRevisions {
        PreviousRevisions::new(self.last_good.clone(), self.most_recent.clone(), rollback)
    }

    /// §3.1: after a deployment of `revision`, each attempted instance is Healthy or
    /// Unhealthy by its own result; after an overall success, those it did not reach are
    /// Unknown and Unhealthy; an instance whose Install succeeded runs `revision`.
    fn apply(&mut self, revision: RevisionId, o: &InPlaceOutcome) {
        let install = o.order.iter().position(|&e| e == LifecycleEventName::Install);
        let succeeded = o.status == DeploymentStatus::Succeeded;
        for (i, status) in o.target_status.iter().enumerate() {
            match status {
                TargetStatus::Succeeded => {
                    self.last_good[i] = Some(revision);
                    self.most_recent[i] = Some(revision);
                    self.unhealthy[i] = false;
                    self.unknown[i] = false;
                }
                TargetStatus::Failed => {
                    self.most_recent[i] = Some(revision);
                    self.unhealthy[i] = true;
                }
                TargetStatus::Pending | TargetStatus::Skipped | TargetStatus::InProgress => {
                    if succeeded {
                        self.unhealthy[i] = true;
                        self.unknown[i] = true;
                    }
                }
            }
            let t = TargetId(i as u32);
            if install.is_some_and(|s| o.records.record(t, s).status == LifecycleEventStatus::Succeeded) {
                self.installed[i] = Some(revision);
            }
        }
        self.serving.clone_from(&o.final_serving);
        self.stopped.clone_from(&o.final_stopped);
        if succeeded {
            self.last_good_revision = Some(revision);
        }
    }
}

/// Runs `history` on the group of `ip` under `config`, with the group's automatic rollback
/// from `monitoring`; the engine's counters cover every deployment.
pub fn run(
    config: &DeploymentConfig,
    ip: &InPlace,
    monitoring: &Monitoring,
    history: &History,
    seed: u64,
) -> (HistoryRuns, RunStats) {
    let first = history.requests.first().map_or(RevisionId::INITIAL, |r| r.revision);
    let mut group = Group::new(ip, first);
    let mut alarms = monitoring
        .alarms
        .as_ref()
        .map(|c| GroupAlarms::new(c, group.in_service()));
    let mut runs = HistoryRuns {
        alarm_states: Vec::new(),
        deployments: Vec::new(),
        refusals: Vec::new(),
        final_revision: Vec::new(),
    };
    let mut stats = RunStats::NONE;
    for (k, request) in history.requests.iter().enumerate() {
        let last = runs.deployments.len().checked_sub(1);
        if let Some(refused) = runs
            .deployments
            .last()
            .zip(last)
            .and_then(|(active, i)| Refusal::if_active(request, active.outcome.complete_time, i))
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
            ip,
            monitoring,
            history,
            request,
            streams,
        };
        let user = deploy(&step, &group, alarms.as_mut(), &mut stats);
        group.apply(request.revision, &user.outcome);
        let (rb, message) = rollback(&step, &group, &user, &mut stats);
        if let (Some(a), Some(rb)) = (&mut alarms, &rb) {
            a.record(&rb.outcome.capacity);
        }
        let mut user = user;
        user.rollback_message = message;
        let index = runs.deployments.len();
        if let Some(mut rb) = rb {
            group.apply(rb.revision, &rb.outcome);
            user.rolled_back_by = Some(index + 1);
            rb.rolls_back = Some(index);
            runs.deployments.push(user);
            runs.deployments.push(rb);
        } else {
            runs.deployments.push(user);
        }
    }
    runs.final_revision = group.last_good;
    if let Some(mut a) = alarms {
        let end = runs
            .deployments
            .last()
            .map_or(SimTime::ZERO, |d| d.outcome.complete_time);
        a.evaluate_through(end);
        runs.alarm_states = a.watch.timelines;
    }
    (runs, stats)
}

/// What one step of the history (a request's deployment and its rollback) reads, beside
/// the group as it stands.
struct Step<'a> {
    config: &'a DeploymentConfig,
    ip: &'a InPlace,
    monitoring: &'a Monitoring,
    history: &'a History,
    request: &'a DeploymentRequest,
    streams: Streams,
}

/// The user deployment of the step's request, watched by the group's `alarms` (which it
/// carries on, and whose capacity series it extends).
fn deploy(step: &Step, group: &Group, alarms: Option<&mut GroupAlarms>, stats: &mut RunStats) -> HistoryDeployment {
    let Step {
        config,
        ip,
        monitoring,
        history,
        request,
        streams,
    } = *step;
    let revision = history.revision(request.revision);
    let part = InPlace {
        hooks: revision.hooks.clone(),
        faults: request.faults.clone(),
        ..ip.clone()
    };
    let watch = Monitoring {
        alarms: monitoring.alarms.clone(),
        auto_rollback: monitoring.auto_rollback,
        stop: request.stop,
        rollback_stop: None,
    };
    let start = group.start(request.revision, request.at, Some(request.revision));
    let previous = group.previous(false);
    let mut model = InPlaceDeployment::build(config, &part, &watch, streams, Some(&start), false);
    model.previous = Some(PreviousHooks::new(history, previous.clone()));
    let outcome = match alarms {
        Some(a) => {
            model.watch_from(std::mem::take(&mut a.watch), &a.series);
            stats.then(engine::run(&mut model));
            a.watch = model.take_alarms();
            let outcome = model.into_outcome();
            a.record(&outcome.capacity);
            outcome
        }
        None => {
            stats.then(engine::run(&mut model));
            model.into_outcome()
        }
    };
    HistoryDeployment {
        revision: request.revision,
        outcome,
        rolls_back: None,
        rolled_back_by: None,
        rollback_message: None,
        previous,
    }
}

/// The rollback of the user deployment `failed` of the step's request, when one is due
/// (§8), and the failed deployment's `rollbackMessage`. The rollback redeploys the group's
/// last successful revision with that revision's hooks but not the failed revision's
/// failures. CodeDeploy does not watch its alarms \[I\] (they go on being evaluated).
fn rollback(
    step: &Step,
    group: &Group,
    failed: &HistoryDeployment,
    stats: &mut RunStats,
) -> (Option<HistoryDeployment>, Option<String>) {
    let Step {
        config,
        ip,
        monitoring,
        history,
        request,
        streams,
    } = *step;
    let o = &failed.outcome;
    if o.status == DeploymentStatus::Succeeded {
        return (None, None);
    }
    if !o.rollback_requested {
        return (None, monitoring.auto_rollback.not_requested_message());
    }
    let Some(good) = group.last_good_revision else {
        return (None, Some(NO_EARLIER_REVISION.to_string()));
    };
    let touched = o
        .target_status
        .iter()
        .any(|s| matches!(s, TargetStatus::Succeeded | TargetStatus::Failed));
    if !touched {
        return (None, Some(NOTHING_DEPLOYED.to_string()));
    }
    let part = InPlace {
        hooks: history.revision(good).hooks.clone(),
        faults: request.faults.clone(),
        ..ip.clone()
    };
    let watch = Monitoring {
        alarms: None,
        auto_rollback: monitoring.auto_rollback,
        stop: None,
        rollback_stop: None,
    };
    let start = group.start(good, o.complete_time, Some(failed.revision));
    let previous = group.previous(true);
    let mut model = InPlaceDeployment::build(config, &part, &watch, streams.rollback(), Some(&start), true);
    model.previous = Some(PreviousHooks::new(history, previous.clone()));
    stats.then(engine::run(&mut model));
    let rb = HistoryDeployment {
        revision: good,
        outcome: model.into_outcome(),
        rolls_back: None,
        rolled_back_by: None,
        rollback_message: None,
        previous,
    };
    (Some(rb), Some(ROLLED_BACK.to_string()))
}
