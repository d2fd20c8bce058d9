//! A comparison as text: the terminal table and Markdown, and the cell formats and the
//! fitted text table that `recommend` shares.
//!
//! **Columns.** What the new revision caused leads (bad revision shipped, requests failed
//! because of it, requests exposed to it); baseline failures, rates, times and capacity
//! follow. Markdown and HTML show every column with full names; the terminal table drops
//! the columns no configuration has a figure in, shortens `CodeDeployDefault.` to
//! `CDD.`, and wraps by column groups so that no line is wider than [`WIDTH`] characters.
//!
//! Not here: JSON (`cli`, serde_json's home), charts (`charts`) or HTML (`html`).

use std::fmt::Write;

use super::summary::{Comparison, ConfigSummary, Quantiles, Rate, Requests};
use crate::report::text::count;

/// The widest line of a terminal table (fits an 80-column terminal, and so a 120 one).
pub const WIDTH: usize = 80;

/// A column: (full header, short header for the terminal, cell of a configuration).
type Column = (&'static str, &'static str, fn(&ConfigSummary) -> String);

const COLUMNS: &[Column] = &[
    ("configuration", "configuration", |c| c.deployment_config_name.clone()),
    ("bad revision shipped [interval]", "bad shipped", |c| {
        rate(c.bad_revision_shipped_rate)
    }),
    (
        "failed because of the new revision: mean [interval], p95",
        "failed (new rev.)",
        |c| requests(c.failed_because_of_new_revision),
    ),
    ("exposed to a bad revision: mean [interval], p95", "exposed", |c| {
        requests(c.exposed_requests)
    }),
    ("baseline failures p50/p95", "baseline failed", |c| {
        counts(c.baseline_failed_requests)
    }),
    ("success [interval]", "success", |c| rate(c.success_rate)),
    ("rollback [interval]", "rollback", |c| rate(c.rollback_rate)),
    ("duration p50/p95/p99", "duration p50/p95/p99", |c| {
        times(Some(c.duration_seconds))
    }),
    ("time to rollback p50/p95/p99", "to rollback p50/p95/p99", |c| {
        times(c.time_to_rollback_seconds)
    }),
    ("min capacity p5", "min capacity p5", |c| {
        c.min_capacity_percent_p5.map_or(NONE.to_string(), |p| format!("{p}%"))
    }),
    ("extra capacity (h)", "extra capacity (h)", |c| {
        // Only blue/green runs replacement capacity beside the original.
        if c.samples.extra_capacity_hours.iter().all(|h| *h == 0.0) {
            NONE.to_string()
        } else {
            format!("{}", c.extra_capacity_hours_mean)
        }
    }),
];

/// The index of the bad-revision-shipped column in [`COLUMNS`].
const BAD_SHIPPED: usize = 1;
/// The index of the exposed-to-a-bad-revision column in [`COLUMNS`].
const EXPOSED: usize = 3;

/// The cell of a figure not measured for the platform, or of no such run.
pub const NONE: &str = "–";

/// The table as (header, rows), for the HTML page. With no run of a bad revision, none
/// can ship one or serve requests from one: those cells are [`NONE`], not zeros with
/// intervals.
pub fn table(c: &Comparison) -> (Vec<&'static str>, Vec<Vec<String>>) {
    (
        COLUMNS.iter().map(|(h, _, _)| *h).collect(),
        c.configs
            .iter()
            .map(|s| {
                let mut row: Vec<String> = COLUMNS.iter().map(|(_, _, f)| f(s)).collect();
                if c.bad_revision_runs == 0 {
                    row[BAD_SHIPPED] = NONE.to_string();
                    if row[EXPOSED] != NONE {
                        row[EXPOSED] = NONE.to_string();
                    }
                }
                row
            })
            .collect(),
    )
}

/// The terminal table, with a heading line.
pub fn text(c: &Comparison) -> String {
    let mut out = heading(c);
    let header: Vec<String> = COLUMNS.iter().map(|(_, h, _)| h.to_string()).collect();
    out.push_str(&fitted(&header, &table(c).1, &[]));
    out.push('\n');
    out.push_str(&wrapped(FOOTNOTE));
    out
}

/// The same table in Markdown.
pub fn markdown(c: &Comparison) -> String {
    let mut out = format!("# Comparison: {}\n\n{}\n", c.scenario, heading(c).trim_end());
    out.push('\n');
    let (header, rows) = table(c);
    markdown_table(&mut out, &header, &rows);
    out.push('\n');
    out.push_str(FOOTNOTE);
    out
}

/// A Markdown table of `header` and `rows`.
pub fn markdown_table<H: AsRef<str>>(out: &mut String, header: &[H], rows: &[Vec<String>]) {
    let header: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
}

