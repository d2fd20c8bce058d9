//! Validation of `faultModel` and `candidateConfigs`, the two sections only `cdsim compare`
//! and `cdsim recommend` use.
//!
//! Not here: drawing faults (`scenario::fault_model::draw`).

use super::{Located, Validator};
use crate::config::{ComputePlatform, ConfigRule, DeploymentConfig};
use crate::lifecycle::LifecycleEventName;
use crate::scenario::blue_green::ShiftTarget;
use crate::scenario::fault_model::{BadRevision, FaultModel, InstanceCrashes, SlowStarts};
use crate::scenario::raw::{RawBadRevision, RawDeploymentConfig, RawFaultModel, RawScenario};
use crate::scenario::{InPlace, Workload};
use crate::time::SimDuration;

impl Validator {
    /// `faultModel`. `workload` is `None` when it did not validate: the checks that need it
    /// are skipped (its own problems are already reported).
    pub(super) fn fault_model(
        &mut self,
        raw: &Located<RawFaultModel>,
        workload: Option<&Workload>,
    ) -> Option<FaultModel> {
        let m = &raw.value;
        let bad_revision = match &m.bad_revision {
            None => Some(None),
            Some(b) => self.bad_revision(b, workload).map(Some),
        };
        let hook_failures = match &m.hook_failures {
            None => Some(Vec::new()),
            Some(h) => {
                let mut out = Vec::new();
                let mut ok = true;
                for (name, p) in &h.value {
                    let e = self.model_event(name, p.line, p.column, workload);
                    let p = self.chance(p, "hookFailures probability");
                    match (e, p) {
                        (Some(e), Some(p)) => out.push((e, p)),
                        _ => ok = false,
                    }
                }
                ok.then_some(out)
            }
        };
        let instance_crashes = match &m.instance_crashes {
            None => Some(None),
            Some(c) => {
                self.server_only(c, "instanceCrashes", workload);
                let p = self.chance(&c.value.probability, "instanceCrashes.probability");
                let within = self.duration(
                    &c.value.within.value,
                    "within",
                    c.value.within.line,
                    c.value.within.column,
                );
                let within = within.filter(|w| {
                    let ok = *w > SimDuration::ZERO;
                    if !ok {
                        self.problem(&c.value.within, "instanceCrashes.within must be positive");
                    }
                    ok
                });
                Some(Some(InstanceCrashes {
                    probability: p?,
                    within: within?,
                }))
            }
        };
        let slow_starts = match &m.slow_starts {
            None => Some(None),
            Some(s) => {
                self.server_only(s, "slowStarts", workload);
                let p = self.chance(&s.value.probability, "slowStarts.probability");
                let event = match &s.value.event {
                    None => Some(LifecycleEventName::ApplicationStart),
                    Some(e) => self.model_event(&e.value, e.line, e.column, workload),
                };
                let extra = self.duration_model(Some(&s.value.extra), SimDuration::ZERO);
                Some(Some(SlowStarts {
                    probability: p?,
                    event: event?,
                    extra: extra?,
                }))
            }
        };
        Some(FaultModel {
            bad_revision: bad_revision?,
            hook_failures: hook_failures?,
            instance_crashes: instance_crashes?,
            slow_starts: slow_starts?,
        })
    }

    fn bad_revision(&mut self, raw: &Located<RawBadRevision>, workload: Option<&Workload>) -> Option<BadRevision> {
        let b = &raw.value;
        let probability = self.chance(&b.probability, "badRevision.probability");
        let hook_p = match &b.hook_failure_probability {
            None => Some(1.0),
            Some(p) => self.chance(p, "badRevision.hookFailureProbability"),
        };
        let mut failing = Vec::new();
        let mut ok = true;
        for e in b.failing_hooks.iter().flatten() {
            match self.model_event(&e.value, e.line, e.column, workload) {
                Some(e) => failing.push(e),
                None => ok = false,
            }
        }
        let replacement = match (&b.replacement, workload) {
            (None, _) => Some(None),
            (Some(r), Some(Workload::InPlace(_))) => {
                self.problem(
                    r,
                    "badRevision.replacement (request behaviour) applies to ECS and Lambda deployments",
                );
                None
            }
            (Some(r), _) => self.version(Some(&r.value)).map(Some),
        };
        let does_nothing = failing.is_empty() && b.replacement.is_none();
        if ok && does_nothing {
            self.problem(
                raw,
                "badRevision needs failingHooks (events that fail with the bad revision) or, for ECS and Lambda, \
                 replacement (how it answers requests)",
            );
            return None;
        }
        Some(BadRevision {
            probability: probability?,
            failing_hooks: ok.then_some(failing)?,
            hook_failure_probability: hook_p?,
            replacement: replacement?,
        })
    }

