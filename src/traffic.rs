//! Requests and their metrics (architecture notes §4): how many requests each version
//! serves in a metric period, how many fail, and how slow they are.
//!
//! Traffic does not change the deployment; the deployment changes traffic (through the
//! weights). So a period is sampled when it ends, from the piecewise-constant request rate
//! and weights inside it, in one of two modes:
//!
//! - **aggregated** (default): per version, a Poisson request count with mean
//!   ∫ rate · share dt, a binomial error count, and latency percentiles drawn as order
//!   statistics (the k-th smallest of n uniforms is Beta(k, n − k + 1), drawn jointly for
//!   p50 < p90 < p99), then mapped through the latency distribution. Cost per period does
//!   not grow with the request rate, and the numbers have exactly the distribution of the
//!   per-request process;
//! - **per request** (the reference): every request is drawn: arrival (exponential gaps),
//!   version (by the weight at its arrival), failure, latency; percentiles are the
//!   nearest-rank percentiles of the period's latencies.
//!
//! Test-listener traffic (ECS) goes to the replacement and is counted apart.
//!
//! Not here: weights (the platform decides them), alarms (they read these samples).

use crate::rng::RandomSource;
use crate::stats::normal_quantile;
use crate::time::{SimDuration, SimTime};

/// Requests per second over time.
#[derive(Clone, Debug, PartialEq)]
pub enum RequestRate {
    /// The same rate throughout.
    Constant(f64),
    /// (from, rate): the rate is `rate` from `from` until the next step. The first step is
    /// at time zero; steps are in time order.
    Steps(Vec<(SimTime, f64)>),
}

impl RequestRate {
    /// The highest rate it reaches.
    pub fn highest(&self) -> f64 {
        match self {
            RequestRate::Constant(r) => *r,
            RequestRate::Steps(steps) => steps.iter().map(|(_, r)| *r).fold(0.0, f64::max),
        }
    }

    /// The rate in force at `t`.
    pub fn at(&self, t: SimTime) -> f64 {
        match self {
            RequestRate::Constant(r) => *r,
            RequestRate::Steps(steps) => steps.iter().rev().find(|(from, _)| *from <= t).map_or(0.0, |&(_, r)| r),
        }
    }

    /// Times in (from, to) where the rate changes.
    fn changes_within(&self, from: SimTime, to: SimTime) -> Vec<SimTime> {
        match self {
            RequestRate::Constant(_) => Vec::new(),
            RequestRate::Steps(steps) => steps.iter().map(|&(t, _)| t).filter(|&t| t > from && t < to).collect(),
        }
    }
}

/// Latency of one version: lognormal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Latency {
    /// The median latency, in milliseconds.
    pub median_ms: f64,
    /// The shape.
    pub sigma: f64,
}

impl Latency {
    /// The latency at quantile `u` of the distribution.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON);
        self.median_ms * (self.sigma * normal_quantile(u)).exp()
    }
}

/// How one version behaves under traffic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VersionBehaviour {
    /// Probability that a request fails (5XX).
    pub error_rate: f64,
    /// Its latency, when the scenario models one.
    pub latency: Option<Latency>,
}

/// How requests are sampled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TrafficMode {
    /// Requests counted per period in closed form (Poisson counts, binomial errors, latency
    /// percentiles as Beta order statistics).
    #[default]
    Aggregated,
    /// Every request drawn on its own: the reference the aggregated mode is checked against.
    PerRequest,
}

/// The traffic of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficSpec {
    /// Production requests per second.
    pub rate: RequestRate,
    /// How the original version behaves.
    pub original: VersionBehaviour,
    /// How the replacement version behaves.
    pub replacement: VersionBehaviour,
    /// Requests per second on the test listener once test traffic is allowed (ECS).
    pub test_rate: f64,
    /// The metric period (CloudWatch's, default 60 s).
    pub period: SimDuration,
    /// How requests are sampled.
    pub mode: TrafficMode,
}

/// A stretch of time in which the rate, the weight and the test listener are constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    /// Where the stretch begins.
    pub start: SimTime,
    /// Where it ends.
    pub end: SimTime,
    /// Production requests per second.
    pub rate: f64,
    /// Percent of production traffic going to the replacement (new) version.
    pub new_percent: u32,
    /// Whether the test listener routes test traffic to the replacement.
    pub test_traffic: bool,
}

