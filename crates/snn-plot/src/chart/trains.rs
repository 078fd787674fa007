//! Spike trains, stacked trains and raster plots.

use super::legend::{legend_band, Key};
use super::*;

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
    snn_sim::check::nonzero("neurons", n)?;
    snn_sim::check::nonzero("steps", steps)?;
    snn_sim::check::nonzero("bins", bins)?;
    snn_sim::check::positive("dt", "", dt)?;
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
