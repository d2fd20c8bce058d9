//! Charts as data in, SVG text and PNG bytes out: the one home of the drawing crates
//! (plotters, the bundled DejaVu font, PNG encoding).
//!
//! A chart is plain data ([`LineChart`], [`Gantt`], [`Strip`], and for distributions
//! [`Ecdf`], [`BoxPlot`] and [`Bars`]) built by whoever has the numbers (a report, a
//! configuration's schedule, a comparison); [`Chart::svg`] and
//! [`Chart::png`] draw it. Text is laid out and rasterised with DejaVu Sans, compiled into
//! the binary, so charts look the same on a machine with no system fonts, and the same
//! data always gives the same bytes.
//!
//! Not here: what to chart (callers choose series, units and titles), or writing files.

mod axis;
mod bars;
mod boxplot;
mod ecdf;
mod gantt;
mod geometry;
mod legend;
mod limit;
mod line;
mod strip;

pub use bars::{BarSeries, Bars, Interval};
pub use boxplot::{BoxPlot, BoxRow, Five};
pub use ecdf::{Ecdf, EcdfSeries};
pub use gantt::{Gantt, GanttRow, Span};
pub use geometry::{Geometry, Rect};
pub use limit::Limit;
pub use line::{Band, LineChart, Marker, Series, Threshold, steps};
pub use strip::{Strip, StripRow};

use plotters::coord::Shift;
use plotters::prelude::*;

/// Pixel size of every chart (SVG user units and PNG pixels).
pub const WIDTH: u32 = 800;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 440;

/// A colour, sRGB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// A palette that stays distinguishable for common colour-vision deficiencies (Okabe–Ito).
pub mod palette {
    use super::Rgb;
    /// Okabe–Ito blue.
    pub const BLUE: Rgb = Rgb(0, 114, 178);
    /// Okabe–Ito orange.
    pub const ORANGE: Rgb = Rgb(230, 159, 0);
    /// Okabe–Ito bluish green.
    pub const GREEN: Rgb = Rgb(0, 158, 115);
    /// Okabe–Ito vermilion.
    pub const VERMILION: Rgb = Rgb(213, 94, 0);
    /// Okabe–Ito sky blue.
    pub const SKY: Rgb = Rgb(86, 180, 233);
    /// Okabe–Ito reddish purple.
    pub const PURPLE: Rgb = Rgb(204, 121, 167);
    /// Okabe–Ito yellow.
    pub const YELLOW: Rgb = Rgb(240, 228, 66);
    /// A neutral grey.
    pub const GREY: Rgb = Rgb(120, 120, 120);
    /// Black.
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    /// A red for alarms and failures.
    pub const RED: Rgb = Rgb(200, 30, 30);

    /// Colours for many series of one kind (configurations): Okabe–Ito without yellow,
    /// then darker companions; they repeat after fourteen.
    const SERIES: [Rgb; 14] = [
        BLUE,
        ORANGE,
        GREEN,
        VERMILION,
        SKY,
        PURPLE,
        BLACK,
        GREY,
        Rgb(0, 62, 110),
        Rgb(150, 95, 0),
        Rgb(0, 95, 68),
        Rgb(135, 50, 0),
        Rgb(30, 110, 150),
        Rgb(130, 60, 110),
    ];

    /// Series `i`'s colour.
    pub fn series(i: usize) -> Rgb {
        SERIES[i % SERIES.len()]
    }
}

