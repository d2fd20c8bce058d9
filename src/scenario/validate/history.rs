//! Validation of a `history`: deployment requests on an in-place, EC2 blue/green, ECS or
//! Lambda group, one after another.
//!
//! Not here: whether a request is refused because another deployment is active (the run
//! decides that, §11), or running the requests.

use std::collections::BTreeMap;

use super::{Located, Validator};
use crate::config::ComputePlatform;
use crate::fault::Faults;
use crate::lifecycle::LifecycleEventName;
use crate::scenario::blue_green::{BlueGreenDeployment, FunctionHook, ShiftTarget};
use crate::scenario::ec2_blue_green::{Ec2BlueGreen, GreenFleetProvisioning};
use crate::scenario::history::{
    ContinueRequest, DeploymentRequest, History, INITIAL_REVISION, Revision, RevisionId, WaitType,
};
use crate::scenario::raw::{RawContinueDeployment, RawDeploymentRequest, RawScenario};
use crate::scenario::{Hooks, InPlace, StopRequest, Workload};
use crate::time::SimTime;
use crate::traffic::VersionBehaviour;

/// The most requests a history may hold.
pub const MAX_REQUESTS: usize = 1_000;

/// The group a history runs on, as far as its requests are checked against it.
#[derive(Clone, Copy)]
enum Group<'w> {
    InPlace(&'w InPlace),
    Ec2(&'w Ec2BlueGreen),
    Shift(&'w BlueGreenDeployment),
}

impl Group<'_> {
    fn platform(self) -> ComputePlatform {
        match self {
            Group::InPlace(_) | Group::Ec2(_) => ComputePlatform::Server,
            Group::Shift(bg) => match bg.target {
                ShiftTarget::Ecs(_) => ComputePlatform::Ecs,
                ShiftTarget::Lambda(_) => ComputePlatform::Lambda,
            },
        }
    }
}

/// What a new revision has when its request gives nothing: the top-level hooks, hook
/// functions and the replacement's behaviour.
struct Defaults {
    hooks: Hooks,
    functions: BTreeMap<LifecycleEventName, FunctionHook>,
    answers: VersionBehaviour,
}

impl Validator {
    /// The scenario's `history`, if it has one; `workload` is its validated workload, when
    /// it validated (the faults are checked against its fleet and load balancer).
    pub(super) fn history(&mut self, raw: &RawScenario, workload: Option<&Workload>) -> Option<Option<History>> {
        let Some(list) = &raw.history else {
            return Some(None);
        };
        self.history_exclusions(raw);
        let group = match workload {
            Some(Workload::InPlace(ip)) => Some(Group::InPlace(ip)),
            Some(Workload::BlueGreen(bg)) => Some(Group::Shift(bg)),
            Some(Workload::Ec2BlueGreen(bg)) => self.ec2_history_group(raw, bg),
            None => None,
        };
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
        let (initial, defaults) = initial_revision(group);
        let mut revisions = vec![initial];
        let mut requests = Vec::new();
        let mut ok = true;
        let mut last = SimTime::ZERO;
        for r in &list.value {
            match self.request(&r.value, group, &defaults, &mut revisions, last) {
                Some(req) => {
                    last = req.at;
                    requests.push(req);
                }
                None => ok = false,
            }
        }
        if let (Some(Group::Shift(bg)), Some(first)) = (group, list.value.first()) {
            self.lambda_history_target(raw, bg, &first.value);
        }
        if let (Some(Group::Ec2(_)), Some(a)) = (group, &raw.alarm_configuration) {
            self.problem(
                a,
                "alarmConfiguration is simulated through a history on in-place, ECS and Lambda groups; the \
                 deployments of an EC2 blue/green history do not read the group's alarms yet",
            );
        }
        (ok && group.is_some()).then_some(Some(History { revisions, requests }))
    }

    /// Lambda: the alias's `targetVersion` is the first request's revision (the version it
    /// deploys); each request names the version it deploys.
    fn lambda_history_target(&mut self, raw: &RawScenario, bg: &BlueGreenDeployment, first: &RawDeploymentRequest) {
        let (ShiftTarget::Lambda(f), Some(raw_f)) = (&bg.target, &raw.lambda_function) else {
            return;
        };
        let first_name = first.revision.value.trim();
        if f.target_version != first_name {
            self.problem(
                &raw_f.value.target_version,
                format!(
                    "with a history, targetVersion is the version the first request deploys ({first_name}), found \
                     \"{}\"",
                    f.target_version
                ),
            );
        }
    }

    /// EC2 blue/green: each deployment's replacement fleet becomes the group's fleet, so a
    /// history keeps one fleet size, and a fault's instance number means the same in every
    /// request (originals `0..N`, replacements `N..2N`).
    fn ec2_history_group<'w>(&mut self, raw: &RawScenario, bg: &'w Ec2BlueGreen) -> Option<Group<'w>> {
        if bg.replacements() == bg.originals() {
            return Some(Group::Ec2(bg));
        }
        let (n, r) = (bg.originals(), bg.replacements());
        let why = match bg.green_fleet.provisioning {
            GreenFleetProvisioning::CopyAutoScalingGroup => "COPY_AUTO_SCALING_GROUP copies only the healthy ones",
            GreenFleetProvisioning::DiscoverExisting => "DISCOVER_EXISTING names that many",
        };
        let message = format!(
            "with a history, the replacement fleet has as many instances as the original fleet ({n}), found {r} \
             ({why}): each replacement fleet becomes the group's fleet for the next deployment"
        );
        match &raw.blue_green_deployment_configuration {
            Some(b) => self.problem(b, message),
            None => self.problem_at(1, 1, message),
        }
        None
    }

    /// What a history cannot be combined with, each named where it is written.
    fn history_exclusions(&mut self, raw: &RawScenario) {
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
        // ECS's or EC2 blue/green's deploymentReadyOption.
        let ready_option = raw
            .ecs_service
            .as_ref()
            .and_then(|e| e.value.deployment_ready_option.as_ref())
            .or_else(|| {
                raw.blue_green_deployment_configuration
                    .as_ref()
                    .and_then(|b| b.value.deployment_ready_option.as_ref())
            });
        clash(
            self,
            ready_option
                .and_then(|o| o.value.continue_after.as_ref())
                .map(|c| (c.line, c.column)),
            "with a history, give ContinueDeployment calls in the deployment request they continue \
             (continueDeployment)",
        );
    }

    fn request(
        &mut self,
        raw: &RawDeploymentRequest,
        group: Option<Group<'_>>,
        defaults: &Defaults,
        revisions: &mut Vec<Revision>,
        last: SimTime,
    ) -> Option<DeploymentRequest> {
        self.request_fits(raw, group);
        let revision = self.request_revision(raw, group, defaults, revisions);
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
        let (faults, replacement_unhealthy) = match (group, &raw.faults) {
            (_, None) => (Some(Faults::default()), false),
            (Some(Group::InPlace(ip)), Some(f)) => (
                self.faults(f, Some(ip.fleet.instances), ip.load_balancer.is_some(), hooks.as_ref()),
                false,
            ),
            (Some(Group::Ec2(bg)), Some(f)) => {
                self.fault_fleets(f, i64::from(bg.originals()), bg.replacements());
                (self.faults(f, Some(bg.targets()), true, hooks.as_ref()), false)
            }
            (Some(g @ Group::Shift(_)), Some(f)) => {
                (Some(Faults::default()), self.blue_green_faults(Some(f), g.platform()))
            }
            (None, Some(_)) => (None, false),
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
        let continues = self.continues(raw.continue_deployment.as_deref().unwrap_or_default(), at);
        Some(DeploymentRequest {
            revision: revision?,
            at: at?,
            faults: faults?,
            stop: stop?,
            replacement_unhealthy,
            continues: continues?,
        })
    }

    /// The fields of a request that belong to another platform than the group's, each named
    /// where it is written.
    fn request_fits(&mut self, raw: &RawDeploymentRequest, group: Option<Group<'_>>) {
        match group {
            Some(g @ (Group::InPlace(_) | Group::Ec2(_))) => {
                let shift_only = [
                    raw.hook_functions.as_ref().map(|h| (h.line, h.column, "hookFunctions")),
                    raw.version.as_ref().map(|v| (v.line, v.column, "version")),
                ];
                for (line, column, field) in shift_only.into_iter().flatten() {
                    self.problem_at(
                        line,
                        column,
                        format!(
                            "{field} applies to ECS and Lambda deployment groups; a Server revision gives hooks (its \
                             AppSpec's scripts)"
                        ),
                    );
                }
                let first_continue = raw.continue_deployment.as_ref().and_then(|c| c.first());
                if let (Group::InPlace(_), Some(c)) = (g, first_continue) {
                    self.problem(
                        c,
                        "continueDeployment applies to blue/green deployment groups (EC2 blue/green, ECS and \
                         Lambda); an in-place deployment has no wait to continue",
                    );
                }
            }
            Some(Group::Shift(_)) => {
                if let Some(h) = &raw.hooks {
                    self.problem(
                        h,
                        "hooks are a Server AppSpec's scripts; an ECS or Lambda revision gives hookFunctions",
                    );
                }
            }
            None => {}
        }
    }

    /// A request's ContinueDeployment calls, each at a time after the request (`at`).
    fn continues(
        &mut self,
        raw: &[Located<RawContinueDeployment>],
        at: Option<SimTime>,
    ) -> Option<Vec<ContinueRequest>> {
        let mut out = Vec::with_capacity(raw.len());
        let mut ok = true;
        let kinds = [
            ("READY_WAIT", WaitType::Ready),
            ("TERMINATION_WAIT", WaitType::Termination),
        ];
        for c in raw {
            let after = self.duration(
                &c.value.at.value,
                "continueDeployment.at",
                c.value.at.line,
                c.value.at.column,
            );
            let wait = self.either(c.value.deployment_wait_type.as_ref(), "deploymentWaitType", kinds);
            match (after, wait, at) {
                (Some(d), Some(wait), Some(at)) => out.push(ContinueRequest { at: at + d, wait }),
                _ => ok = false,
            }
        }
        out.sort_by_key(|c| c.at);
        ok.then_some(out)
    }

    /// The request's revision: a new one (with its `hooks` or `hookFunctions` and
    /// `version`, or the top-level ones), or one named before (whose were given then).
    fn request_revision(
        &mut self,
        raw: &RawDeploymentRequest,
        group: Option<Group<'_>>,
        defaults: &Defaults,
        revisions: &mut Vec<Revision>,
    ) -> Option<RevisionId> {
        let name = raw.revision.value.trim();
        if name.is_empty() {
            self.problem(&raw.revision, "revision must name the revision (it is empty)");
            return None;
        }
        let lambda = group.is_some_and(|g| g.platform() == ComputePlatform::Lambda);
        if lambda && name == "$LATEST" {
            self.problem(
                &raw.revision,
                "an alias cannot shift traffic to $LATEST; a Lambda revision is a published version",
            );
            return None;
        }
        if let Some(i) = revisions.iter().position(|r| r.name == name) {
            let given = [
                raw.hooks.as_ref().map(|h| (h.line, h.column, "hooks")),
                raw.hook_functions.as_ref().map(|h| (h.line, h.column, "hookFunctions")),
                raw.version.as_ref().map(|v| (v.line, v.column, "version")),
            ];
            if let Some((line, column, field)) = given.into_iter().flatten().next() {
                self.problem_at(
                    line,
                    column,
                    format!("revision {name} was named before: its {field} is given where it is first requested"),
                );
                return None;
            }
            return Some(RevisionId(i as u16));
        }
        let hooks = match &raw.hooks {
            None => Some(defaults.hooks.clone()),
            Some(h) => self.hooks(Some(&h.value)),
        };
        let functions = match (&raw.hook_functions, group) {
            (None, _) => Some(defaults.functions.clone()),
            (Some(h), Some(g)) => self.hook_functions(Some(&h.value), g.platform()),
            (Some(_), None) => None,
        };
        let answers = match &raw.version {
            None => Some(defaults.answers),
            Some(v) => self.version(Some(&v.value)),
        };
        revisions.push(Revision {
            name: name.to_string(),
            hooks: hooks?,
            functions: functions?,
            answers: answers?,
        });
        Some(RevisionId((revisions.len() - 1) as u16))
    }
}

