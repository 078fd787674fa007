//! Values where the data says: the dots, lines and bars of the f-I curve (notebook 02), the
//! training curve (05, 08) and the regime bars (06), parsed out of the SVG and mapped back
//! through the chart's own tick labels, must give back the numbers they were drawn from, so a
//! bar of the wrong height, a point on the wrong axis or a series drawn from the wrong data
//! fails, not only a missing chart.

use snn_core::{chart, RegimeStats};

mod svg;
use svg::{parse, Svg, Text};

/// An axis, `px = a + b * value`, fitted to numeric tick labels (value, pixel), with every
/// tick checked against the fit.
#[derive(Clone, Copy, Debug)]
struct Axis {
    a: f64,
    b: f64,
}

impl Axis {
    fn fit(ticks: &[(f64, f64)]) -> Axis {
        assert!(ticks.len() >= 2, "need two tick labels, got {ticks:?}");
        let (v0, p0) = ticks[0];
        let (v1, p1) = ticks[ticks.len() - 1];
        let b = (p1 - p0) / (v1 - v0);
        let axis = Axis { a: p0 - b * v0, b };
        for &(v, p) in ticks {
            assert!(
                (axis.px(v) - p).abs() <= 1.0,
                "tick {v} at {p}, axis says {}",
                axis.px(v)
            );
        }
        axis
    }
    fn px(self, v: f64) -> f64 {
        self.a + self.b * v
    }
    fn value(self, px: f64) -> f64 {
        (px - self.a) / self.b
    }
    /// The value one pixel (plus SVG's whole-pixel rounding) spans.
    fn tol(self) -> f64 {
        1.5 / self.b.abs()
    }
}

/// Numeric labels with `anchor`, as (value, pixel along the axis), within `x_range`.
fn ticks(svg: &Svg, anchor: &str, x_range: (f64, f64), along_y: bool) -> Vec<(f64, f64)> {
    let mut t: Vec<(f64, f64)> = svg
        .texts
        .iter()
        .filter(|t| t.anchor == anchor && t.x >= x_range.0 && t.x < x_range.1)
        .filter_map(|t| Some((t.s.parse::<f64>().ok()?, if along_y { t.y } else { t.x })))
        .collect();
    t.sort_by(|p, q| p.0.total_cmp(&q.0));
    t
}

/// The x axis: the centred numeric labels of the lowest row.
fn x_axis(svg: &Svg) -> Axis {
    let bottom = svg
        .texts
        .iter()
        .filter(|t| t.anchor == "middle" && t.s.parse::<f64>().is_ok())
        .map(|t| t.y)
        .fold(f64::MIN, f64::max);
    let row: Vec<(f64, f64)> = svg
        .texts
        .iter()
        .filter(|t| t.anchor == "middle" && t.y == bottom)
        .filter_map(|t| Some((t.s.parse::<f64>().ok()?, t.x)))
        .collect();
    Axis::fit(&row)
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: drawn at {got}, the data says {want} (±{tol})"
    );
}

/// Below the legend band: the y of the lowest legend label plus a row.
fn below_legend(svg: &Svg, labels: &[&str]) -> f64 {
    labels
        .iter()
        .map(|l| {
            svg.texts
                .iter()
                .find(|t| t.s == *l)
                .expect("legend label")
                .y
                + 16.0
        })
        .fold(f64::MIN, f64::max)
}

#[test]
fn fi_curve_dots_and_line_are_the_data() {
    let currents = [0.5, 1.2, 2.0, 3.1, 4.0];
    let simulated = [0.0, 14.0, 51.0, 88.0, 117.0];
    let closed: Vec<(f64, f64)> = (0..=30)
        .map(|i| {
            let i_na = 0.5 + 3.5 * f64::from(i) / 30.0;
            (i_na, (40.0 * (i_na - 1.0)).max(0.0))
        })
        .collect();
    let svg = parse(
        chart::fi_curve(&currents, &simulated, &closed, "f-I")
            .unwrap()
            .svg(),
    );
    let x = x_axis(&svg);
    let y = Axis::fit(&ticks(&svg, "end", (0.0, 100.0), true));
    let top = below_legend(&svg, &["simulated", "closed form r(I)"]);
    let dots: Vec<(f64, f64)> = svg
        .dots
        .iter()
        .filter(|d| d.0 == "#D55E00" && d.2 > top)
        .map(|d| (d.1, d.2))
        .collect();
    assert_eq!(dots.len(), currents.len(), "one dot per simulated current");
    for ((px, py), (&i, &r)) in dots.iter().zip(currents.iter().zip(&simulated)) {
        close(x.value(*px), i, x.tol(), "a dot's current (nA)");
        close(y.value(*py), r, y.tol(), "a dot's rate (Hz)");
    }
    let line = svg
        .lines
        .iter()
        .find(|l| l.stroke == "#000000" && l.points.len() == closed.len())
        .expect("the closed form as one line through every point");
    for (&(px, py), &(i, r)) in line.points.iter().zip(&closed) {
        close(x.value(px), i, x.tol(), "the closed form's current");
        close(y.value(py), r, y.tol(), "the closed form's rate");
    }
}

