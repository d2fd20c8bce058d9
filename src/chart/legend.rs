//! The header band of charts whose legend must never cover data: the title, an optional
//! note under it (what the marks mean), and one colour swatch and label per category,
//! wrapped into as many rows as the width needs.
//!
//! Not here: legends drawn inside the plot (`line`, plotters' series labels).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Drawn, Rgb, small_font, title_font};

const LEFT: i32 = 84;
const ROW: i32 = 16;

/// The title, the note and the swatches in a band across the top of `area`.
pub(super) fn strip<DB: DrawingBackend>(
    title: &str,
    note: Option<&str>,
    categories: &[(String, Rgb)],
    area: &DrawingArea<DB, Shift>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    let title_style = title_font().color(&BLACK);
    let tw = area.estimate_text_size(title, &title_style)?.0 as i32;
    area.draw_text(title, &title_style, ((w as i32 - tw) / 2, 6))?;
    let mut top = 36;
    if let Some(note) = note {
        let style = small_font().color(&RGBColor(80, 80, 80));
        let nw = area.estimate_text_size(note, &style)?.0 as i32;
        area.draw_text(note, &style, ((w as i32 - nw) / 2, 32))?;
        top += 18;
    }
    let font = small_font().color(&BLACK);
    for ((label, color), (x, y)) in categories.iter().zip(layout(categories, w, area)?) {
        let (x, y) = (x, top + y);
        area.draw(&Rectangle::new([(x, y), (x + 16, y + 11)], color.color().filled()))?;
        area.draw_text(label, &font, (x + 21, y))?;
    }
    Ok(())
}

/// The band's height for these contents: room for the title, the note and every row of
/// swatches.
pub(super) fn height<DB: DrawingBackend>(
    note: Option<&str>,
    categories: &[(String, Rgb)],
    area: &DrawingArea<DB, Shift>,
) -> Result<u32, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    let rows = layout(categories, w, area)?.last().map_or(0, |&(_, y)| y / ROW + 1);
    Ok(36 + if note.is_some() { 18 } else { 0 } + rows as u32 * ROW as u32 + 12)
}

/// Each swatch's position, relative to the first row's top.
fn layout<DB: DrawingBackend>(
    categories: &[(String, Rgb)],
    w: u32,
    area: &DrawingArea<DB, Shift>,
) -> Result<Vec<(i32, i32)>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let font = small_font().color(&BLACK);
    let (mut x, mut y) = (LEFT, 0);
    let mut out = Vec::with_capacity(categories.len());
    for (label, _) in categories {
        let lw = area.estimate_text_size(label, &font)?.0 as i32;
        if x + 24 + lw > w as i32 - 10 {
            x = LEFT;
            y += ROW;
        }
        out.push((x, y));
        x += 21 + lw + 16;
    }
    Ok(out)
}
