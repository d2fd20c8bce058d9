//! The JSON shapes of `cdsim configs` (GetDeploymentConfig's `deploymentConfigInfo`) and
//! `cdsim explain`, with their text forms.

use std::fmt::Write;

use serde::Serialize;

use super::MinimumHealthyHostsInfo;
use super::text::count;
use super::zonal::ZonalExplanation;
use crate::config::minimum_healthy::{HealthPlan, min_successes, waves};
use crate::config::traffic_routing::{LinearEnd, TrafficRouting};
use crate::config::{ConfigRule, DeploymentConfig};

/// `deploymentConfigInfo`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigInfo {
    /// `deploymentConfigName`, e.g. `CodeDeployDefault.OneAtATime`.
    pub deployment_config_name: String,
    /// `computePlatform`: `Server`, `ECS` or `Lambda`.
    pub compute_platform: &'static str,
    /// `minimumHealthyHosts`: Server configurations only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_healthy_hosts: Option<MinimumHealthyHostsInfo>,
    /// `trafficRoutingConfig`: ECS and Lambda configurations only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_routing_config: Option<TrafficRoutingInfo>,
    /// `zonalConfig`: Server configurations that deploy zone by zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zonal_config: Option<ZonalConfigInfo>,
}

/// `trafficRoutingConfig`: how an ECS or Lambda deployment shifts traffic.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficRoutingInfo {
    /// `type`: `AllAtOnce`, `TimeBasedCanary` or `TimeBasedLinear`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `timeBasedCanary`: present for `TimeBasedCanary`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_based_canary: Option<CanaryInfo>,
    /// `timeBasedLinear`: present for `TimeBasedLinear`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_based_linear: Option<LinearInfo>,
}

/// `timeBasedCanary`: one shift, then the rest after an interval.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryInfo {
    /// `canaryPercentage`: percent of traffic shifted first.
    pub canary_percentage: u32,
    /// `canaryInterval`: minutes before the remaining traffic shifts.
    pub canary_interval: u32,
}

/// `timeBasedLinear`: equal shifts at equal intervals.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinearInfo {
    /// `linearPercentage`: percent of traffic shifted at each step.
    pub linear_percentage: u32,
    /// `linearInterval`: minutes between steps.
    pub linear_interval: u32,
}

/// `zonalConfig`: how a Server deployment proceeds Availability Zone by zone.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZonalConfigInfo {
    /// `firstZoneMonitorDurationInSeconds`: the wait after the first zone, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_zone_monitor_duration_in_seconds: Option<u64>,
    /// `monitorDurationInSeconds`: the wait after each later zone, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitor_duration_in_seconds: Option<u64>,
    /// `minimumHealthyHostsPerZone`: the minimum healthy hosts within each zone.
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
    /// `deploymentConfigName` of the configuration explained.
    pub deployment_config_name: String,
    /// Instances in the deployment group the explanation assumes.
    pub instances: u32,
    /// The resolved minimum: an instance count.
    pub minimum_healthy_hosts: u32,
    /// Most instances deployed to at the same time (0 when the deployment cannot start).
    pub max_in_flight: u32,
    /// Instances that must succeed for the deployment to succeed.
    pub min_successes: u32,
    /// Group sizes when every instance succeeds and takes the same time.
    pub waves: Vec<u32>,
    /// `HEALTH_CONSTRAINTS_INVALID` when the deployment could not start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    /// A zonal configuration's zones (when the fleet's are known) and monitor waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zonal_config: Option<ZonalExplanation>,
}

impl ServerExplanation {
    /// The explanation of `config` on `instances` instances; `None` when `config` is not a
    /// Server (minimum healthy hosts) configuration.
    pub fn new(config: &DeploymentConfig, instances: u32) -> Option<ServerExplanation> {
        ServerExplanation::in_zones(config, instances, &[])
    }

    /// The explanation of `config` on `instances` instances spread over `zones` in turn
    /// (a zonal configuration's zones; none when not known).
    pub fn in_zones(config: &DeploymentConfig, instances: u32, zones: &[String]) -> Option<ServerExplanation> {
        let (minimum, zonal) = config.minimum_healthy()?;
        let m = minimum.resolve(instances);
        let plan = HealthPlan::new(minimum, instances);
        let max_in_flight = plan.map_or(0, |p| p.max_in_flight);
        let e = ServerExplanation {
            deployment_config_name: config.name.clone(),
            instances,
            minimum_healthy_hosts: m,
            max_in_flight,
            min_successes: plan.map_or(min_successes(m), |p| p.min_successes),
            waves: plan.map_or_else(Vec::new, |p| p.waves()),
            error_code: plan.is_none().then_some("HEALTH_CONSTRAINTS_INVALID"),
            zonal_config: zonal.map(|z| ZonalExplanation::new(z, zones, instances, max_in_flight)),
        };
        Some(e.zone_by_zone())
    }

    /// A zonal deployment's waves are each zone's, zone after zone (when the zones are
    /// known and the deployment can start).
    fn zone_by_zone(mut self) -> ServerExplanation {
        if let Some(z) = &self.zonal_config
            && !z.zones.is_empty()
            && self.error_code.is_none()
        {
            self.waves = z
                .zones
                .iter()
                .filter(|zone| zone.max_in_flight > 0)
                .flat_map(|zone| waves(zone.instances, zone.max_in_flight))
                .collect();
        }
        self
    }

    /// The explanation as text, one fact a line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} on {}",
            self.deployment_config_name,
            count(self.instances, "instance")
        );
        let _ = writeln!(out, "  minimum healthy hosts: {}", self.minimum_healthy_hosts);
        if let Some(code) = self.error_code {
            let _ = writeln!(
                out,
                "  the deployment fails at start ({code}): the minimum is not below the number of instances"
            );
            return out;
        }
        let _ = writeln!(out, "  at most {} at a time", count(self.max_in_flight, "instance"));
        let _ = writeln!(
            out,
            "  succeeds when at least {} {}",
            count(self.min_successes, "instance"),
            if self.min_successes == 1 { "succeeds" } else { "succeed" }
        );
        if let Some(z) = &self.zonal_config {
            out.push_str(&z.lines());
        }
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
    format!("{} ({})", parts.join(", "), count(waves.len() as u64, "wave"))
}

/// `cdsim explain` for a traffic-routing configuration.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficExplanation {
    /// `deploymentConfigName` of the configuration explained.
    pub deployment_config_name: String,
    /// Every change of the replacement's share of traffic, in time order.
    pub shifts: Vec<ShiftInfo>,
    /// Minutes from the start of shifting to the last shift.
    pub shifting_minutes: u32,
}

/// A point of a traffic-routing schedule.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShiftInfo {
    /// Minutes since shifting started.
    pub at_minute: u32,
    /// The replacement's share of traffic from then on, in percent.
    pub percent: u32,
}

impl TrafficExplanation {
    /// The explanation of `config`; `None` when `config` is not a traffic-routing (ECS or
    /// Lambda) configuration.
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

    /// The explanation as text: the shift schedule as a table.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.deployment_config_name);
        let _ = writeln!(out, "  minute  new version");
        for s in &self.shifts {
            let _ = writeln!(out, "  {:>6}  {:>3}%", s.at_minute, s.percent);
        }
        let _ = writeln!(out, "  last shift after {}", count(self.shifting_minutes, "minute"));
        out
    }
}