/// What the table's cells mean.
pub const FOOTNOTE: &str = "bad shipped: runs whose deployment succeeded although the fault model made the revision \
                            bad. failed (new rev.): requests that failed because of the new revision, beyond the \
                            original's error rate; exposed: requests a bad revision served (0 in runs with a good \
                            one); both per run, as mean [interval] and p95. baseline failed: failures the \
                            original's error rate accounts for, p50/p95. Rates with Clopper–Pearson intervals, \
                            means with normal-approximation intervals; quantiles over runs (time to rollback: \
                            over the runs that rolled back). CDD.: CodeDeployDefault. –: not measured for this \
                            platform or no such run.\n";

/// The heading lines: scenario, seed, confidence and runs.
pub fn heading(c: &Comparison) -> String {
    let mut out = format!(
        "scenario {}  seed {}  confidence {}%\n{} per configuration, {} with a bad revision\n",
        c.scenario,
        c.seed,
        c.confidence * 100.0,
        count(c.runs, "run"),
        c.bad_revision_runs,
    );
    if let Some(n) = c.history_requests {
        out += &wrapped(&format!(
            "each run is the whole history ({}): a success when every user deployment succeeded, a \
             rollback when any rolled back; durations to the last deployment's end and times to rollback to \
             the last rollback's end, from the history's start",
            count(n, "request")
        ));
    }
    out
}

