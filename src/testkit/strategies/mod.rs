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
//! One file per platform holds its spec types, their YAML and their strategies (`server`,
//! `ec2_blue_green`, `ecs`, `lambda`; what ECS and Lambda share in `traffic_shift`, the
//! monitoring settings every platform shares in `monitoring`); this file holds the whole
//! case ([`ScenarioSpec`], [`Case`]) and the case strategies. Everything is re-exported here.
//!
//! Sizes are kept small (at most 12 instances, 6 tasks, a few hours of simulated time), so
//! that a case runs in milliseconds even in a debug build.

use proptest::prelude::*;

use crate::report::Report;
use crate::scenario::{self, Problems, Scenario};
use crate::simulation;

mod ec2_blue_green;
mod ec2_history;
mod ecs;
mod history;
mod lambda;
mod monitoring;
mod server;
mod shift_history;
mod traffic_shift;

pub use ec2_blue_green::*;
pub use ec2_history::*;
pub use ecs::*;
pub use history::*;
pub use lambda::*;
pub use monitoring::*;
pub use server::*;
pub use shift_history::*;
pub use traffic_shift::*;

/// The compute platform of a generated scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// EC2/on-premises.
    Server,
    /// Amazon ECS.
    Ecs,
    /// AWS Lambda.
    Lambda,
}

impl Platform {
    /// The `computePlatform` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Server => "Server",
            Platform::Ecs => "ECS",
            Platform::Lambda => "Lambda",
        }
    }
}

// ----- one case ----------------------------------------------------------------------------

/// What a generated scenario says, by platform.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioSpec {
    /// In place.
    Server(ServerSpec),
    /// EC2 blue/green.
    Ec2BlueGreen(Ec2BlueGreenSpec),
    /// ECS blue/green.
    Ecs(EcsSpec),
    /// A Lambda alias.
    Lambda(LambdaSpec),
}

impl ScenarioSpec {
    /// The spec's compute platform.
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
    /// `alarmConfiguration`.
    pub alarms: &'a mut Option<AlarmsSpec>,
    /// `autoRollbackConfiguration`.
    pub rollback: &'a mut RollbackSpec,
    /// `stopDeployment`.
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
    /// What the scenario says.
    pub spec: S,
    /// The run's seed.
    pub seed: u64,
    /// The scenario YAML written from `spec`.
    pub yaml: String,
}

/// A spec that can write its scenario file.
pub trait Spec {
    /// The scenario YAML.
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
    /// The case of `spec` with `seed`, its YAML written.
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

// ----- strategies of whole cases ---------------------------------------------------------------

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
