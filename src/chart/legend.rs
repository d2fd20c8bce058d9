//! The header band above every chart's plot, so that its legend never covers data: the
//! title, an optional note under it (what the marks mean), and one swatch (a box, a pale
//! box, a line, a dashed line or a vertical line, like the mark it stands for) and label
//! per entry, wrapped into as many rows as the width needs.
//!
//! Not here: the plot itself.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::geometry::{Rect, placed};
use super::{Drawn, Rgb, small_font, title_font};

const LEFT: i32 = 84;
const ROW: i32 = 16;

/// How a legend entry's swatch looks: like the mark it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mark {
    /// A filled box (a span, a bar).
    Fill,
    /// A pale box (a shaded interval).
    Shade,
    /// A line of this width.
    Line(u32),
    /// A dashed line of this width.
    Dashed(u32),
    /// A vertical line (a marker at an instant).
    Vertical,
}

/// One legend entry.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub label: String,
    pub color: Rgb,
    pub mark: Mark,
}

/// Filled-box entries, one per category.
pub(super) fn fills(categories: &[(String, Rgb)]) -> Vec<Entry> {
    categories
        .iter()
        .map(|(label, color)| Entry {
            label: label.clone(),
            color: *color,
            mark: Mark::Fill,
        })
        .collect()
}

/// One shaded entry per distinct band label.
pub(super) fn shades(bands: &[super::Band]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for b in bands {
        if !out.iter().any(|e| e.label == b.label) {
            out.push(Entry {
                label: b.label.clone(),
                color: b.color,
                mark: Mark::Shade,
            });
        }
    }
    out
}

/// One vertical-line entry per marker.
pub(super) fn verticals(markers: &[super::Marker]) -> impl Iterator<Item = Entry> + '_ {
    markers.iter().map(|m| Entry {
        label: m.label.clone(),
        color: m.color,
        mark: Mark::Vertical,
    })
}

/// The box of a legend's entries (`None` without entries), or a drawing failure.
pub(super) type Boxed = Result<Option<Rect>, Box<dyn std::error::Error>>;

/// The title, the note and the swatches (drawn like their marks) in a band across the top
/// of `area`; the box of the swatches and their labels.
pub(super) fn band<DB: DrawingBackend>(
    title: &str,
    note: Option<&str>,
    entries: &[Entry],
    area: &DrawingArea<DB, Shift>,
) -> Boxed
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
    let mut boxed: Option<Rect> = None;
    for (e, (x, y)) in entries.iter().zip(layout(entries, w, area)?) {
        let (x, y) = (x, top + y);
        swatch(e, x, y, area)?;
        area.draw_text(&e.label, &font, (x + 21, y))?;
        let (lw, lh) = area.estimate_text_size(&e.label, &font)?;
        let r = placed(area, (x, y - 1), (21 + lw as i32, (lh as i32).max(13) + 1));
        boxed = Some(boxed.map_or(r, |b| b.union(r)));
    }
    Ok(boxed)
}

fn swatch<DB: DrawingBackend>(e: &Entry, x: i32, y: i32, area: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let c = e.color.color();
    match e.mark {
        Mark::Fill => area.draw(&Rectangle::new([(x, y), (x + 16, y + 11)], c.filled()))?,
        Mark::Shade => area.draw(&Rectangle::new([(x, y), (x + 16, y + 11)], c.mix(0.3).filled()))?,
        Mark::Line(w) => area.draw(&PathElement::new(
            [(x, y + 6), (x + 16, y + 6)],
            c.stroke_width(w.min(6)),
        ))?,
        Mark::Dashed(w) => {
            for k in [0, 6, 12] {
                area.draw(&PathElement::new(
                    [(x + k, y + 6), (x + k + 3, y + 6)],
                    c.stroke_width(w.min(6)),
                ))?;
            }
        }
        Mark::Vertical => area.draw(&PathElement::new([(x + 8, y - 1), (x + 8, y + 12)], c.stroke_width(2)))?,
    }
    Ok(())
}

/// The band's height for these contents: room for the title, the note and every row of
/// swatches.
pub(super) fn height<DB: DrawingBackend>(
    note: Option<&str>,
    categories: &[Entry],
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
    categories: &[Entry],
    w: u32,
    area: &DrawingArea<DB, Shift>,
) -> Result<Vec<(i32, i32)>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let font = small_font().color(&BLACK);
    let (mut x, mut y) = (LEFT, 0);
    let mut out = Vec::with_capacity(categories.len());
    for e in categories {
        let lw = area.estimate_text_size(&e.label, &font)?.0 as i32;
        if x + 24 + lw > w as i32 - 10 {
            x = LEFT;
            y += ROW;
        }
        out.push((x, y));
        x += 21 + lw + 16;
    }
    Ok(out)
}