impl Segment {
    fn seconds(&self) -> f64 {
        self.end.since(self.start).as_secs_f64()
    }
}

/// Nearest-rank latency percentiles, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentiles {
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
}

/// What one version (or the test listener) saw in one period.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VersionSample {
    /// Requests served.
    pub requests: u64,
    /// Of those, the failed ones (5XX).
    pub errors: u64,
    /// Latency percentiles, when the scenario models latency and there were requests.
    pub latency: Option<Percentiles>,
}

impl VersionSample {
    /// Errors / requests, `None` without requests (missing data for an alarm).
    pub fn error_rate(&self) -> Option<f64> {
        (self.requests > 0).then(|| self.errors as f64 / self.requests as f64)
    }
}

/// One period's sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PeriodSample {
    /// The original version's production requests.
    pub original: VersionSample,
    /// The replacement's production requests.
    pub replacement: VersionSample,
    /// The test listener's requests.
    pub test: VersionSample,
}

const QUANTILES: [f64; 3] = [0.50, 0.90, 0.99];

/// Splits [from, to) where the rate, the weight or the test listener changes.
/// `weights` are (from, percent) steps in time order; `test_from` is when test traffic
/// starts, if it does.
pub fn segments(
    rate: &RequestRate,
    weights: &[(SimTime, u32)],
    test_from: Option<SimTime>,
    from: SimTime,
    to: SimTime,
) -> Vec<Segment> {
    assert!(from <= to, "period ends before it starts");
    let mut cuts = rate.changes_within(from, to);
    cuts.extend(weights.iter().map(|&(t, _)| t).filter(|&t| t > from && t < to));
    cuts.extend(test_from.filter(|&t| t > from && t < to));
    cuts.push(from);
    cuts.push(to);
    cuts.sort();
    cuts.dedup();
    let weight_at = |t: SimTime| weights.iter().rev().find(|(w, _)| *w <= t).map_or(0, |&(_, p)| p);
    cuts.windows(2)
        .map(|w| Segment {
            start: w[0],
            end: w[1],
            rate: rate.at(w[0]),
            new_percent: weight_at(w[0]),
            test_traffic: test_from.is_some_and(|t| t <= w[0]),
        })
        .collect()
}

/// Samples one period in the spec's mode.
pub fn sample(spec: &TrafficSpec, segments: &[Segment], rng: &mut RandomSource) -> PeriodSample {
    match spec.mode {
        TrafficMode::Aggregated => sample_aggregated(spec, segments, rng),
        TrafficMode::PerRequest => sample_per_request(spec, segments, rng),
    }
}

/// The aggregated mode (see the module docs).
pub fn sample_aggregated(spec: &TrafficSpec, segments: &[Segment], rng: &mut RandomSource) -> PeriodSample {
    let (mut old_mean, mut new_mean, mut test_mean) = (0.0, 0.0, 0.0);
    for s in segments {
        let expected = s.rate * s.seconds();
        let share = f64::from(s.new_percent) / 100.0;
        old_mean += expected * (1.0 - share);
        new_mean += expected * share;
        if s.test_traffic {
            test_mean += spec.test_rate * s.seconds();
        }
    }
    PeriodSample {
        original: aggregated_version(&spec.original, old_mean, rng),
        replacement: aggregated_version(&spec.replacement, new_mean, rng),
        test: aggregated_version(&spec.replacement, test_mean, rng),
    }
}

fn aggregated_version(v: &VersionBehaviour, mean: f64, rng: &mut RandomSource) -> VersionSample {
    let requests = rng.poisson(mean);
    let errors = rng.binomial(requests, v.error_rate);
    let latency = v.latency.filter(|_| requests > 0).map(|l| {
        let u = order_statistic_quantiles(requests, rng);
        Percentiles {
            p50: l.quantile(u[0]),
            p90: l.quantile(u[1]),
            p99: l.quantile(u[2]),
        }
    });
    VersionSample {
        requests,
        errors,
        latency,
    }
}

