//! Deployments: Create (refused while the group has one in progress), Get, BatchGet, List,
//! Stop, Continue, their targets, and PutLifecycleEventHookExecutionStatus.
//!
//! A revision is bad when the deployment's `description` contains `[bad-revision]`, so a
//! client can ship a bad revision on purpose and watch the failure and its rollback. What
//! "bad" does is the group's scenario's `faultModel.badRevision` when it has one (certain
//! rather than drawn), else cdsim's default for the platform ([`bad_revision`]).
//!
//! Not here: how a report reads at an instant (`view.rs`).

use serde_json::{Map, Value, json};

use super::error::{self, ApiError};
use super::groups::auto_rollback;
use super::paginate;
use super::request;
use super::run::{ExternalHook, Run};
use super::service::Service;
use super::view::{self, Instant, epoch_seconds};
use crate::lifecycle::LifecycleEventName;
use crate::scenario::blue_green::ShiftTarget;
use crate::scenario::fault_model::{self, BadRevision, FaultModel};
use crate::scenario::{Scenario, Workload, work};
use crate::traffic::VersionBehaviour;

/// The mark in a deployment's description that ships a bad revision.
pub const BAD_REVISION_MARK: &str = "[bad-revision]";

impl Service {
    pub(super) fn create_deployment(&mut self, r: request::CreateDeployment, now: Instant) -> Result<Value, ApiError> {
        let (app, name, group) = self.group(r.application_name.clone(), r.deployment_group_name.clone())?;
        let mut scenario = group.scenario.clone();
        let mut rollback_echo = group.settings.auto_rollback_configuration.clone();
        if let Some(busy) = self
            .runs
            .iter()
            .find(|run| run.application == app && run.group == name && run.busy(now))
        {
            let active = &busy.ids[busy.ids.len() - 1];
            return Err(ApiError::new(
                crate::deployment::DEPLOYMENT_LIMIT_EXCEEDED,
                crate::deployment::already_active_message(&name, active),
            ));
        }
        if let Some(config) = &r.deployment_config_name {
            scenario.deployment_config = self.config(config)?;
        }
        if let Some(a) = &r.auto_rollback_configuration {
            scenario.monitoring.auto_rollback = auto_rollback(a)?;
            rollback_echo =
                Some(json!({"enabled": a.enabled.unwrap_or(false), "events": a.events.clone().unwrap_or_default()}));
        }
        if let Some(ignore) = r.ignore_application_stop_failures
            && let Workload::InPlace(ip) = &mut scenario.workload
        {
            ip.ignore_application_stop_failures = ignore;
        }
        let seed = self.seed.wrapping_add(self.runs.len() as u64);
        if r.description.as_deref().is_some_and(|d| d.contains(BAD_REVISION_MARK)) {
            ship_bad_revision(&mut scenario, seed);
        }
        self.admit(&scenario)?;
        let external = Run::external_hooks(&mut scenario);
        let mut run = Run::new(scenario, seed, now);
        for (event, url) in external {
            let execution_id = self.new_uuid();
            run.hooks.push(ExternalHook {
                event,
                url,
                execution_id,
                sent: false,
                answered: false,
            });
        }
        run.application = app;
        run.group = name;
        run.description = r.description;
        run.revision = r.revision;
        run.auto_rollback_configuration = rollback_echo;
        self.runs.push(run);
        let index = self.runs.len() - 1;
        self.name_deployments(index);
        Ok(json!({"deploymentId": self.runs[index].ids[0]}))
    }

    /// Refuses a deployment whose simulation (made now, when it is created) would do more
    /// work than one run may (`scenario::work`'s budget, README.md "Limits") or need more
    /// memory than the endpoint had when it started: `DeploymentLimitExceededException`,
    /// saying which limit and why, instead of holding the endpoint for minutes or aborting.
    fn admit(&self, scenario: &Scenario) -> Result<(), ApiError> {
        let refuse = |why: String| {
            ApiError::new(
                crate::deployment::DEPLOYMENT_LIMIT_EXCEEDED,
                format!(
                    "cdsim simulates a deployment when it is created, and this one is beyond what a simulation may do: {why}"
                ),
            )
        };
        work::within_budget(scenario, &scenario.deployment_config).map_err(|e| refuse(e.to_string()))?;
        let need = work::memory_needed(scenario);
        match self.memory_limit {
            Some(limit) if need > limit => Err(refuse(format!(
                "it needs about {} MiB to simulate, but the endpoint had {} MiB when it started; choose a \
                 configuration that deploys faster or, for ECS and Lambda, serve a scenario with a longer \
                 traffic.metricPeriod",
                need >> 20,
                limit >> 20
            ))),
            _ => Ok(()),
        }
    }

