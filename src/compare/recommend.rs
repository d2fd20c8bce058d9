//! `cdsim recommend`: the fastest configuration that meets the constraints, with the
//! evidence.
//!
//! **The search.** The predefined configurations of the scenario's platform, a fixed grid
//! of custom ones ([`grid`]: Server `FLEET_PERCENT` 25, 75 and 90; ECS and Lambda canary
//! 25 % for 5 minutes, linear 25 % every 2 minutes and 50 % every 5 minutes; an ECS
//! service behind a Network Load Balancer takes only all-at-once), and the scenario's
//! `candidateConfigs`.
//!
//! **The decision.** A per-run constraint (`maxFailedRequests`, `maxExposedRequests`,
//! `minCapacity`, `maxDuration`) must hold in at least `quantile` of runs (default 95 %)
//! *with the stated confidence*: the one-sided Clopper–Pearson upper bound on the share of
//! runs that break it must not exceed 1 − quantile. `minSuccessRate` must not exceed the
//! lower end of the success rate's interval. Among the configurations that meet every
//! constraint, the one with the lowest median duration is named (ties: search order). A
//! constraint on a figure the platform does not measure (requests in place, capacity for
//! ECS and Lambda) is an input error.
//!
//! Not here: running the configurations (`Plan`, `cli::sweep`).

use serde::Serialize;

use super::RunRecord;
use super::summary::Comparison;
use crate::config::minimum_healthy::MinimumHealthyHosts;
use crate::config::traffic_routing::TrafficRouting;
use crate::config::{ComputePlatform, ConfigRule, DeploymentConfig, predefined};
use crate::scenario::Scenario;
use crate::stats;

/// What the recommended configuration must meet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Constraints {
    /// At most this many failed requests in a run.
    pub max_failed_requests: Option<u64>,
    /// At most this many requests exposed to a bad revision in a run.
    pub max_exposed_requests: Option<u64>,
    /// Percent of the fleet in service, at the lowest point.
    pub min_capacity_percent: Option<f64>,
    /// At most this long a run, in seconds.
    pub max_duration_seconds: Option<f64>,
    /// At least this share of runs succeeding (its lower confidence bound).
    pub min_success_rate: Option<f64>,
    /// The share of runs in which each per-run constraint must hold.
    pub quantile: f64,
}

/// The configurations `recommend` tries, in search order, without repeats.
pub fn grid(scenario: &Scenario) -> Vec<DeploymentConfig> {
    let platform = scenario.deployment_config.compute_platform;
    let mut out: Vec<DeploymentConfig> = predefined::names_for(platform)
        .into_iter()
        .filter_map(predefined::find)
        .collect();
    let custom = |name: String, rule| DeploymentConfig {
        name,
        compute_platform: platform,
        rule,
    };
    match platform {
        ComputePlatform::Server => {
            for p in [25, 75, 90] {
                let minimum = MinimumHealthyHosts::FleetPercent(p);
                out.push(custom(
                    format!("FleetPercent{p}"),
                    ConfigRule::MinimumHealthy { minimum, zonal: None },
                ));
            }
        }
        ComputePlatform::Ecs | ComputePlatform::Lambda => {
            let shifts = [
                (
                    "Canary25Percent5Minutes",
                    TrafficRouting::TimeBasedCanary {
                        percentage: 25,
                        interval_minutes: 5,
                    },
                ),
                (
                    "Linear25PercentEvery2Minutes",
                    TrafficRouting::TimeBasedLinear {
                        percentage: 25,
                        interval_minutes: 2,
                    },
                ),
                (
                    "Linear50PercentEvery5Minutes",
                    TrafficRouting::TimeBasedLinear {
                        percentage: 50,
                        interval_minutes: 5,
                    },
                ),
            ];
            for (name, routing) in shifts {
                out.push(custom(name.to_string(), ConfigRule::TrafficRouting(routing)));
            }
        }
    }
    for c in &scenario.candidates {
        out.push(c.clone());
    }
    let mut seen: Vec<DeploymentConfig> = Vec::new();
    for c in out {
        if super::misfit(scenario, &c).is_none() && !seen.iter().any(|s| s.name == c.name) {
            seen.push(c);
        }
    }
    seen
}

/// `recommend`'s answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// The scenario's name.
    pub scenario: String,
    /// The base seed.
    pub seed: u64,
    /// Runs per configuration.
    pub runs: u64,
    /// Confidence level of the bounds.
    pub confidence: f64,
    /// The share of runs in which each per-run constraint must hold.
    pub quantile: f64,
    /// The constraints, as given.
    pub constraints: Vec<String>,
    /// The fastest configuration meeting every constraint, if any does.
    pub recommended: Option<String>,
    /// Per configuration, in search order.
    pub evidence: Vec<Evidence>,
}

