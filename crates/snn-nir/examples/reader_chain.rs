//! A feed-forward chain written for snnTorch and Norse (`snn_nir::from_network_for`): 40
//! sources spiking at given times → 30 LIF neurons (delta synapses, a weight each) → 10 LIF
//! neurons (current-based synapses, a weight each, a 1 ms delay). Runs our network for 400 ms
//! (input in the first 300 ms), writes the graph for each reader, and also the first
//! projection alone (so a reader's output gives the hidden layer's counts), and prints JSON:
//! the steps, the source spikes as `[source, step]`, our spike counts per neuron of each
//! layer, the files and the lag of each layer in steps. `scripts/check/interop.py` runs the
//! files in snnTorch and Norse with those spikes and compares the counts neuron by neuron.
//! It checks here that the readers' limits accept these graphs, and that the first chain of
//! `network_chain` (a 2 ms refractory period) is refused, naming the reader and the node.
//! Run: `cargo run --release -p snn-nir --example reader_chain -- [out-dir]`.

use rand::Rng;
use snn_core::network::{Connection, Connectivity, NetRecord, Network, PopId, Source, Synapse};
use snn_core::{rng, LifParams};
use snn_nir::Reader;

/// The chain, with one (`layers = 1`) or both projections, its populations in order.
fn chain(
    layers: usize,
    refractory: f64,
) -> Result<(Network, Vec<PopId>), Box<dyn std::error::Error>> {
    let mut g = rng(11);
    let mut spikes = Vec::new();
    for s in 0..40 {
        // About 40 Hz each over the first 300 ms.
        for _ in 0..12 {
            spikes.push((s, g.gen_range(0.1..300.0)));
        }
    }
    let lif = LifParams::builder()
        .tau_m(20.0)
        .v_rest(-65.0)
        .v_reset(-65.0)
        .v_th(-50.0)
        .v0(-65.0)
        .r_m(50.0)
        .t_ref(refractory)
        .build()?;
    let mut b = Network::builder();
    b.dt(0.1)?;
    let src = b.source("input", Source::times(40, spikes))?;
    let hidden = b.population("hidden", &lif, 30)?;
    let mut ids = vec![src, hidden];
    b.connect(
        src,
        hidden,
        Connection::new(Synapse::Delta { w: 0.0 }, Connectivity::AllToAll).per_synapse(true),
    )?;
    if layers == 2 {
        let out = b.population("out", &lif, 10)?;
        b.connect(
            hidden,
            out,
            Connection::new(
                Synapse::CurrentExp {
                    w: 0.0,
                    tau_syn: 5.0,
                },
                Connectivity::AllToAll,
            )
            .per_synapse(true)
            .delay_ms(1.0),
        )?;
        ids.push(out);
    }
    let mut net = b.build(7)?;
    let w: Vec<f64> = (0..net.synapses_of(0)?)
        .map(|_| g.gen_range(-2.0..6.0))
        .collect();
    net.set_weights(0, &w)?;
    if layers == 2 {
        let w: Vec<f64> = (0..net.synapses_of(1)?)
            .map(|_| g.gen_range(-0.1..0.3))
            .collect();
        net.set_weights(1, &w)?;
    }
    Ok((net, ids))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&dir)?;
    let steps = 4000; // 400 ms: the input ends at 300 ms
    let (mut full, ids) = chain(2, 0.0)?;
    let graphs = [(Reader::SnnTorch, "snntorch"), (Reader::Norse, "norse")]
        .iter()
        .map(|&(r, tag)| -> Result<_, Box<dyn std::error::Error>> {
            let mut files = serde_json::Map::new();
            for layers in [1, 2] {
                let (net, _) = chain(layers, 0.0)?;
                let g = snn_nir::from_network_for(&net, r, false)?;
                let v = snn_nir::verdict(&g, r);
                if !v.refused.is_empty() {
                    return Err(format!("{}: {:?}", r.name(), v.refused).into());
                }
                let f = dir.join(format!("chain{layers}-{tag}.nir"));
                snn_nir::write(&g, &f)?;
                files.insert(format!("layers{layers}"), f.display().to_string().into());
            }
            Ok((tag.to_string(), serde_json::Value::Object(files)))
        })
        .collect::<Result<serde_json::Map<_, _>, _>>()?;
    let run = full.run(steps, &NetRecord::spikes())?;
    let input: Vec<[u32; 2]> = run
        .population(ids[0])?
        .spikes()
        .iter()
        .map(|(n, s)| [n, s])
        .collect();
    let mut counts = serde_json::Map::new();
    for (name, id) in [("hidden", ids[1]), ("out", ids[2])] {
        let p = run.population(id)?;
        let n = full.size(id)?;
        let mut c = vec![0u32; n];
        for (j, _) in p.spikes().iter() {
            c[j as usize] += 1;
        }
        if c.iter().sum::<u32>() == 0 {
            return Err(format!("{name}: no spikes; the check would compare nothing").into());
        }
        counts.insert(name.into(), serde_json::json!(c));
    }
    // What the readers cannot run is refused, naming the reader and the node.
    let (refractory, _) = chain(2, 2.0)?;
    for r in Reader::ALL {
        match snn_nir::from_network_for(&refractory, r, false) {
            Err(e) if e.to_string().contains(r.name()) && e.to_string().contains("pop1") => {}
            other => return Err(format!("a refractory period must be refused: {other:?}").into()),
        }
    }
    println!(
        "{}",
        serde_json::json!({
            "steps": steps,
            "dt_s": 1e-4,
            "input": input,
            "sources": 40,
            "counts": counts,
            "lag_steps": {"hidden": 1, "out": 1 + 1 + 10},
            "files": graphs,
        })
    );
    Ok(())
}
