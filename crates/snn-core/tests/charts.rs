//! Charts parsed as XML: titles and axis labels present, one mark per spike, the heat map's
//! cells and colour bar, and clear errors (no panics) for bad input.

use snn_core::chart::{self, PALETTE};
use snn_core::{
    rng, BlobsConfig, Confusion, DiscreteParams, Drive, Grid, LatencyEncoder, LifParams,
    OriginalDemo, Population, RateEncoder, RateModel, Record, SnnError,
};

fn doc(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).expect("chart is well-formed XML")
}

fn texts(svg: &str) -> Vec<String> {
    doc(svg)
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

fn has_text(svg: &str, want: &str) -> bool {
    texts(svg).iter().any(|t| t == want)
}

fn count(svg: &str, tag: &str, attr: &str, value: &str) -> usize {
    doc(svg)
        .descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value))
        .count()
}

#[test]
fn blob_scatter_has_title_axes_and_every_point() {
    let data = BlobsConfig::original().generate().unwrap();
    let (train, test) = data.split(0.25, &mut rng(1)).unwrap();
    let c = chart::blob_scatter(&train, Some(&test)).unwrap();
    let svg = c.svg();
    assert!(has_text(svg, "Synthetic 2D Blob Data"));
    assert!(has_text(svg, "Feature 1 (a.u.)") && has_text(svg, "Feature 2 (a.u.)"));
    assert!(has_text(svg, "Class 0 (held out)") && has_text(svg, "Class 1 (train)"));
    // Class 0 is drawn as circles: one filled circle per training point plus its edge ring,
    // hollow rings for held-out points.
    let class0_train = train.y().iter().filter(|&&y| y == 0).count();
    assert_eq!(count(svg, "circle", "fill", "#E69F00"), class0_train);
    assert!(chart::blob_scatter(&train, None).is_ok());
}