/// One configuration's case.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The configuration.
    pub deployment_config_name: String,
    /// Its median run duration.
    pub median_duration_seconds: f64,
    /// Its share of runs that succeeded.
    pub success_rate: f64,
    /// The lower confidence bound of that share.
    pub success_rate_low: f64,
    /// Each constraint, checked.
    pub checks: Vec<Check>,
    /// Whether it meets every constraint.
    pub meets: bool,
}

/// One constraint, for one configuration.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// The constraint, as given.
    pub constraint: String,
    /// Runs that broke it (for `minSuccessRate`: 0, the rate is checked directly).
    pub runs_broken: u64,
    /// The upper confidence bound on the share of runs that break it (for
    /// `minSuccessRate`: the lower bound of the success rate).
    pub bound: f64,
    /// Whether the configuration meets it.
    pub meets: bool,
}

type PerRun = (String, Box<dyn Fn(&RunRecord) -> Option<bool>>);

impl Constraints {
    /// The per-run constraints, each as (description, "does this run break it?"; `None`
    /// when the run does not measure the figure).
    fn per_run(&self) -> Vec<PerRun> {
        let mut out: Vec<PerRun> = Vec::new();
        if let Some(m) = self.max_failed_requests {
            out.push((
                format!("failed requests ≤ {m}"),
                Box::new(move |r| r.failed_requests.map(|x| x > m)),
            ));
        }
        if let Some(m) = self.max_exposed_requests {
            out.push((
                format!("exposed requests ≤ {m}"),
                Box::new(move |r| r.exposed_requests.map(|x| x > m)),
            ));
        }
        if let Some(m) = self.min_capacity_percent {
            out.push((
                format!("min capacity ≥ {m}%"),
                Box::new(move |r| r.min_capacity_percent().map(|x| x < m)),
            ));
        }
        if let Some(m) = self.max_duration_seconds {
            out.push((
                format!("duration ≤ {}", super::render::duration(m)),
                Box::new(move |r| Some(r.duration_seconds() > m)),
            ));
        }
        out
    }
}

/// Decides from a comparison of the grid and its records (per configuration, run order).
/// `Err` names a constraint the scenario's platform does not measure.
pub fn decide(
    comparison: &Comparison,
    records: &[Vec<RunRecord>],
    constraints: &Constraints,
) -> Result<Recommendation, String> {
    let q = constraints.quantile;
    let per_run = constraints.per_run();
    let mut descriptions: Vec<String> = per_run
        .iter()
        .map(|(d, _)| format!("{d} in {}% of runs", q * 100.0))
        .collect();
    if let Some(m) = constraints.min_success_rate {
        descriptions.push(format!("success rate ≥ {}%", m * 100.0));
    }
    let mut evidence = Vec::new();
    for (summary, recs) in comparison.configs.iter().zip(records) {
        let n = recs.len() as u64;
        let mut checks = Vec::new();
        for (description, breaks) in &per_run {
            let mut broken = 0;
            for r in recs {
                match breaks(r) {
                    Some(b) => broken += u64::from(b),
                    None => {
                        return Err(format!(
                            "this scenario does not measure what \"{description}\" constrains"
                        ));
                    }
                }
            }
            let bound = stats::proportion_upper_bound(broken, n, comparison.confidence);
            checks.push(Check {
                constraint: description.clone(),
                runs_broken: broken,
                bound: round4(bound),
                meets: bound <= 1.0 - q + 1e-12,
            });
        }
        if let Some(m) = constraints.min_success_rate {
            let low = summary.success_rate.low;
            checks.push(Check {
                constraint: format!("success rate ≥ {}%", m * 100.0),
                runs_broken: 0,
                bound: round4(low),
                meets: low >= m,
            });
        }
        evidence.push(Evidence {
            deployment_config_name: summary.deployment_config_name.clone(),
            median_duration_seconds: summary.duration_seconds.p50,
            success_rate: round4(summary.success_rate.value),
            success_rate_low: round4(summary.success_rate.low),
            meets: checks.iter().all(|c| c.meets),
            checks,
        });
    }
    let recommended = evidence
        .iter()
        .filter(|e| e.meets)
        .min_by(|a, b| a.median_duration_seconds.total_cmp(&b.median_duration_seconds))
        .map(|e| e.deployment_config_name.clone());
    Ok(Recommendation {
        scenario: comparison.scenario.clone(),
        seed: comparison.seed,
        runs: comparison.runs,
        confidence: comparison.confidence,
        quantile: q,
        constraints: descriptions,
        recommended,
        evidence,
    })
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The answer and its evidence as text (`markdown`: as a Markdown table).
pub fn render(r: &Recommendation, markdown: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if markdown {
        let _ = writeln!(out, "# Recommendation: {}\n", r.scenario);
    }
    out.push_str(&answer(r));
    out.push('\n');
    let (header, rows) = evidence_table(r);
    if markdown {
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
        for row in &rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
    } else {
        let all: Vec<&Vec<String>> = std::iter::once(&header).chain(&rows).collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| all.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        for row in all {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        }
    }
    out.push('\n');
    out.push_str(FOOTNOTE);
    out
}

/// What the evidence table's cells mean.
pub const FOOTNOTE: &str = "broken: runs that broke the constraint; bound: the upper confidence bound on the share of \
                            runs that break it (success: the lower bound of the rate).\n";

/// The heading lines: the runs, the constraints and the answer.
pub fn answer(r: &Recommendation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scenario {}  seed {}  {} runs per configuration  confidence {}%",
        r.scenario,
        r.seed,
        r.runs,
        r.confidence * 100.0
    );
    let constraints = if r.constraints.is_empty() {
        "none".to_string()
    } else {
        r.constraints.join("; ")
    };
    let _ = writeln!(out, "constraints: {constraints}");
    let _ = match &r.recommended {
        Some(name) => writeln!(out, "recommended: {name}"),
        None => writeln!(
            out,
            "recommended: none of the {} configurations meets the constraints",
            r.evidence.len()
        ),
    };
    out
}

