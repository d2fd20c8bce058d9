//! `cdsim recommend`: the fastest configuration that meets the constraints, with the
//! evidence.
//!
//! **The search.** The predefined configurations of the scenario's platform, a fixed grid
//! of custom ones ([`grid`]: Server `FLEET_PERCENT` 25, 75 and 90; ECS and Lambda canary
//! 25 % for 5 minutes, linear 25 % every 2 minutes and 50 % every 5 minutes; an ECS
//! service behind a Network Load Balancer takes only all-at-once), and the scenario's
//! `candidateConfigs`.
//!
//! **The decision.** A per-run constraint (`maxFailedRequests`: requests that failed
//! *because of the new revision*, never the baseline failures the original's error rate
//! accounts for; `maxExposedRequests`: requests a bad revision served; `minCapacity`,
//! `maxDuration`) must hold in at least `quantile` of runs (default 95 %)
//! *with the stated confidence*: the one-sided Clopper–Pearson upper bound on the share of
//! runs that break it must not exceed 1 − quantile. `minSuccessRate` must not exceed the
//! lower end of the success rate's interval. Among the configurations that meet every
//! constraint, the one with the lowest median duration is named (ties: search order). A
//! constraint on a figure the platform does not measure (requests in place, capacity for
//! ECS and Lambda) is an input error. With no run breaking a per-run constraint the bound
//! is 1 − (1 − confidence)^(1/runs), so fewer than [`minimum_runs`] runs can never show it
//! holds; the answer then says how many are needed.
//!
//! Not here: running the configurations (`Plan`, `cli::sweep`).

use serde::Serialize;

use super::RunRecord;
use super::summary::{Comparison, Rate};
use crate::config::minimum_healthy::MinimumHealthyHosts;
use crate::config::traffic_routing::TrafficRouting;
use crate::config::{ComputePlatform, ConfigRule, DeploymentConfig, predefined};
use crate::report::text::count;
use crate::scenario::Scenario;
use crate::stats;

/// What the recommended configuration must meet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Constraints {
    /// Most requests failed because of the new revision in a run.
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
    /// The fewest runs that could show a per-run constraint holds at this confidence and
    /// quantile (when there is a per-run constraint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_runs: Option<u64>,
    /// Per configuration, in search order.
    pub evidence: Vec<Evidence>,
}

/// One configuration's case.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The configuration.
    pub deployment_config_name: String,
    /// The share of runs that shipped a bad revision, and its interval.
    pub bad_revision_shipped_rate: Rate,
    /// ECS and Lambda: mean requests failed because of the new revision per run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_because_of_new_revision_mean: Option<f64>,
    /// ECS and Lambda: mean requests a bad revision served per run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposed_requests_mean: Option<f64>,
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
                format!("failed because of the new revision ≤ {m}"),
                Box::new(move |r| r.failed_because_of_new_revision.map(|x| x > m)),
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
            bad_revision_shipped_rate: summary.bad_revision_shipped_rate,
            failed_because_of_new_revision_mean: summary.failed_because_of_new_revision.map(|r| r.mean),
            exposed_requests_mean: summary.exposed_requests.map(|r| r.mean),
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
        minimum_runs: (!per_run.is_empty()).then(|| minimum_runs(comparison.confidence, q)),
        evidence,
    })
}

/// The fewest runs in which a per-run constraint can be shown to hold in `quantile` of
/// runs at `confidence`: the least n whose bound with no run breaking it,
/// 1 − (1 − confidence)^(1/n), is at most 1 − quantile.
pub fn minimum_runs(confidence: f64, quantile: f64) -> u64 {
    let fits = |n: u64| stats::proportion_upper_bound(0, n, confidence) <= 1.0 - quantile + 1e-12;
    let guess = ((1.0 - confidence).ln() / quantile.ln()).ceil().max(1.0) as u64;
    let mut n = guess.saturating_sub(2).max(1);
    while !fits(n) {
        n += 1;
    }
    n
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
        out.push_str(&answer(r));
    } else {
        out.push_str(&super::render::wrapped(&answer(r)));
    }
    out.push('\n');
    let (header, mut rows) = evidence_table(r);
    let winner = winner(r);
    if markdown {
        if let Some(w) = winner {
            rows[w][0] = format!("**{}**", rows[w][0]);
        }
        super::render::markdown_table(&mut out, &header, &rows);
    } else {
        out.push_str(&super::render::fitted(&header, &rows, &Vec::from_iter(winner)));
    }
    out.push('\n');
    out.push_str(&if markdown {
        FOOTNOTE.to_string()
    } else {
        super::render::wrapped(FOOTNOTE)
    });
    out
}

/// The row of the recommended configuration in the evidence, if one is recommended.
pub fn winner(r: &Recommendation) -> Option<usize> {
    let name = r.recommended.as_ref()?;
    r.evidence.iter().position(|e| &e.deployment_config_name == name)
}

/// What the evidence table's cells mean.
pub const FOOTNOTE: &str = "▶ (bold in Markdown and HTML): the recommended configuration. bad shipped: runs whose \
                            deployment succeeded although the fault model made the revision bad. failed (new rev.): \
                            mean requests per run that failed because of the new revision; exposed: mean requests \
                            per run a bad revision served. Each constraint's cell: the runs that broke it, and the \
                            most the share of runs breaking it can be at the stated confidence (it must be at most \
                            100% less the quantile); ✗: not met. success: the rate, and the lower end of its \
                            interval. CDD.: CodeDeployDefault. –: not measured for this platform.\n";