#[test]
fn spike_train_has_one_mark_per_spike() {
    let demo = OriginalDemo::new(
        vec![-0.2509198, 0.9014286],
        0.0,
        DiscreteParams::original().build().unwrap(),
        10,
    )
    .unwrap();
    let train = demo.spike_train(&[3.04545118, 1.37379466]).unwrap();
    assert_eq!(train, vec![0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
    let c = chart::spike_train(&train, "Spike Train (Spike events over time)").unwrap();
    assert!(has_text(c.svg(), "Spike Train (Spike events over time)"));
    assert!(has_text(c.svg(), "Time step"));
    // Three spikes and the legend's swatch.
    assert_eq!(count(c.svg(), "polyline", "stroke", "#D55E00"), 3 + 1);
    assert!(matches!(
        chart::spike_train(&[], "x"),
        Err(SnnError::Empty { .. })
    ));
}

#[test]
fn stacked_trains_label_each_row() {
    let rows: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| {
            (
                format!("Sample {i} (class {})", i % 2),
                (0..10).map(|k| ((k + i) % 3 == 0) as u8).collect(),
            )
        })
        .collect();
    let total: usize = rows
        .iter()
        .map(|(_, r)| r.iter().filter(|&&x| x > 0).count())
        .sum();
    let c = chart::spike_trains(&rows, "Five samples").unwrap();
    for (label, _) in &rows {
        assert!(has_text(c.svg(), label), "{label}");
    }
    assert_eq!(count(c.svg(), "polyline", "stroke", "#009E73"), total);
    let bad = vec![
        ("a".to_string(), vec![1u8; 3]),
        ("b".to_string(), vec![1u8; 4]),
    ];
    assert!(matches!(
        chart::spike_trains(&bad, "x"),
        Err(SnnError::LengthMismatch { .. })
    ));
}

#[test]
fn raster_marks_every_spike() {
    let p = LifParams::builder().build().unwrap();
    let currents: Vec<f64> = (0..40).map(|j| 1.2 + j as f64 * 0.08).collect();
    let mut pop = Population::<f64>::new(&p, 40).unwrap();
    let res = pop
        .run(1500, Drive::PerNeuron(&currents), &Record::spikes())
        .unwrap();
    assert!(res.spikes().len() > 100);
    let c = chart::raster(res.spikes(), 40, res.steps(), res.dt(), "ms", 30, "Raster").unwrap();
    let svg = c.svg();
    assert!(has_text(svg, "Raster") && has_text(svg, "Neuron") && has_text(svg, "Time (ms)"));
    assert!(has_text(svg, "Spikes / bin") && has_text(svg, "Spikes / neuron"));
    assert_eq!(
        count(svg, "polyline", "stroke", "#0072B2"),
        res.spikes().len()
    );
    assert!(matches!(
        chart::raster(res.spikes(), 10, res.steps(), res.dt(), "ms", 30, "x"),
        Err(SnnError::IndexOutOfRange { .. })
    ));
}

#[test]
fn membrane_draws_threshold_reset_spikes_and_current() {
    let p = LifParams::builder().build().unwrap();
    let drive: Vec<f64> = (0..800).map(|k| if k >= 100 { 2.5 } else { 0.0 }).collect();
    let mut one = Population::<f64>::new(&p, 1).unwrap();
    let res = one
        .run(
            800,
            Drive::Shared(&drive),
            &Record::spikes().with_traces([0]),
        )
        .unwrap();
    let c = chart::membrane(&res, "mV", "nA", "ms", "Membrane").unwrap();
    let svg = c.svg();
    for t in [
        "Membrane",
        "V (mV)",
        "I (nA)",
        "Time (ms)",
        "threshold -50 mV",
        "reset -65 mV",
        "spike",
    ] {
        assert!(has_text(svg, t), "{t}");
    }
    // One stroke per spike, plus the legend's swatch.
    assert_eq!(
        count(svg, "polyline", "stroke", "#D55E00"),
        res.spikes().len() + 1
    );
    // The trace goes up to the value that crossed the threshold, then down to the reset:
    // one extra point per spike, at the end of the spike's step.
    let tr = &res.traces()[0];
    assert_eq!(tr.crossings().len(), res.spikes().len());
    for (&(step, peak), (_, spike_step)) in tr.crossings().iter().zip(res.spikes().iter()) {
        assert_eq!(step, spike_step);
        assert!((-50.0..-49.0).contains(&peak), "{peak}");
        assert_eq!(tr.v()[step as usize + 1], -65.0);
    }
    let lengths: Vec<usize> = doc(svg)
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#0072B2"))
        .map(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .collect();
    assert!(
        lengths.contains(&(res.steps() + 1 + res.spikes().len())),
        "{lengths:?}"
    );
    // The legend draws the threshold dashed and the reset dotted, as the plot does.
    assert!(has_text(svg, "V"));
    let untraced = one
        .run(10, Drive::Constant(0.0), &Record::counts())
        .unwrap();
    assert!(matches!(
        chart::membrane(&untraced, "mV", "nA", "ms", "x"),
        Err(SnnError::Empty { .. })
    ));
}

#[test]
fn decision_map_has_grid_cells_and_colour_bar() {
    let data = BlobsConfig::original().generate().unwrap();
    let demo = OriginalDemo::random(2, &mut rng(42)).unwrap();
    for (nx, ny) in [(100, 100), (30, 20)] {
        let grid = Grid::over(data.x().view(), nx, ny, 1.0).unwrap();
        let counts: Vec<f64> = demo
            .count_map(&grid)
            .unwrap()
            .iter()
            .map(|&c| c as f64)
            .collect();
        let c = chart::decision_map(
            &grid,
            &counts,
            &data,
            "Spike count",
            "Spike Count Decision Map",
        )
        .unwrap();
        let svg = c.svg();
        assert!(has_text(svg, "Spike Count Decision Map") && has_text(svg, "Spike count"));
        assert!(has_text(svg, "Feature 1 (a.u.)") && has_text(svg, "Class 1"));
        // Cells and colour-bar swatches are the only rectangles in viridis colours.
        let plain: Vec<String> = PALETTE
            .iter()
            .map(|c| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2))
            .chain(["#FFFFFF", "#000000", "#888888", "none"].map(String::from))
            .collect();
        let coloured = doc(svg)
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter(|n| {
                !plain
                    .iter()
                    .any(|p| Some(p.as_str()) == n.attribute("fill"))
            })
            .count();
        // Spike counts are whole numbers: one colour-bar band per count, integer ticks.
        let (lo, hi) = counts
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &c| (a.min(c), b.max(c)));
        let bands = (hi - lo) as usize + 1;
        // Cells are drawn as runs of equal counts along each row: one rectangle per run.
        let runs: usize = counts
            .chunks(nx)
            .map(|row| 1 + row.windows(2).filter(|w| w[0] != w[1]).count())
            .sum();
        assert!(runs < nx * ny / 4, "{runs} runs for {nx} x {ny} cells");
        assert_eq!(
            coloured,
            runs + bands,
            "{runs} runs of {nx} x {ny} cells and {bands} colour-bar bands"
        );
        assert!(has_text(svg, &format!("{hi:.0}")) && !has_text(svg, "10.0"));
    }
    // Values that are not whole numbers get a continuous bar of 64 swatches.
    let grid = Grid::over(data.x().view(), 10, 10, 1.0).unwrap();
    let smooth: Vec<f64> = (0..100).map(|i| i as f64 * 0.37).collect();
    let c = chart::decision_map(&grid, &smooth, &data, "V", "t").unwrap();
    let rects = doc(c.svg())
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .count();
    // Every cell differs from its neighbours here: one rectangle per cell.
    assert!(rects >= 100 + 64);
    let grid = Grid::over(data.x().view(), 10, 10, 1.0).unwrap();
    assert!(matches!(
        chart::decision_map(&grid, &[1.0; 5], &data, "c", "t"),
        Err(SnnError::LengthMismatch { .. })
    ));
    assert!(matches!(
        chart::decision_map(&grid, &[f64::NAN; 100], &data, "c", "t"),
        Err(SnnError::NonFinite { .. })
    ));
}

