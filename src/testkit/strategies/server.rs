//! Server (EC2/on-premises, in place) scenarios: spec types, their YAML and their strategies.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::{AlarmsSpec, Platform, RollbackSpec, StopSpec, alarms, auto_rollback, monitoring_yaml, stop_deployment};

/// A Server deployment configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerConfig {
    /// `CodeDeployDefault.AllAtOnce`.
    AllAtOnce,
    /// `CodeDeployDefault.HalfAtATime`.
    HalfAtATime,
    /// `CodeDeployDefault.OneAtATime`.
    OneAtATime,
    /// Custom `HOST_COUNT`.
    HostCount(u32),
    /// Custom `FLEET_PERCENT`.
    FleetPercent(u32),
}

/// One script of an in-place hook.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScriptSpec {
    /// How long the script runs, in seconds.
    pub duration_s: u32,
    /// Its timeout, in seconds.
    pub timeout_s: u32,
    /// The chance that it exits non-zero.
    pub failure_probability: f64,
}

/// A fault injected into an in-place deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerFault {
    /// The bad revision's script fails on this instance.
    HookFails {
        /// The instance.
        target: u32,
        /// The lifecycle event.
        event: &'static str,
    },
    /// The script hangs until its timeout.
    HookHangs {
        /// The instance.
        target: u32,
        /// The lifecycle event.
        event: &'static str,
    },
    /// The script takes `extra_s` longer.
    SlowHook {
        /// The instance.
        target: u32,
        /// The lifecycle event.
        event: &'static str,
        /// Extra seconds.
        extra_s: u32,
    },
    /// The instance stops at `at_s`.
    InstanceStops {
        /// The instance.
        target: u32,
        /// Seconds after the deployment's creation.
        at_s: u32,
    },
    /// The new revision never passes health checks (needs a load balancer).
    FailsHealthChecks {
        /// The instance.
        target: u32,
    },
}

/// An EC2/on-premises in-place scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerSpec {
    /// N, the number of instances.
    pub instances: u32,
    /// The deployment configuration.
    pub config: ServerConfig,
    /// Whether the group has a load balancer.
    pub load_balancer: bool,
    /// `fleet.firstDeployment`.
    pub first_deployment: bool,
    /// Scripts per scriptable event, in lifecycle order.
    pub hooks: Vec<(&'static str, ScriptSpec)>,
    /// The injected faults.
    pub faults: Vec<ServerFault>,
    /// Three Availability Zones and, with a custom configuration, a zonal configuration
    /// with this monitor duration (seconds).
    pub zonal_monitor_s: Option<u32>,
    /// `instanceScheduling: waves`.
    pub waves: bool,
    /// `alarmConfiguration`.
    pub alarms: Option<AlarmsSpec>,
    /// `autoRollbackConfiguration`.
    pub rollback: RollbackSpec,
    /// `stopDeployment`.
    pub stop: Option<StopSpec>,
}

/// The scriptable in-place events the generator gives scripts to.
pub const SERVER_HOOKS: [&str; 5] = [
    "ApplicationStop",
    "BeforeInstall",
    "ApplicationStart",
    "ValidateService",
    "BeforeAllowTraffic",
];

impl ServerSpec {
    /// The scenario YAML.
    pub fn yaml(&self) -> String {
        let mut y = String::from("name: generated-server\ncomputePlatform: Server\n");
        match self.config {
            ServerConfig::AllAtOnce => y += "deploymentConfigName: CodeDeployDefault.AllAtOnce\n",
            ServerConfig::HalfAtATime => y += "deploymentConfigName: CodeDeployDefault.HalfAtATime\n",
            ServerConfig::OneAtATime => y += "deploymentConfigName: CodeDeployDefault.OneAtATime\n",
            ServerConfig::HostCount(v) => {
                let _ = writeln!(
                    y,
                    "deploymentConfig: {{minimumHealthyHosts: {{type: HOST_COUNT, value: {v}}}{}}}",
                    self.zonal_yaml()
                );
            }
            ServerConfig::FleetPercent(v) => {
                let _ = writeln!(
                    y,
                    "deploymentConfig: {{minimumHealthyHosts: {{type: FLEET_PERCENT, value: {v}}}{}}}",
                    self.zonal_yaml()
                );
            }
        }
        let _ = writeln!(y, "fleet:\n  instances: {}", self.instances);
        if self.zonal_monitor_s.is_some() {
            y += "  availabilityZones: [az-a, az-b, az-c]\n";
        }
        if self.first_deployment {
            y += "  firstDeployment: true\n";
        }
        if self.waves {
            y += "instanceScheduling: waves\n";
        }
        if self.load_balancer {
            y += "loadBalancer: {deregistrationDelay: 10s, healthCheck: {interval: 10s, timeout: 5s}}\n";
        }
        let hooks: Vec<_> = self
            .hooks
            .iter()
            .filter(|(e, _)| self.load_balancer || !e.contains("Traffic"))
            .collect();
        if !hooks.is_empty() {
            y += "hooks:\n";
            for (event, s) in hooks {
                let _ = writeln!(
                    y,
                    "  {event}: [{{location: scripts/{event}.sh, duration: {}s, timeout: {}, failureProbability: {}}}]",
                    s.duration_s, s.timeout_s, s.failure_probability
                );
            }
        }
        if !self.faults.is_empty() {
            y += "faults:\n";
            for f in &self.faults {
                let line = match f {
                    ServerFault::HookFails { target, event } => {
                        format!("hookFails: {{target: {target}, event: {event}}}")
                    }
                    ServerFault::HookHangs { target, event } => {
                        format!("hookHangs: {{target: {target}, event: {event}}}")
                    }
                    ServerFault::SlowHook { target, event, extra_s } => {
                        format!("slowHook: {{target: {target}, event: {event}, extra: {extra_s}s}}")
                    }
                    ServerFault::InstanceStops { target, at_s } => {
                        format!("instanceStops: {{target: {target}, at: {at_s}s}}")
                    }
                    ServerFault::FailsHealthChecks { target } => format!("failsHealthChecks: {{target: {target}}}"),
                };
                let _ = writeln!(y, "  - {line}");
            }
        }
        monitoring_yaml(&mut y, &self.alarms, &self.rollback, &self.stop);
        y
    }

