//! A comparison as text: the terminal table and Markdown.
//!
//! Not here: JSON (`cli`, serde_json's home), charts (`charts`) or HTML (`html`).

use std::fmt::Write;

use super::summary::{Comparison, ConfigSummary, Quantiles, Rate};

/// The columns both renderings show, as (header, cell of a configuration).
type Column = (&'static str, fn(&ConfigSummary) -> String);

const COLUMNS: &[Column] = &[
    ("configuration", |c| c.deployment_config_name.clone()),
    ("success", |c| rate(c.success_rate)),
    ("rollback", |c| rate(c.rollback_rate)),
    ("duration p50/p95/p99", |c| times(Some(c.duration_seconds))),
    ("time to rollback p50/p95/p99", |c| times(c.time_to_rollback_seconds)),
    ("failed requests p50/p95", |c| counts(c.failed_requests)),
    ("exposed requests p50/p95", |c| counts(c.exposed_requests)),
    ("min capacity p5", |c| {
        c.min_capacity_percent_p5.map_or("–".to_string(), |p| format!("{p}%"))
    }),
    ("extra capacity (h)", |c| format!("{}", c.extra_capacity_hours_mean)),
];

/// The table as (header, rows), for the HTML page.
pub fn table(c: &Comparison) -> (Vec<&'static str>, Vec<Vec<String>>) {
    (
        COLUMNS.iter().map(|(h, _)| *h).collect(),
        c.configs
            .iter()
            .map(|s| COLUMNS.iter().map(|(_, f)| f(s)).collect())
            .collect(),
    )
}

/// The terminal table, with a heading line.
pub fn text(c: &Comparison) -> String {
    let mut out = heading(c);
    let rows: Vec<Vec<String>> = std::iter::once(COLUMNS.iter().map(|(h, _)| h.to_string()).collect())
        .chain(table(c).1)
        .collect();
    let widths: Vec<usize> = (0..COLUMNS.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out.push_str(FOOTNOTE);
    out
}

/// The same table in Markdown.
pub fn markdown(c: &Comparison) -> String {
    let mut out = format!("# Comparison: {}\n\n{}\n", c.scenario, heading(c).trim_end());
    out.push('\n');
    let _ = writeln!(
        out,
        "| {} |",
        COLUMNS.iter().map(|(h, _)| *h).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(COLUMNS.len()));
    for s in &c.configs {
        let _ = writeln!(
            out,
            "| {} |",
            COLUMNS.iter().map(|(_, f)| f(s)).collect::<Vec<_>>().join(" | ")
        );
    }
    out.push('\n');
    out.push_str(FOOTNOTE);
    out
}

/// What the table's cells mean.
pub const FOOTNOTE: &str = "Rates with Clopper–Pearson intervals; quantiles over runs (time to rollback: over the runs \
                        that rolled back). –: not measured for this platform or no such run.\n";

/// The heading line: scenario, seed, runs and confidence.
pub fn heading(c: &Comparison) -> String {
    format!(
        "scenario {}  seed {}  {} runs per configuration ({} with a bad revision)  confidence {}%\n",
        c.scenario,
        c.seed,
        c.runs,
        c.bad_revision_runs,
        c.confidence * 100.0
    )
}

fn rate(r: Rate) -> String {
    format!("{} [{}–{}]", percent(r.value), percent(r.low), percent(r.high))
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn times(q: Option<Quantiles>) -> String {
    q.map_or("–".to_string(), |q| {
        format!("{} / {} / {}", duration(q.p50), duration(q.p95), duration(q.p99))
    })
}

fn counts(q: Option<Quantiles>) -> String {
    q.map_or("–".to_string(), |q| format!("{} / {}", q.p50.round(), q.p95.round()))
}

/// Seconds as `1h 02m`, `12m 05s` or `42.5s`.
pub fn duration(s: f64) -> String {
    let whole = s.round() as u64;
    if whole >= 3600 {
        format!("{}h {:02}m", whole / 3600, (whole % 3600) / 60)
    } else if whole >= 60 {
        format!("{}m {:02}s", whole / 60, whole % 60)
    } else {
        format!("{:.1}s", s)
    }
}
