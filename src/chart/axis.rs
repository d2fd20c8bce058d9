//! A value axis, linear or logarithmic, that chooses its own ticks: values are mapped to
//! plot coordinates (log10 of the value on a log axis), and the ticks are round numbers
//! (1, 2 and 5 times a power of ten) in the value's unit.
//!
//! Not here: time axes of report charts (`line`, with plotters' own ticks).

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// How values map onto the axis.
#[derive(Clone, Copy, Debug)]
pub struct ValueAxis {
    pub log: bool,
    /// The values shown, `lo < hi`; on a log axis `lo > 0`.
    lo: f64,
    hi: f64,
}

impl ValueAxis {
    /// An axis over `[lo, hi]` (widened when empty); `log` is honoured only when `lo > 0`.
    pub fn new(lo: f64, hi: f64, log: bool) -> ValueAxis {
        let log = log && lo > 0.0 && hi > lo;
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else if log || lo > 0.0 {
            (lo * 0.9, lo * 1.1)
        } else {
            (lo, lo + 1.0)
        };
        ValueAxis { log, lo, hi }
    }

    /// The same axis with 3 % of its span added at each end, so that marks at the extremes
    /// stay clear of the frame.
    pub fn padded(self) -> ValueAxis {
        let (a, b) = (self.at(self.lo), self.at(self.hi));
        let d = (b - a) * 0.03;
        let back = |c: f64| if self.log { 10f64.powf(c) } else { c };
        ValueAxis {
            lo: back(a - d),
            hi: back(b + d),
            ..self
        }
    }

    /// A value's plot coordinate.
    pub fn at(&self, v: f64) -> f64 {
        if self.log { v.max(self.lo).log10() } else { v }
    }

    /// The plot coordinates' range, with round ticks bound to it.
    pub fn range(&self) -> Ticked {
        let (a, b) = (self.at(self.lo), self.at(self.hi));
        Ticked {
            inner: (a..b).into(),
            ticks: self.ticks().into_iter().map(|t| self.at(t)).collect(),
        }
    }

    /// A tick's label, from its plot coordinate.
    pub fn label(&self, coord: f64) -> String {
        let v = if self.log { 10f64.powf(coord) } else { coord };
        number(v)
    }

    /// Round values inside the range: about six on a linear axis, 1-2-5 per decade on a
    /// log axis (every integer multiple when the range is under a decade).
    fn ticks(&self) -> Vec<f64> {
        if !self.log {
            let step = nice_step((self.hi - self.lo) / 6.0);
            let first = (self.lo / step).ceil() as i64;
            let last = (self.hi / step + 1e-9).floor() as i64;
            return (first..=last).map(|k| k as f64 * step).collect();
        }
        let decades = (self.lo.log10().floor() as i32)..=(self.hi.log10().ceil() as i32);
        let within = |mantissas: &[f64]| -> Vec<f64> {
            decades
                .clone()
                .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
                .filter(|v| *v >= self.lo * (1.0 - 1e-9) && *v <= self.hi * (1.0 + 1e-9))
                .collect()
        };
        let ticks = within(&[1.0, 2.0, 5.0]);
        if ticks.len() >= 3 {
            ticks
        } else {
            within(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
        }
    }
}

/// A linear plot coordinate with the ticks it was given (plotters' `WithKeyPoints` loses
/// the default label formatting this one keeps).
pub struct Ticked {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw > 0.0 { raw } else { 1.0 };
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// A tick value with no more decimals than it needs.
fn number(v: f64) -> String {
    let s = if v.abs() >= 10.0 || v == v.round() {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A chart of labelled rows (bars, box plots) along a [`ValueAxis`].
pub type RowChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, RangedCoordf64>>;

/// Draws a row chart's mesh: vertical grid lines at the value axis's ticks, its label, and no
/// y labels (the rows are labelled by `row_labels`).
pub fn draw_row_mesh<DB: DrawingBackend>(chart: &mut RowChart<'_, DB>, axis: &ValueAxis, x_label: &str) -> super::Drawn
where
    DB::ErrorType: 'static,
{
    chart
        .configure_mesh()
        .x_desc(x_label)
        .label_style(super::label_font())
        .axis_desc_style(super::label_font())
        .x_label_formatter(&|v| axis.label(*v))
        .y_labels(0)
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_round_and_inside_the_range() {
        assert_eq!(
            ValueAxis::new(0.0, 100.0, false).ticks(),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(
            ValueAxis::new(3.0, 9.0, false).ticks(),
            [3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
        );
    }

    #[test]
    fn log_ticks_are_one_two_five_per_decade() {
        let a = ValueAxis::new(3.0, 700.0, true);
        assert_eq!(a.ticks(), [5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0]);
        assert_eq!(a.label(a.at(200.0)), "200");
        // Under a decade, every integer multiple.
        assert_eq!(ValueAxis::new(4.0, 8.5, true).ticks(), [4.0, 5.0, 6.0, 7.0, 8.0]);
        // A log axis needs positive values.
        assert!(!ValueAxis::new(0.0, 10.0, true).log);
    }

    #[test]
    fn tick_labels_drop_needless_decimals() {
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(1234.0), "1234");
    }
}
