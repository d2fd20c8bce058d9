//! The work a scenario asks one run to do, estimated before the run starts, so that a run
//! that would take many minutes is refused up front instead of running without a word.
//!
//! Two kinds of work grow with simulated time rather than with the fleet:
//!
//! - **requests**: `traffic.mode: perRequest` (ECS and Lambda) draws every request. Its
//!   estimate is the highest production rate plus the test listener's, times the
//!   deployment's expected span: the replacement's start-up and each hook (their mean, each
//!   at most the hour CodeDeploy allows), the wait for ContinueDeployment (until the
//!   scenario's `continueAfter`, or the whole wait), the traffic shifting of the
//!   configuration, and the original task set's termination wait.
//! - **metric periods**: ECS and Lambda record every period of `traffic.metricPeriod` (its
//!   requests, errors and latencies, kept for the report) and evaluate their alarms at its
//!   end; EC2/on-premises deployments with alarms evaluate them every 10 s while they run.
//!   The estimate is that span divided by the period; in place (and EC2 blue/green) the span
//!   is the waves the configuration allows (per Availability Zone for a zonal one) times
//!   one instance's expected lifecycle (each hook's scripts by their mean, each at most its
//!   timeout; the agent's steps; the load balancer's deregistration delay and first health
//!   checks), plus the zonal bakes, the ready wait and the termination wait.
//!
//! A history's run makes one deployment per request: their spans are summed, each with its
//! request's revision (scripts, hook functions) and ContinueDeployment calls (the wait for
//! ContinueDeployment lasts until the request's last READY_WAIT call at most), leaving out
//! a request made before the deployment before it is expected to end (it is refused); the
//! gaps between deployments are not counted (alarms skip their quiet stretches).
//!
//! Both are expected values, not bounds: a run whose draws are slower does more work.
//!
//! [`within_budget`] decides whether a run's estimates fit the budget and says, when they do
//! not, what was estimated, the limit and what to change; [`memory_needed`] is the memory a
//! run needs by the measured figures per instance and per metric period.
//!
//! Not here: where a refusal goes (the command line's exit 2, the endpoint's error answer)
//! or how much memory the process may use (the command line reads it).

use super::blue_green::{BlueGreenDeployment, Reroute, ShiftTarget};
use super::ec2_blue_green::BlueTermination;
use super::history::{DeploymentRequest, Revision, WaitType};
use super::{Hooks, InPlace, Scenario, Workload};
use crate::alarm::Alarm;
use crate::config::DeploymentConfig;
use crate::config::minimum_healthy::{HealthPlan, MinimumHealthyHosts};
use crate::lifecycle::{Hook, LifecycleEventName};
use crate::traffic::TrafficMode;

/// The most requests one `perRequest` run may draw: about 10 s of work for a release build
/// (README.md, "Limits", has the measurement).
pub const MAX_REQUESTS: f64 = 1e9;

/// The most metric periods one run may record or evaluate alarms at: about 10 s of work for
/// a release build in place (README.md, "Limits", has the measurement). One ECS or Lambda
/// deployment stays far below it within the validated waits (about 820,000 periods of one
/// second at most), a history of many such deployments need not; their memory per period is
/// the command line's concern.
pub const MAX_PERIODS: f64 = 5e7;

/// The most reads one run's alarm evaluations may make: about 10 s of work for a release
/// build (README.md, "Limits").
pub const MAX_READS: f64 = 5e8;

/// How often EC2/on-premises deployments evaluate their alarms (the platforms' metric
/// period).
const FLEET_PERIOD_S: f64 = 10.0;

/// A hook or the replacement's start-up counts at most this long (CodeDeploy fails it
/// after an hour).
const HOUR_S: f64 = 3600.0;

/// What a `perRequest` run would draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestEstimate {
    /// Requests drawn.
    pub requests: f64,
    /// The simulated span, in seconds, they are drawn over.
    pub span_s: f64,
}

/// The requests one run of `scenario` draws, when its traffic is `perRequest`.
pub fn per_request(scenario: &Scenario) -> Option<RequestEstimate> {
    per_request_under(scenario, &scenario.deployment_config)
}

/// The requests one run of `scenario` under `config` (one of `compare`'s) draws, when its
/// traffic is `perRequest`.
pub fn per_request_under(scenario: &Scenario, config: &DeploymentConfig) -> Option<RequestEstimate> {
    let b = scenario.blue_green()?;
    if b.traffic.mode != TrafficMode::PerRequest {
        return None;
    }
    let span_s = expected_span_s(scenario, config);
    let rate = b.traffic.rate.highest() + b.traffic.test_rate;
    Some(RequestEstimate {
        requests: rate * span_s,
        span_s,
    })
}