#[test]
fn class_map_tints_each_cell_with_its_class_colour() {
    let data = BlobsConfig::original().generate().unwrap();
    let grid = Grid::over(data.x().view(), 12, 10, 1.0).unwrap();
    // Left half class 0, right half class 1.
    let classes: Vec<usize> = (0..grid.len()).map(|i| usize::from(i % 12 >= 6)).collect();
    let svg = chart::class_map(&grid, &classes, &data, "Learned map")
        .unwrap()
        .svg()
        .to_string();
    assert!(has_text(&svg, "Learned map") && has_text(&svg, "Class 0"));
    let fills: Vec<String> = doc(&svg)
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("fill").map(String::from))
        .collect();
    // A tint is 40% of the class colour over white.
    let tint = |k: usize| {
        let c = PALETTE[k];
        let t = |v: u8| (255.0 - 0.4 * (255.0 - f64::from(v))).round() as u8;
        format!("#{:02X}{:02X}{:02X}", t(c.0), t(c.1), t(c.2))
    };
    // Each of the 10 rows is two runs of 6 cells, one per class, each half the grid wide.
    for k in 0..2 {
        let runs: Vec<f64> = doc(&svg)
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(tint(k).as_str()))
            .map(|n| n.attribute("width").unwrap().parse::<f64>().unwrap())
            .collect();
        assert_eq!(runs.len(), 10, "class {k}: one run per row");
        assert_eq!(fills.iter().filter(|f| **f == tint(k)).count(), 10);
        let (lo, hi) = runs
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &w| (a.min(w), b.max(w)));
        assert!(hi - lo <= 1.0 && lo > 200.0, "class {k}: widths {runs:?}");
    }
    // No colour bar: no viridis swatches.
    assert!(!svg.contains("Predicted class"));
    assert!(matches!(
        chart::class_map(&grid, &classes[..5], &data, "t"),
        Err(SnnError::LengthMismatch { .. })
    ));
}

