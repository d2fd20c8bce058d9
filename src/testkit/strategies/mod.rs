//! proptest strategies that generate scenarios on every platform: Server (EC2/on-premises,
//! in place), ECS and Lambda, with fault schedules, alarm configurations (metric series
//! included), `autoRollbackConfiguration` and `stopDeployment`.
//!
//! Each generated [`Case`] holds a small spec struct ([`ScenarioSpec`]: what the scenario
//! says, in plain fields), the scenario YAML written from it, and a seed. Properties load the
//! YAML with [`Case::scenario`] (so the reader and the validator are exercised too) and run
//! it with [`Case::simulate`]. To test your own settings, generate cases and overwrite the
//! fields you fix with [`Case::edit`], which rewrites the YAML:
//!
//! ```
//! use cdsim::testkit::strategies::{self, AlarmSpec, AlarmsSpec, MetricSpec, RollbackSpec, Version};
//! use proptest::strategy::Strategy;
//!
//! let mine = AlarmsSpec::one(AlarmSpec::new("errors", MetricSpec::ErrorRate(Version::Replacement), 0.05));
//! let cases = strategies::lambda_case().prop_map(move |c| {
//!     c.edit(|s| {
//!         let m = s.monitoring();
//!         *m.alarms = Some(mine.clone());
//!         *m.rollback = RollbackSpec::ALL;
//!     })
//! });
//! # let _ = cases;
//! ```
//!
//! Sizes are kept small (at most 12 instances, 6 tasks, a few hours of simulated time), so
//! that a case runs in milliseconds even in a debug build.

use std::fmt::Write as _;

use proptest::prelude::*;

use crate::config::{ComputePlatform, predefined};
use crate::report::Report;
use crate::scenario::{self, Problems, Scenario};
use crate::simulation;

// ----- shared pieces -----------------------------------------------------------------------

/// The compute platform of a generated scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Server,
    Ecs,
    Lambda,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Server => "Server",
            Platform::Ecs => "ECS",
            Platform::Lambda => "Lambda",
        }
    }
}

/// `autoRollbackConfiguration`: which endings roll back. All false: the section is left out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RollbackSpec {
    /// `DEPLOYMENT_FAILURE`.
    pub on_failure: bool,
    /// `DEPLOYMENT_STOP_ON_ALARM`.
    pub on_alarm: bool,
    /// `DEPLOYMENT_STOP_ON_REQUEST`.
    pub on_request: bool,
    /// Write `enabled: false` (with the events): no event rolls back.
    pub disabled: bool,
}

impl RollbackSpec {
    /// Every event rolls back.
    pub const ALL: RollbackSpec = RollbackSpec {
        on_failure: true,
        on_alarm: true,
        on_request: true,
        disabled: false,
    };

    fn yaml(&self, y: &mut String) {
        let events: Vec<&str> = [
            (self.on_failure, "DEPLOYMENT_FAILURE"),
            (self.on_alarm, "DEPLOYMENT_STOP_ON_ALARM"),
            (self.on_request, "DEPLOYMENT_STOP_ON_REQUEST"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if events.is_empty() {
            return;
        }
        let enabled = if self.disabled { "enabled: false, " } else { "" };
        let _ = writeln!(
            y,
            "autoRollbackConfiguration: {{{enabled}events: [{}]}}",
            events.join(", ")
        );
    }
}

/// `stopDeployment`: a StopDeployment request at `at_s` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopSpec {
    pub at_s: u32,
    /// `None`: `DEPLOYMENT_STOP_ON_REQUEST` decides.
    pub auto_rollback_enabled: Option<bool>,
}

impl StopSpec {
    fn yaml(&self, y: &mut String) {
        let _ = write!(y, "stopDeployment: {{at: {}s", self.at_s);
        if let Some(b) = self.auto_rollback_enabled {
            let _ = write!(y, ", autoRollbackEnabled: {b}");
        }
        y.push_str("}\n");
    }
}

/// Which version a traffic metric watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Original,
    Replacement,
    All,
}

impl Version {
    fn as_str(self) -> &'static str {
        match self {
            Version::Original => "original",
            Version::Replacement => "replacement",
            Version::All => "all",
        }
    }
}

