//! The JSON shapes of `cdsim configs` (GetDeploymentConfig's `deploymentConfigInfo`) and
//! `cdsim explain`, with their text forms.

use std::fmt::Write;

use serde::Serialize;

use super::MinimumHealthyHostsInfo;
use crate::config::minimum_healthy::{HealthPlan, min_successes};
use crate::config::traffic_routing::{LinearEnd, TrafficRouting};
use crate::config::{ConfigRule, DeploymentConfig};

/// `deploymentConfigInfo`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigInfo {
    pub deployment_config_name: String,
    pub compute_platform: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_healthy_hosts: Option<MinimumHealthyHostsInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_routing_config: Option<TrafficRoutingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zonal_config: Option<ZonalConfigInfo>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficRoutingInfo {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_based_canary: Option<CanaryInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_based_linear: Option<LinearInfo>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryInfo {
    pub canary_percentage: u32,
    pub canary_interval: u32,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinearInfo {
    pub linear_percentage: u32,
    pub linear_interval: u32,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZonalConfigInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_zone_monitor_duration_in_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitor_duration_in_seconds: Option<u64>,
    pub minimum_healthy_hosts_per_zone: MinimumHealthyHostsInfo,
}

impl From<&DeploymentConfig> for ConfigInfo {
    fn from(c: &DeploymentConfig) -> Self {
        let (minimum, traffic, zonal) = match &c.rule {
            ConfigRule::MinimumHealthy { minimum, zonal } => (
                Some((*minimum).into()),
                None,
                zonal.as_ref().map(|z| ZonalConfigInfo {
                    first_zone_monitor_duration_in_seconds: z.first_zone_monitor_duration.map(|d| d.as_millis() / 1000),
                    monitor_duration_in_seconds: z.monitor_duration.map(|d| d.as_millis() / 1000),
                    minimum_healthy_hosts_per_zone: z.minimum_healthy_hosts_per_zone.into(),
                }),
            ),
            ConfigRule::TrafficRouting(t) => (None, Some(traffic_info(*t)), None),
        };
        ConfigInfo {
            deployment_config_name: c.name.clone(),
            compute_platform: c.compute_platform.api_name(),
            minimum_healthy_hosts: minimum,
            traffic_routing_config: traffic,
            zonal_config: zonal,
        }
    }
}

fn traffic_info(t: TrafficRouting) -> TrafficRoutingInfo {
    let (canary, linear) = match t {
        TrafficRouting::AllAtOnce => (None, None),
        TrafficRouting::TimeBasedCanary {
            percentage,
            interval_minutes,
        } => (
            Some(CanaryInfo {
                canary_percentage: percentage,
                canary_interval: interval_minutes,
            }),
            None,
        ),
        TrafficRouting::TimeBasedLinear {
            percentage,
            interval_minutes,
        } => (
            None,
            Some(LinearInfo {
                linear_percentage: percentage,
                linear_interval: interval_minutes,
            }),
        ),
    };
    TrafficRoutingInfo {
        kind: t.type_name(),
        time_based_canary: canary,
        time_based_linear: linear,
    }
}

/// One line per configuration: name, platform and parameters.
pub fn configs_table(configs: &[DeploymentConfig]) -> String {
    let mut out = String::new();
    let width = configs.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in configs {
        let what = match &c.rule {
            ConfigRule::MinimumHealthy { minimum, .. } => {
                format!("minimumHealthyHosts {} {}", minimum.type_name(), minimum.value())
            }
            ConfigRule::TrafficRouting(t) => match *t {
                TrafficRouting::AllAtOnce => "AllAtOnce".to_string(),
                TrafficRouting::TimeBasedCanary {
                    percentage,
                    interval_minutes,
                } => {
                    format!("TimeBasedCanary {percentage}% then the rest after {interval_minutes} min")
                }
                TrafficRouting::TimeBasedLinear {
                    percentage,
                    interval_minutes,
                } => {
                    format!("TimeBasedLinear {percentage}% every {interval_minutes} min")
                }
            },
        };
        let _ = writeln!(out, "{:<width$}  {:<6}  {what}", c.name, c.compute_platform.api_name());
    }
    out
}

/// `cdsim explain` for a Server configuration.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerExplanation {
    pub deployment_config_name: String,
    pub instances: u32,
    /// The resolved minimum: an instance count.
    pub minimum_healthy_hosts: u32,
    pub max_in_flight: u32,
    pub min_successes: u32,
    /// Group sizes when every instance succeeds and takes the same time.
    pub waves: Vec<u32>,
    /// `HEALTH_CONSTRAINTS_INVALID` when the deployment could not start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
}

impl ServerExplanation {
    pub fn new(config: &DeploymentConfig, instances: u32) -> Option<ServerExplanation> {
        let (minimum, _) = config.minimum_healthy()?;
        let m = minimum.resolve(instances);
        let plan = HealthPlan::new(minimum, instances);
        Some(ServerExplanation {
            deployment_config_name: config.name.clone(),
            instances,
            minimum_healthy_hosts: m,
            max_in_flight: plan.map_or(0, |p| p.max_in_flight),
            min_successes: plan.map_or(min_successes(m), |p| p.min_successes),
            waves: plan.map_or_else(Vec::new, |p| p.waves()),
            error_code: plan.is_none().then_some("HEALTH_CONSTRAINTS_INVALID"),
        })
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} on {} instances", self.deployment_config_name, self.instances);
        let _ = writeln!(out, "  minimum healthy hosts: {}", self.minimum_healthy_hosts);
        if let Some(code) = self.error_code {
            let _ = writeln!(
                out,
                "  the deployment fails at start ({code}): the minimum is not below the number of instances"
            );
            return out;
        }
        let _ = writeln!(out, "  at most {} instances at a time", self.max_in_flight);
        let _ = writeln!(out, "  succeeds when at least {} instances succeed", self.min_successes);
        let _ = writeln!(out, "  waves when every instance succeeds: {}", compress(&self.waves));
        out
    }
}

/// `4 × 3, 1` for `[4, 4, 4, 1]`.
fn compress(waves: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < waves.len() {
        let j = waves[i..].iter().take_while(|&&w| w == waves[i]).count();
        parts.push(if j == 1 {
            waves[i].to_string()
        } else {
            format!("{} × {j}", waves[i])
        });
        i += j;
    }
    format!("{} ({} waves)", parts.join(", "), waves.len())
}

/// `cdsim explain` for a traffic-routing configuration.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficExplanation {
    pub deployment_config_name: String,
    pub shifts: Vec<ShiftInfo>,
    pub shifting_minutes: u32,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftInfo {
    pub at_minute: u32,
    pub percent: u32,
}

impl TrafficExplanation {
    pub fn new(config: &DeploymentConfig) -> Option<TrafficExplanation> {
        let ConfigRule::TrafficRouting(t) = &config.rule else {
            return None;
        };
        Some(TrafficExplanation {
            deployment_config_name: config.name.clone(),
            shifts: t
                .shifts()
                .into_iter()
                .map(|s| ShiftInfo {
                    at_minute: s.at_minute,
                    percent: s.percent,
                })
                .collect(),
            shifting_minutes: t.shifting_minutes(LinearEnd::AtLastShift),
        })
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.deployment_config_name);
        let _ = writeln!(out, "  minute  new version");
        for s in &self.shifts {
            let _ = writeln!(out, "  {:>6}  {:>3}%", s.at_minute, s.percent);
        }
        let _ = writeln!(out, "  last shift after {} minutes", self.shifting_minutes);
        out
    }
}