#[test]
fn training_curve_series_sit_on_their_own_axes() {
    let train = [0.52, 0.81, 0.9, 0.94, 0.955];
    let held = [0.5, 0.78, 0.86, 0.92, 0.93];
    let loss = [0.69, 0.41, 0.3, 0.22, 0.19];
    let svg = parse(
        chart::training_curve(&train, Some(&held), Some(&loss), "tc")
            .unwrap()
            .svg(),
    );
    let x = x_axis(&svg);
    let left = Axis::fit(&ticks(&svg, "end", (0.0, 100.0), true));
    let right = Axis::fit(&ticks(&svg, "start", (600.0, 760.0), true));
    let top = below_legend(&svg, &["train accuracy (left)", "training loss (right)"]);
    let series = |stroke: &str| -> Vec<(f64, f64)> {
        svg.lines
            .iter()
            .filter(|l| l.stroke == stroke && l.points.iter().all(|p| p.1 > top))
            .flat_map(|l| l.points.iter().copied())
            .collect()
    };
    for (stroke, values, what) in [("#0072B2", &train, "train"), ("#E69F00", &held, "held-out")] {
        let points = series(stroke);
        assert_eq!(points.len(), values.len(), "{what}: one point per epoch");
        for (k, (&(px, py), &v)) in points.iter().zip(values.iter()).enumerate() {
            close(
                x.value(px),
                (k + 1) as f64,
                x.tol(),
                &format!("{what} epoch"),
            );
            close(
                left.value(py),
                v,
                left.tol(),
                &format!("{what} accuracy, epoch {}", k + 1),
            );
        }
    }
    // The loss is dashed: every dash end lies on the loss curve, read on the right axis.
    let dashes = series("#888888");
    assert!(
        dashes.len() > 20,
        "a dashed loss curve, got {} points",
        dashes.len()
    );
    let on_curve = |e: f64| {
        let k = ((e - 1.0).floor() as usize).min(loss.len() - 2);
        loss[k] + (loss[k + 1] - loss[k]) * (e - 1.0 - k as f64)
    };
    for &(px, py) in &dashes {
        close(
            right.value(py),
            on_curve(x.value(px)),
            2.0 * right.tol(),
            "a loss dash",
        );
    }
    let first = dashes[0];
    close(x.value(first.0), 1.0, x.tol(), "the loss starts at epoch 1");
}

