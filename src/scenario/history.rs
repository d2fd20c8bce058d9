//! A deployment group's history: deployment requests one after another on the group, each
//! with its revision, the time it is made and what the revision does.
//!
//! A scenario without `history` is a history of one request at 0 s of the scenario's own
//! hooks and faults; it is not turned into a [`History`], so its run is unchanged. A history
//! is offered for EC2/on-premises in-place groups, where the revision an instance ran last
//! decides its scheduling order (§3.1), which scripts ApplicationStop runs (§4.1) and what a
//! rollback redeploys (§8); for EC2 blue/green groups, where each deployment installs the
//! revision on a new replacement fleet that becomes the group's fleet (§6.1); and for ECS
//! and Lambda groups, where each deployment shifts traffic from the revision serving to the
//! one requested (§6.2, §6.3). On a blue/green group a request may carry ContinueDeployment
//! calls (API:ContinueDeployment).
//!
//! Not here: running the requests (`platform::server::history`,
//! `platform::ec2_blue_green::history`, `platform::shift_history`) or refusing one made while another deployment is active (the
//! run decides that, §11).

use std::collections::BTreeMap;

use crate::fault::Faults;
use crate::lifecycle::LifecycleEventName;
use crate::time::SimTime;
use crate::traffic::VersionBehaviour;

use super::blue_green::FunctionHook;
use super::{Hooks, StopRequest};

/// The revision the group runs before the history's first request (when it ran one):
/// index 0 of [`History::revisions`], with the scenario's top-level `hooks`.
pub const INITIAL_REVISION: &str = "initial";

/// A revision: its name and its AppSpec's scripts (Server) or hook functions and how it
/// answers requests (ECS, Lambda).
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    /// The name the scenario gives it (`initial` for the one before the history; Lambda:
    /// the version, the alias's `currentVersion` before the history).
    pub name: String,
    /// Server: the AppSpec's scripts by lifecycle event.
    pub hooks: Hooks,
    /// ECS and Lambda: the AppSpec's hook functions by lifecycle event.
    pub functions: BTreeMap<LifecycleEventName, FunctionHook>,
    /// ECS and Lambda: how the revision answers production requests.
    pub answers: VersionBehaviour,
}

/// Index into [`History::revisions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RevisionId(pub u16);

impl RevisionId {
    /// The revision the group runs before the history.
    pub const INITIAL: RevisionId = RevisionId(0);

    /// As an index.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// One CreateDeployment request of the history.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentRequest {
    /// The revision it deploys.
    pub revision: RevisionId,
    /// When it is made, in simulated time since the history began.
    pub at: SimTime,
    /// The faults injected while it runs (times since the history began).
    pub faults: Faults,
    /// A StopDeployment call on it, at a time since the history began.
    pub stop: Option<StopRequest>,
    /// ECS: the replacement task set's tasks never pass health checks.
    pub replacement_unhealthy: bool,
    /// ContinueDeployment calls on it, in time order (times since the history began).
    pub continues: Vec<ContinueRequest>,
}

/// `deploymentWaitType` of a ContinueDeployment call (API:ContinueDeployment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitType {
    /// `READY_WAIT`: the deployment waits in `Ready`; start rerouting traffic.
    Ready,
    /// `TERMINATION_WAIT`: traffic has moved; end the termination wait now.
    Termination,
}

impl WaitType {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitType::Ready => "READY_WAIT",
            WaitType::Termination => "TERMINATION_WAIT",
        }
    }
}

/// A ContinueDeployment call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContinueRequest {
    /// When it is made, since the history began.
    pub at: SimTime,
    /// Which wait it ends.
    pub wait: WaitType,
}

/// A history of deployment requests on the group, in the order they are made.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// Every revision named, [`RevisionId::INITIAL`] first, then in order of first request.
    pub revisions: Vec<Revision>,
    /// The requests, in time order.
    pub requests: Vec<DeploymentRequest>,
}

impl History {
    /// The revision `id`.
    pub fn revision(&self, id: RevisionId) -> &Revision {
        &self.revisions[id.index()]
    }
}
