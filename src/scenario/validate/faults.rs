//! Injected faults: which instance, which event, what happens.
//!
//! Not here: faults drawn at random per run (`fault_model`).

use super::{MAX_FAULTS, Validator};
use crate::fault::{Fault, Faults};
use crate::id::TargetId;
use crate::lifecycle::{LifecycleEventName, Runner};
use crate::scenario::Hooks;
use crate::scenario::raw::{Located, RawFault};
use crate::scenario::text::closest;
use crate::time::SimTime;

impl Validator {
    /// `instances` and `hooks` are `None` when they did not validate: the checks that need
    /// them are skipped (their own problems are already reported).
    pub(super) fn faults(
        &mut self,
        raw: &[Located<RawFault>],
        instances: Option<u32>,
        with_lb: bool,
        hooks: Option<&Hooks>,
    ) -> Option<Faults> {
        if let Some(f) = raw.get(MAX_FAULTS) {
            self.problem(
                f,
                format!(
                    "at most {MAX_FAULTS} faults, found {} (this is fault {})",
                    raw.len(),
                    MAX_FAULTS + 1
                ),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for f in raw {
            match self.fault(f, instances, with_lb, hooks) {
                Some(f) => out.push(f),
                None => ok = false,
            }
        }
        ok.then(|| Faults::new(out))
    }

    pub(super) fn fault(
        &mut self,
        located: &Located<RawFault>,
        instances: Option<u32>,
        with_lb: bool,
        hooks: Option<&Hooks>,
    ) -> Option<Fault> {
        let raw = &located.value;
        let target = |v: &mut Self, t: &Located<i64>| {
            let max = instances.map_or(i64::from(u32::MAX), |n| i64::from(n) - 1);
            v.int_in(t, "target (instance number)", 0, max).map(TargetId)
        };
        match raw {
            RawFault::HookFails { target: t, event } => {
                let (t, e) = (target(self, t), self.fault_event(event, with_lb, hooks));
                Some(Fault::HookFails { target: t?, event: e? })
            }
            RawFault::HookHangs { target: t, event } => {
                let (t, e) = (target(self, t), self.fault_event(event, with_lb, hooks));
                Some(Fault::HookHangs { target: t?, event: e? })
            }
            RawFault::SlowHook {
                target: t,
                event,
                extra,
            } => {
                let (t, e) = (target(self, t), self.fault_event(event, with_lb, hooks));
                let extra = self.duration(&extra.value, "extra", extra.line, extra.column);
                Some(Fault::SlowHook {
                    target: t?,
                    event: e?,
                    extra: extra?,
                })
            }
            RawFault::InstanceStops { target: t, at } => {
                let t = target(self, t);
                let at = self.duration(&at.value, "at", at.line, at.column);
                Some(Fault::InstanceStops {
                    target: t?,
                    at: SimTime::ZERO + at?,
                })
            }
            RawFault::ReplacementTasksUnhealthy {} => {
                self.problem(located, "replacementTasksUnhealthy applies to ECS deployments");
                None
            }
            RawFault::FailsHealthChecks { target: t } => {
                if !with_lb {
                    self.problem(
                        t,
                        "failsHealthChecks needs a loadBalancer: without one there are no health checks",
                    );
                }
                let t = target(self, t)?;
                with_lb.then_some(Fault::FailsHealthChecks { target: t })
            }
        }
    }

    /// A fault's event must run in this scenario and run something that can fail.
    pub(super) fn fault_event(
        &mut self,
        raw: &Located<String>,
        with_lb: bool,
        hooks: Option<&Hooks>,
    ) -> Option<LifecycleEventName> {
        let Some(e) = LifecycleEventName::parse(&raw.value) else {
            let names: Vec<&str> = LifecycleEventName::ALL.iter().map(|e| e.as_str()).collect();
            let hint = closest(&raw.value, &names)
                .map(|h| format!(" (did you mean {h}?)"))
                .unwrap_or_default();
            self.problem(raw, format!("unknown lifecycle event \"{}\"{hint}", raw.value));
            return None;
        };
        if !LifecycleEventName::in_place_order(with_lb).contains(&e) {
            self.problem(
                raw,
                format!("{e} does not run in this scenario: traffic events need a loadBalancer (§4.1)"),
            );
            return None;
        }
        match e.runner() {
            Runner::Deregister | Runner::Register => {
                self.problem(
                    raw,
                    format!("{e} is run by CodeDeploy, not by scripts; use failsHealthChecks or instanceStops for it"),
                );
                None
            }
            Runner::Scripts if hooks.is_some_and(|h| h.get(e).is_empty()) => {
                self.problem(
                    raw,
                    format!("{e} has no scripts in this scenario's hooks, so nothing can fail there"),
                );
                None
            }
            _ => Some(e),
        }
    }
}
