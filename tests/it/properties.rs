//! proptest invariants over generated Server (EC2/on-premises in-place) scenarios.
//!
//! The generator writes scenario YAML (so the parser and validator are exercised too) from a
//! [`Spec`] that it keeps beside the text; the properties compute what they expect from the
//! `Spec` (the resolved minimum M, zone sizes…), never from the report's own summary fields,
//! and read the report's per-target lifecycle events as the ground truth of what happened.
//!
//! Each property cites the section of the behavioural reference (codedeploy-semantics.md,
//! "§N") it checks. Every assertion message names the seed; proptest prints the whole
//! generated case (YAML included) on failure and keeps its seed in
//! `tests/proptest-regressions/properties.txt`, replayed first on every later run.

use std::fmt::Write as _;

use cdsim::engine;
use cdsim::id::TargetId;
use cdsim::platform::server::{CapacityPoint, InPlaceDeployment};
use cdsim::report::{CapacityMetrics, DeploymentInfo, Report, TargetInfo};
use proptest::prelude::*;

use crate::common;

// ----- the generated scenario ----------------------------------------------------------

/// A minimum healthy hosts value of a custom configuration (§2.1 limits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinSpec {
    HostCount(u32),
    FleetPercent(u32),
}

impl MinSpec {
    /// §3.1: a percentage is converted at start, rounding up.
    pub fn resolve(self, n: u32) -> u32 {
        match self {
            MinSpec::HostCount(v) => v,
            MinSpec::FleetPercent(p) => (n * p).div_ceil(100),
        }
    }

    fn yaml(self) -> String {
        match self {
            MinSpec::HostCount(v) => format!("{{type: HOST_COUNT, value: {v}}}"),
            MinSpec::FleetPercent(p) => format!("{{type: FLEET_PERCENT, value: {p}}}"),
        }
    }
}

/// The deployment configuration of a generated scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigSpec {
    /// No configuration given: `CodeDeployDefault.OneAtATime` (§2.1).
    Omitted,
    AllAtOnce,
    HalfAtATime,
    OneAtATime,
    Custom(MinSpec),
}

impl ConfigSpec {
    /// The resolved minimum M for `n` instances, from §2.2 / §3.2 (OneAtATime: N − 1;
    /// HalfAtATime: ceil(N/2); AllAtOnce: 0).
    pub fn minimum(self, n: u32) -> u32 {
        match self {
            ConfigSpec::Omitted | ConfigSpec::OneAtATime => n - 1,
            ConfigSpec::HalfAtATime => n.div_ceil(2),
            ConfigSpec::AllAtOnce => 0,
            ConfigSpec::Custom(m) => m.resolve(n),
        }
    }
}

/// `zonalConfig` (§2.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZonalSpec {
    pub first_monitor_s: Option<u32>,
    pub monitor_s: Option<u32>,
    pub per_zone: Option<MinSpec>,
}

impl ZonalSpec {
    /// Minimum per zone; default 0 % (§2.6).
    pub fn zone_minimum(&self, zone_size: u32) -> u32 {
        self.per_zone.map_or(0, |m| m.resolve(zone_size))
    }

    /// The bake after zone `k` when another zone follows (§2.6).
    pub fn bake_after_ms(&self, k: usize) -> i64 {
        let s = if k == 0 {
            self.first_monitor_s.or(self.monitor_s)
        } else {
            self.monitor_s
        };
        i64::from(s.unwrap_or(0)) * 1000
    }
}

/// How a script's duration is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DurSpec {
    /// A number of seconds, written as a YAML number.
    Secs(u32),
    /// Milliseconds, written as text (`250ms`).
    Millis(u32),
    Lognormal {
        median_s: u32,
        sigma: f64,
    },
    Uniform {
        min_s: u32,
        max_s: u32,
    },
    Exponential {
        mean_s: u32,
    },
}

impl DurSpec {
    fn yaml(self) -> String {
        match self {
            DurSpec::Secs(s) => s.to_string(),
            DurSpec::Millis(ms) => format!("{ms}ms"),
            DurSpec::Lognormal { median_s, sigma } => {
                format!("{{lognormal: {{median: {median_s}s, sigma: {sigma}}}}}")
            }
            DurSpec::Uniform { min_s, max_s } => format!("{{uniform: {{min: {min_s}s, max: {max_s}s}}}}"),
            DurSpec::Exponential { mean_s } => format!("{{exponential: {{mean: {mean_s}s}}}}"),
        }
    }

