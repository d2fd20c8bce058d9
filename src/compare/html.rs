//! `compare.html` and `recommend.html`: self-contained pages (charts embedded as PNG, no
//! network) with the comparison's table or the recommendation's evidence, and the
//! comparison's charts, built from the pages' shared pieces (`report::page`, whose inline
//! check writes `OK n charts` or `FAIL …` into the hidden `#chart-check`'s `data-verdict`).
//!
//! Not here: the tables' cells (`render`, `recommend`) or the charts (`charts`, `chart`).

use super::recommend::{self, Recommendation};
use super::render;
use super::summary::Comparison;
use crate::report::page::{self, Figure};

/// `compare.html`.
pub fn compare(c: &Comparison, figures: &[Figure]) -> String {
    let mut out = page::head(&format!("cdsim compare: {}", c.scenario));
    page::pre(&mut out, render::heading(c).trim_end());
    out.push_str("<h2>Configurations</h2>\n");
    let (header, rows) = render::table(c);
    let (header, rows) = render::compacted(&header, &rows);
    page::fitted_table(&mut out, &header, &rows, None);
    paragraph(&mut out, render::FOOTNOTE);
    charts(&mut out, figures);
    out
}

/// `recommend.html`: the answer, the evidence, and the charts of the comparison of every
/// configuration searched.
pub fn recommend(r: &Recommendation, figures: &[Figure]) -> String {
    let mut out = page::head(&format!("cdsim recommend: {}", r.scenario));
    page::pre(&mut out, recommend::answer(r).trim_end());
    out.push_str("<h2>Evidence</h2>\n");
    let (header, rows) = recommend::evidence_table(r);
    let (header, rows) = render::compacted(&header, &rows);
    page::fitted_table(&mut out, &header, &rows, recommend::winner(r));
    paragraph(&mut out, recommend::FOOTNOTE);
    charts(&mut out, figures);
    out
}

fn paragraph(out: &mut String, text: &str) {
    out.push_str(&format!("<p>{}</p>\n", page::escape(text.trim_end())));
}

fn charts(out: &mut String, figures: &[Figure]) {
    out.push_str("<h2>Charts</h2>\n");
    page::figures(out, figures);
    page::tail(out);
}
