//! One CreateDeployment: the scenario it simulates, the client actions that reached it (a
//! StopDeployment, a ContinueDeployment) with the instant each took effect, and the report
//! of the simulation with those actions scheduled. An action re-simulates the whole run
//! from the start: the core is deterministic, so everything before the action's instant is
//! unchanged, and the same actions at the same instants give the same bytes.
//!
//! Not here: how a report reads at an instant (`view.rs`).

use serde_json::Value;

use super::error::ApiError;
use super::view::{self, Instant};
use crate::lifecycle::LifecycleEventName;
use crate::lifecycle::hook::DurationModel;
use crate::report::{DeploymentInfo, Report};
use crate::scenario::blue_green::{Reroute, ShiftTarget};
use crate::scenario::ec2_blue_green::BlueTermination;
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
    /// Hook functions answered by the user's code (`external` in the scenario).
    pub hooks: Vec<ExternalHook>,
    /// A client's StopDeployment reached the deployment.
    pub stopped_by_client: bool,
}

/// A hook function whose status the user's code reports.
pub struct ExternalHook {
    pub event: LifecycleEventName,
    pub url: String,
    pub execution_id: String,
    /// The invocation was handed to the HTTP edge to send.
    pub sent: bool,
    /// PutLifecycleEventHookExecutionStatus came, and was simulated.
    pub answered: bool,
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
            hooks: Vec::new(),
            stopped_by_client: false,
        }
    }

    /// The scenario's external hook functions (ECS, Lambda), made to wait for the user's
    /// answer: until it comes, the simulation has them time out after one hour.
    pub fn external_hooks(scenario: &mut Scenario) -> Vec<(LifecycleEventName, String)> {
        let Workload::BlueGreen(bg) = &mut scenario.workload else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (event, hook) in &mut bg.hooks {
            if let Some(url) = &hook.external {
                hook.never_reports = true;
                out.push((*event, url.clone()));
            }
        }
        out
    }

    /// When the hook's lifecycle event starts and ends in the current report, if it runs.
    pub fn hook_window(&self, event: LifecycleEventName) -> Option<(Instant, Instant)> {
        let target = self.deployment(0).targets.first()?;
        let e = target
            .lifecycle_events
            .iter()
            .find(|e| e.lifecycle_event_name == event.as_str())?;
        Some((
            view::at(self.created, e.start_time?),
            view::at(self.created, e.end_time?),
        ))
    }

    /// External hooks invoked and not answered at `now`, by index.
    fn awaited(&self, now: Instant) -> impl Iterator<Item = usize> + '_ {
        (0..self.hooks.len()).filter(move |&i| {
            !self.hooks[i].answered
                && self
                    .hook_window(self.hooks[i].event)
                    .is_some_and(|(start, end)| start <= now && now < end)
        })
    }

    /// The invocations due at `now` and not yet sent: (url, payload); marks them sent.
    pub fn due_invocations(&mut self, now: Instant) -> Vec<(String, String)> {
        let due: Vec<usize> = self.awaited(now).filter(|&i| !self.hooks[i].sent).collect();
        due.into_iter()
            .map(|i| {
                self.hooks[i].sent = true;
                let payload = serde_json::json!({"DeploymentId": self.ids[0], "LifecycleEventHookExecutionId": self.hooks[i].execution_id});
                (self.hooks[i].url.clone(), payload.to_string())
            })
            .collect()
    }

    /// PutLifecycleEventHookExecutionStatus at `now`: the hook reported after
    /// `now − start`; re-simulates with that duration and outcome.
    pub fn answer_hook(&mut self, now: Instant, execution_id: &str, failed: bool) -> Result<(), ApiError> {
        let Some(i) = self.hooks.iter().position(|h| h.execution_id == execution_id) else {
            let message = format!(
                "No lifecycle event hook execution {execution_id} in deployment {}",
                self.ids[0]
            );
            return Err(ApiError::new("InvalidLifecycleEventHookExecutionIdException", message));
        };
        if !self.awaited(now).any(|j| j == i) {
            let message = format!("The lifecycle event of hook execution {execution_id} is not waiting for a status");
            return Err(ApiError::new("LifecycleEventAlreadyCompletedException", message));
        }
        let (start, _) = self.hook_window(self.hooks[i].event).expect("awaited hooks run");
        let event = self.hooks[i].event;
        if let Workload::BlueGreen(bg) = &mut self.scenario.workload
            && let Some(hook) = bg.hooks.get_mut(&event)
        {
            hook.never_reports = false;
            hook.duration = DurationModel::Fixed(SimDuration::from_millis(now - start));
            hook.failure_probability = if failed { 1.0 } else { 0.0 };
        }
        self.hooks[i].answered = true;
        self.report = simulate(&self.scenario, self.seed);
        Ok(())
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
    /// A second StopDeployment changes nothing: the first one's instant stands, so nothing
    /// before it is re-simulated differently.
    pub fn stop(&mut self, now: Instant, auto_rollback_enabled: Option<bool>) {
        if self.stopped_by_client {
            return;
        }
        self.stopped_by_client = true;
        self.scenario.monitoring.stop = Some(StopRequest {
            at: SimTime::from_millis(now - self.created),
            auto_rollback_enabled,
        });
        self.report = simulate(&self.scenario, self.seed);
    }

    /// StopDeployment on the running rollback deployment at `now`: re-simulates with the
    /// rollback stopped then (it does not roll back again). False where the core does not
    /// model stopping a rollback (ECS and Lambda, whose rollbacks complete at once).
    pub fn stop_rollback(&mut self, now: Instant) -> bool {
        if matches!(self.scenario.workload, Workload::BlueGreen(_)) {
            return false;
        }
        if self.scenario.monitoring.rollback_stop.is_some() {
            return true; // a second stop changes nothing, as for the deployment
        }
        self.scenario.monitoring.rollback_stop = Some(SimTime::from_millis(now - self.created));
        self.report = simulate(&self.scenario, self.seed);
        true
    }

    /// The phase (`ready`, `terminationWait`) going on at `now`, with its start.
    fn phase_at(&self, name: &str, now: Instant) -> Option<Instant> {
        let t = self.t(now);
        let mut phases = self.report.deployments.iter().flat_map(|d| &d.phases);
        let p = phases.find(|p| p.name == name && p.start_time <= t && t < p.end_time)?;
        Some(view::at(self.created, p.start_time))
    }

    /// Whether the run is in the termination wait at `now`.
    pub fn in_termination_wait(&self, now: Instant) -> bool {
        self.phase_at("terminationWait", now).is_some()
    }

    /// ContinueDeployment at `now`: the ready wait (`termination` false) or the termination
    /// wait ends then; re-simulates with that wait's length. False when there is no such
    /// wait going on that the scenario can shorten.
    pub fn continue_now(&mut self, now: Instant, termination: bool) -> bool {
        let Some(start) = self.phase_at(if termination { "terminationWait" } else { "ready" }, now) else {
            return false;
        };
        let waited = SimDuration::from_millis(now - start);
        let changed = match (&mut self.scenario.workload, termination) {
            (Workload::BlueGreen(bg), false) => match &mut bg.target {
                ShiftTarget::Ecs(ecs) => set_continue(&mut ecs.reroute, waited),
                ShiftTarget::Lambda(_) => false,
            },
            (Workload::Ec2BlueGreen(ec2), false) => set_continue(&mut ec2.reroute, waited),
            (Workload::BlueGreen(bg), true) => match &mut bg.target {
                ShiftTarget::Ecs(ecs) => {
                    ecs.termination_wait = waited;
                    true
                }
                ShiftTarget::Lambda(_) => false,
            },
            (Workload::Ec2BlueGreen(ec2), true) => match &mut ec2.blue_termination {
                BlueTermination::Terminate { wait } => {
                    *wait = waited;
                    true
                }
                BlueTermination::KeepAlive => false,
            },
            (Workload::InPlace(_), _) => false,
        };
        if changed {
            self.report = simulate(&self.scenario, self.seed);
        }
        changed
    }

    /// The first instant from `now` on at which the run waits for a client (a ready wait
    /// for ContinueDeployment, an external hook's status), if any: `--speed max` stops there.
    pub fn next_wait(&self, now: Instant) -> Option<Instant> {
        let phases = self.report.deployments.iter().flat_map(|d| &d.phases);
        let ready = phases
            .filter(|p| p.name == "ready")
            .map(|p| (view::at(self.created, p.start_time), view::at(self.created, p.end_time)));
        let hooks = self
            .hooks
            .iter()
            .filter(|h| !h.answered)
            .filter_map(|h| self.hook_window(h.event));
        ready
            .chain(hooks)
            .filter(|&(_, end)| end > now)
            .map(|(start, _)| start.max(now))
            .min()
    }
}

/// A ready wait's ContinueDeployment after `waited`.
fn set_continue(reroute: &mut Reroute, waited: SimDuration) -> bool {
    match reroute {
        Reroute::WaitForContinue { continue_after, .. } => {
            *continue_after = Some(waited);
            true
        }
        Reroute::Immediately => false,
    }
}
