//! A feed-forward chain of populations to NIR and back: 40 Poisson sources → 30 LIF neurons
//! (delta synapses, a weight each, 2 ms refractory) → 10 LIF neurons (current-based synapses,
//! one shared weight, 1 ms delay). Runs it, writes it as a NIR graph, reads it back into a
//! network driven by the same input, runs that, and checks the spikes are the same.
//! Run: `cargo run --release -p snn-nir --example network_chain -- [out.nir]`.

use rand::Rng;
use snn_core::network::{Connection, Connectivity, NetRecord, Network, Source, Synapse};
use snn_core::{rng, LifParams};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("snn-chain.nir"));
    let input = Source::poisson(40, 40.0);
    let lif = LifParams::builder()
        .tau_m(20.0)
        .v_rest(-65.0)
        .v_reset(-70.0)
        .v_th(-50.0)
        .v0(-65.0)
        .r_m(50.0)
        .t_ref(2.0)
        .build()?;
    let mut b = Network::builder();
    b.dt(0.1)?;
    let src = b.source("input", input.clone())?;
    let hidden = b.population("hidden", &lif, 30)?;
    let out_pop = b.population("out", &lif.to_builder().t_ref(0.0).build()?, 10)?;
    b.connect(
        src,
        hidden,
        Connection::new(Synapse::Delta { w: 0.0 }, Connectivity::AllToAll).per_synapse(true),
    )?;
    b.connect(
        hidden,
        out_pop,
        Connection::new(
            Synapse::CurrentExp {
                w: 0.4,
                tau_syn: 5.0,
            },
            Connectivity::AllToAll,
        )
        .delay_ms(1.0),
    )?;
    let mut net = b.build(7)?;
    let mut g = rng(3);
    let w: Vec<f64> = (0..net.synapses_of(0)?)
        .map(|_| g.gen_range(-1.0..4.0))
        .collect();
    net.set_weights(0, &w)?;

    let graph = snn_nir::from_network(&net)?;
    snn_nir::write(&graph, &out)?;
    let steps = 5000; // 500 ms
    let record = NetRecord::spikes();
    let before = net.run(steps, &record)?;
    let (mut back, ids) = snn_nir::to_network(&snn_nir::read(&out)?, input, 7)?;
    let after = back.run(steps, &record)?;
    for (k, (name, id)) in [("hidden", hidden), ("out", out_pop)].iter().enumerate() {
        let (a, b) = (before.population(*id)?, after.population(ids[k + 1])?);
        println!(
            "{name}: {} spikes, read back {} ({})",
            a.spikes().len(),
            b.spikes().len(),
            if a.spikes() == b.spikes() {
                "the same spikes"
            } else {
                "DIFFERENT"
            }
        );
        if a.spikes() != b.spikes() || a.spikes().is_empty() {
            return Err("the network read back does not fire the same spikes".into());
        }
    }
    println!("wrote {} ({} nodes)", out.display(), graph.nodes.len());
    Ok(())
}
