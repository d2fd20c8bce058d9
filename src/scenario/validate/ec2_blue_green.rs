//! Validation of an EC2 blue/green scenario (§1, §2.6, §6.1, §11): the Server part plus
//! `blueGreenDeploymentConfiguration`, and which fleet each fault may name.
//!
//! Not here: the Server part's own checks (fleet, load balancer, hooks, faults: `mod.rs`,
//! reused with the replacement instances counted), or simulating.

use super::{Located, Validator};
use crate::config::{ConfigRule, DeploymentConfig};
use crate::lifecycle::LifecycleEventName;
use crate::scenario::blue_green::Reroute;
use crate::scenario::ec2_blue_green::{BlueTermination, Ec2BlueGreen, GreenFleet, GreenFleetProvisioning};
use crate::scenario::raw::{
    RawBlueGreenDeploymentConfiguration, RawBlueInstanceTerminationOption, RawFault, RawGreenFleetProvisioningOption,
    RawScenario,
};
use crate::time::SimDuration;

/// §6.1, §11: at most 48 hours from deploying the revision to shifting traffic, and from
/// completion to terminating the originals; the API caps the termination wait at 2880 min.
const MAX_WAIT_MIN: i64 = 2880;

/// The most replacement instances `DISCOVER_EXISTING` may name (the fleet's own limit).
const MAX_REPLACEMENTS: i64 = super::MAX_INSTANCES;

impl Validator {
    /// The EC2 blue/green part of a scenario.
    pub(super) fn ec2_blue_green(
        &mut self,
        raw: &RawScenario,
        config: Option<&DeploymentConfig>,
    ) -> Option<Ec2BlueGreen> {
        let b = raw
            .blue_green_deployment_configuration
            .as_ref()
            .expect("called for blue/green scenarios");
        self.blue_green_fleet_rules(raw, b, config);
        let green = self.green_fleet(raw, b);
        let replacements = green.map_or(0, |g| g.instances);
        let server = self.server_part(raw, config, replacements);
        if let (Some(g), Some(fleet)) = (green, &raw.fleet) {
            self.fault_fleets(
                raw.faults.as_deref().unwrap_or_default(),
                fleet.instances.value,
                g.instances,
            );
        }
        let reroute = match &b.value.deployment_ready_option {
            None => Some(Reroute::Immediately),
            Some(o) => self.ready_option_within(o, MAX_WAIT_MIN),
        };
        let termination = match &b.value.terminate_blue_instances_on_deployment_success {
            None => Some(BlueTermination::Terminate {
                wait: SimDuration::ZERO,
            }),
            Some(t) => self.blue_termination(t),
        };
        Some(Ec2BlueGreen {
            server: server?,
            green_fleet: green?,
            reroute: reroute?,
            blue_termination: termination?,
        })
    }

    /// What EC2 blue/green needs of the rest of the scenario.
    fn blue_green_fleet_rules(
        &mut self,
        raw: &RawScenario,
        b: &Located<RawBlueGreenDeploymentConfiguration>,
        config: Option<&DeploymentConfig>,
    ) {
        if raw.load_balancer.is_none() {
            self.problem(
                b,
                "an EC2 blue/green deployment needs a loadBalancer: traffic moves from the original instances to the \
                 replacements behind it (§1)",
            );
        }
        if let Some(c) = config
            && matches!(&c.rule, ConfigRule::MinimumHealthy { zonal: Some(_), .. })
        {
            self.problem(
                b,
                format!(
                    "{} is a zonal configuration, and zonal configurations apply only to in-place deployments (§2.6)",
                    c.name
                ),
            );
        }
        if let Some(f) = &raw.fleet {
            if f.first_deployment == Some(true) {
                self.problem(
                    &f.instances,
                    "firstDeployment does not apply to blue/green: the original instances serve the current revision \
                     and the replacements are new instances",
                );
            }
            if let Some(z) = &f.availability_zones {
                self.problem(
                    z,
                    "availabilityZones is for zonal in-place deployments; blue/green does not deploy zone by zone (§2.6)",
                );
            }
        }
        if let Some(s) = &raw.instance_scheduling {
            self.problem(s, "instanceScheduling applies to in-place deployments");
        }
    }

    /// §6.1 `greenFleetProvisioningOption`.
    fn green_fleet(
        &mut self,
        raw: &RawScenario,
        b: &Located<RawBlueGreenDeploymentConfiguration>,
    ) -> Option<GreenFleet> {
        let Some(o) = &b.value.green_fleet_provisioning_option else {
            return self.copied_fleet(raw, b);
        };
        let RawGreenFleetProvisioningOption { action, instances } = &o.value;
        match (action.value.as_str(), instances) {
            ("COPY_AUTO_SCALING_GROUP", None) => self.copied_fleet(raw, action),
            ("COPY_AUTO_SCALING_GROUP", Some(i)) => {
                self.problem(
                    i,
                    "instances is for DISCOVER_EXISTING: COPY_AUTO_SCALING_GROUP creates as many instances as the \
                     original fleet has healthy ones (§6.1)",
                );
                None
            }
            ("DISCOVER_EXISTING", Some(i)) => {
                let n = self.int_in(i, "greenFleetProvisioningOption.instances", 1, MAX_REPLACEMENTS)?;
                Some(GreenFleet {
                    provisioning: GreenFleetProvisioning::DiscoverExisting,
                    instances: n,
                })
            }
            ("DISCOVER_EXISTING", None) => {
                self.problem(
                    o,
                    "DISCOVER_EXISTING needs instances: the number of replacement instances that already exist",
                );
                None
            }
            (other, _) => {
                self.problem(
                    action,
                    format!("action must be COPY_AUTO_SCALING_GROUP or DISCOVER_EXISTING, found \"{other}\""),
                );
                None
            }
        }
    }

