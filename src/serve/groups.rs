//! Deployment groups: Create, Get, Update, List, BatchGet and Delete. A group made through
//! the API deploys to a documented default fleet (`defaults.rs`) with the group's
//! configuration, automatic-rollback and alarm settings (`alarms.rs`), and
//! UpdateDeploymentGroup rebuilds it from the merged settings, so a load balancer or a
//! blue/green style added later applies to the next deployment. A group pre-created from
//! a `--scenario` file deploys to the scenario's fleet, which an update keeps; the
//! settings sent (configuration, automatic rollback, alarms) apply to it.
//!
//! Not here: deployments (`deployments.rs`).

use serde_json::{Map, Value, json};

use super::alarms;
use super::defaults;
use super::error::{self, ApiError};
use super::paginate;
use super::request::{self, AutoRollbackConfiguration, GroupSettings};
use super::service::{Group, Service};
use super::view::{Instant, epoch_seconds};
use crate::config::ComputePlatform;
use crate::scenario::{self, AutoRollback, Scenario};

impl Service {
    pub(super) fn create_group(&mut self, r: GroupSettings) -> Result<Value, ApiError> {
        let (app_name, app) = self.application(r.application_name.clone())?;
        let platform = app.platform;
        let name = group_name(r.deployment_group_name.clone())?;
        if r.service_role_arn.as_deref().is_none_or(str::is_empty) {
            return Err(error::required("RoleRequiredException", "serviceRoleArn"));
        }
        if self.groups.contains_key(&(app_name.clone(), name.clone())) {
            let message = format!("The deployment group {name} already exists for application {app_name}");
            return Err(ApiError::new("DeploymentGroupAlreadyExistsException", message));
        }
        let scenario = self.default_scenario(platform, &r)?;
        let id = self.new_uuid();
        self.groups.insert(
            (app_name, name),
            Group {
                id: id.clone(),
                settings: r,
                scenario,
                from_scenario: false,
            },
        );
        Ok(json!({"deploymentGroupId": id}))
    }

    /// What a group made through the API deploys to: the default fleet its settings
    /// describe (`defaults.rs`: load balancer, blue/green), configured by them.
    fn default_scenario(&self, platform: ComputePlatform, r: &GroupSettings) -> Result<Scenario, ApiError> {
        let text = defaults::scenario_text(platform, r.load_balancer_info.is_some(), is_blue_green(r));
        let mut scenario = scenario::load_str(&text, "default").expect("the default scenarios are valid");
        self.configure(&mut scenario, r)?;
        Ok(scenario)
    }

    /// Applies a group's configuration, automatic-rollback and alarm settings to its
    /// scenario.
    fn configure(&self, scenario: &mut Scenario, r: &GroupSettings) -> Result<(), ApiError> {
        if let Some(name) = &r.deployment_config_name {
            let config = self.config(name)?;
            if config.compute_platform != scenario.deployment_config.compute_platform {
                return Err(ApiError::new(
                    "InvalidDeploymentConfigNameException",
                    format!("The deployment configuration {name} is not for this compute platform"),
                ));
            }
            scenario.deployment_config = config;
        }
        if let Some(v) = &r.auto_rollback_configuration {
            let a: AutoRollbackConfiguration = serde_json::from_value(v.clone())
                .map_err(|e| ApiError::new("InvalidAutoRollbackConfigException", e.to_string()))?;
            scenario.monitoring.auto_rollback = auto_rollback(&a)?;
        }
        if let Some(v) = &r.alarm_configuration {
            scenario.monitoring.alarms = alarms::configuration(v, scenario, &self.alarms)?;
        }
        Ok(())
    }

    /// The group, or CodeDeploy's error.
    pub fn group(&self, app: Option<String>, name: Option<String>) -> Result<(String, String, &Group), ApiError> {
        let (app, _) = self.application(app)?;
        let name = group_name(name)?;
        match self.groups.get(&(app.clone(), name.clone())) {
            Some(g) => Ok((app, name, g)),
            None => Err(ApiError::new(
                "DeploymentGroupDoesNotExistException",
                format!("No Deployment Group found for name: {name}"),
            )),
        }
    }

