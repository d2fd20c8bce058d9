//! Deployment configurations (§2 of the CodeDeploy reference): what a configuration *is*.
//!
//! A configuration either keeps a minimum number of healthy hosts (EC2/on-premises, the
//! `Server` platform, optionally zonal) or routes traffic in steps (ECS and Lambda). This
//! module holds the model and the 17 predefined configurations; the pure planners that turn
//! a configuration into numbers live beside it (`minimum_healthy`, `traffic_routing`).
//!
//! Not here: reading configurations from files (scenario and input), or running them.

pub mod minimum_healthy;
pub mod predefined;
pub mod traffic_routing;
pub mod zonal;

pub use minimum_healthy::MinimumHealthyHosts;
pub use traffic_routing::TrafficRouting;
pub use zonal::ZonalConfig;

/// CodeDeploy's `ComputePlatform`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ComputePlatform {
    /// EC2/on-premises.
    Server,
    /// Amazon ECS.
    Ecs,
    /// AWS Lambda.
    Lambda,
}

impl ComputePlatform {
    /// From the API spelling.
    pub fn parse(s: &str) -> Option<ComputePlatform> {
        [ComputePlatform::Server, ComputePlatform::Ecs, ComputePlatform::Lambda]
            .into_iter()
            .find(|p| p.api_name() == s)
    }

    /// The API spelling: `Server`, `ECS`, `Lambda`.
    pub fn api_name(self) -> &'static str {
        match self {
            ComputePlatform::Server => "Server",
            ComputePlatform::Ecs => "ECS",
            ComputePlatform::Lambda => "Lambda",
        }
    }
}

/// A deployment configuration, predefined or custom.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentConfig {
    /// Its name (`CodeDeployDefault.…` for the predefined ones).
    pub name: String,
    /// The platform it applies to.
    pub compute_platform: ComputePlatform,
    /// What it prescribes.
    pub rule: ConfigRule,
}

/// What a configuration prescribes.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigRule {
    /// EC2/on-premises: keep at least this many hosts healthy (§2.2, §3), optionally one
    /// Availability Zone at a time (§2.6).
    MinimumHealthy {
        /// The minimum healthy hosts.
        minimum: MinimumHealthyHosts,
        /// The zonal settings, for a zonal configuration.
        zonal: Option<ZonalConfig>,
    },
    /// ECS and Lambda: shift traffic in steps (§2.3–§2.5).
    TrafficRouting(TrafficRouting),
}

impl DeploymentConfig {
    /// The default when neither the deployment nor the group names one (§2.1).
    pub fn default_server() -> DeploymentConfig {
        predefined::find("CodeDeployDefault.OneAtATime").expect("OneAtATime is predefined")
    }

    /// ECS and Lambda: the traffic routing (`None` for a Server configuration).
    pub fn traffic_routing(&self) -> Option<TrafficRouting> {
        match &self.rule {
            ConfigRule::TrafficRouting(r) => Some(*r),
            ConfigRule::MinimumHealthy { .. } => None,
        }
    }

    /// Server: the minimum healthy hosts and the zonal settings (`None` for ECS and Lambda).
    pub fn minimum_healthy(&self) -> Option<(MinimumHealthyHosts, Option<&ZonalConfig>)> {
        match &self.rule {
            ConfigRule::MinimumHealthy { minimum, zonal } => Some((*minimum, zonal.as_ref())),
            ConfigRule::TrafficRouting(_) => None,
        }
    }
}