    /// `, zonalConfig: {…}` for a custom configuration over zones, else nothing.
    fn zonal_yaml(&self) -> String {
        self.zonal_monitor_s
            .map(|m| format!(", zonalConfig: {{monitorDurationInSeconds: {m}}}"))
            .unwrap_or_default()
    }

    /// Events faults may name: scripted hooks that run, and the agent's steps.
    pub(super) fn fault_events(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self
            .hooks
            .iter()
            .map(|(e, _)| *e)
            .filter(|e| self.load_balancer || !e.contains("Traffic"))
            .collect();
        v.extend(["DownloadBundle", "Install"]);
        v
    }
}

pub(super) fn arb_server_config(n: u32) -> impl Strategy<Value = ServerConfig> {
    prop_oneof![
        1 => Just(ServerConfig::AllAtOnce),
        2 => Just(ServerConfig::HalfAtATime),
        2 => Just(ServerConfig::OneAtATime),
        1 => (0..n).prop_map(ServerConfig::HostCount),
        1 => (0u32..=90).prop_map(ServerConfig::FleetPercent),
    ]
}

pub(super) fn arb_script() -> impl Strategy<Value = ScriptSpec> {
    (
        1u32..=60,
        prop::sample::select(&[30u32, 120, 600][..]),
        prop::sample::select(&[0.0, 0.0, 0.02, 0.2][..]),
    )
        .prop_map(|(duration_s, timeout_s, failure_probability)| ScriptSpec {
            duration_s,
            timeout_s,
            failure_probability,
        })
}

/// In-place fault schedules for `n` instances: failing, hanging and slow scripts on
/// `events`, instance stops within `max_s`, and (with a load balancer) failed health checks.
pub fn server_faults(
    n: u32,
    events: Vec<&'static str>,
    load_balancer: bool,
    max_s: u32,
) -> impl Strategy<Value = Vec<ServerFault>> {
    let events = if events.is_empty() {
        vec!["DownloadBundle", "Install"]
    } else {
        events
    };
    prop::collection::vec((0u8..5, 0..n, prop::sample::select(events), 0..=max_s), 0..=4).prop_map(move |raw| {
        raw.into_iter()
            .filter_map(|(kind, target, event, x)| match kind {
                0 => Some(ServerFault::HookFails { target, event }),
                1 => Some(ServerFault::HookHangs { target, event }),
                2 => Some(ServerFault::SlowHook {
                    target,
                    event,
                    extra_s: x % 120,
                }),
                3 => Some(ServerFault::InstanceStops { target, at_s: x }),
                _ => load_balancer.then_some(ServerFault::FailsHealthChecks { target }),
            })
            .collect()
    })
}

/// Server in-place scenarios: 1–12 instances, the predefined and custom configurations,
/// with or without a load balancer, sometimes a first deployment, scripts with random
/// failures, a fault schedule, alarms, rollback and stop settings.
pub fn server_spec() -> impl Strategy<Value = ServerSpec> {
    (1u32..=12)
        .prop_flat_map(|n| {
            (
                Just(n),
                arb_server_config(n),
                any::<bool>(),
                prop::bool::weighted(0.15),
                prop::collection::vec(prop::option::weighted(0.5, arb_script()), SERVER_HOOKS.len()),
                alarms(Platform::Server, n),
                auto_rollback(),
                stop_deployment(600),
                (prop::option::weighted(0.2, 0u32..=120), prop::bool::weighted(0.2)),
            )
        })
        .prop_flat_map(
            |(n, config, lb, first, scripts, alarms, rollback, stop, (zonal, waves))| {
                let hooks: Vec<(&'static str, ScriptSpec)> = SERVER_HOOKS
                    .iter()
                    .zip(scripts)
                    .filter_map(|(&e, s)| s.map(|s| (e, s)))
                    .collect();
                let base = ServerSpec {
                    instances: n,
                    config,
                    load_balancer: lb,
                    first_deployment: first,
                    hooks,
                    faults: Vec::new(),
                    zonal_monitor_s: zonal,
                    waves,
                    alarms,
                    rollback,
                    stop,
                };
                let faults = server_faults(n, base.fault_events(), lb, 900);
                (Just(base), faults).prop_map(|(mut s, faults)| {
                    s.faults = faults;
                    s
                })
            },
        )
}