    fn random(self) -> bool {
        !matches!(self, DurSpec::Secs(_) | DurSpec::Millis(_))
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScriptSpec {
    pub timeout_s: Option<u32>,
    pub duration: DurSpec,
    pub failure_probability: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HookSpec {
    pub event: &'static str,
    pub scripts: Vec<ScriptSpec>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultSpec {
    HookFails {
        target: u32,
        event: &'static str,
    },
    HookHangs {
        target: u32,
        event: &'static str,
    },
    SlowHook {
        target: u32,
        event: &'static str,
        extra_s: u32,
    },
    InstanceStops {
        target: u32,
        at_s: u32,
    },
    FailsHealthChecks {
        target: u32,
    },
}

/// Everything a generated scenario says, kept beside its YAML.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub instances: u32,
    pub config: ConfigSpec,
    pub load_balancer: bool,
    pub zones: Vec<&'static str>,
    pub zonal: Option<ZonalSpec>,
    pub first_deployment: bool,
    /// With `first_deployment`: `firstDeploymentHealth: unhealthy` (else the default,
    /// `countedHealthy`).
    pub first_deployment_unhealthy: bool,
    /// (instance, class) with class one of unhealthy, unknown, current; distinct instances.
    pub health: Vec<(u32, &'static str)>,
    pub ignore_application_stop_failures: bool,
    /// `None`: not written (rolling).
    pub waves: Option<bool>,
    pub hooks: Vec<HookSpec>,
    pub faults: Vec<FaultSpec>,
}

/// One generated case: the scenario text, what it says, and the seed to run it with.
#[derive(Clone, Debug)]
pub struct Case {
    pub spec: Spec,
    pub seed: u64,
    pub yaml: String,
}

/// What the generator may produce.
#[derive(Clone, Copy, Debug)]
pub struct Knobs {
    /// Allow instances that start not healthy: `firstDeployment` and `instanceHealth`.
    pub unhealthy_start: bool,
    /// Allow `instanceStops` faults.
    pub stops: bool,
    /// Only zonal deployments (a custom configuration, 1–3 zones, a `zonalConfig`).
    pub zonal_only: bool,
}

pub const ANYTHING: Knobs = Knobs {
    unhealthy_start: true,
    stops: true,
    zonal_only: false,
};

const ALL_HEALTHY: Knobs = Knobs {
    unhealthy_start: false,
    stops: false,
    zonal_only: false,
};

/// The hooks a scenario may give scripts to, in the §4.1 with-load-balancer order.
pub const SCRIPTABLE: [&str; 9] = [
    "BeforeBlockTraffic",
    "AfterBlockTraffic",
    "ApplicationStop",
    "BeforeInstall",
    "AfterInstall",
    "ApplicationStart",
    "ValidateService",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

const TRAFFIC_HOOKS: [&str; 4] = [
    "BeforeBlockTraffic",
    "AfterBlockTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

/// §4.1: the hooks whose scripts come from the previous revision's AppSpec; they do not
/// run on a first deployment and `ignoreApplicationStopFailures` forgives their failures
/// (§4.4).
pub const PREVIOUS_REVISION: [&str; 3] = ["BeforeBlockTraffic", "AfterBlockTraffic", "ApplicationStop"];

/// §4.1, in-place without a load balancer.
pub const ORDER: [&str; 7] = [
    "ApplicationStop",
    "DownloadBundle",
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "ApplicationStart",
    "ValidateService",
];

/// §4.1, in-place with a load balancer.
pub const ORDER_WITH_LB: [&str; 13] = [
    "BeforeBlockTraffic",
    "BlockTraffic",
    "AfterBlockTraffic",
    "ApplicationStop",
    "DownloadBundle",
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "ApplicationStart",
    "ValidateService",
    "BeforeAllowTraffic",
    "AllowTraffic",
    "AfterAllowTraffic",
];

const ZONE_NAMES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

impl Spec {
    /// The resolved minimum M.
    pub fn minimum(&self) -> u32 {
        self.config.minimum(self.instances)
    }

    /// Instances per zone (instance i is in zone i mod Z).
    pub fn zone_sizes(&self) -> Vec<u32> {
        let z = self.zones.len() as u32;
        (0..z)
            .map(|k| (0..self.instances).filter(|i| i % z == k).count() as u32)
            .collect()
    }

    pub fn zone_of(&self, target: usize) -> usize {
        target % self.zones.len().max(1)
    }

    /// §3.1 / §3.2 rule 1 (and §2.6 for a zone): the deployment cannot start.
    pub fn health_constraints_invalid(&self) -> bool {
        let zone_invalid = self.zonal.is_some_and(|zc| {
            self.zone_sizes()
                .into_iter()
                .any(|size| size > 0 && zc.zone_minimum(size) >= size)
        });
        self.minimum() >= self.instances || zone_invalid
    }

    pub fn order(&self) -> &'static [&'static str] {
        if self.load_balancer { &ORDER_WITH_LB } else { &ORDER }
    }

    pub fn has_random_durations(&self) -> bool {
        self.hooks.iter().flat_map(|h| &h.scripts).any(|s| s.duration.random())
    }

    pub fn has_stops(&self) -> bool {
        self.faults.iter().any(|f| matches!(f, FaultSpec::InstanceStops { .. }))
    }

    /// Events a fault may name: scripted hooks that run here, and the agent's steps.
    fn fault_events(hooks: &[HookSpec], lb: bool) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = hooks
            .iter()
            .map(|h| h.event)
            .filter(|e| lb || !TRAFFIC_HOOKS.contains(e))
            .collect();
        v.extend(["DownloadBundle", "Install"]);
        v
    }

    /// The scenario file.
    pub fn yaml(&self) -> String {
        let mut y = String::from("name: generated\n");
        match self.config {
            ConfigSpec::Omitted => {}
            ConfigSpec::AllAtOnce => y += "deploymentConfigName: CodeDeployDefault.AllAtOnce\n",
            ConfigSpec::HalfAtATime => y += "deploymentConfigName: CodeDeployDefault.HalfAtATime\n",
            ConfigSpec::OneAtATime => y += "deploymentConfigName: CodeDeployDefault.OneAtATime\n",
            ConfigSpec::Custom(m) => {
                y += "deploymentConfig:\n  deploymentConfigName: Custom\n  computePlatform: Server\n";
                let _ = writeln!(y, "  minimumHealthyHosts: {}", m.yaml());
                if let Some(z) = self.zonal {
                    // An empty mapping must be written `{}`: `zonalConfig:` alone is null.
                    y += if z == ZonalSpec::default() {
                        "  zonalConfig: {}\n"
                    } else {
                        "  zonalConfig:\n"
                    };
                    if let Some(s) = z.first_monitor_s {
                        let _ = writeln!(y, "    firstZoneMonitorDurationInSeconds: {s}");
                    }
                    if let Some(s) = z.monitor_s {
                        let _ = writeln!(y, "    monitorDurationInSeconds: {s}");
                    }
                    if let Some(m) = z.per_zone {
                        let _ = writeln!(y, "    minimumHealthyHostsPerZone: {}", m.yaml());
                    }
                }
            }
        }
        let _ = writeln!(y, "fleet:\n  instances: {}", self.instances);
        if !self.zones.is_empty() {
            let _ = writeln!(y, "  availabilityZones: [{}]", self.zones.join(", "));
        }
        if self.first_deployment {
            y += "  firstDeployment: true\n";
            if self.first_deployment_unhealthy {
                y += "  firstDeploymentHealth: unhealthy\n";
            }
        }
        if !self.health.is_empty() {
            y += "  instanceHealth:\n";
            for class in ["unhealthy", "unknown", "current"] {
                let list: Vec<String> = self
                    .health
                    .iter()
                    .filter(|(_, c)| *c == class)
                    .map(|(t, _)| t.to_string())
                    .collect();
                if !list.is_empty() {
                    let _ = writeln!(y, "    {class}: [{}]", list.join(", "));
                }
            }
        }
        if self.load_balancer {
            y += "loadBalancer:\n  deregistrationDelay: 15s\n  healthCheck: {interval: 10s, timeout: 5s}\n";
        }
        if self.ignore_application_stop_failures {
            y += "ignoreApplicationStopFailures: true\n";
        }
        match self.waves {
            Some(true) => y += "instanceScheduling: waves\n",
            Some(false) => y += "instanceScheduling: rolling\n",
            None => {}
        }
        if !self.hooks.is_empty() {
            y += "hooks:\n";
            for h in &self.hooks {
                let _ = writeln!(y, "  {}:", h.event);
                for (i, s) in h.scripts.iter().enumerate() {
                    let _ = write!(
                        y,
                        "    - {{location: scripts/{}-{i}.sh, duration: {}",
                        h.event,
                        s.duration.yaml()
                    );
                    if let Some(t) = s.timeout_s {
                        let _ = write!(y, ", timeout: {t}");
                    }
                    if let Some(p) = s.failure_probability {
                        let _ = write!(y, ", failureProbability: {p}");
                    }
                    y += "}\n";
                }
            }
        }
        if !self.faults.is_empty() {
            y += "faults:\n";
            for f in &self.faults {
                let line = match f {
                    FaultSpec::HookFails { target, event } => {
                        format!("hookFails: {{target: {target}, event: {event}}}")
                    }
                    FaultSpec::HookHangs { target, event } => {
                        format!("hookHangs: {{target: {target}, event: {event}}}")
                    }
                    FaultSpec::SlowHook { target, event, extra_s } => {
                        format!("slowHook: {{target: {target}, event: {event}, extra: {extra_s}s}}")
                    }
                    FaultSpec::InstanceStops { target, at_s } => {
                        format!("instanceStops: {{target: {target}, at: {at_s}s}}")
                    }
                    FaultSpec::FailsHealthChecks { target } => format!("failsHealthChecks: {{target: {target}}}"),
                };
                let _ = writeln!(y, "  - {line}");
            }
        }
        y
    }
}

// ----- strategies ----------------------------------------------------------------------

fn arb_min(n: u32) -> impl Strategy<Value = MinSpec> {
    // HOST_COUNT: any value ≥ 0, here up to N + 2 and often near N, so that M ≥ N (and
    // M > N) happen; FLEET_PERCENT 0–99.
    prop_oneof![
        3 => (0..=n + 2).prop_map(MinSpec::HostCount),
        1 => (n.saturating_sub(2)..=n + 2).prop_map(MinSpec::HostCount),
        4 => (0u32..=99).prop_map(MinSpec::FleetPercent),
    ]
}

fn arb_config(n: u32) -> impl Strategy<Value = ConfigSpec> {
    prop_oneof![
        1 => Just(ConfigSpec::Omitted),
        2 => Just(ConfigSpec::AllAtOnce),
        2 => Just(ConfigSpec::HalfAtATime),
        2 => Just(ConfigSpec::OneAtATime),
        5 => arb_min(n).prop_map(ConfigSpec::Custom),
    ]
}

fn arb_zonal() -> impl Strategy<Value = ZonalSpec> {
    let per_zone = prop_oneof![
        (0u32..=4).prop_map(MinSpec::HostCount),
        (0u32..=99).prop_map(MinSpec::FleetPercent),
    ];
    (
        proptest::option::of(0u32..=600),
        proptest::option::of(0u32..=600),
        proptest::option::of(per_zone),
    )
        .prop_map(|(first_monitor_s, monitor_s, per_zone)| ZonalSpec {
            first_monitor_s,
            monitor_s,
            per_zone,
        })
}

fn arb_duration() -> impl Strategy<Value = DurSpec> {
    prop_oneof![
        (0u32..=60).prop_map(DurSpec::Secs),
        (0u32..=5_000).prop_map(DurSpec::Millis),
        (1u32..=60, prop_oneof![Just(0.0), Just(0.25), Just(0.5), Just(1.0)])
            .prop_map(|(median_s, sigma)| DurSpec::Lognormal { median_s, sigma }),
        (0u32..=30, 0u32..=60).prop_map(|(a, b)| DurSpec::Uniform { min_s: a, max_s: a + b }),
        (1u32..=30).prop_map(|mean_s| DurSpec::Exponential { mean_s }),
    ]
}

fn arb_script(single: bool) -> impl Strategy<Value = ScriptSpec> {
    // At most three scripts of at most 1200 s each keep an event within 3600 s (§4.4); a
    // single script may leave its timeout out (default 3600 s).
    let timeout = if single {
        proptest::option::weighted(0.8, 1u32..=1200).boxed()
    } else {
        (1u32..=1200).prop_map(Some).boxed()
    };
    let p = prop_oneof![
        4 => Just(None),
        2 => Just(Some(0.0)),
        2 => Just(Some(0.05)),
        1 => Just(Some(0.3)),
        1 => Just(Some(1.0)),
    ];
    (timeout, arb_duration(), p).prop_map(|(timeout_s, duration, failure_probability)| ScriptSpec {
        timeout_s,
        duration,
        failure_probability,
    })
}

fn arb_scripts() -> impl Strategy<Value = Vec<ScriptSpec>> {
    prop_oneof![
        3 => arb_script(true).prop_map(|s| vec![s]),
        1 => proptest::collection::vec(arb_script(false), 2..=3),
    ]
}

fn arb_hooks() -> impl Strategy<Value = Vec<HookSpec>> {
    proptest::collection::vec(proptest::option::weighted(0.35, arb_scripts()), SCRIPTABLE.len()).prop_map(|v| {
        SCRIPTABLE
            .iter()
            .zip(v)
            .filter_map(|(&event, s)| s.map(|scripts| HookSpec { event, scripts }))
            .collect()
    })
}

/// Everything but what depends on the fleet size and the hooks (faults, health).
#[derive(Clone, Debug)]
struct Base {
    n: u32,
    config: ConfigSpec,
    lb: bool,
    zones: Vec<&'static str>,
    zonal: Option<ZonalSpec>,
    first_deployment: bool,
    first_deployment_unhealthy: bool,
    ignore: bool,
    waves: Option<bool>,
    hooks: Vec<HookSpec>,
}

fn arb_base(knobs: Knobs) -> impl Strategy<Value = Base> {
    (1u32..=40).prop_flat_map(move |n| {
        let (zones, config, zonal) = if knobs.zonal_only {
            (
                (1usize..=3).boxed(),
                arb_min(n).prop_map(ConfigSpec::Custom).boxed(),
                arb_zonal().prop_map(Some).boxed(),
            )
        } else {
            (
                prop_oneof![2 => Just(0usize), 3 => 1usize..=3].boxed(),
                arb_config(n).boxed(),
                proptest::option::weighted(0.7, arb_zonal()).boxed(),
            )
        };
        (
            Just(n),
            config,
            any::<bool>(),
            zones,
            zonal,
            proptest::bool::weighted(if knobs.unhealthy_start { 0.25 } else { 0.0 }),
            any::<bool>(),
            proptest::bool::weighted(0.3),
            proptest::option::of(any::<bool>()),
            arb_hooks(),
        )
            .prop_map(
                |(n, config, lb, z, zonal, first_deployment, first_unhealthy, ignore, waves, hooks)| {
                    let zones = ZONE_NAMES[..z].to_vec();
                    // zonalConfig belongs to custom configurations and needs zones (§2.1, §2.6).
                    let zonal = zonal.filter(|_| z > 0 && matches!(config, ConfigSpec::Custom(_)));
                    Base {
                        n,
                        config,
                        lb,
                        zones,
                        zonal,
                        first_deployment,
                        first_deployment_unhealthy: first_deployment && first_unhealthy,
                        ignore,
                        waves,
                        hooks,
                    }
                },
            )
    })
}

#[derive(Clone, Copy, Debug)]
enum FaultKind {
    Fails,
    Hangs,
    Slow,
    Stops,
    HealthChecks,
}

fn arb_fault_kind() -> impl Strategy<Value = FaultKind> {
    prop_oneof![
        3 => Just(FaultKind::Fails),
        1 => Just(FaultKind::Hangs),
        2 => Just(FaultKind::Slow),
        2 => Just(FaultKind::Stops),
        2 => Just(FaultKind::HealthChecks),
    ]
}

/// Generated Server scenarios with a seed.
pub fn arb_case(knobs: Knobs) -> impl Strategy<Value = Case> {
    arb_base(knobs)
        .prop_flat_map(move |base| {
            let n = base.n;
            let faults = proptest::collection::vec(
                (arb_fault_kind(), 0..n, any::<prop::sample::Index>(), 0u32..=900),
                0..=4,
            );
            let health_len = if knobs.unhealthy_start { 4 } else { 0 };
            let health = proptest::collection::vec((0..n, 0usize..3), 0..=health_len);
            (Just(base), faults, health, any::<u64>())
        })
        .prop_map(move |(b, raw_faults, raw_health, seed)| {
            let events = Spec::fault_events(&b.hooks, b.lb);
            let faults = raw_faults
                .into_iter()
                .filter_map(|(kind, target, idx, x)| {
                    let event = *idx.get(&events);
                    match kind {
                        FaultKind::Fails => Some(FaultSpec::HookFails { target, event }),
                        FaultKind::Hangs => Some(FaultSpec::HookHangs { target, event }),
                        FaultKind::Slow => Some(FaultSpec::SlowHook {
                            target,
                            event,
                            extra_s: x % 120,
                        }),
                        FaultKind::Stops if knobs.stops => Some(FaultSpec::InstanceStops { target, at_s: x }),
                        FaultKind::HealthChecks if b.lb => Some(FaultSpec::FailsHealthChecks { target }),
                        FaultKind::Stops | FaultKind::HealthChecks => None,
                    }
                })
                .collect();
            let mut health: Vec<(u32, &'static str)> = Vec::new();
            for (t, c) in raw_health {
                // On a first deployment every instance is Unhealthy: no other class applies.
                if b.first_deployment && c != 0 {
                    continue;
                }
                if !health.iter().any(|&(x, _)| x == t) {
                    health.push((t, ["unhealthy", "unknown", "current"][c]));
                }
            }
            let spec = Spec {
                instances: b.n,
                config: b.config,
                load_balancer: b.lb,
                zones: b.zones,
                zonal: b.zonal,
                first_deployment: b.first_deployment,
                first_deployment_unhealthy: b.first_deployment_unhealthy,
                health,
                ignore_application_stop_failures: b.ignore,
                waves: b.waves,
                hooks: b.hooks,
                faults,
            };
            let yaml = spec.yaml();
            Case { spec, seed, yaml }
        })
}

// ----- reading a report ----------------------------------------------------------------

/// Seconds (as the report writes them) to integer milliseconds (the simulation's grid).
pub fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// An instance is in flight from its first started event's start to its last started
/// event's end; `None` if it never started.
fn flight(t: &TargetInfo) -> Option<(i64, i64)> {
    let started: Vec<_> = t.lifecycle_events.iter().filter(|e| e.start_time.is_some()).collect();
    let first = started.first()?;
    let last = started.last()?;
    Some((ms(first.start_time?), ms(last.end_time?)))
}

/// Instances in flight at instant `x`: intervals are half-open, so an instance that ends
/// at `x` has freed its slot for one that starts at `x`.
fn in_flight_at(flights: &[Option<(i64, i64)>], x: i64) -> usize {
    flights.iter().flatten().filter(|&&(s, e)| s <= x && x < e).count()
}

fn max_in_flight(flights: &[Option<(i64, i64)>]) -> usize {
    flights
        .iter()
        .flatten()
        .map(|&(s, _)| in_flight_at(flights, s))
        .max()
        .unwrap_or(0)
}

fn deployment(r: &Report) -> &DeploymentInfo {
    &r.deployments[0]
}

/// The in-place capacity figures of a report.
fn capacity(r: &Report) -> &CapacityMetrics {
    r.metrics
        .capacity
        .as_ref()
        .expect("an in-place deployment has capacity metrics")
}

fn simulate(case: &Case) -> Report {
    common::run(&case.yaml, case.seed)
}

/// Changes a generated case (and rewrites its YAML), to aim a property at one feature
/// without rejecting most cases.
fn edit(f: impl Fn(&mut Spec)) -> impl Fn(Case) -> Case {
    move |mut case| {
        f(&mut case.spec);
        case.yaml = case.spec.yaml();
        case
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ----- properties ----------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// §3.2 rule 2: never more than N − M instances in flight; computed from the lifecycle
    /// event intervals, and the report's `maxInFlightObserved` agrees.
    #[test]
    fn in_flight_never_exceeds_n_minus_m(case in arb_case(ANYTHING)) {
        in_flight_never_exceeds_n_minus_m_holds(&case)?;
    }

    /// §3.1 principle / §3.2 rule 2: with every instance healthy at the start (no
    /// instanceHealth overrides, not a first deployment, no stops), at every instant
    /// N − (instances failed so far) − (instances in flight) ≥ M, and for a zonal deployment
    /// the same holds per zone with the zone's minimum (§2.6). The capacity series (instances
    /// in service) never drops below M either.
    #[test]
    fn healthy_count_never_drops_below_the_minimum(case in arb_case(ALL_HEALTHY)) {
        healthy_count_never_drops_below_the_minimum_holds(&case)?;
    }

    /// §4.1 order per target (with and without a load balancer), §4.4 / §12 statuses: events
    /// are Succeeded*, then possibly one Failed followed only by Skipped; a target never
    /// attempted has every event Skipped. The previous revision's hooks are Skipped on a
    /// first deployment (§4.1), and a failure of one of them is forgiven with
    /// ignoreApplicationStopFailures (§4.4). Started events start no earlier than the
    /// previous one ended.
    #[test]
    fn lifecycle_order_and_statuses(case in arb_case(ANYTHING)) {
        lifecycle_order_and_statuses_holds(&case)?;
    }

    /// §9 / §12: every target ends in exactly one terminal status and deploymentOverview
    /// counts them.
    #[test]
    fn every_target_ends_in_one_terminal_status(case in arb_case(ANYTHING)) {
        every_target_ends_in_one_terminal_status_holds(&case)?;
    }

    /// Time never goes backwards: every lifecycle time lies in [createTime, completeTime],
    /// the capacity series is in time order within the same bounds, and the deployment
    /// completes when its last instance finishes (plus zone bakes, §2.6).
    #[test]
    fn time_never_goes_backwards(case in arb_case(ANYTHING)) {
        time_never_goes_backwards_holds(&case)?;
    }

    /// §3.2 rules 1 and 5, §3.1: HEALTH_CONSTRAINTS_INVALID iff M ≥ N (or a zone's minimum
    /// is not below its size, §2.6), and then no target is touched and the deployment ends
    /// at once; otherwise Succeeded iff at least max(M, 1) instances succeeded and none was
    /// Skipped. Skipped targets exist only in a failed deployment.
    #[test]
    fn outcome_rule(case in arb_case(ANYTHING)) {
        outcome_rule_holds(&case)?;
    }

    /// §3.1 ("a group that starts with fewer than M healthy instances … the deployment
    /// simply does not reduce the healthy count further"; scheduling order Unhealthy first)
    /// and §3.2 rules 2, 4 and 6: the deployment deploys to at least one instance exactly
    /// when its first candidate may start — an Unhealthy instance always may (taking it
    /// offline costs no healthy count), a healthy one when the healthy count stays ≥ M.
    /// A zonal deployment draws its first candidate from its first zone (§2.6). Otherwise
    /// it fails with HEALTH_CONSTRAINTS without deploying anywhere.
    #[test]
    fn the_first_instance_starts_whenever_the_rule_allows(case in arb_case(ANYTHING)) {
        the_first_instance_starts_whenever_the_rule_allows_holds(&case)?;
    }

    /// §2.6: a zonal deployment finishes one Availability Zone before it starts the next,
    /// and waits the monitor duration (the first zone's, if set) in between.
    #[test]
    fn zonal_deployments_go_one_zone_at_a_time(case in arb_case(Knobs { zonal_only: true, ..ANYTHING })) {
        zonal_deployments_go_one_zone_at_a_time_holds(&case)?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// §3.2 rule 2, "start a pending instance whenever N − X − F − 1 ≥ M", in the default
    /// rolling scheduling (all healthy at the start, not zonal): instances start only at
    /// time 0 or when another finishes, and at every such instant, once it has been dealt
    /// with, either no instance is left waiting or the rule forbids one more
    /// (N − failed − in flight ≤ M). A deployment that idles with a free slot fails this.
    #[test]
    fn rolling_scheduling_refills_every_slot_the_rule_allows(
        case in arb_case(Knobs { stops: true, ..ALL_HEALTHY }).prop_map(edit(|s| {
            s.waves = s.waves.filter(|&w| !w);
            s.zonal = None;
        }))
    ) {
        scheduling_is_greedy(&case, false)?;
    }

    /// `instanceScheduling: waves` (scenario docs): a group starts only when every instance
    /// of the previous one has finished — an instance that started earlier than another
    /// has finished by the time the other starts.
    #[test]
    fn waves_start_only_when_the_previous_wave_has_finished(
        case in arb_case(ANYTHING).prop_map(edit(|s| s.waves = Some(true)))
    ) {
        waves_start_only_when_the_previous_wave_has_finished_holds(&case)?;
    }

    /// `instanceScheduling: waves`, the other half: a wave is as large as §3.2 rule 2
    /// allows (all healthy at the start, not zonal) — when the previous wave has finished,
    /// either nothing waits or the rule forbids one more.
    #[test]
    fn waves_are_as_large_as_the_rule_allows(
        case in arb_case(Knobs { stops: true, ..ALL_HEALTHY }).prop_map(edit(|s| {
            s.waves = Some(true);
            s.zonal = None;
        }))
    ) {
        scheduling_is_greedy(&case, true)?;
    }

    /// Planned instances (the model plans an instance's whole lifecycle when nothing can
    /// interrupt it, and delivers only its milestones) run exactly as event-by-event
    /// execution: the same outcome, records and capacity, with fewer engine events.
    #[test]
    fn planned_instances_run_as_event_by_event(case in arb_case(Knobs { stops: false, ..ANYTHING })) {
        planned_instances_run_as_event_by_event_holds(&case)?;
    }

    /// The report's metrics are what its series say (report docs): duration, instances,
    /// initial and minimum in service, and capacity lost = ∫ (initial − in service) dt up to
    /// completion. (All healthy at the start, so in service never exceeds the initial.)
    #[test]
    fn metrics_agree_with_the_series(case in arb_case(Knobs { stops: true, ..ALL_HEALTHY })) {
        metrics_agree_with_the_series_holds(&case)?;
    }
}

// ----- the checks, one per property -------------------------------------------------

fn planned_instances_run_as_event_by_event_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let scenario = common::scenario(&case.yaml);
    let ip = scenario.in_place().expect("an in-place scenario");
    let run = |reference: bool| {
        let mut d = InPlaceDeployment::new(&scenario.deployment_config, ip, &scenario.monitoring, seed);
        if reference {
            d = d.event_by_event();
        }
        let stats = engine::run(&mut d);
        (d.into_outcome(), stats.events)
    };
    let ((planned, planned_events), (reference, reference_events)) = (run(false), run(true));
    prop_assert_eq!(planned.status, reference.status, "seed {}", seed);
    prop_assert_eq!(&planned.error, &reference.error, "seed {}", seed);
    prop_assert_eq!(planned.complete_time, reference.complete_time, "seed {}", seed);
    prop_assert_eq!(&planned.target_status, &reference.target_status, "seed {}", seed);
    prop_assert_eq!(&planned.final_serving, &reference.final_serving, "seed {}", seed);
    prop_assert_eq!(
        &planned.final_on_new_revision,
        &reference.final_on_new_revision,
        "seed {}",
        seed
    );
    for t in (0..case.spec.instances).map(TargetId) {
        let (p, r): (Vec<_>, Vec<_>) = (planned.records.row(t).collect(), reference.records.row(t).collect());
        prop_assert_eq!(p, r, "seed {}, target {}", seed, t);
    }
    // Simultaneous events may be delivered in another order (each is scheduled at another
    // moment), so the series are compared at the end of each instant.
    prop_assert_eq!(
        settled(&planned.capacity),
        settled(&reference.capacity),
        "seed {}",
        seed
    );
    prop_assert!(planned_events <= reference_events, "seed {}", seed);
    Ok(())
}

/// The capacity series with only the last point of each instant.
fn settled(capacity: &[CapacityPoint]) -> Vec<CapacityPoint> {
    let mut out: Vec<CapacityPoint> = Vec::new();
    for &p in capacity {
        match out.last_mut() {
            Some(last) if last.time == p.time => *last = p,
            _ => out.push(p),
        }
    }
    out
}

fn in_flight_never_exceeds_n_minus_m_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let r = simulate(case);
    let d = deployment(&r);
    let n = case.spec.instances;
    let m = case.spec.minimum();
    let flights: Vec<_> = d.targets.iter().map(flight).collect();
    let observed = max_in_flight(&flights);
    if case.spec.health_constraints_invalid() {
        prop_assert_eq!(observed, 0, "seed {}: nothing may start when M ≥ N", seed);
    } else {
        prop_assert!(
            observed as u32 <= n - m,
            "seed {}: {} instances in flight, N − M = {} − {} = {}",
            seed,
            observed,
            n,
            m,
            n - m
        );
        let plan = d.health_plan.as_ref().expect("a Server deployment has a health plan");
        prop_assert_eq!(plan.minimum_healthy_instances, m, "seed {}: resolved M", seed);
        prop_assert_eq!(plan.max_in_flight, n - m, "seed {}: health plan N − M", seed);
    }
    prop_assert_eq!(
        capacity(&r).max_in_flight_observed as usize,
        observed,
        "seed {}: maxInFlightObserved disagrees with the lifecycle intervals",
        seed
    );
    Ok(())
}

fn healthy_count_never_drops_below_the_minimum_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let spec = &case.spec;
    prop_assume!(!spec.health_constraints_invalid());
    let r = simulate(case);
    let d = deployment(&r);
    let n = i64::from(spec.instances);
    let m = i64::from(spec.minimum());
    let flights: Vec<_> = d.targets.iter().map(flight).collect();
    let failed_end: Vec<Option<i64>> = d
        .targets
        .iter()
        .zip(&flights)
        .map(|(t, f)| (t.status == "Failed").then(|| f.expect("a failed instance started").1))
        .collect();
    let mut instants: Vec<i64> = flights.iter().flatten().flat_map(|&(s, e)| [s, e]).collect();
    instants.sort_unstable();
    instants.dedup();
    let zone_sizes = spec.zone_sizes();
    for &x in &instants {
        let in_zone = |i: usize, z: Option<usize>| z.is_none_or(|z| spec.zone_of(i) == z);
        let count = |z: Option<usize>| {
            let failed = failed_end
                .iter()
                .enumerate()
                .filter(|&(i, e)| in_zone(i, z) && e.is_some_and(|e| e <= x))
                .count();
            let busy = flights
                .iter()
                .enumerate()
                .filter(|&(i, f)| in_zone(i, z) && f.is_some_and(|(s, e)| s <= x && x < e))
                .count();
            (failed as i64, busy as i64)
        };
        let (failed, busy) = count(None);
        prop_assert!(
            n - failed - busy >= m,
            "seed {}: at t={}ms N − failed − in flight = {} − {} − {} < M = {}",
            seed,
            x,
            n,
            failed,
            busy,
            m
        );
        if let Some(zc) = spec.zonal {
            for (z, &size) in zone_sizes.iter().enumerate().filter(|&(_, &size)| size > 0) {
                let mz = i64::from(zc.zone_minimum(size));
                let (failed, busy) = count(Some(z));
                prop_assert!(
                    i64::from(size) - failed - busy >= mz,
                    "seed {}: zone {} at t={}ms: {} − {} − {} < zone minimum {}",
                    seed,
                    z,
                    x,
                    size,
                    failed,
                    busy,
                    mz
                );
            }
        }
    }
    for p in &r.capacity {
        prop_assert!(
            i64::from(p.in_service) >= m,
            "seed {}: {} instances in service at t={}s, below M = {}",
            seed,
            p.in_service,
            p.time,
            m
        );
    }
    prop_assert!(
        i64::from(capacity(&r).min_in_service) >= m,
        "seed {}: minInService below M",
        seed
    );
    Ok(())
}

fn lifecycle_order_and_statuses_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let spec = &case.spec;
    let r = simulate(case);
    let d = deployment(&r);
    let order = spec.order();
    for t in &d.targets {
        let id = &t.target_id;
        let names: Vec<&str> = t.lifecycle_events.iter().map(|e| e.lifecycle_event_name).collect();
        prop_assert_eq!(&names[..], order, "seed {}: {} event order", seed, id);
        let mut prev_end: Option<i64> = None;
        let mut prev_start: Option<i64> = None;
        let mut failed_at: Option<usize> = None;
        for (i, e) in t.lifecycle_events.iter().enumerate() {
            let name = e.lifecycle_event_name;
            let started = e.start_time.is_some();
            prop_assert_eq!(
                started,
                e.end_time.is_some(),
                "seed {}: {} {} has one time of two",
                seed,
                id,
                name
            );
            prop_assert!(
                matches!(e.status, "Succeeded" | "Failed" | "Skipped"),
                "seed {}: {} {} ended {}",
                seed,
                id,
                name,
                e.status
            );
            prop_assert_eq!(
                started,
                e.status != "Skipped",
                "seed {}: {} {} is {} but started={}",
                seed,
                id,
                name,
                e.status,
                started
            );
            if let (Some(s), Some(end)) = (e.start_time.map(ms), e.end_time.map(ms)) {
                prop_assert!(s <= end, "seed {}: {} {} ends before it starts", seed, id, name);
                if let Some(pe) = prev_end {
                    prop_assert!(
                        s >= pe,
                        "seed {}: {} {} starts at {}ms before the previous event ended at {}ms",
                        seed,
                        id,
                        name,
                        s,
                        pe
                    );
                }
                if let Some(ps) = prev_start {
                    prop_assert!(s >= ps, "seed {}: {} start times go backwards at {}", seed, id, name);
                }
                prev_end = Some(end);
                prev_start = Some(s);
            }
            if spec.first_deployment && PREVIOUS_REVISION.contains(&name) {
                prop_assert_eq!(
                    e.status,
                    "Skipped",
                    "seed {}: {} {} runs on a first deployment",
                    seed,
                    id,
                    name
                );
            }
            if let Some(f) = failed_at {
                prop_assert_eq!(
                    e.status,
                    "Skipped",
                    "seed {}: {} {} after the failed {} is {}",
                    seed,
                    id,
                    name,
                    order[f],
                    e.status
                );
                continue;
            }
            match e.status {
                "Failed" => {
                    let diag = e.diagnostics.as_ref();
                    prop_assert!(
                        diag.is_some_and(|g| g.error_code != "Success"),
                        "seed {}: {} {} failed without an error code",
                        seed,
                        id,
                        name
                    );
                    let forgiven = spec.ignore_application_stop_failures && PREVIOUS_REVISION.contains(&name);
                    if !forgiven {
                        failed_at = Some(i);
                    }
                }
                "Skipped" => {
                    // Skipped inside the run: only the previous revision's hooks on a
                    // first deployment, or a target never attempted (all Skipped).
                    let never_attempted = t.status == "Skipped";
                    prop_assert!(
                        never_attempted || (spec.first_deployment && PREVIOUS_REVISION.contains(&name)),
                        "seed {}: {} {} Skipped in the middle of a run",
                        seed,
                        id,
                        name
                    );
                }
                _ => {}
            }
        }
        match t.status {
            "Skipped" => prop_assert!(
                t.lifecycle_events.iter().all(|e| e.status == "Skipped"),
                "seed {}: {} Skipped but some event ran",
                seed,
                id
            ),
            "Failed" => prop_assert!(
                failed_at.is_some(),
                "seed {}: {} Failed without a failed event",
                seed,
                id
            ),
            "Succeeded" => {
                prop_assert!(
                    failed_at.is_none(),
                    "seed {}: {} Succeeded despite a failed event",
                    seed,
                    id
                );
                prop_assert_eq!(
                    t.lifecycle_events.last().map(|e| e.status),
                    Some("Succeeded"),
                    "seed {}: {} Succeeded but its last event did not",
                    seed,
                    id
                );
            }
            other => prop_assert!(false, "seed {}: {} ended {}", seed, id, other),
        }
    }
    Ok(())
}

fn every_target_ends_in_one_terminal_status_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let r = simulate(case);
    let d = deployment(&r);
    let n = case.spec.instances as usize;
    prop_assert_eq!(d.targets.len(), n, "seed {}: one target per instance", seed);
    let mut ids: Vec<&str> = d.targets.iter().map(|t| t.target_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    prop_assert_eq!(ids.len(), n, "seed {}: target ids are unique", seed);
    let count = |s: &str| d.targets.iter().filter(|t| t.status == s).count() as u32;
    let (ok, failed, skipped) = (count("Succeeded"), count("Failed"), count("Skipped"));
    prop_assert_eq!(
        (ok + failed + skipped) as usize,
        n,
        "seed {}: a target is not Succeeded, Failed or Skipped",
        seed
    );
    let o = &d.deployment_overview;
    prop_assert_eq!(
        (o.succeeded, o.failed, o.skipped),
        (ok, failed, skipped),
        "seed {}: overview",
        seed
    );
    prop_assert_eq!(
        (o.pending, o.in_progress, o.ready),
        (0, 0, 0),
        "seed {}: overview",
        seed
    );
    if !case.spec.zones.is_empty() {
        for (i, t) in d.targets.iter().enumerate() {
            prop_assert_eq!(
                t.availability_zone.as_deref(),
                Some(case.spec.zones[case.spec.zone_of(i)]),
                "seed {}: {} zone",
                seed,
                t.target_id
            );
        }
    }
    Ok(())
}

fn time_never_goes_backwards_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let r = simulate(case);
    let d = deployment(&r);
    let (create, complete) = (ms(d.create_time), ms(d.complete_time));
    prop_assert_eq!(create, 0, "seed {}: createTime", seed);
    prop_assert!(complete >= create, "seed {}: completes before it is created", seed);
    let mut last_end = None::<i64>;
    for t in &d.targets {
        for e in &t.lifecycle_events {
            for x in [e.start_time, e.end_time].into_iter().flatten().map(ms) {
                prop_assert!(
                    create <= x && x <= complete,
                    "seed {}: {} {} at {}ms outside [{}, {}]",
                    seed,
                    t.target_id,
                    e.lifecycle_event_name,
                    x,
                    create,
                    complete
                );
            }
            if let Some(end) = e.end_time.map(ms) {
                last_end = Some(last_end.map_or(end, |l| l.max(end)));
            }
        }
    }
    let mut prev = create;
    for p in &r.capacity {
        let x = ms(p.time);
        prop_assert!(
            x >= prev,
            "seed {}: capacity series goes back to {}ms from {}ms",
            seed,
            x,
            prev
        );
        prop_assert!(
            x <= complete,
            "seed {}: capacity point at {}ms after completion",
            seed,
            x
        );
        prev = x;
    }
    prop_assert_eq!(
        r.capacity.first().map(|p| ms(p.time)),
        Some(create),
        "seed {}: capacity starts at creation",
        seed
    );
    prop_assert_eq!(
        ms(r.metrics.duration_seconds),
        complete - create,
        "seed {}: durationSeconds",
        seed
    );
    if case.spec.zonal.is_none() {
        prop_assert_eq!(
            complete,
            last_end.unwrap_or(create),
            "seed {}: the deployment ends when its last instance finishes",
            seed
        );
    }
    Ok(())
}

fn outcome_rule_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let spec = &case.spec;
    let r = simulate(case);
    let d = deployment(&r);
    let m = spec.minimum();
    let code = d.error_information.as_ref().map(|e| e.code);
    let count = |s: &str| d.targets.iter().filter(|t| t.status == s).count() as u32;
    let (ok, skipped) = (count("Succeeded"), count("Skipped"));
    prop_assert_eq!(
        spec.health_constraints_invalid(),
        code == Some("HEALTH_CONSTRAINTS_INVALID"),
        "seed {}: M = {}, N = {}, error {:?}",
        seed,
        m,
        spec.instances,
        code
    );
    if code == Some("HEALTH_CONSTRAINTS_INVALID") {
        prop_assert_eq!(
            skipped,
            spec.instances,
            "seed {}: HEALTH_CONSTRAINTS_INVALID touched an instance",
            seed
        );
        prop_assert_eq!(
            d.complete_time,
            0.0,
            "seed {}: HEALTH_CONSTRAINTS_INVALID ends at once",
            seed
        );
        prop_assert_eq!(d.status, "Failed", "seed {}", seed);
        return Ok(());
    }
    let should_succeed = ok >= m.max(1) && skipped == 0;
    prop_assert_eq!(
        d.status == "Succeeded",
        should_succeed,
        "seed {}: status {} with {} succeeded, {} skipped, M = {}",
        seed,
        d.status,
        ok,
        skipped,
        m
    );
    prop_assert!(
        matches!(d.status, "Succeeded" | "Failed"),
        "seed {}: status {}",
        seed,
        d.status
    );
    match d.status {
        "Succeeded" => prop_assert!(code.is_none(), "seed {}: a success with an error {:?}", seed, code),
        _ => prop_assert_eq!(code, Some("HEALTH_CONSTRAINTS"), "seed {}: failure code", seed),
    }
    if skipped > 0 {
        prop_assert_eq!(
            d.status,
            "Failed",
            "seed {}: Skipped targets in a {} deployment",
            seed,
            d.status
        );
    }
    Ok(())
}

fn the_first_instance_starts_whenever_the_rule_allows_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let spec = &case.spec;
    prop_assume!(!spec.health_constraints_invalid());
    let r = simulate(case);
    let d = deployment(&r);
    let attempted = d.targets.iter().filter(|t| t.status != "Skipped").count();
    let n = spec.instances as usize;
    let unhealthy = |i: usize| spec.first_deployment_unhealthy || spec.health.contains(&(i as u32, "unhealthy"));
    let first_zone_has_unhealthy = (0..n).any(|i| unhealthy(i) && (spec.zonal.is_none() || spec.zone_of(i) == 0));
    let healthy = (0..n).filter(|&i| !unhealthy(i)).count() as u32;
    let may_start = first_zone_has_unhealthy || healthy > spec.minimum();
    prop_assert_eq!(
        attempted > 0,
        may_start,
        "seed {}: {} instances deployed to; M = {}, N = {}, {} healthy, first deployment {}, health {:?}, zonal {}; \
         error {:?}",
        seed,
        attempted,
        spec.minimum(),
        spec.instances,
        healthy,
        spec.first_deployment,
        spec.health,
        spec.zonal.is_some(),
        d.error_information.as_ref().map(|e| &e.message)
    );
    Ok(())
}

