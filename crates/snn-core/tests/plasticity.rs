//! STDP through whole networks: the window against its closed form, exact hand-computed cases
//! of both pairing schemes, brute-force sums over every pair of random spike trains,
//! clipping, plasticity off (bit for bit the network without it), Song et al. (2000).

use snn_core::network::{
    probe, Connection, Connectivity, NetRecord, Network, Pairing, Song, Source, Stdp, Synapse,
};
use snn_core::rand::Rng;
use snn_core::{rng, LifParams, SnnError};

fn rule(pairing: Pairing) -> Stdp {
    Stdp::builder()
        .tau_pre_ms(20.0)
        .tau_post_ms(10.0)
        .a_plus(0.01)
        .a_minus(0.02)
        .w_max(1.0)
        .pairing(pairing)
        .build()
        .unwrap()
}

/// One pre and one post generator (dt 0.1 ms), one plastic synapse of `w0` with `delay_ms`;
/// returns the weight after every spike has passed.
fn pair_net(rule: Stdp, w0: f64, pre: &[f64], post: &[f64], delay_ms: f64) -> f64 {
    let mut b = Network::builder();
    b.dt(0.1).unwrap();
    let s = b
        .source(
            "pre",
            Source::times(1, pre.iter().map(|&t| (0, t)).collect()),
        )
        .unwrap();
    let t = b
        .source(
            "post",
            Source::times(1, post.iter().map(|&t| (0, t)).collect()),
        )
        .unwrap();
    let conn = Connection::new(Synapse::Delta { w: w0 }, Connectivity::AllToAll)
        .delay_ms(delay_ms)
        .stdp(rule);
    b.connect(s, t, conn).unwrap();
    let mut net = b.build(0).unwrap();
    let last = pre.iter().chain(post).fold(0.0f64, |a, &b| a.max(b));
    net.run((last / 0.1).round() as usize + 2, &NetRecord::counts())
        .unwrap();
    net.weights(0).unwrap().unwrap()[0]
}

#[test]
fn window_matches_the_closed_form_to_rounding_for_both_schemes() {
    for pairing in [Pairing::AllToAll, Pairing::Nearest] {
        let r = rule(pairing);
        let mut worst = 0.0f64;
        for k in -100..=100 {
            let dt = f64::from(k);
            let dw = probe::stdp_pair(&r, 0.5, dt, 0.1).unwrap() - 0.5;
            worst = worst.max((dw - r.window(dt)).abs());
            if k != 0 {
                assert_eq!(dw > 0.0, k > 0, "sign at {k} ms");
            }
        }
        assert!(worst < 1e-16 * 8.0, "{pairing:?}: {worst}");
    }
    // Δt = 0 potentiates by A+ exactly; the depression side at −10 ms is −A−/e.
    let r = rule(Pairing::AllToAll);
    assert!((probe::stdp_pair(&r, 0.5, 0.0, 0.1).unwrap() - 0.51).abs() < 1e-15);
    assert!(
        (probe::stdp_pair(&r, 0.5, -10.0, 0.1).unwrap() - (0.5 - 0.02 / 1f64.exp())).abs() < 1e-15
    );
}

#[test]
fn hand_computed_cases_through_a_network() {
    // Pre at 10, 20 and 35 ms; post at 30 and 32 ms. dt = 0.1 ms, tau+ = 20, tau- = 10.
    let (pre, post) = ([10.0, 20.0, 35.0], [30.0, 32.0]);
    let e = |x: f64| x.exp();
    // All-to-all: post 30 pairs with pres 10 and 20; post 32 with them too; pre 35 with posts
    // 30 and 32.
    let all =
        0.5 + 0.01 * (e(-1.0) + e(-0.5)) + 0.01 * (e(-1.1) + e(-0.6)) - 0.02 * (e(-0.5) + e(-0.3));
    // Nearest: each post pairs with pre 20 only; pre 35 with post 32 only.
    let near = 0.5 + 0.01 * e(-0.5) + 0.01 * e(-0.6) - 0.02 * e(-0.3);
    for delay in [0.1, 2.0, 15.0] {
        // The delay moves the PSP, not the pairing: STDP uses the neurons' spike times.
        let a = pair_net(rule(Pairing::AllToAll), 0.5, &pre, &post, delay);
        let n = pair_net(rule(Pairing::Nearest), 0.5, &pre, &post, delay);
        assert!((a - all).abs() < 1e-15, "all-to-all {a} vs {all}");
        assert!((n - near).abs() < 1e-15, "nearest {n} vs {near}");
    }
}

