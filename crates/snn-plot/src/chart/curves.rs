//! Line charts: the f-I curve, the training curve and benchmark throughput.

use super::legend::{legend_band, Dash, Key};
use super::*;

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
            snn_sim::check::positive("neurons", "", x)?;
            snn_sim::check::positive("updates per second", "", y)?;
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

/// Several curves `y(x)` on shared linear axes, one colour each with a legend above the plot:
/// for example the PSP of each synapse kind, or membrane traces of a network.
///
/// # Errors
/// No series, an empty series, or a point that is not finite.
pub fn lines(
    series: &[(String, Vec<(f64, f64)>)],
    x_desc: &str,
    y_desc: &str,
    title: &str,
) -> Result<Chart> {
    if series.is_empty() || series.iter().any(|(_, p)| p.is_empty()) {
        return Err(SnnError::Empty { name: "series" });
    }
    for (_, pts) in series {
        for &(x, y) in pts {
            snn_sim::check::finite("x", x)?;
            snn_sim::check::finite("y", y)?;
        }
    }
    let (x0, x1) = min_max(series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)));
    let (y0, y1) = min_max(series.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)));
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let pad = if y1 > y0 { 0.08 * (y1 - y0) } else { 1.0 };
    let (y0, y1) = (y0 - pad, y1 + pad);
    let color_of = |k: usize| PALETTE[k % PALETTE.len()];
    let keys: Vec<(String, Key)> = series
        .iter()
        .enumerate()
        .map(|(k, (name, _))| (name.clone(), Key::Line(color_of(k), 2, Dash::Solid)))
        .collect();
    Chart::draw(title, (WIDTH, 440), |area| {
        let area = legend_band(area, &keys)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(s)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        for (k, (_, pts)) in series.iter().enumerate() {
            chart
                .draw_series(LineSeries::new(
                    pts.iter().copied(),
                    color_of(k).stroke_width(2),
                ))
                .map_err(s)?;
        }
        Ok(())
    })
}
