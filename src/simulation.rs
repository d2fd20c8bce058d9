//! Running a scenario: the engine, the platform model and the report, put together.
//!
//! This is the library's front door: `simulate(&scenario, seed)` is all a test, a bench or
//! the CLI needs.

use crate::deployment::DeploymentStatus;
use crate::deployment::TargetStatus;
use crate::engine;
use crate::platform::ec2_blue_green::{Ec2BlueGreenOutcome, Ec2BlueGreenRun};
use crate::platform::server::{InPlaceDeployment, InPlaceOutcome, RollbackStart};
use crate::platform::traffic_shift::{BlueGreenOutcome, BlueGreenRun};
use crate::report::{self, Report};
use crate::scenario::{InPlace, Monitoring, Scenario, Workload};
use crate::time::SimTime;

/// A finished run: the raw outcome and the engine's counters.
pub struct Run {
    pub outcome: Outcome,
    pub stats: engine::RunStats,
}

/// The raw outcome, by platform (one per run: the size difference costs nothing).
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    InPlace(InPlaceRuns),
    BlueGreen(BlueGreenOutcome),
    Ec2BlueGreen(Ec2BlueGreenOutcome),
}

/// An in-place deployment and, if one was made, its rollback deployment (§8).
pub struct InPlaceRuns {
    pub deployment: InPlaceOutcome,
    pub rollback: Option<InPlaceOutcome>,
    /// Why it was or was not rolled back, when a rollback was asked for.
    pub rollback_message: Option<String>,
}

impl Outcome {
    pub fn status(&self) -> DeploymentStatus {
        match self {
            Outcome::InPlace(o) => o.deployment.status,
            Outcome::BlueGreen(o) => o.status,
            Outcome::Ec2BlueGreen(o) => o.deployment.status,
        }
    }

    pub fn complete_time(&self) -> SimTime {
        match self {
            Outcome::InPlace(o) => o.rollback.as_ref().unwrap_or(&o.deployment).complete_time,
            Outcome::BlueGreen(o) => o.complete_time,
            Outcome::Ec2BlueGreen(o) => o.rollback.as_ref().unwrap_or(&o.deployment).complete_time,
        }
    }
}

/// Runs the scenario's deployment to its end.
pub fn run(scenario: &Scenario, seed: u64) -> Run {
    match &scenario.workload {
        Workload::InPlace(ip) => {
            let config = &scenario.deployment_config;
            let mut model = InPlaceDeployment::new(config, ip, &scenario.monitoring, seed);
            let mut stats = engine::run(&mut model);
            let deployment = model.into_outcome();
            let (rollback, rollback_message) = match rollback_from(ip, &scenario.monitoring, &deployment) {
                Err(message) => (None, message),
                Ok(from) => {
                    let mut rb = InPlaceDeployment::rollback(config, ip, &scenario.monitoring, seed, from);
                    let more = engine::run(&mut rb);
                    stats.events += more.events;
                    stats.end = more.end;
                    let message = "Rolled back: the last good revision was redeployed.".to_string();
                    (Some(rb.into_outcome()), Some(message))
                }
            };
            Run {
                outcome: Outcome::InPlace(InPlaceRuns {
                    deployment,
                    rollback,
                    rollback_message,
                }),
                stats,
            }
        }
        Workload::BlueGreen(bg) => {
            let mut model = BlueGreenRun::new(bg, &scenario.monitoring, seed);
            let stats = engine::run(&mut model);
            Run {
                outcome: Outcome::BlueGreen(model.into_outcome()),
                stats,
            }
        }
        Workload::Ec2BlueGreen(bg) => {
            let mut model = Ec2BlueGreenRun::new(&scenario.deployment_config, bg, &scenario.monitoring, seed);
            let stats = engine::run(&mut model);
            Run {
                outcome: Outcome::Ec2BlueGreen(model.into_outcome()),
                stats,
            }
        }
    }
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
        return Err(Some(
            "The deployment cannot be rolled back: the deployment group has no earlier successful revision."
                .to_string(),
        ));
    }
    let touched = d
        .target_status
        .iter()
        .any(|s| matches!(s, TargetStatus::Succeeded | TargetStatus::Failed));
    if !touched {
        return Err(Some(
            "Nothing was deployed, so there is nothing to roll back.".to_string(),
        ));
    }
    Ok(RollbackStart::from_outcome(d))
}

/// Runs the scenario and builds its report.
pub fn simulate(scenario: &Scenario, seed: u64) -> Report {
    let r = run(scenario, seed);
    match r.outcome {
        Outcome::InPlace(o) => report::in_place::build(scenario, seed, o, r.stats.events),
        Outcome::BlueGreen(o) => report::blue_green::build(scenario, seed, &o, r.stats.events),
        Outcome::Ec2BlueGreen(o) => report::ec2_blue_green::build(scenario, seed, &o, r.stats.events),
    }
}
