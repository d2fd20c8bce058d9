//! Faults as data: what goes wrong, where and when.
//!
//! A fault is a fact about the simulated world (this instance stops at that time, this
//! hook fails on that instance), not a code path: the deployment consults the fault table
//! when it plans an event. Random hook failures are not here; they belong to each script's
//! failure probability (`lifecycle::Script`).
//!
//! Not here: deciding what a fault does to a deployment (`platform::server`).

use std::collections::BTreeMap;

use crate::id::TargetId;
use crate::lifecycle::LifecycleEventName;
use crate::lifecycle::hook::HookFault;
use crate::time::{SimDuration, SimTime};

/// One injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The event's first script exits non-zero (`ScriptFailed`).
    HookFails {
        /// The instance.
        target: TargetId,
        /// The lifecycle event.
        event: LifecycleEventName,
    },
    /// The event's first script never finishes (`ScriptTimedOut` at its timeout).
    HookHangs {
        /// The instance.
        target: TargetId,
        /// The lifecycle event.
        event: LifecycleEventName,
    },
    /// The event's scripts each take `extra` longer.
    SlowHook {
        /// The instance.
        target: TargetId,
        /// The lifecycle event.
        event: LifecycleEventName,
        /// How much longer each script takes.
        extra: SimDuration,
    },
    /// The instance stops (crashes, or its agent dies) at `at`.
    InstanceStops {
        /// The instance.
        target: TargetId,
        /// When it stops.
        at: SimTime,
    },
    /// The new revision on this instance never passes load-balancer health checks.
    FailsHealthChecks {
        /// The instance.
        target: TargetId,
    },
}

impl Fault {
    /// The instance the fault happens to.
    pub fn target(&self) -> TargetId {
        match *self {
            Fault::HookFails { target, .. }
            | Fault::HookHangs { target, .. }
            | Fault::SlowHook { target, .. }
            | Fault::InstanceStops { target, .. }
            | Fault::FailsHealthChecks { target } => target,
        }
    }
}

/// All faults of a scenario, indexed by target (ordered: no hash iteration).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    by_target: BTreeMap<TargetId, Vec<Fault>>,
}

impl Faults {
    /// The faults, indexed by target.
    pub fn new(faults: impl IntoIterator<Item = Fault>) -> Self {
        let mut by_target: BTreeMap<TargetId, Vec<Fault>> = BTreeMap::new();
        for f in faults {
            by_target.entry(f.target()).or_default().push(f);
        }
        Faults { by_target }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_target.is_empty()
    }

    /// The faults of `target`, in the order given.
    pub fn for_target(&self, target: TargetId) -> &[Fault] {
        self.by_target.get(&target).map_or(&[], Vec::as_slice)
    }

    /// The hook faults that apply to `event` on `target`.
    pub fn hook_faults(&self, target: TargetId, event: LifecycleEventName) -> Vec<HookFault> {
        self.for_target(target)
            .iter()
            .filter_map(|f| match *f {
                Fault::HookFails { event: e, .. } if e == event => Some(HookFault::Fails),
                Fault::HookHangs { event: e, .. } if e == event => Some(HookFault::Hangs),
                Fault::SlowHook { event: e, extra, .. } if e == event => Some(HookFault::Slow(extra)),
                _ => None,
            })
            .collect()
    }

    /// Whether the new revision on `target` never passes health checks.
    pub fn fails_health_checks(&self, target: TargetId) -> bool {
        self.for_target(target)
            .iter()
            .any(|f| matches!(f, Fault::FailsHealthChecks { .. }))
    }

    /// Every (target, time) at which an instance stops, in target order.
    pub fn stops(&self) -> impl Iterator<Item = (TargetId, SimTime)> + '_ {
        self.by_target.values().flatten().filter_map(|f| match *f {
            Fault::InstanceStops { target, at } => Some((target, at)),
            _ => None,
        })
    }

    /// Every fault, in target order.
    pub fn all(&self) -> impl Iterator<Item = &Fault> {
        self.by_target.values().flatten()
    }
}