    /// `COPY_AUTO_SCALING_GROUP`: one replacement per healthy original instance (§6.1).
    fn copied_fleet<T>(&mut self, raw: &RawScenario, at: &Located<T>) -> Option<GreenFleet> {
        let f = raw.fleet.as_ref()?;
        let n = f.instances.value;
        let mut unhealthy: Vec<i64> = f
            .instance_health
            .as_ref()
            .and_then(|h| h.unhealthy.as_ref())
            .map_or_else(Vec::new, |u| u.iter().map(|t| t.value).collect());
        unhealthy.sort_unstable();
        unhealthy.dedup();
        let healthy = n - unhealthy.iter().filter(|&&t| (0..n).contains(&t)).count() as i64;
        if !(1..=MAX_REPLACEMENTS).contains(&n) {
            return None; // the fleet's own problem is reported
        }
        if healthy < 1 {
            self.problem(
                at,
                "COPY_AUTO_SCALING_GROUP copies the original fleet's healthy instances, and it has none",
            );
            return None;
        }
        Some(GreenFleet {
            provisioning: GreenFleetProvisioning::CopyAutoScalingGroup,
            instances: u32::try_from(healthy).ok()?,
        })
    }

    /// §6.1 `terminateBlueInstancesOnDeploymentSuccess`.
    fn blue_termination(&mut self, raw: &Located<RawBlueInstanceTerminationOption>) -> Option<BlueTermination> {
        let o = &raw.value;
        match (o.action.value.as_str(), &o.termination_wait_time_in_minutes) {
            ("TERMINATE", None) => Some(BlueTermination::Terminate {
                wait: SimDuration::ZERO,
            }),
            ("TERMINATE", Some(m)) => {
                let m = self.int_in(m, "terminationWaitTimeInMinutes", 0, MAX_WAIT_MIN)?;
                Some(BlueTermination::Terminate {
                    wait: SimDuration::from_mins(u64::from(m)),
                })
            }
            ("KEEP_ALIVE", None) => Some(BlueTermination::KeepAlive),
            ("KEEP_ALIVE", Some(m)) => {
                self.problem(
                    m,
                    "terminationWaitTimeInMinutes applies to TERMINATE; KEEP_ALIVE leaves the originals running",
                );
                None
            }
            (other, _) => {
                self.problem(
                    &o.action,
                    format!("action must be TERMINATE or KEEP_ALIVE, found \"{other}\""),
                );
                None
            }
        }
    }

    /// Which fleet a fault's event runs on (§4.1 blue/green table): the originals run only
    /// the BlockTraffic trio, the replacements the install events and the AllowTraffic trio
    /// (ApplicationStop has nothing to run on a fresh instance); only a replacement runs the
    /// new revision, so only a replacement can fail its health checks. `n`: the original
    /// fleet's instances.
    pub(super) fn fault_fleets(&mut self, faults: &[Located<RawFault>], n: i64, replacements: u32) {
        if !(1..=super::MAX_INSTANCES).contains(&n) {
            return; // reported with the fleet
        }
        let total = n + i64::from(replacements);
        for f in faults {
            let (target, event) = match &f.value {
                RawFault::HookFails { target, event }
                | RawFault::HookHangs { target, event }
                | RawFault::SlowHook { target, event, .. } => (target, Some(event)),
                RawFault::FailsHealthChecks { target } => (target, None),
                RawFault::InstanceStops { .. } | RawFault::ReplacementTasksUnhealthy {} => continue,
            };
            if !(0..total).contains(&target.value) {
                continue; // reported with the fault
            }
            let original = target.value < n;
            let which = if original { "an original" } else { "a replacement" };
            match event {
                None if original => self.problem(
                    target,
                    format!(
                        "instance {} is an original instance (0–{}): only replacements ({n}–{}) run the new revision \
                         and its health checks",
                        target.value,
                        n - 1,
                        total - 1
                    ),
                ),
                None => {}
                Some(e) => {
                    let Some(name) = LifecycleEventName::parse(&e.value) else {
                        continue;
                    };
                    let runs: &[LifecycleEventName] = if original {
                        LifecycleEventName::BLUE_GREEN_ORIGINALS
                    } else {
                        &LifecycleEventName::BLUE_GREEN_REPLACEMENTS[1..]
                    };
                    if !runs.contains(&name) {
                        self.problem(
                            e,
                            format!(
                                "{name} does not run on instance {}, {which} instance, in a blue/green deployment \
                                 (originals 0–{}, replacements {n}–{}; §4.1)",
                                target.value,
                                n - 1,
                                total - 1
                            ),
                        );
                    }
                }
            }
        }
    }
}
