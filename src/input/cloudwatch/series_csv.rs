//! Recorded metric values as CSV: one `timestamp,value` per line, timestamps ISO 8601 or
//! epoch seconds (or milliseconds), an optional header line whose first field is not a
//! timestamp, blank lines ignored, an empty value a missing datapoint (skipped). Written
//! by hand rather than with the `csv` crate, so that every problem has its line and column.
//!
//! Not here: JSON exports (`metric_data`).

use crate::alarm::replay::Datapoint;
use crate::scenario::validate::Problem;

use super::{MetricSeries, sort};
use crate::calendar as timestamp;

/// Reads a CSV file into one series named `label`.
pub fn read(text: &str, label: &str) -> Result<Vec<MetricSeries>, Vec<Problem>> {
    let mut points = Vec::new();
    let mut problems = Vec::new();
    let mut seen_data = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let problem = |column: usize, message: String| Problem {
            line: line_no,
            column: column as u64 + 1,
            message,
        };
        if fields.len() != 2 {
            problems.push(problem(
                0,
                format!("expected timestamp,value; found {} fields in \"{line}\"", fields.len()),
            ));
            continue;
        }
        let (t, v) = (unquote(fields[0]), unquote(fields[1]));
        let Some(time) = timestamp::parse_text(t) else {
            if !seen_data && i == 0 {
                continue; // a header
            }
            problems.push(problem(
                0,
                format!("a timestamp is ISO 8601 (2026-03-03T10:00:00Z) or epoch seconds, found \"{t}\""),
            ));
            continue;
        };
        seen_data = true;
        if v.is_empty() {
            continue;
        }
        match v.parse::<f64>() {
            Ok(value) if value.is_finite() => points.push(Datapoint { time, value }),
            _ => problems.push(problem(
                fields[0].len() + 1,
                format!("a value must be a number, found \"{v}\""),
            )),
        }
    }
    if points.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: 1,
            column: 1,
            message: "no timestamp,value lines".to_string(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    sort(&mut points);
    Ok(vec![MetricSeries {
        label: label.to_string(),
        id: None,
        statistic: None,
        points,
    }])
}

fn unquote(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"').and_then(|f| f.strip_suffix('"')).unwrap_or(f)
}