#[test]
fn regime_bars_are_as_tall_as_their_values_and_sit_over_their_labels() {
    let row = |label: &str, r: f64, cv: Option<f64>, s: Option<f64>| RegimeStats {
        label: label.to_string(),
        rate_hz: r,
        cv_isi: cv,
        synchrony: s,
    };
    let rows = vec![
        row("A", 312.5, Some(0.02), Some(0.81)),
        row("B", 38.0, Some(0.41), Some(0.56)),
        row("C", 59.9, Some(0.84), Some(0.41)),
        row("D", 5.1, None, None),
    ];
    let c = chart::regime_bars(&rows, "regimes").unwrap();
    let (width, _) = c.size().unwrap();
    let svg = parse(c.svg());
    let panel = f64::from(width) / 3.0;
    let columns: [Vec<Option<f64>>; 3] = [
        rows.iter().map(|r| Some(r.rate_hz)).collect(),
        rows.iter().map(|r| r.cv_isi).collect(),
        rows.iter().map(|r| r.synchrony).collect(),
    ];
    for (p, values) in columns.iter().enumerate() {
        let range = (p as f64 * panel, (p + 1) as f64 * panel);
        let y = Axis::fit(&ticks(&svg, "end", range, true));
        // The panel's bars, left to right (the white background is not a bar).
        let mut bars: Vec<[f64; 4]> = svg
            .rects
            .iter()
            .filter(|r| r.0 != "#FFFFFF" && r.1[0] >= range.0 && r.1[0] < range.1)
            .map(|r| r.1)
            .collect();
        bars.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let shown: Vec<(usize, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .collect();
        assert_eq!(bars.len(), shown.len(), "panel {p}: one bar per value");
        // Row labels under the bars, in the rows' order.
        let bottom = svg
            .texts
            .iter()
            .filter(|t| t.anchor == "middle" && t.x >= range.0 && t.x < range.1 && t.s == "A")
            .map(|t| t.y)
            .next()
            .expect("row labels");
        let labels: Vec<&Text> = svg
            .texts
            .iter()
            .filter(|t| t.anchor == "middle" && t.y == bottom && t.x >= range.0 && t.x < range.1)
            .collect();
        let names: Vec<&str> = labels.iter().map(|t| t.s.as_str()).collect();
        assert_eq!(
            names,
            ["A", "B", "C", "D"],
            "panel {p}: labels in the rows' order"
        );
        for (bar, &(i, v)) in bars.iter().zip(&shown) {
            let [bx, by, bw, bh] = *bar;
            close(
                y.value(by),
                v,
                y.tol(),
                &format!("panel {p}, {}: bar top", rows[i].label),
            );
            close(
                y.value(by + bh),
                0.0,
                y.tol(),
                &format!("panel {p}: bar foot"),
            );
            close(
                bx + bw / 2.0,
                labels[i].x,
                2.0,
                &format!("panel {p}: bar over its label"),
            );
            // Its value written over it.
            let text = format!("{v:.2}");
            assert!(
                svg.texts
                    .iter()
                    .any(|t| t.s == text && t.x >= bx - 10.0 && t.x < bx + bw && t.y < by),
                "panel {p}: {text} over the bar of {}",
                rows[i].label
            );
        }
    }
}

/// The digits chart: every pixel a square whose grey is its ink (1 black, 0 white), in its
/// tile's row and column, and every caption under its own tile in the colour of its answer.
#[test]
fn digit_tiles_show_their_pixels_and_captions() {
    use snn_core::chart::{digits, Tile, RIGHT_COLOR, WRONG_COLOR};
    let d = snn_core::Blobs::digits().unwrap();
    let tiles: Vec<Tile> = (0..11)
        .map(|i| Tile {
            pixels: d.x().row(i).iter().map(|p| p / 16.0).collect(),
            caption: format!("tile {i}"),
            right: i % 3 != 0,
        })
        .collect();
    let svg = parse(digits(&tiles, 8, "digits").unwrap().svg());
    // 64 squares per tile, in tile order, then one outline per tile.
    let squares: Vec<&(String, [f64; 4])> = svg
        .rects
        .iter()
        .filter(|(fill, _)| fill != "none")
        .collect();
    let squares: Vec<_> = squares.into_iter().skip(1).collect(); // the background
    assert_eq!(squares.len(), 11 * 64, "one square per pixel");
    let hex = |(r, g, b): (u8, u8, u8)| format!("#{r:02X}{g:02X}{b:02X}");
    for (i, tile) in tiles.iter().enumerate() {
        let sq = &squares[i * 64..(i + 1) * 64];
        let (x0, y0) = (sq[0].1[0], sq[0].1[1]);
        let w = sq[0].1[2];
        for (k, (fill, r)) in sq.iter().enumerate() {
            let g = (255.0 * (1.0 - tile.pixels[k])).round() as u8;
            assert_eq!(
                fill,
                &format!("#{g:02X}{g:02X}{g:02X}"),
                "tile {i} pixel {k}"
            );
            let (row, col) = ((k / 8) as f64, (k % 8) as f64);
            assert!(
                (r[0] - (x0 + col * w)).abs() < 0.6,
                "tile {i} pixel {k} column"
            );
            assert!(
                (r[1] - (y0 + row * w)).abs() < 0.6,
                "tile {i} pixel {k} row"
            );
        }
        let caption = svg.texts.iter().find(|t| t.s == tile.caption).unwrap();
        assert!(
            (caption.x - (x0 + 4.0 * w)).abs() < w,
            "caption {i} centred under its tile"
        );
        assert!(caption.y > y0 + 8.0 * w - 1.0, "caption {i} under its tile");
        let c = if tile.right { RIGHT_COLOR } else { WRONG_COLOR };
        let want = hex((c.0, c.1, c.2));
        assert_eq!(caption.fill, want, "caption {i} colour");
    }
    assert!(digits(&tiles[..1], 7, "bad").is_err());
    let mut bad = tiles[0].clone();
    bad.pixels[3] = 1.5;
    assert!(digits(&[bad], 8, "bad").is_err());
    assert!(digits(&[], 8, "none").is_err());
}
