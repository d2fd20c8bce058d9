//! A Gantt chart: one row per item (a target, a lifecycle event), coloured spans on a
//! shared time axis.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Band, Marker, Rgb, label_font, tick, widen};

/// Coloured spans along an axis, one row per item (a target, a lifecycle event).
#[derive(Clone, Debug, Default)]
pub struct Gantt {
    /// The title.
    pub title: String,
    /// The axis, with its unit.
    pub x_label: String,
    /// The axis's range.
    pub x_range: (f64, f64),
    /// Top to bottom.
    pub rows: Vec<GanttRow>,
    /// Legend: a label and colour per span category.
    pub categories: Vec<(String, Rgb)>,
    /// Shaded intervals behind the spans ("an alarm in ALARM").
    pub bands: Vec<Band>,
    /// Vertical lines across every row ("rollback deployment starts").
    pub markers: Vec<Marker>,
    /// Ticks at whole numbers only (a count of waves, not a time).
    pub whole_ticks: bool,
}

/// One row of spans.
#[derive(Clone, Debug)]
pub struct GanttRow {
    /// The row's label.
    pub label: String,
    /// Its spans, in time order.
    pub spans: Vec<Span>,
}

/// From `start` to `end`, of category `category` (an index into `Gantt::categories`).
#[derive(Clone, Copy, Debug)]
pub struct Span {
    /// Where the span begins.
    pub start: f64,
    /// Where it ends.
    pub end: f64,
    /// Its category.
    pub category: usize,
}

pub(super) fn draw<DB: DrawingBackend>(c: &Gantt, root: &DrawingArea<DB, Shift>) -> super::Placed
where
    DB::ErrorType: 'static,
{
    let n = c.rows.len().max(1);
    let xs = widen(c.x_range);
    let span = xs.end - xs.start;
    // The legend gets a band of its own under the title, so it never hides a span.
    let entries = legend(c);
    let (legend_area, plot_area) = root.split_vertically(super::legend::height(None, &entries, root)?);
    let legend = super::legend::band(&c.title, None, &entries, &legend_area)?;
    let label_width = c.rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(4) as u32 * 8 + 16;
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(14)
        .margin_top(4)
        .x_label_area_size(48)
        .y_label_area_size(label_width.clamp(40, 200))
        .build_cartesian_2d(xs.clone(), 0.0..n as f64)?;
    let xs_start = xs.start;
    let labels: Vec<&str> = c.rows.iter().map(|r| r.label.as_str()).collect();
    let rows = n as f64;
    chart
        .configure_mesh()
        .x_desc(&c.x_label)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .x_labels(if c.whole_ticks { (span as usize + 1).min(12) } else { 8 })
        .x_label_formatter(&|v| {
            if c.whole_ticks {
                format!("{v:.0}")
            } else {
                tick(*v, span)
            }
        })
        .y_labels(0)
        .disable_y_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    super::row_labels(&chart, &plot_area, xs_start, &labels)?;
    for b in &c.bands {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(b.from.max(xs.start), 0.0), (b.to.min(xs.end), rows)],
            b.color.color().mix(0.22).filled(),
        )))?;
    }
    for (i, row) in c.rows.iter().enumerate() {
        let top = rows - i as f64 - 0.12;
        let bottom = rows - i as f64 - 0.88;
        chart.draw_series(row.spans.iter().map(|s| {
            let color = c.categories.get(s.category).map_or(super::palette::GREY, |c| c.1);
            Rectangle::new(
                [(s.start, bottom), (s.end.max(s.start + span * 0.002), top)],
                color.color().filled(),
            )
        }))?;
    }
    for m in &c.markers {
        chart.draw_series(LineSeries::new(
            [(m.x, 0.0), (m.x, rows)],
            m.color.color().stroke_width(2),
        ))?;
    }
    Ok(super::geometry::of(&chart, legend))
}

/// The categories, then one entry per band label and per marker.
fn legend(c: &Gantt) -> Vec<super::legend::Entry> {
    let mut out = super::legend::fills(&c.categories);
    out.extend(super::legend::shades(&c.bands));
    out.extend(super::legend::verticals(&c.markers));
    out
}