    /// Gives every deployment of a run's report a service id (a rollback gets one when the
    /// simulation first makes it).
    fn name_deployments(&mut self, index: usize) {
        while self.runs[index].ids.len() < self.runs[index].report.deployments.len() {
            let id = self.new_deployment_id();
            let k = self.runs[index].ids.len();
            self.deployment_ids.insert(id.clone(), (index, k));
            self.runs[index].ids.push(id);
        }
    }

    /// The deployment with this id, visible at `now`: (run, index in its report).
    fn find(&self, id: Option<String>, now: Instant) -> Result<(usize, usize), ApiError> {
        let id = id
            .filter(|i| !i.is_empty())
            .ok_or_else(|| error::required("DeploymentIdRequiredException", "deploymentId"))?;
        match self.deployment_ids.get(&id) {
            Some(&(run, k)) if view::at(self.runs[run].created, self.runs[run].deployment(k).create_time) <= now => {
                Ok((run, k))
            }
            _ => Err(ApiError::new(
                "DeploymentDoesNotExistException",
                format!("The deployment {id} could not be found"),
            )),
        }
    }

    /// `deploymentInfo` of deployment `k` of run `index` at `now`.
    pub fn deployment_info(&self, index: usize, k: usize, now: Instant) -> Value {
        let run = &self.runs[index];
        let d = run.deployment(k);
        let t = run.t(now);
        let status = view::deployment_status(d, t);
        let mut m = Map::new();
        m.insert("applicationName".into(), json!(run.application));
        m.insert("deploymentGroupName".into(), json!(run.group));
        m.insert("deploymentConfigName".into(), json!(d.deployment_config_name));
        m.insert("deploymentId".into(), json!(run.ids[k]));
        if let Some(rev) = &run.revision {
            m.insert("revision".into(), rev.clone());
        }
        m.insert("status".into(), json!(status));
        let complete = t >= d.complete_time;
        if let Some(e) = d.error_information.as_ref().filter(|_| complete) {
            m.insert("errorInformation".into(), json!({"code": e.code, "message": e.message}));
        }
        m.insert("createTime".into(), epoch_seconds(view::at(run.created, d.create_time)));
        m.insert("startTime".into(), epoch_seconds(view::at(run.created, d.start_time)));
        if complete {
            m.insert(
                "completeTime".into(),
                epoch_seconds(view::at(run.created, d.complete_time)),
            );
        }
        m.insert("deploymentOverview".into(), view::overview(d, t));
        if let Some(desc) = run.description.as_ref().filter(|_| k == 0) {
            m.insert("description".into(), json!(desc));
        }
        m.insert("creator".into(), json!(d.creator));
        m.insert(
            "ignoreApplicationStopFailures".into(),
            json!(d.ignore_application_stop_failures),
        );
        if let Some(a) = &run.auto_rollback_configuration {
            m.insert("autoRollbackConfiguration".into(), a.clone());
        }
        m.insert("updateOutdatedInstancesOnly".into(), json!(false));
        if let Some(info) = self.rollback_info(index, k, t) {
            m.insert("rollbackInfo".into(), info);
        }
        m.insert(
            "deploymentStyle".into(),
            serde_json::to_value(&d.deployment_style).expect("serializes"),
        );
        if let Some(started) = d.instance_termination_wait_time_started.filter(|_| complete) {
            m.insert("instanceTerminationWaitTimeStarted".into(), json!(started));
        }
        m.insert("fileExistsBehavior".into(), json!("DISALLOW"));
        m.insert("deploymentStatusMessages".into(), json!([]));
        m.insert("computePlatform".into(), json!(d.compute_platform));
        Value::Object(m)
    }

    /// `rollbackInfo` at `t`, with the service's ids.
    fn rollback_info(&self, index: usize, k: usize, t: f64) -> Option<Value> {
        let run = &self.runs[index];
        let d = run.deployment(k);
        let info = d.rollback_info.as_ref()?;
        let mut m = Map::new();
        if info.rollback_deployment_id.is_some()
            && run.report.deployments.get(k + 1).is_some_and(|r| r.create_time <= t)
        {
            m.insert("rollbackDeploymentId".into(), json!(run.ids[k + 1]));
        }
        if info.rollback_triggering_deployment_id.is_some() && k > 0 {
            m.insert("rollbackTriggeringDeploymentId".into(), json!(run.ids[k - 1]));
        }
        if let Some(message) = info.rollback_message.as_ref().filter(|_| t >= d.complete_time) {
            m.insert("rollbackMessage".into(), json!(message));
        }
        (!m.is_empty()).then_some(Value::Object(m))
    }

    pub(super) fn get_deployment(&mut self, r: request::DeploymentId, now: Instant) -> Result<Value, ApiError> {
        let (run, k) = self.find(r.deployment_id, now)?;
        Ok(json!({"deploymentInfo": self.deployment_info(run, k, now)}))
    }

