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
/// diamond, repeating), with a black edge when `edge` is set; labels the series for the
/// legend when `label` is given.
fn class_points<'a, 'b: 'a>(
    chart: &mut Cart<'a, 'b>,
    pts: &[(f64, f64)],
    k: usize,
    size: i32,
    edge: bool,
    hollow: bool,
    label: Option<String>,
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
    let anno = match k % 4 {
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
    if let Some(label) = label {
        anno.label(label).legend(move |(x, y)| {
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
            let (inner, edge) = if hollow {
                (WHITE.filled(), c.stroke_width(2))
            } else {
                (c.filled(), BLACK.stroke_width(1))
            };
            EmptyElement::at((x + 7, y))
                + Polygon::new(path.clone(), inner)
                + PathElement::new(path, edge)
        });
    }
    Ok(())
}

fn legend<'a, 'b: 'a>(
    chart: &mut Cart<'a, 'b>,
    pos: SeriesLabelPosition,
) -> std::result::Result<(), String> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(s)
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
    Chart::draw("Synthetic 2D Blob Data", (WIDTH, 520), |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("Feature 1 (a.u.)")
            .y_desc("Feature 2 (a.u.)")
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
                if pts.is_empty() {
                    continue;
                }
                let label = if set_i == 0 {
                    format!(
                        "Class {class}{}",
                        if held_out.is_some() { " (train)" } else { "" }
                    )
                } else {
                    format!("Class {class} (held out)")
                };
                class_points(&mut chart, &pts, class, 4, true, set_i == 1, Some(label))?;
            }
        }
        let all = sets
            .iter()
            .flat_map(|b| b.x.rows().into_iter().map(|r| (r[0], r[1])));
        legend(&mut chart, emptiest_corner(all, [x0, x1, y0, y1]))
    })
}