/// What an alarm watches.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricSpec {
    /// ECS and Lambda.
    ErrorRate(Version),
    /// ECS and Lambda.
    ErrorCount(Version),
    /// ECS and Lambda, milliseconds.
    LatencyP99(Version),
    /// Server (in-service instances) and ECS (healthy tasks).
    HealthyCount,
    /// A metric series given as data: `(from_s, value)`, in increasing `from_s`; `None` is
    /// missing data from then on.
    Injected(Vec<(u32, Option<f64>)>),
}

/// One CloudWatch alarm.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmSpec {
    pub name: String,
    pub metric: MetricSpec,
    /// 60 or 120 (a multiple of the 60 s metric period on every platform).
    pub period_s: u32,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub threshold: f64,
    /// `GreaterThanThreshold`, `LessThanThreshold`, …
    pub comparison: &'static str,
    /// `missing`, `ignore`, `breaching`, `notBreaching`.
    pub treat_missing_data: &'static str,
    /// `initialState: ALARM`: already firing when the deployment starts.
    pub initially_in_alarm: bool,
}

impl AlarmSpec {
    /// A one-minute, 1-of-1 `GreaterThanThreshold` alarm, missing data `notBreaching`.
    pub fn new(name: &str, metric: MetricSpec, threshold: f64) -> AlarmSpec {
        AlarmSpec {
            name: name.to_string(),
            metric,
            period_s: 60,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
            threshold,
            comparison: "GreaterThanThreshold",
            treat_missing_data: "notBreaching",
            initially_in_alarm: false,
        }
    }

    fn yaml(&self, y: &mut String) {
        let metric = match &self.metric {
            MetricSpec::ErrorRate(v) => format!("errorRate, version: {}", v.as_str()),
            MetricSpec::ErrorCount(v) => format!("errorCount, version: {}", v.as_str()),
            MetricSpec::LatencyP99(v) => format!("latencyP99, version: {}", v.as_str()),
            MetricSpec::HealthyCount => "healthyCount".to_string(),
            MetricSpec::Injected(values) => {
                let points: Vec<String> = values
                    .iter()
                    .map(|(from, v)| match v {
                        Some(v) => format!("{{from: {from}s, value: {v}}}"),
                        None => format!("{{from: {from}s}}"),
                    })
                    .collect();
                format!("injected, values: [{}]", points.join(", "))
            }
        };
        let _ = write!(
            y,
            "    - {{name: {}, metric: {metric}, period: {}s, evaluationPeriods: {}, datapointsToAlarm: {}, \
             threshold: {}, comparisonOperator: {}, treatMissingData: {}",
            self.name,
            self.period_s,
            self.evaluation_periods,
            self.datapoints_to_alarm,
            self.threshold,
            self.comparison,
            self.treat_missing_data
        );
        if self.initially_in_alarm {
            y.push_str(", initialState: ALARM");
        }
        y.push_str("}\n");
    }
}

/// `alarmConfiguration`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmsSpec {
    pub alarms: Vec<AlarmSpec>,
    /// `None`: the default 60 s.
    pub poll_interval_s: Option<u32>,
    pub ignore_poll_alarm_failure: bool,
    /// Windows `[from_s, to_s)` when alarm states cannot be read.
    pub unreadable: Vec<(u32, u32)>,
}

impl AlarmsSpec {
    /// One alarm, default polling.
    pub fn one(alarm: AlarmSpec) -> AlarmsSpec {
        AlarmsSpec {
            alarms: vec![alarm],
            poll_interval_s: None,
            ignore_poll_alarm_failure: false,
            unreadable: Vec::new(),
        }
    }

    fn yaml(&self, y: &mut String) {
        y.push_str("alarmConfiguration:\n");
        if let Some(p) = self.poll_interval_s {
            let _ = writeln!(y, "  pollInterval: {p}s");
        }
        if self.ignore_poll_alarm_failure {
            y.push_str("  ignorePollAlarmFailure: true\n");
        }
        if !self.unreadable.is_empty() {
            let w: Vec<String> = self
                .unreadable
                .iter()
                .map(|(a, b)| format!("{{from: {a}s, to: {b}s}}"))
                .collect();
            let _ = writeln!(y, "  unreadable: [{}]", w.join(", "));
        }
        y.push_str("  alarms:\n");
        for a in &self.alarms {
            a.yaml(y);
        }
    }
}