#[test]
fn fi_encoding_training_and_confusion_charts() {
    let c = chart::fi_curve(
        &[1.0, 2.0, 3.0],
        &[0.0, 50.0, 90.0],
        &[(1.0, 0.0), (3.0, 91.0)],
        "f-I",
    )
    .unwrap();
    for t in [
        "f-I",
        "Input current I (nA)",
        "Firing rate r (Hz)",
        "simulated",
        "closed form r(I)",
    ] {
        assert!(has_text(c.svg(), t), "{t}");
    }
    assert!(chart::fi_curve(&[], &[], &[], "x").is_err());
    let x = [0.2, 0.6, 1.0];
    let rate = RateEncoder::new(100.0, 1.0, RateModel::Bernoulli)
        .unwrap()
        .encode(&x, 50, &mut rng(0))
        .unwrap();
    let lat = LatencyEncoder::new(1.0)
        .unwrap()
        .encode(&x, 50, &mut rng(0))
        .unwrap();
    let labels = ["a", "b", "c"];
    let c = chart::encoding_view(
        &x,
        &labels,
        &[("rate", &rate), ("latency", &lat)],
        "Encodings",
    )
    .unwrap();
    assert!(
        has_text(c.svg(), "rate") && has_text(c.svg(), "latency") && has_text(c.svg(), "intensity")
    );
    assert!(has_text(c.svg(), "a") && has_text(c.svg(), "c"));
    // Delta coding doubles the channels: rows named ON and OFF.
    let signal = snn_core::ndarray::Array2::from_shape_fn((50, 3), |(k, c)| {
        x[c] * (1.0 - (k as f64 / 24.5 - 1.0).abs())
    });
    let delta = snn_core::DeltaEncoder::new(0.05, 1.0)
        .unwrap()
        .encode(signal.view(), &mut rng(0))
        .unwrap();
    let c = chart::encoding_view(&x, &labels, &[("delta", &delta)], "Delta").unwrap();
    assert!(has_text(c.svg(), "ON a") && has_text(c.svg(), "OFF c"));
    assert!(matches!(
        chart::encoding_view(&x, &labels[..2], &[("rate", &rate)], "x"),
        Err(SnnError::LengthMismatch { .. })
    ));
    let short = LatencyEncoder::new(1.0)
        .unwrap()
        .encode(&x, 10, &mut rng(0))
        .unwrap();
    assert!(chart::encoding_view(&x, &labels, &[("a", &rate), ("b", &short)], "x").is_err());
    let c = chart::training_curve(
        &[0.5, 0.8, 0.9],
        Some(&[0.4, 0.7, 0.9]),
        Some(&[1.0, 0.5, 0.2]),
        "Training",
    )
    .unwrap();
    for t in [
        "Training",
        "Epoch",
        "Accuracy (fraction correct)",
        "Loss (cross-entropy)",
        "train accuracy (left)",
        "held-out accuracy (left)",
        "training loss (right)",
    ] {
        assert!(has_text(c.svg(), t), "{t}");
    }
    assert!(chart::training_curve(&[0.5], Some(&[0.1, 0.2]), None, "x").is_err());
    let m = Confusion::new(&[0, 1, 1, 0], &[0, 1, 0, 0], 2).unwrap();
    let c = chart::confusion(&m, "Confusion").unwrap();
    assert!(
        has_text(c.svg(), "Predicted class")
            && has_text(c.svg(), "True class")
            && has_text(c.svg(), "2")
    );
}