/// Greedy scheduling (see the two properties that call this): at every instant where
/// instances may start — any end for rolling, an end with nothing else still running for
/// waves — once the instant is dealt with, nothing waits or the rule forbids one more.
fn scheduling_is_greedy(case: &Case, waves: bool) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let spec = &case.spec;
    prop_assume!(spec.waves.unwrap_or(false) == waves && spec.zonal.is_none() && !spec.health_constraints_invalid());
    let r = simulate(case);
    let d = deployment(&r);
    let (n, m) = (i64::from(spec.instances), i64::from(spec.minimum()));
    let complete = ms(d.complete_time);
    let flights: Vec<_> = d.targets.iter().map(flight).collect();
    let mut instants: Vec<i64> = std::iter::once(0)
        .chain(flights.iter().flatten().map(|f| f.1))
        .collect();
    instants.sort_unstable();
    instants.dedup();
    for &(s, _) in flights.iter().flatten() {
        prop_assert!(
            instants.binary_search(&s).is_ok(),
            "seed {}: an instance starts at {}ms, neither at 0 nor when another finishes",
            seed,
            s
        );
    }
    for &t in &instants {
        // Instances that started before t and are still running after it.
        let running = flights.iter().flatten().filter(|&&(s, e)| s < t && t < e).count();
        if waves && running > 0 {
            continue;
        }
        let waiting = d
            .targets
            .iter()
            .zip(&flights)
            .filter(|(target, f)| match f {
                Some((s, _)) => *s > t,
                None => target.status == "Skipped" && t < complete,
            })
            .count();
        if waiting == 0 {
            continue;
        }
        let failed = d
            .targets
            .iter()
            .zip(&flights)
            .filter(|(target, f)| target.status == "Failed" && f.is_some_and(|(_, e)| e <= t))
            .count() as i64;
        let busy = in_flight_at(&flights, t) as i64;
        prop_assert!(
            n - failed - busy <= m,
            "seed {}: at {}ms {} instances wait although N − failed − in flight = {} − {} − {} > M = {}",
            seed,
            t,
            waiting,
            n,
            failed,
            busy,
            m
        );
    }
    Ok(())
}

