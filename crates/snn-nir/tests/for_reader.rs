//! Networks written for snnTorch and Norse (`from_network_for`): the graph, stepped by the
//! equations those readers run (forward Euler at the file's `dt`, a spike a value of 1 in its
//! step, reset to 0; written out here from their importers' code, independently of the
//! export), fires our network's spike count on every neuron; and what they cannot run is
//! refused in one line naming the reader and the node. `scripts/check/interop.py` runs the
//! real frameworks on the `reader_chain` example's files.

use rand::Rng;
use snn_core::network::{Connection, Connectivity, NetRecord, Network, Source, Synapse};
use snn_core::{rng, Crossing, Integration, LifParams, LifReset};
use snn_nir::{from_network_for, NirGraph, Node, Reader};

fn lif() -> snn_core::LifBuilder {
    LifParams::builder()
        .tau_m(15.0)
        .v_rest(-60.0)
        .v_reset(-60.0)
        .v_th(-50.0)
        .v0(-60.0)
        .r_m(40.0)
        .t_ref(0.0)
}

/// 25 sources at given times (first 150 ms) -> 12 neurons (delta) -> 6 neurons (`second`).
fn chain(first: &LifParams, second: &LifParams, syn: Synapse, delay: f64, dt: f64) -> Network {
    let mut g = rng(5);
    let spikes: Vec<(usize, f64)> = (0..25 * 8)
        .map(|k| (k % 25, g.gen_range(dt..150.0)))
        .collect();
    let mut b = Network::builder();
    b.dt(dt).unwrap();
    let s = b.source("in", Source::times(25, spikes)).unwrap();
    let a = b.population("a", first, 12).unwrap();
    let z = b.population("z", second, 6).unwrap();
    let all = |syn| Connection::new(syn, Connectivity::AllToAll).per_synapse(true);
    b.connect(s, a, all(Synapse::Delta { w: 0.0 })).unwrap();
    let second = if delay > 0.0 {
        all(syn).delay_ms(delay)
    } else {
        all(syn)
    };
    b.connect(a, z, second).unwrap();
    let mut net = b.build(2).unwrap();
    for p in 0..2 {
        let w: Vec<f64> = (0..net.synapses_of(p).unwrap())
            .map(|_| {
                if p == 0 {
                    g.gen_range(-2.0..7.0)
                } else {
                    g.gen_range(-1.0..4.0)
                }
            })
            .map(|w: f64| {
                if matches!(syn, Synapse::ConductanceExp { .. }) {
                    w.abs()
                } else {
                    w
                }
            })
            .collect();
        net.set_weights(p, &w).unwrap();
    }
    net
}

/// Per-neuron counts of every layer of `g` stepped as snnTorch and Norse step it, with
/// `input[t]` the sources spiking at step `t`.
fn reader_counts(g: &NirGraph, input: &[Vec<usize>], dt: f64) -> Vec<Vec<u32>> {
    let chain = g.chain().unwrap();
    let mut x: Vec<Vec<f64>> = Vec::new();
    let mut layers: Vec<(Vec<Vec<f64>>, &Node)> = Vec::new();
    for (_, node) in &chain {
        match node {
            Node::Linear { weight } => layers.push((
                weight.rows().into_iter().map(|r| r.to_vec()).collect(),
                node,
            )),
            Node::Lif { .. } | Node::CubaLif { .. } => {
                let last = layers.len() - 1;
                layers[last].1 = node;
            }
            _ => {}
        }
    }
    let mut v: Vec<Vec<f64>> = layers.iter().map(|(w, _)| vec![0.0; w.len()]).collect();
    let mut cur = v.clone();
    let mut counts: Vec<Vec<u32>> = layers.iter().map(|(w, _)| vec![0; w.len()]).collect();
    for spikes in input {
        let n0 = layers[0].0[0].len();
        x.clear();
        let mut s: Vec<f64> = vec![0.0; n0];
        for &i in spikes {
            s[i] = 1.0;
        }
        for (l, (w, node)) in layers.iter().enumerate() {
            let drive: Vec<f64> = w
                .iter()
                .map(|row| row.iter().zip(&s).map(|(a, b)| a * b).sum())
                .collect();
            let mut out = vec![0.0; w.len()];
            for j in 0..w.len() {
                let (thr, reset) = match node {
                    Node::Lif {
                        tau,
                        r,
                        v_threshold,
                        v_reset,
                        ..
                    } => {
                        v[l][j] = (1.0 - dt / tau[j]) * v[l][j] + dt / tau[j] * r[j] * drive[j];
                        (v_threshold[j], v_reset[j])
                    }
                    Node::CubaLif {
                        tau_syn,
                        tau_mem,
                        r,
                        w_in,
                        v_threshold,
                        v_reset,
                        ..
                    } => {
                        cur[l][j] = (1.0 - dt / tau_syn[j]) * cur[l][j]
                            + dt / tau_syn[j] * w_in[j] * drive[j];
                        v[l][j] =
                            (1.0 - dt / tau_mem[j]) * v[l][j] + dt / tau_mem[j] * r[j] * cur[l][j];
                        (v_threshold[j], v_reset[j])
                    }
                    _ => unreachable!(),
                };
                if v[l][j] > thr {
                    out[j] = 1.0;
                    counts[l][j] += 1;
                    v[l][j] = reset;
                }
            }
            s = out;
        }
    }
    counts
}