impl Rgb {
    fn color(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

/// A chart of any kind.
#[derive(Clone, Debug)]
pub enum Chart {
    /// A line or step chart.
    Line(LineChart),
    /// Coloured spans along an axis, one row per item.
    Gantt(Gantt),
    /// A density strip.
    Strip(Strip),
    /// Empirical CDFs.
    Ecdf(Ecdf),
    /// Box plots.
    BoxPlot(BoxPlot),
    /// Horizontal bars with error bars.
    Bars(Bars),
}

/// A drawing failure: a bug in the chart data or in the drawing crates, not bad input.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart \"{title}\": {message}")]
pub struct DrawError {
    /// The chart's title.
    pub title: String,
    /// What went wrong.
    pub message: String,
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// A chart kind's drawing: where it put its parts, or a drawing failure.
type Placed = Result<Geometry, Box<dyn std::error::Error>>;

impl Chart {
    /// The chart's title.
    pub fn title(&self) -> &str {
        match self {
            Chart::Line(c) => &c.title,
            Chart::Gantt(c) => &c.title,
            Chart::Strip(c) => &c.title,
            Chart::Ecdf(c) => &c.title,
            Chart::BoxPlot(c) => &c.title,
            Chart::Bars(c) => &c.title,
        }
    }

    /// Where the chart puts its legend and its plot when drawn (as SVG and PNG alike).
    pub fn geometry(&self) -> Result<Geometry, DrawError> {
        register_fonts();
        let mut out = String::new();
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        self.draw(&root).map_err(|e| self.error(e))
    }

    /// The chart as an SVG document.
    pub fn svg(&self) -> Result<String, DrawError> {
        register_fonts();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
            self.draw(&root).map_err(|e| self.error(e))?;
            root.present().map_err(|e| self.error(e.into()))?;
        }
        out.push('\n');
        Ok(out)
    }

    /// The chart as a PNG image.
    pub fn png(&self) -> Result<Vec<u8>, DrawError> {
        register_fonts();
        let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
            self.draw(&root).map_err(|e| self.error(e))?;
            root.present().map_err(|e| self.error(e.into()))?;
        }
        let mut out = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            ),
            &pixels,
            WIDTH,
            HEIGHT,
            image::ColorType::Rgb8,
        )
        .map_err(|e| self.error(e.into()))?;
        Ok(out)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Placed
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        match self {
            Chart::Line(c) => line::draw(c, root),
            Chart::Gantt(c) => gantt::draw(c, root),
            Chart::Strip(c) => strip::draw(c, root),
            Chart::Ecdf(c) => ecdf::draw(c, root),
            Chart::BoxPlot(c) => boxplot::draw(c, root),
            Chart::Bars(c) => bars::draw(c, root),
        }
    }

    fn error(&self, e: Box<dyn std::error::Error>) -> DrawError {
        DrawError {
            title: self.title().to_string(),
            message: e.to_string(),
        }
    }
}

/// Registers DejaVu Sans as `sans-serif` (regular and bold), once per process. Without it
/// both backends fail: the SVG backend lays text out with the font too.
fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .unwrap_or_else(|_| panic!("the bundled DejaVu Sans is a valid font"));
        plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
            .unwrap_or_else(|_| panic!("the bundled DejaVu Sans Bold is a valid font"));
    });
}

const FONT: &str = "sans-serif";

fn title_font() -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), 20.0, FontStyle::Bold)
}

fn label_font() -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), 14.0, FontStyle::Normal)
}

fn small_font() -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), 12.0, FontStyle::Normal)
}

/// Axis ticks: a number with as few decimals as the range needs.
fn tick(v: f64, span: f64) -> String {
    let decimals = if span >= 5.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    };
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// Writes each row's label left of the plot, level with the row's middle (rows are
/// `[n-i-1, n-i)` on the y axis, top row first).
fn row_labels<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &ChartContext<DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
    area: &DrawingArea<DB, Shift>,
    x0: f64,
    labels: &[&str],
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let font = small_font().color(&BLACK);
    let n = labels.len() as f64;
    let (ax, ay) = area.get_base_pixel();
    let step = labels.len().div_ceil(30).max(1);
    for (i, label) in labels.iter().enumerate().step_by(step) {
        let (px, py) = chart.backend_coord(&(x0, n - i as f64 - 0.5));
        let (w, h) = area.estimate_text_size(label, &font)?;
        area.draw_text(label, &font, (px - ax - w as i32 - 8, py - ay - h as i32 / 2))?;
    }
    Ok(())
}

/// The width of a row-label area that fits the longest label.
fn label_width<DB: DrawingBackend>(
    labels: &[&str],
    area: &DrawingArea<DB, Shift>,
) -> Result<u32, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let font = small_font().color(&BLACK);
    let mut widest = 0;
    for label in labels {
        widest = widest.max(area.estimate_text_size(label, &font)?.0);
    }
    Ok((widest + 16).clamp(40, 320))
}

/// A range that is never empty: plotters needs `lo < hi`.
fn widen((lo, hi): (f64, f64)) -> std::ops::Range<f64> {
    if hi > lo { lo..hi } else { lo..lo + 1.0 }
}
