//! The files `cdsim run --out DIR` writes, as names and bytes: `report.json`,
//! `summary.md`, `report.html`, `timeseries.csv`, and each chart as `NAME.svg` and
//! `NAME.png`. The same report always gives the same bytes (no timestamps, fixed fonts).
//!
//! Not here: writing them (the command line writes each atomically).

use super::{Report, charts, html, json, markdown, timeseries};
use crate::chart::DrawError;

/// (file name, contents), in a fixed order.
pub fn files(report: &Report) -> Result<Vec<(String, Vec<u8>)>, DrawError> {
    let charts = charts::charts(report);
    let mut drawn = Vec::with_capacity(charts.len());
    for c in &charts {
        drawn.push((c.name, c.chart.title(), c.chart.svg()?, c.chart.png()?));
    }
    let names: Vec<(&str, &str)> = drawn.iter().map(|d| (d.0, d.1)).collect();
    let figures: Vec<html::Figure> = drawn.iter().map(|d| html::Figure { title: d.1, png: &d.3 }).collect();
    let mut out = vec![
        ("report.json".to_string(), json::to_string(report).into_bytes()),
        ("summary.md".to_string(), markdown::summary(report, &names).into_bytes()),
        ("report.html".to_string(), html::page(report, &figures).into_bytes()),
        ("timeseries.csv".to_string(), timeseries::text(report).into_bytes()),
    ];
    for (name, _, svg, png) in drawn {
        out.push((format!("{name}.svg"), svg.into_bytes()));
        out.push((format!("{name}.png"), png));
    }
    Ok(out)
}
