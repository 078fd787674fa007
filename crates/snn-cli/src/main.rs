//! `snn`: headless runs of snn-core that print JSON or CSV, for scripts, reproducible results
//! and tests. Every failure is one line on stderr naming the parameter and its value, and a
//! non-zero exit; never a panic.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;
use snn_core::network::{Brunel, Pairing, Song, Stdp};
use snn_core::{
    bench, Blobs, BlobsConfig, Centers, Classifier, DiscreteParams, Drive, Encoding, Integration,
    LifParams, Logistic, NetRecord, Population, RateEncoder, RateModel, Record, SnnError,
    TrainConfig,
};

#[derive(Parser)]
#[command(
    name = "snn",
    version,
    about = "Spiking neural networks, step by step: headless runs of snn-core"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Method {
    Exact,
    Euler,
}

#[derive(Clone, Copy, ValueEnum)]
enum Model {
    Bernoulli,
    Poisson,
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    Rate,
    Latency,
    Current,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DatasetArg {
    Blobs,
    Iris,
}

#[derive(Clone, Copy, ValueEnum)]
enum Precision {
    F32,
    F64,
}

#[derive(Subcommand)]
enum Command {
    /// The original demo's neuron: V <- V*decay + I, spike and reset to 0 when V >= threshold.
    /// Prints {"spike_steps": [...]} (0-based steps).
    Discrete(DiscreteArgs),
    /// LIF neurons in physical units, one per current. Prints spike times in ms.
    Lif(LifArgs),
    /// Rate-encoded spike trains; prints the spike count of each train.
    Encode(EncodeArgs),
    /// The Brunel (2000) network of 10,000 excitatory and 2,500 inhibitory LIF neurons with
    /// delta synapses, 1.5 ms delays and Poisson input. Prints JSON: rates and ISI CVs per
    /// population, synaptic events, wall-clock seconds of the simulation.
    Network(NetworkArgs),
    /// Spike-timing-dependent plasticity: the STDP window, or Song, Miller & Abbott (2000).
    #[command(subcommand)]
    Stdp(StdpCommand),
    /// NIR graph files (as `snn classify --nir` writes them, or from snnTorch, Norse, ...):
    /// what is in one, or the classes the classifier it holds gives to a data set.
    #[command(subcommand)]
    Nir(NirCommand),
    /// 2-D Gaussian blobs as CSV (x1,x2,label), centres drawn in [-10, 10]^2.
    Blobs(BlobsArgs),
    /// Trains the spiking classifier and a logistic-regression baseline on the same blobs.
    Classify(ClassifyArgs),
    /// Draws a benchmark report (JSON from scripts/bench) as an SVG throughput chart.
    PlotBench(PlotBenchArgs),
    /// Writes every chart as an SVG file, drawn from seeded data.
    Figures(FiguresArgs),
    /// The benchmark workload (see snn_core::bench); prints the loop time and spike total.
    Bench(BenchArgs),
}

/// The flags of `snn discrete`.
#[derive(Args)]
struct DiscreteArgs {
    /// Leak factor per step, in (0, 1].
    #[arg(long, allow_negative_numbers = true)]
    decay: f64,
    /// Firing threshold (> 0).
    #[arg(long, allow_negative_numbers = true)]
    threshold: f64,
    /// Constant input current, fed every step.
    #[arg(long, allow_negative_numbers = true)]
    current: f64,
    /// Number of steps.
    #[arg(long, allow_negative_numbers = true)]
    steps: usize,
}

/// The flags of `snn lif`.
#[derive(Args)]
struct LifArgs {
    /// Membrane time constant, ms.
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
    tau_m_ms: f64,
    /// Resting potential, mV.
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true)]
    v_rest_mv: f64,
    /// Reset potential, mV.
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true)]
    v_reset_mv: f64,
    /// Threshold, mV.
    #[arg(long, default_value_t = -50.0, allow_negative_numbers = true)]
    v_th_mv: f64,
    /// Membrane resistance, MOhm.
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
    r_mohm: f64,
    /// Refractory period, ms.
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true)]
    t_ref_ms: f64,
    /// Time step, ms.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    dt_ms: f64,
    /// Simulated duration, ms.
    #[arg(long, default_value_t = 1000.0, allow_negative_numbers = true)]
    duration_ms: f64,
    /// Initial potential, mV.
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true)]
    v0_mv: f64,
    /// Integration method.
    #[arg(long, value_enum, default_value = "exact")]
    method: Method,
    /// Constant input currents, nA, comma-separated: one neuron each.
    #[arg(
        long,
        value_delimiter = ',',
        required = true,
        allow_negative_numbers = true
    )]
    currents_na: Vec<f64>,
}

