//! The requests a scenario asks one run to draw, estimated before the run starts, so that a
//! run that would take many minutes is refused up front instead of running without a word.
//!
//! Only `traffic.mode: perRequest` (ECS and Lambda) does work in proportion to simulated
//! time and request rate: every request is drawn. Its estimate is the highest production
//! rate plus the test listener's, times the deployment's expected span: the replacement's
//! start-up and each hook (their mean, each at most the hour CodeDeploy allows), the wait for
//! ContinueDeployment (until the scenario's `continueAfter`, or the whole wait), the traffic
//! shifting of the configuration, and the original task set's termination wait. Other work
//! that grows with simulated time (aggregated metric periods, alarm evaluations) has no
//! estimate yet (README.md, "Limits").
//!
//! Not here: refusing (the command line does, naming [`MAX_REQUESTS`]), memory (the
//! command line's measured figure per instance).

use super::Scenario;
use super::blue_green::{BlueGreenDeployment, Reroute, ShiftTarget};
use crate::traffic::TrafficMode;

/// The most requests one `perRequest` run may draw: about 10 s of work for a release build
/// (README.md, "Limits", has the measurement).
pub const MAX_REQUESTS: f64 = 1e9;

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
    let b = scenario.blue_green()?;
    if b.traffic.mode != TrafficMode::PerRequest {
        return None;
    }
    let span_s = span_s(scenario, b);
    let rate = b.traffic.rate.highest() + b.traffic.test_rate;
    Some(RequestEstimate {
        requests: rate * span_s,
        span_s,
    })
}

/// The expected simulated span of an ECS or Lambda deployment, in seconds.
fn span_s(scenario: &Scenario, b: &BlueGreenDeployment) -> f64 {
    let hooks: f64 = b
        .hooks
        .values()
        .map(|h| {
            if h.never_reports {
                HOUR_S
            } else {
                h.duration.mean_secs().min(HOUR_S)
            }
        })
        .sum();
    let shifting = scenario
        .deployment_config
        .traffic_routing()
        .map_or(0.0, |r| f64::from(r.shifting_minutes(b.linear_end)) * 60.0);
    let ecs = match &b.target {
        ShiftTarget::Ecs(e) => {
            let ready = match e.reroute {
                Reroute::Immediately => 0.0,
                Reroute::WaitForContinue { wait, continue_after } => {
                    continue_after.map_or(wait, |c| c.min(wait)).as_secs_f64()
                }
            };
            e.task_startup.mean_secs().min(HOUR_S) + ready + e.termination_wait.as_secs_f64()
        }
        ShiftTarget::Lambda(_) => 0.0,
    };
    hooks + shifting + ecs
}