/// The legend corner with the fewest points under it (a box of 35% x 30% of the plot).
fn emptiest_corner(
    pts: impl Iterator<Item = (f64, f64)>,
    [l, r, b, t]: [f64; 4],
) -> SeriesLabelPosition {
    let (w, h) = ((r - l) * 0.35, (t - b) * 0.3);
    let mut n = [0usize; 4];
    for (x, y) in pts {
        let left = x < l + w;
        let right = x > r - w;
        let top = y > t - h;
        let bottom = y < b + h;
        n[0] += (top && right) as usize;
        n[1] += (top && left) as usize;
        n[2] += (bottom && right) as usize;
        n[3] += (bottom && left) as usize;
    }
    match (0..4).min_by_key(|&i| n[i]).unwrap_or(0) {
        0 => SeriesLabelPosition::UpperRight,
        1 => SeriesLabelPosition::UpperLeft,
        2 => SeriesLabelPosition::LowerRight,
        _ => SeriesLabelPosition::LowerLeft,
    }
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
    Chart::draw(title, (WIDTH, 200), |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(20)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..1.0)
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(0)
            .x_labels(n.min(20) + 1)
            .x_label_formatter(&|x| format!("{:.0}", x))
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
            .map_err(s)?
            .label("spike")
            .legend(|(x, y)| {
                Rectangle::new([(x + 5, y - 6), (x + 8, y + 6)], SPIKE_COLOR.filled())
            });
        legend(&mut chart, SeriesLabelPosition::UpperRight)
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
            .x_label_formatter(&|x| format!("{:.0}", x))
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
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..t_end, -0.5..(n as f64 - 0.5))
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_desc("Neuron")
            .y_label_formatter(&|y| format!("{:.0}", y))
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
            .x_label_formatter(&|x| format!("{:.0}", x))
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
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..t_end, 0.0..max_bin * 1.1)
            .map_err(s)?;
        psth.configure_mesh()
            .disable_x_mesh()
            .x_desc(format!("Time ({time_unit})"))
            .y_desc("Spikes / bin")
            .y_labels(4)
            .y_label_formatter(&|y| format!("{:.0}", y))
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
        check_finite("trace", tr.v.iter().map(|v| v.as_f64()))?;
        check_finite("input", tr.input.iter().map(|v| v.as_f64()))?;
    }
    let dt = result.dt;
    let t_end = result.steps as f64 * dt;
    let v_th = result.v_th.as_f64();
    let v_reset = result.v_reset.as_f64();
    let (vlo, vhi) = min_max(
        result
            .traces
            .iter()
            .flat_map(|t| t.v.iter().map(|v| v.as_f64()))
            .chain([v_th, v_reset]),
    );
    let (v0, v1) = padded(vlo, vhi, 0.12);
    let (ilo, ihi) = min_max(
        result
            .traces
            .iter()
            .flat_map(|t| t.input.iter().map(|v| v.as_f64()))
            .chain([0.0]),
    );
    let (i0, i1) = padded(ilo, ihi, 0.1);
    let spike_marks: Vec<(usize, f64)> = result
        .traces
        .iter()
        .enumerate()
        .flat_map(|(c, tr)| {
            result
                .spikes
                .iter()
                .filter(move |&(j, _)| j as usize == tr.neuron)
                .map(move |(_, st)| (c, (st as f64 + 1.0) * dt))
        })
        .collect();
    let recorded_spikes = !result.spikes.is_empty() || result.counts.iter().all(|&c| c == 0);
    Chart::draw(title, (WIDTH, 520), |area| {
        let (top, bottom) = area.split_vertically(340);
        let mut chart = ChartBuilder::on(&top)
            .margin(10)
            .x_label_area_size(25)
            .y_label_area_size(65)
            .build_cartesian_2d(0.0..t_end, v0..v1)
            .map_err(s)?;
        chart
            .configure_mesh()
            .y_desc(format!("V ({v_unit})"))
            .x_label_formatter(&|_| String::new())
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
            .map_err(s)?
            .label(format!("threshold {v_th} {v_unit}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(1)));
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, v_reset), (t_end, v_reset)],
                2,
                4,
                GREY.stroke_width(1),
            ))
            .map_err(s)?
            .label(format!("reset {v_reset} {v_unit}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], GREY.stroke_width(1)));
        for (c, tr) in result.traces.iter().enumerate() {
            let color = PALETTE[(c + 3) % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(
                    tr.v.iter()
                        .enumerate()
                        .map(|(k, v)| (k as f64 * dt, v.as_f64())),
                    color.stroke_width(2),
                ))
                .map_err(s)?
                .label(format!("V, neuron {}", tr.neuron))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
        }
        let top_y = v_th + (v1 - v_th) * 0.6;
        if recorded_spikes && !spike_marks.is_empty() {
            chart
                .draw_series(spike_marks.iter().map(|&(_, t)| {
                    PathElement::new(vec![(t, v_th), (t, top_y)], SPIKE_COLOR.stroke_width(2))
                }))
                .map_err(s)?
                .label("spike")
                .legend(|(x, y)| {
                    Rectangle::new([(x + 6, y - 6), (x + 8, y + 6)], SPIKE_COLOR.filled())
                });
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        let mut cur = ChartBuilder::on(&bottom)
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(0.0..t_end, i0..i1)
            .map_err(s)?;
        cur.configure_mesh()
            .x_desc(format!("Time ({time_unit})"))
            .y_desc(format!("I ({i_unit})"))
            .y_labels(4)
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        for (c, tr) in result.traces.iter().enumerate() {
            let color = PALETTE[(c + 3) % PALETTE.len()];
            // The current is constant over each step: draw it as a staircase.
            let pts = tr.input.iter().enumerate().flat_map(|(k, i)| {
                let i = i.as_f64();
                [(k as f64 * dt, i), ((k + 1) as f64 * dt, i)]
            });
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
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let colour = |i: usize| viridis((values[i] - lo) / (hi - lo));
    map_on_grid(grid, data, title, &colour, Some((lo, hi, value_label)))
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
/// `cell_colour(index)`, the data on top, and a colour bar `(lo, hi, label)` when given.
fn map_on_grid(
    grid: &Grid,
    data: &Blobs,
    title: &str,
    cell_colour: &dyn Fn(usize) -> RGBColor,
    bar: Option<(f64, f64, &str)>,
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
    Chart::draw(title, (WIDTH, 560), |area| {
        let (main, bar_area) = match bar {
            Some(_) => area.split_horizontally(WIDTH - 110),
            None => area.split_horizontally(WIDTH),
        };
        let mut chart = ChartBuilder::on(&main)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(l..r, b..t)
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("Feature 1 (a.u.)")
            .y_desc("Feature 2 (a.u.)")
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
                class_points(
                    &mut chart,
                    &pts,
                    class,
                    4,
                    true,
                    false,
                    Some(format!("Class {class}")),
                )?;
            }
        }
        if data.n_classes > 0 {
            let pts = data.x.rows().into_iter().map(|r| (r[0], r[1]));
            legend(&mut chart, emptiest_corner(pts, grid.bounds))?;
        }
        let Some((lo, hi, value_label)) = bar else {
            return Ok(());
        };
        // The colour bar: a column of 64 swatches spanning the value range, with ticks.
        let mut cb = ChartBuilder::on(&bar_area)
            .margin_top(12)
            .margin_bottom(57)
            .margin_right(10)
            .y_label_area_size(0)
            .right_y_label_area_size(60)
            .build_cartesian_2d(0.0..1.0, lo..hi)
            .map_err(s)?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(value_label)
            .y_labels(6)
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        let n = 64;
        let step = (hi - lo) / n as f64;
        cb.draw_series((0..n).map(|i| {
            let y0 = lo + i as f64 * step;
            Rectangle::new(
                [(0.0, y0), (1.0, y0 + step)],
                viridis((i as f64 + 0.5) / n as f64).filled(),
            )
        }))
        .map_err(s)?;
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
    Chart::draw(title, (WIDTH, 460), |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, 0.0..y1 * 1.08)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("Input current I (nA)")
            .y_desc("Firing rate (Hz)")
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
                .map_err(s)?
                .label("closed form 1/(t_ref + T)")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(2))
                });
        }
        chart
            .draw_series(
                currents_na
                    .iter()
                    .zip(simulated_hz)
                    .map(|(&i, &r)| Circle::new((i, r), 4, SPIKE_COLOR.filled())),
            )
            .map_err(s)?
            .label("simulated")
            .legend(|(x, y)| Circle::new((x + 7, y), 4, SPIKE_COLOR.filled()));
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Encoding view: the input intensities of each channel (bars, left) and their spike trains
/// under each named encoding (rasters, side by side). Every encoding must have as many steps
/// as the first; channels may differ (delta coding doubles them into ON and OFF).
///
/// # Errors
/// No encodings, no inputs, non-finite inputs, or encodings of different lengths.
pub fn encoding_view(
    inputs: &[f64],
    encodings: &[(&str, &SpikeMatrix)],
    title: &str,
) -> Result<Chart> {
    if inputs.is_empty() {
        return Err(SnnError::Empty { name: "inputs" });
    }
    if encodings.is_empty() {
        return Err(SnnError::Empty { name: "encodings" });
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
    Chart::draw(title, (WIDTH, 380), |area| {
        let panels = encodings.len() + 1;
        let first_w = WIDTH as i32 / (panels as i32 + 1) + 20;
        let rest_w = (WIDTH as i32 - 16 - first_w) / encodings.len() as i32;
        let mut cuts = vec![first_w];
        for p in 1..encodings.len() {
            cuts.push(first_w + rest_w * p as i32);
        }
        let areas = area.split_by_breakpoints(cuts, Vec::<i32>::new());
        let mut bars = ChartBuilder::on(&areas[0])
            .caption("input", (FONT, 15))
            .margin(8)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(0.0..in_max * 1.05, -0.5..(n_in as f64 - 0.5))
            .map_err(s)?;
        bars.configure_mesh()
            .disable_mesh()
            .x_labels(3)
            .y_labels(n_in.min(20))
            .y_label_formatter(&|y| format!("ch {:.0}", y))
            .x_desc("intensity")
            .axis_desc_style((FONT, 14))
            .label_style((FONT, 12))
            .draw()
            .map_err(s)?;
        bars.draw_series(inputs.iter().enumerate().map(|(c, &x)| {
            Rectangle::new(
                [(0.0, c as f64 - 0.35), (x, c as f64 + 0.35)],
                GREY.filled(),
            )
        }))
        .map_err(s)?;
        for (p, (name, m)) in encodings.iter().enumerate() {
            let ch = m.channels().max(1);
            let dt = m.dt;
            let t_end = steps as f64 * dt;
            let color = PALETTE[(p + 3) % PALETTE.len()];
            let mut chart = ChartBuilder::on(&areas[p + 1])
                .caption(*name, (FONT, 15))
                .margin(8)
                .margin_right(20)
                .x_label_area_size(40)
                .y_label_area_size(35)
                .build_cartesian_2d(0.0..t_end, -0.5..(ch as f64 - 0.5))
                .map_err(s)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(3)
                .y_labels(ch.min(20))
                .y_label_formatter(&|y| format!("{:.0}", y))
                .x_desc("Time (ms)")
                .axis_desc_style((FONT, 14))
                .label_style((FONT, 12))
                .draw()
                .map_err(s)?;
            let ev = m.events();
            chart
                .draw_series(ev.iter().map(|(c, k)| {
                    let t = (k as f64 + 0.5) * dt;
                    PathElement::new(
                        vec![(t, c as f64 - 0.38), (t, c as f64 + 0.38)],
                        color.stroke_width(2),
                    )
                }))
                .map_err(s)?;
        }
        Ok(())
    })
}

/// Training curve: accuracy by epoch (left axis, 0 to 1), and the loss on a second line when
/// given (scaled to its own maximum, noted in the legend).
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
    Chart::draw(title, (WIDTH, 420), |area| {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(0.5..(n as f64 + 0.5), 0.0..1.05)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("Epoch")
            .y_desc("Accuracy (fraction correct)")
            .x_label_formatter(&|x| format!("{:.0}", x))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        let line = |xs: &[f64]| {
            xs.iter()
                .enumerate()
                .map(|(e, &a)| ((e + 1) as f64, a))
                .collect::<Vec<_>>()
        };
        let c0 = PALETTE[3];
        chart
            .draw_series(LineSeries::new(line(train_accuracy), c0.stroke_width(2)).point_size(3))
            .map_err(s)?
            .label("train accuracy")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], c0.stroke_width(2)));
        if let Some(t) = test_accuracy {
            let c1 = PALETTE[0];
            chart
                .draw_series(LineSeries::new(line(t), c1.stroke_width(2)).point_size(3))
                .map_err(s)?
                .label("test accuracy")
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], c1.stroke_width(2))
                });
        }
        if let Some(l) = loss {
            let scaled: Vec<f64> = l.iter().map(|v| v / loss_max).collect();
            chart
                .draw_series(DashedLineSeries::new(
                    line(&scaled),
                    6,
                    4,
                    GREY.stroke_width(2),
                ))
                .map_err(s)?
                .label(format!("loss / {loss_max:.3}"))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], GREY.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)
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
                let v = c.count(t, p) as f64;
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
                        format!("{}", c.count(t, p)),
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
    Chart::draw(title, (WIDTH, 480), |area| {
        let mut chart = ChartBuilder::on(area)
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
        for (k, (name, pts)) in series.iter().enumerate() {
            let color = if k == 0 {
                BLACK
            } else {
                PALETTE[(k - 1) % PALETTE.len()]
            };
            chart
                .draw_series(
                    LineSeries::new(pts.iter().copied(), color.stroke_width(2)).point_size(4),
                )
                .map_err(s)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 13))
            .draw()
            .map_err(s)
    })
}
