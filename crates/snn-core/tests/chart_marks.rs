//! Marks where the data says: the spike marks parsed out of a chart's SVG, mapped back through
//! the chart's own axis (its tick labels), must land on the data's spike steps and rows, so a
//! shifted, dropped, doubled or misplaced spike fails, not only a missing chart. Covered: the
//! spike train and stacked trains (notebook 01) and the raster (03).

use snn_core::{chart, rng};

mod svg;
use svg::{Line, Text};

/// The x axis as `px = a + b * value`, fitted to the integer tick labels under the plot (the
/// centred integer labels of the lowest row), with every tick checked against the fit.
fn x_axis(texts: &[Text]) -> (f64, f64) {
    let ticks: Vec<&Text> = texts
        .iter()
        .filter(|t| t.anchor == "middle" && t.s.parse::<i64>().is_ok())
        .collect();
    let bottom = ticks.iter().map(|t| t.y).fold(f64::MIN, f64::max);
    let row: Vec<(f64, f64)> = ticks
        .iter()
        .filter(|t| t.y == bottom)
        .map(|t| (t.s.parse::<f64>().unwrap(), t.x))
        .collect();
    assert!(row.len() >= 2, "need two x tick labels, got {}", row.len());
    let (v0, p0) = row[0];
    let (v1, p1) = row[row.len() - 1];
    let b = (p1 - p0) / (v1 - v0);
    let a = p0 - b * v0;
    for &(v, p) in &row {
        assert!(
            (a + b * v - p).abs() <= 1.0,
            "tick {v} at {p}, the axis says {}",
            a + b * v
        );
    }
    (a, b)
}

/// The x of each vertical mark of colour `stroke` whose top lies below `below_y` (under the
/// legend band), with its vertical centre.
fn marks(lines: &[Line], stroke: &str, below_y: f64) -> Vec<(f64, f64)> {
    lines
        .iter()
        .filter(|l| l.stroke == stroke && l.points.len() == 2)
        .filter(|l| l.points[0].0 == l.points[1].0)
        .filter(|l| l.points[0].1.min(l.points[1].1) > below_y)
        .map(|l| (l.points[0].0, (l.points[0].1 + l.points[1].1) / 2.0))
        .collect()
}

/// Below the legend: the y of the legend's own label text, plus its height.
fn legend_bottom(texts: &[Text], label: &str) -> f64 {
    texts
        .iter()
        .find(|t| t.s == label)
        .map(|t| t.y + 16.0)
        .expect("legend label")
}

fn assert_at(got: &[f64], want: &[f64], tol: f64, what: &str) {
    let mut got = got.to_vec();
    got.sort_by(f64::total_cmp);
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: {} marks for {} spikes",
        got.len(),
        want.len()
    );
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= tol,
            "{what}: a mark at x = {g}, the spike's step is at {w}"
        );
    }
}

fn random_train(n: usize, p: f64, seed: u64) -> Vec<u8> {
    use snn_core::rand::Rng;
    let mut r = rng(seed);
    (0..n).map(|_| r.gen_bool(p) as u8).collect()
}

/// A spike-train chart of `drawn`, and where its marks are against where `train`'s spikes
/// belong on that chart's own time axis: `(marks' x, spikes' x, pixels per step)`.
fn train_marks(drawn: &[u8], train: &[u8]) -> (Vec<f64>, Vec<f64>, f64) {
    let c = chart::spike_train(drawn, "t").unwrap();
    let svg::Svg { texts, lines, .. } = svg::parse(c.svg());
    let (a, b) = x_axis(&texts);
    let got: Vec<f64> = marks(&lines, "#D55E00", legend_bottom(&texts, "spike"))
        .into_iter()
        .map(|(x, _)| x)
        .collect();
    let want: Vec<f64> = (0..train.len())
        .filter(|&k| train[k] > 0)
        .map(|k| a + b * k as f64)
        .collect();
    (got, want, b)
}