/// The flags of `snn encode`.
#[derive(Args)]
struct EncodeArgs {
    /// Firing rate, Hz.
    #[arg(long, allow_negative_numbers = true)]
    rate_hz: f64,
    /// Time step, ms.
    #[arg(long, allow_negative_numbers = true)]
    dt_ms: f64,
    /// Duration of each train, s.
    #[arg(long, allow_negative_numbers = true)]
    duration_s: f64,
    /// Number of independent trains.
    #[arg(long, allow_negative_numbers = true)]
    trains: usize,
    /// Seed of the portable generator.
    #[arg(long, allow_negative_numbers = true)]
    seed: u64,
    /// Random process.
    #[arg(long, value_enum, default_value = "bernoulli")]
    model: Model,
}

/// The flags of `snn blobs`.
#[derive(Args)]
struct BlobsArgs {
    /// Number of samples.
    #[arg(long, default_value_t = 200, allow_negative_numbers = true)]
    n_samples: usize,
    /// Number of centres (classes).
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    centers: usize,
    /// Standard deviation of each blob.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    cluster_std: f64,
    /// Seed of the portable generator.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
}

/// The flags of `snn classify`.
#[derive(Args)]
struct ClassifyArgs {
    /// The data: generated 2-D blobs, or Fisher's Iris flowers (150 samples, 4 features in
    /// cm, 3 species; --centers, --cluster-std and --n-samples are for blobs only).
    #[arg(long, value_enum, default_value = "blobs")]
    dataset: DatasetArg,
    /// Number of centres (classes), drawn in [-10, 10]^2.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    centers: usize,
    /// Standard deviation of each blob.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    cluster_std: f64,
    /// Number of samples (a quarter is held out for testing).
    #[arg(long, default_value_t = 200, allow_negative_numbers = true)]
    n_samples: usize,
    /// Seed of the data, the split, the weights and the spikes.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
    /// How features reach the output neurons: as a current (the original's w·x + b,
    /// deterministic) or as rate- or latency-coded spikes.
    #[arg(long, value_enum, default_value = "current")]
    encoding: EncodingArg,
    /// Training epochs (full-batch gradient steps).
    #[arg(long, default_value_t = 500, allow_negative_numbers = true)]
    epochs: usize,
    /// Learning rate.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    lr: f64,
    /// Encoder neurons per ON/OFF input channel (spike encodings): more copies, less
    /// rate-coding noise, more work.
    #[arg(long, default_value_t = 4, allow_negative_numbers = true)]
    copies: usize,
    /// Leak of the output neurons per step, V <- decay * V + I, in (0, 1].
    #[arg(long, default_value_t = 0.995, allow_negative_numbers = true)]
    decay: f64,
    /// Simulation steps per sample.
    #[arg(long, default_value_t = 100, allow_negative_numbers = true)]
    steps: usize,
    /// Writes the trained spiking classifier to this file as a NIR graph (HDF5), for
    /// snnTorch, Norse, Rockpool, Sinabs, Lava-dl, Nengo or neuromorphic chips
    /// (current encoding only: the graph takes the raw features).
    #[arg(long)]
    nir: Option<std::path::PathBuf>,
    /// Writes CSV `x1,x2,label,predicted` (x1 to x4 for Iris) for every sample, train and
    /// test, in the data set's order, to this file; the JSON's `held_out_rows` says which
    /// rows (0-based) were held out.
    #[arg(long)]
    predictions: Option<std::path::PathBuf>,
}

/// The flags of `snn network`.
#[derive(Args)]
struct NetworkArgs {
    /// Relative strength of inhibition g (inhibitory weight -g*J). Brunel's Figure 8: 3, 6, 5, 4.5.
    #[arg(long, allow_negative_numbers = true)]
    g: f64,
    /// External rate over threshold rate, nu_ext/nu_thr. Figure 8: 2, 4, 2, 0.9.
    #[arg(long, allow_negative_numbers = true)]
    nu_ratio: f64,
    /// Network size relative to the paper's 12,500 neurons, in (0, 1]; in-degrees scale with
    /// it and J with its inverse, so the mean input stays the paper's.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    scale: f64,
    /// Simulated time, ms.
    #[arg(long, default_value_t = 1000.0, allow_negative_numbers = true)]
    duration_ms: f64,
    /// Time step, ms.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    dt_ms: f64,
    /// Seed of the connectivity, the Poisson input and the initial potentials.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Transient to leave out of the statistics, ms (from the start).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    skip_ms: f64,
    /// Step on every core (rayon; honours RAYON_NUM_THREADS). Same spikes as one thread.
    #[arg(long)]
    threads: bool,
}

