//! The statistics of a comparison: per configuration, rates with confidence intervals and
//! quantiles of each distribution, plus the sorted samples charts draw from.
//!
//! **What leads.** The figures that answer "what will the new revision do to my users?"
//! come first: the share of runs that shipped a bad revision (the deployment succeeded
//! although the run's fault model made the revision bad), the requests that failed because
//! of the new revision, and the requests exposed to a bad revision, each with its interval.
//! Failures the original's error rate accounts for (baseline failures) are a separate
//! figure: a slow, safe rollout serves more requests at the baseline rate, and counting
//! those against it would favour the riskiest configuration.
//!
//! Not here: the statistical functions themselves (`stats`, statrs), rendering (`render`).

use serde::{Deserialize, Serialize};

use super::RunRecord;
use crate::stats;

/// The result of `cdsim compare`: the same bytes whether it ran on one thread, two, or as
/// shards merged afterwards.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The scenario's name.
    pub scenario: String,
    /// The base seed.
    pub seed: u64,
    /// Runs per configuration.
    pub runs: u64,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Runs whose fault model drew a bad revision (the same runs for every configuration).
    pub bad_revision_runs: u64,
    /// Per configuration, in the order given.
    pub configs: Vec<ConfigSummary>,
    /// When the scenario is a history: its requests. Each run is then the whole history:
    /// a success when every user deployment succeeded, a rollback when any rolled back,
    /// durations to the last deployment's (or rollback's) end from the history's start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_requests: Option<u64>,
}

/// A request count per run: its mean with an interval, and quantiles.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Requests {
    /// The mean per run.
    pub mean: f64,
    /// The low end of the mean's interval at the comparison's confidence (normal
    /// approximation, mean ± z·s/√n, cut at 0).
    pub mean_low: f64,
    /// The high end of that interval.
    pub mean_high: f64,
    /// The median.
    pub p50: f64,
    /// The 95th percentile.
    pub p95: f64,
    /// The 99th percentile.
    pub p99: f64,
}

/// One configuration's figures.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSummary {
    /// The configuration.
    pub deployment_config_name: String,
    /// Its runs.
    pub runs: u64,
    /// Runs that succeeded although the fault model made the revision bad.
    pub bad_revision_shipped: u64,
    /// Their share of all runs.
    pub bad_revision_shipped_rate: Rate,
    /// ECS and Lambda: requests that failed because of the new revision, per run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_because_of_new_revision: Option<Requests>,
    /// ECS and Lambda: production requests a bad revision served, per run (0 when the
    /// run's revision was good).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposed_requests: Option<Requests>,
    /// ECS and Lambda: failed requests the original's error rate accounts for, per run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_failed_requests: Option<Quantiles>,
    /// Runs that succeeded.
    pub succeeded: u64,
    /// Their share, with its interval.
    pub success_rate: Rate,
    /// Runs that were rolled back.
    pub rolled_back: u64,
    /// Their share, with its interval.
    pub rollback_rate: Rate,
    /// From creation to the deployment's terminal status, per run, in seconds.
    pub duration_seconds: Quantiles,
    /// Over the runs that rolled back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_rollback_seconds: Option<Quantiles>,
    /// The 5th percentile of the fewest instances in service (Server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_capacity_percent_p5: Option<f64>,
    /// Mean hours of replacement capacity beside the original (blue/green's extra cost).
    pub extra_capacity_hours_mean: f64,
    /// The samples, each sorted ascending, for charts (not in the JSON: a chart's input).
    #[serde(skip)]
    pub samples: Samples,
}

/// Each distribution's samples, sorted ascending.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Samples {
    /// Each run's duration (to its terminal status).
    pub duration_seconds: Vec<f64>,
    /// Each rolled-back run's time to rollback.
    pub time_to_rollback_seconds: Vec<f64>,
    /// Each run's requests failed because of the new revision (ECS, Lambda).
    pub failed_because_of_new_revision: Vec<f64>,
    /// Each run's requests exposed to a bad revision (ECS, Lambda).
    pub exposed_requests: Vec<f64>,
    /// Each run's failed requests the original's error rate accounts for (ECS, Lambda).
    pub baseline_failed_requests: Vec<f64>,
    /// Each run's fewest instances in service, as a percentage (Server).
    pub min_capacity_percent: Vec<f64>,
    /// Each run's extra capacity hours.
    pub extra_capacity_hours: Vec<f64>,
}

/// A proportion with its Clopper–Pearson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rate {
    /// The share.
    pub value: f64,
    /// Its interval's lower end.
    pub low: f64,
    /// Its interval's upper end.
    pub high: f64,
}

/// Quantiles of a distribution (statrs' type-8 estimator).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Quantiles {
    /// The median.
    pub p50: f64,
    /// The 95th percentile.
    pub p95: f64,
    /// The 99th percentile.
    pub p99: f64,
}

