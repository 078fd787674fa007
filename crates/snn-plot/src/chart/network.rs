//! Network charts: a raster over the population rate on a shared time axis, and the
//! statistics of several runs side by side.

use super::legend::{legend_band, legend_height, legend_layout, Key};
use super::*;
use snn_sim::network::{NetworkResult, RegimeStats};

/// A raster of the first `per_pop` neurons of every population (one colour per population,
/// the first population at the bottom), over the population rate of each (Hz, in bins of
/// `bin_ms`), on a shared time axis from `from_ms` to `to_ms`. Spikes are drawn at the end of
/// their step, `(step + 1)·dt`. Needs a run that recorded spikes.
///
/// # Errors
/// `per_pop` zero, a window that is empty or outside the run, a bin shorter than one step or
/// longer than the window, or a run without recorded spikes.
pub fn network_raster(
    result: &NetworkResult,
    per_pop: usize,
    from_ms: f64,
    to_ms: f64,
    bin_ms: f64,
    title: &str,
) -> Result<Chart> {
    snn_sim::check::nonzero("neurons per population", per_pop)?;
    snn_sim::check::finite("from", from_ms)?;
    snn_sim::check::finite("to", to_ms)?;
    let dt = result.dt();
    let end = result.duration_ms();
    if !(from_ms >= 0.0 && to_ms > from_ms && to_ms <= end + 1e-9) {
        return Err(SnnError::OutOfRange {
            name: "window",
            range: "0 <= from < to <= the run's duration (ms)",
            value: if from_ms < 0.0 { from_ms } else { to_ms },
        });
    }
    snn_sim::check::positive("bin", " ms", bin_ms)?;
    let bin = (bin_ms / dt).round() as usize;
    let (s0, s1) = (
        (from_ms / dt).round() as usize,
        (to_ms / dt).round() as usize,
    );
    if bin == 0 || bin > s1 - s0 {
        return Err(SnnError::OutOfRange {
            name: "bin",
            range: "[dt, window] ms",
            value: bin_ms,
        });
    }
    let pops = result.populations();
    if pops.iter().all(|p| p.spikes().is_empty())
        && pops.iter().any(|p| p.active().iter().any(|&a| a > 0))
    {
        return Err(SnnError::Empty {
            name: "recorded spikes (run with NetRecord::spikes())",
        });
    }
    // Rows: population p's neuron j (j < per_pop) at row offset[p] + j.
    let shown: Vec<usize> = pops.iter().map(|p| p.n().min(per_pop)).collect();
    let rows: usize = shown.iter().sum();
    let mut marks: Vec<(f64, f64, usize)> = Vec::new();
    let mut offset = 0;
    for (p, (pop, &k)) in pops.iter().zip(&shown).enumerate() {
        for (j, st) in pop.spikes().iter() {
            let st = st as usize;
            if (j as usize) < k && st >= s0 && st < s1 {
                marks.push(((st + 1) as f64 * dt, (offset + j as usize) as f64, p));
            }
        }
        offset += k;
    }
    let rates: Vec<Vec<(f64, f64)>> = pops
        .iter()
        .map(|pop| {
            let n = pop.n() as f64;
            pop.active()[s0..s1]
                .chunks_exact(bin)
                .enumerate()
                .map(|(b, c)| {
                    let spikes: u32 = c.iter().sum();
                    let t = from_ms + (b as f64 + 0.5) * bin as f64 * dt;
                    (t, f64::from(spikes) / (n * bin as f64 * dt * 1e-3))
                })
                .collect()
        })
        .collect();
    let max_rate = rates
        .iter()
        .flatten()
        .map(|&(_, r)| r)
        .fold(0.0f64, f64::max)
        .max(1.0);
    let colour = |p: usize| PALETTE[p % PALETTE.len()];
    // The legend goes in a band above the raster, never over its spikes.
    let entries: Vec<(String, Key)> = pops
        .iter()
        .zip(&shown)
        .enumerate()
        .map(|(p, (pop, k))| {
            (
                format!("{} ({} of {})", pop.name(), k, pop.n()),
                Key::Mark(colour(p)),
            )
        })
        .collect();
    let (_, legend_rows) = legend_layout(&entries, WIDTH as i32 - 80);
    Chart::draw(title, (WIDTH, 560 + legend_height(legend_rows)), |area| {
        let area = legend_band(area, &entries)?;
        let (top, bottom) = area.split_vertically(360);
        let mut chart = ChartBuilder::on(&top)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(20)
            .y_label_area_size(60)
            .build_cartesian_2d(from_ms..to_ms, -0.5..(rows as f64 - 0.5))
            .map_err(s)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_desc("Neuron")
            .y_label_formatter(&|y| int_tick(*y))
            .x_label_formatter(&|_| String::new())
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        let h = if rows <= 120 { 0.4 } else { 0.5 };
        for p in 0..pops.len() {
            chart
                .draw_series(marks.iter().filter(|m| m.2 == p).map(|&(t, y, _)| {
                    PathElement::new(vec![(t, y - h), (t, y + h)], colour(p).stroke_width(2))
                }))
                .map_err(s)?;
        }
        let mut rate = ChartBuilder::on(&bottom)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(from_ms..to_ms, 0.0..max_rate * 1.1)
            .map_err(s)?;
        rate.configure_mesh()
            .disable_x_mesh()
            .x_desc("Time (ms)")
            .y_desc(format!("Rate (Hz, {} ms bins)", num(bin as f64 * dt)))
            .y_labels(5)
            .y_label_formatter(&|y| tick(*y))
            .x_label_formatter(&|x| tick(*x))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        for (p, series) in rates.iter().enumerate() {
            rate.draw_series(LineSeries::new(
                series.iter().copied(),
                colour(p).stroke_width(2),
            ))
            .map_err(s)?;
        }
        Ok(())
    })
}