/// Sum over pairs: all-to-all sums the window over every (pre, post) pair; nearest takes,
/// for each post spike, the latest pre at or before it, and for each pre spike the latest
/// post strictly before it (steps of 0.1 ms, pre before post within a step).
fn brute(r: &Stdp, pre: &[u64], post: &[u64]) -> f64 {
    let w = |d: i64| r.window(d as f64 * 0.1);
    match r.pairing() {
        Pairing::AllToAll => pre
            .iter()
            .flat_map(|&a| post.iter().map(move |&b| w(b as i64 - a as i64)))
            .sum(),
        Pairing::Nearest => {
            let plus: f64 = post
                .iter()
                .filter_map(|&b| {
                    pre.iter()
                        .filter(|&&a| a <= b)
                        .max()
                        .map(|&a| w(b as i64 - a as i64))
                })
                .sum();
            let minus: f64 = pre
                .iter()
                .filter_map(|&a| {
                    post.iter()
                        .filter(|&&b| b < a)
                        .max()
                        .map(|&b| w(b as i64 - a as i64))
                })
                .sum();
            plus + minus
        }
    }
}

#[test]
fn random_trains_give_the_sum_over_their_pairs() {
    // 60 random cases per scheme, each 5 to 24 spikes per side in 300 steps, amplitudes small
    // enough that no weight reaches 0 or 1: every case checks the whole sum.
    let mut g = rng(42);
    let mut checked = 0;
    for pairing in [Pairing::AllToAll, Pairing::Nearest] {
        let r = Stdp::builder()
            .tau_pre_ms(3.0)
            .tau_post_ms(5.0)
            .a_plus(0.001)
            .a_minus(0.0012)
            .pairing(pairing)
            .build()
            .unwrap();
        for _ in 0..60 {
            let (n_pre, n_post) = (g.gen_range(5..25), g.gen_range(5..25));
            let mut draw = |k: usize| {
                let mut v: Vec<u64> = (0..k).map(|_| g.gen_range(0..300u64)).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let (pre, post) = (draw(n_pre), draw(n_post));
            let ms = |s: &[u64]| s.iter().map(|&k| (k + 1) as f64 * 0.1).collect::<Vec<_>>();
            let got = pair_net(r, 0.5, &ms(&pre), &ms(&post), 0.1) - 0.5;
            let want = brute(&r, &pre, &post);
            assert!(want.abs() > 1e-6, "a case with no change tests nothing");
            assert!((got - want).abs() < 1e-14, "{pairing:?}: {got} vs {want}");
            checked += 1;
        }
    }
    assert_eq!(checked, 120);
}

#[test]
fn weights_are_clipped_to_zero_and_w_max() {
    let r = Stdp::builder()
        .a_plus(0.3)
        .a_minus(0.3)
        .w_max(2.0)
        .build()
        .unwrap();
    // Ten pre-then-post pairs, 1 ms apart, 100 ms between pairs: +0.3·e^(−1/20) each from 1.0.
    let pre: Vec<f64> = (0..10).map(|k| 10.0 + 100.0 * k as f64).collect();
    let post: Vec<f64> = pre.iter().map(|t| t + 1.0).collect();
    assert_eq!(pair_net(r, 1.0, &pre, &post, 0.1), 2.0);
    // Post-then-pre: down to 0 and no further.
    assert_eq!(pair_net(r, 1.0, &post, &pre, 0.1), 0.0);
    // From the top, one depressing pair then one potentiating pair: clipping happens per
    // event (2 − 0.3·e^(−1/20) + 0.3·e^(−1/20) back to 2, not above).
    let w = pair_net(r, 2.0, &[20.0, 100.0], &[19.0, 101.0], 0.1);
    assert!((w - 2.0).abs() < 1e-15 && w <= 2.0);
}

/// A LIF population driven by Poisson sources through per-synapse conductance synapses, and
/// recurrent delta synapses; `plastic` makes the input projection plastic.
fn driven(plastic: Option<Stdp>) -> (Network, snn_core::network::PopId) {
    let lif = LifParams::builder()
        .tau_m(10.0)
        .v_rest(-70.0)
        .v_reset(-65.0)
        .v_th(-54.0)
        .v0(-70.0)
        .r_m(100.0)
        .t_ref(1.0)
        .build()
        .unwrap();
    let mut b = Network::builder();
    let out = b.population("out", &lif, 20).unwrap();
    let inp = b.source("in", Source::poisson(300, 12.0)).unwrap();
    let syn = Synapse::ConductanceExp {
        w: 0.05,
        tau_syn: 5.0,
        e_rev: 0.0,
    };
    let mut conn = Connection::new(syn, Connectivity::Probability(0.5)).per_synapse(true);
    if let Some(r) = plastic {
        conn = conn.stdp(r);
    }
    b.connect(inp, out, conn).unwrap();
    b.connect(
        out,
        out,
        Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::Probability(0.2)).delay_ms(1.0),
    )
    .unwrap();
    let mut net = b.build(11).unwrap();
    let n = net.synapses_of(0).unwrap();
    let mut g = rng(5);
    let w: Vec<f64> = (0..n).map(|_| g.gen_range(0.0..1.0)).collect();
    net.set_weights(0, &w).unwrap();
    (net, out)
}

