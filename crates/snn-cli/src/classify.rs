//! `snn classify`: the spiking classifier against logistic regression.

use std::time::Instant;

use clap::Args;
use serde_json::json;
use snn_core::{
    Classifier, ClassifierParams, DiscreteParams, Encoding, Logistic, SnnError, TrainConfig,
};

use crate::blobs::{CENTERS, CLUSTER_STD, N_SAMPLES};

use crate::common::*;

/// The flags of `snn classify`.
#[derive(Args)]
pub(crate) struct ClassifyArgs {
    /// The data: generated 2-D blobs, or Fisher's Iris flowers (150 samples, 4 features in
    /// cm, 3 species; --centers, --cluster-std and --n-samples are for blobs only).
    #[arg(long, value_enum, default_value = "blobs")]
    dataset: DatasetArg,
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, help = CENTERS.help())]
    centers: usize,
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, help = CLUSTER_STD.help())]
    cluster_std: f64,
    #[arg(long, default_value_t = 200, allow_negative_numbers = true, help = N_SAMPLES.help())]
    n_samples: usize,
    /// Seed of the data, the split, the weights and the spikes.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
    /// How features reach the output neurons: as a current (the original's w·x + b,
    /// deterministic) or as rate- or latency-coded spikes.
    #[arg(long, value_enum, default_value = "current")]
    encoding: EncodingArg,
    #[arg(long, default_value_t = 500, allow_negative_numbers = true, help = EPOCHS.help())]
    epochs: usize,
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true, help = LR.help())]
    lr: f64,
    #[arg(long, default_value_t = 4, allow_negative_numbers = true, help = COPIES.help())]
    copies: usize,
    #[arg(long, default_value_t = 0.995, allow_negative_numbers = true, help = DECAY.help())]
    decay: f64,
    #[arg(long, default_value_t = 100, allow_negative_numbers = true, help = STEPS.help())]
    steps: usize,
    /// What an output neuron does when it fires: subtract (the threshold, exact training) or
    /// zero (reset to 0, NIR's LIF: an exported graph gives snnTorch and Norse the same
    /// spike counts).
    #[arg(long, value_enum, default_value = "subtract")]
    reset: ResetArg,
    /// Writes the trained spiking classifier to this file as a NIR graph (HDF5), for
    /// snnTorch, Norse, Rockpool, Sinabs, Lava-dl, Nengo or neuromorphic chips
    /// (current encoding only: the graph takes the raw features).
    #[arg(long)]
    nir: Option<std::path::PathBuf>,
    /// With --nir: refuse, before training, an export this reader would not run as NIR says
    /// (snnTorch: IF neurons; both: see `snn nir readers`).
    #[arg(long, value_enum)]
    nir_reader: Option<ReaderArg>,
    /// Writes CSV `x1,x2,label,predicted` (x1 to x4 for Iris) for every sample, train and
    /// test, in the data set's order, to this file; the JSON's `held_out_rows` says which
    /// rows (0-based) were held out.
    #[arg(long)]
    predictions: Option<std::path::PathBuf>,
}

const EPOCHS: Flag = Flag::new(
    "--epochs",
    "Training epochs (full-batch gradient steps)",
    TrainConfig::EPOCHS,
);
const LR: Flag = Flag::new("--lr", "Learning rate", TrainConfig::LR);
const COPIES: Flag = Flag::new(
    "--copies",
    "Encoder neurons per ON/OFF input channel (spike encodings): more copies, less rate-coding noise, more work",
    ClassifierParams::COPIES,
);
const DECAY: Flag = Flag::new(
    "--decay",
    "Leak of the output neurons per step, V <- decay * V + I",
    DiscreteParams::DECAY,
);
const STEPS: Flag = Flag::new(
    "--steps",
    "Simulation steps per sample",
    ClassifierParams::STEPS,
);

pub(crate) const CLASSIFY_FLAGS: Flags = &[
    &N_SAMPLES,
    &CENTERS,
    &CLUSTER_STD,
    &EPOCHS,
    &LR,
    &COPIES,
    &DECAY,
    &STEPS,
];

