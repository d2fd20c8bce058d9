//! Box plots: one horizontal box per row (a configuration), drawn from five quantiles the
//! caller computes: the box spans the 25th to 75th percentile, a bar marks the median, and
//! the whiskers reach the 5th and 95th percentiles (not Tukey's 1.5 × IQR). The note under
//! the title says so on the chart.
//!
//! Not here: computing the quantiles (callers, with `stats`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::ValueAxis;
use super::limit::{self, Limit};
use super::{Drawn, Rgb, small_font};

/// Box plots: one row per sample, p5 to p95 whiskers around a p25–p75 box.
#[derive(Clone, Debug, Default)]
pub struct BoxPlot {
    /// The title.
    pub title: String,
    /// What the marks mean, under the title.
    pub note: String,
    /// The value axis, with its unit.
    pub x_label: String,
    /// A logarithmic value axis.
    pub log_x: bool,
    /// Top to bottom.
    pub rows: Vec<BoxRow>,
    /// A constraint's limit on the value axis, if any.
    pub limit: Option<Limit>,
}

/// One row: a sample's quantiles.
#[derive(Clone, Debug)]
pub struct BoxRow {
    /// The row's label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// `None`: no sample (the row says so).
    pub quantiles: Option<Five>,
}

/// The 5th, 25th, 50th, 75th and 95th percentiles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Five {
    /// The 5th percentile.
    pub p5: f64,
    /// The 25th percentile.
    pub p25: f64,
    /// The median.
    pub p50: f64,
    /// The 75th percentile.
    pub p75: f64,
    /// The 95th percentile.
    pub p95: f64,
}

pub(super) fn draw<DB: DrawingBackend>(c: &BoxPlot, root: &DrawingArea<DB, Shift>) -> super::Placed
where
    DB::ErrorType: 'static,
{
    let note = Some(c.note.as_str()).filter(|n| !n.is_empty());
    let entries: Vec<_> = limit::entry(c.limit.as_ref()).into_iter().collect();
    let (header, plot_area) = root.split_vertically(super::legend::height(note, &entries, root)?);
    let legend = super::legend::band(&c.title, note, &entries, &header)?;
    let fives: Vec<Five> = c.rows.iter().filter_map(|r| r.quantiles).collect();
    let lo = fives.iter().map(|f| f.p5).fold(f64::INFINITY, f64::min);
    let hi = fives.iter().map(|f| f.p95).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() {
        limit::span(c.limit.as_ref(), (lo, hi))
    } else {
        (lo, hi)
    };
    let axis = if lo.is_finite() {
        ValueAxis::new(lo, hi, c.log_x).padded()
    } else {
        ValueAxis::new(0.0, 1.0, false)
    };
    let labels: Vec<&str> = c.rows.iter().map(|r| r.label.as_str()).collect();
    let n = c.rows.len().max(1) as f64;
    let range = axis.range();
    let x0 = range.range().start;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_top(4)
        .x_label_area_size(48)
        .y_label_area_size(super::label_width(&labels, root)?)
        .build_cartesian_2d(range, 0.0..n)?;
    super::axis::draw_row_mesh(&mut chart, &axis, &c.x_label)?;
    super::row_labels(&chart, &plot_area, x0, &labels)?;
    for (i, row) in c.rows.iter().enumerate() {
        let mid = n - i as f64 - 0.5;
        match row.quantiles {
            Some(f) => draw_box(&mut chart, &axis, row.color, mid, f)?,
            None => {
                let (px, py) = chart.backend_coord(&(x0, mid));
                let (ax, ay) = plot_area.get_base_pixel();
                let style = small_font().color(&RGBColor(110, 110, 110));
                plot_area.draw_text("no runs", &style, (px - ax + 8, py - ay - 6))?;
            }
        }
    }
    limit::draw(&mut chart, c.limit.as_ref().map(|l| axis.at(l.value)), (0.0, n))?;
    Ok(super::geometry::of(&chart, legend))
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<super::axis::Ticked, plotters::coord::types::RangedCoordf64>>;

fn draw_box<DB: DrawingBackend>(chart: &mut Plot<DB>, axis: &ValueAxis, color: Rgb, mid: f64, f: Five) -> Drawn
where
    DB::ErrorType: 'static,
{
    let x = |v: f64| axis.at(v);
    let stroke = color.color().stroke_width(2);
    let (half, cap) = (0.28, 0.16);
    chart.draw_series([
        PathElement::new([(x(f.p5), mid), (x(f.p25), mid)], stroke),
        PathElement::new([(x(f.p75), mid), (x(f.p95), mid)], stroke),
        PathElement::new([(x(f.p5), mid - cap), (x(f.p5), mid + cap)], stroke),
        PathElement::new([(x(f.p95), mid - cap), (x(f.p95), mid + cap)], stroke),
    ])?;
    chart.draw_series([
        Rectangle::new(
            [(x(f.p25), mid - half), (x(f.p75), mid + half)],
            color.color().mix(0.3).filled(),
        ),
        Rectangle::new([(x(f.p25), mid - half), (x(f.p75), mid + half)], stroke),
    ])?;
    chart.draw_series([PathElement::new(
        [(x(f.p50), mid - half), (x(f.p50), mid + half)],
        BLACK.stroke_width(3),
    )])?;
    Ok(())
}
