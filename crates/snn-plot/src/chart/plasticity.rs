//! Charts of plasticity: the STDP window, weight histograms and weights over time.

use plotters::prelude::*;

use super::legend::{legend_band, Dash, Key};
use super::{check_finite, s, tick, viridis, Chart, FONT, GREY, PALETTE, WIDTH};
use snn_sim::network::Stdp;
use snn_sim::{Result, SnnError};

/// The STDP window: the simulated weight changes (`(Δt ms, Δw)`, dots) over the closed form
/// of `rule` (a line, drawn every 0.1 ms over the same span), with `Δt = t_post − t_pre`.
///
/// # Errors
/// No points, or a point that is not finite.
pub fn stdp_window(simulated: &[(f64, f64)], rule: &Stdp, title: &str) -> Result<Chart> {
    if simulated.is_empty() {
        return Err(SnnError::Empty { name: "points" });
    }
    check_finite("dt", simulated.iter().map(|p| p.0))?;
    check_finite("dw", simulated.iter().map(|p| p.1))?;
    let x0 = simulated.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x1 = simulated
        .iter()
        .map(|p| p.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let steps = (((x1 - x0) * 10.0).round() as usize).clamp(1, 20_000);
    let mut curve: Vec<(f64, f64)> = (0..=steps)
        .map(|k| {
            let x = x0 + (x1 - x0) * k as f64 / steps as f64;
            (x, rule.window(x))
        })
        .collect();
    // The jump at 0 drawn as a vertical line: both sides' limits at Δt = 0.
    if x0 < 0.0 && x1 >= 0.0 {
        let at = curve.partition_point(|p| p.0 < 0.0);
        curve.insert(at, (0.0, rule.window(-1e-12)));
    }
    let ys = simulated
        .iter()
        .map(|p| p.1)
        .chain(curve.iter().map(|p| p.1));
    let (lo, hi) = ys.fold((0.0f64, 0.0f64), |(a, b), y| (a.min(y), b.max(y)));
    let pad = 0.08 * (hi - lo).max(1e-12);
    let keys = vec![
        (
            "closed form: A+ e^(−Δt/τ+), −A− e^(Δt/τ−)".to_string(),
            Key::Line(PALETTE[3], 2, Dash::Solid),
        ),
        ("simulated pair".to_string(), Key::Dot(PALETTE[4])),
    ];
    Chart::draw(title, (WIDTH, 440), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, (lo - pad)..(hi + pad))
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("Δt = t_post − t_pre (ms)")
            .y_desc("weight change Δw")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| {
                // A tick at zero lands a rounding error away from it.
                if y.abs() < 1e-9 * (hi - lo).max(1e-300) {
                    "0".into()
                } else {
                    tick(*y)
                }
            })
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        chart
            .draw_series(LineSeries::new(
                [(x0, 0.0), (x1, 0.0)],
                GREY.stroke_width(1),
            ))
            .map_err(s)?;
        // Hollow dots under the line, so both show where they agree.
        chart
            .draw_series(
                simulated
                    .iter()
                    .map(|&p| Circle::new(p, 4, PALETTE[4].stroke_width(2))),
            )
            .map_err(s)?;
        chart
            .draw_series(LineSeries::new(curve, PALETTE[3].stroke_width(2)))
            .map_err(s)?;
        Ok(())
    })
}

/// Histograms of weights over `w_max` (each in [0, 1]) on `bins` equal bins, overlaid: the
/// first in grey (for example the start), the others in colour as outlines, each named in the
/// legend with its share of weights below 0.1 and above 0.9.
///
/// # Errors
/// No series, an empty series, zero bins or more than 1,000, or a weight outside [0, 1].
pub fn weight_histogram(series: &[(String, Vec<f64>)], bins: usize, title: &str) -> Result<Chart> {
    weight_histogram_up_to(series, bins, 0, title)
}

