//! The deployment configuration (§2): a predefined name or a custom configuration, its
//! minimum healthy hosts, zonal settings and traffic routing.
//!
//! Not here: what a configuration means when a deployment runs (`config`).

use super::{Validator, lift};
use crate::config::traffic_routing::TrafficRouting;
use crate::config::{ComputePlatform, ConfigRule, DeploymentConfig, MinimumHealthyHosts, ZonalConfig, predefined};
use crate::scenario::raw::{self, Located, RawMinimumHealthyHosts, RawScenario};
use crate::scenario::text::closest;
use crate::time::SimDuration;

impl Validator {
    /// `platform` is the scenario's declared platform (Server when it declares none): it
    /// narrows suggestions and is the default of a custom configuration.
    pub(super) fn deployment_config(
        &mut self,
        raw: &RawScenario,
        platform: ComputePlatform,
    ) -> Option<DeploymentConfig> {
        match (&raw.deployment_config_name, &raw.deployment_config) {
            (Some(_), Some(c)) => {
                self.problem(c, "give deploymentConfigName or deploymentConfig, not both");
                None
            }
            (Some(name), None) => self.named_config(name, platform),
            (None, Some(c)) => self.custom_config(&c.value, c.line, c.column, platform),
            // §2.1: no configuration anywhere ⇒ CodeDeployDefault.OneAtATime.
            (None, None) if platform == ComputePlatform::Server => Some(DeploymentConfig::default_server()),
            (None, None) => {
                self.problem_at(
                    1,
                    1,
                    format!(
                        "an {} scenario needs deploymentConfigName or deploymentConfig (`cdsim configs` lists them)",
                        platform.api_name()
                    ),
                );
                None
            }
        }
    }

    pub(super) fn named_config(
        &mut self,
        name: &Located<String>,
        platform: ComputePlatform,
    ) -> Option<DeploymentConfig> {
        let Some(config) = predefined::find(&name.value) else {
            let same_platform = predefined::names_for(platform);
            let hint = closest(&name.value, &same_platform);
            self.problem(
                name,
                format!(
                    "unknown deployment configuration \"{}\"{}; `cdsim configs` lists the predefined ones, and a \
                     custom one goes under deploymentConfig",
                    name.value,
                    hint.map(|h| format!(" (did you mean {h}?)")).unwrap_or_default()
                ),
            );
            return None;
        };
        Some(config)
    }

    /// `default_platform` applies when the file names no `computePlatform` (a scenario's
    /// own platform; Server for a create-deployment-config file, as in the API).
    pub(super) fn custom_config(
        &mut self,
        raw: &raw::RawDeploymentConfig,
        line: u64,
        column: u64,
        default_platform: ComputePlatform,
    ) -> Option<DeploymentConfig> {
        let name = match &raw.deployment_config_name {
            Some(n) if predefined::is_reserved(&n.value) => {
                // A create-deployment-config file may name a predefined config only to
                // describe it; a custom one may not take the reserved prefix (§2.1).
                if predefined::find(&n.value).is_some()
                    && raw.minimum_healthy_hosts.is_none()
                    && raw.traffic_routing_config.is_none()
                {
                    return predefined::find(&n.value);
                }
                self.problem(
                    n,
                    format!(
                        "custom configuration names may not start with CodeDeployDefault. (§2.1), found \"{}\"",
                        n.value
                    ),
                );
                None
            }
            Some(n) if n.value.trim().is_empty() => {
                self.problem(n, "deploymentConfigName must not be empty");
                None
            }
            Some(n) => Some(n.value.clone()),
            None => Some("Custom".to_string()),
        };
        let platform = match &raw.compute_platform {
            None => Some(default_platform),
            Some(p) => self.platform(p),
        };
        let rule = match (platform?, &raw.minimum_healthy_hosts, &raw.traffic_routing_config) {
            (ComputePlatform::Server, Some(m), None) => {
                let minimum = self.minimum_healthy_hosts(&m.value, "minimumHealthyHosts");
                let zonal = raw.zonal_config.as_ref().map(|z| self.zonal(&z.value));
                Some(ConfigRule::MinimumHealthy {
                    minimum: minimum?,
                    zonal: lift(zonal)?,
                })
            }
            (ComputePlatform::Server, None, _) => {
                self.problem_at(
                    line,
                    column,
                    "a Server configuration needs minimumHealthyHosts {type, value} (§2.1)",
                );
                None
            }
            (ComputePlatform::Server, Some(_), Some(t)) => {
                self.problem(
                    t,
                    "trafficRoutingConfig applies to ECS and Lambda configurations, not Server",
                );
                None
            }
            (_, Some(m), _) => {
                self.problem(
                    m,
                    "minimumHealthyHosts applies to Server configurations, not ECS or Lambda",
                );
                None
            }
            (_, None, None) => {
                self.problem_at(
                    line,
                    column,
                    "an ECS or Lambda configuration needs trafficRoutingConfig (§2.1)",
                );
                None
            }
            (_, None, Some(t)) => self.traffic_routing(&t.value).map(ConfigRule::TrafficRouting),
        };
        if let (Some(z), Some(p)) = (&raw.zonal_config, platform)
            && p != ComputePlatform::Server
        {
            self.problem(z, "zonalConfig applies only to EC2 in-place deployments (§2.6)");
        }
        Some(DeploymentConfig {
            name: name?,
            compute_platform: platform?,
            rule: rule?,
        })
    }