/// `snn classify`.
pub(crate) fn classify(args: ClassifyArgs) -> Result<String, String> {
    let ClassifyArgs {
        dataset,
        nir,
        predictions,
        centers,
        cluster_std,
        n_samples,
        seed,
        encoding,
        epochs,
        lr,
        copies,
        decay,
        steps,
        reset,
        nir_reader,
    } = args;
    let flags = CLASSIFY_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let encoding = match encoding {
        EncodingArg::Rate => Encoding::Rate,
        EncodingArg::Latency => Encoding::Latency,
        EncodingArg::Current => Encoding::Current,
    };
    // The settings first, checked without any data; then the data they fit.
    if nir.is_some() {
        snn_nir::exportable(encoding).map_err(|err| format!("--nir: {err}"))?;
    }
    if let Some(reader) = nir_reader {
        if nir.is_none() {
            return Err("--nir-reader: give the file to write with --nir".into());
        }
        // The graph's form depends on the neuron only (LIF or IF, r, dt): check it on an
        // untrained classifier with the same settings before any training.
        let probe = Classifier::builder()
            .decay(decay)
            .reset(reset.rule())
            .build(&snn_core::Blobs::iris().map_err(e)?)
            .map_err(e)?;
        let g = snn_nir::from_classifier(&probe, snn_nir::DEFAULT_DT)
            .map_err(|err| format!("--nir: {err}"))?;
        let v = snn_nir::verdict(&g, reader.reader());
        if let Some(why) = v.refused.first() {
            return Err(format!("--nir-reader: {why}"));
        }
    }
    let params = Classifier::builder()
        .steps(steps)
        .encoding(encoding)
        .decay(decay)
        .reset(reset.rule())
        .copies(copies)
        .params()
        .map_err(e)?;
    let cfg = TrainConfig::builder()
        .epochs(epochs)
        .lr(lr)
        .build()
        .map_err(e)?;
    let data = load(dataset, n_samples, centers, cluster_std, seed).map_err(e)?;
    let mut rng = snn_core::rng(seed);
    let (train_rows, test_rows) = data.split_indices(0.25, &mut rng).map_err(e)?;
    let (train, test) = (
        data.select(&train_rows).map_err(e)?,
        data.select(&test_rows).map_err(e)?,
    );
    let start = Instant::now();
    let (clf, history) = params
        .fit(&train, None, &cfg, &mut snn_core::rng(seed))
        .map_err(e)?;
    let train_seconds = start.elapsed().as_secs_f64();
    let mut eval = snn_core::rng(seed ^ 0xe7a1);
    let snn_train = clf.accuracy(&train, &mut eval).map_err(e)?;
    let snn_test = clf.accuracy(&test, &mut eval).map_err(e)?;
    // The baseline gets the same training budget: epochs, learning rate and L2.
    let base = Logistic::fit_with(&train, &cfg).map_err(e)?;
    let mut files = serde_json::Map::new();
    if let Some(path) = &predictions {
        let mut eval = snn_core::rng(seed ^ 0xe7a1);
        let predicted = clf.predict(&data, &mut eval).map_err(e)?;
        let names: Vec<String> = (1..=data.x().ncols()).map(|k| format!("x{k}")).collect();
        let mut csv = format!("{},label,predicted\n", names.join(","));
        for (row, (&y, &p)) in data
            .x()
            .rows()
            .into_iter()
            .zip(data.y().iter().zip(&predicted))
        {
            for v in row {
                csv.push_str(&format!("{v},"));
            }
            csv.push_str(&format!("{y},{p}\n"));
        }
        std::fs::write(path, csv)
            .map_err(|err| format!("--predictions: cannot write {}: {err}", path.display()))?;
        files.insert("predictions".into(), json!(path.display().to_string()));
    }
    if let Some(path) = &nir {
        snn_nir::write_classifier(&clf, path).map_err(|err| format!("--nir: {err}"))?;
        files.insert("nir".into(), json!(path.display().to_string()));
    }
    Ok(json!({
        "dataset": match dataset { DatasetArg::Blobs => "blobs", DatasetArg::Iris => "iris" },
        "features": data.feature_names(),
        "classes": data.class_names(),
        "files": files,
        "held_out_rows": test_rows,
        "snn": { "train_accuracy": snn_train, "test_accuracy": snn_test },
        "baseline": {
            "model": "logistic regression, full-batch gradient descent with the same epochs, lr and L2",
            "train_accuracy": base.accuracy(&train).map_err(e)?,
            "test_accuracy": base.accuracy(&test).map_err(e)?,
        },
        "epochs": epochs,
        "encoding": encoding.name(),
        "steps": steps,
        "decay": decay,
        "reset": reset.rule().name(),
        "lr": lr,
        "copies": copies,
        "train_samples": train.len(),
        "test_samples": test.len(),
        "train_seconds": train_seconds,
        "final_loss": history.loss.last(),
    })
    .to_string())
}