/// The monitoring sections every platform shares.
fn monitoring_yaml(y: &mut String, alarms: &Option<AlarmsSpec>, rollback: &RollbackSpec, stop: &Option<StopSpec>) {
    if let Some(a) = alarms {
        a.yaml(y);
    }
    rollback.yaml(y);
    if let Some(s) = stop {
        s.yaml(y);
    }
}

// ----- Server ------------------------------------------------------------------------------

/// A Server deployment configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerConfig {
    AllAtOnce,
    HalfAtATime,
    OneAtATime,
    /// Custom `HOST_COUNT`.
    HostCount(u32),
    /// Custom `FLEET_PERCENT`.
    FleetPercent(u32),
}

/// One script of an in-place hook.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScriptSpec {
    pub duration_s: u32,
    pub timeout_s: u32,
    pub failure_probability: f64,
}

/// A fault injected into an in-place deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerFault {
    /// The bad revision's script fails on this instance.
    HookFails { target: u32, event: &'static str },
    /// The script hangs until its timeout.
    HookHangs { target: u32, event: &'static str },
    /// The script takes `extra_s` longer.
    SlowHook {
        target: u32,
        event: &'static str,
        extra_s: u32,
    },
    /// The instance stops at `at_s`.
    InstanceStops { target: u32, at_s: u32 },
    /// The new revision never passes health checks (needs a load balancer).
    FailsHealthChecks { target: u32 },
}

/// An EC2/on-premises in-place scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerSpec {
    pub instances: u32,
    pub config: ServerConfig,
    pub load_balancer: bool,
    pub first_deployment: bool,
    /// Scripts per scriptable event, in lifecycle order.
    pub hooks: Vec<(&'static str, ScriptSpec)>,
    pub faults: Vec<ServerFault>,
    /// Three Availability Zones and, with a custom configuration, a zonal configuration
    /// with this monitor duration (seconds).
    pub zonal_monitor_s: Option<u32>,
    /// `instanceScheduling: waves`.
    pub waves: bool,
    pub alarms: Option<AlarmsSpec>,
    pub rollback: RollbackSpec,
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
    fn fault_events(&self) -> Vec<&'static str> {
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

// ----- EC2 blue/green ------------------------------------------------------------------------

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

// ----- ECS and Lambda ----------------------------------------------------------------------

/// A traffic-routing configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutingSpec {
    /// A predefined configuration, by name.
    Predefined(&'static str),
    /// Custom `TimeBasedCanary`.
    Canary { percent: u32, interval_min: u32 },
    /// Custom `TimeBasedLinear`.
    Linear { percent: u32, interval_min: u32 },
}

impl RoutingSpec {
    fn yaml(&self, y: &mut String) {
        match self {
            RoutingSpec::Predefined(name) => {
                let _ = writeln!(y, "deploymentConfigName: {name}");
            }
            RoutingSpec::Canary { percent, interval_min } => {
                let _ = writeln!(
                    y,
                    "deploymentConfig: {{trafficRoutingConfig: {{type: TimeBasedCanary, timeBasedCanary: \
                     {{canaryPercentage: {percent}, canaryInterval: {interval_min}}}}}}}"
                );
            }
            RoutingSpec::Linear { percent, interval_min } => {
                let _ = writeln!(
                    y,
                    "deploymentConfig: {{trafficRoutingConfig: {{type: TimeBasedLinear, timeBasedLinear: \
                     {{linearPercentage: {percent}, linearInterval: {interval_min}}}}}}}"
                );
            }
        }
    }
}

/// How one version answers requests: the bad revision's error rate and latency.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Behaviour {
    pub error_rate: f64,
    /// Median latency, milliseconds (lognormal, sigma 0.5).
    pub latency_median_ms: u32,
}

/// `traffic`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrafficSpec {
    pub request_rate: u32,
    pub original: Behaviour,
    pub replacement: Behaviour,
}

impl TrafficSpec {
    fn yaml(&self, y: &mut String) {
        let b = |b: &Behaviour| {
            format!(
                "{{errorRate: {}, latency: {{median: {}ms, sigma: 0.5}}}}",
                b.error_rate, b.latency_median_ms
            )
        };
        let _ = writeln!(
            y,
            "traffic: {{requestRate: {}, original: {}, replacement: {}}}",
            self.request_rate,
            b(&self.original),
            b(&self.replacement)
        );
    }
}

