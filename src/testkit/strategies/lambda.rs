//! Lambda alias scenarios: spec types, their YAML and their strategies.

use proptest::prelude::*;

use super::{
    AlarmsSpec, HookFnSpec, Platform, RollbackSpec, RoutingSpec, StopSpec, TrafficSpec, alarms, arb_hook_fns,
    arb_routing, auto_rollback, hook_functions_yaml, monitoring_yaml, stop_deployment, traffic,
};
use crate::config::{ComputePlatform, predefined};

/// A Lambda alias scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaSpec {
    /// The traffic routing.
    pub routing: RoutingSpec,
    /// `linearEnd: oneIntervalAfter`.
    pub linear_end_one_interval_after: bool,
    /// Hook functions by lifecycle event.
    pub hooks: Vec<(&'static str, HookFnSpec)>,
    /// The requests.
    pub traffic: TrafficSpec,
    /// `alarmConfiguration`.
    pub alarms: Option<AlarmsSpec>,
    /// `autoRollbackConfiguration`.
    pub rollback: RollbackSpec,
    /// `stopDeployment`.
    pub stop: Option<StopSpec>,
}

/// Lambda hook events (SAM's PreTraffic and PostTraffic).
pub const LAMBDA_HOOKS: [&str; 2] = ["BeforeAllowTraffic", "AfterAllowTraffic"];

impl LambdaSpec {
    /// The scenario YAML.
    pub fn yaml(&self) -> String {
        let mut y = String::from("name: generated-lambda\ncomputePlatform: Lambda\n");
        self.routing.yaml(&mut y);
        y.push_str("lambdaFunction: {functionName: fn, alias: live, currentVersion: \"1\", targetVersion: \"2\"}\n");
        if self.linear_end_one_interval_after {
            y.push_str("linearEnd: oneIntervalAfter\n");
        }
        hook_functions_yaml(&mut y, &self.hooks);
        self.traffic.yaml(&mut y);
        monitoring_yaml(&mut y, &self.alarms, &self.rollback, &self.stop);
        y
    }
}

/// Lambda scenarios: every predefined configuration and custom ones, PreTraffic and
/// PostTraffic hooks, a bad version's error rate and latency, alarms, rollback and stop
/// settings.
pub fn lambda_spec() -> impl Strategy<Value = LambdaSpec> {
    (
        arb_routing(predefined::names_for(ComputePlatform::Lambda)),
        prop::bool::weighted(0.2),
        arb_hook_fns(&LAMBDA_HOOKS),
        traffic(),
        alarms(Platform::Lambda, 0),
        auto_rollback(),
        stop_deployment(1800),
    )
        .prop_map(
            |(routing, linear_end, hooks, traffic, alarms, rollback, stop)| LambdaSpec {
                routing,
                linear_end_one_interval_after: linear_end,
                hooks,
                traffic,
                alarms,
                rollback,
                stop,
            },
        )
}
