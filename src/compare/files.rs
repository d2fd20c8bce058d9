//! The files `cdsim compare --out DIR` (and `merge --out`) and `cdsim recommend --out DIR`
//! write beside their JSON, as names and bytes: the Markdown, the terminal table
//! (`summary.txt`), the HTML page, and each chart as `NAME.svg` and `NAME.png`. The same
//! comparison always gives the same bytes.
//!
//! Not here: the JSON (serde_json's homes, `cli` and `report`) or writing the files (the
//! command line writes each atomically).

use std::fmt::Write;

use super::recommend::{self, Constraints, Recommendation};
use super::summary::Comparison;
use super::{charts, html, render};
use crate::chart::DrawError;
use crate::report::files::{Drawn, Files, chart_files, draw, figures};

/// `compare.md`, `summary.txt`, `compare.html` and the charts.
pub fn compare(c: &Comparison) -> Result<Files, DrawError> {
    let drawn = draw(charts::charts(c))?;
    let mut markdown = render::markdown(c);
    chart_links(&mut markdown, &drawn);
    let mut out = vec![
        ("compare.md".to_string(), markdown.into_bytes()),
        ("summary.txt".to_string(), render::text(c).into_bytes()),
        (
            "compare.html".to_string(),
            html::compare(c, &figures(&drawn)).into_bytes(),
        ),
    ];
    out.extend(chart_files(drawn));
    Ok(out)
}

/// `recommend.md`, `summary.txt`, `recommend.html` and the charts of `searched`, the
/// comparison the recommendation was decided on, with the `constraints` drawn on them.
pub fn recommend(r: &Recommendation, searched: &Comparison, constraints: &Constraints) -> Result<Files, DrawError> {
    let drawn = draw(charts::with_limits(searched, constraints))?;
    let mut markdown = recommend::render(r, true);
    chart_links(&mut markdown, &drawn);
    let mut out = vec![
        ("recommend.md".to_string(), markdown.into_bytes()),
        ("summary.txt".to_string(), recommend::render(r, false).into_bytes()),
        (
            "recommend.html".to_string(),
            html::recommend(r, &figures(&drawn)).into_bytes(),
        ),
    ];
    out.extend(chart_files(drawn));
    Ok(out)
}

fn chart_links(markdown: &mut String, drawn: &[Drawn]) {
    let _ = writeln!(markdown, "\n## Charts\n");
    for d in drawn {
        let _ = writeln!(markdown, "![{}]({}.svg)\n", d.title, d.name);
    }
}