/// Bars of mean rate (Hz), ISI coefficient of variation and synchrony, one bar per row of
/// `rows` (for example one per regime) labelled with its `label` (keep them short: a panel
/// is a third of the chart's width); a missing CV or synchrony (no neuron with three
/// spikes, a silent population) is drawn as no bar and labelled "n/a".
///
/// # Errors
/// No rows, or a value that is negative or not finite.
pub fn regime_bars(rows: &[RegimeStats], title: &str) -> Result<Chart> {
    if rows.is_empty() {
        return Err(SnnError::Empty { name: "rows" });
    }
    for r in rows {
        snn_sim::check::non_negative("rate", " Hz", r.rate_hz)?;
        for v in [r.cv_isi, r.synchrony].into_iter().flatten() {
            snn_sim::check::non_negative("statistic", "", v)?;
        }
    }
    let panels: [(&str, Vec<Option<f64>>); 3] = [
        (
            "Mean rate (Hz)",
            rows.iter().map(|r| Some(r.rate_hz)).collect(),
        ),
        ("CV of ISI", rows.iter().map(|r| r.cv_isi).collect()),
        ("Synchrony", rows.iter().map(|r| r.synchrony).collect()),
    ];
    let k = rows.len();
    Chart::draw(title, (WIDTH, 330), |area| {
        let parts = area.split_evenly((1, 3));
        for (part, (name, values)) in parts.iter().zip(&panels) {
            let top = values
                .iter()
                .flatten()
                .fold(0.0f64, |a, &b| a.max(b))
                .max(1e-9)
                * 1.2;
            let mut c = ChartBuilder::on(part)
                .margin(8)
                .caption(*name, (FONT, 15))
                .x_label_area_size(30)
                .y_label_area_size(44)
                .build_cartesian_2d((0..k - 1).into_segmented(), 0.0..top)
                .map_err(s)?;
            c.configure_mesh()
                .disable_x_mesh()
                .y_labels(5)
                .y_label_formatter(&|y| tick(*y))
                .x_label_formatter(&|x| match x {
                    SegmentValue::CenterOf(i) => {
                        rows.get(*i).map_or(String::new(), |r| r.label.clone())
                    }
                    _ => String::new(),
                })
                .label_style((FONT, 11))
                .draw()
                .map_err(s)?;
            c.draw_series(values.iter().enumerate().filter_map(|(i, v)| {
                v.map(|v| {
                    Rectangle::new(
                        [
                            (SegmentValue::Exact(i), 0.0),
                            (SegmentValue::Exact(i + 1), v),
                        ],
                        colour_of(i).filled(),
                    )
                })
            }))
            .map_err(s)?;
            // Centred over the bar by its width in characters (about 6 px each at 11 px).
            c.draw_series(values.iter().enumerate().map(|(i, v)| {
                let text = v.map_or("n/a".to_string(), |v| format!("{v:.2}"));
                let half = (text.chars().count() * 3) as i32;
                EmptyElement::at((SegmentValue::CenterOf(i), v.unwrap_or(0.0)))
                    + Text::new(text, (-half, -14), (FONT, 11))
            }))
            .map_err(s)?;
        }
        Ok(())
    })
}

fn colour_of(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}
