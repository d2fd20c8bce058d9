//! Running a scenario: the engine, the platform model and the report, put together.
//!
//! This is the library's front door: `simulate(&scenario, seed)` is all a test, a bench or
//! the CLI needs.

use crate::deployment::DeploymentStatus;
use crate::engine;
use crate::platform::ec2_blue_green::history::{self as ec2_history, Ec2HistoryRuns};
use crate::platform::ec2_blue_green::{Ec2BlueGreenOutcome, Ec2BlueGreenRun};
use crate::platform::server::history::HistoryRuns;
use crate::platform::server::{self, InPlaceRuns};
use crate::platform::shift_history::{self, ShiftHistoryRuns};
use crate::platform::traffic_shift::{BlueGreenOutcome, BlueGreenRun};
use crate::report::{self, Report};
use crate::scenario::{Scenario, Workload};
use crate::time::SimTime;

/// A finished run: the raw outcome and the engine's counters.
pub struct Run {
    /// What the deployment (and its rollback) left behind.
    pub outcome: Outcome,
    /// The engine's counters over the whole run.
    pub stats: engine::RunStats,
}

/// The raw outcome, by platform (one per run: the size difference costs nothing).
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// EC2/on-premises in place: the deployment and its rollback deployment, if one was made.
    InPlace(InPlaceRuns),
    /// ECS or Lambda blue/green.
    BlueGreen(BlueGreenOutcome),
    /// EC2 blue/green.
    Ec2BlueGreen(Ec2BlueGreenOutcome),
    /// An in-place group's history: every deployment, in creation order.
    History(HistoryRuns),
    /// An ECS or Lambda group's history: every user deployment, in creation order.
    ShiftHistory(ShiftHistoryRuns),
    /// An EC2 blue/green group's history: every user deployment, in creation order.
    Ec2History(Ec2HistoryRuns),
}

impl Outcome {
    /// The deployment's final status (of a history: its last user deployment's).
    pub fn status(&self) -> DeploymentStatus {
        match self {
            Outcome::History(h) => h
                .deployments
                .iter()
                .rev()
                .find(|d| d.rolls_back.is_none())
                .map_or(DeploymentStatus::Created, |d| d.outcome.status),
            Outcome::ShiftHistory(h) => h
                .deployments
                .last()
                .map_or(DeploymentStatus::Created, |d| d.outcome.status),
            Outcome::Ec2History(h) => h
                .deployments
                .last()
                .map_or(DeploymentStatus::Created, |d| d.outcome.deployment.status),
            Outcome::InPlace(o) => o.deployment.status,
            Outcome::BlueGreen(o) => o.status,
            Outcome::Ec2BlueGreen(o) => o.deployment.status,
        }
    }

    /// When the run ended: the end of the rollback deployment when there was one.
    pub fn complete_time(&self) -> SimTime {
        match self {
            Outcome::InPlace(o) => o.rollback.as_ref().unwrap_or(&o.deployment).complete_time,
            Outcome::BlueGreen(o) => o.complete_time,
            Outcome::Ec2BlueGreen(o) => o.rollback.as_ref().unwrap_or(&o.deployment).complete_time,
            Outcome::History(h) => h.deployments.last().map_or(SimTime::ZERO, |d| d.outcome.complete_time),
            Outcome::ShiftHistory(h) => h.deployments.last().map_or(SimTime::ZERO, |d| d.outcome.complete_time),
            Outcome::Ec2History(h) => h.deployments.last().map_or(SimTime::ZERO, |d| {
                d.outcome
                    .rollback
                    .as_ref()
                    .unwrap_or(&d.outcome.deployment)
                    .complete_time
            }),
        }
    }
}

/// Runs the scenario's deployment to its end.
pub fn run(scenario: &Scenario, seed: u64) -> Run {
    match (&scenario.workload, &scenario.history) {
        (Workload::InPlace(ip), Some(history)) => {
            let (runs, stats) =
                server::history::run(&scenario.deployment_config, ip, &scenario.monitoring, history, seed);
            Run {
                outcome: Outcome::History(runs),
                stats,
            }
        }
        (Workload::BlueGreen(bg), Some(history)) => {
            let (runs, stats) =
                shift_history::run(&scenario.deployment_config, bg, &scenario.monitoring, history, seed);
            Run {
                outcome: Outcome::ShiftHistory(runs),
                stats,
            }
        }
        (Workload::Ec2BlueGreen(bg), Some(history)) => {
            let (runs, stats) = ec2_history::run(&scenario.deployment_config, bg, &scenario.monitoring, history, seed);
            Run {
                outcome: Outcome::Ec2History(runs),
                stats,
            }
        }
        _ => run_one(scenario, seed),
    }
}

/// Runs the scenario's one deployment (and its rollback) to its end.
fn run_one(scenario: &Scenario, seed: u64) -> Run {
    match &scenario.workload {
        Workload::InPlace(ip) => {
            let (runs, stats) = server::run(&scenario.deployment_config, ip, &scenario.monitoring, seed);
            Run {
                outcome: Outcome::InPlace(runs),
                stats,
            }
        }
        Workload::BlueGreen(bg) => {
            let mut model = BlueGreenRun::new(&scenario.deployment_config, bg, &scenario.monitoring, seed);
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

/// Runs the scenario and builds its report.
pub fn simulate(scenario: &Scenario, seed: u64) -> Report {
    let r = run(scenario, seed);
    match r.outcome {
        Outcome::InPlace(o) => report::in_place::build(scenario, seed, o, r.stats.events),
        Outcome::BlueGreen(o) => report::blue_green::build(scenario, seed, &o, r.stats.events),
        Outcome::Ec2BlueGreen(o) => report::ec2_blue_green::build(scenario, seed, &o, r.stats.events),
        Outcome::History(h) => report::history::build(scenario, seed, h, r.stats.events),
        Outcome::ShiftHistory(h) => report::shift_history::build(scenario, seed, &h, r.stats.events),
        Outcome::Ec2History(h) => report::ec2_history::build(scenario, seed, &h, r.stats.events),
    }
}
