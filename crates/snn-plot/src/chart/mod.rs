//! SVG charts of simulation results, drawn with plotters' SVG backend (no font libraries).
//!
//! Every chart is a [`Chart`]: a finished SVG document that shows itself inline in a Jupyter
//! notebook running evcxr (through [`Chart::evcxr_display`], no dependency on evcxr) and
//! writes itself with [`Chart::save`]. Charts only read simulation results; none of them runs
//! a simulation. Building a chart never panics: bad input or a drawing failure comes back as
//! [`SnnError`].
//!
//! Colours come from the Okabe–Ito palette, which stays distinct for colour-blind readers;
//! classes also differ by marker shape. Heat maps use viridis.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use snn_learn::{Blobs, Grid};
use snn_sim::{Real, Result, SimResult, SnnError, SpikeMatrix, SpikeTrains};

mod confusion;
mod curves;
mod encoding;
mod images;
mod legend;
mod maps;
mod membrane;
mod network;
mod plasticity;
mod player;
mod scatter;
mod trains;

pub use confusion::confusion;
pub use curves::{fi_curve, lines, throughput, training_curve};
pub use encoding::encoding_view;
pub use images::{digits, Tile, RIGHT_COLOR, WRONG_COLOR};
pub use maps::{class_map, decision_map};
pub use membrane::membrane;
pub use network::{network_raster, regime_bars};
pub use plasticity::{
    histogram_peak, stdp_window, weight_histogram, weight_histogram_up_to, weight_traces,
};
pub use player::{Animation, Sweep, MAX_FRAMES, MAX_FRAME_PX, MAX_PLAYER_BYTES};
pub use scatter::{blob_scatter, data_scatter};
pub use trains::{raster, spike_train, spike_trains};

/// Default chart width in pixels: fits JupyterLab's output area at its default width.
pub const WIDTH: u32 = 760;

/// The Okabe–Ito colour-blind-safe palette, without black: orange, sky blue, bluish green,
/// blue, vermillion, reddish purple, yellow.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// Colour of spike marks in event plots and membrane traces (vermillion, `#D55E00`).
pub const SPIKE_COLOR: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Colour of spike marks in stacked spike trains (bluish green, `#009E73`).
pub const TRAIN_COLOR: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Colour of spike marks in raster plots (blue, `#0072B2`).
pub const RASTER_COLOR: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);
const FONT: &str = "sans-serif";

/// A finished chart: an SVG document with its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    title: String,
    svg: String,
}

impl Chart {
    /// The chart's title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The SVG document.
    pub fn svg(&self) -> &str {
        &self.svg
    }
    /// Writes the SVG document to `path`.
    ///
    /// # Errors
    /// [`SnnError::Chart`] naming the path when it cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, &self.svg)
            .map_err(|e| SnnError::Chart(format!("cannot write {}: {e}", path.display())))
    }
    /// The charts one above the other in one chart (as wide as the widest), under the first
    /// one's title; for frames that show two views of one value, such as a membrane trace
    /// and the f-I curve point it makes.
    ///
    /// # Errors
    /// [`SnnError::Empty`] for no charts; [`SnnError::Chart`] for an SVG document without a
    /// width and height (every chart of this crate has them).
    pub fn stack(charts: &[Chart]) -> Result<Chart> {
        let Some(first) = charts.first() else {
            return Err(SnnError::Empty { name: "charts" });
        };
        let mut body = String::new();
        let (mut width, mut y) = (0u32, 0u32);
        for c in charts {
            let (w, h) = c.size()?;
            let inner = c.svg.trim_start();
            // The document's own element, moved down by the charts above it.
            let inner = inner.replacen("<svg ", &format!("<svg x=\"0\" y=\"{y}\" "), 1);
            body.push_str(&inner);
            body.push('\n');
            width = width.max(w);
            y += h;
        }
        Ok(Chart {
            title: first.title.clone(),
            svg: format!(
                "<svg width=\"{width}\" height=\"{y}\" viewBox=\"0 0 {width} {y}\" xmlns=\"http://www.w3.org/2000/svg\">\n{body}</svg>\n"
            ),
        })
    }

    /// Width and height in pixels, from the SVG document's own attributes.
    ///
    /// # Errors
    /// [`SnnError::Chart`] when the document does not state them.
    pub fn size(&self) -> Result<(u32, u32)> {
        let head = self.svg.split('>').next().unwrap_or("");
        let attr = |name: &str| -> Option<u32> {
            let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
            head[at..].split('"').next()?.parse().ok()
        };
        match (attr("width"), attr("height")) {
            (Some(w), Some(h)) => Ok((w, h)),
            _ => Err(SnnError::Chart(format!(
                "chart '{}' has no width and height",
                self.title
            ))),
        }
    }
    /// Shows the chart under a notebook cell: evcxr calls this for the value a cell ends with
    /// and renders what it prints as `image/svg+xml`.
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT",
            self.svg
        );
    }

    fn draw(
        title: &str,
        size: (u32, u32),
        body: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> std::result::Result<(), String>,
    ) -> Result<Chart> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            let area = root
                .titled(title, (FONT, 22).into_font().color(&BLACK))
                .map_err(err)?;
            body(&area).map_err(SnnError::Chart)?;
            root.present().map_err(err)?;
        }
        Ok(Chart {
            title: title.to_string(),
            svg,
        })
    }
}

