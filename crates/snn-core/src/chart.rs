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

use crate::data::{Blobs, Grid};
use crate::encode::SpikeMatrix;
use crate::error::{Result, SnnError};
use crate::population::{SimResult, SpikeTrains};
use crate::real::Real;

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
    for x in xs {
        crate::error::finite(name, x)?;
    }
    Ok(())
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

/// How a series looks in a legend: the same stroke, dash or marker as in the plot.
#[derive(Debug, Clone, Copy)]
enum Key {
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
enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// Height in pixels of a legend band with `rows` rows.
fn legend_height(rows: usize) -> u32 {
    if rows == 0 {
        0
    } else {
        8 + 20 * rows as u32
    }
}

/// Lays out legend entries left to right, wrapping at `width`; returns each entry's row and
/// x offset, and the number of rows. Text is measured at about 7.6 px per character (14 px
/// sans-serif), generous so neighbours never touch.
fn legend_layout(entries: &[(String, Key)], width: i32) -> (Vec<(usize, i32)>, usize) {
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
fn legend_band<'a>(
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
fn draw_key(
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

/// The class entries of a legend for the classes present in `sets` (train, then held out).
fn class_keys(sets: &[&Blobs], held_out: bool) -> Vec<(String, Key)> {
    let mut keys = Vec::new();
    for (set_i, b) in sets.iter().enumerate() {
        for class in 0..b.n_classes {
            if !b.y.contains(&class) {
                continue;
            }
            let label = match (held_out, set_i) {
                (false, _) => format!("Class {class}"),
                (true, 0) => format!("Class {class} (train)"),
                (true, _) => format!("Class {class} (held out)"),
            };
            keys.push((label, Key::Class(class, set_i == 1)));
        }
    }
    keys
}

/// Scatter plot of labelled 2-D points coloured (and shaped) by class: the original's
/// "Synthetic 2D Blob Data". `held_out`, when given, is drawn hollow and labelled as the test
/// split.
///
/// # Errors
/// Empty data, fewer than two feature columns, or non-finite coordinates.
pub fn blob_scatter(data: &Blobs, held_out: Option<&Blobs>) -> Result<Chart> {
    let sets: Vec<&Blobs> = std::iter::once(data).chain(held_out).collect();
    for b in &sets {
        if b.is_empty() {
            return Err(SnnError::Empty { name: "data" });
        }
        if b.x.ncols() < 2 {
            return Err(SnnError::TooFew {
                name: "feature columns",
                min: 2,
                got: b.x.ncols(),
            });
        }
        check_finite("data", b.x.iter().copied())?;
    }
    let (x0, x1) = padded_of(&sets, 0);
    let (y0, y1) = padded_of(&sets, 1);
    let k = sets.iter().map(|b| b.n_classes).max().unwrap_or(1);
    let keys = class_keys(&sets, held_out.is_some());
    Chart::draw("Synthetic 2D Blob Data", (WIDTH, 540), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("Feature 1 (a.u.)")
            .y_desc("Feature 2 (a.u.)")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        for (set_i, b) in sets.iter().enumerate() {
            for class in 0..k {
                let pts: Vec<(f64, f64)> =
                    b.x.rows()
                        .into_iter()
                        .zip(&b.y)
                        .filter(|(_, &y)| y == class)
                        .map(|(r, _)| (r[0], r[1]))
                        .collect();
                if !pts.is_empty() {
                    class_points(&mut chart, &pts, class, 4, true, set_i == 1)?;
                }
            }
        }
        Ok(())
    })
}

fn padded_of(sets: &[&Blobs], col: usize) -> (f64, f64) {
    let (lo, hi) = min_max(sets.iter().flat_map(|b| b.x.column(col).to_vec()));
    padded(lo, hi, 0.06)
}

/// Event plot of one spike train: a vertical mark at each step with a spike (the original's
/// "Spike Train (Spike events over time)"). `train` holds one 0/1 (or count) per step.
///
/// # Errors
/// An empty train.
pub fn spike_train(train: &[u8], title: &str) -> Result<Chart> {
    if train.is_empty() {
        return Err(SnnError::Empty { name: "train" });
    }
    let n = train.len();
    let keys = [("spike".to_string(), Key::Mark(SPIKE_COLOR))];
    Chart::draw(title, (WIDTH, 220), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(45)
            .y_label_area_size(20)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..1.0)
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(0)
            .x_labels(n.min(20) + 1)
            .x_label_formatter(&|x| int_tick(*x))
            .x_desc("Time step")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        chart
            .draw_series(
                train
                    .iter()
                    .enumerate()
                    .filter(|(_, &c)| c > 0)
                    .map(|(k, _)| {
                        PathElement::new(
                            vec![(k as f64, 0.1), (k as f64, 0.9)],
                            SPIKE_COLOR.stroke_width(3),
                        )
                    }),
            )
            .map_err(s)?;
        Ok(())
    })
}