/// The evidence as (header, rows): per configuration, whether it meets the constraints,
/// its median duration, its success rate and each check.
pub fn evidence_table(r: &Recommendation) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![
        "configuration".to_string(),
        "meets".into(),
        "duration p50".into(),
        "success [low]".into(),
    ];
    header.extend(r.constraints.iter().map(|c| format!("{c}: broken, bound")));
    let rows: Vec<Vec<String>> = r
        .evidence
        .iter()
        .map(|e| {
            let mut row = vec![
                e.deployment_config_name.clone(),
                if e.meets { "yes" } else { "no" }.to_string(),
                super::render::duration(e.median_duration_seconds),
                format!("{:.1}% [{:.1}%]", e.success_rate * 100.0, e.success_rate_low * 100.0),
            ];
            row.extend(e.checks.iter().map(|c| {
                let mark = if c.meets { "" } else { " ✗" };
                format!("{}, {:.2}%{mark}", c.runs_broken, c.bound * 100.0)
            }));
            row
        })
        .collect();
    (header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(duration_s: u64, failed: u64) -> RunRecord {
        RunRecord {
            seed: 0,
            bad_revision: false,
            succeeded: true,
            rolled_back: false,
            duration_ms: duration_s * 1000,
            rollback_ms: None,
            failed_requests: Some(failed),
            exposed_requests: Some(0),
            min_in_service: None,
            extra_capacity_ms: 0,
        }
    }

    fn decide_on(runs: usize, fast_failures: usize) -> Recommendation {
        let fast: Vec<RunRecord> = (0..runs)
            .map(|i| record(60, if i < fast_failures { 500 } else { 0 }))
            .collect();
        let slow: Vec<RunRecord> = (0..runs).map(|_| record(600, 0)).collect();
        let records = vec![fast, slow];
        let names = ["Fast".to_string(), "Slow".to_string()];
        let comparison = Comparison::new("t", 1, 0.95, &names, &records);
        let constraints = Constraints {
            max_failed_requests: Some(100),
            quantile: 0.95,
            ..Constraints::default()
        };
        decide(&comparison, &records, &constraints).unwrap()
    }

    #[test]
    fn the_fastest_configuration_that_meets_the_constraints_is_named() {
        let r = decide_on(200, 30);
        assert_eq!(r.recommended.as_deref(), Some("Slow"));
        assert!(!r.evidence[0].meets && r.evidence[0].checks[0].runs_broken == 30);
        let r = decide_on(200, 0);
        assert_eq!(r.recommended.as_deref(), Some("Fast"));
    }

    #[test]
    fn a_quantile_needs_enough_runs_to_be_shown_at_the_confidence() {
        // 0 broken of n: the one-sided 95 % bound is 1 − 0.05^(1/n); ≤ 5 % needs n ≥ 59.
        assert_eq!(decide_on(58, 0).recommended, None);
        assert_eq!(decide_on(59, 0).recommended.as_deref(), Some("Fast"));
        // A few broken runs are allowed when the bound stays under 1 − quantile.
        assert_eq!(decide_on(400, 5).recommended.as_deref(), Some("Fast"));
        assert_eq!(decide_on(400, 15).recommended.as_deref(), Some("Slow"));
    }

    #[test]
    fn a_constraint_the_platform_does_not_measure_is_an_error() {
        let mut r = record(60, 0);
        r.failed_requests = None;
        let records = vec![vec![r]];
        let comparison = Comparison::new("t", 1, 0.95, &["A".to_string()], &records);
        let c = Constraints {
            max_failed_requests: Some(1),
            quantile: 0.95,
            ..Constraints::default()
        };
        assert!(decide(&comparison, &records, &c).is_err());
    }
}