/// The expected simulated span of an ECS or Lambda deployment, in seconds: of the
/// scenario's one deployment (`request` `None`), or of a history's request with its
/// revision's hook functions and ContinueDeployment calls.
fn span_s(config: &DeploymentConfig, b: &BlueGreenDeployment, request: Option<Request<'_>>) -> f64 {
    let functions = request.map_or(&b.hooks, |r| &r.revision.functions);
    let hooks: f64 = functions
        .values()
        .map(|h| {
            if h.never_reports {
                HOUR_S
            } else {
                h.duration.mean_secs().min(HOUR_S)
            }
        })
        .sum();
    let shifting = config
        .traffic_routing()
        .map_or(0.0, |r| f64::from(r.shifting_minutes(b.linear_end)) * 60.0);
    let ecs = match &b.target {
        ShiftTarget::Ecs(e) => {
            e.task_startup.mean_secs().min(HOUR_S) + ready_wait_s(e.reroute, request) + e.termination_wait.as_secs_f64()
        }
        ShiftTarget::Lambda(_) => 0.0,
    };
    hooks + shifting + ecs
}

/// A history's request with the revision it deploys.
#[derive(Clone, Copy)]
struct Request<'h> {
    request: &'h DeploymentRequest,
    revision: &'h Revision,
}

/// Sums `span` over the deployments one run of `scenario` makes: its one deployment
/// (`None`), or each request of its history that comes after the deployment before it is
/// expected to end (an earlier one is refused, §11, and does no work).
fn each_deployment(scenario: &Scenario, span: impl Fn(Option<Request<'_>>) -> f64) -> f64 {
    let Some(h) = &scenario.history else {
        return span(None);
    };
    let (mut total, mut free_at) = (0.0, 0.0);
    for request in &h.requests {
        let at = request.at.as_secs_f64();
        if at < free_at {
            continue;
        }
        let revision = h.revision(request.revision);
        let s = span(Some(Request { request, revision }));
        total += s;
        free_at = at + s;
    }
    total
}

/// The metric periods one run records or evaluates alarms at, and what its alarm
/// evaluations read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeriodEstimate {
    /// Metric periods.
    pub periods: f64,
    /// What the alarm evaluations read: every evaluation of an alarm reads its evaluation
    /// range (N + 2 datapoints); in place and EC2 blue/green a datapoint is one read (a
    /// search of the capacity series), for ECS and Lambda each recorded metric period inside
    /// the datapoint's window is one (the datapoint sums them).
    pub reads: f64,
    /// Their length, in seconds.
    pub period_s: f64,
    /// The simulated span, in seconds, they cover.
    pub span_s: f64,
}

/// The metric periods one run of `scenario` records or evaluates its alarms at: every
/// `traffic.metricPeriod` of an ECS or Lambda deployment; every 10 s of an EC2/on-premises
/// deployment with alarms (`None` without: nothing is done per period).
pub fn periods(scenario: &Scenario) -> Option<PeriodEstimate> {
    periods_under(scenario, &scenario.deployment_config)
}

/// The metric periods of one run of `scenario` under `config` (one of `compare`'s).
pub fn periods_under(scenario: &Scenario, config: &DeploymentConfig) -> Option<PeriodEstimate> {
    let per_period = matches!(scenario.workload, Workload::BlueGreen(_));
    if !per_period {
        scenario.monitoring.alarms.as_ref()?;
    }
    let span_s = expected_span_s(scenario, config);
    let period_s = match &scenario.workload {
        Workload::BlueGreen(b) => b.traffic.period.as_secs_f64(),
        Workload::InPlace(_) | Workload::Ec2BlueGreen(_) => FLEET_PERIOD_S,
    };
    let per_period = matches!(scenario.workload, Workload::BlueGreen(_));
    let reads = scenario.monitoring.alarms.as_ref().map_or(0.0, |config| {
        config
            .alarms
            .iter()
            .map(|a| reads(a, span_s, per_period.then_some(period_s)))
            .sum()
    });
    Some(PeriodEstimate {
        periods: span_s / period_s,
        reads,
        period_s,
        span_s,
    })
}

/// What the evaluations of `alarm` over a run of `span_s` seconds read: each evaluation's
/// N + 2 datapoints, or, when each datapoint sums the recorded periods of `metric_period_s`
/// inside its window, those periods (the window's part after the start: at time t the
/// range covers min(range, t), on average over the run range − range²/2·span, or span/2).
fn reads(alarm: &Alarm, span_s: f64, metric_period_s: Option<f64>) -> f64 {
    let evaluations = span_s / alarm.evaluation_interval().as_secs_f64();
    let datapoints = alarm.rule.evaluation_range() as f64;
    let Some(metric_period_s) = metric_period_s else {
        return evaluations * datapoints;
    };
    let range_s = datapoints * alarm.period.as_secs_f64();
    let covered_s = if range_s <= span_s {
        range_s - range_s * range_s / (2.0 * span_s)
    } else {
        span_s / 2.0
    };
    evaluations * covered_s / metric_period_s
}