/// The revision the group runs before the history (in place: the top-level hooks; ECS and
/// Lambda: the top-level hook functions and `traffic.original`; Lambda names it by the
/// alias's `currentVersion`), and what a new revision has by default.
fn initial_revision(group: Option<Group<'_>>) -> (Revision, Defaults) {
    let none = VersionBehaviour {
        error_rate: 0.0,
        latency: None,
    };
    let (name, defaults, original) = match group {
        Some(Group::InPlace(ip)) => (
            INITIAL_REVISION.to_string(),
            Defaults {
                hooks: ip.hooks.clone(),
                functions: BTreeMap::new(),
                answers: none,
            },
            none,
        ),
        Some(Group::Ec2(bg)) => (
            INITIAL_REVISION.to_string(),
            Defaults {
                hooks: bg.server.hooks.clone(),
                functions: BTreeMap::new(),
                answers: none,
            },
            none,
        ),
        Some(Group::Shift(bg)) => (
            match &bg.target {
                ShiftTarget::Lambda(f) => f.current_version.clone(),
                ShiftTarget::Ecs(_) => INITIAL_REVISION.to_string(),
            },
            Defaults {
                hooks: Hooks::default(),
                functions: bg.hooks.clone(),
                answers: bg.traffic.replacement,
            },
            bg.traffic.original,
        ),
        None => (
            INITIAL_REVISION.to_string(),
            Defaults {
                hooks: Hooks::default(),
                functions: BTreeMap::new(),
                answers: none,
            },
            none,
        ),
    };
    let initial = Revision {
        name,
        hooks: defaults.hooks.clone(),
        functions: defaults.functions.clone(),
        answers: original,
    };
    (initial, defaults)
}
