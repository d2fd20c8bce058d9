//! Histories on an ECS or Lambda group: spec types, their YAML and their strategy.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::Platform;

/// One deployment request of a generated ECS or Lambda history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftRequestSpec {
    /// The revision, 1 to 3: revision 2's AfterAllowTraffic hook fails half the time,
    /// revision 3's always.
    pub revision: u8,
    /// Seconds after the previous request (after 0 s for the first).
    pub gap_s: u32,
    /// ECS: the replacement task set never becomes healthy.
    pub unhealthy: bool,
    /// A StopDeployment this many seconds after the request, with or without a rollback.
    pub stop: Option<(u32, bool)>,
    /// ContinueDeployment calls: seconds after the request, and whether with
    /// `TERMINATION_WAIT`.
    pub continues: Vec<(u32, bool)>,
}

/// Writes the `history:` block of `requests` (ECS, Lambda and EC2 blue/green alike): each
/// request's revision, named by `name`, and time; the revision's hooks the first time it
/// is named, written by `hooks` given its AfterAllowTraffic failure probability (revision
/// 1 never fails, 2 half the time, 3 always); the request's faults, written by `faults`;
/// its StopDeployment and ContinueDeployment calls.
pub(super) fn write_history(
    y: &mut String,
    requests: &[ShiftRequestSpec],
    name: impl Fn(u8) -> String,
    hooks: impl Fn(&mut String, &str),
    faults: impl Fn(&mut String, &ShiftRequestSpec),
) {
    y.push_str("history:\n");
    let mut at = 0;
    let mut named = Vec::new();
    for r in requests {
        at += r.gap_s;
        let _ = writeln!(y, "  - revision: {}\n    at: {at}s", name(r.revision));
        if !named.contains(&r.revision) {
            named.push(r.revision);
            let p = match r.revision {
                1 => "0",
                2 => "0.5",
                _ => "1",
            };
            hooks(y, p);
        }
        faults(y, r);
        r.write_calls(y);
    }
}

impl ShiftRequestSpec {
    /// Its StopDeployment and ContinueDeployment calls, as a history request's fields.
    fn write_calls(&self, y: &mut String) {
        if let Some((after, rollback)) = self.stop {
            let _ = writeln!(
                y,
                "    stopDeployment: {{at: {after}s, autoRollbackEnabled: {rollback}}}"
            );
        }
        if !self.continues.is_empty() {
            y.push_str("    continueDeployment:\n");
            for &(after, termination) in &self.continues {
                let wait = if termination { "TERMINATION_WAIT" } else { "READY_WAIT" };
                let _ = writeln!(y, "      - {{at: {after}s, deploymentWaitType: {wait}}}");
            }
        }
    }
}

/// A history of deployment requests on one ECS service or Lambda alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftHistorySpec {
    /// ECS or Lambda.
    pub platform: Platform,
    /// A predefined configuration's name, of the platform.
    pub config: &'static str,
    /// `autoRollbackConfiguration` with `DEPLOYMENT_FAILURE` and `DEPLOYMENT_STOP_ON_REQUEST`.
    pub auto_rollback: bool,
    /// ECS: rerouting waits in Ready for a ContinueDeployment (at most 10 minutes).
    pub ready_wait: bool,
    /// ECS: minutes the original task set is kept.
    pub termination_wait_min: u32,
    /// The requests, in time order.
    pub requests: Vec<ShiftRequestSpec>,
}

impl ShiftHistorySpec {
    /// The name of revision `r` (Lambda: a version; the alias starts on version 1).
    fn name(&self, r: u8) -> String {
        match self.platform {
            Platform::Lambda => format!("'{}'", r + 1),
            _ => format!("v{r}"),
        }
    }

    /// The scenario YAML.
    pub fn yaml(&self) -> String {
        let mut y = String::new();
        let _ = writeln!(
            y,
            "name: shift-history\ncomputePlatform: {}\ndeploymentConfigName: {}",
            self.platform.as_str(),
            self.config
        );
        let first = self.requests.first().map_or(1, |r| r.revision);
        if self.platform == Platform::Lambda {
            let _ = writeln!(
                y,
                "lambdaFunction: {{functionName: f, alias: live, currentVersion: '1', targetVersion: {}}}",
                self.name(first)
            );
        } else {
            let _ = writeln!(
                y,
                "ecsService:\n  tasks: 2\n  taskStartup: {{uniform: {{min: 10s, max: 40s}}}}\n  \
                 terminationWaitTimeInMinutes: {}",
                self.termination_wait_min
            );
            if self.ready_wait {
                y.push_str("  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 10}\n");
            }
        }
        y.push_str("traffic: {requestRate: 5}\n");
        if self.auto_rollback {
            y.push_str("autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]}\n");
        }
        write_history(
            &mut y,
            &self.requests,
            |r| self.name(r),
            |y, p| {
                let _ = writeln!(
                    y,
                    "    hookFunctions: {{AfterAllowTraffic: {{function: post, duration: 20s, failureProbability: {p}}}}}"
                );
            },
            |y, r| {
                if r.unhealthy && self.platform == Platform::Ecs {
                    y.push_str("    faults: [{replacementTasksUnhealthy: {}}]\n");
                }
            },
        );
        y
    }
}

pub(super) fn request() -> impl Strategy<Value = ShiftRequestSpec> {
    (
        1u8..=3,
        prop_oneof![Just(0u32), 0u32..600, 0u32..3600],
        proptest::bool::weighted(0.15),
        proptest::option::weighted(0.2, (0u32..900, any::<bool>())),
        proptest::collection::vec((0u32..1200, proptest::bool::weighted(0.3)), 0..=3),
    )
        .prop_map(|(revision, gap_s, unhealthy, stop, continues)| ShiftRequestSpec {
            revision,
            gap_s,
            unhealthy,
            stop,
            continues,
        })
}

/// Histories of one to five requests on an ECS service or a Lambda alias, some made while a
/// deployment is active, some failing, stopped or continued.
pub fn shift_history_spec() -> impl Strategy<Value = ShiftHistorySpec> {
    (
        prop_oneof![
            Just((Platform::Ecs, "CodeDeployDefault.ECSAllAtOnce")),
            Just((Platform::Ecs, "CodeDeployDefault.ECSCanary10Percent5Minutes")),
            Just((Platform::Ecs, "CodeDeployDefault.ECSLinear10PercentEvery1Minutes")),
            Just((Platform::Lambda, "CodeDeployDefault.LambdaAllAtOnce")),
            Just((Platform::Lambda, "CodeDeployDefault.LambdaCanary10Percent5Minutes")),
            Just((Platform::Lambda, "CodeDeployDefault.LambdaLinear10PercentEvery1Minute")),
        ],
        any::<bool>(),
        any::<bool>(),
        0u32..=15,
        proptest::collection::vec(request(), 1..=5),
    )
        .prop_map(
            |((platform, config), auto_rollback, ready_wait, termination_wait_min, requests)| ShiftHistorySpec {
                platform,
                config,
                auto_rollback,
                ready_wait,
                termination_wait_min,
                requests,
            },
        )
}