    /// A lifecycle event the fault model may make fail: on Server, a scriptable event with
    /// scripts (or an agent step); on ECS and Lambda, an event with a hook function.
    fn model_event(
        &mut self,
        name: &str,
        line: u64,
        column: u64,
        workload: Option<&Workload>,
    ) -> Option<LifecycleEventName> {
        let located = Located {
            value: name.to_string(),
            line,
            column,
        };
        match workload {
            Some(Workload::InPlace(InPlace {
                load_balancer, hooks, ..
            })) => self.fault_event(&located, load_balancer.is_some(), Some(hooks)),
            Some(Workload::Ec2BlueGreen(bg)) => self.fault_event(&located, true, Some(&bg.server.hooks)),
            Some(Workload::BlueGreen(bg)) => {
                let e = LifecycleEventName::parse(name);
                match e {
                    Some(e) if bg.hooks.contains_key(&e) => Some(e),
                    _ => {
                        self.problem(
                            &located,
                            format!("\"{name}\" has no hook function in this scenario's hookFunctions"),
                        );
                        None
                    }
                }
            }
            None => None,
        }
    }

    fn server_only<T>(&mut self, at: &Located<T>, field: &str, workload: Option<&Workload>) {
        if let Some(Workload::BlueGreen(_)) = workload {
            self.problem(at, format!("{field} applies to Server (EC2/on-premises) deployments"));
        }
    }

    fn chance(&mut self, p: &Located<f64>, field: &str) -> Option<f64> {
        if (0.0..=1.0).contains(&p.value) {
            Some(p.value)
        } else {
            self.problem(p, format!("{field} must be between 0 and 1, found {}", p.value));
            None
        }
    }

    /// `candidateConfigs`: each a predefined configuration by name, or a custom one.
    pub(super) fn candidates(
        &mut self,
        raw: &RawScenario,
        platform: Option<ComputePlatform>,
        workload: Option<&Workload>,
    ) -> Option<Vec<DeploymentConfig>> {
        let Some(list) = &raw.candidate_configs else {
            return Some(Vec::new());
        };
        let platform = platform?;
        let mut out: Vec<DeploymentConfig> = Vec::new();
        let mut ok = true;
        for c in &list.value {
            match self.candidate(c, platform, workload) {
                Some(config) if out.iter().any(|o| o.name == config.name) => {
                    self.problem(c, format!("candidate {} is listed twice", config.name));
                    ok = false;
                }
                Some(config) => out.push(config),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn candidate(
        &mut self,
        c: &Located<RawDeploymentConfig>,
        platform: ComputePlatform,
        workload: Option<&Workload>,
    ) -> Option<DeploymentConfig> {
        let r = &c.value;
        let only_name =
            r.minimum_healthy_hosts.is_none() && r.traffic_routing_config.is_none() && r.zonal_config.is_none();
        let config = match &r.deployment_config_name {
            Some(name) if only_name => self.named_config(name, platform)?,
            _ => self.custom_config(r, c.line, c.column, platform)?,
        };
        if config.compute_platform != platform {
            self.problem(
                c,
                format!(
                    "candidate {} is {} configuration, and this is {} scenario",
                    config.name,
                    config.compute_platform.with_article(),
                    platform.with_article()
                ),
            );
            return None;
        }
        let zonal = matches!(&config.rule, ConfigRule::MinimumHealthy { zonal: Some(_), .. });
        if zonal && matches!(workload, Some(Workload::InPlace(ip)) if ip.fleet.zones.is_empty()) {
            self.problem(c, "a zonal candidate needs fleet.availabilityZones (§2.6)");
            return None;
        }
        let nlb = matches!(workload, Some(Workload::BlueGreen(bg))
            if matches!(&bg.target, ShiftTarget::Ecs(e) if e.network_load_balancer));
        if let ConfigRule::TrafficRouting(r) = &config.rule
            && nlb
            && !r.allowed_with_nlb()
        {
            self.problem(
                c,
                format!(
                    "candidate {}: a Network Load Balancer allows only all-at-once routing (§2.3)",
                    config.name
                ),
            );
            return None;
        }
        Some(config)
    }
}