/// Several spike trains stacked, one row each with its label (for example
/// "Sample 3 (class 0)"): the original's per-sample event plots in one figure.
///
/// # Errors
/// No rows, an empty train, or rows of different lengths.
pub fn spike_trains(rows: &[(String, Vec<u8>)], title: &str) -> Result<Chart> {
    if rows.is_empty() {
        return Err(SnnError::Empty { name: "rows" });
    }
    let n = rows[0].1.len();
    if n == 0 {
        return Err(SnnError::Empty { name: "train" });
    }
    for (_, r) in rows {
        if r.len() != n {
            return Err(SnnError::LengthMismatch {
                name: "train",
                expected: n,
                got: r.len(),
            });
        }
    }
    let m = rows.len();
    let labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
    let height = (90 + 42 * m as u32).min(4000);
    Chart::draw(title, (WIDTH, height), |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(150)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), -0.5..(m as f64 - 0.5))
            .map_err(s)?;
        let fmt = |y: &f64| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < m {
                labels[m - 1 - i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(m.min(60) * 2 + 1)
            .y_label_formatter(&fmt)
            .x_labels(n.min(20) + 1)
            .x_label_formatter(&|x| int_tick(*x))
            .x_desc("Time step")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        for (row, (_, train)) in rows.iter().enumerate() {
            let y = (m - 1 - row) as f64;
            chart
                .draw_series(
                    train
                        .iter()
                        .enumerate()
                        .filter(|(_, &c)| c > 0)
                        .map(|(k, _)| {
                            PathElement::new(
                                vec![(k as f64, y - 0.35), (k as f64, y + 0.35)],
                                TRAIN_COLOR.stroke_width(3),
                            )
                        }),
                )
                .map_err(s)?;
        }
        Ok(())
    })
}

/// Raster plot of a population (neuron by time, one mark per spike) with the spike count per
/// time bin underneath (a peri-stimulus time histogram in `bins` bins) and the count per
/// neuron alongside. Time is `(step + 1) * dt` in `time_unit` (e.g. "ms" or "step").
///
/// # Errors
/// No spikes recorded when `result` had spikes, zero bins, or a spike outside the run.
pub fn raster(
    spikes: &SpikeTrains,
    n: usize,
    steps: usize,
    dt: f64,
    time_unit: &str,
    bins: usize,
    title: &str,
) -> Result<Chart> {
    crate::error::nonzero("neurons", n)?;
    crate::error::nonzero("steps", steps)?;
    crate::error::nonzero("bins", bins)?;
    crate::error::positive("dt", "", dt)?;
    for (j, st) in spikes.iter() {
        if j as usize >= n {
            return Err(SnnError::IndexOutOfRange {
                name: "spike neuron",
                len: n,
                index: j as usize,
            });
        }
        if st as usize >= steps {
            return Err(SnnError::IndexOutOfRange {
                name: "spike step",
                len: steps,
                index: st as usize,
            });
        }
    }
    let t_end = steps as f64 * dt;
    let bins = bins.min(steps);
    let mut per_bin = vec![0u32; bins];
    let mut per_neuron = vec![0u32; n];
    for (j, st) in spikes.iter() {
        per_bin[(st as usize * bins / steps).min(bins - 1)] += 1;
        per_neuron[j as usize] += 1;
    }
    let max_bin = per_bin.iter().copied().max().unwrap_or(0).max(1) as f64;
    let max_neuron = per_neuron.iter().copied().max().unwrap_or(0).max(1) as f64;
    let mark_h = if n <= 200 { 0.4 } else { 0.5 };
    Chart::draw(title, (WIDTH, 560), |area| {
        let (top, bottom) = area.split_vertically(380);
        let (raster_area, side) = top.split_horizontally(WIDTH - 170);
        let (psth_area, _) = bottom.split_horizontally(WIDTH - 170);
        let mut chart = ChartBuilder::on(&raster_area)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..t_end, -0.5..(n as f64 - 0.5))
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_desc("Neuron")
            .y_label_formatter(&|y| int_tick(*y))
            .x_label_formatter(&|x| tick(*x))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        // Lines, not rectangles: a stroke keeps its pixel width however long the run.
        let stroke = if spikes.len() > 20_000 { 1 } else { 2 };
        chart
            .draw_series(spikes.iter().map(|(j, st)| {
                let t = (st as f64 + 1.0) * dt;
                let y = j as f64;
                PathElement::new(
                    vec![(t, y - mark_h), (t, y + mark_h)],
                    RASTER_COLOR.stroke_width(stroke),
                )
            }))
            .map_err(s)?;
        let mut counts = ChartBuilder::on(&side)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(10)
            .build_cartesian_2d(0.0..max_neuron * 1.05, -0.5..(n as f64 - 0.5))
            .map_err(s)?;
        counts
            .configure_mesh()
            .disable_mesh()
            .y_labels(0)
            .x_labels(3)
            .x_desc("Spikes / neuron")
            .x_label_formatter(&|x| int_tick(*x))
            .axis_desc_style((FONT, 14))
            .label_style((FONT, 12))
            .draw()
            .map_err(s)?;
        counts
            .draw_series(
                per_neuron
                    .iter()
                    .enumerate()
                    .filter(|(_, &c)| c > 0)
                    .map(|(j, &c)| {
                        Rectangle::new(
                            [(0.0, j as f64 - 0.45), (c as f64, j as f64 + 0.45)],
                            GREY.filled(),
                        )
                    }),
            )
            .map_err(s)?;
        let mut psth = ChartBuilder::on(&psth_area)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..t_end, 0.0..max_bin * 1.1)
            .map_err(s)?;
        psth.configure_mesh()
            .disable_x_mesh()
            .x_desc(format!("Time ({time_unit})"))
            .y_desc("Spikes / bin")
            .y_labels(5)
            .y_label_formatter(&|y| int_tick(*y))
            .x_label_formatter(&|x| tick(*x))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        let bw = t_end / bins as f64;
        psth.draw_series(per_bin.iter().enumerate().map(|(b, &c)| {
            Rectangle::new(
                [(b as f64 * bw, 0.0), ((b + 1) as f64 * bw, c as f64)],
                GREY.filled(),
            )
        }))
        .map_err(s)?;
        Ok(())
    })
}

