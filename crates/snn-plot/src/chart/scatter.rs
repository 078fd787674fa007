//! The blob scatter plot.

use super::legend::{class_keys, legend_band};
use super::*;

/// Scatter plot of labelled 2-D points coloured (and shaped) by class: the original's
/// "Synthetic 2D Blob Data". `held_out`, when given, is drawn hollow and labelled as the test
/// split.
///
/// # Errors
/// Empty data, fewer than two feature columns, or non-finite coordinates.
pub fn blob_scatter(data: &Blobs, held_out: Option<&Blobs>) -> Result<Chart> {
    data_scatter(data, held_out, "Synthetic 2D Blob Data")
}

/// Scatter plot of the first two features of a labelled data set, coloured and shaped by
/// class, under `title`: the axes carry the data set's own feature names and the legend its
/// class names (for Iris, pick the two features first with [`Blobs::columns`]). `held_out`,
/// when given, is drawn hollow.
///
/// # Errors
/// As [`blob_scatter`].
pub fn data_scatter(data: &Blobs, held_out: Option<&Blobs>, title: &str) -> Result<Chart> {
    let sets: Vec<&Blobs> = std::iter::once(data).chain(held_out).collect();
    for b in &sets {
        if b.is_empty() {
            return Err(SnnError::Empty { name: "data" });
        }
        if b.x().ncols() < 2 {
            return Err(SnnError::TooFew {
                name: "feature columns",
                min: 2,
                got: b.x().ncols(),
            });
        }
        check_finite("data", b.x().iter().copied())?;
    }
    let (x0, x1) = padded_of(&sets, 0);
    let (y0, y1) = padded_of(&sets, 1);
    let k = sets.iter().map(|b| b.n_classes()).max().unwrap_or(1);
    let keys = class_keys(&sets, held_out.is_some());
    let (x_desc, y_desc) = feature_axes(data);
    Chart::draw(title, (WIDTH, 540), |area| {
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
            .x_desc(x_desc.as_str())
            .y_desc(y_desc.as_str())
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(s)?;
        for (set_i, b) in sets.iter().enumerate() {
            for class in 0..k {
                let pts: Vec<(f64, f64)> = b
                    .x()
                    .rows()
                    .into_iter()
                    .zip(b.y())
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
    let (lo, hi) = min_max(sets.iter().flat_map(|b| b.x().column(col).to_vec()));
    padded(lo, hi, 0.06)
}
