//! Networks: connectivity statistics, Poisson inputs, reproducibility, threads and
//! refusals (each synapse kind against its closed form is in `synapses.rs`).

use snn_core::{Connection, Connectivity, LifParams, NetRecord, Network, SnnError, Synapse};

/// A LIF neuron relative to rest (V_rest = 0), Brunel's constants: tau 20 ms, theta 20 mV,
/// V_r 10 mV, t_ref 2 ms, dt 0.1 ms.
fn brunel_neuron(dt: f64) -> LifParams {
    snn_core::network::Brunel::paper(5.0, 2.0)
        .dt_ms(dt)
        .neuron()
        .unwrap()
}

#[test]
fn fixed_probability_in_degrees_have_the_binomial_mean_and_variance() {
    let p_conn = 0.1;
    let (n_s, n_t) = (3000usize, 2000usize);
    let lif = brunel_neuron(0.1);
    let mut b = Network::builder();
    let a = b.population("a", &lif, n_s).unwrap();
    let c = b.population("c", &lif, n_t).unwrap();
    b.connect(
        a,
        c,
        Connection::new(Synapse::Delta { w: 0.1 }, Connectivity::Probability(p_conn)),
    )
    .unwrap();
    b.connect(
        c,
        c,
        Connection::new(Synapse::Delta { w: 0.1 }, Connectivity::Probability(p_conn)),
    )
    .unwrap();
    let net = b.build(7).unwrap();
    let deg: Vec<f64> = net
        .in_degrees(0)
        .unwrap()
        .iter()
        .map(|&d| d as f64)
        .collect();
    let mean = deg.iter().sum::<f64>() / n_t as f64;
    let var = deg.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n_t - 1) as f64;
    let (m0, v0) = (p_conn * n_s as f64, p_conn * (1.0 - p_conn) * n_s as f64);
    // The mean of 2,000 in-degrees has a standard error of sqrt(270/2000) = 0.37.
    assert!((mean - m0).abs() < 1.5, "mean {mean} vs {m0}");
    // The sample variance has a relative standard error of about sqrt(2/2000) = 3 %.
    assert!((var / v0 - 1.0).abs() < 0.12, "variance {var} vs {v0}");
    // Within one population, no autapses: neuron i never targets itself.
    for i in 0..n_t {
        assert!(!net.targets(1, i).unwrap().contains(&(i as u32)));
    }
    let mean_self = net.in_degrees(1).unwrap().iter().sum::<u32>() as f64 / n_t as f64;
    assert!(
        (mean_self - p_conn * (n_t - 1) as f64).abs() < 1.5,
        "{mean_self}"
    );
    // Rows are sorted by target.
    assert!(net.targets(0, 5).unwrap().windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn fixed_in_degree_gives_exactly_k_distinct_sources_and_no_autapses() {
    let lif = brunel_neuron(0.1);
    for (n, k) in [(1000usize, 100usize), (50, 40), (10, 9)] {
        let mut b = Network::builder();
        let a = b.population("a", &lif, n).unwrap();
        b.connect(
            a,
            a,
            Connection::new(Synapse::Delta { w: 0.1 }, Connectivity::FixedInDegree(k)),
        )
        .unwrap();
        let net = b.build(3).unwrap();
        assert!(net.in_degrees(0).unwrap().iter().all(|&d| d as usize == k));
        assert_eq!(net.synapses(), n * k);
        // Distinct: the pairs (source, target) never repeat, and i never targets i.
        let mut pairs = std::collections::HashSet::new();
        for i in 0..n {
            for &t in net.targets(0, i).unwrap() {
                assert_ne!(t as usize, i);
                assert!(pairs.insert((i, t)));
            }
        }
        assert_eq!(pairs.len(), n * k);
    }
    // Out-degrees spread: with n = 1000, k = 100, a source's out-degree is about
    // binomial(1000, 0.1): some sources differ from 100.
    let mut b = Network::builder();
    let a = b.population("a", &lif, 1000).unwrap();
    b.connect(
        a,
        a,
        Connection::new(Synapse::Delta { w: 0.1 }, Connectivity::FixedInDegree(100)),
    )
    .unwrap();
    let net = b.build(3).unwrap();
    let out: Vec<usize> = (0..1000)
        .map(|i| net.targets(0, i).unwrap().len())
        .collect();
    assert!(out.iter().any(|&o| o != 100));
    assert_eq!(out.iter().sum::<usize>(), 100_000);
}

#[test]
fn one_to_one_and_all_to_all_connect_what_they_say() {
    let lif = brunel_neuron(0.1);
    let mut b = Network::builder();
    let a = b.population("a", &lif, 20).unwrap();
    let c = b.population("c", &lif, 20).unwrap();
    b.connect(
        a,
        c,
        Connection::new(Synapse::Delta { w: 1.0 }, Connectivity::OneToOne),
    )
    .unwrap();
    b.connect(
        a,
        a,
        Connection::new(Synapse::Delta { w: 1.0 }, Connectivity::AllToAll),
    )
    .unwrap();
    b.connect(
        c,
        c,
        Connection::new(Synapse::Delta { w: 1.0 }, Connectivity::AllToAll).autapses(true),
    )
    .unwrap();
    let net = b.build(0).unwrap();
    for i in 0..20 {
        assert_eq!(net.targets(0, i).unwrap(), &[i as u32]);
    }
    assert_eq!(net.in_degrees(1).unwrap(), vec![19; 20]);
    assert_eq!(net.in_degrees(2).unwrap(), vec![20; 20]);
}

/// Poisson input: with no recurrent synapses, a neuron's input is its Poisson count times w.
/// The counts' mean and variance are both K·ν·dt (one Poisson count per step, not K
/// Bernoulli draws, whose variance would be smaller).
#[test]
fn poisson_input_counts_have_poisson_mean_and_variance() {
    for (k, rate) in [(1000usize, 20.0f64), (1, 5000.0), (4000, 300.0)] {
        // A neuron that cannot reach threshold keeps every jump: the trace's increments are
        // the counts (times w, after the decay of one step).
        let lif = LifParams::builder()
            .tau_m(1e9)
            .v_rest(0.0)
            .v_reset(0.0)
            .v0(0.0)
            .v_th(1e11)
            .t_ref(0.0)
            .dt(0.1)
            .build()
            .unwrap();
        let mut b = Network::builder();
        let a = b.population("a", &lif, 2000).unwrap();
        b.poisson(a, k, rate, Synapse::Delta { w: 1.0 }).unwrap();
        let mut net = b.build(11).unwrap();
        let out = net
            .run(50, &NetRecord::counts().with_traces(a, 0..200))
            .unwrap();
        let mut counts = Vec::new();
        for (_, v) in out.population(a).unwrap().traces() {
            for w in v.windows(2) {
                counts.push(w[1] - w[0] * (-0.1f64 / 1e9).exp());
            }
        }
        let lambda = k as f64 * rate * 0.1e-3;
        let n = counts.len() as f64;
        let mean = counts.iter().sum::<f64>() / n;
        let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(
            (mean - lambda).abs() < 4.0 * (lambda / n).sqrt() + 1e-6,
            "K {k}, rate {rate}: mean {mean} vs {lambda}"
        );
        assert!(
            (var / lambda - 1.0).abs() < 0.08,
            "K {k}: variance {var} vs {lambda}"
        );
        assert!(counts.iter().all(|c| (c - c.round()).abs() < 1e-6));
    }
}

/// A small Brunel network: same seed, same spikes; another seed, other spikes.
fn small_brunel(seed: u64, g: f64, steps: usize) -> (Vec<(u32, u32)>, u64) {
    let lif = brunel_neuron(0.1);
    let mut b = Network::builder();
    let e = b.population("E", &lif, 800).unwrap();
    let i = b.population("I", &lif, 200).unwrap();
    let j = 0.2;
    for (from, w) in [(e, j), (i, -g * j)] {
        let k = if from == e { 80 } else { 20 };
        for to in [e, i] {
            b.connect(
                from,
                to,
                Connection::new(Synapse::Delta { w }, Connectivity::FixedInDegree(k)).delay_ms(1.5),
            )
            .unwrap();
        }
    }
    let nu_thr = 20.0 / (j * 80.0 * 20.0) * 1000.0;
    for to in [e, i] {
        b.poisson(to, 80, 2.0 * nu_thr, Synapse::Delta { w: j })
            .unwrap();
    }
    let mut net = b.build(seed).unwrap();
    let out = net.run(steps, &NetRecord::spikes()).unwrap();
    let spikes: Vec<(u32, u32)> = [e, i]
        .iter()
        .enumerate()
        .flat_map(|(p, &pop)| {
            let s = out.population(pop).unwrap().spikes().clone();
            s.iter()
                .map(|(n, t)| (n + 1000 * p as u32, t))
                .collect::<Vec<_>>()
        })
        .collect();
    (spikes, out.synaptic_events())
}

#[test]
fn same_seed_same_spikes_other_seed_other_spikes() {
    let (a, ea) = small_brunel(5, 5.0, 2000);
    let (b, eb) = small_brunel(5, 5.0, 2000);
    assert!(a.len() > 1000, "the network fires: {}", a.len());
    assert_eq!(a, b);
    assert_eq!(ea, eb);
    let (c, _) = small_brunel(6, 5.0, 2000);
    assert_ne!(a, c);
}

#[test]
fn synaptic_events_count_every_delivery() {
    // Events = Σ over spikes of the source's out-degree: with fixed in-degree 80 from 800
    // excitatory neurons into 800 + 200 targets, and so on; check against the counts.
    let lif = brunel_neuron(0.1);
    let mut b = Network::builder();
    let e = b.population("E", &lif, 300).unwrap();
    b.connect(
        e,
        e,
        Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::FixedInDegree(30)),
    )
    .unwrap();
    b.poisson(e, 100, 100.0, Synapse::Delta { w: 0.5 }).unwrap();
    let mut net = b.build(2).unwrap();
    let out = net.run(3000, &NetRecord::spikes()).unwrap();
    let pop = out.population(e).unwrap();
    let expected: u64 = pop
        .spikes()
        .iter()
        .map(|(n, _)| net.targets(0, n as usize).unwrap().len() as u64)
        .sum();
    assert!(expected > 0);
    assert_eq!(out.synaptic_events(), expected);
    assert_eq!(
        pop.active().iter().sum::<u32>(),
        pop.counts().iter().sum::<u32>()
    );
    assert!(pop.mean_rate_hz() > 0.0);
}