/// Membrane potential of the recorded neurons over time, with the threshold (dashed) and the
/// reset value (dotted) drawn as lines and each spike marked above the threshold; the input
/// current underneath on the same time axis. Units: `v_unit` for the potential, `i_unit` for
/// the current, `time_unit` for time (mV, nA, ms for LIF).
///
/// # Errors
/// No recorded trace, or non-finite values.
pub fn membrane<F: Real>(
    result: &SimResult<F>,
    v_unit: &str,
    i_unit: &str,
    time_unit: &str,
    title: &str,
) -> Result<Chart> {
    // Only the conversion is generic: the drawing is compiled once, in this crate.
    membrane_f64(&result.to_f64(), v_unit, i_unit, time_unit, title)
}

fn membrane_f64(
    result: &SimResult<f64>,
    v_unit: &str,
    i_unit: &str,
    time_unit: &str,
    title: &str,
) -> Result<Chart> {
    if result.traces.is_empty() {
        return Err(SnnError::Empty {
            name: "traces (record some with Record::with_traces)",
        });
    }
    for tr in &result.traces {
        check_finite("trace", tr.v.iter().copied())?;
        check_finite("input", tr.input.iter().copied())?;
        check_finite("crossing", tr.crossings.iter().map(|c| c.1))?;
    }
    let dt = result.dt;
    let t_end = result.steps as f64 * dt;
    let v_th = result.v_th;
    let v_reset = result.v_reset;
    let (vlo, vhi) = min_max(
        result
            .traces
            .iter()
            .flat_map(|t| t.v.iter().copied().chain(t.crossings.iter().map(|c| c.1)))
            .chain([v_th, v_reset]),
    );
    let (v0, v1) = padded(vlo, vhi, 0.12);
    // Room above the highest value for the spike strokes.
    let v1 = v1 + (vhi - vlo).max(1e-9) * 0.12;
    let (ilo, ihi) = min_max(
        result
            .traces
            .iter()
            .flat_map(|t| t.input.iter().copied())
            .chain([0.0]),
    );
    let (i0, i1) = padded(ilo, ihi, 0.1);
    // Each trace as a path: up to the value that crossed the threshold at the end of the
    // spike's step, then straight down to the reset value recorded at the same time.
    let paths: Vec<Vec<(f64, f64)>> = result
        .traces
        .iter()
        .map(|tr| {
            let mut crossings = tr.crossings.iter().peekable();
            let mut pts = Vec::with_capacity(tr.v.len() + 2 * tr.crossings.len());
            for (k, &v) in tr.v.iter().enumerate() {
                let t = k as f64 * dt;
                while let Some(&&(st, peak)) = crossings.peek() {
                    if st as usize + 1 != k {
                        break;
                    }
                    pts.push((t, peak));
                    crossings.next();
                }
                pts.push((t, v));
            }
            pts
        })
        .collect();
    let top_y = vhi + (v1 - vhi) * 0.8;
    // Spike strokes from the value that crossed up to the top of the plot.
    let strokes: Vec<(f64, f64)> = result
        .traces
        .iter()
        .flat_map(|tr| {
            tr.crossings
                .iter()
                .map(move |&(st, peak)| ((st as f64 + 1.0) * dt, peak))
        })
        .collect();
    let mut keys: Vec<(String, Key)> = result
        .traces
        .iter()
        .enumerate()
        .map(|(c, tr)| {
            let label = if result.traces.len() == 1 {
                "V".to_string()
            } else {
                format!("V, neuron {}", tr.neuron)
            };
            (
                label,
                Key::Line(PALETTE[(c + 3) % PALETTE.len()], 2, Dash::Solid),
            )
        })
        .collect();
    keys.push((
        format!("threshold {} {v_unit}", num(v_th)),
        Key::Line(BLACK, 1, Dash::Dashed),
    ));
    keys.push((
        format!("reset {} {v_unit}", num(v_reset)),
        Key::Line(GREY, 2, Dash::Dotted),
    ));
    if !strokes.is_empty() {
        keys.push(("spike".to_string(), Key::Mark(SPIKE_COLOR)));
    }
    Chart::draw(title, (WIDTH, 548), |area| {
        let area = legend_band(area, &keys)?;
        let (_, h) = area.dim_in_pixel();
        let (top, bottom) = area.split_vertically(h as i32 - 170);
        let mut chart = ChartBuilder::on(&top)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(25)
            .y_label_area_size(65)
            .build_cartesian_2d(0.0..t_end, v0..v1)
            .map_err(s)?;
        chart
            .configure_mesh()
            .y_desc(format!("V ({v_unit})"))
            .x_label_formatter(&|_| String::new())
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, v_th), (t_end, v_th)],
                8,
                5,
                BLACK.stroke_width(1),
            ))
            .map_err(s)?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, v_reset), (t_end, v_reset)],
                2,
                4,
                GREY.stroke_width(2),
            ))
            .map_err(s)?;
        for (c, pts) in paths.iter().enumerate() {
            let color = PALETTE[(c + 3) % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))
                .map_err(s)?;
        }
        chart
            .draw_series(strokes.iter().map(|&(t, peak)| {
                PathElement::new(vec![(t, peak), (t, top_y)], SPIKE_COLOR.stroke_width(2))
            }))
            .map_err(s)?;
        let mut cur = ChartBuilder::on(&bottom)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(0.0..t_end, i0..i1)
            .map_err(s)?;
        cur.configure_mesh()
            .x_desc(format!("Time ({time_unit})"))
            .y_desc(format!("I ({i_unit})"))
            .y_labels(4)
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        for (c, tr) in result.traces.iter().enumerate() {
            let color = PALETTE[(c + 3) % PALETTE.len()];
            // The current is constant over each step: draw it as a staircase.
            let pts = tr
                .input
                .iter()
                .enumerate()
                .flat_map(|(k, &i)| [(k as f64 * dt, i), ((k + 1) as f64 * dt, i)]);
            cur.draw_series(LineSeries::new(pts, color.stroke_width(2)))
                .map_err(s)?;
        }
        Ok(())
    })
}

