//! Scenarios: the validated model of what to simulate.
//!
//! A scenario file is read in two steps (ripgrep's LowArgs→HiArgs): [`raw`] mirrors the
//! YAML with serde and keeps every value's location; [`validate`] checks it, collects
//! *every* problem with its file, line and column, and builds the [`Scenario`] below, whose
//! types carry no serde and cannot hold an invalid value.
//!
//! Not here: running a scenario (`platform`) or the AWS file formats (`input`, which writes
//! scenario text that comes through here).

pub mod blue_green;
pub mod ec2_blue_green;
pub mod fault_model;
pub mod history;
pub mod raw;
pub mod text;
pub mod validate;
pub mod work;

pub use validate::{Problem, Problems, load_file, load_str};

pub use blue_green::BlueGreenDeployment;
pub use ec2_blue_green::Ec2BlueGreen;

use crate::alarm::AlarmConfiguration;
use crate::config::DeploymentConfig;
use crate::fault::Faults;
use crate::id::{TargetId, ZoneId};
use crate::lifecycle::{Hook, LifecycleEventName};
use crate::load_balancer::LoadBalancer;
use crate::time::SimTime;

/// A validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// `name`.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// The seed used when the command line gives none.
    pub seed: u64,
    /// The deployment configuration (named, defined, or the platform's default).
    pub deployment_config: DeploymentConfig,
    /// What is deployed to, by platform.
    pub workload: Workload,
    /// Alarms, automatic rollback and a scheduled StopDeployment (§7, §8).
    pub monitoring: Monitoring,
    /// `faultModel`: faults drawn per run by `cdsim compare` (`fault_model::draw`).
    pub fault_model: Option<fault_model::FaultModel>,
    /// `candidateConfigs`: the configurations `cdsim compare` and `recommend` weigh.
    pub candidates: Vec<DeploymentConfig>,
    /// `history`: deployment requests on an in-place, ECS or Lambda group one after another
    /// (`None`: one deployment at 0 s of the workload's hooks and faults).
    pub history: Option<history::History>,
}

/// What watches the deployment and what happens when it goes wrong (§7, §8).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Monitoring {
    /// `alarmConfiguration` (absent or disabled: no alarms are polled).
    pub alarms: Option<AlarmConfiguration>,
    /// `autoRollbackConfiguration`.
    pub auto_rollback: AutoRollback,
    /// A StopDeployment the scenario makes.
    pub stop: Option<StopRequest>,
    /// A StopDeployment on the rollback deployment, at this instant (`cdsim serve`, when a
    /// client stops a rollback while it runs; in place and EC2 blue/green). It never rolls
    /// back again.
    pub rollback_stop: Option<SimTime>,
}

/// `autoRollbackConfiguration {enabled, events}`: which events roll back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AutoRollback {
    /// `DEPLOYMENT_FAILURE`.
    pub on_failure: bool,
    /// `DEPLOYMENT_STOP_ON_ALARM`.
    pub on_alarm: bool,
    /// `DEPLOYMENT_STOP_ON_REQUEST`.
    pub on_request: bool,
}

impl AutoRollback {
    /// The `rollbackMessage` of a deployment that ended without succeeding and without a
    /// rollback being asked for. §8 \[I\]: with automatic rollback off for the group, there is
    /// no `rollbackInfo` at all; with it on for other events, the message says so.
    pub fn not_requested_message(&self) -> Option<String> {
        (self.on_failure || self.on_alarm || self.on_request)
            .then(|| "Automatic rollback is not configured for this event.".to_string())
    }
}

/// A StopDeployment call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopRequest {
    /// When the scenario calls StopDeployment.
    pub at: SimTime,
    /// The request's `autoRollbackEnabled`; when absent, the group's
    /// `DEPLOYMENT_STOP_ON_REQUEST` decides.
    pub auto_rollback_enabled: Option<bool>,
}

impl Monitoring {
    /// Whether a manual stop rolls back.
    pub fn stop_rolls_back(&self) -> bool {
        self.stop
            .and_then(|s| s.auto_rollback_enabled)
            .unwrap_or(self.auto_rollback.on_request)
    }
}

/// What is deployed, by compute platform. One per scenario, so the size difference between
/// the variants costs nothing worth a box.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Workload {
    /// EC2/on-premises, in place (`Server`).
    InPlace(InPlace),
    /// ECS or Lambda: traffic shifts from the original to the replacement.
    BlueGreen(BlueGreenDeployment),
    /// EC2 blue/green (`Server` with `blueGreenDeploymentConfiguration`): a replacement fleet.
    Ec2BlueGreen(Ec2BlueGreen),
}

impl Scenario {
    /// The in-place part, for a Server scenario.
    pub fn in_place(&self) -> Option<&InPlace> {
        match &self.workload {
            Workload::InPlace(p) => Some(p),
            Workload::BlueGreen(_) | Workload::Ec2BlueGreen(_) => None,
        }
    }

    /// The ECS or Lambda part.
    pub fn blue_green(&self) -> Option<&BlueGreenDeployment> {
        match &self.workload {
            Workload::BlueGreen(b) => Some(b),
            Workload::InPlace(_) | Workload::Ec2BlueGreen(_) => None,
        }
    }

    /// The EC2 blue/green part.
    pub fn ec2_blue_green(&self) -> Option<&Ec2BlueGreen> {
        match &self.workload {
            Workload::Ec2BlueGreen(b) => Some(b),
            Workload::InPlace(_) | Workload::BlueGreen(_) => None,
        }
    }
}