/// The largest count of any of `bins` equal bins of weights over `w_max` (each in [0, 1]):
/// the `count_max` that keeps the axes of [`weight_histogram_up_to`] frames the same.
pub fn histogram_peak(w_over_wmax: &[f64], bins: usize) -> usize {
    let bins = bins.max(1);
    let mut c = vec![0usize; bins];
    for &x in w_over_wmax {
        c[((x.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1)] += 1;
    }
    c.into_iter().max().unwrap_or(0)
}

/// As [`weight_histogram`], with the count axis reaching at least `count_max` (for
/// example the [`histogram_peak`] over every frame of a sweep), so frames drawn with the
/// same `count_max` share their axes and can be compared bar for bar.
///
/// # Errors
/// As [`weight_histogram`].
pub fn weight_histogram_up_to(
    series: &[(String, Vec<f64>)],
    bins: usize,
    count_max: usize,
    title: &str,
) -> Result<Chart> {
    if series.is_empty() || series.iter().any(|(_, w)| w.is_empty()) {
        return Err(SnnError::Empty { name: "weights" });
    }
    if !(1..=1000).contains(&bins) {
        return Err(SnnError::OutOfRange {
            name: "bins",
            range: "[1, 1000]",
            value: bins as f64,
        });
    }
    for (_, w) in series {
        for &x in w {
            if !(0.0..=1.0).contains(&x) {
                return Err(SnnError::OutOfRange {
                    name: "w / w_max",
                    range: "[0, 1]",
                    value: x,
                });
            }
        }
    }
    let counts: Vec<Vec<usize>> = series
        .iter()
        .map(|(_, w)| {
            let mut c = vec![0usize; bins];
            for &x in w {
                c[((x * bins as f64) as usize).min(bins - 1)] += 1;
            }
            c
        })
        .collect();
    let top = counts
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(1)
        .max(count_max)
        .max(1) as f64
        * 1.1;
    let colour = |k: usize| {
        if k == 0 {
            GREY
        } else {
            PALETTE[(k - 1) % PALETTE.len()]
        }
    };
    let keys: Vec<(String, Key)> = series
        .iter()
        .enumerate()
        .map(|(k, (name, w))| {
            let n = w.len() as f64;
            let low = w.iter().filter(|&&x| x < 0.1).count() as f64 / n;
            let high = w.iter().filter(|&&x| x > 0.9).count() as f64 / n;
            (
                format!(
                    "{name}: {:.0}% below 0.1, {:.0}% above 0.9",
                    100.0 * low,
                    100.0 * high
                ),
                Key::Line(colour(k), 3, Dash::Solid),
            )
        })
        .collect();
    Chart::draw(title, (WIDTH, 420), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..1.0, 0.0..top)
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("weight / w_max")
            .y_desc("synapses")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        let width = 1.0 / bins as f64;
        for (k, c) in counts.iter().enumerate() {
            let style = if k == 0 {
                GREY.mix(0.45).filled()
            } else {
                colour(k).stroke_width(2)
            };
            chart
                .draw_series(c.iter().enumerate().filter(|(_, &n)| n > 0).map(|(b, &n)| {
                    Rectangle::new(
                        [(b as f64 * width, 0.0), ((b + 1) as f64 * width, n as f64)],
                        style,
                    )
                }))
                .map_err(s)?;
        }
        Ok(())
    })
}

/// Weights over time: one line per input in `picks` (weight over `w_max` at each snapshot),
/// coloured by its last value (viridis: 0 dark purple, 1 yellow), and the mean of all inputs
/// as a thick black line.
///
/// # Errors
/// Fewer than two snapshots, snapshots of different lengths or not matching `times_s`, a pick
/// beyond the inputs, or a value that is not finite.
pub fn weight_traces(
    times_s: &[f64],
    snapshots: &[Vec<f64>],
    picks: &[usize],
    title: &str,
) -> Result<Chart> {
    if snapshots.len() < 2 {
        return Err(SnnError::TooFew {
            name: "snapshots",
            min: 2,
            got: snapshots.len(),
        });
    }
    if times_s.len() != snapshots.len() {
        return Err(SnnError::LengthMismatch {
            name: "times_s",
            expected: snapshots.len(),
            got: times_s.len(),
        });
    }
    let n = snapshots[0].len();
    if n == 0 {
        return Err(SnnError::Empty { name: "weights" });
    }
    for s in snapshots {
        if s.len() != n {
            return Err(SnnError::LengthMismatch {
                name: "snapshot",
                expected: n,
                got: s.len(),
            });
        }
        check_finite("weight", s.iter().copied())?;
    }
    check_finite("time", times_s.iter().copied())?;
    if let Some(&p) = picks.iter().find(|&&p| p >= n) {
        return Err(SnnError::IndexOutOfRange {
            name: "pick",
            len: n,
            index: p,
        });
    }
    let (t0, t1) = (times_s[0], times_s[times_s.len() - 1]);
    let t1 = if t1 > t0 { t1 } else { t0 + 1.0 };
    let mean: Vec<(f64, f64)> = times_s
        .iter()
        .zip(snapshots)
        .map(|(&t, s)| (t, s.iter().sum::<f64>() / n as f64))
        .collect();
    let keys = vec![
        (
            "mean of all inputs".to_string(),
            Key::Line(BLACK, 4, Dash::Solid),
        ),
        (
            format!("{} inputs, coloured by final weight", picks.len()),
            Key::Line(viridis(0.6), 2, Dash::Solid),
        ),
    ];
    Chart::draw(title, (WIDTH, 420), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(t0..t1, -0.02..1.02)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc("time (s)")
            .y_desc("weight / w_max")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        for &p in picks {
            let last = snapshots[snapshots.len() - 1][p];
            chart
                .draw_series(LineSeries::new(
                    times_s.iter().zip(snapshots).map(|(&t, s)| (t, s[p])),
                    viridis(last).stroke_width(1),
                ))
                .map_err(s)?;
        }
        chart
            .draw_series(LineSeries::new(mean, BLACK.stroke_width(4)))
            .map_err(s)?;
        Ok(())
    })
}
