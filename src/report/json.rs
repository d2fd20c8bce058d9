//! JSON rendering of reports: serde_json, pretty-printed, deterministic (struct field
//! order, no maps). The command line streams the same bytes into a file or stdout as they
//! are produced (`cli::run`), an in-place fleet's targets built one at a time
//! (`targets.rs`); this string is for small reports and tests.

use super::Report;

/// The report as pretty-printed JSON with a final newline: the bytes of `report.json`.
pub fn to_string(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
    s.push('\n');
    s
}
