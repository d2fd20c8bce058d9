//! The validated model of an EC2 blue/green deployment (§6.1): the original fleet and its
//! load balancer, AppSpec hooks and faults as in place, and CodeDeploy's
//! `blueGreenDeploymentConfiguration`.
//!
//! Instances are numbered across both fleets: the originals are 0..N (as in `fleet`), the
//! replacements N..N+R, so faults name a replacement instance by its number.
//!
//! Not here: the YAML mirror (`raw`), its checks (`validate::ec2_blue_green`) or the state
//! machine (`platform::ec2_blue_green`).

use crate::id::TargetId;
use crate::scenario::InPlace;
use crate::scenario::blue_green::Reroute;
use crate::time::SimDuration;

/// An EC2/on-premises blue/green deployment (`deploymentType: BLUE_GREEN`).
#[derive(Clone, Debug, PartialEq)]
pub struct Ec2BlueGreen {
    /// The original fleet (`fleet`), its load balancer (required, §1), hooks, agent steps,
    /// `ignoreApplicationStopFailures` and faults.
    pub server: InPlace,
    /// The replacement fleet.
    pub green_fleet: GreenFleet,
    /// `deploymentReadyOption`: reroute at once, or wait in `Ready` for ContinueDeployment.
    pub reroute: Reroute,
    /// `terminateBlueInstancesOnDeploymentSuccess`.
    pub blue_termination: BlueTermination,
}

/// `greenFleetProvisioningOption.action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GreenFleetProvisioning {
    /// `COPY_AUTO_SCALING_GROUP`: CodeDeploy copies the Auto Scaling group, with as many
    /// instances as the original fleet has healthy ones.
    CopyAutoScalingGroup,
    /// `DISCOVER_EXISTING`: instances that already exist, identified by tags or groups.
    DiscoverExisting,
}

/// The replacement (green) fleet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GreenFleet {
    /// How the replacement fleet comes to be.
    pub provisioning: GreenFleetProvisioning,
    /// R, the number of replacement instances.
    pub instances: u32,
}

/// `terminateBlueInstancesOnDeploymentSuccess`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlueTermination {
    /// `TERMINATE` after `terminationWaitTimeInMinutes` (≤ 2880).
    Terminate {
        /// `terminationWaitTimeInMinutes`.
        wait: SimDuration,
    },
    /// `KEEP_ALIVE`: the originals are deregistered and left running.
    KeepAlive,
}

impl Ec2BlueGreen {
    /// N, the original instances.
    pub fn originals(&self) -> u32 {
        self.server.fleet.instances
    }

    /// R, the replacement instances.
    pub fn replacements(&self) -> u32 {
        self.green_fleet.instances
    }

    /// Whether `t` is a replacement instance.
    pub fn is_replacement(&self, t: TargetId) -> bool {
        t.0 >= self.originals()
    }

    /// Instances in both fleets.
    pub fn targets(&self) -> u32 {
        self.originals() + self.replacements()
    }
}
