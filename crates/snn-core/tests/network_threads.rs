//! Threaded network runs (threads that meet once per minimum delay): for any number of
//! threads, the same spikes, traces, counts and deliveries as one thread, bit for bit, and
//! the same state afterwards (rings, synaptic state, random streams, spike sources), over
//! every synapse kind, spike sources, several delays and sizes that are not whole blocks.

use snn_core::network::{Source, Stdp};
use snn_core::{Connection, Connectivity, LifParams, NetRecord, Network, Synapse};

fn neuron(dt: f64) -> LifParams {
    snn_core::network::Brunel::paper(5.0, 2.0)
        .dt_ms(dt)
        .neuron()
        .unwrap()
}

/// A network with every kind of synapse, spike sources (Poisson and given times), a
/// projection into a source, shared and per-synapse weights, and delays from `d0` ms up.
fn mixed(seed: u64, n_e: usize, n_i: usize, d0: f64, dt: f64) -> (Network, Vec<usize>) {
    let lif = neuron(dt);
    let mut b = Network::builder();
    b.dt(dt).unwrap();
    let e = b.population("E", &lif, n_e).unwrap();
    let i = b.population("I", &lif, n_i).unwrap();
    let s = b.source("S", Source::poisson(300, 20.0)).unwrap();
    let times: Vec<(usize, f64)> = (0..200).map(|k| (k % 40, 0.7 + k as f64 * 0.37)).collect();
    let g = b.source("T", Source::times(40, times)).unwrap();
    let delta = |w| Synapse::Delta { w };
    let conns = [
        (
            e,
            e,
            delta(0.2),
            Connectivity::FixedInDegree(80),
            d0 + 1.0,
            false,
        ),
        (
            e,
            i,
            Synapse::CurrentExp {
                w: 0.05,
                tau_syn: 2.0,
            },
            Connectivity::FixedInDegree(60),
            d0 + 0.5,
            true,
        ),
        (
            i,
            e,
            Synapse::ConductanceExp {
                w: 0.02,
                tau_syn: 5.0,
                e_rev: -10.0,
            },
            Connectivity::FixedInDegree(30),
            d0 + 0.8,
            false,
        ),
        (i, i, delta(-0.9), Connectivity::Probability(0.02), d0, true),
        (
            s,
            e,
            delta(0.5),
            Connectivity::Probability(0.05),
            d0 + 0.2,
            false,
        ),
        (
            g,
            i,
            delta(1.5),
            Connectivity::FixedInDegree(5),
            d0 + 0.3,
            true,
        ),
        (e, s, delta(0.1), Connectivity::Probability(0.01), d0, false),
    ];
    for (from, to, syn, c, d, own) in conns {
        b.connect(
            from,
            to,
            Connection::new(syn, c).delay_ms(d).per_synapse(own),
        )
        .unwrap();
    }
    for to in [e, i] {
        b.poisson(to, 100, 130.0, delta(0.4)).unwrap();
    }
    let mut net = b.build(seed).unwrap();
    // Per-synapse weights spread by index, so their order of summation matters.
    for p in [1, 3, 5] {
        let w: Vec<f64> = (0..net.synapses_of(p).unwrap())
            .map(|k| {
                net.weights(p).unwrap().unwrap()[k]
                    * (0.7 + 0.6 * ((k * 7919) % 1000) as f64 / 1000.0)
            })
            .collect();
        net.set_weights(p, &w).unwrap();
    }
    let v0: Vec<f64> = (0..n_e).map(|k| ((k * 37) % 200) as f64 / 10.0).collect();
    net.set_v(e, &v0).unwrap();
    (net, vec![e.index(), i.index()])
}

/// Runs `net` in three chunks on `threads` threads and then 40 steps on one; returns
/// everything the runs recorded and the state they left.
fn chunks(
    mut net: Network,
    threads: usize,
) -> (
    Vec<snn_core::network::NetworkResult>,
    Vec<Vec<f64>>,
    Vec<u64>,
) {
    let e = snn_core::network::PopId::new(0);
    let record = NetRecord::spikes().with_traces(e, [0, 1, 1023, 1024, 2047]);
    net.set_threads(threads);
    let mut out = vec![];
    for steps in [337, 1, 250] {
        out.push(net.run(steps, &record).unwrap());
    }
    net.set_threads(1);
    out.push(net.run(40, &record).unwrap());
    let v = (0..2)
        .map(|p| net.v(snn_core::network::PopId::new(p)).unwrap().to_vec())
        .collect();
    (out, v, net.state().events().to_vec())
}