    pub(super) fn batch_get_deployments(
        &mut self,
        r: request::BatchGetDeployments,
        now: Instant,
    ) -> Result<Value, ApiError> {
        let ids = r
            .deployment_ids
            .ok_or_else(|| error::required("DeploymentIdRequiredException", "deploymentIds"))?;
        let infos: Vec<Value> = ids
            .into_iter()
            .filter_map(|id| self.find(Some(id), now).ok())
            .map(|(run, k)| self.deployment_info(run, k, now))
            .collect();
        Ok(json!({"deploymentsInfo": infos}))
    }

    pub(super) fn list_deployments(&mut self, r: request::ListDeployments, now: Instant) -> Result<Value, ApiError> {
        let app = match r.application_name {
            Some(a) => Some(self.application(Some(a))?.0),
            None if r.deployment_group_name.is_some() => {
                return Err(error::required("ApplicationNameRequiredException", "applicationName"));
            }
            None => None,
        };
        if let (Some(_), Some(g)) = (&app, &r.deployment_group_name) {
            self.group(app.clone(), Some(g.clone()))?;
        }
        let range = r
            .create_time_range
            .as_ref()
            .map(|t| (t.start.unwrap_or(f64::MIN), t.end.unwrap_or(f64::MAX)));
        let mut ids = Vec::new();
        for (index, run) in self.runs.iter().enumerate().rev() {
            let wanted = app.as_ref().is_none_or(|a| *a == run.application)
                && r.deployment_group_name.as_ref().is_none_or(|g| *g == run.group);
            if !wanted {
                continue;
            }
            for (k, d) in run.report.deployments.iter().enumerate().rev() {
                let created = view::at(run.created, d.create_time);
                let seconds = created as f64 / 1000.0;
                let status = view::deployment_status(d, run.t(now));
                let visible = created <= now
                    && range.is_none_or(|(a, b)| a <= seconds && seconds <= b)
                    && r.include_only_statuses
                        .as_ref()
                        .is_none_or(|s| s.iter().any(|x| x == status));
                if visible {
                    ids.push(self.runs[index].ids[k].clone());
                }
            }
        }
        paginate::page("ListDeployments", "deployments", &ids, r.next_token.as_deref())
    }

    pub(super) fn stop_deployment(&mut self, r: request::StopDeployment, now: Instant) -> Result<Value, ApiError> {
        let (index, k) = self.find(r.deployment_id, now)?;
        let run = &mut self.runs[index];
        if now >= view::at(run.created, run.deployment(k).complete_time) {
            return Err(ApiError::new(
                crate::deployment::DEPLOYMENT_ALREADY_COMPLETED,
                crate::deployment::already_completed_message(&run.ids[k]),
            ));
        }
        if k == 0 {
            run.stop(now, r.auto_rollback_enabled);
        } else if !run.stop_rollback(now) {
            return Err(ApiError::new(
                "InvalidOperationException",
                format!(
                    "cdsim serve does not stop ECS and Lambda rollback deployments ({})",
                    run.ids[k]
                ),
            ));
        }
        self.name_deployments(index);
        Ok(json!({"status": "Pending", "statusMessage": "Stopping Active Deployment"}))
    }

    pub(super) fn continue_deployment(
        &mut self,
        r: request::ContinueDeployment,
        now: Instant,
    ) -> Result<Value, ApiError> {
        let (index, k) = self.find(r.deployment_id, now)?;
        let termination = match r.deployment_wait_type.as_deref() {
            None | Some("READY_WAIT") => false,
            Some("TERMINATION_WAIT") => true,
            Some(other) => {
                return Err(ApiError::new(
                    "InvalidDeploymentWaitTypeException",
                    format!("Invalid wait type: {other}"),
                ));
            }
        };
        let run = &mut self.runs[index];
        let waiting = if termination {
            run.in_termination_wait(now)
        } else {
            view::deployment_status(run.deployment(k), run.t(now)) == "Ready"
        };
        if k > 0 || !waiting || !run.continue_now(now, termination) {
            return Err(ApiError::new(
                crate::deployment::DEPLOYMENT_NOT_READY,
                crate::deployment::not_in_wait_message(&run.ids[k], termination),
            ));
        }
        self.name_deployments(index);
        Ok(json!({}))
    }

    pub(super) fn list_targets(&mut self, r: request::ListDeploymentTargets, now: Instant) -> Result<Value, ApiError> {
        let (index, k) = self.find(r.deployment_id, now)?;
        let run = &self.runs[index];
        let d = run.deployment(k);
        let t = run.t(now);
        let statuses = r.target_filters.as_ref().and_then(|f| f.get("TargetStatus"));
        let ids: Vec<&String> = d
            .targets
            .iter()
            .filter(|target| {
                statuses.is_none_or(|s| {
                    s.iter()
                        .any(|x| x == view::target_status(target, t, t >= d.complete_time))
                })
            })
            .map(|target| &target.target_id)
            .collect();
        paginate::page("ListDeploymentTargets", "targetIds", &ids, r.next_token.as_deref())
    }

