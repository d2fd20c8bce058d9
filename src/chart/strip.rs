//! A density strip: for a fleet too large for one row per target, one row per state,
//! shaded by the share of targets in that state in each time bucket.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Rgb, label_font, tick, widen};

/// A density strip: rows of shaded buckets along an axis.
#[derive(Clone, Debug, Default)]
pub struct Strip {
    /// The title.
    pub title: String,
    /// The axis, with its unit.
    pub x_label: String,
    /// Bucket `i` covers `[x0 + i·bucket, x0 + (i+1)·bucket)`.
    pub x0: f64,
    /// The bucket width.
    pub bucket: f64,
    /// The rows, top to bottom.
    pub rows: Vec<StripRow>,
    /// What the shade means ("share of the fleet, 0–100 %").
    pub scale_label: String,
}

/// One row of buckets.
#[derive(Clone, Debug)]
pub struct StripRow {
    /// The row's label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// Per bucket, in [0, 1]; shaded relative to the largest value of the chart.
    pub values: Vec<f64>,
}

pub(super) fn draw<DB: DrawingBackend>(c: &Strip, root: &DrawingArea<DB, Shift>) -> super::Placed
where
    DB::ErrorType: 'static,
{
    // Shades are relative to the largest value, so a sparse strip still reads.
    let darkest = c.rows.iter().flat_map(|r| &r.values).fold(0.0, |a: f64, &b| a.max(b));
    let buckets = c.rows.iter().map(|r| r.values.len()).max().unwrap_or(0);
    let xs = widen((c.x0, c.x0 + c.bucket * buckets as f64));
    let span = xs.end - xs.start;
    let legend: Vec<(String, Rgb)> = c
        .rows
        .iter()
        .map(|r| (r.label.clone(), r.color))
        .chain(std::iter::once((
            format!("{} (darkest: {:.0} %)", c.scale_label, 100.0 * darkest),
            super::palette::GREY,
        )))
        .collect();
    let entries = super::legend::fills(&legend);
    let (legend_area, plot_area) = root.split_vertically(super::legend::height(None, &entries, root)?);
    let legend = super::legend::band(&c.title, None, &entries, &legend_area)?;
    let n = c.rows.len().max(1);
    let rows = n as f64;
    let labels: Vec<&str> = c.rows.iter().map(|r| r.label.as_str()).collect();
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_top(4)
        .x_label_area_size(48)
        .y_label_area_size(130)
        .build_cartesian_2d(xs.clone(), 0.0..rows)?;
    let xs_start = xs.start;
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_labels(8)
        .x_label_formatter(&|v| tick(*v, span))
        .y_labels(0)
        .disable_mesh()
        .draw()?;
    super::row_labels(&chart, &plot_area, xs_start, &labels)?;
    for (i, row) in c.rows.iter().enumerate() {
        let top = rows - i as f64 - 0.1;
        let bottom = rows - i as f64 - 0.9;
        chart.draw_series(row.values.iter().enumerate().filter(|&(_, &v)| v > 0.0).map(|(b, &v)| {
            let from = c.x0 + c.bucket * b as f64;
            // Any presence stays visible: the lightest shade is 15 %.
            let alpha = 0.15 + 0.85 * (v / darkest).clamp(0.0, 1.0);
            Rectangle::new(
                [(from, bottom), (from + c.bucket, top)],
                row.color.color().mix(alpha).filled(),
            )
        }))?;
    }
    Ok(super::geometry::of(&chart, legend))
}