/// A hook function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HookFnSpec {
    pub duration_s: u32,
    pub failure_probability: f64,
    /// Never reports: the event fails after one hour.
    pub never_reports: bool,
}

fn hook_functions_yaml(y: &mut String, hooks: &[(&'static str, HookFnSpec)]) {
    if hooks.is_empty() {
        return;
    }
    y.push_str("hookFunctions:\n");
    for (event, h) in hooks {
        let _ = write!(
            y,
            "  {event}: {{function: hook-{event}, duration: {}s, failureProbability: {}",
            h.duration_s, h.failure_probability
        );
        if h.never_reports {
            y.push_str(", neverReports: true");
        }
        y.push_str("}\n");
    }
}

/// An ECS blue/green scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct EcsSpec {
    pub tasks: u32,
    pub routing: RoutingSpec,
    pub task_startup_s: u32,
    pub test_listener: bool,
    pub termination_wait_min: u32,
    pub hooks: Vec<(&'static str, HookFnSpec)>,
    /// `deploymentReadyOption`: wait for ContinueDeployment.
    pub ready: Option<ReadySpec>,
    /// `linearEnd: oneIntervalAfter`.
    pub linear_end_one_interval_after: bool,
    /// Fault: the replacement's tasks never pass health checks.
    pub replacement_tasks_unhealthy: bool,
    pub traffic: TrafficSpec,
    pub alarms: Option<AlarmsSpec>,
    pub rollback: RollbackSpec,
    pub stop: Option<StopSpec>,
}

/// ECS `deploymentReadyOption`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadySpec {
    /// `STOP_DEPLOYMENT` (else `CONTINUE_DEPLOYMENT`).
    pub stop_on_timeout: bool,
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

/// A Lambda alias scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaSpec {
    pub routing: RoutingSpec,
    /// `linearEnd: oneIntervalAfter`.
    pub linear_end_one_interval_after: bool,
    pub hooks: Vec<(&'static str, HookFnSpec)>,
    pub traffic: TrafficSpec,
    pub alarms: Option<AlarmsSpec>,
    pub rollback: RollbackSpec,
    pub stop: Option<StopSpec>,
}

/// Lambda hook events (SAM's PreTraffic and PostTraffic).
pub const LAMBDA_HOOKS: [&str; 2] = ["BeforeAllowTraffic", "AfterAllowTraffic"];

impl LambdaSpec {
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

// ----- one case ----------------------------------------------------------------------------

/// What a generated scenario says, by platform.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioSpec {
    Server(ServerSpec),
    Ec2BlueGreen(Ec2BlueGreenSpec),
    Ecs(EcsSpec),
    Lambda(LambdaSpec),
}

impl ScenarioSpec {
    pub fn platform(&self) -> Platform {
        match self {
            ScenarioSpec::Server(_) | ScenarioSpec::Ec2BlueGreen(_) => Platform::Server,
            ScenarioSpec::Ecs(_) => Platform::Ecs,
            ScenarioSpec::Lambda(_) => Platform::Lambda,
        }
    }

    /// The scenario file.
    pub fn yaml(&self) -> String {
        match self {
            ScenarioSpec::Server(s) => s.yaml(),
            ScenarioSpec::Ec2BlueGreen(s) => s.yaml(),
            ScenarioSpec::Ecs(s) => s.yaml(),
            ScenarioSpec::Lambda(s) => s.yaml(),
        }
    }
}

/// The settings every platform shares, for [`Case::edit`].
#[derive(Debug)]
pub struct Monitoring<'a> {
    pub alarms: &'a mut Option<AlarmsSpec>,
    pub rollback: &'a mut RollbackSpec,
    pub stop: &'a mut Option<StopSpec>,
}

impl ScenarioSpec {
    /// The alarm, rollback and stop settings, whatever the platform.
    pub fn monitoring(&mut self) -> Monitoring<'_> {
        let (alarms, rollback, stop) = match self {
            ScenarioSpec::Server(s) => (&mut s.alarms, &mut s.rollback, &mut s.stop),
            ScenarioSpec::Ec2BlueGreen(b) => (&mut b.server.alarms, &mut b.server.rollback, &mut b.server.stop),
            ScenarioSpec::Ecs(s) => (&mut s.alarms, &mut s.rollback, &mut s.stop),
            ScenarioSpec::Lambda(s) => (&mut s.alarms, &mut s.rollback, &mut s.stop),
        };
        Monitoring { alarms, rollback, stop }
    }
}