fn waves_start_only_when_the_previous_wave_has_finished_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    prop_assume!(case.spec.waves == Some(true));
    let r = simulate(case);
    let d = deployment(&r);
    let flights: Vec<(usize, (i64, i64))> = d
        .targets
        .iter()
        .map(flight)
        .enumerate()
        .filter_map(|(i, f)| f.map(|f| (i, f)))
        .collect();
    for &(a, (sa, ea)) in &flights {
        for &(b, (sb, _)) in &flights {
            if sa < sb {
                prop_assert!(
                    ea <= sb,
                    "seed {}: instance {} starts at {}ms while instance {} of an earlier wave runs until {}ms",
                    seed,
                    b,
                    sb,
                    a,
                    ea
                );
            }
        }
    }
    Ok(())
}

fn zonal_deployments_go_one_zone_at_a_time_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let spec = &case.spec;
    let zc = spec.zonal.expect("zonal_only");
    let r = simulate(case);
    let d = deployment(&r);
    let flights: Vec<_> = d.targets.iter().map(flight).collect();
    let zones = spec.zones.len();
    let span = |z: usize| {
        let f: Vec<(i64, i64)> = flights
            .iter()
            .enumerate()
            .filter(|&(i, _)| spec.zone_of(i) == z)
            .filter_map(|(_, f)| *f)
            .collect();
        (f.iter().map(|x| x.0).min(), f.iter().map(|x| x.1).max())
    };
    for a in 0..zones {
        let (_, Some(end_a)) = span(a) else { continue };
        for b in a + 1..zones {
            let (Some(start_b), _) = span(b) else { continue };
            let bake = zc.bake_after_ms(a);
            prop_assert!(
                start_b >= end_a + bake,
                "seed {}: zone {} starts at {}ms, before zone {} ended at {}ms + bake {}ms",
                seed,
                b,
                start_b,
                a,
                end_a,
                bake
            );
        }
    }
    // §2.6, §3.2 rule 4: a failure is declared when the last instance finishes, never held
    // back by a monitor duration (nor one of a zone without instances).
    if d.status == "Failed" {
        let last_end = flights.iter().flatten().map(|f| f.1).max().unwrap_or(0);
        prop_assert_eq!(
            ms(d.complete_time),
            last_end,
            "seed {}: Failed at {}ms, after its last instance finished",
            seed,
            ms(d.complete_time)
        );
    }
    Ok(())
}

