//! EC2 blue/green scenarios: spec types, their YAML and their strategies.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::{
    Platform, SERVER_HOOKS, ScriptSpec, ServerFault, ServerSpec, alarms, arb_script, arb_server_config, auto_rollback,
    stop_deployment,
};

/// An EC2 blue/green scenario: a Server spec (always behind a load balancer, never a first
/// deployment, not zonal, rolling) plus `blueGreenDeploymentConfiguration`.
#[derive(Clone, Debug, PartialEq)]
pub struct Ec2BlueGreenSpec {
    /// The original fleet, scripts, faults and monitoring. Fault targets number both fleets:
    /// originals 0..N, replacements N..N+R.
    pub server: ServerSpec,
    /// `DISCOVER_EXISTING` with this many replacements; `None`: `COPY_AUTO_SCALING_GROUP`
    /// (as many as the originals).
    pub discover: Option<u32>,
    /// `STOP_DEPLOYMENT` with this wait (minutes) and, maybe, a ContinueDeployment after
    /// this many seconds of waiting; `None`: `CONTINUE_DEPLOYMENT`.
    pub ready: Option<(u32, Option<u32>)>,
    /// `TERMINATE` after this many minutes; `None`: `KEEP_ALIVE`.
    pub terminate_after_min: Option<u32>,
}

impl Ec2BlueGreenSpec {
    /// R, the replacement instances.
    pub fn replacements(&self) -> u32 {
        self.discover.unwrap_or(self.server.instances)
    }

    /// The scenario YAML.
    pub fn yaml(&self) -> String {
        let mut y = self
            .server
            .yaml()
            .replacen("generated-server", "generated-ec2-blue-green", 1);
        y += "blueGreenDeploymentConfiguration:\n";
        match self.discover {
            Some(r) => {
                let _ = writeln!(
                    y,
                    "  greenFleetProvisioningOption: {{action: DISCOVER_EXISTING, instances: {r}}}"
                );
            }
            None => y += "  greenFleetProvisioningOption: {action: COPY_AUTO_SCALING_GROUP}\n",
        }
        match self.ready {
            Some((wait, after)) => {
                let after = after.map(|a| format!(", continueAfter: {a}s")).unwrap_or_default();
                let _ = writeln!(
                    y,
                    "  deploymentReadyOption: {{actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes: {wait}{after}}}"
                );
            }
            None => y += "  deploymentReadyOption: {actionOnTimeout: CONTINUE_DEPLOYMENT}\n",
        }
        match self.terminate_after_min {
            Some(m) => {
                let _ = writeln!(
                    y,
                    "  terminateBlueInstancesOnDeploymentSuccess: {{action: TERMINATE, terminationWaitTimeInMinutes: {m}}}"
                );
            }
            None => y += "  terminateBlueInstancesOnDeploymentSuccess: {action: KEEP_ALIVE}\n",
        }
        y
    }
}

/// EC2 blue/green fault schedules: failing, hanging and slow scripts and failed health
/// checks on the replacements (`n..n + r`), a failing BeforeBlockTraffic on an original
/// when it has a script, instance stops in either fleet within `max_s`.
pub fn ec2_blue_green_faults(
    n: u32,
    r: u32,
    replacement_events: Vec<&'static str>,
    block_script: bool,
    max_s: u32,
) -> impl Strategy<Value = Vec<ServerFault>> {
    prop::collection::vec(
        (
            0u8..6,
            0..r,
            0..n + r,
            prop::sample::select(replacement_events),
            0..=max_s,
        ),
        0..=4,
    )
    .prop_map(move |raw| {
        raw.into_iter()
            .filter_map(|(kind, k, any, event, x)| {
                let target = n + k;
                match kind {
                    0 => Some(ServerFault::HookFails { target, event }),
                    1 => Some(ServerFault::HookHangs { target, event }),
                    2 => Some(ServerFault::SlowHook {
                        target,
                        event,
                        extra_s: x % 120,
                    }),
                    3 => Some(ServerFault::InstanceStops { target: any, at_s: x }),
                    4 => Some(ServerFault::FailsHealthChecks { target }),
                    _ => (block_script && any < n).then_some(ServerFault::HookFails {
                        target: any,
                        event: "BeforeBlockTraffic",
                    }),
                }
            })
            .collect()
    })
}

/// EC2 blue/green scenarios: 1–10 originals, a copied or discovered replacement fleet,
/// the predefined and custom configurations, scripts with random failures (including the
/// originals' BeforeBlockTraffic), faults in both fleets, an optional wait for
/// ContinueDeployment, a termination wait or KEEP_ALIVE, alarms, rollback and stop settings.
pub fn ec2_blue_green_spec() -> BoxedStrategy<Ec2BlueGreenSpec> {
    (1u32..=10, prop::option::weighted(0.3, 1u32..=10))
        .prop_flat_map(|(n, discover)| {
            let r = discover.unwrap_or(n);
            (
                Just((n, discover)),
                arb_server_config(r),
                prop::collection::vec(prop::option::weighted(0.5, arb_script()), SERVER_HOOKS.len()),
                prop::option::weighted(0.4, arb_script()),
                alarms(Platform::Server, n),
                auto_rollback(),
                stop_deployment(900),
                prop::option::weighted(0.3, (0u32..=20, prop::option::weighted(0.7, 0u32..=900))),
                prop::option::weighted(0.8, 0u32..=30),
            )
        })
        .prop_flat_map(
            |((n, discover), config, scripts, block, alarms, rollback, stop, ready, terminate)| {
                let mut hooks: Vec<(&'static str, ScriptSpec)> = SERVER_HOOKS
                    .iter()
                    .zip(scripts)
                    .filter_map(|(&e, s)| s.map(|s| (e, s)))
                    .collect();
                if let Some(b) = block {
                    hooks.insert(0, ("BeforeBlockTraffic", b));
                }
                let server = ServerSpec {
                    instances: n,
                    config,
                    load_balancer: true,
                    first_deployment: false,
                    hooks,
                    faults: Vec::new(),
                    zonal_monitor_s: None,
                    waves: false,
                    alarms,
                    rollback,
                    stop,
                };
                let base = Ec2BlueGreenSpec {
                    server,
                    discover,
                    ready,
                    terminate_after_min: terminate,
                };
                let events: Vec<&'static str> = base
                    .server
                    .fault_events()
                    .into_iter()
                    .filter(|e| !matches!(*e, "ApplicationStop" | "BeforeBlockTraffic"))
                    .collect();
                let faults = ec2_blue_green_faults(n, base.replacements(), events, block.is_some(), 1800);
                (Just(base), faults).prop_map(|(mut s, faults)| {
                    s.server.faults = faults;
                    s
                })
            },
        )
        .boxed()
}