#[test]
fn spike_train_marks_sit_on_their_steps() {
    let trains = [
        vec![0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
        vec![1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        random_train(25, 0.3, 1),
        random_train(60, 0.2, 2),
    ];
    for train in &trains {
        let (got, want, b) = train_marks(train, train);
        // Pixels are whole numbers: a mark and its tick may each be rounded by half a pixel;
        // one step is at least 11 pixels here, so a shifted spike is far outside.
        assert!(b >= 11.0, "{b} px per step");
        assert_at(&got, &want, 1.5, &format!("train {train:?}"));
    }
}

#[test]
fn stacked_trains_marks_sit_on_their_rows_and_steps() {
    let rows: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| {
            (
                format!("Sample {i} (class {})", i % 2),
                random_train(30, 0.25, 10 + i),
            )
        })
        .collect();
    let c = chart::spike_trains(&rows, "Five samples").unwrap();
    let svg::Svg { texts, lines, .. } = svg::parse(c.svg());
    let (a, b) = x_axis(&texts);
    let found = marks(&lines, "#009E73", 0.0);
    for (label, train) in &rows {
        let row_y = texts.iter().find(|t| &t.s == label).expect("row label").y;
        // Each mark belongs to the row label nearest its centre.
        let nearest = |y: f64| {
            rows.iter()
                .map(|(l, _)| (l, texts.iter().find(|t| &t.s == l).unwrap().y))
                .min_by(|p, q| (p.1 - y).abs().total_cmp(&(q.1 - y).abs()))
                .unwrap()
                .1
        };
        let got: Vec<f64> = found
            .iter()
            .filter(|&&(_, y)| nearest(y) == row_y)
            .map(|&(x, _)| x)
            .collect();
        let want: Vec<f64> = (0..train.len())
            .filter(|&k| train[k] > 0)
            .map(|k| a + b * k as f64)
            .collect();
        assert_at(&got, &want, 1.5, label);
    }
}

#[test]
fn a_shifted_or_dropped_spike_would_fail() {
    // The check above on a chart of the wrong data: it must not pass.
    let train = vec![0u8, 0, 1, 0, 0, 1, 0, 0, 1, 0];
    let shifted = vec![0u8, 0, 0, 1, 0, 0, 1, 0, 0, 1];
    let (got, want, _) = train_marks(&shifted, &train);
    let caught = std::panic::catch_unwind(|| assert_at(&got, &want, 1.5, "shifted")).is_err();
    assert!(
        caught,
        "a train shifted by one step passed the position check"
    );
    let dropped = std::panic::catch_unwind(|| assert_at(&got[1..], &want, 1.5, "dropped")).is_err();
    assert!(dropped, "a dropped spike passed the position check");
}

/// Integer labels anchored `anchor`, grouped by the coordinate they share (`y` for an x axis,
/// `x` for a y axis), as `(shared, [(value, position)])`.
fn label_groups(texts: &[Text], anchor: &str, by_y: bool) -> Vec<(f64, Vec<(f64, f64)>)> {
    let mut groups: Vec<(f64, Vec<(f64, f64)>)> = Vec::new();
    for t in texts.iter().filter(|t| t.anchor == anchor) {
        let Ok(v) = t.s.parse::<f64>() else { continue };
        let (shared, pos) = if by_y { (t.y, t.x) } else { (t.x, t.y) };
        match groups.iter_mut().find(|g| g.0 == shared) {
            Some(g) => g.1.push((v, pos)),
            None => groups.push((shared, vec![(v, pos)])),
        }
    }
    groups.retain(|g| g.1.len() >= 2);
    groups
}

fn fit(points: &[(f64, f64)]) -> (f64, f64) {
    let (v0, p0) = points[0];
    let (v1, p1) = points[points.len() - 1];
    let b = (p1 - p0) / (v1 - v0);
    let a = p0 - b * v0;
    for &(v, p) in points {
        assert!(
            (a + b * v - p).abs() <= 1.0,
            "tick {v} at {p}, the axis says {}",
            a + b * v
        );
    }
    (a, b)
}

#[test]
fn raster_marks_sit_on_their_neuron_and_time() {
    use snn_core::{Drive, LifParams, Population, Record};
    let p = LifParams::builder().dt(1.0).build().unwrap();
    let currents: Vec<f64> = (0..12).map(|j| 1.3 + j as f64 * 0.15).collect();
    let res = Population::<f64>::new(&p, 12)
        .unwrap()
        .run(100, Drive::PerNeuron(&currents), &Record::spikes())
        .unwrap();
    let spikes: Vec<(u32, u32)> = res.spikes().iter().collect();
    assert!(spikes.len() > 20, "{} spikes", spikes.len());
    let c = chart::raster(res.spikes(), 12, res.steps(), res.dt(), "ms", 20, "Raster").unwrap();
    let svg::Svg { texts, lines, .. } = svg::parse(c.svg());
    let found = marks(&lines, "#0072B2", 0.0);
    // The neuron axis: the right-anchored integer labels beside the marks.
    let (_, ys) = label_groups(&texts, "end", false)
        .into_iter()
        .find(|(_, g)| g.iter().any(|&(v, _)| v == 0.0) && g.iter().any(|&(v, _)| v >= 10.0))
        .expect("the neuron axis");
    let (c0, d) = fit(&ys);
    // The time axis: the row of centred labels nearest below the marks (the panel under the
    // raster has its own).
    let lowest_mark = found.iter().map(|m| m.1).fold(f64::MIN, f64::max);
    let (_, mut row) = label_groups(&texts, "middle", true)
        .into_iter()
        .filter(|(y, _)| *y > lowest_mark)
        .min_by(|p, q| p.0.total_cmp(&q.0))
        .expect("the time axis");
    // That row also holds the side panel's count axis, to the right: keep the leftmost run
    // of increasing values, the time axis.
    row.sort_by(|p, q| p.1.total_cmp(&q.1));
    let run = 1 + row.windows(2).take_while(|w| w[1].0 > w[0].0).count();
    let (a, b) = fit(&row[..run]);
    // A step is wider than twice the tolerance, so a spike one step off cannot pass.
    assert!(b * res.dt() >= 3.0, "{} px per step", b * res.dt());
    assert!(d.abs() >= 3.0, "{} px per neuron", d.abs());
    assert_eq!(found.len(), spikes.len(), "one mark per spike");
    let mut unmatched: Vec<(f64, f64)> = found.clone();
    for &(j, st) in &spikes {
        // A spike in step st is drawn at the end of that step, (st + 1) dt.
        let (x, y) = (a + b * (st as f64 + 1.0) * res.dt(), c0 + d * j as f64);
        let k = unmatched
            .iter()
            .position(|&(mx, my)| (mx - x).abs() <= 1.5 && (my - y).abs() <= 1.5)
            .unwrap_or_else(|| panic!("no mark at neuron {j}, step {st} (x {x:.1}, y {y:.1})"));
        unmatched.swap_remove(k);
    }
}
