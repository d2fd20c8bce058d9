//! A history on an EC2 blue/green group: each request becomes a deployment that installs
//! the requested revision on a new replacement fleet and reroutes traffic to it from the
//! group's fleet, one deployment after another (§6.1, §8, §11).
//!
//! Between deployments the group keeps its fleet (which instances are in service behind
//! the load balancer, which have stopped) and the revision that fleet runs. A deployment
//! starts with that fleet as its originals and a replacement fleet of new instances (as
//! many as the scenario's, new instance ids in the report, as AWS launches new instances),
//! and leaves behind:
//! - after success, the replacement fleet as the group's fleet, on the new revision; the
//!   originals are terminated (`TERMINATE`), or left running but removed from the group
//!   (`KEEP_ALIVE`, §6.1), so the next deployment does not see them;
//! - after a rollback, the originals, in service again (the rollback reroutes traffic to
//!   them while they exist, §6.1, §8), on the revision they ran;
//! - after a failure or stop without rollback, the originals as the deployment left them
//!   (some may have been deregistered) \[I\]; replacements left running are not in the
//!   group.
//!
//! A request made while the group's deployment (or its rollback) is active is refused
//! (§11) and recorded, as in place (`server::history::Refusal`); its ContinueDeployment calls
//! are answered as the API answers them (`shift_history::ContinueRefusal`).
//!
//! Each deployment is run to its end before the next request is looked at, as in place.
//!
//! Not here: one deployment's run (`super`), the reports (`report::ec2_history`).

use crate::config::DeploymentConfig;
use crate::deployment::DeploymentStatus;
use crate::engine::{self, RunStats};
use crate::platform::server::history::Refusal;
use crate::platform::shift_history::ContinueRefusal;
use crate::rng::Streams;
use crate::scenario::Monitoring;
use crate::scenario::ec2_blue_green::Ec2BlueGreen;
use crate::scenario::history::{DeploymentRequest, History, RevisionId};

use super::{Ec2BlueGreenOutcome, Ec2BlueGreenRun};

/// One user deployment of the history (with, inside its outcome, the rollback CodeDeploy
/// made of it, if any).
pub struct Ec2HistoryDeployment {
    /// The revision it deploys.
    pub revision: RevisionId,
    /// The revision the group's fleet ran when it was created: what its rollback reroutes
    /// back to.
    pub original: RevisionId,
    /// The deployment as it ran: the revision's hooks, the request's faults.
    pub spec: Ec2BlueGreen,
    /// What it left behind.
    pub outcome: Ec2BlueGreenOutcome,
    /// Its index in creation order, rollback deployments counted.
    pub created: usize,
    /// The number of the first original instance's id (the group's fleet's first id).
    pub first_original: u32,
    /// The number of the first replacement instance's id.
    pub first_replacement: u32,
}

impl Ec2HistoryDeployment {
    /// The number of the id of instance `t` of this deployment (originals first, then
    /// replacements, as in its spec).
    pub fn instance_number(&self, t: u32) -> u32 {
        let n = self.spec.originals();
        if t < n {
            self.first_original + t
        } else {
            self.first_replacement + (t - n)
        }
    }
}

/// What a history on an EC2 blue/green group left behind.
pub struct Ec2HistoryRuns {
    /// Every user deployment, in creation order.
    pub deployments: Vec<Ec2HistoryDeployment>,
    /// The refused deployment requests, in time order.
    pub refusals: Vec<Refusal>,
    /// The refused ContinueDeployment calls, in time order.
    pub refused_continues: Vec<ContinueRefusal>,
    /// The revision the group's fleet runs at the end.
    pub serving: RevisionId,
    /// The number of the first id of the group's fleet at the end.
    pub fleet: u32,
}

/// The group between deployments.
struct Group {
    revision: RevisionId,
    first_id: u32,
    serving: Vec<bool>,
    stopped: Vec<bool>,
    next_id: u32,
}