#[test]
fn bad_networks_are_refused_naming_the_parameter() {
    let lif = brunel_neuron(0.1);
    let mut b = Network::builder();
    let a = b.population("a", &lif, 100).unwrap();
    let c = b.population("c", &lif, 50).unwrap();
    let delta = Synapse::Delta { w: 0.1 };
    let e = b
        .connect(a, c, Connection::new(delta, Connectivity::Probability(1.5)))
        .unwrap_err();
    assert_eq!(e.parameter(), Some("p"), "{e}");
    let e = b
        .connect(
            a,
            c,
            Connection::new(delta, Connectivity::Probability(-0.1)),
        )
        .unwrap_err();
    assert_eq!(e.parameter(), Some("p"), "{e}");
    let e = b
        .connect(
            a,
            c,
            Connection::new(delta, Connectivity::AllToAll).delay_ms(0.04),
        )
        .unwrap_err();
    assert_eq!(e.parameter(), Some("delay"), "{e}");
    assert!(e.to_string().contains("0.04"), "{e}");
    let e = b
        .connect(a, c, Connection::new(delta, Connectivity::OneToOne))
        .unwrap_err();
    assert!(matches!(e, SnnError::LengthMismatch { .. }), "{e}");
    let e = b
        .connect(
            c,
            c,
            Connection::new(delta, Connectivity::FixedInDegree(50)),
        )
        .unwrap_err();
    assert!(matches!(e, SnnError::TooFew { .. }), "{e}");
    let e = b
        .connect(
            a,
            a,
            Connection::new(
                Synapse::CurrentExp {
                    w: 1.0,
                    tau_syn: 0.0,
                },
                Connectivity::AllToAll,
            ),
        )
        .unwrap_err();
    assert_eq!(e.parameter(), Some("tau_syn"), "{e}");
    let e = b
        .connect(
            a,
            a,
            Connection::new(
                Synapse::ConductanceExp {
                    w: -1.0,
                    tau_syn: 5.0,
                    e_rev: 0.0,
                },
                Connectivity::AllToAll,
            ),
        )
        .unwrap_err();
    assert_eq!(e.parameter(), Some("w"), "{e}");
    let e = b.poisson(a, 0, 10.0, delta).unwrap_err();
    assert_eq!(e.parameter(), Some("inputs"), "{e}");
    let e = b.poisson(a, 10, -1.0, delta).unwrap_err();
    assert_eq!(e.parameter(), Some("rate"), "{e}");
    // 1,000 inputs at 1e9 Hz is a mean of 1e8 per 0.1 ms step... and 1e10 Hz is past the
    // largest mean a u32 count holds safely.
    assert!(b.poisson(a, 1000, 1e9, delta).is_ok());
    let e = b.poisson(a, 1000, 1e10, delta).unwrap_err();
    assert_eq!(e.parameter(), Some("mean inputs per step"), "{e}");
    let e = b
        .population("other dt", &brunel_neuron(0.05), 10)
        .unwrap_err();
    assert_eq!(e.parameter(), Some("dt"), "{e}");
    let euler = LifParams::builder()
        .integration(snn_core::Integration::Euler)
        .build()
        .unwrap();
    let mut b2 = Network::builder();
    let x = b2.population("x", &euler, 10).unwrap();
    let e = b2
        .connect(
            x,
            x,
            Connection::new(
                Synapse::ConductanceExp {
                    w: 1.0,
                    tau_syn: 5.0,
                    e_rev: 0.0,
                },
                Connectivity::AllToAll,
            ),
        )
        .unwrap_err();
    assert_eq!(e.parameter(), Some("integration"), "{e}");
    // A network that would need more than the memory limit is refused before allocating:
    // 200,000 neurons all-to-all is 4e10 synapses (160 GB).
    let mut big = Network::builder();
    let h = big.population("huge", &lif, 200_000).unwrap();
    big.connect(h, h, Connection::new(delta, Connectivity::AllToAll))
        .unwrap();
    let e = big.build(0).unwrap_err();
    assert!(
        matches!(
            e,
            SnnError::TooLarge {
                name: "network",
                ..
            }
        ),
        "{e}"
    );
    // The builder still works after refusals: the good calls were kept.
    b.connect(a, c, Connection::new(delta, Connectivity::Probability(0.5)))
        .unwrap();
    let net = b.build(0).unwrap();
    assert!(net.synapses() > 0);
    assert_eq!(net.populations(), 2);
}

