//! Validation of a `history`: deployment requests on an in-place group, one after another.
//!
//! Not here: whether a request is refused because another deployment is active (the run
//! decides that, §11), or running the requests.

use super::{Located, Validator};
use crate::fault::Faults;
use crate::scenario::history::{DeploymentRequest, History, INITIAL_REVISION, Revision, RevisionId};
use crate::scenario::raw::{RawDeploymentRequest, RawScenario};
use crate::scenario::{Hooks, InPlace, StopRequest};
use crate::time::SimTime;

/// The most requests a history may hold.
pub const MAX_REQUESTS: usize = 1_000;

impl Validator {
    /// The scenario's `history`, if it has one; `ip` is its in-place part when that
    /// validated (the faults are checked against its fleet and load balancer).
    pub(super) fn history(&mut self, raw: &RawScenario, ip: Option<&InPlace>) -> Option<Option<History>> {
        let Some(list) = &raw.history else {
            return Some(None);
        };
        self.history_exclusions(raw, list);
        if list.value.is_empty() {
            self.problem(list, "history needs at least one deployment request");
            return None;
        }
        if list.value.len() > MAX_REQUESTS {
            self.problem(
                list,
                format!(
                    "history holds at most {MAX_REQUESTS} requests, found {}",
                    list.value.len()
                ),
            );
            return None;
        }
        let top_hooks = ip.map(|ip| ip.hooks.clone()).unwrap_or_default();
        let mut revisions = vec![Revision {
            name: INITIAL_REVISION.to_string(),
            hooks: top_hooks.clone(),
        }];
        let mut requests = Vec::new();
        let mut ok = true;
        let mut last = SimTime::ZERO;
        for r in &list.value {
            match self.request(&r.value, ip, &top_hooks, &mut revisions, last) {
                Some(req) => {
                    last = req.at;
                    requests.push(req);
                }
                None => ok = false,
            }
        }
        (ok && ip.is_some()).then_some(Some(History { revisions, requests }))
    }

    /// What a history cannot be combined with, each named where it is written.
    fn history_exclusions(&mut self, raw: &RawScenario, list: &Located<Vec<Located<RawDeploymentRequest>>>) {
        if raw.blue_green_deployment_configuration.is_some() || raw.fleet.is_none() {
            self.problem(
                list,
                "history applies to Server in-place deployment groups (a fleet without \
                 blueGreenDeploymentConfiguration)",
            );
        }
        let clash = |v: &mut Self, at: Option<(u64, u64)>, what: &str| {
            if let Some((line, column)) = at {
                v.problem_at(line, column, what.to_string());
            }
        };
        clash(
            self,
            raw.faults.as_ref().and_then(|f| f.first()).map(|f| (f.line, f.column)),
            "with a history, give faults in the deployment request they belong to",
        );
        clash(
            self,
            raw.stop_deployment.as_ref().map(|s| (s.line, s.column)),
            "with a history, give stopDeployment in the deployment request it stops",
        );
        clash(
            self,
            raw.fault_model.as_ref().map(|f| (f.line, f.column)),
            "faultModel draws the faults of one deployment; it cannot be combined with a history",
        );
    }

    fn request(
        &mut self,
        raw: &RawDeploymentRequest,
        ip: Option<&InPlace>,
        top_hooks: &Hooks,
        revisions: &mut Vec<Revision>,
        last: SimTime,
    ) -> Option<DeploymentRequest> {
        let revision = self.request_revision(raw, top_hooks, revisions);
        let at = match &raw.at {
            None => Some(SimTime::ZERO),
            Some(a) => self
                .duration(&a.value, "at", a.line, a.column)
                .map(|d| SimTime::ZERO + d),
        };
        if let (Some(a), Some(at)) = (&raw.at, at)
            && at < last
        {
            self.problem(
                a,
                format!(
                    "history requests are in time order: this one at {}s comes before the previous one at {}s",
                    at.as_secs_f64(),
                    last.as_secs_f64()
                ),
            );
        }
        let hooks = revision.map(|r| revisions[r.index()].hooks.clone());
        let faults = match (ip, &raw.faults) {
            (_, None) => Some(Faults::default()),
            (Some(ip), Some(f)) => self.faults(f, Some(ip.fleet.instances), ip.load_balancer.is_some(), hooks.as_ref()),
            (None, Some(_)) => None,
        };
        if let (Some(f), Some(at), Some(list)) = (&faults, at, &raw.faults)
            && let Some((target, when)) = f.stops().find(|&(_, when)| when < at)
        {
            self.problem(
                &list[0],
                format!(
                    "instance {} stops at {}s, before this request at {}s: instanceStops times count from the \
                     history's start",
                    target.0,
                    when.as_secs_f64(),
                    at.as_secs_f64()
                ),
            );
        }
        let stop = match (&raw.stop_deployment, at) {
            (None, _) => Some(None),
            (Some(s), Some(at)) => self
                .duration(
                    &s.value.at.value,
                    "stopDeployment.at",
                    s.value.at.line,
                    s.value.at.column,
                )
                .map(|d| {
                    Some(StopRequest {
                        at: at + d,
                        auto_rollback_enabled: s.value.auto_rollback_enabled,
                    })
                }),
            (Some(_), None) => None,
        };
        Some(DeploymentRequest {
            revision: revision?,
            at: at?,
            faults: faults?,
            stop: stop?,
        })
    }

    /// The request's revision: a new one (with its `hooks`, or the top-level ones), or one
    /// named before (whose hooks were given then).
    fn request_revision(
        &mut self,
        raw: &RawDeploymentRequest,
        top_hooks: &Hooks,
        revisions: &mut Vec<Revision>,
    ) -> Option<RevisionId> {
        let name = raw.revision.value.trim();
        if name.is_empty() {
            self.problem(&raw.revision, "revision must name the revision (it is empty)");
            return None;
        }
        if let Some(i) = revisions.iter().position(|r| r.name == name) {
            if let Some(h) = &raw.hooks {
                self.problem(
                    h,
                    format!("revision {name} was named before: its hooks are given where it is first requested"),
                );
                return None;
            }
            return Some(RevisionId(i as u16));
        }
        let hooks = match &raw.hooks {
            None => Some(top_hooks.clone()),
            Some(h) => self.hooks(Some(&h.value)),
        }?;
        revisions.push(Revision {
            name: name.to_string(),
            hooks,
        });
        Some(RevisionId((revisions.len() - 1) as u16))
    }
}
