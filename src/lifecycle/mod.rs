//! Lifecycle events (§4): their names, their order per platform (in place, EC2 blue/green,
//! ECS, Lambda), and who runs them.
//!
//! Not here: what a hook's scripts do (`hook`), or the per-target state machine that walks
//! the order (`platform::server`).

pub mod hook;

pub use hook::{DurationModel, Hook, HookOutcome, HookResult, Script};

use std::fmt;

/// CodeDeploy's lifecycle event names (the EC2/on-premises set, §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LifecycleEventName {
    /// The hook before the instance is deregistered from the load balancer.
    BeforeBlockTraffic,
    /// CodeDeploy deregisters the instance and waits out the deregistration delay.
    BlockTraffic,
    /// The hook after the instance is deregistered.
    AfterBlockTraffic,
    /// The hook that stops the application (scripts of the last successful revision).
    ApplicationStop,
    /// The agent copies the revision to the instance.
    DownloadBundle,
    /// The hook before the agent installs the revision.
    BeforeInstall,
    /// The agent installs the revision.
    Install,
    /// The hook after the install.
    AfterInstall,
    /// The hook that starts the application.
    ApplicationStart,
    /// The hook that checks the deployment.
    ValidateService,
    /// The hook before the instance (or replacement) gets production traffic.
    BeforeAllowTraffic,
    /// CodeDeploy registers the instance and waits for health checks, or shifts traffic (ECS,
    /// Lambda).
    AllowTraffic,
    /// The hook after production traffic moved.
    AfterAllowTraffic,
    /// ECS only: the test listener starts routing to the replacement task set.
    AllowTestTraffic,
    /// ECS only: the hook that validates the replacement with test traffic.
    AfterAllowTestTraffic,
}

use LifecycleEventName::*;

/// §4.2, ECS blue/green.
const ECS: [LifecycleEventName; 8] = [
    BeforeInstall,
    Install,
    AfterInstall,
    AllowTestTraffic,
    AfterAllowTestTraffic,
    BeforeAllowTraffic,
    AllowTraffic,
    AfterAllowTraffic,
];

/// §4.3, Lambda.
const LAMBDA: [LifecycleEventName; 3] = [BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic];

/// §4.1, in-place without a load balancer.
const IN_PLACE: [LifecycleEventName; 7] = [
    ApplicationStop,
    DownloadBundle,
    BeforeInstall,
    Install,
    AfterInstall,
    ApplicationStart,
    ValidateService,
];

/// §4.1, in-place with a load balancer: the traffic events wrap the install phase.
const IN_PLACE_WITH_LB: [LifecycleEventName; 13] = [
    BeforeBlockTraffic,
    BlockTraffic,
    AfterBlockTraffic,
    ApplicationStop,
    DownloadBundle,
    BeforeInstall,
    Install,
    AfterInstall,
    ApplicationStart,
    ValidateService,
    BeforeAllowTraffic,
    AllowTraffic,
    AfterAllowTraffic,
];

// The blue/green install ends where the traffic events begin.
const _: () = assert!(matches!(
    LifecycleEventName::BLUE_GREEN_REPLACEMENTS[LifecycleEventName::BLUE_GREEN_INSTALL_EVENTS],
    BeforeAllowTraffic
));

/// Who carries out an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    /// AppSpec scripts, run by the agent.
    Scripts,
    /// The agent's own step (DownloadBundle, Install).
    Agent,
    /// CodeDeploy deregisters the instance from the load balancer.
    Deregister,
    /// CodeDeploy registers the instance and waits for health checks.
    Register,
    /// CodeDeploy points the test listener at the replacement (ECS).
    TestTraffic,
}

impl LifecycleEventName {
    /// Every EC2/on-premises name, in the with-load-balancer order.
    pub const ALL: [LifecycleEventName; 13] = IN_PLACE_WITH_LB;

    /// The ECS blue/green order (§4.2).
    pub const ECS_ORDER: &'static [LifecycleEventName] = &ECS;