/// `snn nir ...`.
#[derive(Subcommand)]
enum NirCommand {
    /// Prints JSON: the nodes (name, NIR type, shape), the edges and the metadata keys.
    Inspect(NirFileArgs),
    /// Reads the classifier in a NIR file (an Input, Affine, LIF or IF, Output chain) and
    /// prints JSON {"predicted": [...]} for every sample of a data set, in its order.
    Predict(NirPredictArgs),
}

/// The flags of `snn nir inspect`.
#[derive(Args)]
struct NirFileArgs {
    /// The NIR file (HDF5).
    file: std::path::PathBuf,
}

/// The flags of `snn nir predict`.
#[derive(Args)]
struct NirPredictArgs {
    /// The NIR file (HDF5).
    file: std::path::PathBuf,
    /// The data (as `snn classify`).
    #[arg(long, value_enum, default_value = "blobs")]
    dataset: DatasetArg,
    /// Blobs: number of centres.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    centers: usize,
    /// Blobs: standard deviation of each blob.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    cluster_std: f64,
    /// Blobs: number of samples.
    #[arg(long, default_value_t = 200, allow_negative_numbers = true)]
    n_samples: usize,
    /// Blobs: seed of the data.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
}

/// `snn stdp ...`.
#[derive(Subcommand)]
enum StdpCommand {
    /// The weight change of one pre and one post spike dt apart, simulated (two spike
    /// generators and one plastic synapse, dt 0.1 ms), for dt from -100 to 100 ms in 1 ms
    /// steps. Prints JSON pairs [[dt_ms, dw], ...].
    Window(WindowArgs),
    /// Song, Miller & Abbott (2000): one conductance-based LIF neuron, Poisson inputs through
    /// plastic synapses. Prints JSON: w_over_wmax (final weights over g_max, one per input),
    /// output_rate_hz (over the last tenth), the fractions below 0.1 and above 0.9, seconds
    /// (wall clock of the simulation).
    Song(SongArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum PairingArg {
    AllToAll,
    Nearest,
}

impl From<PairingArg> for Pairing {
    fn from(p: PairingArg) -> Self {
        match p {
            PairingArg::AllToAll => Pairing::AllToAll,
            PairingArg::Nearest => Pairing::Nearest,
        }
    }
}

/// The flags of `snn stdp window`.
#[derive(Args)]
struct WindowArgs {
    /// Presynaptic trace time constant, ms.
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true)]
    tau_pre_ms: f64,
    /// Postsynaptic trace time constant, ms.
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true)]
    tau_post_ms: f64,
    /// Potentiation at dt = 0.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    a_plus: f64,
    /// Depression at dt -> 0- (a positive number: the change is -a_minus).
    #[arg(long, default_value_t = 0.0105, allow_negative_numbers = true)]
    a_minus: f64,
    /// Pairing scheme (one pair: both give the same window).
    #[arg(long, value_enum, default_value_t = PairingArg::AllToAll)]
    pairing: PairingArg,
}

/// The flags of `snn stdp song`.
#[derive(Args)]
struct SongArgs {
    /// Simulated time, s.
    #[arg(long, default_value_t = 100.0, allow_negative_numbers = true)]
    duration_s: f64,
    /// Number of plastic inputs.
    #[arg(long, default_value_t = 1000)]
    inputs: usize,
    /// Rate of each input, Hz.
    #[arg(long, default_value_t = 15.0, allow_negative_numbers = true)]
    rate_hz: f64,
    /// Seed of the inputs and the starting weights.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many inputs (the first) are correlated.
    #[arg(long, default_value_t = 0)]
    correlated: usize,
    /// Their correlation coefficient, in [0, 1].
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    c: f64,
    /// Pairing scheme.
    #[arg(long, value_enum, default_value_t = PairingArg::AllToAll)]
    pairing: PairingArg,
}

/// The flags of `snn plot-bench`.
#[derive(Args)]
struct PlotBenchArgs {
    /// JSON file: {"series": [{"name": "...", "points": [[neurons, updates_per_second], ...]}]}
    #[arg(long)]
    json: std::path::PathBuf,
    /// SVG file to write.
    #[arg(long)]
    out: std::path::PathBuf,
}

/// The flags of `snn figures`.
#[derive(Args)]
struct FiguresArgs {
    /// Output folder (created if missing).
    #[arg(long)]
    out: std::path::PathBuf,
}

