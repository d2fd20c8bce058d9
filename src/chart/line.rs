//! Line and step charts over a numeric x axis, with shaded intervals, vertical markers and
//! horizontal thresholds.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{Entry, Mark};
use super::{Rgb, label_font, tick, widen};

/// A line or step chart.
#[derive(Clone, Debug, Default)]
pub struct LineChart {
    /// The title.
    pub title: String,
    /// Axis descriptions, with units: "time since creation (s)".
    pub x_label: String,
    /// See `x_label`.
    pub y_label: String,
    /// The x axis's range.
    pub x_range: (f64, f64),
    /// The data range; the chart pads it a little above and below, so no line lies on the frame.
    pub y_range: (f64, f64),
    /// The data series, drawn in order.
    pub series: Vec<Series>,
    /// Shaded x intervals, drawn under the series.
    pub bands: Vec<Band>,
    /// Vertical lines.
    pub markers: Vec<Marker>,
    /// Horizontal lines.
    pub thresholds: Vec<Threshold>,
}

/// A data series. A step series holds each value until the next point's x.
#[derive(Clone, Debug)]
pub struct Series {
    /// Its legend label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// (x, y) points in x order; a point whose y is NaN breaks the line there (no data,
    /// e.g. between a history's deployments), nothing being drawn from the point before it
    /// to the point after it.
    pub points: Vec<(f64, f64)>,
    /// Hold each value until the next point's x.
    pub step: bool,
    /// Draw it dashed.
    pub dashed: bool,
    /// Line width in pixels; a wide pale series drawn first makes a backdrop for others.
    pub width: u32,
    /// Drawn this many pixels above (negative: below) its values, so that series that
    /// coincide stay visible side by side; 0 for most series.
    pub offset: i32,
}

/// A shaded x interval ("ALARM"); bands with the same label share one legend entry.
#[derive(Clone, Debug)]
pub struct Band {
    /// Its legend label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// Where it begins.
    pub from: f64,
    /// Where it ends.
    pub to: f64,
}

/// A vertical line at `x` ("rollback").
#[derive(Clone, Debug)]
pub struct Marker {
    /// Its legend label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// Where it stands.
    pub x: f64,
}

/// A horizontal line at `y` ("alarm threshold").
#[derive(Clone, Debug)]
pub struct Threshold {
    /// Its legend label.
    pub label: String,
    /// Its colour.
    pub color: Rgb,
    /// Where it stands.
    pub y: f64,
}

/// The share of the value span added above and below the data, so that no line lies on
/// the frame.
const PAD: f64 = 0.06;

pub(super) fn draw<DB: DrawingBackend>(c: &LineChart, root: &DrawingArea<DB, Shift>) -> super::Placed
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = (c.x_range.0, c.x_range.1);
    let (y0, data_top) = c.y_range;
    let pad = (data_top - y0).abs().max(1e-9) * PAD;
    let (xs, ys) = (widen((x0, x1)), widen((y0 - pad, data_top + pad)));
    let (x_span, y_span) = (xs.end - xs.start, data_top - y0);
    // The legend gets a band of its own under the title, so it never hides data.
    let entries = legend(c);
    let (header, plot_area) = root.split_vertically(super::legend::height(None, &entries, root)?);
    let legend = super::legend::band(&c.title, None, &entries, &header)?;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_top(4)
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d(xs.clone(), ys.clone())?;
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .y_desc(&c.y_label)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| tick(*v, x_span))
        .y_label_formatter(&|v| tick(*v, y_span))
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    for b in &c.bands {
        let fill = b.color.color().mix(0.22).filled();
        chart.draw_series(std::iter::once(Rectangle::new(
            [(b.from.max(xs.start), ys.start), (b.to.min(xs.end), ys.end)],
            fill,
        )))?;
    }
    let (_, plot_h) = chart.plotting_area().dim_in_pixel();
    let per_pixel = (ys.end - ys.start) / f64::from(plot_h.max(1));
    for s in &c.series {
        let style = s.color.color().stroke_width(s.width);
        let lift = f64::from(s.offset) * per_pixel;
        let points: Vec<(f64, f64)> = if s.step {
            steps(&s.points, xs.end)
        } else {
            s.points.clone()
        }
        .into_iter()
        .map(|(x, y)| (x, y + lift))
        .collect();
        for run in points.split(|p| p.1.is_nan()).filter(|run| !run.is_empty()) {
            if s.dashed {
                chart.draw_series(DashedLineSeries::new(run.iter().copied(), 6, 4, style))?;
            } else {
                chart.draw_series(LineSeries::new(run.iter().copied(), style))?;
            }
        }
    }
    for t in &c.thresholds {
        let style = t.color.color().stroke_width(2);
        chart.draw_series(DashedLineSeries::new([(xs.start, t.y), (xs.end, t.y)], 8, 5, style))?;
    }
    for m in &c.markers {
        let style = m.color.color().stroke_width(2);
        chart.draw_series(LineSeries::new([(m.x, ys.start), (m.x, ys.end)], style))?;
    }
    Ok(super::geometry::of(&chart, legend))
}

/// One entry per band label, series, threshold and marker, in drawing order.
fn legend(c: &LineChart) -> Vec<Entry> {
    let mut out = super::legend::shades(&c.bands);
    out.extend(c.series.iter().map(|s| Entry {
        label: s.label.clone(),
        color: s.color,
        mark: if s.dashed {
            Mark::Dashed(s.width)
        } else {
            Mark::Line(s.width)
        },
    }));
    out.extend(c.thresholds.iter().map(|t| Entry {
        label: t.label.clone(),
        color: t.color,
        mark: Mark::Dashed(2),
    }));
    out.extend(super::legend::verticals(&c.markers));
    out
}

/// A step series' corners: each value held until the next point, the last until `end`.
/// Of several points at the same x only the last counts (the others last no time).
pub fn steps(points: &[(f64, f64)], end: f64) -> Vec<(f64, f64)> {
    let points: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter(|&(i, p)| points.get(i + 1).is_none_or(|n| n.0 != p.0))
        .map(|(_, &p)| p)
        .collect();
    let mut out = Vec::with_capacity(points.len() * 2 + 1);
    for (i, &(x, y)) in points.iter().enumerate() {
        if i > 0 {
            out.push((x, points[i - 1].1));
        }
        out.push((x, y));
    }
    if let Some(&(x, y)) = points.last()
        && end > x
    {
        out.push((end, y));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::steps;

    #[test]
    fn a_step_series_holds_each_value_until_the_next_point() {
        assert_eq!(
            steps(&[(0.0, 1.0), (2.0, 0.0), (2.0, 3.0)], 5.0),
            vec![(0.0, 1.0), (2.0, 1.0), (2.0, 3.0), (5.0, 3.0)]
        );
    }
}
