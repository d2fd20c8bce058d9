//! Horizontal bar charts with error bars: per row (a configuration), one bar per series
//! (success rate, rollback rate) and its interval drawn as a black line with end caps.
//!
//! Not here: computing the intervals (callers).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Rgb;
use super::axis::ValueAxis;
use super::limit::{self, Limit};

/// Horizontal bars with error bars: one group of bars per row, one bar per series.
#[derive(Clone, Debug, Default)]
pub struct Bars {
    /// The title.
    pub title: String,
    /// What the marks mean, under the title.
    pub note: String,
    /// The value axis, with its unit.
    pub x_label: String,
    /// The value axis's range.
    pub x_range: (f64, f64),
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// The series, one bar each per row.
    pub series: Vec<BarSeries>,
    /// A constraint's limit on the value axis (inside `x_range`), if any.
    pub limit: Option<Limit>,
}

/// One series of bars.
#[derive(Clone, Debug)]
pub struct BarSeries {
    /// Its legend label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// One per row.
    pub values: Vec<Interval>,
}

/// A value and its interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The value.
    pub value: f64,
    /// The interval's lower end.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
}

pub(super) fn draw<DB: DrawingBackend>(c: &Bars, root: &DrawingArea<DB, Shift>) -> super::Placed
where
    DB::ErrorType: 'static,
{
    let legend: Vec<(String, Rgb)> = c.series.iter().map(|s| (s.label.clone(), s.color)).collect();
    let mut entries = super::legend::fills(&legend);
    entries.extend(limit::entry(c.limit.as_ref()));
    let note = Some(c.note.as_str()).filter(|n| !n.is_empty());
    let (header, plot_area) = root.split_vertically(super::legend::height(note, &entries, root)?);
    let legend = super::legend::band(&c.title, note, &entries, &header)?;
    let axis = ValueAxis::new(c.x_range.0, c.x_range.1, false);
    let labels: Vec<&str> = c.rows.iter().map(String::as_str).collect();
    let n = c.rows.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_top(4)
        .margin_right(24)
        .x_label_area_size(48)
        .y_label_area_size(super::label_width(&labels, root)?)
        .build_cartesian_2d(axis.range(), 0.0..n)?;
    super::axis::draw_row_mesh(&mut chart, &axis, &c.x_label)?;
    super::row_labels(&chart, &plot_area, axis.at(c.x_range.0), &labels)?;
    let k = c.series.len().max(1) as f64;
    let slot = 0.8 / k;
    for (j, s) in c.series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let top = n - i as f64 - 0.1 - slot * j as f64;
            let (y0, y1, mid) = (top - slot * 0.85, top, top - slot * 0.425);
            chart.draw_series([Rectangle::new(
                [(c.x_range.0, y0), (v.value, y1)],
                s.color.color().filled(),
            )])?;
            let cap = slot * 0.3;
            let err = BLACK.stroke_width(2);
            chart.draw_series([
                PathElement::new([(v.low, mid), (v.high, mid)], err),
                PathElement::new([(v.low, mid - cap), (v.low, mid + cap)], err),
                PathElement::new([(v.high, mid - cap), (v.high, mid + cap)], err),
            ])?;
        }
    }
    limit::draw(&mut chart, c.limit.as_ref().map(|l| l.value), (0.0, n))?;
    Ok(super::geometry::of(&chart, legend))
}