#[test]
fn plasticity_off_is_bit_for_bit_the_network_without_it() {
    let r = Stdp::builder()
        .a_plus(0.02)
        .a_minus(0.021)
        .w_max(1.0)
        .build()
        .unwrap();
    let (mut fixed, out) = driven(None);
    let (mut off, _) = driven(Some(r));
    off.set_plastic(0, false).unwrap();
    let (mut on, _) = driven(Some(r));
    let zero = Stdp::builder()
        .a_plus(0.0)
        .a_minus(0.0)
        .w_max(1.0)
        .build()
        .unwrap();
    let (mut inert, _) = driven(Some(zero));
    let rec = NetRecord::spikes().with_traces(out, [0, 7]);
    let a = fixed.run(20_000, &rec).unwrap();
    let b = off.run(20_000, &rec).unwrap();
    let c = on.run(20_000, &rec).unwrap();
    let d = inert.run(20_000, &rec).unwrap();
    assert!(
        a.population(out).unwrap().spikes().len() > 100,
        "the test needs spikes"
    );
    assert_eq!(a, b, "plasticity off");
    assert_eq!(a, d, "zero amplitudes");
    assert_eq!(fixed.weights(0).unwrap(), off.weights(0).unwrap());
    assert_eq!(fixed.weights(0).unwrap(), inert.weights(0).unwrap());
    // On, the weights move and so do the spikes.
    assert_ne!(fixed.weights(0).unwrap(), on.weights(0).unwrap());
    assert_ne!(a, c);
    // Switched off mid-run, the weights stay where they are.
    on.set_plastic(0, false).unwrap();
    let w = on.weights(0).unwrap().unwrap().to_vec();
    on.run(5_000, &NetRecord::counts()).unwrap();
    assert_eq!(on.weights(0).unwrap().unwrap(), &w[..]);
}

#[test]
fn plastic_runs_are_reproducible_and_thread_independent() {
    let r = Stdp::builder()
        .a_plus(0.02)
        .a_minus(0.021)
        .w_max(1.0)
        .build()
        .unwrap();
    let (mut a, out) = driven(Some(r));
    let (mut b, _) = driven(Some(r));
    #[cfg(feature = "parallel")]
    b.set_parallel(true);
    let ra = a.run(10_000, &NetRecord::spikes()).unwrap();
    let rb = b.run(10_000, &NetRecord::spikes()).unwrap();
    assert_eq!(ra, rb);
    assert_eq!(a.weights(0).unwrap(), b.weights(0).unwrap());
    assert!(ra.population(out).unwrap().spikes().len() > 50);
}

