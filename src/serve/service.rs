//! The endpoint's state and its operations: a synchronous, deterministic function from
//! (operation, request body, instant) to a response, with no I/O and no clock. The HTTP
//! edge (`http.rs`) supplies the instant; `cdsim replay` supplies the recorded ones.
//!
//! Deployment `n` (counted from 1) is simulated with seed `S + n − 1`, where `S` is the
//! service's `--seed`.
//!
//! Not here: the operations on deployment groups (`groups.rs`) and deployments
//! (`deployments.rs`); sockets, the clock and the record file.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::alarms;
use super::error::{self, ApiError};
use super::paginate;
use super::request::{self, parse};
use super::run::Run;
use super::view::{Instant, epoch_seconds};
use crate::alarm::AlarmConfiguration;
use crate::config::{ComputePlatform, DeploymentConfig, predefined};
use crate::report::config::ConfigInfo;
use crate::scenario::{self, Problems, Scenario};

/// CodeDeploy's JSON target prefix: `X-Amz-Target: CodeDeploy_20141006.<Operation>`.
pub const TARGET_PREFIX: &str = "CodeDeploy_20141006.";

/// An answer: HTTP status and JSON body.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The HTTP status: 200, or an error's.
    pub status: u16,
    /// The JSON body.
    pub body: String,
}

/// An application.
pub struct Application {
    /// Its identifier, in the shape of a UUID.
    pub id: String,
    /// `computePlatform`.
    pub platform: ComputePlatform,
    /// When it was created.
    pub created: Instant,
}

/// A deployment group.
pub struct Group {
    /// Its identifier, in the shape of a UUID.
    pub id: String,
    /// What the client sent (echoed by GetDeploymentGroup).
    pub settings: request::GroupSettings,
    /// The fleet, hooks and faults its deployments simulate.
    pub scenario: Scenario,
    /// Pre-created from a `--scenario` file, whose fleet UpdateDeploymentGroup keeps; a
    /// group made through the API is rebuilt from its settings.
    pub from_scenario: bool,
}

/// A deployment configuration made with CreateDeploymentConfig.
pub struct CustomConfig {
    /// Its identifier, in the shape of a UUID.
    pub id: String,
    /// The configuration.
    pub config: DeploymentConfig,
    /// When it was created.
    pub created: Instant,
}

/// Everything the endpoint knows.
pub struct Service {
    /// `--seed`: deployment n is simulated with seed + n − 1.
    pub seed: u64,
    /// When the service started: the creation time of the predefined configurations.
    pub started: Instant,
    /// By name.
    pub applications: BTreeMap<String, Application>,
    /// By (application, group name).
    pub groups: BTreeMap<(String, String), Group>,
    /// Custom configurations, by name.
    pub configs: BTreeMap<String, CustomConfig>,
    /// In creation order.
    pub runs: Vec<Run>,
    /// Deployment id ⇒ (run, index of the deployment in the run's report).
    pub deployment_ids: BTreeMap<String, (usize, usize)>,
    /// The `--scenario` files' alarms, for groups that name them.
    pub alarms: alarms::Catalogue,
    /// The memory a deployment's simulation may need, in bytes: what the process could use
    /// when the endpoint started (none: no bound).
    pub memory_limit: Option<u64>,
    next_id: u64,
}

impl Service {
    /// A service whose scenarios (name, text) each pre-create an application and a
    /// deployment group, both named after the scenario's `name`.
    pub fn new(seed: u64, started: Instant, scenarios: &[(String, String)]) -> Result<Service, Problems> {
        let mut service = Service {
            seed,
            started,
            applications: BTreeMap::new(),
            groups: BTreeMap::new(),
            configs: BTreeMap::new(),
            runs: Vec::new(),
            deployment_ids: BTreeMap::new(),
            alarms: alarms::Catalogue::default(),
            memory_limit: None,
            next_id: 0,
        };
        for (path, text) in scenarios {
            let scenario = scenario::load_str(text, path)?;
            if scenario.history.is_some() {
                // The clients' CreateDeployment requests are the served group's history.
                return Err(Problems {
                    path: path.clone(),
                    problems: vec![scenario::Problem {
                        line: 1,
                        column: 1,
                        message: "a scenario with a history cannot back a served deployment group: the clients' \
                                  CreateDeployment requests make its history; give the group's scenario without \
                                  history"
                            .to_string(),
                    }],
                });
            }
            service.alarms.add(&scenario);
            service.pre_create(scenario);
        }
        Ok(service)
    }

