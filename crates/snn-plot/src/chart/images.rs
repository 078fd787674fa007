//! Small grey-scale images with captions: handwritten digits and what a network made of them.

use super::*;

/// Colour of a caption for a right prediction (bluish green) and a wrong one (vermillion).
pub const RIGHT_COLOR: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Colour of a caption for a wrong prediction (vermillion).
pub const WRONG_COLOR: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

/// One image of a [`digits`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// `side × side` intensities in [0, 1], row-major, top row first (1: full ink, drawn
    /// black; 0: white paper).
    pub pixels: Vec<f64>,
    /// The caption under the image (for example "7 as 7").
    pub caption: String,
    /// Whether the caption reports a right answer (green) or a wrong one (vermillion).
    pub right: bool,
}

/// Images side by side (up to eight a row), each `side × side` pixels of grey drawn as
/// squares (ink black on white, as the digits are printed), a caption under each in green
/// when `right`, vermillion when not.
///
/// # Errors
/// No tiles, a `side` of 0 or above 64, more than 64 tiles, a tile with other than
/// `side²` pixels, or a pixel outside [0, 1].
pub fn digits(tiles: &[Tile], side: usize, title: &str) -> Result<Chart> {
    if tiles.is_empty() {
        return Err(SnnError::Empty { name: "tiles" });
    }
    if !(1..=64).contains(&side) {
        return Err(SnnError::OutOfRange {
            name: "side",
            range: "[1, 64]",
            value: side as f64,
        });
    }
    if tiles.len() > 64 {
        return Err(SnnError::TooFew {
            name: "tiles (at most 64)",
            min: tiles.len(),
            got: 64,
        });
    }
    for t in tiles {
        if t.pixels.len() != side * side {
            return Err(SnnError::LengthMismatch {
                name: "tile pixels (side x side)",
                expected: side * side,
                got: t.pixels.len(),
            });
        }
        if let Some(&p) = t.pixels.iter().find(|p| !(0.0..=1.0).contains(*p)) {
            return Err(SnnError::OutOfRange {
                name: "pixel",
                range: "[0, 1]",
                value: p,
            });
        }
    }
    let cols = tiles.len().min(8);
    let rows = tiles.len().div_ceil(cols);
    let cell = (WIDTH / 8).min(110);
    // At least wide enough for a title, the tiles centred.
    let width = (cell * cols as u32 + 20).max(360);
    let size = (width, (cell + 24) * rows as u32 + 50);
    let side_margin = (width - cell * cols as u32) / 2;
    Chart::draw(title, size, |area| {
        let area = area.margin(5, 5, side_margin, side_margin);
        let parts = area.split_evenly((rows, cols));
        for (tile, part) in tiles.iter().zip(parts.iter()) {
            let (w, h) = part.dim_in_pixel();
            let px = ((w.min(h.saturating_sub(24)) as f64) / side as f64)
                .floor()
                .max(1.0) as i32;
            let x0 = (w as i32 - px * side as i32) / 2;
            for (k, &p) in tile.pixels.iter().enumerate() {
                let (r, c) = ((k / side) as i32, (k % side) as i32);
                let g = (255.0 * (1.0 - p)).round() as u8;
                part.draw(&Rectangle::new(
                    [(x0 + c * px, r * px), (x0 + (c + 1) * px, (r + 1) * px)],
                    RGBColor(g, g, g).filled(),
                ))
                .map_err(s)?;
            }
            let edge = px * side as i32;
            part.draw(&Rectangle::new(
                [(x0, 0), (x0 + edge, edge)],
                GREY.stroke_width(1),
            ))
            .map_err(s)?;
            let color = if tile.right { RIGHT_COLOR } else { WRONG_COLOR };
            part.draw(&Text::new(
                tile.caption.clone(),
                (w as i32 / 2, edge + 6),
                (FONT, 15)
                    .into_font()
                    .color(&color)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Top,
                    )),
            ))
            .map_err(s)?;
        }
        Ok(())
    })
}
