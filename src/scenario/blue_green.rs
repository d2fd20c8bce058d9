//! The validated model of ECS and Lambda (traffic-shifting, always blue/green) deployments.
//!
//! Not here: the YAML mirror (`raw`) or the state machine (`platform::traffic_shift`).

use std::collections::BTreeMap;

use crate::config::traffic_routing::LinearEnd;
use crate::lifecycle::{DurationModel, LifecycleEventName};
use crate::load_balancer::HealthCheck;
use crate::time::SimDuration;
use crate::traffic::TrafficSpec;

/// An ECS or Lambda deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct BlueGreenDeployment {
    /// What is deployed to: an ECS service or a Lambda alias.
    pub target: ShiftTarget,
    /// Hook functions by lifecycle event; an event without one is `Skipped`.
    pub hooks: BTreeMap<LifecycleEventName, FunctionHook>,
    /// The requests and how each version answers them.
    pub traffic: TrafficSpec,
    /// When AllowTraffic ends for linear configurations (§2.5).
    pub linear_end: LinearEnd,
}

/// What traffic shifts between.
#[derive(Clone, Debug, PartialEq)]
pub enum ShiftTarget {
    /// An ECS service's task sets.
    Ecs(EcsService),
    /// A Lambda function's alias.
    Lambda(LambdaFunction),
}

/// An ECS service deployed blue/green: an original and a replacement task set (§4.2).
#[derive(Clone, Debug, PartialEq)]
pub struct EcsService {
    /// The cluster's name.
    pub cluster: String,
    /// The service's name.
    pub service: String,
    /// Tasks in each task set.
    pub tasks: u32,
    /// From the replacement task set's creation to a task's registration in target group 2.
    pub task_startup: DurationModel,
    /// Target group 2's health checks on the replacement's tasks.
    pub health_check: HealthCheck,
    /// A test listener routes test traffic to the replacement from AllowTestTraffic on.
    pub test_listener: bool,
    /// A Network Load Balancer (all-at-once routing only, §2.3).
    pub network_load_balancer: bool,
    /// When production traffic is rerouted.
    pub reroute: Reroute,
    /// How long the original task set is kept after traffic has moved (at most 2880 minutes,
    /// §11; the scenario gives it in minutes).
    pub termination_wait: SimDuration,
    /// Fault: the replacement's tasks never pass health checks.
    pub replacement_unhealthy: bool,
}

/// When production traffic is rerouted (`deploymentReadyOption`, §6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reroute {
    /// `actionOnTimeout: CONTINUE_DEPLOYMENT`: reroute as soon as the replacement is ready.
    Immediately,
    /// `actionOnTimeout: STOP_DEPLOYMENT`: wait (status `Ready`) for a ContinueDeployment;
    /// if none comes within `wait` (`waitTimeInMinutes`), the deployment is `Stopped`.
    WaitForContinue {
        /// How long to wait.
        wait: SimDuration,
        /// When the scenario calls ContinueDeployment, counted from the start of the wait.
        continue_after: Option<SimDuration>,
    },
}

/// A Lambda function's alias, shifted from one version to another (§4.3).
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaFunction {
    /// The function's name.
    pub function_name: String,
    /// The alias traffic shifts on.
    pub alias: String,
    /// The version the alias points to at the start.
    pub current_version: String,
    /// The version it shifts to.
    pub target_version: String,
}

/// A hook: one Lambda function, run once (§4.2, §4.4).
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionHook {
    /// The function's name.
    pub function: String,
    /// How long until it reports.
    pub duration: DurationModel,
    /// Probability that it reports `Failed`.
    pub failure_probability: f64,
    /// It never calls PutLifecycleEventHookExecutionStatus: the event fails after one hour.
    pub never_reports: bool,
}