/// The flags of `snn bench`.
#[derive(Args)]
struct BenchArgs {
    /// Number of neurons.
    #[arg(long, allow_negative_numbers = true)]
    n: usize,
    /// Number of steps.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true)]
    steps: usize,
    /// Floating-point precision.
    #[arg(long, value_enum, default_value = "f32")]
    precision: Precision,
    /// Step on every core (rayon) when N >= 65536.
    #[arg(long)]
    parallel: bool,
    /// The general LIF step instead: refractory counters (2 ms) and a per-neuron current
    /// (tau_m 10 ms, dt 0.1 ms, currents 1.6 to 4 nA), with the same timing.
    #[arg(long)]
    general: bool,
    /// Runs timed, each on a freshly built population; the fastest is reported (1 to 1000).
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    repeats: usize,
}

/// The flags of one subcommand, keyed by the snn-core parameter each one sets: an error
/// names the flag the user typed, found by the error's own parameter name
/// ([`SnnError::parameter`]).
type Flags = &'static [(&'static str, &'static str)];

const DISCRETE_FLAGS: Flags = &[
    ("decay", "--decay"),
    ("threshold", "--threshold"),
    ("drive", "--current"),
    ("input", "--current"),
    ("steps", "--steps"),
];
const LIF_FLAGS: Flags = &[
    ("tau_m", "--tau-m-ms"),
    ("v_rest", "--v-rest-mv"),
    ("v_reset", "--v-reset-mv"),
    ("v_th", "--v-th-mv"),
    ("r_m", "--r-mohm"),
    ("t_ref", "--t-ref-ms"),
    ("dt", "--dt-ms"),
    ("v0", "--v0-mv"),
    ("drive", "--currents-na"),
    ("input", "--currents-na"),
    ("neurons", "--currents-na"),
    ("duration", "--duration-ms"),
];
const ENCODE_FLAGS: Flags = &[
    ("max_rate", "--rate-hz"),
    ("dt", "--dt-ms"),
    (
        "max_rate * dt (mean spikes per step)",
        "--rate-hz x --dt-ms",
    ),
    ("spike matrix", "--trains x --duration-s"),
];
const BLOBS_FLAGS: Flags = &[
    ("n_samples", "--n-samples"),
    ("centers", "--centers"),
    ("cluster_std", "--cluster-std"),
    ("blobs", "--n-samples"),
];
const CLASSIFY_FLAGS: Flags = &[
    ("n_samples", "--n-samples"),
    ("centers", "--centers"),
    ("classes", "--centers"),
    ("cluster_std", "--cluster-std"),
    ("blobs", "--n-samples"),
    ("epochs", "--epochs"),
    ("lr", "--lr"),
    ("copies", "--copies"),
    ("decay", "--decay"),
    ("steps", "--steps"),
];
const NETWORK_FLAGS: Flags = &[
    ("g", "--g"),
    ("nu_ratio", "--nu-ratio"),
    ("scale", "--scale"),
    ("dt", "--dt-ms"),
    ("duration", "--duration-ms"),
    ("steps", "--duration-ms"),
    ("mean inputs per step", "--nu-ratio"),
    ("network", "--scale"),
];
const BENCH_FLAGS: Flags = &[("neurons", "--n"), ("steps", "--steps")];

/// One line for an snn-core error: the flag the user typed for its parameter, then the
/// message.
fn describe(e: &SnnError, flags: Flags) -> String {
    let flag = e
        .parameter()
        .and_then(|p| flags.iter().find(|(name, _)| *name == p))
        .map(|(_, flag)| *flag);
    match flag {
        Some(flag) => format!("{flag}: {e}"),
        None => e.to_string(),
    }
}

/// Spike times rounded to 1e-9 ms so `3 * 0.1` prints as 0.3.
fn tidy(t: f64) -> f64 {
    (t * 1e9).round() / 1e9
}

fn steps_for(name: &'static str, duration: f64, dt: f64) -> Result<usize, String> {
    let steps = duration / dt;
    if !steps.is_finite() || steps < 0.5 || steps > u32::MAX as f64 {
        return Err(format!(
            "{name}: duration must give between 1 and {} steps of dt, got {duration} / {dt}",
            u32::MAX
        ));
    }
    Ok(steps.round() as usize)
}

fn run(cli: Cli) -> Result<String, String> {
    match cli.command {
        Command::Discrete(args) => discrete(args),
        Command::Lif(args) => lif(args),
        Command::Encode(args) => encode(args),
        Command::Network(args) => network(args),
        Command::Stdp(StdpCommand::Window(args)) => stdp_window(args),
        Command::Nir(NirCommand::Inspect(args)) => nir_inspect(args),
        Command::Nir(NirCommand::Predict(args)) => nir_predict(args),
        Command::Stdp(StdpCommand::Song(args)) => song(args),
        Command::Blobs(args) => blobs(args),
        Command::Classify(args) => classify(args),
        Command::PlotBench(args) => plot_bench(args),
        Command::Figures(args) => figures(args),
        Command::Bench(args) => bench(args),
    }
}

