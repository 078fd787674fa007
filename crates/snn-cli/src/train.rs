//! `snn train`: a spiking network with a hidden layer, trained by backpropagation through
//! time with a surrogate gradient.

use clap::{Args, ValueEnum};
use serde_json::json;
use snn_core::gradient::{initial, GradHistory, GradTraining, Readout, Real, Surrogate};
use snn_core::ndarray::Array2;
use snn_core::{Blobs, MinMaxScaler, SnnError};

/// The data `snn train` learns.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum TrainData {
    /// Fisher's Iris flowers: 150, 4 features, 3 species (each feature mapped onto [0, 1] by
    /// its range over the training samples).
    Iris,
    /// UCI handwritten digits: 1,797 images of 8 x 8 pixels, 10 classes (pixels / 16, in
    /// [0, 1]).
    Digits,
}

/// The surrogate of the spike's derivative.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum SurrogateArg {
    /// 1 / (1 + k|v − θ|)², slope k (snnTorch's surrogate.fast_sigmoid).
    FastSigmoid,
    /// (α/2) / (1 + (π/2·α(v − θ))²), α = --slope (snnTorch's surrogate.atan).
    Atan,
}

/// What the output layer gives the loss.
#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub(crate) enum ReadoutArg {
    /// Spiking output neurons; loss on their spike counts (ce_count), the class the most
    /// spikes.
    SpikeCount,
    /// A leaky integrator that never fires; loss on each neuron's maximum membrane over the
    /// steps (SpyTorch's choice), the class the highest maximum.
    MaxMembrane,
}

/// The number type of training.
#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub(crate) enum Precision {
    /// 64-bit floats.
    F64,
    /// 32-bit floats (PyTorch's default).
    F32,
}

/// The flags of `snn train`.
#[derive(Args)]
pub(crate) struct TrainArgs {
    /// The data (a quarter held out, drawn with --seed).
    #[arg(long, value_enum, default_value = "iris")]
    dataset: TrainData,
    /// Neurons in the hidden layer.
    #[arg(long, default_value_t = 16, allow_negative_numbers = true)]
    hidden: usize,
    /// Gives the hidden layer recurrent weights (its spikes of one step feed it at the next).
    #[arg(long)]
    recurrent: bool,
    /// What the output layer gives the loss.
    #[arg(long, value_enum, default_value = "spike-count")]
    readout: ReadoutArg,
    /// The number type of training.
    #[arg(long, value_enum, default_value = "f64")]
    precision: Precision,
    /// Steps per sample (the features held as a constant current).
    #[arg(long, default_value_t = 25, allow_negative_numbers = true)]
    steps: usize,
    /// Training epochs.
    #[arg(long, default_value_t = 100, allow_negative_numbers = true)]
    epochs: usize,
    /// Samples per mini-batch.
    #[arg(long, default_value_t = 16, allow_negative_numbers = true)]
    batch: usize,
    /// Adam's learning rate.
    #[arg(long, default_value_t = 1e-2, allow_negative_numbers = true)]
    lr: f64,
    /// Membrane decay per step, in (0, 1].
    #[arg(long, default_value_t = 0.9, allow_negative_numbers = true)]
    beta: f64,
    /// Firing threshold (> 0).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    threshold: f64,
    /// The surrogate gradient.
    #[arg(long, value_enum, default_value = "fast-sigmoid")]
    surrogate: SurrogateArg,
    /// The surrogate's slope k (fast sigmoid) or α (arctan).
    #[arg(long, default_value_t = 25.0, allow_negative_numbers = true)]
    slope: f64,
    /// Seed of the split, the initial weights and the batch order.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    seed: u64,
    /// Writes the trained network to this file as a NIR graph (dt 1e-4 s; inputs as scaled
    /// for training: Iris on [0, 1] by the training range, digits as pixels / 16).
    #[arg(long)]
    nir: Option<std::path::PathBuf>,
}

fn flag(e: SnnError) -> String {
    let text = e.to_string();
    let name = [
        ("beta", "--beta"),
        ("threshold", "--threshold"),
        ("slope", "--slope"),
        ("alpha", "--slope"),
        ("lr", "--lr"),
        ("epochs", "--epochs"),
        ("batch", "--batch"),
        ("steps", "--steps"),
        ("layer size", "--hidden"),
    ]
    .iter()
    .find(|(p, _)| text.starts_with(p))
    .map_or("", |(_, f)| f);
    if name.is_empty() {
        text
    } else {
        format!("{name}: {text}")
    }
}