#[test]
fn song_weights_become_bimodal_and_correlated_inputs_win() {
    for seed in 1..=3 {
        let run = Song::paper().run(seed, 10.0).unwrap();
        let (low, high) = run.fractions(0.1, 0.9);
        // A uniform start has 10% and 10% (binomial s.d. about 1% for 1,000 weights).
        assert!(low > 0.17 && high > 0.13, "seed {seed}: {low} {high}");
        assert!(
            (10.0..60.0).contains(&run.output_rate_hz),
            "seed {seed}: {}",
            run.output_rate_hz
        );
        assert!(run.w_over_wmax.iter().all(|w| (0.0..=1.0).contains(w)));
        assert_eq!(run.snapshots.len(), 11);
    }
    let corr = Song::paper().correlated(200, 0.1).run(1, 10.0).unwrap();
    assert!(corr.mean_w(0..200) > 0.9, "{}", corr.mean_w(0..200));
    assert!(corr.mean_w(200..1000) < 0.45, "{}", corr.mean_w(200..1000));
    // Without depression every weight climbs to g_max.
    let up = Song::paper()
        .amplitudes(0.01, 0.0)
        .duration_s(20.0)
        .run(1, 10.0)
        .unwrap();
    assert!(up.fractions(0.1, 0.9).1 > 0.95);
}

#[test]
fn bad_plastic_networks_are_refused_with_the_parameter_named() {
    let r = Stdp::builder().w_max(1.0).build().unwrap();
    let lif = LifParams::builder().build().unwrap();
    let mut b = Network::builder();
    // Sources need a step first.
    assert!(matches!(
        b.source("in", Source::poisson(3, 1.0)),
        Err(SnnError::Unsupported { name: "dt", .. })
    ));
    let p = b.population("p", &lif, 3).unwrap();
    let s = b.source("in", Source::poisson(3, 1.0)).unwrap();
    // A starting weight beyond w_max.
    let err = b
        .connect(
            s,
            p,
            Connection::new(Synapse::Delta { w: 1.5 }, Connectivity::AllToAll).stdp(r),
        )
        .unwrap_err();
    assert_eq!(
        err.parameter(),
        Some("w (a plastic synapse's, in [0, w_max])")
    );
    // Plasticity without per-synapse weights (set by hand).
    let mut conn = Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::AllToAll).stdp(r);
    conn.per_synapse = false;
    assert_eq!(
        b.connect(s, p, conn).unwrap_err().parameter(),
        Some("per_synapse")
    );
    // Poisson input into a source, and a dt other than the network's.
    assert!(b.poisson(s, 1, 1.0, Synapse::Delta { w: 1.0 }).is_err());
    assert!(b.dt(0.2).is_err());
    b.connect(
        s,
        p,
        Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::AllToAll).stdp(r),
    )
    .unwrap();
    // Into a source: allowed, and dropped.
    b.connect(
        p,
        s,
        Connection::new(Synapse::Delta { w: 5.0 }, Connectivity::AllToAll),
    )
    .unwrap();
    let mut net = b.build(1).unwrap();
    assert!(net.v(s).is_err() && net.set_v(s, &[0.0; 3]).is_err());
    assert_eq!(net.size(s).unwrap(), 3);
    assert!(net.set_weights(0, &[0.5; 8]).is_err(), "length");
    assert!(net.set_weights(0, &[1.5; 9]).is_err(), "beyond w_max");
    assert!(net.set_plastic(1, true).is_err(), "no plasticity there");
    assert!(net.set_plastic(2, true).is_err(), "no such projection");
    assert!(net
        .run(10, &NetRecord::counts().with_traces(s, [0]))
        .is_err());
    assert_eq!(net.stdp(0).unwrap(), Some(&r));
    assert!(net.run(100, &NetRecord::spikes()).is_ok());
    // Song's own checks.
    assert_eq!(
        Song::paper()
            .correlated(2000, 0.1)
            .validate()
            .unwrap_err()
            .parameter(),
        Some("correlated")
    );
    assert_eq!(
        Song::paper()
            .correlated(10, 1.5)
            .validate()
            .unwrap_err()
            .parameter(),
        Some("c")
    );
    assert_eq!(
        Song::paper()
            .rate_hz(20_000.0)
            .validate()
            .unwrap_err()
            .parameter(),
        Some("rate")
    );
    assert_eq!(
        Song::paper().inputs(0).validate().unwrap_err().parameter(),
        Some("inputs")
    );
    assert_eq!(
        Song::paper()
            .duration_s(0.0)
            .validate()
            .unwrap_err()
            .parameter(),
        Some("duration")
    );
    assert_eq!(
        Song::paper()
            .taus_ms(0.0, 20.0)
            .validate()
            .unwrap_err()
            .parameter(),
        Some("tau_pre")
    );
    assert_eq!(
        Song::paper()
            .amplitudes(0.01, -1.0)
            .validate()
            .unwrap_err()
            .parameter(),
        Some("a_minus")
    );
}
