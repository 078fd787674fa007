//! Input intensities and their spike trains under several encodings.

use super::*;

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
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < rows && c.is_multiple_of(stride(rows))
        {
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