/// `snn train`.
pub(crate) fn train(args: TrainArgs) -> Result<String, String> {
    let data = match args.dataset {
        TrainData::Iris => Blobs::iris(),
        TrainData::Digits => Blobs::digits(),
    }
    .map_err(flag)?;
    let mut rng = snn_core::rng(args.seed);
    let (train_rows, test_rows) = data.split_indices(0.25, &mut rng).map_err(flag)?;
    let (train, test) = (
        data.select(&train_rows).map_err(flag)?,
        data.select(&test_rows).map_err(flag)?,
    );
    // Inputs in [0, 1], as snnTorch's tutorials feed them: Iris by each feature's range over
    // the training samples (held-out values clipped); digits as pixels / 16 (their own range,
    // where many pixels never vary).
    let st = match args.dataset {
        TrainData::Iris => Some(MinMaxScaler::fit(train.x().view()).map_err(flag)?),
        TrainData::Digits => None,
    };
    let z = |b: &Blobs| -> Result<Array2<f64>, String> {
        let Some(st) = &st else {
            return Ok(b.x() / 16.0);
        };
        let rows: Vec<Vec<f64>> = b
            .x()
            .rows()
            .into_iter()
            .map(|r| st.transform_row(&r.to_vec()))
            .collect::<Result<_, _>>()
            .map_err(flag)?;
        Array2::from_shape_vec((rows.len(), b.x().ncols()), rows.concat())
            .map_err(|e| e.to_string())
    };
    let (xtr, xte) = (z(&train)?, z(&test)?);
    let surrogate = match args.surrogate {
        SurrogateArg::FastSigmoid => Surrogate::FastSigmoid { slope: args.slope },
        SurrogateArg::Atan => Surrogate::Atan { alpha: args.slope },
    };
    let sizes = [data.x().ncols(), args.hidden, data.n_classes()];
    let how = GradTraining::new(args.epochs, args.batch, args.lr).map_err(flag)?;
    let readout = match args.readout {
        ReadoutArg::SpikeCount => Readout::SpikeCount,
        ReadoutArg::MaxMembrane => Readout::MaxMembrane,
    };
    let data = Split {
        xtr: &xtr,
        ytr: train.y(),
        xte: &xte,
        yte: test.y(),
    };
    let (h, parameters) = match args.precision {
        Precision::F64 => fit::<f64>(&args, &sizes, surrogate, readout, &how, &data, &mut rng)?,
        Precision::F32 => fit::<f32>(&args, &sizes, surrogate, readout, &how, &data, &mut rng)?,
    };
    let mut files = serde_json::Map::new();
    if let Some(path) = &args.nir {
        files.insert("nir".into(), json!(path.display().to_string()));
    }
    // Batches are split across rayon's pool (RAYON_NUM_THREADS), the same numbers whatever
    // its size.
    let threads = rayon::current_num_threads();
    Ok(json!({
        "dataset": match args.dataset { TrainData::Iris => "iris", TrainData::Digits => "digits" },
        "layers": sizes,
        "recurrent": args.recurrent,
        "readout": match args.readout { ReadoutArg::SpikeCount => "spike-count", ReadoutArg::MaxMembrane => "max-membrane" },
        "precision": match args.precision { Precision::F64 => "f64", Precision::F32 => "f32" },
        "parameters": parameters,
        "steps": args.steps,
        "epochs": args.epochs,
        "batch": args.batch,
        "lr": args.lr,
        "beta": args.beta,
        "threshold": args.threshold,
        "surrogate": match args.surrogate { SurrogateArg::FastSigmoid => "fast-sigmoid", SurrogateArg::Atan => "atan" },
        "slope": args.slope,
        "seed": args.seed,
        "files": files,
        "held_out_rows": test_rows,
        "train_samples": train.len(),
        "test_samples": test.len(),
        "train_accuracy": h.train_accuracy.last(),
        "test_accuracy": h.test_accuracy.last(),
        "loss": h.loss,
        "test_accuracy_per_epoch": h.test_accuracy,
        "epoch_seconds": h.epoch_seconds,
        "threads": threads,
    })
    .to_string())
}

/// The training and held-out inputs (scaled) and classes.
struct Split<'a> {
    xtr: &'a Array2<f64>,
    ytr: &'a [usize],
    xte: &'a Array2<f64>,
    yte: &'a [usize],
}

/// Builds and trains the network in the number type `F`, writes the NIR file when asked;
/// returns the history and the number of parameters.
fn fit<F: Real>(
    args: &TrainArgs,
    sizes: &[usize],
    surrogate: Surrogate,
    readout: Readout,
    how: &GradTraining,
    data: &Split<'_>,
    rng: &mut impl snn_core::rand::Rng,
) -> Result<(GradHistory, usize), String> {
    let mut net = initial::<F>(
        sizes,
        args.recurrent,
        args.beta,
        args.threshold,
        args.steps,
        surrogate,
        rng,
    )
    .and_then(|n| n.with_readout(readout))
    .map_err(flag)?;
    // Refuse an export that cannot be written before spending the training on it.
    if args.nir.is_some() {
        snn_nir::from_spiking_net(&net, snn_nir::DEFAULT_DT).map_err(|e| format!("--nir: {e}"))?;
    }
    let (xtr, xte) = (data.xtr.mapv(F::of), data.xte.mapv(F::of));
    let h = net
        .fit(xtr.view(), data.ytr, Some((xte.view(), data.yte)), how, rng)
        .map_err(flag)?;
    if let Some(path) = &args.nir {
        let g = snn_nir::from_spiking_net(&net, snn_nir::DEFAULT_DT)
            .map_err(|e| format!("--nir: {e}"))?;
        snn_nir::write(&g, path).map_err(|e| format!("--nir: {e}"))?;
    }
    Ok((h, net.parameters()))
}