#[test]
fn save_writes_the_svg_and_reports_bad_paths() {
    let c = chart::spike_train(&[1, 0, 1], "t").unwrap();
    let dir = std::env::temp_dir().join(format!("snn-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.svg");
    c.save(&path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), c.svg());
    assert!(matches!(
        c.save(dir.join("missing/t.svg")),
        Err(SnnError::Chart(_))
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn charts_are_deterministic() {
    let a = snn_core::gallery::all().unwrap();
    let b = snn_core::gallery::all().unwrap();
    assert_eq!(a, b);
}

/// The network raster: one mark per spike of the shown neurons inside the window, the
/// population rate below; and clear errors for a bad window or bin.
#[test]
fn network_raster_marks_each_shown_spike() {
    use snn_core::network::Brunel;
    let model = Brunel::paper(5.0, 2.0).scale(0.05);
    let (mut net, e, i) = model.build(3).unwrap();
    let res = net.run(1000, &snn_core::NetRecord::spikes()).unwrap();
    let c = chart::network_raster(&res, 10, 20.0, 80.0, 2.0, "net").unwrap();
    let svg = c.svg();
    assert!(has_text(svg, "net"));
    assert!(has_text(svg, "Time (ms)"));
    assert!(has_text(svg, "Rate (Hz, 2 ms bins)"));
    // Spikes of neurons 0..10 of each population with steps in [200, 800).
    let shown = |pop| {
        res.population(pop)
            .unwrap()
            .spikes()
            .iter()
            .filter(|&(n, s)| n < 10 && (200..800).contains(&s))
            .count()
    };
    let expected = shown(e) + shown(i);
    assert!(expected > 10, "{expected}");
    let marks = doc(svg)
        .descendants()
        .filter(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke-width") == Some("2")
                && n.attribute("points")
                    .is_some_and(|p| p.split_whitespace().count() == 2)
        })
        .count();
    assert_eq!(marks, expected);
    // The legend names each population with how many of its neurons are shown, and sits
    // above every spike mark: it covers none of them.
    let d = doc(svg);
    let legend: Vec<f64> = d
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter(|n| {
            n.text()
                .is_some_and(|t| t.contains("(10 of 500)") || t.contains("(10 of 125)"))
        })
        .map(|n| n.attribute("y").unwrap().parse::<f64>().unwrap())
        .collect();
    assert_eq!(legend.len(), 2, "{:?}", texts(svg));
    let top_mark = d
        .descendants()
        .filter(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke-width") == Some("2")
                && n.attribute("points")
                    .is_some_and(|p| p.split_whitespace().count() == 2)
        })
        .flat_map(|n| {
            n.attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|xy| xy.split(',').nth(1).unwrap().parse::<f64>().unwrap())
                .collect::<Vec<_>>()
        })
        .fold(f64::INFINITY, f64::min);
    for y in legend {
        // A text's box runs from y to y + its size (dy = 0.76em): 14 px at most.
        assert!(
            y + 14.0 < top_mark,
            "legend at {y} reaches the first spike at {top_mark}"
        );
    }
    for (from, to, bin) in [
        (-1.0, 50.0, 1.0),
        (50.0, 50.0, 1.0),
        (0.0, 101.0, 1.0),
        (0.0, 50.0, 0.0),
        (0.0, 50.0, 60.0),
    ] {
        let e = chart::network_raster(&res, 10, from, to, bin, "x").unwrap_err();
        assert!(
            matches!(
                e,
                SnnError::OutOfRange { .. } | SnnError::NotPositive { .. }
            ),
            "{e}"
        );
    }
    assert!(chart::network_raster(&res, 0, 0.0, 50.0, 1.0, "x").is_err());
    // No spikes recorded: refused, not an empty raster.
    let counts = net.run(100, &snn_core::NetRecord::counts()).unwrap();
    assert!(chart::network_raster(&counts, 10, 0.0, 10.0, 1.0, "x").is_err());
}

#[test]
fn regime_bars_show_each_value() {
    use snn_core::RegimeStats;
    let row = |label: &str, r: f64, cv: Option<f64>, s: Option<f64>| RegimeStats {
        label: label.to_string(),
        rate_hz: r,
        cv_isi: cv,
        synchrony: s,
    };
    let rows = vec![
        row("SR", 311.0, Some(0.03), Some(0.76)),
        row("AI", 47.5, None, Some(0.56)),
    ];
    let svg = chart::regime_bars(&rows, "regimes")
        .unwrap()
        .svg()
        .to_string();
    for t in [
        "SR",
        "AI",
        "311.00",
        "47.50",
        "0.03",
        "n/a",
        "0.76",
        "0.56",
        "Mean rate (Hz)",
        "CV of ISI",
        "Synchrony",
    ] {
        assert!(has_text(&svg, t), "{t}");
    }
    assert!(chart::regime_bars(&rows[..1], "one").is_ok());
    assert!(chart::regime_bars(&[], "none").is_err());
    assert!(chart::regime_bars(&[row("x", f64::NAN, None, None)], "nan").is_err());
    let lines = chart::lines(
        &[("a".to_string(), vec![(0.0, 1.0), (1.0, 2.0)])],
        "t",
        "v",
        "l",
    )
    .unwrap();
    assert!(has_text(lines.svg(), "a"));
    assert!(chart::lines(&[("a".to_string(), vec![])], "t", "v", "l").is_err());
}