/// Spike-count decision map: a heat map of `values` (one per grid cell, `y` outer as in
/// [`Grid::points`]) with a labelled colour bar, and the data drawn on top coloured and shaped
/// by class with black edges (the original's contourf + colorbar + scatter).
///
/// # Errors
/// A `values` length that does not match the grid, non-finite values, or bad data.
pub fn decision_map(
    grid: &Grid,
    values: &[f64],
    data: &Blobs,
    value_label: &str,
    title: &str,
) -> Result<Chart> {
    if values.len() != grid.len() {
        return Err(SnnError::LengthMismatch {
            name: "values",
            expected: grid.len(),
            got: values.len(),
        });
    }
    check_finite("values", values.iter().copied())?;
    let (lo, hi) = min_max(values.iter().copied());
    // Whole numbers (spike counts) get a colour band per value and integer ticks.
    let whole = values.iter().all(|v| v.fract() == 0.0);
    let (lo, hi) = if hi > lo || whole {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let colour = |i: usize| {
        viridis(if hi > lo {
            (values[i] - lo) / (hi - lo)
        } else {
            0.5
        })
    };
    map_on_grid(
        grid,
        data,
        title,
        &colour,
        Some((lo, hi, value_label, whole)),
    )
}

/// Class map: every grid cell (one class per cell, `y` outer as in [`Grid::points`]) filled
/// with a pale tint of its class's colour, and the data drawn on top in the full class
/// colours, so a marker sitting on a tint of another colour is a misclassified point.
///
/// # Errors
/// A `classes` length that does not match the grid, or bad data.
pub fn class_map(grid: &Grid, classes: &[usize], data: &Blobs, title: &str) -> Result<Chart> {
    if classes.len() != grid.len() {
        return Err(SnnError::LengthMismatch {
            name: "classes",
            expected: grid.len(),
            got: classes.len(),
        });
    }
    // 40% of the class colour over white.
    let tint = |c: u8| (255.0 - 0.4 * (255.0 - f64::from(c))).round() as u8;
    let colour = |i: usize| {
        let RGBColor(r, g, b) = class_color(classes[i]);
        RGBColor(tint(r), tint(g), tint(b))
    };
    map_on_grid(grid, data, title, &colour, None)
}

/// The shared body of [`decision_map`] and [`class_map`]: grid cells coloured by
/// `cell_colour(index)`, the data on top, and a colour bar `(lo, hi, label, whole)` when
/// given (`whole`: the values are counts, drawn one band per value with integer ticks).
fn map_on_grid(
    grid: &Grid,
    data: &Blobs,
    title: &str,
    cell_colour: &dyn Fn(usize) -> RGBColor,
    bar: Option<(f64, f64, &str, bool)>,
) -> Result<Chart> {
    check_finite("data", data.x.iter().copied())?;
    if data.x.ncols() < 2 && !data.is_empty() {
        return Err(SnnError::TooFew {
            name: "feature columns",
            min: 2,
            got: data.x.ncols(),
        });
    }
    let [l, r, b, t] = grid.bounds;
    let (nx, ny) = (grid.xs.len(), grid.ys.len());
    let (cw, ch) = ((r - l) / nx as f64, (t - b) / ny as f64);
    let keys = class_keys(&[data], false);
    Chart::draw(title, (WIDTH, 580), |area| {
        let area = legend_band(area, &keys)?;
        let (main, bar_area) = match bar {
            Some(_) => area.split_horizontally(WIDTH - 110),
            None => area.split_horizontally(WIDTH),
        };
        let mut chart = ChartBuilder::on(&main)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(l..r, b..t)
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("Feature 1 (a.u.)")
            .y_desc("Feature 2 (a.u.)")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        chart
            .draw_series(grid.ys.iter().enumerate().flat_map(|(iy, &y)| {
                grid.xs.iter().enumerate().map(move |(ix, &x)| {
                    Rectangle::new(
                        [(x - cw / 2.0, y - ch / 2.0), (x + cw / 2.0, y + ch / 2.0)],
                        cell_colour(iy * nx + ix).filled(),
                    )
                })
            }))
            .map_err(s)?;
        for class in 0..data.n_classes {
            let pts: Vec<(f64, f64)> = data
                .x
                .rows()
                .into_iter()
                .zip(&data.y)
                .filter(|(_, &y)| y == class)
                .map(|(row, _)| (row[0], row[1]))
                .filter(|&(x, y)| x >= l && x <= r && y >= b && y <= t)
                .collect();
            if !pts.is_empty() {
                class_points(&mut chart, &pts, class, 4, true, false)?;
            }
        }
        let Some((lo, hi, value_label, whole)) = bar else {
            return Ok(());
        };
        let (blo, bhi) = if whole {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        };
        let span = hi - lo;
        let mut cb = ChartBuilder::on(&bar_area)
            .margin_top(12)
            .margin_bottom(57)
            .margin_right(10)
            .y_label_area_size(0)
            .right_y_label_area_size(60)
            .build_cartesian_2d(0.0..1.0, blo..bhi)
            .map_err(s)?;
        let int_fmt = |y: &f64| int_tick(*y);
        let real_fmt = |y: &f64| tick(*y);
        let fmt: &dyn Fn(&f64) -> String = if whole { &int_fmt } else { &real_fmt };
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(value_label)
            .y_labels(if whole && span <= 12.0 {
                2 * span as usize + 3
            } else {
                8
            })
            .y_label_formatter(fmt)
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        let norm = |v: f64| {
            if hi > lo {
                (v - lo) / (hi - lo)
            } else {
                0.5
            }
        };
        if whole && span <= 64.0 {
            cb.draw_series((0..=span as usize).map(|i| {
                let v = lo + i as f64;
                Rectangle::new([(0.0, v - 0.5), (1.0, v + 0.5)], viridis(norm(v)).filled())
            }))
            .map_err(s)?;
        } else {
            let n = 64;
            let step = (bhi - blo) / n as f64;
            cb.draw_series((0..n).map(|i| {
                let y0 = blo + i as f64 * step;
                Rectangle::new(
                    [(0.0, y0), (1.0, y0 + step)],
                    viridis((i as f64 + 0.5) / n as f64).filled(),
                )
            }))
            .map_err(s)?;
        }
        Ok(())
    })
}

/// f-I curve: simulated firing rates as markers and the closed form as a line, in Hz against
/// nA.
///
/// # Errors
/// Empty or mismatched inputs, or non-finite values.
pub fn fi_curve(
    currents_na: &[f64],
    simulated_hz: &[f64],
    closed_form: &[(f64, f64)],
    title: &str,
) -> Result<Chart> {
    if currents_na.is_empty() {
        return Err(SnnError::Empty { name: "currents" });
    }
    if simulated_hz.len() != currents_na.len() {
        return Err(SnnError::LengthMismatch {
            name: "simulated rates",
            expected: currents_na.len(),
            got: simulated_hz.len(),
        });
    }
    check_finite("currents", currents_na.iter().copied())?;
    check_finite(
        "rates",
        simulated_hz
            .iter()
            .copied()
            .chain(closed_form.iter().flat_map(|&(a, b)| [a, b])),
    )?;
    let (x0, x1) = min_max(
        currents_na
            .iter()
            .copied()
            .chain(closed_form.iter().map(|p| p.0)),
    );
    let (_, y1) = min_max(
        simulated_hz
            .iter()
            .copied()
            .chain(closed_form.iter().map(|p| p.1))
            .chain([1.0]),
    );
    let (x0, x1) = padded(x0, x1, 0.03);
    let mut keys = Vec::new();
    if !closed_form.is_empty() {
        keys.push((
            "closed form r(I)".to_string(),
            Key::Line(BLACK, 2, Dash::Solid),
        ));
    }
    keys.push(("simulated".to_string(), Key::Dot(SPIKE_COLOR)));
    Chart::draw(title, (WIDTH, 480), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, 0.0..y1 * 1.08)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("Input current I (nA)")
            .y_desc("Firing rate r (Hz)")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        if !closed_form.is_empty() {
            chart
                .draw_series(LineSeries::new(
                    closed_form.iter().copied(),
                    BLACK.stroke_width(2),
                ))
                .map_err(s)?;
        }
        chart
            .draw_series(
                currents_na
                    .iter()
                    .zip(simulated_hz)
                    .map(|(&i, &r)| Circle::new((i, r), 4, SPIKE_COLOR.filled())),
            )
            .map_err(s)?;
        Ok(())
    })
}

