//! Histories on an EC2 blue/green group: spec type, its YAML and its strategy. The
//! requests are those of ECS and Lambda histories (`ShiftRequestSpec`); an "unhealthy"
//! request's first replacement never passes health checks.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::shift_history::{ShiftRequestSpec, request, write_history};

/// A history of deployment requests on one EC2 blue/green group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ec2HistorySpec {
    /// A predefined Server configuration's name.
    pub config: &'static str,
    /// Instances in the fleet (and in each replacement fleet).
    pub instances: u32,
    /// `autoRollbackConfiguration` with `DEPLOYMENT_FAILURE` and `DEPLOYMENT_STOP_ON_REQUEST`.
    pub auto_rollback: bool,
    /// Rerouting waits in Ready for a ContinueDeployment (at most 10 minutes).
    pub ready_wait: bool,
    /// Minutes the originals are kept (`None`: `KEEP_ALIVE`).
    pub termination_wait_min: Option<u32>,
    /// The requests, in time order.
    pub requests: Vec<ShiftRequestSpec>,
}

impl Ec2HistorySpec {
    /// The scenario YAML: revision `v1`'s scripts never fail, `v2`'s AfterAllowTraffic fails
    /// half the time, `v3`'s always.
    pub fn yaml(&self) -> String {
        let mut y = String::new();
        let _ = writeln!(
            y,
            "name: ec2-history\ndeploymentConfigName: {}\nfleet: {{instances: {}}}\nloadBalancer:\n  \
             deregistrationDelay: 300s\n  healthCheck: {{interval: 10s, timeout: 5s}}\nblueGreenDeploymentConfiguration:",
            self.config, self.instances
        );
        if self.ready_wait {
            y.push_str("  deploymentReadyOption: {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: 10}\n");
        }
        match self.termination_wait_min {
            Some(m) => {
                let _ = writeln!(
                    y,
                    "  terminateBlueInstancesOnDeploymentSuccess: {{action: TERMINATE, terminationWaitTimeInMinutes: \
                     {m}}}"
                );
            }
            None => y.push_str("  terminateBlueInstancesOnDeploymentSuccess: {action: KEEP_ALIVE}\n"),
        }
        if self.auto_rollback {
            y.push_str("autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST]}\n");
        }
        write_history(
            &mut y,
            &self.requests,
            |r| format!("v{r}"),
            |y, p| {
                let _ = writeln!(
                    y,
                    "    hooks:\n      BeforeInstall: [{{location: i.sh, timeout: 300, duration: {{uniform: {{min: 5s, \
                     max: 30s}}}}}}]\n      AfterAllowTraffic: [{{location: a.sh, timeout: 300, duration: 10s, \
                     failureProbability: {p}}}]"
                );
            },
            |y, r| {
                if r.unhealthy {
                    let _ = writeln!(y, "    faults: [{{failsHealthChecks: {{target: {}}}}}]", self.instances);
                }
            },
        );
        y
    }
}

/// Histories of one to five requests on an EC2 blue/green group of one to three
/// instances, some made while a deployment or its rollback is active, some failing,
/// stopped or continued.
pub fn ec2_history_spec() -> impl Strategy<Value = Ec2HistorySpec> {
    (
        prop_oneof![
            Just("CodeDeployDefault.AllAtOnce"),
            Just("CodeDeployDefault.HalfAtATime"),
            Just("CodeDeployDefault.OneAtATime"),
        ],
        1u32..=3,
        any::<bool>(),
        any::<bool>(),
        proptest::option::weighted(0.8, 0u32..=15),
        proptest::collection::vec(request(), 1..=5),
    )
        .prop_map(
            |(config, instances, auto_rollback, ready_wait, termination_wait_min, requests)| Ec2HistorySpec {
                config,
                instances,
                auto_rollback,
                ready_wait,
                termination_wait_min,
                requests,
            },
        )
}