/// The expected simulated span of one run of `scenario` under `config`, in seconds: of its
/// deployment, or of each request of its history together (the gaps between them do no
/// per-period work), without a rollback.
pub fn expected_span_s(scenario: &Scenario, config: &DeploymentConfig) -> f64 {
    match &scenario.workload {
        Workload::BlueGreen(b) => each_deployment(scenario, |r| span_s(config, b, r)),
        Workload::InPlace(p) => {
            let zones = p.fleet.zone_count();
            let zonal = config.minimum_healthy().and_then(|(_, z)| z);
            let bakes: f64 = zonal.map_or(0.0, |z| (0..zones - 1).map(|i| z.bake_after(i).as_secs_f64()).sum());
            let waves = waves(config, p.fleet.instances, zones);
            each_deployment(scenario, |r| waves * instance_s(p, hooks(&p.hooks, r)) + bakes)
        }
        Workload::Ec2BlueGreen(b) => {
            let termination = match b.blue_termination {
                BlueTermination::Terminate { wait } => wait.as_secs_f64(),
                BlueTermination::KeepAlive => 0.0,
            };
            let fleet = &b.server;
            let waves = waves(config, b.replacements(), 1);
            each_deployment(scenario, |r| {
                waves * instance_s(fleet, hooks(&fleet.hooks, r)) + ready_wait_s(b.reroute, r) + termination
            })
        }
    }
}

/// The scripts a deployment runs: its request's revision's, or the scenario's.
fn hooks<'a>(scenario: &'a Hooks, request: Option<Request<'a>>) -> &'a Hooks {
    request.map_or(scenario, |r| &r.revision.hooks)
}

/// How many times one after another the configuration lets `instances` be deployed to, by
/// its minimum healthy hosts over the fleet and, for a zonal configuration, zone by zone
/// over `zones` (instance `i` in zone `i mod zones`); 0 when the deployment cannot start.
fn waves(config: &DeploymentConfig, instances: u32, zones: usize) -> f64 {
    let Some((minimum, zonal)) = config.minimum_healthy() else {
        return 0.0;
    };
    let in_flight = |minimum: MinimumHealthyHosts, n: u32| HealthPlan::new(minimum, n).map(|h| h.max_in_flight);
    let Some(fleet) = in_flight(minimum, instances) else {
        return 0.0;
    };
    let Some(z) = zonal.filter(|_| zones > 1) else {
        return f64::from(instances.div_ceil(fleet));
    };
    let zones = zones as u32;
    (0..zones)
        .map(|i| instances / zones + u32::from(i < instances % zones))
        .filter(|&size| size > 0)
        .map(|size| {
            let in_zone = in_flight(z.minimum_healthy_hosts_per_zone, size).unwrap_or(1);
            f64::from(size.div_ceil(fleet.min(in_zone).max(1)))
        })
        .sum()
}

/// One instance's expected lifecycle, in seconds: every event's scripts, the agent's steps,
/// the load balancer's deregistration delay and the health checks a new target passes.
fn instance_s(p: &InPlace, hooks: &Hooks) -> f64 {
    let scripts: f64 = LifecycleEventName::ALL.iter().map(|&e| hook_s(hooks.get(e))).sum();
    let agent = hook_s(&p.agent.download_bundle) + hook_s(&p.agent.install);
    let load_balancer = p.load_balancer.as_ref().map_or(0.0, |lb| {
        let checks = lb.health_check.interval.as_secs_f64() * f64::from(lb.health_check.new_target_passes);
        lb.deregistration_delay.as_secs_f64() + checks
    });
    scripts + agent + load_balancer
}

/// A hook's expected time: each script's mean, at most its timeout, and the scripts
/// together at most an hour.
fn hook_s(hook: &Hook) -> f64 {
    let scripts: f64 = hook
        .scripts
        .iter()
        .map(|s| s.duration.mean_secs().min(s.timeout.as_secs_f64()))
        .sum();
    scripts.min(HOUR_S)
}