#[test]
fn any_thread_count_gives_the_one_thread_run_bit_for_bit() {
    let cases = [
        (1, 5000, 1500, 0.1, 0.1),
        (2, 3000, 800, 1.4, 0.1),
        (3, 2100, 2100, 0.25, 0.05),
    ];
    let mut compared = 0;
    let mut counts = std::collections::BTreeSet::new();
    for (seed, n_e, n_i, d0, dt) in cases {
        let (net, _) = mixed(seed, n_e, n_i, d0, dt);
        let one = chunks(net.clone(), 1);
        let spikes: usize = one
            .0
            .iter()
            .flat_map(|r| r.populations())
            .map(|p| p.spikes().len())
            .sum();
        assert!(spikes > 2000, "seed {seed}: {spikes} spikes");
        for threads in [2, 3, 4, 7] {
            let mut probe = net.clone();
            probe.set_threads(threads);
            let used = probe.threads_used();
            assert!(
                (2..=threads).contains(&used),
                "seed {seed}: {used} of {threads}"
            );
            counts.insert(used);
            let many = chunks(net.clone(), threads);
            assert!(
                many.0 == one.0,
                "seed {seed}, {threads} threads: another run"
            );
            assert_eq!(
                many.1, one.1,
                "seed {seed}, {threads} threads: other potentials"
            );
            assert_eq!(
                many.2, one.2,
                "seed {seed}, {threads} threads: other deliveries"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 12);
    assert!(counts.len() >= 3, "thread counts used: {counts:?}");
}

#[test]
fn plasticity_on_runs_on_one_thread_and_off_on_many() {
    let lif = neuron(0.1);
    let mut b = Network::builder();
    let a = b.population("A", &lif, 3000).unwrap();
    let c = b.population("C", &lif, 3000).unwrap();
    let rule = Stdp::builder()
        .a_plus(0.01)
        .a_minus(0.012)
        .w_max(1.0)
        .build()
        .unwrap();
    b.connect(
        a,
        c,
        Connection::new(Synapse::Delta { w: 0.3 }, Connectivity::FixedInDegree(50)).stdp(rule),
    )
    .unwrap();
    b.poisson(a, 100, 150.0, Synapse::Delta { w: 0.4 }).unwrap();
    b.poisson(c, 100, 120.0, Synapse::Delta { w: 0.4 }).unwrap();
    let mut net = b.build(4).unwrap();
    net.set_threads(3);
    assert_eq!(net.threads_used(), 1);
    let mut one = net.clone();
    one.set_threads(1);
    let (r1, r3) = (
        one.run(500, &NetRecord::spikes()).unwrap(),
        net.run(500, &NetRecord::spikes()).unwrap(),
    );
    assert_eq!(r1, r3);
    assert_eq!(one.weights(0).unwrap(), net.weights(0).unwrap());
    net.set_plastic(0, false).unwrap();
    one.set_plastic(0, false).unwrap();
    assert_eq!(net.threads_used(), 3);
    let (r1, r3) = (
        one.run(500, &NetRecord::spikes()).unwrap(),
        net.run(500, &NetRecord::spikes()).unwrap(),
    );
    assert!(r1.synaptic_events() > 10_000, "{}", r1.synaptic_events());
    assert_eq!(r1, r3);
}

#[test]
fn a_network_without_projections_runs_threaded_too() {
    let lif = neuron(0.1);
    let mut b = Network::builder();
    let a = b.population("A", &lif, 4100).unwrap();
    b.poisson(a, 100, 180.0, Synapse::Delta { w: 0.4 }).unwrap();
    let net = b.build(2).unwrap();
    let mut one = net.clone();
    let mut four = net;
    four.set_threads(4);
    assert_eq!(four.threads_used(), 4);
    let record = NetRecord::spikes().with_traces(a, [4099]);
    let r1 = one.run(1500, &record).unwrap();
    assert!(r1.populations()[0].spikes().len() > 1000);
    assert_eq!(r1, four.run(1500, &record).unwrap());
}