/// Encoding view: the input intensity of each channel (bars, left, labelled with
/// `labels`, for example "s0 x1" for sample 0's first feature) and their spike trains under
/// each named encoding (rasters, side by side), channel 0 at the top. An encoding with twice
/// as many channels as inputs is ON/OFF coded (delta coding: ON channels first, then OFF):
/// its rows are labelled "ON …" and "OFF …" with a line between the halves. Every encoding
/// must have as many steps as the first.
///
/// # Errors
/// No encodings, no inputs, labels that do not match the inputs, non-finite inputs, or
/// encodings of different lengths.
pub fn encoding_view<L: AsRef<str>>(
    inputs: &[f64],
    labels: &[L],
    encodings: &[(&str, &SpikeMatrix)],
    title: &str,
) -> Result<Chart> {
    // Only the label conversion is generic: the drawing is compiled once, in this crate.
    let labels: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
    encoding_view_str(inputs, &labels, encodings, title)
}

fn encoding_view_str(
    inputs: &[f64],
    labels: &[&str],
    encodings: &[(&str, &SpikeMatrix)],
    title: &str,
) -> Result<Chart> {
    if inputs.is_empty() {
        return Err(SnnError::Empty { name: "inputs" });
    }
    if encodings.is_empty() {
        return Err(SnnError::Empty { name: "encodings" });
    }
    if labels.len() != inputs.len() {
        return Err(SnnError::LengthMismatch {
            name: "labels",
            expected: inputs.len(),
            got: labels.len(),
        });
    }
    check_finite("inputs", inputs.iter().copied())?;
    let steps = encodings[0].1.steps();
    for (_, m) in encodings {
        if m.steps() != steps {
            return Err(SnnError::LengthMismatch {
                name: "encoding steps",
                expected: steps,
                got: m.steps(),
            });
        }
    }
    let n_in = inputs.len();
    let (_, in_max) = min_max(inputs.iter().copied().chain([1.0]));
    let rows = encodings
        .iter()
        .map(|(_, m)| m.channels())
        .max()
        .unwrap_or(n_in)
        .max(n_in);
    let height = (150 + 20 * rows as u32).clamp(380, 2400);
    // Every row labelled up to 40 rows; beyond that every k-th, so labels never overlap.
    let stride = |rows: usize| rows.div_ceil(40).max(1);
    // Label of row `c` of a panel with `ch` channels.
    let row_label = |c: usize, ch: usize| -> String {
        if ch == 2 * n_in && c < ch {
            let (side, i) = if c < n_in {
                ("ON", c)
            } else {
                ("OFF", c - n_in)
            };
            format!("{side} {}", labels[i])
        } else if ch == n_in && c < ch {
            labels[c].to_string()
        } else {
            c.to_string()
        }
    };
    // The tick label at `y` of a panel of `rows` rows, channel 0 at the top: its row's label
    // at whole rows (every k-th row beyond 40), nothing between.
    let row_tick = |y: f64, rows: usize| -> String {
        let i = y.round();
        let c = (rows as f64 - 1.0 - i) as usize;
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < rows && c % stride(rows) == 0 {
            row_label(c, rows)
        } else {
            String::new()
        }
    };
    Chart::draw(title, (WIDTH, height), |area| {
        let panels = encodings.len() + 1;
        let first_w = WIDTH as i32 / (panels as i32 + 1) + 20;
        let rest_w = (WIDTH as i32 - 16 - first_w) / encodings.len() as i32;
        let mut cuts = vec![first_w];
        for p in 1..encodings.len() {
            cuts.push(first_w + rest_w * p as i32);
        }
        let areas = area.split_by_breakpoints(cuts, Vec::<i32>::new());
        let label_w = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32;
        let mut bars = ChartBuilder::on(&areas[0])
            .caption("input", (FONT, 15))
            .margin(8)
            .margin_right(16)
            .x_label_area_size(40)
            .y_label_area_size(14 + 7 * label_w)
            .build_cartesian_2d(0.0..in_max * 1.05, -0.5..(n_in as f64 - 0.5))
            .map_err(s)?;
        bars.configure_mesh()
            .disable_mesh()
            .x_labels(3)
            .y_labels(2 * n_in.min(40) + 1)
            .y_label_formatter(&|y| row_tick(*y, n_in))
            .x_label_formatter(&|x| tick(*x))
            .x_desc("intensity")
            .axis_desc_style((FONT, 14))
            .label_style((FONT, 12))
            .draw()
            .map_err(s)?;
        bars.draw_series(inputs.iter().enumerate().map(|(c, &x)| {
            let y = (n_in - 1 - c) as f64;
            Rectangle::new([(0.0, y - 0.35), (x, y + 0.35)], GREY.filled())
        }))
        .map_err(s)?;
        for (p, (name, m)) in encodings.iter().enumerate() {
            let ch = m.channels().max(1);
            let dt = m.dt;
            let t_end = steps as f64 * dt;
            let color = PALETTE[(p + 3) % PALETTE.len()];
            let label_w = (0..ch)
                .map(|c| row_label(c, ch).chars().count())
                .max()
                .unwrap_or(2);
            let mut chart = ChartBuilder::on(&areas[p + 1])
                .caption(*name, (FONT, 15))
                .margin(8)
                .margin_right(20)
                .x_label_area_size(40)
                .y_label_area_size(14 + 7 * label_w as u32)
                .build_cartesian_2d(0.0..t_end, -0.5..(ch as f64 - 0.5))
                .map_err(s)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(3)
                .y_labels(2 * ch.min(40) + 1)
                .y_label_formatter(&|y| row_tick(*y, ch))
                .x_label_formatter(&|x| tick(*x))
                .x_desc("Time (ms)")
                .axis_desc_style((FONT, 14))
                .label_style((FONT, 12))
                .draw()
                .map_err(s)?;
            if ch == 2 * n_in {
                let y = n_in as f64 - 0.5;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(0.0, y), (t_end, y)],
                        GREY.stroke_width(1),
                    )))
                    .map_err(s)?;
            }
            let ev = m.events();
            chart
                .draw_series(ev.iter().map(|(c, k)| {
                    let t = (k as f64 + 0.5) * dt;
                    let y = (ch - 1 - c as usize) as f64;
                    PathElement::new(vec![(t, y - 0.38), (t, y + 0.38)], color.stroke_width(2))
                }))
                .map_err(s)?;
        }
        Ok(())
    })
}