fn err(e: impl std::fmt::Display) -> SnnError {
    SnnError::Chart(e.to_string())
}

fn s(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Colour for class `k`.
pub fn class_color(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

/// Viridis colour map at `t` in [0, 1] (clamped), by linear interpolation between nine
/// anchors of the published table.
pub fn viridis(t: f64) -> RGBColor {
    const V: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (V.len() - 1) as f64;
    let i = (x.floor() as usize).min(V.len() - 2);
    let f = x - i as f64;
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    RGBColor(
        lerp(V[i].0, V[i + 1].0),
        lerp(V[i].1, V[i + 1].1),
        lerp(V[i].2, V[i + 1].2),
    )
}

fn check_finite(name: &'static str, xs: impl IntoIterator<Item = f64>) -> Result<()> {
    snn_sim::check::all_finite(name, xs)
}

/// A padded range around `lo..hi` that is never empty.
fn padded(lo: f64, hi: f64, frac: f64) -> (f64, f64) {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    (lo - span * frac, hi + span * frac)
}

fn min_max(xs: impl IntoIterator<Item = f64>) -> (f64, f64) {
    xs.into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        })
}

type Cart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Draws the points of one class with its colour and shape (circle, triangle, square,
/// diamond, repeating), with a black edge when `edge` is set, hollow for held-out samples.
fn class_points<'a, 'b: 'a>(
    chart: &mut Cart<'a, 'b>,
    pts: &[(f64, f64)],
    k: usize,
    size: i32,
    edge: bool,
    hollow: bool,
) -> std::result::Result<(), String> {
    let c = class_color(k);
    let fill = if hollow {
        c.stroke_width(2)
    } else {
        c.filled()
    };
    let edge_style = if edge {
        BLACK.stroke_width(1)
    } else {
        c.stroke_width(1)
    };
    let h = size + 1;
    let tri = vec![(0, -h), (h, h * 2 / 3), (-h, h * 2 / 3), (0, -h)];
    let dia = vec![(0, -h), (h, 0), (0, h), (-h, 0), (0, -h)];
    match k % 4 {
        0 => chart.draw_series(pts.iter().map(|&p| {
            EmptyElement::at(p)
                + Circle::new((0, 0), size, fill)
                + Circle::new((0, 0), size, edge_style)
        })),
        1 => chart.draw_series(pts.iter().map(|&p| {
            let inner = if hollow { WHITE.filled() } else { fill };
            EmptyElement::at(p)
                + Polygon::new(tri.clone(), inner)
                + PathElement::new(tri.clone(), if hollow { fill } else { edge_style })
        })),
        2 => chart.draw_series(pts.iter().map(|&p| {
            EmptyElement::at(p)
                + Rectangle::new([(-size, -size), (size, size)], fill)
                + Rectangle::new([(-size, -size), (size, size)], edge_style)
        })),
        _ => chart.draw_series(pts.iter().map(|&p| {
            let inner = if hollow { WHITE.filled() } else { fill };
            EmptyElement::at(p)
                + Polygon::new(dia.clone(), inner)
                + PathElement::new(dia.clone(), if hollow { fill } else { edge_style })
        })),
    }
    .map_err(s)?;
    Ok(())
}

/// The axis titles of a 2-D chart of `data`'s first two features: the data set's own
/// names (Iris: "petal length (cm)"), or "Feature 1 (a.u.)" and "Feature 2 (a.u.)".
fn feature_axes(data: &Blobs) -> (String, String) {
    if data.has_names() {
        let names = data.feature_names();
        let at = |k: usize| names.get(k).cloned().unwrap_or_default();
        (at(0), at(1))
    } else {
        ("Feature 1 (a.u.)".into(), "Feature 2 (a.u.)".into())
    }
}

/// A tick label on an axis of whole numbers (steps, counts): the integer, or nothing between
/// integers.
fn int_tick(x: f64) -> String {
    let r = x.round();
    if (x - r).abs() < 1e-6 {
        format!("{r:.0}")
    } else {
        String::new()
    }
}

/// A tick label with no more digits than it needs: `100` not `100.0`, `0.25`, `1e-5`.
pub(crate) fn tick(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{x:.0e}");
    }
    let mut out = format!("{x:.3}");
    while out.ends_with('0') {
        out.pop();
    }
    if out.ends_with('.') {
        out.pop();
    }
    out
}

/// A number for a title or a printout, to about four significant digits: `0.4742`,
/// `-53.71`, `2.5`, `1200`.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let mut out = format!("{x:.digits$}");
    if out.contains('.') {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
    if out == "-0" {
        out = "0".into();
    }
    out
}
