//! Which charts a comparison gets, and their data: the success and rollback rates with
//! their intervals, and per distribution (deployment duration, time to rollback, failed
//! and exposed requests, lowest capacity, blue/green's extra cost) an ECDF with one line per
//! configuration; the deployment duration also as box plots. Drawing is `chart`'s.
//! [`with_limits`] draws recommend's constraints on the charts they apply to.
//!
//! A chart is present when some configuration has its data: time to rollback when a run
//! rolled back, requests for ECS and Lambda, capacity for Server, extra cost when a
//! replacement ran beside the original. Every configuration
//! keeps its colour (its index in the comparison) in every chart, and is named without
//! the `CodeDeployDefault.` prefix.
//!
//! Not here: drawing, file names, HTML.

use super::recommend::Constraints;
use super::summary::{Comparison, ConfigSummary, Rate};
use crate::chart::{BarSeries, Bars, BoxPlot, BoxRow, Chart, Ecdf, EcdfSeries, Five, Interval, Limit, palette};
use crate::report::charts::NamedChart;
use crate::report::text::count;
use crate::stats;

/// Durations longer than this are shown in minutes.
const MINUTES_ABOVE_SECONDS: f64 = 900.0;
/// A value axis spanning more than this ratio is logarithmic.
const LOG_ABOVE_RATIO: f64 = 20.0;

/// A configuration's sample of one figure.
type SampleOf = fn(&ConfigSummary) -> &[f64];