impl Rate {
    fn of(k: u64, n: u64, confidence: f64) -> Rate {
        let (low, high) = stats::proportion_interval(k, n, confidence);
        Rate {
            value: k as f64 / n as f64,
            low,
            high,
        }
    }
}

impl Requests {
    fn of(sorted: &[f64], confidence: f64) -> Option<Requests> {
        let q = Quantiles::of(sorted)?;
        let n = sorted.len() as f64;
        let mean = sorted.iter().sum::<f64>() / n;
        let variance = if n > 1.0 {
            sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let half = stats::normal_quantile(0.5 + confidence / 2.0) * (variance / n).sqrt();
        Some(Requests {
            mean: round3(mean),
            mean_low: round3((mean - half).max(0.0)),
            mean_high: round3(mean + half),
            p50: q.p50,
            p95: q.p95,
            p99: q.p99,
        })
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Quantiles {
    fn of(sorted: &[f64]) -> Option<Quantiles> {
        let q = |p| stats::quantile(sorted, p).map(round3);
        Some(Quantiles {
            p50: q(0.5)?,
            p95: q(0.95)?,
            p99: q(0.99)?,
        })
    }
}

impl Comparison {
    /// The comparison of `records` (per configuration, in run order; every configuration
    /// has the same runs).
    pub fn new(scenario: &str, seed: u64, confidence: f64, names: &[String], records: &[Vec<RunRecord>]) -> Self {
        assert_eq!(names.len(), records.len());
        let runs = records.first().map_or(0, |r| r.len() as u64);
        assert!(runs > 0, "a comparison has runs");
        let bad_revision_runs = records[0].iter().filter(|r| r.bad_revision).count() as u64;
        Comparison {
            scenario: scenario.to_string(),
            seed,
            runs,
            confidence,
            bad_revision_runs,
            configs: names
                .iter()
                .zip(records)
                .map(|(name, recs)| ConfigSummary::new(name, recs, confidence))
                .collect(),
            history_requests: None,
        }
    }

    /// The comparison of a history of `requests` requests (`None`: a single deployment).
    pub fn of_history(self, requests: Option<u64>) -> Self {
        Comparison {
            history_requests: requests,
            ..self
        }
    }
}

impl ConfigSummary {
    fn new(name: &str, records: &[RunRecord], confidence: f64) -> Self {
        let n = records.len() as u64;
        let succeeded = records.iter().filter(|r| r.succeeded).count() as u64;
        let rolled_back = records.iter().filter(|r| r.rolled_back).count() as u64;
        let shipped = records.iter().filter(|r| r.shipped_bad_revision()).count() as u64;
        let samples = Samples::of(records);
        ConfigSummary {
            deployment_config_name: name.to_string(),
            runs: n,
            bad_revision_shipped: shipped,
            bad_revision_shipped_rate: Rate::of(shipped, n, confidence),
            failed_because_of_new_revision: Requests::of(&samples.failed_because_of_new_revision, confidence),
            exposed_requests: Requests::of(&samples.exposed_requests, confidence),
            baseline_failed_requests: Quantiles::of(&samples.baseline_failed_requests),
            succeeded,
            success_rate: Rate::of(succeeded, n, confidence),
            rolled_back,
            rollback_rate: Rate::of(rolled_back, n, confidence),
            duration_seconds: Quantiles::of(&samples.duration_seconds).expect("every run has a duration"),
            time_to_rollback_seconds: Quantiles::of(&samples.time_to_rollback_seconds),
            min_capacity_percent_p5: stats::quantile(&samples.min_capacity_percent, 0.05)
                .map(|x| (x * 100.0).round() / 100.0),
            extra_capacity_hours_mean: {
                let total: f64 = samples.extra_capacity_hours.iter().sum();
                round3(total / n as f64)
            },
            samples,
        }
    }
}

impl Samples {
    fn of(records: &[RunRecord]) -> Samples {
        let sorted = |f: &dyn Fn(&RunRecord) -> Option<f64>| {
            let mut v: Vec<f64> = records.iter().filter_map(f).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        Samples {
            duration_seconds: sorted(&|r| Some(r.duration_seconds())),
            time_to_rollback_seconds: sorted(&|r| r.rollback_seconds()),
            failed_because_of_new_revision: sorted(&|r| r.failed_because_of_new_revision.map(|x| x as f64)),
            exposed_requests: sorted(&|r| r.exposed_requests.map(|x| x as f64)),
            baseline_failed_requests: sorted(&|r| r.baseline_failed_requests().map(|x| x as f64)),
            min_capacity_percent: sorted(&|r| r.min_capacity_percent()),
            extra_capacity_hours: sorted(&|r| Some(r.extra_capacity_hours())),
        }
    }
}