fn metrics_agree_with_the_series_holds(case: &Case) -> Result<(), TestCaseError> {
    let seed = case.seed;
    let r = simulate(case);
    let d = deployment(&r);
    let n = case.spec.instances;
    let mt = capacity(&r);
    let complete = ms(d.complete_time);
    prop_assert_eq!(mt.instances, n, "seed {}", seed);
    prop_assert_eq!(ms(r.metrics.duration_seconds), complete, "seed {}", seed);
    let series: Vec<(i64, u32)> = r.capacity.iter().map(|p| (ms(p.time), p.in_service)).collect();
    prop_assert_eq!(
        series.first().copied(),
        Some((0, n)),
        "seed {}: everyone serves at the start",
        seed
    );
    for w in series.windows(2) {
        prop_assert!(
            w[0].1 != w[1].1,
            "seed {}: a capacity point that is not a change: {:?}",
            seed,
            w
        );
    }
    prop_assert!(
        series.iter().all(|&(_, c)| c <= n),
        "seed {}: more in service than instances",
        seed
    );
    prop_assert_eq!(mt.initial_in_service, n, "seed {}", seed);
    let min = series.iter().map(|&(_, c)| c).min().unwrap_or(n);
    prop_assert_eq!(mt.min_in_service, min, "seed {}", seed);
    let pct = 100.0 * f64::from(min) / f64::from(n);
    prop_assert!(
        (mt.min_in_service_percent - pct).abs() <= 0.005 + 1e-9,
        "seed {}: minInServicePercent {} for {}/{}",
        seed,
        mt.min_in_service_percent,
        min,
        n
    );
    let mut lost_ms: i64 = 0;
    for (i, &(t, c)) in series.iter().enumerate() {
        let next = series.get(i + 1).map_or(complete, |&(t2, _)| t2.min(complete));
        lost_ms += i64::from(n - c) * (next - t).max(0);
    }
    prop_assert_eq!(
        ms(mt.capacity_seconds_lost),
        lost_ms,
        "seed {}: capacitySecondsLost",
        seed
    );
    Ok(())
}