    fn pre_create(&mut self, scenario: Scenario) {
        let name = scenario.name.clone();
        let platform = scenario.deployment_config.compute_platform;
        let id = self.new_uuid();
        self.applications.insert(
            name.clone(),
            Application {
                id,
                platform,
                created: self.started,
            },
        );
        let settings = request::GroupSettings {
            application_name: Some(name.clone()),
            deployment_group_name: Some(name.clone()),
            deployment_config_name: Some(scenario.deployment_config.name.clone()),
            service_role_arn: Some("arn:aws:iam::000000000000:role/CodeDeployServiceRole".into()),
            auto_rollback_configuration: Some(auto_rollback_value(&scenario)),
            alarm_configuration: scenario.monitoring.alarms.as_ref().map(alarm_configuration_value),
            ..Default::default()
        };
        let id = self.new_uuid();
        let group = Group {
            id,
            settings,
            scenario,
            from_scenario: true,
        };
        self.groups.insert((name.clone(), name), group);
    }

    /// A fresh identifier in the shape of a UUID, deterministic in request order.
    pub fn new_uuid(&mut self) -> String {
        self.next_id += 1;
        format!(
            "{:08x}-0000-4000-8000-{:012x}",
            self.next_id,
            self.seed & 0xffff_ffff_ffff
        )
    }

    /// A fresh deployment id: `d-` and nine characters, as CodeDeploy's.
    pub fn new_deployment_id(&mut self) -> String {
        self.next_id += 1;
        format!("d-{:09}", self.next_id)
    }

    /// Where `--speed max` moves the clock from `now`: the first instant at which a
    /// deployment waits for a client (a ready wait), else the end of the last deployment
    /// still going; `now` when nothing is going.
    pub fn settle(&self, now: Instant) -> Instant {
        let busy = self.runs.iter().filter(|r| r.busy(now));
        let wait = busy.clone().filter_map(|r| r.next_wait(now)).min();
        wait.unwrap_or_else(|| busy.map(Run::end).max().unwrap_or(now)).max(now)
    }

    /// The external hook invocations due at `now` and not yet sent: (url, payload). The
    /// HTTP edge sends them; sending changes no answer, so replay needs none of it.
    pub fn due_invocations(&mut self, now: Instant) -> Vec<(String, String)> {
        let busy = self.runs.iter_mut().filter(|r| !r.hooks.is_empty() && r.busy(now));
        busy.flat_map(|r| r.due_invocations(now)).collect()
    }

    /// Answers one request that takes effect at `now`.
    pub fn handle(&mut self, target: Option<&str>, body: &[u8], now: Instant) -> Reply {
        let result = match target.and_then(|t| t.strip_prefix(TARGET_PREFIX)) {
            Some(op) => self.dispatch(op, body, now),
            None => Err(ApiError::new(
                "UnknownOperationException",
                format!("The X-Amz-Target header must name a {TARGET_PREFIX}<Operation> operation"),
            )),
        };
        match result {
            Ok(value) => Reply {
                status: 200,
                body: value.to_string(),
            },
            Err(e) => Reply {
                status: e.status,
                body: e.body(),
            },
        }
    }

    fn dispatch(&mut self, op: &str, body: &[u8], now: Instant) -> Result<Value, ApiError> {
        match op {
            "CreateApplication" => self.create_application(parse(body)?, now),
            "GetApplication" => self.get_application(parse(body)?),
            "ListApplications" => self.list_applications(parse(body)?),
            "BatchGetApplications" => self.batch_get_applications(parse(body)?),
            "DeleteApplication" => self.delete_application(parse(body)?, now),
            "CreateDeploymentConfig" => self.create_config(parse(body)?, now),
            "GetDeploymentConfig" => self.get_config(parse(body)?),
            "ListDeploymentConfigs" => self.list_configs(parse(body)?),
            "DeleteDeploymentConfig" => self.delete_config(parse(body)?),
            "CreateDeploymentGroup" => self.create_group(parse(body)?),
            "GetDeploymentGroup" => self.get_group(parse(body)?, now),
            "UpdateDeploymentGroup" => self.update_group(parse(body)?),
            "ListDeploymentGroups" => self.list_groups(parse(body)?),
            "BatchGetDeploymentGroups" => self.batch_get_groups(parse(body)?, now),
            "DeleteDeploymentGroup" => self.delete_group(parse(body)?, now),
            "CreateDeployment" => self.create_deployment(parse(body)?, now),
            "GetDeployment" => self.get_deployment(parse(body)?, now),
            "BatchGetDeployments" => self.batch_get_deployments(parse(body)?, now),
            "ListDeployments" => self.list_deployments(parse(body)?, now),
            "StopDeployment" => self.stop_deployment(parse(body)?, now),
            "ContinueDeployment" => self.continue_deployment(parse(body)?, now),
            "ListDeploymentTargets" => self.list_targets(parse(body)?, now),
            "BatchGetDeploymentTargets" => self.batch_get_targets(parse(body)?, now),
            "GetDeploymentTarget" => self.get_target(parse(body)?, now),
            "PutLifecycleEventHookExecutionStatus" => self.put_hook_status(parse(body)?, now),
            _ => Err(ApiError::new(
                "UnknownOperationException",
                format!("cdsim serve does not implement the operation {op}"),
            )),
        }
    }