/// Training curve: accuracy by epoch on the left axis (0 to 1), and the loss (mean
/// cross-entropy, nats) on its own axis on the right when given. Runs longer than 50 epochs
/// get a logarithmic epoch axis, so the first epochs, where most of the learning happens,
/// are not squeezed against the left edge.
///
/// # Errors
/// No epochs, mismatched lengths, or non-finite values.
pub fn training_curve(
    train_accuracy: &[f64],
    test_accuracy: Option<&[f64]>,
    loss: Option<&[f64]>,
    title: &str,
) -> Result<Chart> {
    if train_accuracy.is_empty() {
        return Err(SnnError::Empty { name: "accuracy" });
    }
    let n = train_accuracy.len();
    for (name, xs) in [("test accuracy", test_accuracy), ("loss", loss)] {
        if let Some(xs) = xs {
            if xs.len() != n {
                return Err(SnnError::LengthMismatch {
                    name,
                    expected: n,
                    got: xs.len(),
                });
            }
            check_finite(name, xs.iter().copied())?;
        }
    }
    check_finite("accuracy", train_accuracy.iter().copied())?;
    let loss_max = loss
        .map(|l| min_max(l.iter().copied()).1.max(1e-12))
        .unwrap_or(1.0);
    let (c0, c1) = (PALETTE[3], PALETTE[0]);
    let mut keys = vec![(
        "train accuracy (left)".to_string(),
        Key::Line(c0, 2, Dash::Solid),
    )];
    if test_accuracy.is_some() {
        keys.push((
            "held-out accuracy (left)".to_string(),
            Key::Line(c1, 2, Dash::Solid),
        ));
    }
    if loss.is_some() {
        keys.push((
            "training loss (right)".to_string(),
            Key::Line(GREY, 2, Dash::Dashed),
        ));
    }
    let log = n > 50;
    let line = |xs: &[f64]| {
        xs.iter()
            .enumerate()
            .map(|(e, &a)| ((e + 1) as f64, a))
            .collect::<Vec<_>>()
    };
    Chart::draw(title, (WIDTH, 450), |area| {
        let area = legend_band(area, &keys)?;
        let right = if loss.is_some() { 65 } else { 0 };
        let mut builder = ChartBuilder::on(&area);
        builder
            .margin(12)
            .margin_right(if loss.is_some() { 8 } else { 24 })
            .x_label_area_size(45)
            .y_label_area_size(60)
            .right_y_label_area_size(right);
        let x_desc = if log { "Epoch (logarithmic)" } else { "Epoch" };
        macro_rules! body {
            ($chart:ident, $x_fmt:expr) => {{
                $chart
                    .configure_mesh()
                    .x_desc(x_desc)
                    .y_desc("Accuracy (fraction correct)")
                    .x_label_formatter($x_fmt)
                    .y_label_formatter(&|y| tick(*y))
                    .axis_desc_style((FONT, 16))
                    .label_style((FONT, 13))
                    .light_line_style(WHITE.mix(0.0))
                    .draw()
                    .map_err(s)?;
                $chart
                    .draw_series(LineSeries::new(line(train_accuracy), c0.stroke_width(2)))
                    .map_err(s)?;
                if let Some(t) = test_accuracy {
                    $chart
                        .draw_series(LineSeries::new(line(t), c1.stroke_width(2)))
                        .map_err(s)?;
                }
                if let Some(l) = loss {
                    $chart
                        .configure_secondary_axes()
                        .y_desc("Loss (cross-entropy)")
                        .y_label_formatter(&|y| tick(*y))
                        .axis_desc_style((FONT, 16))
                        .label_style((FONT, 13))
                        .draw()
                        .map_err(s)?;
                    $chart
                        .draw_secondary_series(DashedLineSeries::new(
                            line(l),
                            6,
                            4,
                            GREY.stroke_width(2),
                        ))
                        .map_err(s)?;
                }
            }};
        }
        let loss_top = loss_max * 1.05;
        if log {
            let mut chart = builder
                .build_cartesian_2d((1.0..n as f64 * 1.05).log_scale(), 0.0..1.05)
                .map_err(s)?
                .set_secondary_coord((1.0..n as f64 * 1.05).log_scale(), 0.0..loss_top);
            body!(chart, &|x: &f64| tick(*x));
        } else {
            let mut chart = builder
                .build_cartesian_2d(0.5..(n as f64 + 0.5), 0.0..1.05)
                .map_err(s)?
                .set_secondary_coord(0.5..(n as f64 + 0.5), 0.0..loss_top);
            body!(chart, &|x: &f64| int_tick(*x));
        }
        Ok(())
    })
}