/// `snn discrete`.
fn discrete(args: DiscreteArgs) -> Result<String, String> {
    let DiscreteArgs {
        decay,
        threshold,
        current,
        steps,
    } = args;
    let flags = DISCRETE_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let p = DiscreteParams::builder()
        .decay(decay)
        .threshold(threshold)
        .build()
        .map_err(e)?;
    let mut pop = Population::<f64>::new(&p, 1).map_err(e)?;
    let out = pop
        .run(steps, Drive::Constant(current), &Record::spikes())
        .map_err(e)?;
    Ok(json!({ "spike_steps": out.spike_steps_of(0) }).to_string())
}

/// `snn lif`.
fn lif(args: LifArgs) -> Result<String, String> {
    let LifArgs {
        tau_m_ms,
        v_rest_mv,
        v_reset_mv,
        v_th_mv,
        r_mohm,
        t_ref_ms,
        dt_ms,
        duration_ms,
        v0_mv,
        method,
        currents_na,
    } = args;
    let flags = LIF_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let p = LifParams::builder()
        .tau_m(tau_m_ms)
        .v_rest(v_rest_mv)
        .v_reset(v_reset_mv)
        .v_th(v_th_mv)
        .r_m(r_mohm)
        .t_ref(t_ref_ms)
        .dt(dt_ms)
        .v0(v0_mv)
        .integration(match method {
            Method::Exact => Integration::Exact,
            Method::Euler => Integration::Euler,
        })
        .build()
        .map_err(e)?;
    let steps = steps_for("--duration-ms", duration_ms, dt_ms)?;
    let mut pop = Population::<f64>::new(&p, currents_na.len()).map_err(e)?;
    let out = pop
        .run(steps, Drive::PerNeuron(&currents_na), &Record::spikes())
        .map_err(e)?;
    let mut times = vec![Vec::new(); currents_na.len()];
    for (n, s) in out.spikes().iter() {
        times[n as usize].push(tidy((s as f64 + 1.0) * p.dt()));
    }
    let runs: Vec<_> = currents_na
        .iter()
        .zip(times)
        .map(|(i, t)| json!({ "i_na": i, "spike_times_ms": t }))
        .collect();
    let name = match method {
        Method::Exact => "exact",
        Method::Euler => "euler",
    };
    Ok(json!({ "method": name, "runs": runs }).to_string())
}

/// `snn encode`.
fn encode(args: EncodeArgs) -> Result<String, String> {
    let EncodeArgs {
        rate_hz,
        dt_ms,
        duration_s,
        trains,
        seed,
        model,
    } = args;
    let e = |e: SnnError| describe(&e, ENCODE_FLAGS);
    let model = match model {
        Model::Bernoulli => RateModel::Bernoulli,
        Model::Poisson => RateModel::Poisson,
    };
    let enc = RateEncoder::new(rate_hz, dt_ms, model).map_err(e)?;
    if trains == 0 {
        return Err("--trains: must be at least 1, got 0".into());
    }
    let steps = steps_for("--duration-s", duration_s * 1000.0, dt_ms)?;
    let spikes = enc
        .encode(&vec![1.0; trains], steps, &mut snn_core::rng(seed))
        .map_err(e)?;
    let name = match model {
        RateModel::Bernoulli => "bernoulli",
        RateModel::Poisson => "poisson",
    };
    Ok(json!({ "model": name, "counts": spikes.channel_counts() }).to_string())
}

/// `snn blobs`.
fn blobs(args: BlobsArgs) -> Result<String, String> {
    let BlobsArgs {
        n_samples,
        centers,
        cluster_std,
        seed,
    } = args;
    let flags = BLOBS_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let b = BlobsConfig {
        n_samples,
        centers: Centers::Random(centers),
        cluster_std,
        seed,
    }
    .generate()
    .map_err(e)?;
    let mut s = String::from("x1,x2,label");
    for (row, y) in b.x().rows().into_iter().zip(b.y()) {
        s.push_str(&format!("\n{},{},{}", row[0], row[1], y));
    }
    Ok(s)
}