    fn group_info(&self, app: &str, name: &str, g: &Group, now: Instant) -> Value {
        let mut info = Map::new();
        info.insert("applicationName".into(), json!(app));
        info.insert("deploymentGroupId".into(), json!(g.id));
        info.insert("deploymentGroupName".into(), json!(name));
        info.insert("deploymentConfigName".into(), json!(g.scenario.deployment_config.name));
        let s = &g.settings;
        let echoed = [
            ("ec2TagFilters", &s.ec2_tag_filters),
            ("onPremisesInstanceTagFilters", &s.on_premises_instance_tag_filters),
            ("triggerConfigurations", &s.trigger_configurations),
            ("alarmConfiguration", &s.alarm_configuration),
            ("deploymentStyle", &s.deployment_style),
            (
                "blueGreenDeploymentConfiguration",
                &s.blue_green_deployment_configuration,
            ),
            ("loadBalancerInfo", &s.load_balancer_info),
            ("ec2TagSet", &s.ec2_tag_set),
            ("onPremisesTagSet", &s.on_premises_tag_set),
            ("ecsServices", &s.ecs_services),
        ];
        for (key, value) in echoed {
            if let Some(v) = value {
                info.insert(key.into(), v.clone());
            }
        }
        info.insert("serviceRoleArn".into(), json!(s.service_role_arn));
        info.insert(
            "autoRollbackConfiguration".into(),
            super::service::auto_rollback_value(&g.scenario),
        );
        info.insert(
            "autoScalingGroups".into(),
            s.auto_scaling_groups.clone().unwrap_or(json!([])),
        );
        info.insert(
            "outdatedInstancesStrategy".into(),
            json!(s.outdated_instances_strategy.as_deref().unwrap_or("UPDATE")),
        );
        info.insert(
            "computePlatform".into(),
            json!(g.scenario.deployment_config.compute_platform.api_name()),
        );
        info.insert(
            "terminationHookEnabled".into(),
            json!(s.termination_hook_enabled.unwrap_or(false)),
        );
        let last = self.runs.iter().rev().find(|r| r.application == app && r.group == name);
        if let Some(run) = last {
            let status = super::view::deployment_status(run.deployment(0), run.t(now));
            let summary =
                json!({"deploymentId": run.ids[0], "status": status, "createTime": epoch_seconds(run.created)});
            info.insert("lastAttemptedDeployment".into(), summary.clone());
            if status == "Succeeded" {
                info.insert("lastSuccessfulDeployment".into(), summary);
            }
        }
        Value::Object(info)
    }

    pub(super) fn get_group(&mut self, r: request::GroupName, now: Instant) -> Result<Value, ApiError> {
        let (app, name, g) = self.group(r.application_name, r.deployment_group_name)?;
        Ok(json!({"deploymentGroupInfo": self.group_info(&app, &name, g, now)}))
    }

    pub(super) fn update_group(&mut self, r: GroupSettings) -> Result<Value, ApiError> {
        let (app, name, g) = self.group(r.application_name.clone(), r.current_deployment_group_name.clone())?;
        let mut settings = g.settings.clone();
        merge(&mut settings, r.clone());
        let scenario = if g.from_scenario {
            let mut scenario = g.scenario.clone();
            self.configure(&mut scenario, &r)?;
            scenario
        } else {
            self.default_scenario(g.scenario.deployment_config.compute_platform, &settings)?
        };
        let new_name = r.new_deployment_group_name.clone().unwrap_or_else(|| name.clone());
        if new_name != name && self.groups.contains_key(&(app.clone(), new_name.clone())) {
            let message = format!("The deployment group {new_name} already exists for application {app}");
            return Err(ApiError::new("DeploymentGroupAlreadyExistsException", message));
        }
        let mut group = self.groups.remove(&(app.clone(), name)).expect("found above");
        group.scenario = scenario;
        group.settings = settings;
        self.groups.insert((app, new_name), group);
        Ok(json!({"hooksNotCleanedUp": []}))
    }

