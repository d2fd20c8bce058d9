//! A constraint's limit on a value axis (recommend's `--max-duration`, `--min-capacity`,
//! …): a dashed vertical line across the plot at the limit, in red, with a dashed swatch
//! in the legend band that says what the limit is. The value axis is widened to show it.
//!
//! Not here: which chart a constraint applies to (callers).

use plotters::prelude::*;

use super::legend::{Entry, Mark};
use super::palette;

/// A limit at `value` on the value axis, in the value axis's unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    /// Where the line is drawn.
    pub value: f64,
    /// Its legend label ("limit: at most 30 min in 95 % of runs").
    pub label: String,
}

/// The legend entry of `limit`, if there is one.
pub(super) fn entry(limit: Option<&Limit>) -> Option<Entry> {
    limit.map(|l| Entry {
        label: l.label.clone(),
        color: palette::RED,
        mark: Mark::Dashed(2),
    })
}

/// `(lo, hi)` widened to take in the limit.
pub(super) fn span(limit: Option<&Limit>, (lo, hi): (f64, f64)) -> (f64, f64) {
    match limit {
        Some(l) if l.value.is_finite() => (lo.min(l.value), hi.max(l.value)),
        _ => (lo, hi),
    }
}

/// The limit's line from `y.0` to `y.1` at plot coordinate `x`.
pub(super) fn draw<DB: DrawingBackend, CT: plotters::coord::CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'_, DB, CT>,
    x: Option<f64>,
    (y0, y1): (f64, f64),
) -> super::Drawn
where
    DB::ErrorType: 'static,
{
    if let Some(x) = x {
        let style = palette::RED.color().stroke_width(2);
        chart.draw_series(DashedLineSeries::new([(x, y0), (x, y1)], 8, 5, style))?;
    }
    Ok(())
}
