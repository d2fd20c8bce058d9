//! The fault model: faults as probabilities (`faultModel` in a scenario), and how one run
//! draws its concrete faults from them.
//!
//! A run of `cdsim compare` is a pure function of (scenario, configuration, seed): [`draw`]
//! turns the scenario and the run's seed into the scenario that run simulates, with the
//! drawn faults injected as ordinary faults (`fault::Fault`) or as changed hook and traffic
//! behaviour. The draws come from the run's own `Stream::FaultModel` and never depend on
//! the deployment configuration, so every configuration compared under one seed meets the
//! same faults (common random numbers).
//!
//! Not here: the YAML mirror (`raw::RawFaultModel`), its validation
//! (`validate::fault_model`), or what a fault does to a deployment (`platform`).

use std::ops::Range;

use crate::fault::{Fault, Faults};
use crate::id::TargetId;
use crate::lifecycle::{DurationModel, LifecycleEventName};
use crate::rng::{Stream, Streams};
use crate::scenario::{Scenario, Workload};
use crate::time::{SimDuration, SimTime};
use crate::traffic::VersionBehaviour;

/// `faultModel`, validated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultModel {
    /// The revision may be bad.
    pub bad_revision: Option<BadRevision>,
    /// (event, probability): per instance (Server) or per run (ECS, Lambda hook functions).
    pub hook_failures: Vec<(LifecycleEventName, f64)>,
    /// Instances may stop (Server).
    pub instance_crashes: Option<InstanceCrashes>,
    /// One event may be slower on some instances (Server).
    pub slow_starts: Option<SlowStarts>,
}

/// The revision may be bad, and how bad.
#[derive(Clone, Debug, PartialEq)]
pub struct BadRevision {
    /// The chance that the run's revision is bad.
    pub probability: f64,
    /// The hooks a bad revision makes fail.
    pub failing_hooks: Vec<LifecycleEventName>,
    /// The chance that a failing hook fails on one instance (or, ECS and Lambda, at all).
    pub hook_failure_probability: f64,
    /// ECS and Lambda: how the bad replacement answers requests.
    pub replacement: Option<VersionBehaviour>,
}

/// Instances that stop during the deployment (Server).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InstanceCrashes {
    /// The chance that an instance stops.
    pub probability: f64,
    /// The stop time is uniform in [0, within).
    pub within: SimDuration,
}

/// Instances on which one lifecycle event is slower (Server).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlowStarts {
    /// The chance that an instance is slow.
    pub probability: f64,
    /// The slower event.
    pub event: LifecycleEventName,
    /// How much longer it takes.
    pub extra: DurationModel,
}

/// One run's drawn world: the scenario to simulate and whether its revision is bad.
#[derive(Clone, Debug)]
pub struct DrawnRun {
    /// The scenario with the run's drawn faults.
    pub scenario: Scenario,
    /// Whether the run's revision was drawn bad.
    pub bad_revision: bool,
}

/// The scenario one run simulates: `scenario` with the faults drawn from `seed`. A scenario
/// without a fault model is returned unchanged.
pub fn draw(scenario: &Scenario, seed: u64) -> DrawnRun {
    let mut out = scenario.clone();
    let Some(model) = &scenario.fault_model else {
        return DrawnRun {
            scenario: out,
            bad_revision: false,
        };
    };
    let streams = Streams::new(seed);
    let bad = model
        .bad_revision
        .as_ref()
        .is_some_and(|b| streams.source(Stream::FaultModel, 0).chance(b.probability));
    match &mut out.workload {
        Workload::InPlace(ip) => {
            let drawn = in_place_faults(model, bad, 0..ip.fleet.instances, &streams);
            if !drawn.is_empty() {
                ip.faults = Faults::new(ip.faults.all().copied().chain(drawn));
            }
        }
        Workload::Ec2BlueGreen(bg) => {
            // The revision goes onto the replacements (§6.1), so their faults are drawn;
            // they are numbered after the originals.
            let replacements = bg.originals()..bg.originals() + bg.replacements();
            let drawn = in_place_faults(model, bad, replacements, &streams);
            if !drawn.is_empty() {
                bg.server.faults = Faults::new(bg.server.faults.all().copied().chain(drawn));
            }
        }
        Workload::BlueGreen(bg) => {
            let mut rng = streams.source(Stream::FaultModel, 1);
            let mut failing: Vec<LifecycleEventName> = Vec::new();
            if let Some(b) = model.bad_revision.as_ref().filter(|_| bad) {
                for &e in &b.failing_hooks {
                    if rng.chance(b.hook_failure_probability) {
                        failing.push(e);
                    }
                }
                if let Some(r) = b.replacement {
                    bg.traffic.replacement = r;
                }
            }
            for &(e, p) in &model.hook_failures {
                if rng.chance(p) {
                    failing.push(e);
                }
            }
            for e in failing {
                if let Some(h) = bg.hooks.get_mut(&e) {
                    h.failure_probability = 1.0;
                }
            }
        }
    }
    DrawnRun {
        scenario: out,
        bad_revision: bad,
    }
}

/// Each instance's faults, from its own sub-stream, in a fixed order of draws: the bad
/// revision's failing hooks, the hook failures, a crash, a slow start.
fn in_place_faults(model: &FaultModel, bad: bool, targets: Range<u32>, streams: &Streams) -> Vec<Fault> {
    let mut out = Vec::new();
    for i in targets {
        let target = TargetId(i);
        let mut rng = streams.source(Stream::FaultModel, 1 + u64::from(i));
        if let Some(b) = model.bad_revision.as_ref().filter(|_| bad) {
            for &event in &b.failing_hooks {
                if rng.chance(b.hook_failure_probability) {
                    out.push(Fault::HookFails { target, event });
                }
            }
        }
        for &(event, p) in &model.hook_failures {
            if rng.chance(p) {
                out.push(Fault::HookFails { target, event });
            }
        }
        if let Some(c) = model.instance_crashes
            && rng.chance(c.probability)
        {
            let at = c.within.as_secs_f64() * rng.uniform();
            out.push(Fault::InstanceStops {
                target,
                at: SimTime::ZERO + SimDuration::from_secs_f64(at),
            });
        }
        if let Some(s) = model.slow_starts
            && rng.chance(s.probability)
        {
            out.push(Fault::SlowHook {
                target,
                event: s.event,
                extra: s.extra.sample(&mut rng),
            });
        }
    }
    out
}
