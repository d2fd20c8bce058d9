//! The files `cdsim run --out DIR` writes, as names and bytes: `report.json`,
//! `summary.md`, `report.html`, `timeseries.csv`, and each chart as `NAME.svg` and
//! `NAME.png`. The same report always gives the same bytes (no timestamps, fixed fonts).
//! Also the pieces every set of result files shares (a comparison's too): charts drawn
//! once into their SVG and PNG files and the figures of an HTML page.
//!
//! Not here: writing them (the command line writes each atomically).

use super::charts::{self, NamedChart};
use super::page::Figure;
use super::written::Written;
use super::{Report, html, json, markdown, timeseries};
use crate::chart::DrawError;

/// (file name, contents), in a fixed order.
pub type Files = Vec<(String, Vec<u8>)>;

/// A chart drawn: file stem, title, SVG and PNG.
pub struct Drawn {
    /// The file stem: the chart is written as `NAME.svg` and `NAME.png`.
    pub name: &'static str,
    /// The chart's title.
    pub title: String,
    /// The chart as SVG text.
    pub svg: String,
    /// The chart as PNG bytes.
    pub png: Vec<u8>,
}

/// The report's files; `written`, the scenario as written, shows on `report.html` when
/// there is one.
pub fn files(report: &Report, written: Option<&Written>) -> Result<Files, DrawError> {
    let mut out = vec![(JSON_FILE.to_string(), json::to_string(report).into_bytes())];
    out.extend(rendered(report, written)?);
    Ok(out)
}

/// The name of the report's JSON file, which a large report is better streamed into
/// (`json::write`) than held (`files`).
pub const JSON_FILE: &str = "report.json";

/// The report's files but its JSON.
pub fn rendered(report: &Report, written: Option<&Written>) -> Result<Files, DrawError> {
    let drawn = draw(charts::charts(report))?;
    let names: Vec<(&str, &str)> = drawn.iter().map(|d| (d.name, d.title.as_str())).collect();
    let mut out = vec![
        ("summary.md".to_string(), markdown::summary(report, &names).into_bytes()),
        (
            "report.html".to_string(),
            html::page(report, written, &figures(&drawn)).into_bytes(),
        ),
        ("timeseries.csv".to_string(), timeseries::text(report).into_bytes()),
    ];
    out.extend(chart_files(drawn));
    Ok(out)
}

/// Draws each chart as SVG and PNG, in order.
pub fn draw(charts: Vec<NamedChart>) -> Result<Vec<Drawn>, DrawError> {
    charts
        .into_iter()
        .map(|n| {
            Ok(Drawn {
                name: n.name,
                title: n.chart.title().to_string(),
                svg: n.chart.svg()?,
                png: n.chart.png()?,
            })
        })
        .collect()
}

/// An HTML page's embedded figures, one per drawn chart.
pub fn figures(drawn: &[Drawn]) -> Vec<Figure<'_>> {
    drawn
        .iter()
        .map(|d| Figure {
            title: &d.title,
            png: &d.png,
        })
        .collect()
}

/// `NAME.svg` and `NAME.png` of each drawn chart, in order.
pub fn chart_files(drawn: Vec<Drawn>) -> Files {
    drawn
        .into_iter()
        .flat_map(|d| {
            [
                (format!("{}.svg", d.name), d.svg.into_bytes()),
                (format!("{}.png", d.name), d.png),
            ]
        })
        .collect()
}