/// `snn classify`.
fn classify(args: ClassifyArgs) -> Result<String, String> {
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
    } = args;
    let flags = CLASSIFY_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let encoding = match encoding {
        EncodingArg::Rate => Encoding::Rate,
        EncodingArg::Latency => Encoding::Latency,
        EncodingArg::Current => Encoding::Current,
    };
    let data = load(dataset, n_samples, centers, cluster_std, seed).map_err(e)?;
    let mut rng = snn_core::rng(seed);
    let (train_rows, test_rows) = data.split_indices(0.25, &mut rng).map_err(e)?;
    let (train, test) = (
        data.select(&train_rows).map_err(e)?,
        data.select(&test_rows).map_err(e)?,
    );
    let mut clf = Classifier::builder()
        .steps(steps)
        .encoding(encoding)
        .decay(decay)
        .copies(copies)
        .build(&train)
        .map_err(e)?;
    let cfg = TrainConfig::builder()
        .epochs(epochs)
        .lr(lr)
        .build()
        .map_err(e)?;
    let start = Instant::now();
    let history = clf
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
        "lr": lr,
        "copies": copies,
        "train_samples": train.len(),
        "test_samples": test.len(),
        "train_seconds": train_seconds,
        "final_loss": history.loss.last(),
    })
    .to_string())
}

/// `snn plot-bench`.
fn plot_bench(args: PlotBenchArgs) -> Result<String, String> {
    let PlotBenchArgs { json, out } = args;
    let e = |e: SnnError| describe(&e, &[]);
    let text = std::fs::read_to_string(&json)
        .map_err(|err| format!("--json: cannot read {}: {err}", json.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|err| format!("--json: {} is not JSON: {err}", json.display()))?;
    let series: Vec<(String, Vec<(f64, f64)>)> = v["series"]
        .as_array()
        .ok_or("--json: no \"series\" array")?
        .iter()
        .map(|s| {
            let name = s["name"].as_str().unwrap_or("?").to_string();
            let pts = s["points"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                        .collect()
                })
                .unwrap_or_default();
            (name, pts)
        })
        .collect();
    let title = v["title"].as_str().unwrap_or("Neuron updates per second");
    let chart = snn_core::chart::throughput(&series, title).map_err(e)?;
    chart.save(&out).map_err(|err| format!("--out: {err}"))?;
    Ok(json!({ "written": out.display().to_string() }).to_string())
}

/// `snn figures`.
fn figures(args: FiguresArgs) -> Result<String, String> {
    let FiguresArgs { out } = args;
    let e = |e: SnnError| describe(&e, &[]);
    std::fs::create_dir_all(&out)
        .map_err(|err| format!("--out: cannot create {}: {err}", out.display()))?;
    let charts = snn_core::gallery::all().map_err(e)?;
    let mut names = Vec::new();
    for (name, chart) in charts {
        let path = out.join(format!("{name}.svg"));
        chart.save(&path).map_err(|err| format!("--out: {err}"))?;
        names.push(path.display().to_string());
    }
    Ok(json!({ "written": names }).to_string())
}

const STDP_FLAGS: Flags = &[
    ("tau_pre", "--tau-pre-ms"),
    ("tau_post", "--tau-post-ms"),
    ("a_plus", "--a-plus"),
    ("a_minus", "--a-minus"),
    ("duration", "--duration-s"),
    ("steps", "--duration-s"),
    ("inputs", "--inputs"),
    ("sources", "--inputs"),
    ("rate", "--rate-hz"),
    ("max_rate", "--rate-hz"),
    ("correlated", "--correlated"),
    ("c", "--c"),
];

/// The data of `snn classify` and `snn nir predict`: blobs as given, or Iris.
fn load(
    dataset: DatasetArg,
    n_samples: usize,
    centers: usize,
    cluster_std: f64,
    seed: u64,
) -> Result<Blobs, SnnError> {
    match dataset {
        DatasetArg::Blobs => BlobsConfig {
            n_samples,
            centers: Centers::Random(centers),
            cluster_std,
            seed,
        }
        .generate(),
        DatasetArg::Iris => Blobs::iris(),
    }
}

/// `snn nir inspect`.
fn nir_inspect(args: NirFileArgs) -> Result<String, String> {
    let g = snn_nir::read(&args.file).map_err(|e| e.to_string())?;
    let nodes: Vec<serde_json::Value> = g
        .nodes
        .iter()
        .map(|(name, n)| json!({"name": name, "type": n.type_name(), "shape": n.describe()}))
        .collect();
    let chain: Option<Vec<&str>> = g
        .chain()
        .ok()
        .map(|c| c.iter().map(|(name, _)| *name).collect());
    Ok(json!({
        "nodes": nodes,
        "edges": g.edges,
        "chain": chain,
        "metadata": g.metadata.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
    })
    .to_string())
}