/// The heading lines: the runs, the constraints and the answer.
pub fn answer(r: &Recommendation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scenario {}  seed {}  confidence {}%\n{} per configuration",
        r.scenario,
        r.seed,
        r.confidence * 100.0,
        crate::report::text::count(r.runs, "run"),
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
    if let Some(needed) = r.minimum_runs.filter(|&m| r.runs < m) {
        let _ = writeln!(
            out,
            "note: {} can never show that a constraint holds in {}% of runs at {}% confidence; \
             that takes at least {needed} runs (--runs {needed}), none of them breaking it",
            crate::report::text::count(r.runs, "run"),
            r.quantile * 100.0,
            r.confidence * 100.0
        );
    }
    out
}

/// The evidence as (header, rows): per configuration, whether it meets the constraints,
/// what the new revision caused, its median duration, its success rate and each check.
pub fn evidence_table(r: &Recommendation) -> (Vec<String>, Vec<Vec<String>>) {
    use super::render::{NONE, duration, percents, rate};
    let mut header = vec![
        "configuration".to_string(),
        "meets all".into(),
        "bad shipped".into(),
        "failed (new rev.)".into(),
        "exposed".into(),
        "median duration".into(),
        "success (lower end)".into(),
    ];
    header.extend(r.constraints.iter().cloned());
    let mean = |m: Option<f64>| m.map_or(NONE.to_string(), |m| format!("{m:.1}"));
    let rows: Vec<Vec<String>> = r
        .evidence
        .iter()
        .map(|e| {
            let mut row = vec![
                e.deployment_config_name.clone(),
                if e.meets { "yes" } else { "no" }.to_string(),
                rate(e.bad_revision_shipped_rate),
                mean(e.failed_because_of_new_revision_mean),
                mean(e.exposed_requests_mean),
                duration(e.median_duration_seconds),
                {
                    let [rate, low] = percents([e.success_rate, e.success_rate_low]);
                    format!("{rate}% ({low}%)")
                },
            ];
            row.extend(e.checks.iter().map(|c| check(c, r.runs)));
            row
        })
        .collect();
    (header, rows)
}

/// A check's cell: `53 of 200 runs, ≤ 32.13% ✗` (success rate: its lower end).
fn check(c: &Check, runs: u64) -> String {
    let mark = if c.meets { "" } else { " ✗" };
    if c.constraint.starts_with("success rate") {
        format!("lower end {:.2}%{mark}", c.bound * 100.0)
    } else {
        format!(
            "{} of {}, ≤ {:.2}%{mark}",
            c.runs_broken,
            count(runs, "run"),
            c.bound * 100.0
        )
    }
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
            failed_because_of_new_revision: Some(failed),
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
    fn too_few_runs_are_named_with_the_runs_needed() {
        assert_eq!(minimum_runs(0.95, 0.95), 59);
        assert_eq!(minimum_runs(0.99, 0.95), 90);
        let r = decide_on(20, 0);
        assert_eq!((r.recommended.as_deref(), r.minimum_runs), (None, Some(59)));
        let text = render(&r, false);
        assert!(
            text.contains("20 runs can never show") && text.contains("at least 59 runs"),
            "{text}"
        );
        let r = decide_on(59, 0);
        assert!(!render(&r, false).contains("can never show"));
    }

    #[test]
    fn the_winner_is_marked_in_text_and_bold_in_markdown() {
        let r = decide_on(200, 30);
        assert_eq!(winner(&r), Some(1));
        let text = render(&r, false);
        assert!(text.lines().any(|l| l.starts_with("▶ Slow")), "{text}");
        assert!(text.lines().any(|l| l.starts_with("  Fast")), "{text}");
        assert!(render(&r, true).contains("| **Slow** |"));
        assert!(text.contains("30 of 200 runs"), "{text}");
    }

    #[test]
    fn baseline_failures_do_not_count_against_a_configuration() {
        // A slow configuration failing 500 requests in every run at the original's error
        // rate, none because of the new revision, meets a limit of 100 failed requests.
        let slow: Vec<RunRecord> = (0..100)
            .map(|_| RunRecord {
                failed_because_of_new_revision: Some(0),
                ..record(600, 500)
            })
            .collect();
        let records = vec![slow];
        let comparison = Comparison::new("t", 1, 0.95, &["Slow".to_string()], &records);
        let constraints = Constraints {
            max_failed_requests: Some(100),
            quantile: 0.95,
            ..Constraints::default()
        };
        let r = decide(&comparison, &records, &constraints).unwrap();
        assert_eq!(r.recommended.as_deref(), Some("Slow"));
        assert_eq!(
            comparison.configs[0].baseline_failed_requests.map(|q| q.p50),
            Some(500.0)
        );
    }

    #[test]
    fn a_constraint_the_platform_does_not_measure_is_an_error() {
        let mut r = record(60, 0);
        r.failed_requests = None;
        r.failed_because_of_new_revision = None;
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