/// One generated case: what the scenario says, its YAML, and the seed to run it with.
#[derive(Clone, Debug)]
pub struct Case<S = ScenarioSpec> {
    pub spec: S,
    pub seed: u64,
    pub yaml: String,
}

/// A spec that can write its scenario file.
pub trait Spec {
    fn yaml(&self) -> String;
}

impl Spec for ScenarioSpec {
    fn yaml(&self) -> String {
        ScenarioSpec::yaml(self)
    }
}
impl Spec for ServerSpec {
    fn yaml(&self) -> String {
        ServerSpec::yaml(self)
    }
}
impl Spec for Ec2BlueGreenSpec {
    fn yaml(&self) -> String {
        Ec2BlueGreenSpec::yaml(self)
    }
}
impl Spec for EcsSpec {
    fn yaml(&self) -> String {
        EcsSpec::yaml(self)
    }
}
impl Spec for LambdaSpec {
    fn yaml(&self) -> String {
        LambdaSpec::yaml(self)
    }
}

impl<S: Spec> Case<S> {
    pub fn new(spec: S, seed: u64) -> Self {
        let yaml = spec.yaml();
        Case { spec, seed, yaml }
    }

    /// Changes the spec and rewrites the YAML.
    pub fn edit(mut self, f: impl FnOnce(&mut S)) -> Self {
        f(&mut self.spec);
        self.yaml = self.spec.yaml();
        self
    }

    /// The validated scenario.
    pub fn scenario(&self) -> Result<Scenario, Problems> {
        scenario::load_str(&self.yaml, "generated.yaml")
    }

    /// Validates and runs the scenario with the case's seed. Panics, with the located
    /// problems and the YAML, if the generated scenario is invalid (a bug in the strategy or
    /// in an edit).
    pub fn simulate(&self) -> (Scenario, Report) {
        let scenario = self
            .scenario()
            .unwrap_or_else(|p| panic!("generated scenario is invalid:\n{p}\n{}", self.yaml));
        let report = simulation::simulate(&scenario, self.seed);
        (scenario, report)
    }
}

// ----- strategies --------------------------------------------------------------------------

/// `autoRollbackConfiguration`: each event on or off, now and then `enabled: false`.
pub fn auto_rollback() -> impl Strategy<Value = RollbackSpec> {
    (any::<bool>(), any::<bool>(), any::<bool>(), prop::bool::weighted(0.1)).prop_map(
        |(on_failure, on_alarm, on_request, disabled)| RollbackSpec {
            on_failure,
            on_alarm,
            on_request,
            disabled,
        },
    )
}

/// `stopDeployment` within the first `max_s` seconds (half the time within the first tenth),
/// or none (about half the time).
pub fn stop_deployment(max_s: u32) -> impl Strategy<Value = Option<StopSpec>> {
    let at = prop_oneof![0..=max_s / 10, 0..=max_s];
    prop::option::of(
        (at, prop::option::of(any::<bool>())).prop_map(|(at_s, auto_rollback_enabled)| StopSpec {
            at_s,
            auto_rollback_enabled,
        }),
    )
}

/// A metric series for `metric: injected`: 1 to 5 steps at increasing minute-aligned or
/// odd times within `max_s`, values 0–10, some missing.
pub fn metric_series(max_s: u32) -> impl Strategy<Value = Vec<(u32, Option<f64>)>> {
    prop::collection::vec(
        (
            1..=max_s.max(2) / 2,
            prop::option::weighted(0.8, (0u32..=10).prop_map(f64::from)),
        ),
        1..=5,
    )
    .prop_map(|steps| {
        let mut t = 0;
        steps
            .into_iter()
            .enumerate()
            .map(|(i, (gap, v))| {
                if i > 0 {
                    t += gap;
                }
                (t, v)
            })
            .collect()
    })
}

const COMPARISONS: [&str; 4] = [
    "GreaterThanThreshold",
    "GreaterThanOrEqualToThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
];
const TREAT_MISSING: [&str; 4] = ["missing", "ignore", "breaching", "notBreaching"];