/// `snn nir predict`.
fn nir_predict(args: NirPredictArgs) -> Result<String, String> {
    let e = |e: SnnError| describe(&e, CLASSIFY_FLAGS);
    let g = snn_nir::read(&args.file).map_err(|e| e.to_string())?;
    let clf = snn_nir::to_classifier(&g).map_err(|e| e.to_string())?;
    let data = load(
        args.dataset,
        args.n_samples,
        args.centers,
        args.cluster_std,
        args.seed,
    )
    .map_err(e)?;
    let predicted = clf.predict(&data, &mut snn_core::rng(0)).map_err(e)?;
    Ok(json!({ "predicted": predicted, "steps": clf.steps() }).to_string())
}

/// `snn stdp window`: each pair simulated by its own network of two spike generators.
fn stdp_window(args: WindowArgs) -> Result<String, String> {
    let e = |e: SnnError| describe(&e, STDP_FLAGS);
    let rule = Stdp::builder()
        .tau_pre_ms(args.tau_pre_ms)
        .tau_post_ms(args.tau_post_ms)
        .a_plus(args.a_plus)
        .a_minus(args.a_minus)
        .w_max(1.0)
        .pairing(args.pairing.into())
        .build()
        .map_err(e)?;
    let mut pairs = Vec::with_capacity(201);
    for k in -100i32..=100 {
        let dt = f64::from(k);
        let w0 = 0.5;
        let w = rule.simulate_pair(w0, dt, 0.1).map_err(e)?;
        pairs.push(json!([dt, w - w0]));
    }
    Ok(serde_json::Value::Array(pairs).to_string())
}

/// `snn stdp song`.
fn song(args: SongArgs) -> Result<String, String> {
    let e = |e: SnnError| describe(&e, STDP_FLAGS);
    let model = Song::paper()
        .inputs(args.inputs)
        .rate_hz(args.rate_hz)
        .duration_s(args.duration_s)
        .correlated(args.correlated, args.c)
        .pairing(args.pairing.into());
    let every = (args.duration_s / 100.0).max(0.1);
    let run = model.run(args.seed, every).map_err(e)?;
    let (low, high) = run.fractions(0.1, 0.9);
    Ok(json!({
        "w_over_wmax": run.w_over_wmax,
        "output_rate_hz": run.output_rate_hz,
        "rate_hz_over_time": run.rate_hz,
        "times_s": run.times_s,
        "fraction_below_0.1": low,
        "fraction_above_0.9": high,
        "mean_w_correlated": (args.correlated > 0).then(|| run.mean_w(0..args.correlated)),
        "mean_w_uncorrelated": (args.correlated < args.inputs).then(|| run.mean_w(args.correlated..args.inputs)),
        "output_spikes": run.output_spikes,
        "seconds": run.seconds,
        "inputs": args.inputs,
        "duration_s": args.duration_s,
        "seed": args.seed,
    })
    .to_string())
}

/// `snn network`.
fn network(args: NetworkArgs) -> Result<String, String> {
    let NetworkArgs {
        g,
        nu_ratio,
        scale,
        duration_ms,
        dt_ms,
        seed,
        skip_ms,
        threads,
    } = args;
    let flags = NETWORK_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let model = Brunel {
        g,
        nu_ratio,
        scale,
        dt_ms,
        delay_ms: 1.5,
    };
    let lif = model.neuron().map_err(e)?;
    let steps = lif.steps_for(duration_ms).map_err(e)?;
    if !(skip_ms.is_finite() && skip_ms >= 0.0 && skip_ms < duration_ms) {
        return Err(format!(
            "--skip-ms: must be in [0, duration), got {skip_ms}"
        ));
    }
    let skip = ((skip_ms / dt_ms).round() as usize).min(steps - 1);
    let start = Instant::now();
    let (mut net, pe, pi) = model.build(seed).map_err(e)?;
    let build_seconds = start.elapsed().as_secs_f64();
    net.set_parallel(threads);
    if skip > 0 {
        net.run(skip, &NetRecord::counts()).map_err(e)?;
    }
    let start = Instant::now();
    let out = net.run(steps - skip, &NetRecord::spikes()).map_err(e)?;
    let seconds = start.elapsed().as_secs_f64();
    let (re, ri) = (
        out.population(pe).map_err(e)?,
        out.population(pi).map_err(e)?,
    );
    Ok(json!({
        "rate_hz": {"e": re.mean_rate_hz(), "i": ri.mean_rate_hz()},
        "cv_isi": {"e": re.cv_isi(), "i": ri.cv_isi()},
        "synchrony": {"e": re.synchrony(1.0), "i": ri.synchrony(1.0)},
        "synaptic_events": out.synaptic_events(),
        "seconds": seconds,
        "events_per_second": out.synaptic_events() as f64 / seconds,
        "build_seconds": build_seconds,
        "neurons": net.neurons(),
        "synapses": net.synapses(),
        "bytes_per_synapse": net.synapse_bytes() as f64 / net.synapses().max(1) as f64,
        "g": g,
        "nu_ratio": nu_ratio,
        "nu_ext_hz": model.nu_ext_hz(),
        "j_mv": model.j_mv(),
        "scale": scale,
        "dt_ms": dt_ms,
        "duration_ms": steps as f64 * dt_ms,
        "skip_ms": skip as f64 * dt_ms,
        "measured_ms": out.duration_ms(),
        "seed": seed,
        "threads": if threads { rayon::current_num_threads() } else { 1 },
    })
    .to_string())
}