/// The generator itself: it produces every shape it claims to (a generator that silently
/// stopped producing zonal configurations or faults would make the properties vacuous).
#[test]
fn the_generator_covers_its_space() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let strategy = arb_case(ANYTHING);
    let (mut zonal, mut invalid, mut lb, mut first, mut stops, mut health, mut waves, mut random) =
        (0, 0, 0, 0, 0, 0, 0, 0);
    let (mut failed, mut succeeded) = (0, 0);
    for _ in 0..300 {
        let case = strategy.new_tree(&mut runner).expect("generates").current();
        let s = &case.spec;
        zonal += usize::from(s.zonal.is_some());
        invalid += usize::from(s.health_constraints_invalid());
        lb += usize::from(s.load_balancer);
        first += usize::from(s.first_deployment);
        stops += usize::from(s.has_stops());
        health += usize::from(!s.health.is_empty());
        waves += usize::from(s.waves == Some(true));
        random += usize::from(s.has_random_durations());
        let r = simulate(&case);
        match deployment(&r).status {
            "Succeeded" => succeeded += 1,
            _ => failed += 1,
        }
    }
    let counts = [
        ("zonal", zonal),
        ("invalid", invalid),
        ("lb", lb),
        ("first", first),
        ("stops", stops),
        ("health", health),
        ("waves", waves),
        ("random", random),
        ("succeeded", succeeded),
        ("failed", failed),
    ];
    for (what, c) in counts {
        assert!(
            c >= 15,
            "the generator made only {c} of 300 cases with {what}: {counts:?}"
        );
    }
}

