//! The request bodies of the operations cdsim serves, as the service model gives them:
//! camelCase members, every one optional here so that a missing required member gets
//! CodeDeploy's own `…RequiredException` rather than a parse error. A member the operation
//! does not have is refused (`deny_unknown_fields`). Nested structures that cdsim only
//! stores and echoes (load balancer, blue/green, alarm settings, revisions) stay JSON values.
//!
//! Members that cdsim accepts but has no use for (tags, an external id) are read and
//! dropped.
//!
//! Not here: what a request does (`service.rs`).

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{self, ApiError};

/// Reads an operation's body: `{}` when empty, else one JSON object of its members.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}" as &[u8]
    } else {
        body
    };
    let value: Value = serde_json::from_slice(body).map_err(error::serialization)?;
    if !value.is_object() {
        return Err(error::serialization("the body is not a JSON object"));
    }
    serde_json::from_value(value).map_err(error::validation)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationName {
    pub application_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)] // members accepted but not simulated
pub struct CreateApplication {
    pub application_name: Option<String>,
    pub compute_platform: Option<String>,
    pub tags: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NextToken {
    pub next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchGetApplications {
    pub application_names: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateDeploymentConfig {
    pub deployment_config_name: Option<String>,
    pub minimum_healthy_hosts: Option<Value>,
    pub traffic_routing_config: Option<Value>,
    pub compute_platform: Option<String>,
    pub zonal_config: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentConfigName {
    pub deployment_config_name: Option<String>,
}

/// CreateDeploymentGroup and UpdateDeploymentGroup: the group's settings.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupSettings {
    pub application_name: Option<String>,
    /// CreateDeploymentGroup, GetDeploymentGroup, DeleteDeploymentGroup.
    pub deployment_group_name: Option<String>,
    /// UpdateDeploymentGroup.
    pub current_deployment_group_name: Option<String>,
    pub new_deployment_group_name: Option<String>,
    pub deployment_config_name: Option<String>,
    pub ec2_tag_filters: Option<Value>,
    pub on_premises_instance_tag_filters: Option<Value>,
    pub auto_scaling_groups: Option<Value>,
    pub service_role_arn: Option<String>,
    pub trigger_configurations: Option<Value>,
    pub alarm_configuration: Option<Value>,
    pub auto_rollback_configuration: Option<Value>,
    pub outdated_instances_strategy: Option<String>,
    pub deployment_style: Option<Value>,
    pub blue_green_deployment_configuration: Option<Value>,
    pub load_balancer_info: Option<Value>,
    pub ec2_tag_set: Option<Value>,
    pub ecs_services: Option<Value>,
    pub on_premises_tag_set: Option<Value>,
    pub tags: Option<Value>,
    pub termination_hook_enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupName {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListDeploymentGroups {
    pub application_name: Option<String>,
    pub next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchGetDeploymentGroups {
    pub application_name: Option<String>,
    pub deployment_group_names: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)] // members accepted but not simulated
pub struct CreateDeployment {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
    pub revision: Option<Value>,
    pub deployment_config_name: Option<String>,
    pub description: Option<String>,
    pub ignore_application_stop_failures: Option<bool>,
    pub target_instances: Option<Value>,
    pub auto_rollback_configuration: Option<AutoRollbackConfiguration>,
    pub update_outdated_instances_only: Option<bool>,
    pub file_exists_behavior: Option<String>,
    pub override_alarm_configuration: Option<Value>,
}

/// `autoRollbackConfiguration`, read (not only echoed) because it decides rollbacks.
#[derive(Deserialize, Clone, Default, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutoRollbackConfiguration {
    pub enabled: Option<bool>,
    pub events: Option<Vec<String>>,
}

/// `alarmConfiguration`, read (not only echoed) because its alarms are simulated.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiAlarmConfiguration {
    pub enabled: Option<bool>,
    pub ignore_poll_alarm_failure: Option<bool>,
    pub alarms: Option<Vec<ApiAlarm>>,
}

/// One alarm of `alarmConfiguration`: a CloudWatch alarm's name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiAlarm {
    pub name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentId {
    pub deployment_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchGetDeployments {
    pub deployment_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)] // members accepted but not simulated
pub struct ListDeployments {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
    pub external_id: Option<String>,
    pub include_only_statuses: Option<Vec<String>>,
    pub create_time_range: Option<TimeRange>,
    pub next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimeRange {
    pub start: Option<f64>,
    pub end: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StopDeployment {
    pub deployment_id: Option<String>,
    pub auto_rollback_enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContinueDeployment {
    pub deployment_id: Option<String>,
    pub deployment_wait_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListDeploymentTargets {
    pub deployment_id: Option<String>,
    pub next_token: Option<String>,
    pub target_filters: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchGetDeploymentTargets {
    pub deployment_id: Option<String>,
    pub target_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetDeploymentTarget {
    pub deployment_id: Option<String>,
    pub target_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutLifecycleEventHookExecutionStatus {
    pub deployment_id: Option<String>,
    pub lifecycle_event_hook_execution_id: Option<String>,
    pub status: Option<String>,
}