    // Applications.

    fn create_application(&mut self, r: request::CreateApplication, now: Instant) -> Result<Value, ApiError> {
        let name = application_name(r.application_name)?;
        let platform = match r.compute_platform.as_deref() {
            None => ComputePlatform::Server,
            Some(p) => ComputePlatform::parse(p).ok_or_else(|| {
                ApiError::new(
                    "InvalidComputePlatformException",
                    format!("Invalid compute platform: {p}"),
                )
            })?,
        };
        if self.applications.contains_key(&name) {
            let message = format!("The application {name} already exists with the IAM user or AWS account.");
            return Err(ApiError::new("ApplicationAlreadyExistsException", message));
        }
        let id = self.new_uuid();
        self.applications.insert(
            name,
            Application {
                id: id.clone(),
                platform,
                created: now,
            },
        );
        Ok(json!({"applicationId": id}))
    }

    /// The application, or CodeDeploy's error for a missing one.
    pub fn application(&self, name: Option<String>) -> Result<(String, &Application), ApiError> {
        let name = application_name(name)?;
        match self.applications.get(&name) {
            Some(app) => Ok((name, app)),
            None => Err(ApiError::new(
                "ApplicationDoesNotExistException",
                format!("No application found for name: {name}"),
            )),
        }
    }

    fn application_info(name: &str, app: &Application) -> Value {
        json!({"applicationId": app.id, "applicationName": name, "createTime": epoch_seconds(app.created),
               "linkedToGitHub": false, "computePlatform": app.platform.api_name()})
    }

    fn get_application(&mut self, r: request::ApplicationName) -> Result<Value, ApiError> {
        let (name, app) = self.application(r.application_name)?;
        Ok(json!({"application": Self::application_info(&name, app)}))
    }

    fn list_applications(&mut self, r: request::NextToken) -> Result<Value, ApiError> {
        let names: Vec<&String> = self.applications.keys().collect();
        paginate::page("ListApplications", "applications", &names, r.next_token.as_deref())
    }

    fn batch_get_applications(&mut self, r: request::BatchGetApplications) -> Result<Value, ApiError> {
        let names = r
            .application_names
            .ok_or_else(|| error::required("ApplicationNameRequiredException", "applicationNames"))?;
        let mut infos = Vec::new();
        for name in names {
            let (name, app) = self.application(Some(name))?;
            infos.push(Self::application_info(&name, app));
        }
        Ok(json!({"applicationsInfo": infos}))
    }

    fn delete_application(&mut self, r: request::ApplicationName, now: Instant) -> Result<Value, ApiError> {
        let name = application_name(r.application_name)?;
        if self.runs.iter().any(|run| run.application == name && run.busy(now)) {
            return Err(ApiError::new(
                "InvalidOperationException",
                format!("The application {name} has a deployment in progress"),
            ));
        }
        // As CodeDeploy's: deleting an application that does not exist succeeds.
        self.applications.remove(&name);
        self.groups.retain(|(app, _), _| *app != name);
        Ok(json!({}))
    }

    // Deployment configurations.

    fn create_config(&mut self, r: request::CreateDeploymentConfig, now: Instant) -> Result<Value, ApiError> {
        let name = r
            .deployment_config_name
            .clone()
            .ok_or_else(|| error::required("DeploymentConfigNameRequiredException", "deploymentConfigName"))?;
        if predefined::is_reserved(&name) || self.configs.contains_key(&name) {
            return Err(ApiError::new(
                "DeploymentConfigAlreadyExistsException",
                format!("A deployment configuration named {name} already exists"),
            ));
        }
        let mut shape = serde_json::Map::new();
        shape.insert("deploymentConfigName".into(), json!(name));
        for (key, value) in [
            ("minimumHealthyHosts", r.minimum_healthy_hosts),
            ("trafficRoutingConfig", r.traffic_routing_config),
            ("zonalConfig", r.zonal_config),
        ] {
            if let Some(v) = value {
                shape.insert(key.into(), v);
            }
        }
        shape.insert(
            "computePlatform".into(),
            json!(r.compute_platform.as_deref().unwrap_or("Server")),
        );
        let text = Value::Object(shape).to_string();
        let config = scenario::validate::load_config_str(&text, "request").map_err(|p| {
            let messages: Vec<String> = p.problems.iter().map(|p| p.message.clone()).collect();
            let kind = if text.contains("trafficRoutingConfig") {
                "InvalidTrafficRoutingConfigurationException"
            } else {
                "InvalidMinimumHealthyHostValueException"
            };
            ApiError::new(kind, messages.join("; "))
        })?;
        let id = self.new_uuid();
        self.configs.insert(
            name,
            CustomConfig {
                id: id.clone(),
                config,
                created: now,
            },
        );
        Ok(json!({"deploymentConfigId": id}))
    }