/// `text` with its lines longer than [`WIDTH`] characters broken between words (a word
/// longer than that stands alone); shorter lines stay as they are.
pub fn wrapped(text: &str) -> String {
    let mut out = String::new();
    for paragraph in text.lines() {
        if paragraph.chars().count() <= WIDTH {
            out.push_str(paragraph);
            out.push('\n');
            continue;
        }
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The table as both the terminal and the pages show it: columns whose every cell is
/// [`NONE`] dropped (they say nothing for this platform), and `CodeDeployDefault.` written
/// `CDD.` in the first column (the footnotes say so).
pub fn compacted<S: AsRef<str>>(header: &[S], rows: &[Vec<String>]) -> (Vec<String>, Vec<Vec<String>>) {
    let kept: Vec<usize> = std::iter::once(0)
        .chain((1..header.len()).filter(|&i| rows.iter().any(|r| r[i] != NONE)))
        .collect();
    let cell = |r: &[String], i: usize| {
        if i == 0 {
            r[0].replace("CodeDeployDefault.", "CDD.")
        } else {
            r[i].clone()
        }
    };
    (
        kept.iter().map(|&i| header[i].as_ref().to_string()).collect(),
        rows.iter()
            .map(|r| kept.iter().map(|&i| cell(r, i)).collect())
            .collect(),
    )
}

/// A terminal table no wider than [`WIDTH`]: [`compacted`], then the columns packed into
/// as few groups as fit, each group printed as its own table led by the first column.
/// Rows listed in `marked` get a `▶` before their first cell.
pub fn fitted(header: &[String], rows: &[Vec<String>], marked: &[usize]) -> String {
    let (header, rows) = compacted(header, rows);
    let first = |i: usize, cell: &str| {
        let short = cell.to_string();
        if marked.is_empty() {
            short
        } else if marked.contains(&i) {
            format!("▶ {short}")
        } else {
            format!("  {short}")
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| std::iter::once(first(i, &r[0])).chain(r[1..].iter().cloned()).collect())
        .collect();
    let head = |s: &str| {
        if marked.is_empty() {
            s.to_string()
        } else {
            format!("  {s}")
        }
    };
    let kept: Vec<usize> = (1..header.len()).collect();
    let width = |i: usize| {
        let cells = rows.iter().map(|r| r[i].chars().count());
        let h = if i == 0 {
            head(&header[0]).chars().count()
        } else {
            header[i].chars().count()
        };
        cells.chain(std::iter::once(h)).max().unwrap_or(0)
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut used = WIDTH;
    for i in kept {
        if used + 2 + width(i) > WIDTH && groups.last().is_none_or(|g| g.len() > 1) {
            groups.push(vec![0]);
            used = width(0);
        }
        groups.last_mut().expect("a group").push(i);
        used += 2 + width(i);
    }
    let mut out = String::new();
    for (n, group) in groups.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line = |cells: Vec<String>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(group)
                .map(|(c, &i)| format!("{c}{}", " ".repeat(width(i) - c.chars().count())))
                .collect();
            padded.join("  ").trim_end().to_string()
        };
        let titles = group
            .iter()
            .map(|&i| if i == 0 { head(&header[0]) } else { header[i].clone() });
        let _ = writeln!(out, "{}", line(titles.collect()));
        for r in &rows {
            let _ = writeln!(out, "{}", line(group.iter().map(|&i| r[i].clone()).collect()));
        }
    }
    out
}

/// A rate and its interval, with enough decimals that the three figures differ when they do.
pub fn rate(r: Rate) -> String {
    let [value, low, high] = percents([r.value, r.low, r.high]);
    format!("{value}% [{low}–{high}%]")
}

/// Shares as percentages (without the sign), all with the fewest decimals (1 to 4) at
/// which any two that differ also read differently.
pub fn percents<const N: usize>(shares: [f64; N]) -> [String; N] {
    let text = |d: usize, x: f64| format!("{:.*}", d, x * 100.0);
    let digits = (1..=4)
        .find(|&d| {
            shares.iter().enumerate().all(|(i, &a)| {
                shares[i + 1..]
                    .iter()
                    .all(|&b| (a - b).abs() < 1e-12 || text(d, a) != text(d, b))
            })
        })
        .unwrap_or(4);
    shares.map(|x| text(digits, x))
}

fn requests(r: Option<Requests>) -> String {
    r.map_or(NONE.to_string(), |r| {
        format!(
            "{} [{}–{}], {}",
            mean_count(r.mean),
            mean_count(r.mean_low),
            mean_count(r.mean_high),
            r.p95.round()
        )
    })
}

/// A mean request count: one decimal, whole numbers from 1000 on.
fn mean_count(x: f64) -> String {
    if x >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn times(q: Option<Quantiles>) -> String {
    q.map_or(NONE.to_string(), |q| {
        format!("{} / {} / {}", duration(q.p50), duration(q.p95), duration(q.p99))
    })
}

fn counts(q: Option<Quantiles>) -> String {
    q.map_or(NONE.to_string(), |q| format!("{} / {}", q.p50.round(), q.p95.round()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::RunRecord;

    fn record(bad_revision: bool, succeeded: bool, caused: u64) -> RunRecord {
        RunRecord {
            seed: 0,
            bad_revision,
            succeeded,
            rolled_back: !succeeded,
            duration_ms: 3_723_000,
            rollback_ms: None,
            failed_requests: Some(caused + 40),
            failed_because_of_new_revision: Some(caused),
            exposed_requests: Some(if bad_revision { 900 } else { 0 }),
            min_in_service: None,
            extra_capacity_ms: 0,
        }
    }

    fn comparison() -> Comparison {
        let risky: Vec<RunRecord> = (0..40)
            .map(|i| record(i < 10, true, if i < 10 { 300 } else { 0 }))
            .collect();
        let safe: Vec<RunRecord> = (0..40)
            .map(|i| record(i < 10, i >= 10, if i < 10 { 20 } else { 0 }))
            .collect();
        let names = [
            "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes".to_string(),
            "Safe".to_string(),
        ];
        Comparison::new("t", 1, 0.95, &names, &[risky, safe])
    }

    #[test]
    fn the_new_revisions_harm_leads_and_baseline_failures_stand_apart() {
        let c = comparison();
        let (header, rows) = table(&c);
        assert_eq!(header[1], "bad revision shipped [interval]");
        assert!(header[2].starts_with("failed because of the new revision"));
        assert_eq!(rows[0][1], "25.0% [12.7–41.2%]");
        assert_eq!(rows[1][1], "0.0% [0.0–8.8%]");
        // mean 75, s = 131.6 over 40 runs: 75 ± 1.96 × 131.6 / √40.
        assert_eq!(rows[0][2], "75.0 [34.2–115.8], 300");
        assert_eq!(rows[0][4], "40 / 40");
    }

    #[test]
    fn with_no_bad_revision_drawn_no_shipping_rate_is_claimed() {
        let good: Vec<RunRecord> = (0..40).map(|_| record(false, true, 0)).collect();
        let c = Comparison::new("t", 1, 0.95, &["Good".to_string()], &[good]);
        let (header, rows) = table(&c);
        assert_eq!(
            (header[BAD_SHIPPED], rows[0][BAD_SHIPPED].as_str()),
            ("bad revision shipped [interval]", NONE)
        );
        assert!(header[EXPOSED].starts_with("exposed to a bad revision"));
        assert_eq!(rows[0][EXPOSED], NONE);
        // The terminal table then leaves those columns out.
        let columns = |c: &Comparison| text(c).lines().nth(2).unwrap_or_default().to_string();
        assert!(
            !columns(&c).contains("bad shipped") && !columns(&c).contains("exposed"),
            "{}",
            text(&c)
        );
        assert!(
            columns(&comparison()).contains("bad shipped"),
            "{}",
            text(&comparison())
        );
    }

    #[test]
    fn the_terminal_table_fits_80_columns_and_drops_empty_columns() {
        let text = text(&comparison());
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(
            !text.contains("min capacity") && !text.contains("extra capacity (h)"),
            "{text}"
        );
        assert!(text.contains("CDD.LambdaLinear10PercentEvery10Minutes"), "{text}");
        assert!(text.contains("1h 02m"), "{text}");
    }

    #[test]
    fn an_interval_has_enough_digits_to_be_one() {
        let r = |value, low, high| rate(Rate { value, low, high });
        assert_eq!(r(1.0, 0.9998, 1.0), "100.00% [99.98–100.00%]");
        assert_eq!(r(0.5, 0.4, 0.6), "50.0% [40.0–60.0%]");
        assert_eq!(r(0.0, 0.0, 0.0), "0.0% [0.0–0.0%]");
    }
}