/// The wait for ContinueDeployment: until the scenario's `continueAfter`, or in a history
/// until the request's last READY_WAIT call (an upper estimate: an earlier call may end
/// it), or the whole wait.
fn ready_wait_s(reroute: Reroute, request: Option<Request<'_>>) -> f64 {
    match reroute {
        Reroute::Immediately => 0.0,
        Reroute::WaitForContinue { wait, continue_after } => {
            let call = match request {
                None => continue_after,
                Some(Request { request, .. }) => request
                    .continues
                    .iter()
                    .rev()
                    .find(|c| c.wait == WaitType::Ready)
                    .map(|c| c.at.since(request.at)),
            };
            call.map_or(wait, |c| c.min(wait)).as_secs_f64()
        }
    }
}

/// A run whose estimated work is beyond the budget: what was estimated. Its `Display` says
/// so with the limit and what to change, for a person.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Exceeded {
    /// More than [`MAX_REQUESTS`] requests drawn.
    Requests(RequestEstimate),
    /// More than [`MAX_PERIODS`] metric periods.
    Periods(PeriodEstimate),
    /// More than [`MAX_READS`] alarm reads.
    Reads(PeriodEstimate),
}

/// Whether one run of `scenario` under `config` stays within the budget: at most
/// [`MAX_REQUESTS`] requests drawn, [`MAX_PERIODS`] metric periods and [`MAX_READS`] alarm
/// reads, by this module's estimates.
pub fn within_budget(scenario: &Scenario, config: &DeploymentConfig) -> Result<(), Exceeded> {
    if let Some(e) = per_request_under(scenario, config).filter(|e| e.requests > MAX_REQUESTS) {
        return Err(Exceeded::Requests(e));
    }
    match periods_under(scenario, config) {
        Some(e) if e.periods > MAX_PERIODS => Err(Exceeded::Periods(e)),
        Some(e) if e.reads > MAX_READS => Err(Exceeded::Reads(e)),
        _ => Ok(()),
    }
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let span = |e: &PeriodEstimate| {
            format!(
                "the deployment's expected {:.1} hours in metric periods of {} s",
                e.span_s / 3600.0,
                e.period_s
            )
        };
        match self {
            Exceeded::Requests(e) => write!(
                f,
                "traffic.mode perRequest would draw about {:.1e} requests in one run (the rate times the \
                 deployment's expected {:.1} hours), more than the {MAX_REQUESTS:.0e} a run may draw (README.md, \
                 \"Limits\"); use traffic.mode: aggregated (the same distribution, at a cost that does not grow \
                 with the rate), a lower requestRate or shorter waits",
                e.requests,
                e.span_s / 3600.0,
            ),
            Exceeded::Periods(e) => write!(
                f,
                "one run would record or evaluate alarms at about {:.1e} metric periods ({}), more than the \
                 {MAX_PERIODS:.0e} a run may (README.md, \"Limits\"); use shorter waits, hooks or monitor \
                 durations, a configuration that deploys to more instances at once or, for ECS and Lambda, a \
                 longer traffic.metricPeriod",
                e.periods,
                span(e),
            ),
            Exceeded::Reads(e) => write!(
                f,
                "one run's alarm evaluations would make about {:.1e} reads of datapoints and recorded metric \
                 periods ({}), more than the {MAX_READS:.0e} a run may make (README.md, \"Limits\"); use fewer \
                 alarms, fewer evaluationPeriods, shorter alarm periods or, for ECS and Lambda, a longer \
                 traffic.metricPeriod",
                e.reads,
                span(e),
            ),
        }
    }
}

/// Peak resident bytes per instance of `cdsim run` on an in-place fleet (with `--json` or
/// `--out`; a text run needs less), rounded up from benches/README.md's measurements.
const BYTES_PER_INSTANCE: u64 = 500;
/// Peak resident bytes of a run beside its fleet (the program, the scenario, the charts).
pub const BASE_BYTES: u64 = 64 << 20;

/// Peak resident bytes per metric period of `cdsim run --json` on ECS (every period's
/// requests, errors and latencies are kept for the report), rounded up from README.md's
/// measurement ("Limits": 583 MiB at 601,000 periods, about 1 KiB each).
const BYTES_PER_PERIOD: u64 = 1200;

/// The bytes a run of `scenario` needs at most, by its fleet and, for ECS and Lambda, the
/// metric periods it records (of every deployment of a history, all kept for the report).
pub fn memory_needed(scenario: &Scenario) -> u64 {
    let instances = match (scenario.in_place(), scenario.ec2_blue_green()) {
        (Some(ip), _) => ip.fleet.instances,
        (None, Some(bg)) => bg.targets(),
        (None, None) => 1,
    };
    let periods = match scenario.blue_green() {
        Some(_) => periods(scenario).map_or(0, |e| e.periods.ceil() as u64),
        None => 0,
    };
    BASE_BYTES + BYTES_PER_INSTANCE * u64::from(instances) + BYTES_PER_PERIOD.saturating_mul(periods)
}