/// The comparison's charts, in reading order.
pub fn charts(c: &Comparison) -> Vec<NamedChart> {
    let mut out = vec![NamedChart {
        name: "rates",
        chart: Chart::Bars(rates(c)),
    }];
    let durations: SampleOf = |s| &s.samples.duration_seconds;
    let duration_unit = TimeUnit::for_samples(c, durations);
    out.push(NamedChart {
        name: "duration",
        chart: Chart::Ecdf(ecdf(
            c,
            "Deployment duration",
            &duration_unit.label("deployment duration"),
            &|s| duration_unit.scaled(durations(s)),
        )),
    });
    out.push(NamedChart {
        name: "duration-box",
        chart: Chart::BoxPlot(duration_box(c, &duration_unit)),
    });
    let rollbacks: SampleOf = |s| &s.samples.time_to_rollback_seconds;
    if c.configs.iter().any(|s| !rollbacks(s).is_empty()) {
        let unit = TimeUnit::for_samples(c, rollbacks);
        let mut chart = ecdf(
            c,
            "Time to rollback",
            &unit.label("from creation to the end of the rollback deployment"),
            &|s| unit.scaled(rollbacks(s)),
        );
        chart.note = "one line per configuration, over the runs that rolled back".into();
        for (series, s) in chart.series.iter_mut().zip(&c.configs) {
            series.label = format!("{} ({})", series.label, count(rollbacks(s).len() as u64, "run"));
        }
        out.push(NamedChart {
            name: "time-to-rollback",
            chart: Chart::Ecdf(chart),
        });
    }
    let counts: [(&'static str, &str, &str, SampleOf); 2] = [
        (
            "failed-requests",
            "Requests failed because of the new revision",
            "production requests per run that failed because of the new revision",
            |s| &s.samples.failed_because_of_new_revision,
        ),
        (
            "exposed-requests",
            "Requests exposed to a bad revision",
            "production requests the replacement served in a run with a bad revision (0 with a good one)",
            |s| &s.samples.exposed_requests,
        ),
    ];
    for (name, title, x_label, samples) in counts {
        // With no bad revision drawn, no request is exposed to one: no chart of zeros.
        let never = name == "exposed-requests" && c.bad_revision_runs == 0;
        if !never && c.configs.iter().any(|s| !samples(s).is_empty()) {
            out.push(NamedChart {
                name,
                chart: Chart::Ecdf(Ecdf {
                    log_x: false,
                    ..ecdf(c, title, x_label, &|s| samples(s).to_vec())
                }),
            });
        }
    }
    if c.configs.iter().any(|s| !s.samples.min_capacity_percent.is_empty()) {
        out.push(NamedChart {
            name: "min-capacity",
            chart: Chart::Ecdf(Ecdf {
                log_x: false,
                ..ecdf(
                    c,
                    "Lowest capacity in service",
                    "fewest instances in service during the run (% of the fleet)",
                    &|s| s.samples.min_capacity_percent.clone(),
                )
            }),
        });
    }
    if c.configs
        .iter()
        .any(|s| s.samples.extra_capacity_hours.iter().any(|h| *h > 0.0))
    {
        let mut chart = Ecdf {
            log_x: false,
            ..ecdf(
                c,
                "Blue/green extra cost",
                "replacement capacity running beside the original per run (instance- or task-hours)",
                &|s| s.samples.extra_capacity_hours.clone(),
            )
        };
        for (series, s) in chart.series.iter_mut().zip(&c.configs) {
            series.label = format!("{} (mean {:.2} h)", series.label, s.extra_capacity_hours_mean);
        }
        out.push(NamedChart {
            name: "extra-cost",
            chart: Chart::Ecdf(chart),
        });
    }
    out
}

/// The comparison's charts with each of `constraints` drawn as a limit on the charts it
/// applies to: the minimum success rate on the rates, the longest duration on both
/// duration charts, the request limits on their ECDFs, the lowest capacity on its ECDF.
pub fn with_limits(c: &Comparison, constraints: &Constraints) -> Vec<NamedChart> {
    let share = format!("in {} % of runs", trim(constraints.quantile * 100.0));
    let durations: SampleOf = |s| &s.samples.duration_seconds;
    let unit = TimeUnit::for_samples(c, durations);
    let duration = constraints.max_duration_seconds.map(|d| Limit {
        value: d / unit.divisor,
        label: format!("limit: at most {} {} {share}", trim(d / unit.divisor), unit.unit),
    });
    let count = |m: Option<u64>| {
        m.map(|m| Limit {
            value: m as f64,
            label: format!("limit: at most {m} {share}"),
        })
    };
    let mut out = charts(c);
    for n in &mut out {
        let limit = match n.name {
            "rates" => constraints.min_success_rate.map(|r| Limit {
                value: 100.0 * r,
                label: format!("limit: at least {} % succeeded", trim(100.0 * r)),
            }),
            "duration" | "duration-box" => duration.clone(),
            "failed-requests" => count(constraints.max_failed_requests),
            "exposed-requests" => count(constraints.max_exposed_requests),
            "min-capacity" => constraints.min_capacity_percent.map(|p| Limit {
                value: p,
                label: format!("limit: at least {} % {share}", trim(p)),
            }),
            _ => None,
        };
        match &mut n.chart {
            Chart::Bars(b) => b.limit = limit,
            Chart::Ecdf(e) => e.limit = limit,
            Chart::BoxPlot(b) => b.limit = limit,
            _ => {}
        }
    }
    out
}

/// A number without needless decimals (at most two).
fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A configuration's name in charts.
fn short(name: &str) -> String {
    name.strip_prefix("CodeDeployDefault.").unwrap_or(name).to_string()
}

fn rates(c: &Comparison) -> Bars {
    let interval = |r: Rate| Interval {
        value: 100.0 * r.value,
        low: 100.0 * r.low,
        high: 100.0 * r.high,
    };
    let series = |label: &str, color, rate: fn(&ConfigSummary) -> Rate| BarSeries {
        label: label.into(),
        color,
        values: c.configs.iter().map(|s| interval(rate(s))).collect(),
    };
    let mut rates = vec![
        series("succeeded", palette::GREEN, |s| s.success_rate),
        series("rolled back", palette::VERMILION, |s| s.rollback_rate),
    ];
    // With no bad revision drawn, none can ship: no bars of zeros with intervals.
    let (title, none_bad) = if c.bad_revision_runs == 0 {
        ("Success and rollback rates", "; no run drew a bad revision")
    } else {
        rates.push(series("shipped a bad revision", palette::PURPLE, |s| {
            s.bad_revision_shipped_rate
        }));
        ("Success, rollback and bad-revision rates", "")
    };
    Bars {
        title: format!("{title}: {}", c.scenario),
        note: format!(
            "{} runs per configuration; error bars: {}% Clopper–Pearson intervals{none_bad}",
            c.runs,
            c.confidence * 100.0
        ),
        x_label: "share of runs (%)".into(),
        x_range: (0.0, 100.0),
        rows: c.configs.iter().map(|s| short(&s.deployment_config_name)).collect(),
        series: rates,
        limit: None,
    }
}

/// An ECDF of each configuration's sample, logarithmic when the values span a wide range.
fn ecdf(c: &Comparison, title: &str, x_label: &str, sample: &dyn Fn(&ConfigSummary) -> Vec<f64>) -> Ecdf {
    let series: Vec<EcdfSeries> = c
        .configs
        .iter()
        .enumerate()
        .map(|(i, s)| EcdfSeries {
            label: short(&s.deployment_config_name),
            color: palette::series(i),
            sorted: sample(s),
        })
        .collect();
    Ecdf {
        title: format!("{title}: {}", c.scenario),
        note: format!(
            "one line per configuration: the share of its {} runs at or below each value",
            c.runs
        ),
        x_label: x_label.into(),
        log_x: wide(series.iter().flat_map(|s| s.sorted.iter().copied())),
        series,
        limit: None,
    }
}

fn duration_box(c: &Comparison, unit: &TimeUnit) -> BoxPlot {
    let rows: Vec<BoxRow> = c
        .configs
        .iter()
        .enumerate()
        .map(|(i, s)| BoxRow {
            label: short(&s.deployment_config_name),
            color: palette::series(i),
            quantiles: five(&unit.scaled(&s.samples.duration_seconds)),
        })
        .collect();
    BoxPlot {
        title: format!("Deployment duration: {}", c.scenario),
        note: "box: 25th–75th percentile; black bar: median; whiskers: 5th and 95th percentiles".into(),
        x_label: unit.label("deployment duration"),
        log_x: wide(rows.iter().filter_map(|r| r.quantiles).flat_map(|f| [f.p5, f.p95])),
        rows,
        limit: None,
    }
}

/// The five quantiles a box plot draws (type 8, as the tables' quantiles).
fn five(sorted: &[f64]) -> Option<Five> {
    let q = |p| stats::quantile(sorted, p);
    Some(Five {
        p5: q(0.05)?,
        p25: q(0.25)?,
        p50: q(0.5)?,
        p75: q(0.75)?,
        p95: q(0.95)?,
    })
}

/// Positive values spanning more than [`LOG_ABOVE_RATIO`]: a log axis reads better.
fn wide(values: impl Iterator<Item = f64>) -> bool {
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    lo > 0.0 && hi / lo > LOG_ABOVE_RATIO
}

/// Seconds, or minutes when the longest sample exceeds 15 minutes.
struct TimeUnit {
    divisor: f64,
    unit: &'static str,
}

impl TimeUnit {
    fn for_samples(c: &Comparison, samples: SampleOf) -> TimeUnit {
        let longest = c
            .configs
            .iter()
            .filter_map(|s| samples(s).last())
            .fold(0.0f64, |a, &b| a.max(b));
        if longest > MINUTES_ABOVE_SECONDS {
            TimeUnit {
                divisor: 60.0,
                unit: "min",
            }
        } else {
            TimeUnit {
                divisor: 1.0,
                unit: "s",
            }
        }
    }

    fn label(&self, what: &str) -> String {
        format!("{what} ({})", self.unit)
    }

    fn scaled(&self, seconds: &[f64]) -> Vec<f64> {
        seconds.iter().map(|s| s / self.divisor).collect()
    }
}