    pub(super) fn batch_get_targets(
        &mut self,
        r: request::BatchGetDeploymentTargets,
        now: Instant,
    ) -> Result<Value, ApiError> {
        let (index, k) = self.find(r.deployment_id, now)?;
        let ids = r
            .target_ids
            .ok_or_else(|| error::required("DeploymentTargetIdRequiredException", "targetIds"))?;
        let targets = ids
            .iter()
            .map(|id| self.target(index, k, id, now))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({"deploymentTargets": targets}))
    }

    pub(super) fn get_target(&mut self, r: request::GetDeploymentTarget, now: Instant) -> Result<Value, ApiError> {
        let (index, k) = self.find(r.deployment_id, now)?;
        let id = r
            .target_id
            .ok_or_else(|| error::required("DeploymentTargetIdRequiredException", "targetId"))?;
        Ok(json!({"deploymentTarget": self.target(index, k, &id, now)?}))
    }

    fn target(&self, index: usize, k: usize, id: &str, now: Instant) -> Result<Value, ApiError> {
        let run = &self.runs[index];
        let d = run.deployment(k);
        let target = d.targets.iter().find(|t| t.target_id == id).ok_or_else(|| {
            ApiError::new(
                "DeploymentTargetDoesNotExistException",
                format!("No target {id} in deployment {}", run.ids[k]),
            )
        })?;
        Ok(view::deployment_target(d, &run.ids[k], target, run.created, run.t(now)))
    }

    pub(super) fn put_hook_status(
        &mut self,
        r: request::PutLifecycleEventHookExecutionStatus,
        now: Instant,
    ) -> Result<Value, ApiError> {
        let (index, _) = self.find(r.deployment_id, now)?;
        let id = r.lifecycle_event_hook_execution_id.unwrap_or_default();
        let failed = match r.status.as_deref() {
            Some("Succeeded") => false,
            Some("Failed") => true,
            other => {
                let message = format!(
                    "The status must be Succeeded or Failed, not {}",
                    other.unwrap_or("nothing")
                );
                return Err(ApiError::new(
                    "InvalidLifecycleEventHookExecutionStatusException",
                    message,
                ));
            }
        };
        self.runs[index].answer_hook(now, &id, failed)?;
        self.name_deployments(index);
        Ok(json!({"lifecycleEventHookExecutionId": id}))
    }
}

/// Ships a bad revision: the scenario's `faultModel.badRevision`, or [`bad_revision`]'s
/// default, with certainty, drawn as `cdsim compare` draws a bad run (the same
/// `fault_model::draw`, from the deployment's seed).
fn ship_bad_revision(scenario: &mut Scenario, seed: u64) {
    let own = scenario.fault_model.as_ref().and_then(|m| m.bad_revision.clone());
    if own.is_none()
        && let Workload::BlueGreen(bg) = &mut scenario.workload
        && let ShiftTarget::Ecs(ecs) = &mut bg.target
    {
        ecs.replacement_unhealthy = true;
    }
    let bad = own.unwrap_or_else(|| bad_revision(scenario));
    let model = FaultModel {
        bad_revision: Some(BadRevision {
            probability: 1.0,
            ..bad
        }),
        ..FaultModel::default()
    };
    let kept = scenario.fault_model.replace(model);
    *scenario = fault_model::draw(scenario, seed).scenario;
    scenario.fault_model = kept;
}

/// What a bad revision does when the scenario does not say. EC2/on-premises (in place and
/// blue/green): the Install step fails on every instance that gets it. ECS: the replacement
/// task set's tasks never pass their health checks (ECS also gets the Lambda rule's failing
/// hooks and error rate). Lambda: every hook function the group has reports Failed, and the
/// new version fails half its requests, which an error-rate alarm sees; a Lambda group
/// with neither hooks nor alarms then ships the bad version, as CodeDeploy would, having
/// nothing to detect it with.
pub fn bad_revision(scenario: &Scenario) -> BadRevision {
    let (failing_hooks, replacement) = match &scenario.workload {
        Workload::InPlace(_) | Workload::Ec2BlueGreen(_) => (vec![LifecycleEventName::Install], None),
        Workload::BlueGreen(bg) => {
            let behaviour = VersionBehaviour {
                error_rate: 0.5,
                ..bg.traffic.replacement
            };
            (bg.hooks.keys().copied().collect(), Some(behaviour))
        }
    };
    BadRevision {
        probability: 1.0,
        failing_hooks,
        hook_failure_probability: 1.0,
        replacement,
    }
}
