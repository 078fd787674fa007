//! Every chart of the crate drawn from seeded data: what `snn figures` writes and docs/gallery.md
//! shows. The same call gives byte-identical SVG on every run and machine.

use ndarray::Array2;

use snn_learn::{BlobsConfig, Grid, OriginalDemo};
use snn_sim::{
    rng, DeltaEncoder, Drive, LatencyEncoder, LifParams, Population, RateEncoder, RateModel,
    Record, Result,
};

use crate::chart::{self, Chart};

pub use snn_learn::{ORIGINAL_TRAIN, ORIGINAL_W, ORIGINAL_X};

/// All charts, each with the file stem it is saved under.
///
/// # Errors
/// Only if a chart cannot be drawn.
pub fn all() -> Result<Vec<(&'static str, Chart)>> {
    let mut out = Vec::new();
    let data = BlobsConfig::original().generate()?;
    let (train, test) = data.split(0.25, &mut rng(7))?;
    out.push(("blobs", chart::blob_scatter(&train, Some(&test))?));

    let demo = OriginalDemo::new(
        ORIGINAL_W.to_vec(),
        0.0,
        snn_sim::DiscreteParams::original().build()?,
        10,
    )?;
    let train0 = demo.spike_train(&ORIGINAL_X)?;
    out.push((
        "spike-train",
        chart::spike_train(&train0, "Spike Train (Spike events over time)")?,
    ));

    // The original's own weights (drawn there by np.random.seed(42)), bias 0, on our blobs.
    let random = demo.clone();
    // The first three samples of each class, so both kinds of train show.
    let picks: Vec<usize> = (0..2)
        .flat_map(|c| {
            data.y()
                .iter()
                .enumerate()
                .filter(move |(_, &y)| y == c)
                .map(|(i, _)| i)
                .take(3)
        })
        .collect();
    let rows = picks
        .iter()
        .map(|&i| {
            let x = data.x().row(i).to_vec();
            Ok((
                format!("Sample {i} (class {})", data.y()[i]),
                random.spike_train(&x)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    out.push((
        "spike-trains",
        chart::spike_trains(&rows, "Spike trains of three samples of each class")?,
    ));

    let grid = Grid::over(data.x().view(), 100, 100, 1.0)?;
    let counts: Vec<f64> = random.count_map(&grid)?.iter().map(|&c| c as f64).collect();
    out.push((
        "decision-map",
        chart::decision_map(
            &grid,
            &counts,
            &data,
            "Spike count",
            "Spike Count Decision Map",
        )?,
    ));

    let lif = LifParams::builder().build()?;
    let n = 60;
    let currents: Vec<f64> = (0..n)
        .map(|j| 1.0 + 3.0 * j as f64 / (n - 1) as f64)
        .collect();
    let mut pop = Population::<f64>::new(&lif, n)?;
    let res = pop.run(2000, Drive::PerNeuron(&currents), &Record::spikes())?;
    out.push((
        "raster",
        chart::raster(
            res.spikes(),
            n,
            res.steps(),
            res.dt(),
            "ms",
            40,
            "Raster: 60 LIF neurons, 1 to 4 nA",
        )?,
    ));

    let steps = 1000;
    let drive: Vec<f64> = (0..steps)
        .map(|k| if (200..800).contains(&k) { 2.5 } else { 0.0 })
        .collect();
    let mut one = Population::<f64>::new(&lif, 1)?;
    let res = one.run(
        steps,
        Drive::Shared(&drive),
        &Record::spikes().with_traces([0]),
    )?;
    out.push((
        "membrane",
        chart::membrane(
            &res,
            "mV",
            "nA",
            "ms",
            "Membrane potential under a 2.5 nA current step",
        )?,
    ));

    let fi: Vec<f64> = (0..=25).map(|k| k as f64 * 0.2).collect();
    let mut pop = Population::<f64>::new(&lif, fi.len())?;
    let res = pop.run(10_000, Drive::PerNeuron(&fi), &Record::counts())?;
    let sim: Vec<f64> = (0..fi.len()).map(|j| 1000.0 * res.rate_of(j)).collect();
    let closed: Vec<(f64, f64)> = (0..=500)
        .map(|k| {
            let i = k as f64 * 0.01;
            (i, 1000.0 * lif.rate_closed_form(i))
        })
        .collect();
    out.push((
        "fi-curve",
        chart::fi_curve(&fi, &sim, &closed, "f-I curve: simulation and closed form")?,
    ));

    let x: Vec<f64> = (1..=6).map(|k| k as f64 * 0.15).collect();
    let steps = 100;
    let rate =
        RateEncoder::new(200.0, 1.0, RateModel::Bernoulli)?.encode(&x, steps, &mut rng(3))?;
    let latency = LatencyEncoder::new(1.0)?.encode(&x, steps, &mut rng(3))?;
    // Each intensity as a signal that rises from 0 to the value and falls back: delta
    // coding fires ON spikes on the way up and OFF spikes on the way down.
    let rise_fall = Array2::from_shape_fn((steps, x.len()), |(k, c)| {
        x[c] * (1.0 - (2.0 * k as f64 / (steps - 1) as f64 - 1.0).abs())
    });
    let delta = DeltaEncoder::new(0.1, 1.0)?.encode(rise_fall.view(), &mut rng(3))?;
    let labels: Vec<String> = x.iter().map(|v| format!("x = {v:.2}")).collect();
    out.push((
        "encoding",
        chart::encoding_view(
            &x,
            &labels,
            &[
                ("rate (200 Hz max)", &rate),
                ("latency", &latency),
                ("delta, rise and fall", &delta),
            ],
            "Six intensities, three encodings",
        )?,
    ));
    let hard = BlobsConfig {
        n_samples: 600,
        centers: snn_learn::Centers::Random(3),
        cluster_std: 2.0,
        seed: 4,
    }
    .generate()?;
    let mut r = rng(4);
    let (tr, te) = hard.split(0.25, &mut r)?;
    let mut clf = snn_learn::Classifier::new(&tr, 100, snn_learn::Encoding::Current)?;
    clf.randomize(&mut r);
    let h = clf.fit(
        &tr,
        Some(&te),
        &snn_learn::TrainConfig::default(),
        &mut rng(4),
    )?;
    out.push((
        "training-curve",
        chart::training_curve(
            &h.train_accuracy,
            Some(&h.test_accuracy),
            Some(&h.loss),
            "Training the spiking readout (3 blobs, std 2)",
        )?,
    ));
    let c = clf.confusion(&te, &mut rng(5))?;
    out.push((
        "confusion",
        chart::confusion(&c, "Held-out confusion matrix")?,
    ));
    let grid = Grid::over(hard.x().view(), 70, 70, 1.0)?;
    out.push((
        "class-map",
        chart::class_map(
            &grid,
            &clf.class_map(&grid, &mut rng(6))?,
            &hard,
            "Learned decision map (3 blobs, std 2)",
        )?,
    ));
    Ok(out)
}
