//! The 17 predefined configurations (§2.2–§2.4), by exact name.
//!
//! Server: `AllAtOnce` is HOST_COUNT 0, `HalfAtATime` FLEET_PERCENT 50, `OneAtATime`
//! MOST_CONCURRENCY 1 (what GetDeploymentConfig returns, §2.2). ECS and Lambda shapes are
//! read off their names (note the plural "Minutes" of the ECS linear names and the singular
//! "Minute" of `LambdaLinear10PercentEvery1Minute`).

use super::{ComputePlatform, ConfigRule, DeploymentConfig, MinimumHealthyHosts, TrafficRouting};

use ComputePlatform::{Ecs, Lambda, Server};
use TrafficRouting::{AllAtOnce, TimeBasedCanary, TimeBasedLinear};

/// Names in the order `cdsim configs` lists them.
pub const NAMES: [&str; 17] = [
    "CodeDeployDefault.AllAtOnce",
    "CodeDeployDefault.HalfAtATime",
    "CodeDeployDefault.OneAtATime",
    "CodeDeployDefault.ECSAllAtOnce",
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
    "CodeDeployDefault.ECSCanary10Percent5Minutes",
    "CodeDeployDefault.ECSCanary10Percent15Minutes",
    "CodeDeployDefault.LambdaAllAtOnce",
    "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    "CodeDeployDefault.LambdaCanary10Percent10Minutes",
    "CodeDeployDefault.LambdaCanary10Percent15Minutes",
    "CodeDeployDefault.LambdaCanary10Percent30Minutes",
    "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
    "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
    "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
    "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
];

/// All predefined configurations, in [`NAMES`] order.
pub fn all() -> Vec<DeploymentConfig> {
    NAMES
        .iter()
        .map(|n| find(n).expect("every listed name is defined"))
        .collect()
}

/// The predefined names of one compute platform, in [`NAMES`] order.
pub fn names_for(platform: ComputePlatform) -> Vec<&'static str> {
    NAMES
        .iter()
        .copied()
        .filter(|n| find(n).is_some_and(|c| c.compute_platform == platform))
        .collect()
}

/// The predefined configuration with exactly this name.
pub fn find(name: &str) -> Option<DeploymentConfig> {
    let (platform, rule) = match name {
        "CodeDeployDefault.AllAtOnce" => (Server, server(MinimumHealthyHosts::HostCount(0))),
        "CodeDeployDefault.HalfAtATime" => (Server, server(MinimumHealthyHosts::FleetPercent(50))),
        "CodeDeployDefault.OneAtATime" => (Server, server(MinimumHealthyHosts::MostConcurrency)),
        "CodeDeployDefault.ECSAllAtOnce" => (Ecs, Rule::Traffic(AllAtOnce)),
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes" => (Ecs, linear(1)),
        "CodeDeployDefault.ECSLinear10PercentEvery3Minutes" => (Ecs, linear(3)),
        "CodeDeployDefault.ECSCanary10Percent5Minutes" => (Ecs, canary(5)),
        "CodeDeployDefault.ECSCanary10Percent15Minutes" => (Ecs, canary(15)),
        "CodeDeployDefault.LambdaAllAtOnce" => (Lambda, Rule::Traffic(AllAtOnce)),
        "CodeDeployDefault.LambdaCanary10Percent5Minutes" => (Lambda, canary(5)),
        "CodeDeployDefault.LambdaCanary10Percent10Minutes" => (Lambda, canary(10)),
        "CodeDeployDefault.LambdaCanary10Percent15Minutes" => (Lambda, canary(15)),
        "CodeDeployDefault.LambdaCanary10Percent30Minutes" => (Lambda, canary(30)),
        "CodeDeployDefault.LambdaLinear10PercentEvery1Minute" => (Lambda, linear(1)),
        "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes" => (Lambda, linear(2)),
        "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes" => (Lambda, linear(3)),
        "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes" => (Lambda, linear(10)),
        _ => return None,
    };
    let rule = match rule {
        Rule::Server(minimum) => ConfigRule::MinimumHealthy { minimum, zonal: None },
        Rule::Traffic(t) => ConfigRule::TrafficRouting(t),
    };
    Some(DeploymentConfig {
        name: name.to_string(),
        compute_platform: platform,
        rule,
    })
}

/// Whether `name` is reserved for predefined configurations (custom names may not start
/// with `CodeDeployDefault.`, §2.1).
pub fn is_reserved(name: &str) -> bool {
    name.starts_with("CodeDeployDefault.")
}

enum Rule {
    Server(MinimumHealthyHosts),
    Traffic(TrafficRouting),
}

fn server(m: MinimumHealthyHosts) -> Rule {
    Rule::Server(m)
}

fn canary(minutes: u32) -> Rule {
    Rule::Traffic(TimeBasedCanary {
        percentage: 10,
        interval_minutes: minutes,
    })
}

fn linear(minutes: u32) -> Rule {
    Rule::Traffic(TimeBasedLinear {
        percentage: 10,
        interval_minutes: minutes,
    })
}
