//! Decision maps over a grid: spike counts with a colour bar, or classes as tints.

use super::legend::{class_keys, legend_band};
use super::*;

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
    check_finite("data", data.x().iter().copied())?;
    if data.x().ncols() < 2 && !data.is_empty() {
        return Err(SnnError::TooFew {
            name: "feature columns",
            min: 2,
            got: data.x().ncols(),
        });
    }
    let [l, r, b, t] = grid.bounds();
    let (nx, ny) = (grid.xs().len(), grid.ys().len());
    let (cw, ch) = ((r - l) / nx as f64, (t - b) / ny as f64);
    let keys = class_keys(&[data], false);
    let (x_desc, y_desc) = feature_axes(data);
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
            .x_desc(x_desc.as_str())
            .y_desc(y_desc.as_str())
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .draw()
            .map_err(s)?;
        // One rectangle per run of same-coloured cells along a row: the same picture (the
        // runs cover exactly the cells' pixels) in a fraction of the SVG, which matters most
        // when many maps go into one sweep.
        let mut runs = Vec::new();
        for (iy, &y) in grid.ys().iter().enumerate() {
            let mut ix = 0;
            while ix < nx {
                let colour = cell_colour(iy * nx + ix);
                let mut end = ix + 1;
                while end < nx && cell_colour(iy * nx + end) == colour {
                    end += 1;
                }
                let (x0, x1) = (grid.xs()[ix] - cw / 2.0, grid.xs()[end - 1] + cw / 2.0);
                runs.push(Rectangle::new(
                    [(x0, y - ch / 2.0), (x1, y + ch / 2.0)],
                    colour.filled(),
                ));
                ix = end;
            }
        }
        chart.draw_series(runs).map_err(s)?;
        for class in 0..data.n_classes() {
            let pts: Vec<(f64, f64)> = data
                .x()
                .rows()
                .into_iter()
                .zip(data.y())
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