/// Jointly draws the uniforms U(k1) < U(k2) < U(k3) of the nearest-rank p50, p90 and p99
/// of `n` uniforms: U(k1) ~ Beta(k1, n − k1 + 1), and given U(ki), the next is
/// U(ki) + (1 − U(ki)) · Beta(kj − ki, n − kj + 1).
fn order_statistic_quantiles(n: u64, rng: &mut RandomSource) -> [f64; 3] {
    let mut out = [0.0; 3];
    let (mut prev_k, mut prev_u) = (0u64, 0.0);
    for (i, q) in QUANTILES.iter().enumerate() {
        let k = nearest_rank(*q, n);
        if k == prev_k {
            out[i] = prev_u;
            continue;
        }
        let b = rng.beta((k - prev_k) as f64, (n - k + 1) as f64);
        prev_u += (1.0 - prev_u) * b;
        prev_k = k;
        out[i] = prev_u;
    }
    out
}

/// The 1-based nearest rank of quantile `q` among `n` values: ceil(q · n).
fn nearest_rank(q: f64, n: u64) -> u64 {
    ((q * n as f64).ceil() as u64).clamp(1, n)
}

/// The per-request mode (see the module docs).
pub fn sample_per_request(spec: &TrafficSpec, segments: &[Segment], rng: &mut RandomSource) -> PeriodSample {
    let mut old = Tally::default();
    let mut new = Tally::default();
    let mut test = Tally::default();
    for s in segments {
        let share = f64::from(s.new_percent) / 100.0;
        arrivals(s, s.rate, rng, |rng| {
            if rng.uniform() < share {
                new.request(&spec.replacement, rng);
            } else {
                old.request(&spec.original, rng);
            }
        });
        if s.test_traffic {
            arrivals(s, spec.test_rate, rng, |rng| test.request(&spec.replacement, rng));
        }
    }
    PeriodSample {
        original: old.finish(),
        replacement: new.finish(),
        test: test.finish(),
    }
}

/// Calls `each` once per Poisson arrival of rate `rate` in the segment.
fn arrivals(s: &Segment, rate: f64, rng: &mut RandomSource, mut each: impl FnMut(&mut RandomSource)) {
    if rate <= 0.0 {
        return;
    }
    let (mut t, end) = (0.0, s.seconds());
    let mean_gap = 1.0 / rate;
    loop {
        t += rng.exponential(mean_gap);
        if t >= end {
            return;
        }
        each(rng);
    }
}

#[derive(Default)]
struct Tally {
    requests: u64,
    errors: u64,
    latencies: Vec<f64>,
}

impl Tally {
    fn request(&mut self, v: &VersionBehaviour, rng: &mut RandomSource) {
        self.requests += 1;
        if rng.chance(v.error_rate) {
            self.errors += 1;
        }
        if let Some(l) = v.latency {
            self.latencies.push(rng.lognormal(l.median_ms, l.sigma));
        }
    }

    fn finish(mut self) -> VersionSample {
        let n = self.latencies.len() as u64;
        let latency = (n > 0).then(|| {
            let mut at = |q: f64| {
                let k = (nearest_rank(q, n) - 1) as usize;
                *self.latencies.select_nth_unstable_by(k, f64::total_cmp).1
            };
            Percentiles {
                p50: at(0.50),
                p90: at(0.90),
                p99: at(0.99),
            }
        });
        VersionSample {
            requests: self.requests,
            errors: self.errors,
            latency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> SimTime {
        SimTime::from_millis(s * 1000)
    }

    #[test]
    fn segments_cut_at_every_change() {
        let rate = RequestRate::Steps(vec![(t(0), 10.0), (t(30), 20.0)]);
        let weights = [(t(0), 0), (t(20), 10), (t(50), 100)];
        let segs = segments(&rate, &weights, Some(t(40)), t(0), t(60));
        let cuts: Vec<(u64, f64, u32, bool)> = segs
            .iter()
            .map(|s| (s.start.as_millis() / 1000, s.rate, s.new_percent, s.test_traffic))
            .collect();
        assert_eq!(
            cuts,
            vec![
                (0, 10.0, 0, false),
                (20, 10.0, 10, false),
                (30, 20.0, 10, false),
                (40, 20.0, 10, true),
                (50, 20.0, 100, true)
            ]
        );
    }

    #[test]
    fn nearest_ranks() {
        assert_eq!(nearest_rank(0.5, 1), 1);
        assert_eq!(nearest_rank(0.99, 100), 99);
        assert_eq!(nearest_rank(0.99, 101), 100);
        assert_eq!(nearest_rank(0.5, 10), 5);
    }
}