/// Threads on or off, and any number of threads: the same spikes, bit for bit (the Poisson
/// streams are per block of targets, and every target sums its inputs in spike order).
#[cfg(feature = "parallel")]
#[test]
fn threads_give_the_spikes_of_one_thread() {
    let run = |threads: Option<usize>| {
        let lif = brunel_neuron(0.1);
        let mut b = Network::builder();
        let e = b.population("E", &lif, 10_000).unwrap();
        let i = b.population("I", &lif, 2_500).unwrap();
        for (from, w, k) in [(e, 0.4, 200), (i, -1.6, 50)] {
            for to in [e, i] {
                // The projections from E keep a weight per synapse (another path).
                b.connect(
                    from,
                    to,
                    Connection::new(Synapse::Delta { w }, Connectivity::FixedInDegree(k))
                        .delay_ms(1.5)
                        .per_synapse(from == e),
                )
                .unwrap();
            }
        }
        for to in [e, i] {
            b.poisson(
                to,
                200,
                2.0 * 20.0 / (0.4 * 200.0 * 20.0) * 1000.0,
                Synapse::Delta { w: 0.4 },
            )
            .unwrap();
        }
        let mut net = b.build(9).unwrap();
        // Weights spread from 0.3 to 0.5 mV, by synapse index.
        let w: Vec<f64> = (0..net.synapses_of(0).unwrap())
            .map(|s| 0.3 + 0.2 * ((s * 7919) % 1000) as f64 / 1000.0)
            .collect();
        net.set_weights(0, &w).unwrap();
        let record = NetRecord::spikes().with_traces(e, [0, 9_999]);
        match threads {
            None => net.run(400, &record).unwrap(),
            Some(k) => {
                net.set_parallel(true);
                rayon::ThreadPoolBuilder::new()
                    .num_threads(k)
                    .build()
                    .unwrap()
                    .install(|| net.run(400, &record).unwrap())
            }
        }
    };
    let one = run(None);
    let spikes: usize = one.populations().iter().map(|p| p.spikes().len()).sum();
    // Enough spikes per step that the threaded propagation (>= 4,096 events) is used.
    assert!(
        one.synaptic_events() / 400 > 4096,
        "{}",
        one.synaptic_events()
    );
    assert!(spikes > 1000);
    for k in [2, 3, 5] {
        assert_eq!(run(Some(k)), one, "{k} threads");
    }
}