fn ours(net: &mut Network, steps: usize) -> (Vec<Vec<usize>>, Vec<Vec<u32>>) {
    let run = net.run(steps, &NetRecord::spikes()).unwrap();
    let mut input = vec![Vec::new(); steps];
    let mut counts = vec![vec![0u32; 12], vec![0u32; 6]];
    for (p, pop) in run.populations().iter().enumerate() {
        for (n, step) in pop.spikes().iter() {
            if p == 0 {
                input[step as usize].push(n as usize);
            } else {
                counts[p - 1][n as usize] += 1;
            }
        }
    }
    (input, counts)
}

#[test]
fn the_readers_equations_fire_our_counts_on_every_neuron() {
    let mut total = 0;
    for (integration, syn, delay, dt) in [
        (
            Integration::Exact,
            Synapse::CurrentExp {
                w: 0.0,
                tau_syn: 4.0,
            },
            1.0,
            0.1,
        ),
        (Integration::Exact, Synapse::Delta { w: 0.0 }, 0.0, 0.1),
        (
            Integration::Euler,
            Synapse::CurrentExp {
                w: 0.0,
                tau_syn: 6.0,
            },
            0.5,
            0.1,
        ),
        (
            Integration::Exact,
            Synapse::CurrentExp {
                w: 0.0,
                tau_syn: 3.0,
            },
            0.0,
            0.25,
        ),
    ] {
        let p = lif().integration(integration).dt(dt).build().unwrap();
        let mut net = chain(&p, &p, syn, delay, dt);
        let steps = (250.0 / dt) as usize; // the input ends at 150 ms
        let reader = if dt == 0.1 {
            Reader::SnnTorch
        } else {
            Reader::Norse
        };
        let g = from_network_for(&net, reader, false).unwrap();
        assert!(snn_nir::verdict(&g, reader).refused.is_empty());
        let (input, want) = ours(&mut net, steps);
        let got = reader_counts(&g, &input, dt / 1000.0);
        assert_eq!(got, want, "{integration:?} {syn:?} delay {delay}");
        let spikes: u32 = want.iter().flatten().sum();
        assert!(want.iter().all(|l| l.iter().sum::<u32>() > 20), "{want:?}");
        total += spikes;
    }
    assert!(total > 500, "{total}");
}

#[test]
fn a_wrong_weight_or_time_constant_would_fail() {
    let p = lif().build().unwrap();
    let syn = Synapse::CurrentExp {
        w: 0.0,
        tau_syn: 4.0,
    };
    let mut net = chain(&p, &p, syn, 1.0, 0.1);
    let mut g = from_network_for(&net, Reader::Norse, false).unwrap();
    let (input, want) = ours(&mut net, 2500);
    for (name, node) in g.nodes.iter_mut() {
        match node {
            Node::Linear { weight } if name == "linear2" => *weight *= 1.02,
            _ => {}
        }
    }
    assert_ne!(reader_counts(&g, &input, 1e-4), want);
}

#[test]
fn what_a_reader_cannot_run_is_refused_naming_reader_and_node() {
    let good = lif().build().unwrap();
    let cur = Synapse::CurrentExp {
        w: 0.0,
        tau_syn: 4.0,
    };
    let cases: Vec<(LifParams, Synapse, &str)> = vec![
        (lif().t_ref(2.0).build().unwrap(), cur, "refractory"),
        (
            lif().reset(LifReset::Subtract).build().unwrap(),
            cur,
            "subtraction",
        ),
        (lif().v_reset(-65.0).build().unwrap(), cur, "v_reset"),
        (lif().v0(-55.0).build().unwrap(), cur, "starts at v0"),
        (
            lif().crossing(Crossing::AtOrAbove).build().unwrap(),
            cur,
            "v >= v_th",
        ),
        (
            good,
            Synapse::ConductanceExp {
                w: 1.0,
                tau_syn: 5.0,
                e_rev: 0.0,
            },
            "conductance",
        ),
    ];
    for (second, syn, why) in cases {
        let net = chain(&good, &second, syn, 0.0, 0.1);
        for r in Reader::ALL {
            let e = from_network_for(&net, r, false).unwrap_err().to_string();
            assert!(
                e.contains(r.name()) && e.contains("node pop2") && e.contains(why),
                "{e}"
            );
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }
    // snnTorch assumes dt = 0.1 ms; Norse takes the file's.
    let p = lif().dt(0.2).build().unwrap();
    let net = chain(&p, &p, cur, 0.0, 0.2);
    let e = from_network_for(&net, Reader::SnnTorch, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("snnTorch") && e.contains("1e-4"), "{e}");
    assert!(from_network_for(&net, Reader::Norse, false).is_ok());
}

#[test]
fn a_plastic_projection_is_refused_unless_frozen() {
    let rule = snn_core::network::Stdp::builder()
        .w_max(5.0)
        .build()
        .unwrap();
    let p = lif().build().unwrap();
    let mut b = Network::builder();
    b.dt(0.1).unwrap();
    let s = b.source("in", Source::poisson(20, 30.0)).unwrap();
    let a = b.population("a", &p, 4).unwrap();
    let plastic = Connection::new(Synapse::Delta { w: 2.0 }, Connectivity::AllToAll).stdp(rule);
    b.connect(s, a, plastic).unwrap();
    let net = b.build(3).unwrap();
    for r in Reader::ALL {
        let e = from_network_for(&net, r, false).unwrap_err().to_string();
        assert!(
            e.contains(r.name()) && e.contains("node pop1") && e.contains("freeze = true"),
            "{e}"
        );
        assert!(from_network_for(&net, r, true).is_ok());
    }
}
