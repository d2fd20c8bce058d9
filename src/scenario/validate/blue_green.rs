//! Validation of the ECS and Lambda parts of a scenario (§2.3–§2.5, §4.2, §4.3, §6.2).

use std::collections::BTreeMap;

use super::{Located, Validator};
use crate::config::traffic_routing::LinearEnd;
use crate::config::{ComputePlatform, ConfigRule, DeploymentConfig};
use crate::lifecycle::LifecycleEventName;
use crate::load_balancer::HealthCheck;
use crate::scenario::blue_green::{
    BlueGreenDeployment, EcsService, FunctionHook, LambdaFunction, Reroute, ShiftTarget,
};
use crate::scenario::raw::{
    RawEcsService, RawFault, RawHookFunctions, RawLambdaFunction, RawScenario, RawTraffic, RawVersion,
};
use crate::time::{SimDuration, SimTime};
use crate::traffic::{Latency, RequestRate, TrafficMode, TrafficSpec, VersionBehaviour};

/// Termination wait and ready wait limits (§11: 2880 minutes; ECS deploy→shift 120 h).
const MAX_TERMINATION_WAIT_MIN: i64 = 2880;
const MAX_READY_WAIT_MIN: i64 = 120 * 60;
/// The highest request rate (production and test together) of `traffic.mode: perRequest`.
pub const PER_REQUEST_MAX_RATE: f64 = 10_000.0;
/// The most requests `perRequest` draws in one metric period (their latencies are kept).
pub const PER_REQUEST_MAX_PER_PERIOD: f64 = 1_000_000.0;

impl Validator {
    /// The ECS or Lambda part of a scenario.
    pub(super) fn blue_green(
        &mut self,
        raw: &RawScenario,
        config: Option<&DeploymentConfig>,
        platform: ComputePlatform,
    ) -> Option<BlueGreenDeployment> {
        let routing = match config.map(|c| &c.rule) {
            Some(ConfigRule::TrafficRouting(t)) => Some(*t),
            Some(ConfigRule::MinimumHealthy { .. }) => {
                self.problem_at(1, 1, "ECS and Lambda deployments need a traffic-routing configuration");
                None
            }
            None => None,
        };
        let unhealthy = self.blue_green_faults(raw.faults.as_deref(), platform);
        let target = match platform {
            ComputePlatform::Ecs => match &raw.ecs_service {
                Some(e) => self.ecs_service(e, unhealthy).map(ShiftTarget::Ecs),
                None => {
                    self.problem_at(1, 1, "an ECS scenario needs ecsService {tasks: N, …}");
                    None
                }
            },
            ComputePlatform::Lambda => match &raw.lambda_function {
                Some(f) => self.lambda_function(f).map(ShiftTarget::Lambda),
                None => {
                    self.problem_at(
                        1,
                        1,
                        "a Lambda scenario needs lambdaFunction {functionName, alias, currentVersion, targetVersion}",
                    );
                    None
                }
            },
            ComputePlatform::Server => unreachable!("Server scenarios are in place"),
        };
        if let (Some(ShiftTarget::Ecs(e)), Some(r), Some(raw_e)) = (&target, routing, &raw.ecs_service)
            && e.network_load_balancer
            && !r.allowed_with_nlb()
        {
            let at = raw_e
                .value
                .load_balancer_type
                .as_ref()
                .map_or((raw_e.line, raw_e.column), |l| (l.line, l.column));
            self.problem_at(
                at.0,
                at.1,
                format!(
                    "with a Network Load Balancer only all-at-once traffic routing is supported (§2.3); {} shifts in \
                     steps",
                    config.map_or("this configuration", |c| c.name.as_str())
                ),
            );
        }
        let hooks = self.hook_functions(raw.hook_functions.as_ref(), platform);
        let traffic = self.traffic(raw.traffic.as_ref(), platform);
        let ends = [
            ("atLastShift", LinearEnd::AtLastShift),
            ("oneIntervalAfter", LinearEnd::OneIntervalAfter),
        ];
        let linear_end = self.either(raw.linear_end.as_ref(), "linearEnd", ends);
        // The routing itself stays in the configuration, where the platform model reads it.
        routing?;
        Some(BlueGreenDeployment {
            target: target?,
            hooks: hooks?,
            traffic: traffic?,
            linear_end: linear_end?,
        })
    }