/// Confusion matrix as a grid of cells shaded by count, each labelled with its count.
///
/// # Errors
/// An empty matrix.
pub fn confusion(c: &crate::readout::Confusion, title: &str) -> Result<Chart> {
    let k = c.k;
    if k == 0 || c.counts.len() != k * k {
        return Err(SnnError::Empty {
            name: "confusion matrix",
        });
    }
    let max = c.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let size = (260 + 60 * k as u32).min(WIDTH);
    Chart::draw(title, (size, size), |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(-0.5..(k as f64 - 0.5), -0.5..(k as f64 - 0.5))
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(k)
            .y_labels(k)
            .x_label_formatter(&|x| format!("{:.0}", x))
            .y_label_formatter(&|y| format!("{:.0}", k as f64 - 1.0 - y))
            .x_desc("Predicted class")
            .y_desc("True class")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        for t in 0..k {
            for p in 0..k {
                let n = c.count(t, p).map_err(s)?;
                let v = f64::from(n);
                let y = (k - 1 - t) as f64;
                let x = p as f64;
                let shade = viridis(v / max);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        shade.filled(),
                    )))
                    .map_err(s)?;
                let text_color = if v / max > 0.6 { BLACK } else { WHITE };
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{n}"),
                        (x, y),
                        (FONT, 20).into_font().color(&text_color).pos(
                            plotters::style::text_anchor::Pos::new(
                                plotters::style::text_anchor::HPos::Center,
                                plotters::style::text_anchor::VPos::Center,
                            ),
                        ),
                    )))
                    .map_err(s)?;
            }
        }
        Ok(())
    })
}

