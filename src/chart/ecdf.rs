//! Empirical cumulative distribution functions: one step line per sample, the share of
//! the sample at or below each value, on a linear or logarithmic value axis. The legend
//! sits in a band above the plot, so it never covers a line; earlier lines are drawn
//! wider, so lines that coincide stay visible as nested bands.
//!
//! Not here: choosing the samples or their units (callers).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::ValueAxis;
use super::limit::{self, Limit};
use super::{Rgb, label_font};

/// Lines with more samples than this are drawn through this many evenly spaced quantiles
/// (a step of at most 0.05 percentage points).
const MAX_STEPS: usize = 2000;

/// Empirical cumulative distribution functions: one line per sample.
#[derive(Clone, Debug, Default)]
pub struct Ecdf {
    /// The title.
    pub title: String,
    /// What the marks mean, under the title.
    pub note: String,
    /// The value axis, with its unit.
    pub x_label: String,
    /// A logarithmic value axis (honoured when every value is positive).
    pub log_x: bool,
    /// The samples.
    pub series: Vec<EcdfSeries>,
    /// A constraint's limit on the value axis, if any.
    pub limit: Option<Limit>,
}

/// One sample.
#[derive(Clone, Debug)]
pub struct EcdfSeries {
    /// Its legend label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// The sample, sorted ascending; an empty sample draws no line.
    pub sorted: Vec<f64>,
}

pub(super) fn draw<DB: DrawingBackend>(c: &Ecdf, root: &DrawingArea<DB, Shift>) -> super::Placed
where
    DB::ErrorType: 'static,
{
    let legend: Vec<(String, Rgb)> = c.series.iter().map(|s| (s.label.clone(), s.color)).collect();
    let mut entries = super::legend::fills(&legend);
    entries.extend(limit::entry(c.limit.as_ref()));
    let note = Some(c.note.as_str()).filter(|n| !n.is_empty());
    let (legend_area, plot_area) = root.split_vertically(super::legend::height(note, &entries, root)?);
    let legend = super::legend::band(&c.title, note, &entries, &legend_area)?;
    let values = c.series.iter().flat_map(|s| s.sorted.iter().copied());
    let data = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let hi = data.1;
    let (lo, top) = limit::span(c.limit.as_ref(), data);
    let axis = if lo.is_finite() {
        ValueAxis::new(lo, top, c.log_x).padded()
    } else {
        ValueAxis::new(0.0, 1.0, false)
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_top(4)
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d(axis.range(), -2.0..103.0)?;
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .y_desc("runs at or below (%)")
        .label_style(label_font())
        .axis_desc_style(label_font())
        .y_labels(6)
        .x_label_formatter(&|v| axis.label(*v))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    // Earlier lines are wider, so lines that coincide show as nested bands of colour.
    let last = c.series.len().saturating_sub(1).max(1);
    for (i, s) in c.series.iter().enumerate() {
        let width = 2 + (4 * (last - i.min(last)) as u32).div_ceil(last as u32);
        let points: Vec<(f64, f64)> = steps(&s.sorted, hi).into_iter().map(|(x, y)| (axis.at(x), y)).collect();
        chart.draw_series(LineSeries::new(points, s.color.color().stroke_width(width)))?;
    }
    limit::draw(&mut chart, c.limit.as_ref().map(|l| axis.at(l.value)), (-2.0, 103.0))?;
    Ok(super::geometry::of(&chart, legend))
}

/// The ECDF's corners, from 0 % at the smallest value to 100 % at the largest, held to
/// `end`. Equal values make one step.
fn steps(sorted: &[f64], end: f64) -> Vec<(f64, f64)> {
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    let at = |k: usize| (sorted[k], 100.0 * (k + 1) as f64 / n as f64);
    let picked: Vec<(f64, f64)> = if n <= MAX_STEPS {
        (0..n)
            .filter(|&k| k + 1 == n || sorted[k + 1] != sorted[k])
            .map(at)
            .collect()
    } else {
        (1..=MAX_STEPS).map(|j| at((j * n).div_ceil(MAX_STEPS) - 1)).collect()
    };
    let mut out = Vec::with_capacity(picked.len() * 2 + 2);
    let mut below = 0.0;
    for (x, share) in picked {
        out.push((x, below));
        out.push((x, share));
        below = share;
    }
    out.push((end, 100.0));
    out
}

#[cfg(test)]
mod tests {
    use super::steps;

    #[test]
    fn an_ecdf_rises_by_each_values_share_and_equal_values_make_one_step() {
        assert_eq!(
            steps(&[1.0, 2.0, 2.0, 4.0], 5.0),
            vec![
                (1.0, 0.0),
                (1.0, 25.0),
                (2.0, 25.0),
                (2.0, 75.0),
                (4.0, 75.0),
                (4.0, 100.0),
                (5.0, 100.0)
            ]
        );
        assert!(steps(&[], 1.0).is_empty());
    }

    #[test]
    fn a_large_sample_is_drawn_through_evenly_spaced_quantiles() {
        let sorted: Vec<f64> = (0..10_000).map(f64::from).collect();
        let s = steps(&sorted, 1e4);
        assert_eq!(s.len(), 2 * super::MAX_STEPS + 1);
        assert_eq!(s[1], (4.0, 0.05));
        assert_eq!(s[s.len() - 2], (9999.0, 100.0));
    }
}