    /// ECS and Lambda faults; returns whether the replacement's tasks are unhealthy.
    pub(super) fn blue_green_faults(
        &mut self,
        faults: Option<&[Located<RawFault>]>,
        platform: ComputePlatform,
    ) -> bool {
        let mut unhealthy = false;
        for f in faults.into_iter().flatten() {
            match &f.value {
                RawFault::ReplacementTasksUnhealthy {} if platform == ComputePlatform::Ecs => unhealthy = true,
                RawFault::ReplacementTasksUnhealthy {} => {
                    self.problem(f, "replacementTasksUnhealthy applies to ECS deployments");
                }
                _ => self.problem(
                    f,
                    "this fault applies to Server deployments; for ECS and Lambda, make a hook fail with \
                     hookFunctions (failureProbability, neverReports) or the new version fail with \
                     traffic.replacement.errorRate",
                ),
            }
        }
        unhealthy
    }

    fn ecs_service(&mut self, raw: &Located<RawEcsService>, unhealthy: bool) -> Option<EcsService> {
        let e = &raw.value;
        let tasks = self.int_in(&e.tasks, "ecsService.tasks", 1, 100_000);
        let startup = self.duration_model(e.task_startup.as_ref(), SimDuration::from_secs(30));
        let hc = match &e.health_check {
            Some(h) => self.health_check(h),
            None => Some(HealthCheck::default()),
        };
        let nlb = match e.load_balancer_type.as_ref().map(|v| (v, v.value.as_str())) {
            None | Some((_, "application")) => Some(false),
            Some((_, "network")) => Some(true),
            Some((v, other)) => {
                self.problem(
                    v,
                    format!("loadBalancerType must be application or network, found \"{other}\""),
                );
                None
            }
        };
        let reroute = match &e.deployment_ready_option {
            None => Some(Reroute::Immediately),
            Some(o) => self.ready_option(o),
        };
        let wait = match &e.termination_wait_time_in_minutes {
            None => Some(SimDuration::ZERO),
            Some(m) => self
                .int_in(m, "terminationWaitTimeInMinutes", 0, MAX_TERMINATION_WAIT_MIN)
                .map(|m| SimDuration::from_mins(u64::from(m))),
        };
        Some(EcsService {
            cluster: e.cluster_name.clone().unwrap_or_else(|| "cluster".into()),
            service: e.service_name.clone().unwrap_or_else(|| "service".into()),
            tasks: tasks?,
            task_startup: startup?,
            health_check: hc?,
            test_listener: e.test_listener.unwrap_or(false),
            network_load_balancer: nlb?,
            reroute: reroute?,
            termination_wait: wait?,
            replacement_unhealthy: unhealthy,
        })
    }

    fn ready_option(&mut self, raw: &Located<crate::scenario::raw::RawDeploymentReadyOption>) -> Option<Reroute> {
        self.ready_option_within(raw, MAX_READY_WAIT_MIN)
    }

    /// `deploymentReadyOption` with a wait of at most `max_wait` minutes.
    pub(super) fn ready_option_within(
        &mut self,
        raw: &Located<crate::scenario::raw::RawDeploymentReadyOption>,
        max_wait: i64,
    ) -> Option<Reroute> {
        let o = &raw.value;
        match o.action_on_timeout.value.as_str() {
            "CONTINUE_DEPLOYMENT" => Some(Reroute::Immediately),
            "STOP_DEPLOYMENT" => {
                let Some(w) = &o.wait_time_in_minutes else {
                    self.problem(raw, "STOP_DEPLOYMENT needs waitTimeInMinutes");
                    return None;
                };
                let wait = self.int_in(w, "waitTimeInMinutes", 0, max_wait);
                let after = match &o.continue_after {
                    None => Some(None),
                    Some(a) => self.duration(&a.value, "continueAfter", a.line, a.column).map(Some),
                };
                Some(Reroute::WaitForContinue {
                    wait: SimDuration::from_mins(u64::from(wait?)),
                    continue_after: after?,
                })
            }
            other => {
                self.problem(
                    &o.action_on_timeout,
                    format!("actionOnTimeout must be CONTINUE_DEPLOYMENT or STOP_DEPLOYMENT, found \"{other}\""),
                );
                None
            }
        }
    }