    /// A predefined or custom configuration by name.
    pub fn config(&self, name: &str) -> Result<DeploymentConfig, ApiError> {
        predefined::find(name)
            .or_else(|| self.configs.get(name).map(|c| c.config.clone()))
            .ok_or_else(|| {
                ApiError::new(
                    "DeploymentConfigDoesNotExistException",
                    format!("No deployment configuration found for name: {name}"),
                )
            })
    }

    fn get_config(&mut self, r: request::DeploymentConfigName) -> Result<Value, ApiError> {
        let name = r
            .deployment_config_name
            .ok_or_else(|| error::required("DeploymentConfigNameRequiredException", "deploymentConfigName"))?;
        let config = self.config(&name)?;
        let (id, created) = match self.configs.get(&name) {
            Some(c) => (c.id.clone(), c.created),
            None => (predefined_id(&name), self.started),
        };
        let mut info = serde_json::to_value(ConfigInfo::from(&config)).expect("serializes");
        info["deploymentConfigId"] = json!(id);
        info["createTime"] = epoch_seconds(created);
        Ok(json!({"deploymentConfigInfo": info}))
    }

    fn list_configs(&mut self, r: request::NextToken) -> Result<Value, ApiError> {
        let mut names: Vec<String> = predefined::all().into_iter().map(|c| c.name).collect();
        names.extend(self.configs.keys().cloned());
        paginate::page(
            "ListDeploymentConfigs",
            "deploymentConfigsList",
            &names,
            r.next_token.as_deref(),
        )
    }

    fn delete_config(&mut self, r: request::DeploymentConfigName) -> Result<Value, ApiError> {
        let name = r
            .deployment_config_name
            .ok_or_else(|| error::required("DeploymentConfigNameRequiredException", "deploymentConfigName"))?;
        if predefined::is_reserved(&name) {
            return Err(ApiError::new(
                "InvalidOperationException",
                format!("The predefined deployment configuration {name} cannot be deleted"),
            ));
        }
        let in_use = self
            .groups
            .values()
            .any(|g| g.settings.deployment_config_name.as_deref() == Some(&name));
        if in_use {
            return Err(ApiError::new(
                "DeploymentConfigInUseException",
                format!("The deployment configuration {name} is in use by a deployment group"),
            ));
        }
        self.configs.remove(&name);
        Ok(json!({}))
    }
}

/// A required application name.
pub fn application_name(name: Option<String>) -> Result<String, ApiError> {
    match name {
        Some(n) if !n.is_empty() => Ok(n),
        _ => Err(error::required("ApplicationNameRequiredException", "applicationName")),
    }
}

/// The fixed identifier of a predefined configuration.
fn predefined_id(name: &str) -> String {
    let index = predefined::all().iter().position(|c| c.name == name).unwrap_or(0);
    format!("00000000-0000-4000-8000-{:012x}", index + 1)
}

/// A scenario's `autoRollbackConfiguration`, in the API's shape.
pub fn auto_rollback_value(scenario: &Scenario) -> Value {
    let a = scenario.monitoring.auto_rollback;
    let events: Vec<&str> = [
        (a.on_failure, "DEPLOYMENT_FAILURE"),
        (a.on_alarm, "DEPLOYMENT_STOP_ON_ALARM"),
        (a.on_request, "DEPLOYMENT_STOP_ON_REQUEST"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    json!({"enabled": !events.is_empty(), "events": events})
}

/// A scenario's alarms as the API's `alarmConfiguration` names them.
fn alarm_configuration_value(a: &AlarmConfiguration) -> Value {
    let names: Vec<Value> = a.alarms.iter().map(|x| json!({"name": x.name})).collect();
    json!({"enabled": true, "ignorePollAlarmFailure": a.ignore_poll_alarm_failure, "alarms": names})
}