/// An EC2/on-premises in-place deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct InPlace {
    /// The instances.
    pub fleet: Fleet,
    /// The load balancer, if the group has traffic control.
    pub load_balancer: Option<LoadBalancer>,
    /// The AppSpec's scripts by lifecycle event.
    pub hooks: Hooks,
    /// The agent's own steps.
    pub agent: Agent,
    /// `ignoreApplicationStopFailures` (§4.4).
    pub ignore_application_stop_failures: bool,
    /// When a slot that frees up is refilled.
    pub instance_scheduling: InstanceScheduling,
    /// The injected faults.
    pub faults: Faults,
}

/// When a freed slot is refilled (§3.2 \[I\]; CodeDeploy does not document it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InstanceScheduling {
    /// Start the next instance as soon as the minimum-healthy rule allows (§3.2).
    #[default]
    Rolling,
    /// Start a new group only when every instance of the previous one has finished
    /// (what the SimPy reference workload W1 does).
    Waves,
}

/// The deployment group's instances.
#[derive(Clone, Debug, PartialEq)]
pub struct Fleet {
    /// N, the number of instances.
    pub instances: u32,
    /// Availability Zones in deployment order; instance `i` is in zone `i mod zones`.
    pub zones: Vec<String>,
    /// No revision was ever deployed: the hooks that run the previous revision's scripts
    /// have nothing to run (§4.1), no instance serves before it is deployed to, and the
    /// instances count towards the minimum as `first_deployment_health` says (§3.1, §2.2).
    pub first_deployment: bool,
    /// How a first deployment's never-deployed instances count towards the minimum.
    pub first_deployment_health: FirstDeploymentHealth,
    /// Health of each instance before the deployment; `Old` for any not listed.
    pub initial_health: Vec<(TargetId, HealthClass)>,
}

impl Fleet {
    /// The Availability Zone of `target`: instances are spread over the zones in turn (zone 0
    /// without zones).
    pub fn zone_of(&self, target: TargetId) -> ZoneId {
        let z = self.zones.len().max(1) as u32;
        ZoneId((target.0 % z) as u16)
    }

    /// How many Availability Zones (1 without zones).
    pub fn zone_count(&self) -> usize {
        self.zones.len().max(1)
    }

    /// The health class of every instance at the start (§3.1 scheduling order). On a first
    /// deployment: `Unknown` (no revision installed) counted as healthy, or `Unhealthy`,
    /// as `first_deployment_health` says.
    pub fn health_classes(&self) -> Vec<HealthClass> {
        let base = match (self.first_deployment, self.first_deployment_health) {
            (false, _) => HealthClass::Old,
            (true, FirstDeploymentHealth::CountedHealthy) => HealthClass::Unknown,
            (true, FirstDeploymentHealth::Unhealthy) => HealthClass::Unhealthy,
        };
        let mut v = vec![base; self.instances as usize];
        for &(t, c) in &self.initial_health {
            v[t.index()] = c;
        }
        v
    }
}

/// How the instances of a group's first deployment, to which nothing was ever deployed,
/// count towards the minimum healthy hosts. The documentation gives two readings \[C\]:
///
/// - the configurations' own rules (UG:deployment-configurations, API:MinimumHealthyHosts,
///   §2.2) say plainly that OneAtATime fails as soon as any instance but the last fails,
///   and give no exception for a first deployment;
/// - the instance-health rules (UG:instances-health, §3.1) call an instance to which no
///   revision was deployed Unhealthy, deploy to Unhealthy instances first, and say that a
///   group starting below the minimum is simply not reduced further: failures on such
///   instances lower nothing, so the deployment goes on and is judged at the end.
///
/// No source describes a first deployment's failure directly; the default is the plain
/// reading of the configuration rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FirstDeploymentHealth {
    /// The instances count as healthy ones do: the configuration's rules apply as on a
    /// healthy fleet (`countedHealthy`, the default).
    #[default]
    CountedHealthy,
    /// The instances are Unhealthy and do not count (`unhealthy`).
    Unhealthy,
}

/// An instance's standing before the deployment, in CodeDeploy's scheduling priority order
/// (§3.1): Unhealthy first, then Unknown revision health, Old, Current.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HealthClass {
    /// Last deployment to it failed, or nothing was ever deployed. Not counted as healthy.
    Unhealthy = 0,
    /// The revision's health is not known.
    Unknown = 1,
    /// Runs an older revision.
    Old = 2,
    /// Already runs the revision being deployed.
    Current = 3,
}

impl HealthClass {
    /// Whether the instance counts as healthy at the start (all but Unhealthy).
    pub fn is_healthy(self) -> bool {
        self != HealthClass::Unhealthy
    }
}

/// AppSpec hooks by lifecycle event (a dense table over [`LifecycleEventName::ALL`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hooks {
    table: [Hook; LifecycleEventName::COUNT],
}

impl Hooks {
    /// The scripts of `event` (none if the AppSpec gives none).
    pub fn get(&self, event: LifecycleEventName) -> &Hook {
        &self.table[event.index()]
    }

    /// Sets the scripts of `event`, a scriptable event.
    pub fn set(&mut self, event: LifecycleEventName, hook: Hook) {
        assert!(event.is_scriptable(), "{event} takes no scripts");
        self.table[event.index()] = hook;
    }
}

/// The agent's own steps, each modelled as a hook of one script.
#[derive(Clone, Debug, PartialEq)]
pub struct Agent {
    /// DownloadBundle.
    pub download_bundle: Hook,
    /// Install.
    pub install: Hook,
}

impl Agent {
    /// The step `event` is, if it is one of the agent's.
    pub fn step(&self, event: LifecycleEventName) -> Option<&Hook> {
        match event {
            LifecycleEventName::DownloadBundle => Some(&self.download_bundle),
            LifecycleEventName::Install => Some(&self.install),
            _ => None,
        }
    }
}