/// The smallest case of a shape the generator makes (§2.1: HOST_COUNT is any value ≥ 0;
/// §3.1: M ≥ N fails at start with HEALTH_CONSTRAINTS_INVALID), kept as a plain test so a
/// failure here reads at a glance: HOST_COUNT above the fleet size.
#[test]
fn host_count_above_the_fleet_size_cannot_start() {
    for (n, m) in [(3, 4), (1, 2), (4, 100)] {
        let yaml = format!(
            "name: above\ndeploymentConfig:\n  minimumHealthyHosts: {{type: HOST_COUNT, value: {m}}}\nfleet:\n  instances: {n}\n"
        );
        let r = common::run(&yaml, 1);
        let d = deployment(&r);
        assert_eq!(
            d.error_information.as_ref().map(|e| e.code),
            Some("HEALTH_CONSTRAINTS_INVALID"),
            "seed 1: N = {n}, HOST_COUNT {m}"
        );
        assert!(
            d.targets.iter().all(|t| t.status == "Skipped"),
            "seed 1: N = {n}, HOST_COUNT {m}"
        );
    }
}

/// Histories on one in-place group (feature `testkit`, whose strategy and checkers they
/// use; the module's name puts them in `cargo test --features testkit --test it testkit`).
#[cfg(feature = "testkit")]
mod testkit_histories {
    use cdsim::testkit::history::{self, HistoryRun};
    use cdsim::testkit::strategies::{
        Ec2HistorySpec, HistorySpec, ShiftHistorySpec, ec2_history_spec, history_spec, shift_history_spec,
    };
    use proptest::prelude::*;