    /// The Lambda order (§4.3).
    pub const LAMBDA_ORDER: &'static [LifecycleEventName] = &LAMBDA;

    /// EC2 blue/green (§4.1 table), deployment: the originals' events, BlockTraffic and its
    /// hooks.
    pub const BLUE_GREEN_ORIGINALS: &'static [LifecycleEventName] = IN_PLACE_WITH_LB.as_slice().split_at(3).0;

    /// EC2 blue/green (§4.1 table), deployment: the replacements' events, the install and then
    /// AllowTraffic and its hooks.
    pub const BLUE_GREEN_REPLACEMENTS: &'static [LifecycleEventName] = IN_PLACE_WITH_LB.as_slice().split_at(3).1;

    /// Where the install ends in [`Self::BLUE_GREEN_REPLACEMENTS`]: the events before
    /// BeforeAllowTraffic.
    pub const BLUE_GREEN_INSTALL_EVENTS: usize = 7;

    /// EC2 blue/green (§4.1 table), rollback: the originals get traffic back (AllowTraffic and
    /// its hooks)…
    pub const BLUE_GREEN_ROLLBACK_ORIGINALS: &'static [LifecycleEventName] = IN_PLACE_WITH_LB.as_slice().split_at(10).1;

    /// …and the replacements lose it (BlockTraffic and its hooks).
    pub const BLUE_GREEN_ROLLBACK_REPLACEMENTS: &'static [LifecycleEventName] = Self::BLUE_GREEN_ORIGINALS;

    /// The in-place order (§4.1), with or without a load balancer.
    pub fn in_place_order(with_load_balancer: bool) -> &'static [LifecycleEventName] {
        if with_load_balancer {
            &IN_PLACE_WITH_LB
        } else {
            &IN_PLACE
        }
    }

    /// Who carries the event out.
    pub fn runner(self) -> Runner {
        match self {
            DownloadBundle | Install => Runner::Agent,
            BlockTraffic => Runner::Deregister,
            AllowTraffic => Runner::Register,
            AllowTestTraffic => Runner::TestTraffic,
            _ => Runner::Scripts,
        }
    }

    /// Whether AppSpec scripts may be attached (the `hooks` section accepts it).
    pub fn is_scriptable(self) -> bool {
        self.runner() == Runner::Scripts
    }

    /// Hooks whose scripts come from the last successful revision's AppSpec (§4.1): they
    /// have nothing to run on an instance's first deployment.
    pub fn uses_previous_revision(self) -> bool {
        matches!(self, ApplicationStop | BeforeBlockTraffic | AfterBlockTraffic)
    }

    /// Events whose failure `ignoreApplicationStopFailures` forgives (§4.4).
    pub fn failure_may_be_ignored(self) -> bool {
        self.uses_previous_revision()
    }

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BeforeBlockTraffic => "BeforeBlockTraffic",
            BlockTraffic => "BlockTraffic",
            AfterBlockTraffic => "AfterBlockTraffic",
            ApplicationStop => "ApplicationStop",
            DownloadBundle => "DownloadBundle",
            BeforeInstall => "BeforeInstall",
            Install => "Install",
            AfterInstall => "AfterInstall",
            ApplicationStart => "ApplicationStart",
            ValidateService => "ValidateService",
            BeforeAllowTraffic => "BeforeAllowTraffic",
            AllowTraffic => "AllowTraffic",
            AfterAllowTraffic => "AfterAllowTraffic",
            AllowTestTraffic => "AllowTestTraffic",
            AfterAllowTestTraffic => "AfterAllowTestTraffic",
        }
    }

    /// From the API spelling.
    pub fn parse(s: &str) -> Option<LifecycleEventName> {
        Self::ALL
            .into_iter()
            .chain([AllowTestTraffic, AfterAllowTestTraffic])
            .find(|e| e.as_str() == s)
    }

    /// A dense index (the declaration order), for per-event tables of [`Self::COUNT`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// How many names there are.
    pub const COUNT: usize = 15;
}

impl fmt::Display for LifecycleEventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
