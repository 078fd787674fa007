//! The confusion matrix.

use super::*;

/// Confusion matrix as a grid of cells shaded by count, each labelled with its count.
///
/// # Errors
/// An empty matrix.
pub fn confusion(c: &snn_learn::Confusion, title: &str) -> Result<Chart> {
    let k = c.k();
    if k == 0 || c.counts().len() != k * k {
        return Err(SnnError::Empty {
            name: "confusion matrix",
        });
    }
    let max = c.counts().iter().copied().max().unwrap_or(0).max(1) as f64;
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
