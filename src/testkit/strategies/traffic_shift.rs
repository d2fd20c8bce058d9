//! What ECS and Lambda scenarios share: traffic routing, the request model, hook
//! functions and the ready wait, as spec types, their YAML and their strategies.

use std::fmt::Write as _;

use proptest::prelude::*;

/// A traffic-routing configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutingSpec {
    /// A predefined configuration, by name.
    Predefined(&'static str),
    /// Custom `TimeBasedCanary`.
    Canary {
        /// `canaryPercentage`.
        percent: u32,
        /// `canaryInterval`, minutes.
        interval_min: u32,
    },
    /// Custom `TimeBasedLinear`.
    Linear {
        /// `linearPercentage`.
        percent: u32,
        /// `linearInterval`, minutes.
        interval_min: u32,
    },
}

impl RoutingSpec {
    pub(super) fn yaml(&self, y: &mut String) {
        match self {
            RoutingSpec::Predefined(name) => {
                let _ = writeln!(y, "deploymentConfigName: {name}");
            }
            RoutingSpec::Canary { percent, interval_min } => {
                let _ = writeln!(
                    y,
                    "deploymentConfig: {{trafficRoutingConfig: {{type: TimeBasedCanary, timeBasedCanary: \
                     {{canaryPercentage: {percent}, canaryInterval: {interval_min}}}}}}}"
                );
            }
            RoutingSpec::Linear { percent, interval_min } => {
                let _ = writeln!(
                    y,
                    "deploymentConfig: {{trafficRoutingConfig: {{type: TimeBasedLinear, timeBasedLinear: \
                     {{linearPercentage: {percent}, linearInterval: {interval_min}}}}}}}"
                );
            }
        }
    }
}

/// How one version answers requests: the bad revision's error rate and latency.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Behaviour {
    /// The share of requests that fail.
    pub error_rate: f64,
    /// Median latency, milliseconds (lognormal, sigma 0.5).
    pub latency_median_ms: u32,
}

/// `traffic`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrafficSpec {
    /// Production requests per second.
    pub request_rate: u32,
    /// How the original version answers.
    pub original: Behaviour,
    /// How the replacement answers.
    pub replacement: Behaviour,
}

impl TrafficSpec {
    pub(super) fn yaml(&self, y: &mut String) {
        let b = |b: &Behaviour| {
            format!(
                "{{errorRate: {}, latency: {{median: {}ms, sigma: 0.5}}}}",
                b.error_rate, b.latency_median_ms
            )
        };
        let _ = writeln!(
            y,
            "traffic: {{requestRate: {}, original: {}, replacement: {}}}",
            self.request_rate,
            b(&self.original),
            b(&self.replacement)
        );
    }
}

/// A hook function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HookFnSpec {
    /// How long until it reports, in seconds.
    pub duration_s: u32,
    /// The chance that it reports Failed.
    pub failure_probability: f64,
    /// Never reports: the event fails after one hour.
    pub never_reports: bool,
}

pub(super) fn hook_functions_yaml(y: &mut String, hooks: &[(&'static str, HookFnSpec)]) {
    if hooks.is_empty() {
        return;
    }
    y.push_str("hookFunctions:\n");
    for (event, h) in hooks {
        let _ = write!(
            y,
            "  {event}: {{function: hook-{event}, duration: {}s, failureProbability: {}",
            h.duration_s, h.failure_probability
        );
        if h.never_reports {
            y.push_str(", neverReports: true");
        }
        y.push_str("}\n");
    }
}

/// A routing configuration: predefined (from `names`) or custom canary or linear.
pub(super) fn arb_routing(names: Vec<&'static str>) -> impl Strategy<Value = RoutingSpec> {
    prop_oneof![
        3 => prop::sample::select(names).prop_map(RoutingSpec::Predefined),
        1 => (1u32..=99, 1u32..=10).prop_map(|(percent, interval_min)| RoutingSpec::Canary { percent, interval_min }),
        1 => (prop::sample::select(&[5u32, 10, 25, 30, 50][..]), 1u32..=5)
            .prop_map(|(percent, interval_min)| RoutingSpec::Linear { percent, interval_min }),
    ]
}

/// How a version behaves: error rates from none to 30 %, medians from 20 ms to 400 ms.
pub fn behaviour(bad: bool) -> impl Strategy<Value = Behaviour> {
    let rates: &'static [f64] = if bad {
        &[0.0, 0.01, 0.05, 0.3]
    } else {
        &[0.0, 0.001, 0.01]
    };
    let medians: &'static [u32] = if bad { &[20, 60, 150, 400] } else { &[20, 60] };
    (prop::sample::select(rates), prop::sample::select(medians)).prop_map(|(error_rate, latency_median_ms)| Behaviour {
        error_rate,
        latency_median_ms,
    })
}

/// `traffic`: 10–500 requests per second, a good original and a possibly bad replacement.
pub fn traffic() -> impl Strategy<Value = TrafficSpec> {
    (
        prop::sample::select(&[10u32, 100, 500][..]),
        behaviour(false),
        behaviour(true),
    )
        .prop_map(|(request_rate, original, replacement)| TrafficSpec {
            request_rate,
            original,
            replacement,
        })
}

fn arb_hook_fn() -> impl Strategy<Value = HookFnSpec> {
    (
        1u32..=120,
        prop::sample::select(&[0.0, 0.0, 0.1, 1.0][..]),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(duration_s, failure_probability, never_reports)| HookFnSpec {
            duration_s,
            failure_probability,
            never_reports,
        })
}

pub(super) fn arb_hook_fns(events: &'static [&'static str]) -> impl Strategy<Value = Vec<(&'static str, HookFnSpec)>> {
    prop::collection::vec(prop::option::weighted(0.4, arb_hook_fn()), events.len())
        .prop_map(move |v| events.iter().zip(v).filter_map(|(&e, h)| h.map(|h| (e, h))).collect())
}