    pub(super) fn list_groups(&mut self, r: request::ListDeploymentGroups) -> Result<Value, ApiError> {
        let (app, _) = self.application(r.application_name)?;
        let names: Vec<&String> = self.groups.keys().filter(|(a, _)| *a == app).map(|(_, n)| n).collect();
        let mut out = paginate::page(
            "ListDeploymentGroups",
            "deploymentGroups",
            &names,
            r.next_token.as_deref(),
        )?;
        out["applicationName"] = json!(app);
        Ok(out)
    }

    pub(super) fn batch_get_groups(
        &mut self,
        r: request::BatchGetDeploymentGroups,
        now: Instant,
    ) -> Result<Value, ApiError> {
        let names = r
            .deployment_group_names
            .ok_or_else(|| error::required("DeploymentGroupNameRequiredException", "deploymentGroupNames"))?;
        let mut infos = Vec::new();
        let mut missing = Vec::new();
        for name in names {
            match self.group(r.application_name.clone(), Some(name.clone())) {
                Ok((app, name, g)) => infos.push(self.group_info(&app, &name, g, now)),
                Err(e) if e.kind == "DeploymentGroupDoesNotExistException" => missing.push(name),
                Err(e) => return Err(e),
            }
        }
        let mut out = json!({"deploymentGroupsInfo": infos});
        if !missing.is_empty() {
            out["errorMessage"] = json!(format!("Deployment groups not found: {}", missing.join(", ")));
        }
        Ok(out)
    }

    pub(super) fn delete_group(&mut self, r: request::GroupName, now: Instant) -> Result<Value, ApiError> {
        let (app, name, _) = self.group(r.application_name, r.deployment_group_name)?;
        if self
            .runs
            .iter()
            .any(|run| run.application == app && run.group == name && run.busy(now))
        {
            return Err(ApiError::new(
                "InvalidOperationException",
                format!("The deployment group {name} has a deployment in progress"),
            ));
        }
        self.groups.remove(&(app, name));
        Ok(json!({"hooksNotCleanedUp": []}))
    }
}

/// A required deployment group name.
fn group_name(name: Option<String>) -> Result<String, ApiError> {
    match name {
        Some(n) if !n.is_empty() => Ok(n),
        _ => Err(error::required(
            "DeploymentGroupNameRequiredException",
            "deploymentGroupName",
        )),
    }
}

fn is_blue_green(r: &GroupSettings) -> bool {
    r.deployment_style
        .as_ref()
        .and_then(|s| s.get("deploymentType"))
        .is_some_and(|t| t == "BLUE_GREEN")
}

/// `autoRollbackConfiguration` as the simulation's `AutoRollback`.
pub fn auto_rollback(a: &AutoRollbackConfiguration) -> Result<AutoRollback, ApiError> {
    let mut out = AutoRollback::default();
    if a.enabled != Some(true) {
        return Ok(out);
    }
    for event in a.events.iter().flatten() {
        match event.as_str() {
            "DEPLOYMENT_FAILURE" => out.on_failure = true,
            "DEPLOYMENT_STOP_ON_ALARM" => out.on_alarm = true,
            "DEPLOYMENT_STOP_ON_REQUEST" => out.on_request = true,
            other => {
                return Err(ApiError::new(
                    "InvalidAutoRollbackConfigException",
                    format!("Unknown automatic rollback event: {other}"),
                ));
            }
        }
    }
    Ok(out)
}

/// UpdateDeploymentGroup: the members sent replace the stored ones.
fn merge(into: &mut GroupSettings, from: GroupSettings) {
    macro_rules! take {
        ($($field:ident),*) => { $( if from.$field.is_some() { into.$field = from.$field; } )* };
    }
    take!(
        deployment_config_name,
        ec2_tag_filters,
        on_premises_instance_tag_filters,
        auto_scaling_groups,
        service_role_arn,
        trigger_configurations,
        alarm_configuration,
        auto_rollback_configuration,
        outdated_instances_strategy,
        deployment_style,
        blue_green_deployment_configuration,
        load_balancer_info,
        ec2_tag_set,
        ecs_services,
        on_premises_tag_set,
        termination_hook_enabled
    );
}
