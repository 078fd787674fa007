//! Legends drawn in a band above the plot, never over data, with the plot's own line styles and markers.

use super::*;

/// How a series looks in a legend: the same stroke, dash or marker as in the plot.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key {
    /// A line of this colour and width: solid, dashed (8 on, 5 off) or dotted (2 on, 4 off),
    /// the patterns the plots use.
    Line(RGBColor, u32, Dash),
    /// A vertical spike stroke.
    Mark(RGBColor),
    /// A filled dot.
    Dot(RGBColor),
    /// A class marker (colour and shape of class `k`), hollow for held-out samples.
    Class(usize, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// Height in pixels of a legend band with `rows` rows.
pub(super) fn legend_height(rows: usize) -> u32 {
    if rows == 0 {
        0
    } else {
        8 + 20 * rows as u32
    }
}

/// Lays out legend entries left to right, wrapping at `width`; returns each entry's row and
/// x offset, and the number of rows. Text is measured at about 7.6 px per character (14 px
/// sans-serif), generous so neighbours never touch.
pub(super) fn legend_layout(entries: &[(String, Key)], width: i32) -> (Vec<(usize, i32)>, usize) {
    let (mut row, mut x) = (0usize, 0i32);
    let mut at = Vec::with_capacity(entries.len());
    for (label, _) in entries {
        let w = 30 + (label.chars().count() as f64 * 7.6).ceil() as i32 + 18;
        if x > 0 && x + w > width {
            row += 1;
            x = 0;
        }
        at.push((row, x));
        x += w;
    }
    (at, if entries.is_empty() { 0 } else { row + 1 })
}

/// Splits a legend band off the top of `area` and draws `entries` in it, outside the plot,
/// so a legend never covers data; returns the area left for the plot.
pub(super) fn legend_band<'a>(
    area: &DrawingArea<SVGBackend<'a>, Shift>,
    entries: &[(String, Key)],
) -> std::result::Result<DrawingArea<SVGBackend<'a>, Shift>, String> {
    let (w, _) = area.dim_in_pixel();
    let left = 70;
    let (at, rows) = legend_layout(entries, w as i32 - left - 10);
    if rows == 0 {
        return Ok(area.clone());
    }
    let (band, rest) = area.split_vertically(legend_height(rows));
    for ((label, key), &(row, x)) in entries.iter().zip(&at) {
        let (x, y) = (left + x, 14 + 20 * row as i32);
        draw_key(&band, *key, (x, y))?;
        band.draw(&Text::new(
            label.clone(),
            (x + 30, y - 8),
            (FONT, 14).into_font().color(&BLACK),
        ))
        .map_err(s)?;
    }
    Ok(rest)
}

/// The legend swatch of `key`, 24 px wide, centred vertically on `y`.
pub(super) fn draw_key(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    key: Key,
    (x, y): (i32, i32),
) -> std::result::Result<(), String> {
    match key {
        Key::Line(c, width, dash) => {
            let (on, off) = match dash {
                Dash::Solid => (24, 0),
                Dash::Dashed => (8, 5),
                Dash::Dotted => (2, 4),
            };
            let mut a = 0;
            while a < 24 {
                let b = (a + on).min(24);
                area.draw(&PathElement::new(
                    vec![(x + a, y), (x + b, y)],
                    c.stroke_width(width),
                ))
                .map_err(s)?;
                a = b + off;
            }
            Ok(())
        }
        Key::Mark(c) => area
            .draw(&PathElement::new(
                vec![(x + 12, y - 8), (x + 12, y + 8)],
                c.stroke_width(3),
            ))
            .map_err(s),
        Key::Dot(c) => area
            .draw(&Circle::new((x + 12, y), 4, c.filled()))
            .map_err(s),
        Key::Class(k, hollow) => {
            let (h, sz) = (6, 5);
            let path: Vec<(i32, i32)> = match k % 4 {
                0 => (0..=12)
                    .map(|i| {
                        let a = i as f64 * std::f64::consts::TAU / 12.0;
                        (
                            (sz as f64 * a.cos()).round() as i32,
                            (sz as f64 * a.sin()).round() as i32,
                        )
                    })
                    .collect(),
                1 => vec![(0, -h), (h, h * 2 / 3), (-h, h * 2 / 3), (0, -h)],
                2 => vec![(-sz, -sz), (sz, -sz), (sz, sz), (-sz, sz), (-sz, -sz)],
                _ => vec![(0, -h), (h, 0), (0, h), (-h, 0), (0, -h)],
            };
            let c = class_color(k);
            let (inner, edge) = if hollow {
                (WHITE.filled(), c.stroke_width(2))
            } else {
                (c.filled(), BLACK.stroke_width(1))
            };
            area.draw(
                &(EmptyElement::at((x + 12, y))
                    + Polygon::new(path.clone(), inner)
                    + PathElement::new(path, edge)),
            )
            .map_err(s)
        }
    }
}

/// The class entries of a legend for the classes present in `sets` (train, then held out).
pub(super) fn class_keys(sets: &[&Blobs], held_out: bool) -> Vec<(String, Key)> {
    let mut keys = Vec::new();
    for (set_i, b) in sets.iter().enumerate() {
        for class in 0..b.n_classes() {
            if !b.y().contains(&class) {
                continue;
            }
            let name = if b.has_names() {
                b.class_names()
                    .get(class)
                    .cloned()
                    .unwrap_or_else(|| format!("Class {class}"))
            } else {
                format!("Class {class}")
            };
            let label = match (held_out, set_i) {
                (false, _) => name,
                (true, 0) => format!("{name} (train)"),
                (true, _) => format!("{name} (held out)"),
            };
            keys.push((label, Key::Class(class, set_i == 1)));
        }
    }
    keys
}