    fn run(spec: &HistorySpec, seed: u64) -> HistoryRun {
        history::run_history(&spec.yaml(), seed).unwrap_or_else(|p| panic!("{p}\n{}", spec.yaml()))
    }

    proptest! {
        #![proptest_config(super::config(128))]

        /// §11: at most one deployment of the group in progress at any instant; a request
        /// made while one is active is refused and recorded.
        #[test]
        fn at_most_one_deployment_in_progress(spec in history_spec(), seed in 0u64..1000) {
            history::check_one_at_a_time(&run(&spec, seed))?;
        }

        /// §8: a rollback redeploys the group's last successful revision, however many
        /// deployments back.
        #[test]
        fn a_rollback_redeploys_the_last_successful_revision(spec in history_spec(), seed in 0u64..1000) {
            history::check_rollback_revision(&run(&spec, seed))?;
        }

        /// §3.1: after the history, each instance runs the revision of the last deployment
        /// that succeeded on it.
        #[test]
        fn every_instance_ends_on_the_revision_its_outcomes_imply(spec in history_spec(), seed in 0u64..1000) {
            history::check_instance_revisions(&run(&spec, seed))?;
        }

        /// §11 on ECS and Lambda groups: at most one deployment in progress at any instant
        /// (a rollback at the instant its deployment ends); every request a deployment or a
        /// refusal.
        #[test]
        fn ecs_and_lambda_at_most_one_deployment_in_progress(spec in shift_history_spec(), seed in 0u64..1000) {
            history::check_one_at_a_time(&run_shift(&spec, seed))?;
        }

        /// §8 on ECS and Lambda groups: a rollback reroutes to the revision serving before
        /// the deployment it rolls back.
        #[test]
        fn ecs_and_lambda_a_rollback_reroutes_to_the_revision_serving_before(
            spec in shift_history_spec(),
            seed in 0u64..1000,
        ) {
            history::check_rollback_revision(&run_shift(&spec, seed))?;
        }

        /// §6.2, §6.3: the revision serving at the end is the last to which all production
        /// traffic moved and stayed.
        #[test]
        fn ecs_and_lambda_end_on_the_revision_their_outcomes_imply(spec in shift_history_spec(), seed in 0u64..1000) {
            history::check_instance_revisions(&run_shift(&spec, seed))?;
        }

        /// §7.2: the group's alarm is evaluated every minute through the whole history, on
        /// the group's instances in service, deployments, rollbacks and gaps alike.
        #[test]
        fn the_groups_alarm_follows_the_fleet_through_the_history(spec in history_spec(), seed in 0u64..1000) {
            history::check_alarm_states(&run(&spec, seed))?;
        }

        /// §7.1: an alarm in ALARM stops the deployment that runs, and, while it stays in
        /// ALARM, each deployment created after.
        #[test]
        fn an_alarm_in_alarm_stops_deployments(spec in history_spec(), seed in 0u64..1000) {
            history::check_alarm_stops(&run(&spec, seed))?;
        }
    }

    proptest! {
        #![proptest_config(super::config(128))]

        /// §11 on EC2 blue/green groups: at most one deployment in progress at any instant
        /// (its rollback included); every request a deployment or a refusal.
        #[test]
        fn ec2_blue_green_at_most_one_deployment_in_progress(spec in ec2_history_spec(), seed in 0u64..1000) {
            history::check_one_at_a_time(&run_ec2(&spec, seed))?;
        }

        /// §8 on EC2 blue/green groups: a rollback reroutes to the originals, on the revision
        /// of the group's last successful deployment.
        #[test]
        fn ec2_blue_green_a_rollback_reroutes_to_the_last_successful_revision(
            spec in ec2_history_spec(),
            seed in 0u64..1000,
        ) {
            history::check_rollback_revision(&run_ec2(&spec, seed))?;
        }

        /// §6.1: each deployment starts from the group's fleet, which is the replacement
        /// fleet of the last deployment that succeeded, on its revision.
        #[test]
        fn ec2_blue_green_ends_on_the_fleet_its_outcomes_imply(spec in ec2_history_spec(), seed in 0u64..1000) {
            history::check_instance_revisions(&run_ec2(&spec, seed))?;
        }
    }

    fn run_ec2(spec: &Ec2HistorySpec, seed: u64) -> HistoryRun {
        history::run_history(&spec.yaml(), seed).unwrap_or_else(|p| panic!("{p}\n{}", spec.yaml()))
    }

    fn run_shift(spec: &ShiftHistorySpec, seed: u64) -> HistoryRun {
        history::run_history(&spec.yaml(), seed).unwrap_or_else(|p| panic!("{p}\n{}", spec.yaml()))
    }
}