/// `snn bench`.
fn bench(args: BenchArgs) -> Result<String, String> {
    let BenchArgs {
        n,
        steps,
        precision,
        parallel,
        general,
        repeats,
    } = args;
    if !(1..=1000).contains(&repeats) {
        return Err(format!("--repeats: must be 1 to 1000, got {repeats}"));
    }
    let flags = BENCH_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let mut best: Option<(f64, u64)> = None;
    for _ in 0..repeats {
        let (seconds, total) = match precision {
            Precision::F32 => time_bench::<f32>(n, steps, parallel, general).map_err(e)?,
            Precision::F64 => time_bench::<f64>(n, steps, parallel, general).map_err(e)?,
        };
        if best.is_none_or(|(s, _)| seconds < s) {
            best = Some((seconds, total));
        }
    }
    let (seconds, total) = best.unwrap_or((f64::NAN, 0));
    let rate = (n as f64 * steps as f64) / seconds;
    Ok(json!({
        "seconds": seconds,
        "total_spikes": total,
        "n": n,
        "steps": steps,
        "precision": match precision { Precision::F32 => "f32", Precision::F64 => "f64" },
        "updates_per_second": rate,
        "parallel": parallel,
        "repeats": repeats,
        "threads": threads_used(parallel, n),
        "workload": if general {
            "general LIF: tau_m 10 ms, dt 0.1 ms, refractory 2 ms, a constant current per neuron from 1.6 to 4 nA"
        } else {
            "independent leaky neurons v <- v*a + b_i, a = exp(-0.1/10), b_i = (0.5 + 1.5 i/(N-1))(1 - a), spike when v > 1, reset to 0"
        },
    })
    .to_string())
}

/// The threads a run really uses: rayon's pool (which honours `RAYON_NUM_THREADS`) when
/// asked for and the population is large enough to be split, else one.
fn threads_used(parallel: bool, n: usize) -> usize {
    if parallel && n >= snn_core::PARALLEL_MIN {
        rayon::current_num_threads()
    } else {
        1
    }
}

fn time_bench<F: snn_core::Precision>(
    n: usize,
    steps: usize,
    parallel: bool,
    general: bool,
) -> Result<(f64, u64), SnnError> {
    let (mut pop, b) = if general {
        let p = LifParams::builder().build()?;
        let b: Vec<F> = (0..n)
            .map(|i| F::of(1.6 + 2.4 * i as f64 / (n.max(2) - 1) as f64))
            .collect();
        (Population::<F>::new(&p, n)?, b)
    } else {
        (
            Population::<F>::new(&bench::params()?, n)?,
            bench::drive::<F>(n),
        )
    };
    pop.set_parallel(parallel);
    let start = Instant::now();
    let out = pop.run(steps, Drive::PerNeuron(&b), &Record::counts())?;
    Ok((start.elapsed().as_secs_f64(), out.total_spikes()))
}

/// clap's message on one line: everything before the usage block, so a missing argument
/// names the missing flags and a bad value lists the possible ones
/// (`error: the following required arguments were not provided: --threshold <THRESHOLD>`).
fn one_line(text: &str) -> String {
    let mut parts = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line);
        }
    }
    if parts.is_empty() {
        "error: bad arguments (see snn --help)".to_string()
    } else {
        parts.join(" ")
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            use clap::error::ErrorKind::{
                DisplayHelp, DisplayHelpOnMissingArgumentOrSubcommand, DisplayVersion,
            };
            if matches!(err.kind(), DisplayHelp | DisplayVersion) {
                print!("{err}");
                return ExitCode::SUCCESS;
            }
            if matches!(err.kind(), DisplayHelpOnMissingArgumentOrSubcommand) {
                eprintln!("error: a subcommand is required: discrete, lif, encode, network, blobs, classify, figures, plot-bench or bench (see snn --help)");
                return ExitCode::from(2);
            }
            eprintln!("{}", one_line(&err.render().to_string()));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}