    /// §6.3: a Lambda deployment shifts from a current version to another.
    fn lambda_function(&mut self, raw: &Located<RawLambdaFunction>) -> Option<LambdaFunction> {
        let f = &raw.value;
        let non_empty = |v: &mut Self, s: &Located<String>, field: &str| {
            if s.value.trim().is_empty() {
                v.problem(s, format!("lambdaFunction.{field} must not be empty"));
                None
            } else {
                Some(s.value.clone())
            }
        };
        let name = non_empty(self, &f.function_name, "functionName");
        let alias = non_empty(self, &f.alias, "alias");
        let target = non_empty(self, &f.target_version, "targetVersion");
        let current = match &f.current_version {
            None => {
                self.problem(
                    raw,
                    "the alias has no current version to shift traffic from: a Lambda deployment needs \
                     currentVersion, an earlier published version (§4.3)",
                );
                None
            }
            Some(c) if c.value == f.target_version.value => {
                self.problem(
                    c,
                    format!(
                        "currentVersion and targetVersion are both \"{}\": there is nothing to shift",
                        c.value
                    ),
                );
                None
            }
            Some(c) => non_empty(self, c, "currentVersion"),
        };
        if f.target_version.value == "$LATEST" {
            self.problem(
                &f.target_version,
                "an alias cannot shift traffic to $LATEST; give a published version",
            );
            return None;
        }
        Some(LambdaFunction {
            function_name: name?,
            alias: alias?,
            current_version: current?,
            target_version: target?,
        })
    }