    /// §2.1 limits: HOST_COUNT any value ≥ 0; FLEET_PERCENT 0–99; MOST_CONCURRENCY cannot be set.
    pub(super) fn minimum_healthy_hosts(
        &mut self,
        raw: &RawMinimumHealthyHosts,
        field: &str,
    ) -> Option<MinimumHealthyHosts> {
        match raw.kind.value.as_str() {
            "HOST_COUNT" => self
                .int_in(
                    &raw.value,
                    &format!("{field}.value (HOST_COUNT)"),
                    0,
                    i64::from(u32::MAX),
                )
                .map(MinimumHealthyHosts::HostCount),
            "FLEET_PERCENT" => self
                .int_in(&raw.value, &format!("{field}.value (FLEET_PERCENT)"), 0, 99)
                .map(MinimumHealthyHosts::FleetPercent),
            "MOST_CONCURRENCY" => {
                self.problem(&raw.kind, "MOST_CONCURRENCY is reserved for CodeDeployDefault.OneAtATime; use HOST_COUNT or FLEET_PERCENT (§2.2)");
                None
            }
            other => {
                self.problem(
                    &raw.kind,
                    format!("{field}.type must be HOST_COUNT or FLEET_PERCENT, found \"{other}\""),
                );
                None
            }
        }
    }

    pub(super) fn zonal(&mut self, raw: &raw::RawZonalConfig) -> Option<ZonalConfig> {
        let mut secs = |v: &Option<Located<i64>>, field: &str| -> Option<Option<SimDuration>> {
            match v {
                None => Some(None),
                Some(v) => self
                    .int_in(v, field, 0, i64::from(u32::MAX))
                    .map(|s| Some(SimDuration::from_secs(u64::from(s)))),
            }
        };
        let first = secs(
            &raw.first_zone_monitor_duration_in_seconds,
            "firstZoneMonitorDurationInSeconds",
        );
        let monitor = secs(&raw.monitor_duration_in_seconds, "monitorDurationInSeconds");
        let per_zone = match &raw.minimum_healthy_hosts_per_zone {
            Some(m) => self.minimum_healthy_hosts(&m.value, "minimumHealthyHostsPerZone"),
            None => Some(MinimumHealthyHosts::FleetPercent(0)),
        };
        Some(ZonalConfig {
            first_zone_monitor_duration: first?,
            monitor_duration: monitor?,
            minimum_healthy_hosts_per_zone: per_zone?,
        })
    }

    /// §2.1: canary and linear steps of 1–99 %, whole minutes; at most 2880 minutes from the
    /// first to the last shift (§11).
    pub(super) fn traffic_routing(&mut self, raw: &raw::RawTrafficRoutingConfig) -> Option<TrafficRouting> {
        match raw.kind.value.as_str() {
            "AllAtOnce" => Some(TrafficRouting::AllAtOnce),
            "TimeBasedCanary" => {
                let Some(c) = &raw.time_based_canary else {
                    self.problem(
                        &raw.kind,
                        "TimeBasedCanary needs timeBasedCanary {canaryPercentage, canaryInterval}",
                    );
                    return None;
                };
                let p = self.int_in(&c.canary_percentage, "canaryPercentage", 1, 99);
                let i = self.int_in(&c.canary_interval, "canaryInterval (minutes)", 1, 2880);
                Some(TrafficRouting::TimeBasedCanary {
                    percentage: p?,
                    interval_minutes: i?,
                })
            }
            "TimeBasedLinear" => {
                let Some(c) = &raw.time_based_linear else {
                    self.problem(
                        &raw.kind,
                        "TimeBasedLinear needs timeBasedLinear {linearPercentage, linearInterval}",
                    );
                    return None;
                };
                let p = self.int_in(&c.linear_percentage, "linearPercentage", 1, 99)?;
                let i = self.int_in(&c.linear_interval, "linearInterval (minutes)", 1, 2880)?;
                let span = (100u32.div_ceil(p) - 1) * i;
                if span > 2880 {
                    self.problem(
                        &c.linear_interval,
                        format!(
                            "the first and last traffic shift would be {span} minutes apart; the limit is 2880 (§11)"
                        ),
                    );
                    return None;
                }
                Some(TrafficRouting::TimeBasedLinear {
                    percentage: p,
                    interval_minutes: i,
                })
            }
            other => {
                self.problem(
                    &raw.kind,
                    format!("trafficRoutingConfig.type must be AllAtOnce, TimeBasedCanary or TimeBasedLinear, found \"{other}\""),
                );
                None
            }
        }
    }
}
