//! Membrane-potential traces with threshold, reset, spikes and the input current.

use super::legend::{legend_band, Dash, Key};
use super::*;

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
    let r = result.to_f64();
    membrane_until(&r, v_unit, i_unit, time_unit, title, r.steps())
}

/// [`membrane`] drawn up to the end of step `upto` (0 to `result.steps()`), on the axes of the
/// whole run, so frames of an animation line up.
pub(crate) fn membrane_until(
    result: &SimResult<f64>,
    v_unit: &str,
    i_unit: &str,
    time_unit: &str,
    title: &str,
    upto: usize,
) -> Result<Chart> {
    if result.traces().is_empty() {
        return Err(SnnError::Empty {
            name: "traces (record some with Record::with_traces)",
        });
    }
    for tr in result.traces() {
        check_finite("trace", tr.v().iter().copied())?;
        check_finite("input", tr.input().iter().copied())?;
        check_finite("crossing", tr.crossings().iter().map(|c| c.1))?;
    }
    let dt = result.dt();
    let t_end = result.steps() as f64 * dt;
    let v_th = result.v_th();
    let v_reset = result.v_reset();
    let (vlo, vhi) = min_max(
        result
            .traces()
            .iter()
            .flat_map(|t| {
                t.v()
                    .iter()
                    .copied()
                    .chain(t.crossings().iter().map(|c| c.1))
            })
            .chain([v_th, v_reset]),
    );
    let (v0, v1) = padded(vlo, vhi, 0.12);
    // Room above the highest value for the spike strokes.
    let v1 = v1 + (vhi - vlo).max(1e-9) * 0.12;
    let (ilo, ihi) = min_max(
        result
            .traces()
            .iter()
            .flat_map(|t| t.input().iter().copied())
            .chain([0.0]),
    );
    let (i0, i1) = padded(ilo, ihi, 0.1);
    // Each trace as a path: up to the value that crossed the threshold at the end of the
    // spike's step, then straight down to the reset value recorded at the same time.
    let paths: Vec<Vec<(f64, f64)>> = result
        .traces()
        .iter()
        .map(|tr| {
            let mut crossings = tr.crossings().iter().peekable();
            let mut pts = Vec::with_capacity(tr.v().len() + 2 * tr.crossings().len());
            for (k, &v) in tr.v().iter().enumerate().take(upto + 1) {
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
        .traces()
        .iter()
        .flat_map(|tr| {
            tr.crossings()
                .iter()
                .filter(move |c| (c.0 as usize) < upto)
                .map(move |&(st, peak)| ((st as f64 + 1.0) * dt, peak))
        })
        .collect();
    let mut keys: Vec<(String, Key)> = result
        .traces()
        .iter()
        .enumerate()
        .map(|(c, tr)| {
            let label = if result.traces().len() == 1 {
                "V".to_string()
            } else {
                format!("V, neuron {}", tr.neuron())
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
        for (c, tr) in result.traces().iter().enumerate() {
            let color = PALETTE[(c + 3) % PALETTE.len()];
            // The current is constant over each step: draw it as a staircase.
            let pts = tr
                .input()
                .iter()
                .take(upto)
                .enumerate()
                .flat_map(|(k, &i)| [(k as f64 * dt, i), ((k + 1) as f64 * dt, i)]);
            cur.draw_series(LineSeries::new(pts, color.stroke_width(2)))
                .map_err(s)?;
        }
        Ok(())
    })
}
