//! One CreateDeployment: the scenario it simulates, the client actions that reached it (a
//! StopDeployment, a ContinueDeployment) with the instant each took effect, and the report
//! of the simulation with those actions scheduled. An action re-simulates the whole run
//! from the start: the core is deterministic, so everything before the action's instant is
//! unchanged, and the same actions at the same instants give the same bytes.
//!
//! Not here: how a report reads at an instant (`view.rs`).

use serde_json::Value;

use super::view::{self, Instant};
use crate::report::{DeploymentInfo, Report};
use crate::scenario::blue_green::{Reroute, ShiftTarget};
use crate::scenario::{Scenario, StopRequest, Workload};
use crate::simulation::simulate;
use crate::time::{SimDuration, SimTime};

/// A deployment and, once the simulation makes one, its rollback deployment.
pub struct Run {
    pub application: String,
    pub group: String,
    pub description: Option<String>,
    pub revision: Option<Value>,
    /// As the request or the group gave it, echoed in `deploymentInfo`.
    pub auto_rollback_configuration: Option<Value>,
    pub created: Instant,
    pub scenario: Scenario,
    pub seed: u64,
    pub report: Report,
    /// The service's deployment ids of `report.deployments`, in order.
    pub ids: Vec<String>,
}

impl Run {
    /// Simulates `scenario` from `created`.
    pub fn new(scenario: Scenario, seed: u64, created: Instant) -> Run {
        let report = simulate(&scenario, seed);
        Run {
            application: String::new(),
            group: String::new(),
            description: None,
            revision: None,
            auto_rollback_configuration: None,
            created,
            scenario,
            seed,
            report,
            ids: Vec::new(),
        }
    }

    /// Seconds since creation at `now`.
    pub fn t(&self, now: Instant) -> f64 {
        now.saturating_sub(self.created) as f64 / 1000.0
    }

    /// The report's deployment `index`.
    pub fn deployment(&self, index: usize) -> &DeploymentInfo {
        &self.report.deployments[index]
    }

    /// When the last deployment of the run (the rollback, if any) completes.
    pub fn end(&self) -> Instant {
        let last = self.report.deployments.last().expect("a report has its deployment");
        view::at(self.created, last.complete_time)
    }

    /// Whether the run has a deployment still going at `now`.
    pub fn busy(&self, now: Instant) -> bool {
        now < self.end()
    }

    /// StopDeployment at `now`: re-simulates with the stop scheduled.
    pub fn stop(&mut self, now: Instant, auto_rollback_enabled: Option<bool>) {
        self.scenario.monitoring.stop = Some(StopRequest {
            at: SimTime::from_millis(now - self.created),
            auto_rollback_enabled,
        });
        self.report = simulate(&self.scenario, self.seed);
    }

    /// ContinueDeployment at `now`, in a ready wait: re-simulates with the wait ending then.
    pub fn continue_now(&mut self, now: Instant) {
        let t = self.t(now);
        let mut wait = self.report.deployments.iter().flat_map(|d| &d.phases);
        let Some(ready) = wait.find(|p| p.name == "ready" && p.start_time <= t && t < p.end_time) else {
            return;
        };
        let after = SimDuration::from_millis(now - view::at(self.created, ready.start_time));
        let reroute = match &mut self.scenario.workload {
            Workload::BlueGreen(bg) => match &mut bg.target {
                ShiftTarget::Ecs(ecs) => Some(&mut ecs.reroute),
                ShiftTarget::Lambda(_) => None,
            },
            Workload::Ec2BlueGreen(ec2) => Some(&mut ec2.reroute),
            Workload::InPlace(_) => None,
        };
        if let Some(Reroute::WaitForContinue { continue_after, .. }) = reroute {
            *continue_after = Some(after);
            self.report = simulate(&self.scenario, self.seed);
        }
    }

    /// The first instant from `now` on at which the run waits for a client (a ready wait
    /// for ContinueDeployment), if any: `--speed max` stops there.
    pub fn next_wait(&self, now: Instant) -> Option<Instant> {
        let waits = self.report.deployments.iter().flat_map(|d| &d.phases);
        waits
            .filter(|p| p.name == "ready" && view::at(self.created, p.end_time) > now)
            .map(|p| view::at(self.created, p.start_time).max(now))
            .min()
    }
}
