//! `snn`: headless runs of snn-core that print JSON or CSV, for scripts, reproducible results
//! and tests. Every failure is one line on stderr naming the parameter and its value, and a
//! non-zero exit; never a panic.

mod bench;
mod blobs;
mod classify;
mod common;
mod discrete;
mod encode;
mod figures;
mod grad;
mod lif;
mod nest;
mod network;
mod network_spec;
mod nir;
mod plot_bench;
mod stdp;
mod train;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use bench::{bench, BenchArgs};
use blobs::{blobs, BlobsArgs};
use classify::{classify, ClassifyArgs};
use discrete::{discrete, DiscreteArgs};
use encode::{encode, EncodeArgs};
use figures::{figures, FiguresArgs};
use grad::{grad, GradArgs};
use lif::{lif, LifArgs};
use network::{network, NetworkArgs};
use nir::{nir_inspect, nir_predict, nir_readers, NirCommand};
use plot_bench::{plot_bench, PlotBenchArgs};
use stdp::{song, stdp_window, StdpCommand};
use train::{train, TrainArgs};

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
    /// Trains the spiking classifier and a logistic-regression baseline on the same data
    /// (blobs or Iris, --dataset).
    Classify(ClassifyArgs),
    /// Draws a benchmark report (JSON from scripts/measure/bench) as an SVG throughput chart.
    PlotBench(PlotBenchArgs),
    /// Writes every chart as an SVG file, drawn from seeded data.
    Figures(FiguresArgs),
    /// The benchmark workload (see snn_core::bench); prints the loop time and spike total.
    Bench(BenchArgs),
    /// The ce_count loss of a spiking network (LIF layers, reset by subtraction) on a batch and
    /// its gradients by backpropagation through time with a surrogate, in f64: JSON {"loss",
    /// "grads": [{"w", "b"}, ...], "counts"}, for checking against another implementation.
    Grad(GradArgs),
    /// Trains a spiking network with a hidden layer by backpropagation through time with a
    /// surrogate gradient (Adam, mini-batches). Prints JSON: accuracies, the loss and the
    /// seconds of every epoch, the parameter count and the threads.
    Train(TrainArgs),
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
        Command::Nir(NirCommand::Readers(args)) => nir_readers(args),
        Command::Stdp(StdpCommand::Song(args)) => song(args),
        Command::Blobs(args) => blobs(args),
        Command::Classify(args) => classify(args),
        Command::PlotBench(args) => plot_bench(args),
        Command::Figures(args) => figures(args),
        Command::Bench(args) => bench(args),
        Command::Grad(args) => grad(args),
        Command::Train(args) => train(args),
    }
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

/// The subcommands, from the command table itself: `a, b or c`.
fn subcommands() -> String {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
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
                eprintln!(
                    "error: a subcommand is required: {} (see snn --help)",
                    subcommands()
                );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::Flags;

    /// Every flag of every subcommand's table: an argument of that subcommand (or a pair of
    /// them, for what two flags give together), whose help is the one its definition
    /// generates, so it states the values the library's check accepts.
    #[test]
    fn every_flag_is_an_argument_whose_help_states_what_the_check_accepts() {
        let tables: [(&[&str], Flags); 9] = [
            (&["discrete"], discrete::DISCRETE_FLAGS),
            (&["lif"], lif::LIF_FLAGS),
            (&["encode"], encode::ENCODE_FLAGS),
            (&["network"], network::NETWORK_FLAGS),
            (&["stdp", "window"], stdp::STDP_FLAGS),
            (&["stdp", "song"], stdp::STDP_FLAGS),
            (&["blobs"], blobs::BLOBS_FLAGS),
            (&["classify"], classify::CLASSIFY_FLAGS),
            (&["bench"], bench::BENCH_FLAGS),
        ];
        let root = Cli::command();
        let mut checked = 0;
        for (path, flags) in tables {
            let mut cmd = &root;
            for name in path {
                cmd = cmd.find_subcommand(name).unwrap();
            }
            let longs: Vec<String> = cmd
                .get_arguments()
                .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                .collect();
            for flag in flags {
                // A flag of the table that is not this subcommand's (window and song share
                // one table) must be the other one's.
                let parts: Vec<&str> = flag.long.split(" x ").collect();
                if !parts.iter().all(|p| longs.iter().any(|l| l == p)) {
                    assert!(
                        path[0] == "stdp",
                        "{path:?}: {} is not an argument",
                        flag.long
                    );
                    continue;
                }
                if parts.len() == 1 {
                    let arg = cmd
                        .get_arguments()
                        .find(|a| a.get_long() == Some(&flag.long[2..]))
                        .unwrap();
                    let help = arg.get_help().unwrap().to_string();
                    assert_eq!(help, flag.help());
                    assert!(help.contains(&flag.param.accepts()), "{help}");
                }
                checked += 1;
            }
        }
        assert!(checked >= 40, "{checked}");
    }

    #[test]
    fn the_missing_subcommand_message_lists_every_subcommand() {
        let names = subcommands();
        for name in [
            "discrete",
            "lif",
            "encode",
            "network",
            "stdp",
            "nir",
            "blobs",
            "classify",
            "plot-bench",
            "figures",
            "bench",
        ] {
            assert!(names.contains(name), "{names}");
        }
    }
}
