//! `report.html`: one self-contained page with the summary, the metrics table and every
//! chart, built from the shared page pieces (`page`: style, embedded charts, the inline
//! chart check that writes `OK n charts` or `FAIL …` into `#chart-check`).
//!
//! Not here: the charts' drawing (`chart`) or choice (`charts`).

use super::page;
use super::{Report, markdown::metric_rows, text};

pub use super::page::Figure;

pub fn page(report: &Report, figures: &[Figure]) -> String {
    let mut out = page::head(&format!("cdsim: {}", report.scenario));
    page::pre(&mut out, &text::summary(report));
    out.push_str("<h2>Metrics</h2>\n");
    let rows: Vec<Vec<String>> = metric_rows(report).into_iter().map(|(k, v)| vec![k, v]).collect();
    page::table(&mut out, &["metric", "value"], &rows);
    out.push_str("<h2>Charts</h2>\n");
    page::figures(&mut out, figures);
    page::tail(&mut out);
    out
}
