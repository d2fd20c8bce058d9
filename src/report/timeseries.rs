//! `timeseries.csv`: the report's time series as one table, for spreadsheets and
//! plotting tools. In-place runs: one row per capacity change (`time_s, in_service,
//! on_new_revision`, and the fleets' running counts when present). ECS and Lambda runs:
//! one row per metric period with each version's requests, errors, error rate and
//! latency percentiles. Empty cells are values the period has none of.
//!
//! Not here: the JSON report (`json`), which holds the same series.

use super::Report;
use super::blue_green::{PeriodInfo, VersionInfo};

/// The CSV text of `report`'s series.
pub fn text(report: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let result = if let Some(t) = &report.traffic {
        periods(&mut w, &t.periods)
    } else {
        capacity(&mut w, report)
    };
    result.expect("writing to memory cannot fail");
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail")).expect("the cells are UTF-8")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

fn capacity(w: &mut csv::Writer<Vec<u8>>, report: &Report) -> csv::Result<()> {
    let fleets = report.capacity.iter().any(|p| p.original_running.is_some());
    let mut header = vec!["time_s", "in_service", "on_new_revision"];
    if fleets {
        header.extend(["original_running", "replacement_running"]);
    }
    w.write_record(&header)?;
    for p in &report.capacity {
        let mut row = vec![
            p.time.to_string(),
            p.in_service.to_string(),
            p.on_new_revision.to_string(),
        ];
        if fleets {
            row.extend([opt(p.original_running), opt(p.replacement_running)]);
        }
        w.write_record(&row)?;
    }
    Ok(())
}

const VERSION_COLUMNS: [&str; 6] = ["requests", "errors", "error_rate", "p50_ms", "p90_ms", "p99_ms"];

fn periods(w: &mut csv::Writer<Vec<u8>>, periods: &[PeriodInfo]) -> csv::Result<()> {
    let test = periods.iter().any(|p| p.test.is_some());
    let tasks = periods.iter().any(|p| p.healthy_tasks.is_some());
    let mut header: Vec<String> = ["start_s", "end_s", "new_version_percent"].map(String::from).to_vec();
    let mut versions = vec!["original", "replacement"];
    if test {
        versions.push("test");
    }
    for v in &versions {
        header.extend(VERSION_COLUMNS.iter().map(|c| format!("{v}_{c}")));
    }
    if tasks {
        header.extend(["original_healthy_tasks", "replacement_healthy_tasks"].map(String::from));
    }
    w.write_record(&header)?;
    for p in periods {
        let mut row = vec![
            p.start.to_string(),
            p.end.to_string(),
            p.new_version_percent.to_string(),
        ];
        version(&mut row, Some(&p.original));
        version(&mut row, Some(&p.replacement));
        if test {
            version(&mut row, p.test.as_ref());
        }
        if tasks {
            row.push(opt(p.healthy_tasks.map(|h| h.original)));
            row.push(opt(p.healthy_tasks.map(|h| h.replacement)));
        }
        w.write_record(&row)?;
    }
    Ok(())
}

fn version(row: &mut Vec<String>, v: Option<&VersionInfo>) {
    row.extend([
        opt(v.map(|v| v.requests)),
        opt(v.map(|v| v.errors)),
        opt(v.and_then(|v| v.error_rate)),
        opt(v.and_then(|v| v.latency_p50_ms)),
        opt(v.and_then(|v| v.latency_p90_ms)),
        opt(v.and_then(|v| v.latency_p99_ms)),
    ]);
}