    pub(super) fn hook_functions(
        &mut self,
        raw: Option<&RawHookFunctions>,
        platform: ComputePlatform,
    ) -> Option<BTreeMap<LifecycleEventName, FunctionHook>> {
        let mut out = BTreeMap::new();
        let mut ok = true;
        let Some(h) = raw else {
            return Some(out);
        };
        for (name, hook) in h.entries() {
            let event = LifecycleEventName::parse(name).expect("field names are event names");
            if platform == ComputePlatform::Lambda && !LifecycleEventName::LAMBDA_ORDER.contains(&event) {
                self.problem(
                    hook,
                    format!(
                        "Lambda deployments have no {name} hook: only BeforeAllowTraffic and AfterAllowTraffic (§4.3)"
                    ),
                );
                ok = false;
                continue;
            }
            let v = &hook.value;
            if v.function.value.trim().is_empty() {
                self.problem(&v.function, "function must name a Lambda function");
                ok = false;
            }
            if let Some(url) = v.external.as_ref().filter(|u| !is_loopback_url(&u.value)) {
                self.problem(url, "external must be a loopback URL: http://127.0.0.1:PORT/…, http://localhost:PORT/… or http://[::1]:PORT/…");
                ok = false;
            }
            let duration = self.duration_model(v.duration.as_ref(), SimDuration::from_secs(10));
            let p = self.probability(v.failure_probability.as_ref());
            match (duration, p) {
                (Some(duration), Some(failure_probability)) => {
                    out.insert(
                        event,
                        FunctionHook {
                            function: v.function.value.clone(),
                            duration,
                            failure_probability,
                            never_reports: v.never_reports.unwrap_or(false),
                            external: v.external.as_ref().map(|u| u.value.clone()),
                        },
                    );
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn traffic(&mut self, raw: Option<&RawTraffic>, platform: ComputePlatform) -> Option<TrafficSpec> {
        let Some(t) = raw else {
            return Some(TrafficSpec {
                rate: RequestRate::Constant(100.0),
                original: VersionBehaviour {
                    error_rate: 0.0,
                    latency: None,
                },
                replacement: VersionBehaviour {
                    error_rate: 0.0,
                    latency: None,
                },
                test_rate: 0.0,
                period: SimDuration::from_secs(60),
                mode: TrafficMode::Aggregated,
            });
        };
        let rate = self.request_rate(t);
        let test_rate = match &t.test_request_rate {
            None => Some(0.0),
            Some(r) if platform == ComputePlatform::Lambda => {
                self.problem(r, "testRequestRate applies to ECS test listeners");
                None
            }
            Some(r) => self.rate_value(r, "testRequestRate"),
        };
        let period = self.duration_in(&t.metric_period, "metricPeriod", 1, 3600, SimDuration::from_secs(60));
        let mode = match t.mode.as_ref().map(|v| (v, v.value.as_str())) {
            None | Some((_, "aggregated")) => Some(TrafficMode::Aggregated),
            Some((_, "perRequest")) => Some(TrafficMode::PerRequest),
            Some((v, other)) => {
                self.problem(
                    v,
                    format!("traffic.mode must be aggregated or perRequest, found \"{other}\""),
                );
                None
            }
        };
        if let (Some(TrafficMode::PerRequest), Some(r), Some(tr), Some(p), Some(at)) =
            (mode, &rate, test_rate, period, t.mode.as_ref())
        {
            self.per_request_bound(at, r.highest().max(tr), p);
        }
        let original = self.version(t.original.as_ref());
        let replacement = self.version(t.replacement.as_ref());
        Some(TrafficSpec {
            rate: rate?,
            original: original?,
            replacement: replacement?,
            test_rate: test_rate?,
            period: period?,
            mode: mode?,
        })
    }

    /// `perRequest` draws and keeps every request of a metric period: its rate and period
    /// are bounded so that a run's time and memory are (at most [`PER_REQUEST_MAX_RATE`]
    /// requests per second, [`PER_REQUEST_MAX_PER_PERIOD`] per period).
    fn per_request_bound(&mut self, at: &Located<String>, rate: f64, period: SimDuration) {
        let per_period = rate * period.as_secs_f64();
        if rate > PER_REQUEST_MAX_RATE || per_period > PER_REQUEST_MAX_PER_PERIOD {
            self.problem(
                at,
                format!(
                    "perRequest draws every request: at most {PER_REQUEST_MAX_RATE} requests per second and \
                     {PER_REQUEST_MAX_PER_PERIOD} per metric period, found {rate} per second, {per_period} per period \
                     (the aggregated mode has no such limit)"
                ),
            );
        }
    }

    fn request_rate(&mut self, t: &RawTraffic) -> Option<RequestRate> {
        match (&t.request_rate, &t.request_rate_steps) {
            (Some(_), Some(s)) => {
                self.problem(s, "give requestRate or requestRateSteps, not both");
                None
            }
            (None, None) => Some(RequestRate::Constant(100.0)),
            (Some(r), None) => self.rate_value(r, "requestRate").map(RequestRate::Constant),
            (None, Some(steps)) => {
                let mut out = Vec::new();
                let mut last: Option<SimTime> = None;
                for step in &steps.value {
                    let from = self.duration(&step.from.value, "from", step.from.line, step.from.column)?;
                    let at = SimTime::ZERO + from;
                    if last.is_some_and(|l| at <= l) {
                        self.problem(&step.from, "requestRateSteps must be in increasing time order");
                        return None;
                    }
                    last = Some(at);
                    out.push((at, self.rate_value(&step.rate, "rate")?));
                }
                if out.first().is_none_or(|&(t, _)| t != SimTime::ZERO) {
                    self.problem(steps, "requestRateSteps must start with a step from 0s");
                    return None;
                }
                Some(RequestRate::Steps(out))
            }
        }
    }

    fn rate_value(&mut self, r: &Located<f64>, field: &str) -> Option<f64> {
        if r.value.is_finite() && (0.0..=1e9).contains(&r.value) {
            Some(r.value)
        } else {
            self.problem(
                r,
                format!(
                    "{field} must be between 0 and 1e9 requests per second, found {}",
                    r.value
                ),
            );
            None
        }
    }

    pub(super) fn version(&mut self, raw: Option<&RawVersion>) -> Option<VersionBehaviour> {
        let Some(v) = raw else {
            return Some(VersionBehaviour {
                error_rate: 0.0,
                latency: None,
            });
        };
        let error_rate = match &v.error_rate {
            None => Some(0.0),
            Some(e) if (0.0..=1.0).contains(&e.value) => Some(e.value),
            Some(e) => {
                self.problem(e, format!("errorRate must be between 0 and 1, found {}", e.value));
                None
            }
        };
        let latency = match &v.latency {
            None => Some(None),
            Some(l) => {
                let median = self.duration(&l.value.median, "latency median", l.line, l.column);
                let sigma = l.value.sigma;
                match median {
                    Some(m) if m > SimDuration::ZERO && sigma.is_finite() && (0.0..=5.0).contains(&sigma) => {
                        Some(Some(Latency {
                            median_ms: m.as_secs_f64() * 1000.0,
                            sigma,
                        }))
                    }
                    Some(_) => {
                        self.problem(l, "latency needs a positive median and a sigma between 0 and 5");
                        None
                    }
                    None => None,
                }
            }
        };
        Some(VersionBehaviour {
            error_rate: error_rate?,
            latency: latency?,
        })
    }
}

/// Whether an external hook's URL stays on this machine.
fn is_loopback_url(url: &str) -> bool {
    ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|p| {
            url.strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
}