fn arb_version() -> impl Strategy<Value = Version> {
    prop_oneof![
        1 => Just(Version::Original),
        2 => Just(Version::Replacement),
        1 => Just(Version::All)
    ]
}

/// A metric an alarm on `platform` may watch, with a threshold and comparison that make
/// it fire sometimes. `size`: instances or tasks (for `healthyCount`).
fn arb_metric(platform: Platform, size: u32) -> BoxedStrategy<(MetricSpec, f64, &'static str)> {
    let injected = (
        metric_series(3600),
        (0u32..=10).prop_map(f64::from),
        prop::sample::select(&COMPARISONS[..]),
    )
        .prop_map(|(s, t, c)| (MetricSpec::Injected(s), t, c));
    let healthy = (0..=size + 1).prop_map(|t| (MetricSpec::HealthyCount, f64::from(t), "LessThanThreshold"));
    match platform {
        Platform::Server => prop_oneof![injected, healthy].boxed(),
        Platform::Ecs | Platform::Lambda => {
            let traffic = prop_oneof![
                (arb_version(), prop::sample::select(&[0.005, 0.02, 0.1][..])).prop_map(|(v, t)| (
                    MetricSpec::ErrorRate(v),
                    t,
                    "GreaterThanThreshold"
                )),
                (arb_version(), prop::sample::select(&[5.0, 50.0, 500.0][..])).prop_map(|(v, t)| (
                    MetricSpec::ErrorCount(v),
                    t,
                    "GreaterThanThreshold"
                )),
                (arb_version(), prop::sample::select(&[100.0, 250.0, 1000.0][..])).prop_map(|(v, t)| (
                    MetricSpec::LatencyP99(v),
                    t,
                    "GreaterThanThreshold"
                )),
            ];
            if platform == Platform::Ecs {
                prop_oneof![3 => traffic, 1 => injected, 1 => healthy].boxed()
            } else {
                prop_oneof![3 => traffic, 1 => injected].boxed()
            }
        }
    }
}

/// One alarm for `platform` (`size`: instances or tasks).
pub fn alarm(platform: Platform, size: u32) -> impl Strategy<Value = AlarmSpec> {
    (
        arb_metric(platform, size),
        prop::sample::select(&[60u32, 60, 120][..]),
        (1u32..=3).prop_flat_map(|n| (Just(n), 1..=n)),
        prop::sample::select(&TREAT_MISSING[..]),
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |((metric, threshold, comparison), period_s, (n, m), treat, initial)| AlarmSpec {
                name: String::new(),
                metric,
                period_s,
                evaluation_periods: n,
                datapoints_to_alarm: m,
                threshold,
                comparison,
                treat_missing_data: treat,
                initially_in_alarm: initial,
            },
        )
}

/// `alarmConfiguration` for `platform`, or none (a third of the time): 1–3 alarms, now and
/// then a poll interval other than 60 s and unreadable windows.
pub fn alarms(platform: Platform, size: u32) -> impl Strategy<Value = Option<AlarmsSpec>> {
    prop::option::weighted(
        0.67,
        (
            prop::collection::vec(alarm(platform, size), 1..=3),
            prop::option::weighted(0.2, prop::sample::select(&[30u32, 90, 120][..])),
            prop::bool::weighted(0.3),
            prop::option::weighted(0.15, (0u32..=1200, 1u32..=300)),
        )
            .prop_map(|(mut alarms, poll, ignore, window)| {
                for (i, a) in alarms.iter_mut().enumerate() {
                    a.name = format!("alarm-{i}");
                }
                AlarmsSpec {
                    alarms,
                    poll_interval_s: poll,
                    ignore_poll_alarm_failure: ignore,
                    unreadable: window.map(|(a, d)| (a, a + d)).into_iter().collect(),
                }
            }),
    )
}

fn arb_server_config(n: u32) -> impl Strategy<Value = ServerConfig> {
    prop_oneof![
        1 => Just(ServerConfig::AllAtOnce),
        2 => Just(ServerConfig::HalfAtATime),
        2 => Just(ServerConfig::OneAtATime),
        1 => (0..n).prop_map(ServerConfig::HostCount),
        1 => (0u32..=90).prop_map(ServerConfig::FleetPercent),
    ]
}

