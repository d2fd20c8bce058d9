//! The in-place rollback (§8): whether a failed or stopped deployment is rolled back, where
//! the rollback deployment starts, and the run of both deployments one after the other.
//!
//! EC2 blue/green, ECS and Lambda roll back inside their own run; an in-place rollback is a
//! second run of the same model, starting from the first one's end state. A client's
//! StopDeployment of the rollback (`Monitoring::rollback_stop`) stops it as a stop stops a
//! deployment, and is never rolled back in turn.
//!
//! Not here: how the rollback deployment walks the fleet (`super`, with `is_rollback`).

use crate::config::DeploymentConfig;
use crate::deployment::{DeploymentStatus, TargetStatus};
use crate::engine::{self, RunStats};
use crate::rng::Streams;
use crate::scenario::{HealthClass, InPlace, Monitoring};
use crate::time::SimTime;

use super::{InPlaceDeployment, InPlaceOutcome};

/// `rollbackMessage` of a deployment rolled back.
pub(super) const ROLLED_BACK: &str = "Rolled back: the last good revision was redeployed.";
/// `rollbackMessage` when the group never had a successful revision (§8).
pub(super) const NO_EARLIER_REVISION: &str =
    "The deployment cannot be rolled back: the deployment group has no earlier successful revision.";
/// `rollbackMessage` when the deployment changed no instance.
pub(super) const NOTHING_DEPLOYED: &str = "Nothing was deployed, so there is nothing to roll back.";

/// An in-place deployment and, if one was made, its rollback deployment (§8).
pub struct InPlaceRuns {
    /// The deployment.
    pub deployment: InPlaceOutcome,
    /// Its rollback deployment, if one was made.
    pub rollback: Option<InPlaceOutcome>,
    /// Why it was or was not rolled back, when a rollback was asked for.
    pub rollback_message: Option<String>,
}

/// Runs the in-place deployment to its end and then, when one is due, its rollback
/// deployment; the engine's counters cover both.
pub fn run(config: &DeploymentConfig, ip: &InPlace, monitoring: &Monitoring, seed: u64) -> (InPlaceRuns, RunStats) {
    let mut model = InPlaceDeployment::new(config, ip, monitoring, seed);
    let mut stats = engine::run(&mut model);
    let deployment = model.into_outcome();
    let (rollback, rollback_message) = match rollback_from(ip, monitoring, &deployment) {
        Err(message) => (None, message),
        Ok(from) => {
            let mut rb = InPlaceDeployment::rollback(config, ip, monitoring, seed, from);
            let more = engine::run(&mut rb);
            stats.events += more.events;
            stats.end = more.end;
            (Some(rb.into_outcome()), Some(ROLLED_BACK.to_string()))
        }
    };
    let runs = InPlaceRuns {
        deployment,
        rollback,
        rollback_message,
    };
    (runs, stats)
}

/// Where an in-place rollback starts, or why there is none (`Err(None)`: none was asked
/// for). §8: a rollback redeploys the last good revision; with no earlier successful
/// deployment (a first deployment) or nothing deployed yet, there is nothing to roll back.
fn rollback_from(ip: &InPlace, monitoring: &Monitoring, d: &InPlaceOutcome) -> Result<RollbackStart, Option<String>> {
    if d.status == DeploymentStatus::Succeeded {
        return Err(None);
    }
    if !d.rollback_requested {
        return Err(monitoring.auto_rollback.not_requested_message());
    }
    if ip.fleet.first_deployment {
        return Err(Some(NO_EARLIER_REVISION.to_string()));
    }
    let touched = d
        .target_status
        .iter()
        .any(|s| matches!(s, TargetStatus::Succeeded | TargetStatus::Failed));
    if !touched {
        return Err(Some(NOTHING_DEPLOYED.to_string()));
    }
    Ok(RollbackStart::from_outcome(d))
}

/// Where a rollback deployment starts from: the failed deployment's end state.
#[derive(Clone, Debug)]
pub struct RollbackStart {
    /// When the rollback deployment is created: when the failed one ended.
    pub origin: SimTime,
    /// Each instance's health class, in the rollback's priority order.
    pub class: Vec<HealthClass>,
    /// Each instance in service.
    pub serving: Vec<bool>,
    /// Each instance stopped.
    pub stopped: Vec<bool>,
    /// Each instance on the new revision.
    pub on_new_revision: Vec<bool>,
}

impl RollbackStart {
    /// The rollback redeploys the last good revision to every instance (§8 \[I\]): those that
    /// failed first (Unhealthy), then those now on the bad revision, then those never
    /// touched, which already run the good one (Current).
    pub fn from_outcome(o: &InPlaceOutcome) -> RollbackStart {
        let class = o
            .target_status
            .iter()
            .map(|s| match s {
                TargetStatus::Failed => HealthClass::Unhealthy,
                TargetStatus::Succeeded | TargetStatus::InProgress => HealthClass::Old,
                TargetStatus::Pending | TargetStatus::Skipped => HealthClass::Current,
            })
            .collect();
        RollbackStart {
            origin: o.complete_time,
            class,
            serving: o.final_serving.clone(),
            stopped: o.final_stopped.clone(),
            on_new_revision: o.final_on_new_revision.clone(),
        }
    }
}

impl<'s> InPlaceDeployment<'s> {
    /// A rollback deployment (§8), starting where the failed deployment ended.
    pub fn rollback(
        config: &'s DeploymentConfig,
        scenario: &'s InPlace,
        monitoring: &'s Monitoring,
        seed: u64,
        from: RollbackStart,
    ) -> Self {
        Self::build(
            config,
            scenario,
            monitoring,
            Streams::new(seed).rollback(),
            Some(&from),
            true,
        )
    }
}
