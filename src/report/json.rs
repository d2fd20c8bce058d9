//! JSON rendering of reports: serde_json, pretty-printed, deterministic (struct field
//! order, no maps).

use super::Report;

pub fn to_string(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
    s.push('\n');
    s
}