fn arb_script() -> impl Strategy<Value = ScriptSpec> {
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

/// A routing configuration: predefined (from `names`) or custom canary or linear.
fn arb_routing(names: Vec<&'static str>) -> impl Strategy<Value = RoutingSpec> {
    prop_oneof![
        3 => prop::sample::select(names).prop_map(RoutingSpec::Predefined),
        1 => (1u32..=99, 1u32..=10).prop_map(|(percent, interval_min)| RoutingSpec::Canary { percent, interval_min }),
        1 => (prop::sample::select(&[5u32, 10, 25, 30, 50][..]), 1u32..=5)
            .prop_map(|(percent, interval_min)| RoutingSpec::Linear { percent, interval_min }),
    ]
}

/// How a version behaves: error rates from none to 30 %, medians from 20 ms to 400 ms.
pub fn behaviour(bad: bool) -> impl Strategy<Value = Behaviour> {
    let rates: &'static [f64] = if bad {
        &[0.0, 0.01, 0.05, 0.3]
    } else {
        &[0.0, 0.001, 0.01]
    };
    let medians: &'static [u32] = if bad { &[20, 60, 150, 400] } else { &[20, 60] };
    (prop::sample::select(rates), prop::sample::select(medians)).prop_map(|(error_rate, latency_median_ms)| Behaviour {
        error_rate,
        latency_median_ms,
    })
}

/// `traffic`: 10–500 requests per second, a good original and a possibly bad replacement.
pub fn traffic() -> impl Strategy<Value = TrafficSpec> {
    (
        prop::sample::select(&[10u32, 100, 500][..]),
        behaviour(false),
        behaviour(true),
    )
        .prop_map(|(request_rate, original, replacement)| TrafficSpec {
            request_rate,
            original,
            replacement,
        })
}

fn arb_hook_fn() -> impl Strategy<Value = HookFnSpec> {
    (
        1u32..=120,
        prop::sample::select(&[0.0, 0.0, 0.1, 1.0][..]),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(duration_s, failure_probability, never_reports)| HookFnSpec {
            duration_s,
            failure_probability,
            never_reports,
        })
}

fn arb_hook_fns(events: &'static [&'static str]) -> impl Strategy<Value = Vec<(&'static str, HookFnSpec)>> {
    prop::collection::vec(prop::option::weighted(0.4, arb_hook_fn()), events.len())
        .prop_map(move |v| events.iter().zip(v).filter_map(|(&e, h)| h.map(|h| (e, h))).collect())
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

/// A scenario on any platform (Server in place, EC2 blue/green, ECS and Lambda equally
/// often).
pub fn scenario_spec() -> impl Strategy<Value = ScenarioSpec> {
    prop_oneof![
        server_spec().prop_map(ScenarioSpec::Server),
        ec2_blue_green_spec().prop_map(ScenarioSpec::Ec2BlueGreen),
        ecs_spec().prop_map(ScenarioSpec::Ecs),
        lambda_spec().prop_map(ScenarioSpec::Lambda),
    ]
}

/// Cases from a spec strategy, each with a random seed.
pub fn cases<S: Spec + Clone + std::fmt::Debug>(specs: impl Strategy<Value = S>) -> impl Strategy<Value = Case<S>> {
    (specs, any::<u64>()).prop_map(|(spec, seed)| Case::new(spec, seed))
}

/// Server cases.
pub fn server_case() -> impl Strategy<Value = Case> {
    cases(server_spec().prop_map(ScenarioSpec::Server))
}

/// EC2 blue/green cases.
pub fn ec2_blue_green_case() -> impl Strategy<Value = Case> {
    cases(ec2_blue_green_spec().prop_map(ScenarioSpec::Ec2BlueGreen))
}

/// ECS cases.
pub fn ecs_case() -> impl Strategy<Value = Case> {
    cases(ecs_spec().prop_map(ScenarioSpec::Ecs))
}

/// Lambda cases.
pub fn lambda_case() -> impl Strategy<Value = Case> {
    cases(lambda_spec().prop_map(ScenarioSpec::Lambda))
}

/// Cases on any platform.
pub fn any_case() -> impl Strategy<Value = Case> {
    cases(scenario_spec())
}