/// Throughput against problem size on log–log axes: one line with markers per series of
/// `(neurons, neuron-updates per second)` points, for benchmark reports.
///
/// # Errors
/// No series, an empty series, or a point that is not finite and positive.
pub fn throughput(series: &[(String, Vec<(f64, f64)>)], title: &str) -> Result<Chart> {
    if series.is_empty() || series.iter().any(|(_, p)| p.is_empty()) {
        return Err(SnnError::Empty { name: "series" });
    }
    for (_, pts) in series {
        for &(x, y) in pts {
            crate::error::positive("neurons", "", x)?;
            crate::error::positive("updates per second", "", y)?;
        }
    }
    let (x0, x1) = min_max(series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)));
    let (y0, y1) = min_max(series.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)));
    let (x0, x1) = (x0 / 1.5, x1 * 1.5);
    let (y0, y1) = (y0 / 2.0, y1 * 2.0);
    let color_of = |k: usize| {
        if k == 0 {
            BLACK
        } else {
            PALETTE[(k - 1) % PALETTE.len()]
        }
    };
    let keys: Vec<(String, Key)> = series
        .iter()
        .enumerate()
        .map(|(k, (name, _))| (name.clone(), Key::Line(color_of(k), 2, Dash::Solid)))
        .collect();
    Chart::draw(title, (WIDTH, 520), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("Neurons N (1,000 steps)")
            .y_desc("Neuron updates per second")
            .x_label_formatter(&|x| format!("{x:.0e}"))
            .y_label_formatter(&|y| format!("{y:.0e}"))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        for (k, (_, pts)) in series.iter().enumerate() {
            let color = color_of(k);
            chart
                .draw_series(
                    LineSeries::new(pts.iter().copied(), color.stroke_width(2)).point_size(4),
                )
                .map_err(s)?;
        }
        Ok(())
    })
}