/// Runs `history` on the group of `spec` under `config`, with the group's automatic
/// rollback from `monitoring`; the engine's counters cover every deployment.
pub fn run(
    config: &DeploymentConfig,
    spec: &Ec2BlueGreen,
    monitoring: &Monitoring,
    history: &History,
    seed: u64,
) -> (Ec2HistoryRuns, RunStats) {
    assert_eq!(
        spec.originals(),
        spec.replacements(),
        "validated: a history's fleets are of one size"
    );
    let n = spec.originals() as usize;
    let classes = spec.server.fleet.health_classes();
    let mut group = Group {
        revision: RevisionId::INITIAL,
        first_id: 0,
        serving: classes.iter().map(|c| c.is_healthy()).collect(),
        stopped: vec![false; n],
        next_id: spec.originals(),
    };
    let mut runs = Ec2HistoryRuns {
        deployments: Vec::new(),
        refusals: Vec::new(),
        refused_continues: Vec::new(),
        serving: RevisionId::INITIAL,
        fleet: 0,
    };
    let mut stats = RunStats::NONE;
    let mut created = 0;
    for (k, request) in history.requests.iter().enumerate() {
        // The active one is the rollback once the user deployment has ended.
        if let Some(refused) = runs.deployments.last().and_then(|active| {
            let o = &active.outcome;
            let rolling_back = usize::from(request.at >= o.deployment.complete_time);
            let until = o.rollback.as_ref().unwrap_or(&o.deployment).complete_time;
            Refusal::if_active(request, until, active.created + rolling_back)
        }) {
            runs.refusals.push(refused);
            continue;
        }
        let streams = Streams::new(seed).deployment(k as u64);
        let d = deploy(
            config, spec, monitoring, history, &group, request, streams, created, &mut stats,
        );
        let answers = &d.outcome.continue_answers;
        runs.refused_continues
            .extend(ContinueRefusal::of(request, answers, d.created));
        group = group_after(&d, group);
        created += 1 + usize::from(d.outcome.rollback.is_some());
        runs.deployments.push(d);
    }
    runs.serving = group.revision;
    runs.fleet = group.first_id;
    (runs, stats)
}

/// The group after `d` (see the module's rules).
fn group_after(d: &Ec2HistoryDeployment, before: Group) -> Group {
    let n = d.spec.originals() as usize;
    let o = &d.outcome;
    let next_id = before.next_id + d.spec.replacements();
    if o.deployment.status == DeploymentStatus::Succeeded {
        Group {
            revision: d.revision,
            first_id: d.first_replacement,
            serving: o.serving[n..].to_vec(),
            stopped: o.stopped[n..].to_vec(),
            next_id,
        }
    } else {
        Group {
            revision: before.revision,
            first_id: before.first_id,
            serving: o.serving[..n].to_vec(),
            stopped: o.stopped[..n].to_vec(),
            next_id,
        }
    }
}

/// The deployment of `request` on `group`'s fleet.
#[allow(clippy::too_many_arguments, reason = "the parts of one step of the history")]
fn deploy(
    config: &DeploymentConfig,
    spec: &Ec2BlueGreen,
    monitoring: &Monitoring,
    history: &History,
    group: &Group,
    request: &DeploymentRequest,
    streams: Streams,
    created: usize,
    stats: &mut RunStats,
) -> Ec2HistoryDeployment {
    let mut spec = spec.clone();
    spec.server.hooks.clone_from(&history.revision(request.revision).hooks);
    spec.server.faults.clone_from(&request.faults);
    let watch = Monitoring {
        alarms: None,
        auto_rollback: monitoring.auto_rollback,
        stop: request.stop,
        rollback_stop: None,
    };
    let mut model = Ec2BlueGreenRun::with_streams(config, &spec, &watch, streams).in_history(
        request.at,
        &request.continues,
        &group.serving,
        &group.stopped,
    );
    stats.then(engine::run(&mut model));
    let outcome = model.into_outcome();
    Ec2HistoryDeployment {
        revision: request.revision,
        original: group.revision,
        spec,
        outcome,
        created,
        first_original: group.first_id,
        first_replacement: group.next_id,
    }
}
