//! ECS blue/green scenarios: spec types, their YAML and their strategies.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::{
    AlarmsSpec, HookFnSpec, Platform, RollbackSpec, RoutingSpec, StopSpec, TrafficSpec, alarms, arb_hook_fns,
    arb_routing, auto_rollback, hook_functions_yaml, monitoring_yaml, stop_deployment, traffic,
};
use crate::config::{ComputePlatform, predefined};

/// An ECS blue/green scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct EcsSpec {
    /// The service's tasks.
    pub tasks: u32,
    /// The traffic routing.
    pub routing: RoutingSpec,
    /// Seconds until a replacement task registers.
    pub task_startup_s: u32,
    /// Whether a test listener routes test traffic.
    pub test_listener: bool,
    /// `terminationWaitTimeInMinutes`.
    pub termination_wait_min: u32,
    /// Hook functions by lifecycle event.
    pub hooks: Vec<(&'static str, HookFnSpec)>,
    /// `deploymentReadyOption`: wait for ContinueDeployment.
    pub ready: Option<ReadySpec>,
    /// `linearEnd: oneIntervalAfter`.
    pub linear_end_one_interval_after: bool,
    /// Fault: the replacement's tasks never pass health checks.
    pub replacement_tasks_unhealthy: bool,
    /// The requests.
    pub traffic: TrafficSpec,
    /// `alarmConfiguration`.
    pub alarms: Option<AlarmsSpec>,
    /// `autoRollbackConfiguration`.
    pub rollback: RollbackSpec,
    /// `stopDeployment`.
    pub stop: Option<StopSpec>,
}

/// ECS `deploymentReadyOption`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadySpec {
    /// `STOP_DEPLOYMENT` (else `CONTINUE_DEPLOYMENT`).
    pub stop_on_timeout: bool,
    /// `waitTimeInMinutes`.
    pub wait_min: u32,
    /// When the scenario calls ContinueDeployment, into the wait; never if `None`.
    pub continue_after_s: Option<u32>,
}

/// ECS hook events.
pub const ECS_HOOKS: [&str; 5] = [
    "BeforeInstall",
    "AfterInstall",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

impl EcsSpec {
    /// The scenario YAML.
    pub fn yaml(&self) -> String {
        let mut y = String::from("name: generated-ecs\ncomputePlatform: ECS\n");
        self.routing.yaml(&mut y);
        let _ = writeln!(
            y,
            "ecsService:\n  tasks: {}\n  taskStartup: {}s\n  healthCheck: {{interval: 10s, timeout: 5s}}\n  \
             testListener: {}\n  terminationWaitTimeInMinutes: {}",
            self.tasks, self.task_startup_s, self.test_listener, self.termination_wait_min
        );
        if let Some(r) = self.ready {
            let action = if r.stop_on_timeout {
                "STOP_DEPLOYMENT"
            } else {
                "CONTINUE_DEPLOYMENT"
            };
            let _ = write!(
                y,
                "  deploymentReadyOption: {{actionOnTimeout: {action}, waitTimeInMinutes: {}",
                r.wait_min
            );
            if let Some(c) = r.continue_after_s {
                let _ = write!(y, ", continueAfter: {c}s");
            }
            y.push_str("}\n");
        }
        if self.linear_end_one_interval_after {
            y.push_str("linearEnd: oneIntervalAfter\n");
        }
        hook_functions_yaml(&mut y, &self.hooks);
        self.traffic.yaml(&mut y);
        if self.replacement_tasks_unhealthy {
            y.push_str("faults:\n  - replacementTasksUnhealthy: {}\n");
        }
        monitoring_yaml(&mut y, &self.alarms, &self.rollback, &self.stop);
        y
    }
}

/// `deploymentReadyOption`: either action, a 1–30 minute wait, sometimes a
/// ContinueDeployment within 30 minutes.
pub fn ready() -> impl Strategy<Value = ReadySpec> {
    (any::<bool>(), 1u32..=30, prop::option::of(0u32..=1800)).prop_map(
        |(stop_on_timeout, wait_min, continue_after_s)| ReadySpec {
            stop_on_timeout,
            wait_min,
            continue_after_s,
        },
    )
}

/// ECS scenarios: 1–6 tasks, every predefined configuration and custom ones, hook
/// functions that fail or never report, a replacement that never becomes healthy, a bad
/// revision's error rate and latency, alarms, rollback and stop settings.
pub fn ecs_spec() -> impl Strategy<Value = EcsSpec> {
    (1u32..=6).prop_flat_map(|tasks| {
        (
            (
                Just(tasks),
                arb_routing(predefined::names_for(ComputePlatform::Ecs)),
                1u32..=90,
                any::<bool>(),
                0u32..=10,
                arb_hook_fns(&ECS_HOOKS),
                prop::bool::weighted(0.1),
            ),
            (prop::option::weighted(0.25, ready()), prop::bool::weighted(0.2)),
            traffic(),
            alarms(Platform::Ecs, tasks),
            auto_rollback(),
            stop_deployment(1800),
        )
            .prop_map(
                |(
                    (tasks, routing, startup, test_listener, wait, hooks, unhealthy),
                    (ready, linear_end),
                    traffic,
                    alarms,
                    rollback,
                    stop,
                )| {
                    EcsSpec {
                        tasks,
                        routing,
                        task_startup_s: startup,
                        test_listener,
                        termination_wait_min: wait,
                        hooks,
                        ready,
                        linear_end_one_interval_after: linear_end,
                        replacement_tasks_unhealthy: unhealthy,
                        traffic,
                        alarms,
                        rollback,
                        stop,
                    }
                },
            )
    })
}
