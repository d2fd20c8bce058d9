//! Where a drawn chart put its parts, in pixels from the image's top-left corner: the
//! legend's entries and the plotting area with the data coordinates at its edges. Read by
//! tests that check a chart's layout (the legend covers no plotted point) without
//! decoding pixels.
//!
//! Not here: drawing (each chart kind returns its geometry from drawing it).

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;

/// A rectangle in pixels, `left..right` by `top..bottom` (right and bottom excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// The first column.
    pub left: i32,
    /// The first row.
    pub top: i32,
    /// The column after the last.
    pub right: i32,
    /// The row after the last.
    pub bottom: i32,
}

impl Rect {
    /// Whether the pixel `(x, y)` lies inside.
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        f64::from(self.left) <= x && x < f64::from(self.right) && f64::from(self.top) <= y && y < f64::from(self.bottom)
    }

    /// The smallest rectangle holding both.
    pub(super) fn union(self, o: Rect) -> Rect {
        Rect {
            left: self.left.min(o.left),
            top: self.top.min(o.top),
            right: self.right.max(o.right),
            bottom: self.bottom.max(o.bottom),
        }
    }
}

/// A drawn chart's layout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// The legend's entries, swatches and labels (`None` without entries).
    pub legend: Option<Rect>,
    /// The plotting area; every plotted mark is drawn inside it (drawing clips to it).
    pub plot: Rect,
    /// The plot coordinates at its left and right edges (on a logarithmic value axis,
    /// log10 of the value).
    pub x: (f64, f64),
    /// The plot coordinates at its bottom and top edges.
    pub y: (f64, f64),
}

impl Geometry {
    /// The pixel of plot coordinates `(x, y)`, or `None` outside the plotted ranges
    /// (a mark there is clipped away, never drawn).
    pub fn pixel(&self, (x, y): (f64, f64)) -> Option<(f64, f64)> {
        let inside = |v: f64, (lo, hi): (f64, f64)| lo <= v && v <= hi;
        if !inside(x, self.x) || !inside(y, self.y) {
            return None;
        }
        let p = self.plot;
        let fx = (x - self.x.0) / (self.x.1 - self.x.0);
        let fy = (y - self.y.0) / (self.y.1 - self.y.0);
        Some((
            f64::from(p.left) + fx * f64::from(p.right - 1 - p.left),
            f64::from(p.bottom - 1) - fy * f64::from(p.bottom - 1 - p.top),
        ))
    }
}

/// The geometry of `chart`, whose legend's entries were drawn in `legend`.
pub(super) fn of<DB: DrawingBackend, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
    legend: Option<Rect>,
) -> Geometry {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let (xr, yr) = (chart.x_range(), chart.y_range());
    Geometry {
        legend,
        plot: Rect {
            left: xs.start,
            top: ys.start,
            right: xs.end,
            bottom: ys.end,
        },
        x: (xr.start, xr.end),
        y: (yr.start, yr.end),
    }
}

/// The rectangle of `w` × `h` pixels at `(x, y)` of `area`, in the image's pixels.
pub(super) fn placed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    (w, h): (i32, i32),
) -> Rect {
    let (ax, ay) = area.get_base_pixel();
    Rect {
        left: ax + x,
        top: ay + y,
        right: ax + x + w,
        bottom: ay + y + h,
    }
}
