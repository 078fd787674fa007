//! Synapses in a network: each kind against its closed form (one spike's PSP), delays
//! (arrival exactly D later), per-synapse weights, and a held neuron's lost input.

use snn_core::network::probe;
use snn_core::{Connection, Connectivity, LifParams, NetRecord, Network, SnnError, Synapse};

/// A LIF neuron relative to rest (V_rest = 0), Brunel's constants: tau 20 ms, theta 20 mV,
/// V_r 10 mV, t_ref 2 ms, dt 0.1 ms.
fn brunel_neuron(dt: f64) -> LifParams {
    snn_core::network::Brunel::paper(5.0, 2.0)
        .dt_ms(dt)
        .neuron()
        .unwrap()
}

/// One source neuron that spikes at step 0 (started above threshold) into one target at rest
/// through `synapse` with `delay_ms`; returns the target's trace.
fn one_spike(synapse: Synapse, delay_ms: f64, dt: f64, steps: usize) -> (Vec<f64>, u64) {
    let p = brunel_neuron(dt);
    let mut b = Network::builder();
    let src = b.population("src", &p, 1).unwrap();
    let dst = b.population("dst", &p, 1).unwrap();
    b.connect(
        src,
        dst,
        Connection::new(synapse, Connectivity::AllToAll).delay_ms(delay_ms),
    )
    .unwrap();
    let mut net = b.build(1).unwrap();
    net.set_v(src, &[30.0]).unwrap();
    let out = net
        .run(steps, &NetRecord::spikes().with_traces(dst, [0]))
        .unwrap();
    let src_spikes = out.population(src).unwrap().spikes();
    assert_eq!(src_spikes.steps()[0], 0, "the source spikes at step 0");
    let trace = out.population(dst).unwrap().traces()[0].1.clone();
    (trace, out.synaptic_events())
}

#[test]
fn delta_synapse_jumps_by_w_exactly_d_later_then_decays_with_tau_m() {
    for (delay_ms, d) in [(0.1, 1usize), (0.7, 7), (1.5, 15), (1.54, 15)] {
        let dt = 0.1;
        let (v, events) = one_spike(Synapse::Delta { w: 0.1 }, delay_ms, dt, 200);
        assert_eq!(events, 1);
        // The spike is at t = 1·dt (end of step 0); it arrives at t_arr = dt + d·dt, the
        // start of step 1 + d: until then the target is at rest, exactly.
        let arrive = 1 + d;
        assert!(
            v[..=arrive].iter().all(|&x| x == 0.0),
            "delay {delay_ms}: {v:?}"
        );
        for (k, &x) in v.iter().enumerate().skip(arrive + 1) {
            let t = (k - arrive) as f64 * dt;
            let expected = 0.1 * (-t / 20.0).exp();
            assert!((x - expected).abs() < 1e-12, "k {k}: {x} vs {expected}");
        }
    }
}

#[test]
fn current_synapse_gives_the_closed_form_psp_at_every_step() {
    let (w, tau_s, tau_m, r) = (0.5, 5.0, 20.0, 10.0);
    let dt = 0.1;
    let (v, _) = one_spike(Synapse::CurrentExp { w, tau_syn: tau_s }, 1.0, dt, 1200);
    let arrive = 1 + 10;
    assert!(v[..=arrive].iter().all(|&x| x == 0.0));
    let mut peak: f64 = 0.0;
    for (k, &x) in v.iter().enumerate().skip(arrive + 1) {
        let t = (k - arrive) as f64 * dt;
        let expected = r * w * tau_s / (tau_s - tau_m) * ((-t / tau_s).exp() - (-t / tau_m).exp());
        assert!((x - expected).abs() < 1e-9, "k {k}: {x} vs {expected}");
        peak = peak.max(x);
    }
    // The PSP peaks at t* = τ_s τ_m ln(τ_m/τ_s)/(τ_m − τ_s), about 9.24 ms, at 0.787 mV.
    assert!((peak - 0.78745).abs() < 1e-4, "{peak}");
    // τ_s = τ_m: the alpha-shaped limit R w (t/τ) e^{-t/τ}.
    let (v, _) = one_spike(Synapse::CurrentExp { w, tau_syn: 20.0 }, 1.0, dt, 600);
    for (k, &x) in v.iter().enumerate().skip(arrive + 1) {
        let t = (k - arrive) as f64 * dt;
        let expected = r * w * t / 20.0 * (-t / 20.0).exp();
        assert!((x - expected).abs() < 1e-9, "k {k}: {x} vs {expected}");
    }
}

/// The conductance PSP, `tau_m dV/dt = −V + R g(t) (E − V)`, `g = w e^{−t/τ_s}`, has no
/// elementary closed form: the reference is RK4 with a step 1,000 times finer. The network's
/// step holds g at its exact mean over each step: second order in dt.
#[test]
fn conductance_synapse_matches_a_fine_reference_to_second_order() {
    let (w, tau_s, e_rev, tau_m, r) = (20.0, 5.0, 60.0, 20.0, 10.0);
    let reference = |t_end: f64| {
        let h = 1e-4;
        let f = |t: f64, v: f64| {
            let g = w * 1e-3 * (-t / tau_s).exp();
            (-v + r * g * (e_rev - v)) / tau_m
        };
        let (mut t, mut v) = (0.0, 0.0);
        let steps = (t_end / h).round() as usize;
        for _ in 0..steps {
            let k1 = f(t, v);
            let k2 = f(t + h / 2.0, v + h / 2.0 * k1);
            let k3 = f(t + h / 2.0, v + h / 2.0 * k2);
            let k4 = f(t + h, v + h * k3);
            v += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
            t += h;
        }
        v
    };
    let mut errors = Vec::new();
    for dt in [0.1, 0.05] {
        let synapse = Synapse::ConductanceExp {
            w,
            tau_syn: tau_s,
            e_rev,
        };
        let (v, _) = one_spike(synapse, 1.0, dt, (40.0 / dt) as usize);
        let arrive = 1 + (1.0 / dt).round() as usize;
        let mut worst: f64 = 0.0;
        for ms in [1.0, 3.0, 8.0, 15.0, 25.0] {
            let k = arrive + (ms / dt).round() as usize;
            worst = worst.max((v[k] - reference(ms)).abs());
        }
        let peak = v.iter().cloned().fold(0.0, f64::max);
        assert!(peak > 0.5, "a visible PSP: {peak}");
        assert!(
            worst < 2e-3 * peak,
            "dt {dt}: error {worst} of a {peak} mV PSP"
        );
        errors.push(worst);
    }
    let order = (errors[0] / errors[1]).log2();
    assert!(
        order > 1.7,
        "halving dt divides the error by {}",
        errors[0] / errors[1]
    );
}

/// Source and target both spike at step 0 (t_ref 2 ms: the target is held for 20 steps);
/// the source's spike reaches the target through `synapse` 1 ms later, while it is held.
/// Returns the target's trace over `steps` steps and its spike count.
fn spike_into_held_neuron(synapse: Synapse, steps: usize) -> (Vec<f64>, u32) {
    let p = brunel_neuron(0.1);
    let mut b = Network::builder();
    let src = b.population("src", &p, 1).unwrap();
    let dst = b.population("dst", &p, 1).unwrap();
    b.connect(
        src,
        dst,
        Connection::new(synapse, Connectivity::AllToAll).delay_ms(1.0),
    )
    .unwrap();
    let mut net = b.build(0).unwrap();
    net.set_v(src, &[30.0]).unwrap();
    net.set_v(dst, &[30.0]).unwrap();
    let out = net
        .run(steps, &NetRecord::spikes().with_traces(dst, [0]))
        .unwrap();
    let pop = out.population(dst).unwrap();
    (pop.traces()[0].1.clone(), pop.counts()[0])
}

#[test]
fn a_held_neuron_loses_its_input_and_cannot_spike() {
    // Two spikes arrive 1 ms after the target itself spiked (t_ref 2 ms): lost.
    let (v, count) = spike_into_held_neuron(Synapse::Delta { w: 15.0 }, 100);
    // Spiked at step 0, held at V_r = 10 for 20 steps: the jump arriving at step 11 is lost.
    assert!(v[1..=21].iter().all(|&x| x == 10.0), "{:?}", &v[..25]);
    assert_eq!(count, 1);
}

#[test]
fn a_current_arriving_at_a_held_neuron_enters_its_synapse_and_acts_after_release() {
    // The same spike as above through a current synapse: while the target is held its V
    // stays at V_r, but the current has entered the synapse and moves V once it is released.
    let run = |synapse: Synapse| spike_into_held_neuron(synapse, 60).0;
    let current = run(Synapse::CurrentExp {
        w: 1.0,
        tau_syn: 5.0,
    });
    assert!(
        current[1..=21].iter().all(|&x| x == 10.0),
        "{:?}",
        &current[..25]
    );
    // A delta jump arriving then is lost: after release V relaxes from V_r towards rest,
    // exactly as with no input at all.
    let delta = run(Synapse::Delta { w: 15.0 });
    let none = run(Synapse::Delta { w: 0.0 });
    assert_eq!(delta, none);
    // The current still flows after release: V stays above the input-free relaxation.
    for k in 23..40 {
        assert!(
            current[k] > none[k] + 1e-3,
            "step {k}: {} vs {}",
            current[k],
            none[k]
        );
    }
}

#[test]
fn psp_helper_is_the_closed_form_from_arrival() {
    let p = brunel_neuron(0.1);
    let psp = probe::psp(
        &Synapse::CurrentExp {
            w: 0.5,
            tau_syn: 5.0,
        },
        &p,
        30.0,
    )
    .unwrap();
    assert_eq!(psp[0], (0.0, 0.0));
    assert_eq!(psp.len(), 301);
    for &(t, v) in &psp {
        let expected = 10.0 * 0.5 * 5.0 / (5.0 - 20.0) * ((-t / 5.0).exp() - (-t / 20.0).exp());
        assert!((v - expected).abs() < 1e-9, "{t}: {v} vs {expected}");
    }
    let delta = probe::psp(&Synapse::Delta { w: 2.0 }, &p, 10.0).unwrap();
    assert!((delta[1].1 - 2.0 * (-0.1f64 / 20.0).exp()).abs() < 1e-12);
    assert!(probe::psp(&Synapse::Delta { w: f64::NAN }, &p, 10.0).is_err());
    assert!(probe::psp(&Synapse::Delta { w: 1.0 }, &p, -1.0).is_err());
}

/// Per-synapse weights: each synapse delivers its own weight, in row order; they can be read
/// and replaced, and bad replacements are refused whole.
#[test]
fn per_synapse_weights_deliver_their_own_value() {
    let p = brunel_neuron(0.1);
    let mut b = Network::builder();
    let src = b.population("src", &p, 2).unwrap();
    let dst = b.population("dst", &p, 3).unwrap();
    b.connect(
        src,
        dst,
        Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::AllToAll)
            .delay_ms(0.3)
            .per_synapse(true),
    )
    .unwrap();
    b.connect(
        src,
        dst,
        Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::OneToOne),
    )
    .unwrap_err();
    let mut net = b.build(0).unwrap();
    assert_eq!(net.weights(0).unwrap(), Some(&[0.5; 6][..]));
    assert_eq!(net.synapse_bytes(), 6 * 12 + 3 * 8);
    // Source 0 -> targets 0, 1, 2 get 1, 2, 3 mV; source 1 -> 0, 1, 2 get 10, 20, 30 mV.
    net.set_weights(0, &[1.0, 2.0, 3.0, 10.0, 20.0, 30.0])
        .unwrap();
    assert_eq!(
        net.set_weights(0, &[1.0; 5]).unwrap_err().parameter(),
        Some("weights")
    );
    assert_eq!(
        net.set_weights(0, &[f64::NAN; 6]).unwrap_err().parameter(),
        Some("w")
    );
    assert_eq!(
        net.weights(0).unwrap().unwrap()[5],
        30.0,
        "kept after refusals"
    );
    // Only source 0 spikes (step 0); it arrives at the start of step 1 + 3.
    net.set_v(src, &[30.0, 0.0]).unwrap();
    let out = net
        .run(10, &NetRecord::spikes().with_traces(dst, [0, 1, 2]))
        .unwrap();
    let a = (-0.1f64 / 20.0).exp();
    for (k, (_, v)) in out.population(dst).unwrap().traces().iter().enumerate() {
        assert_eq!(v[4], 0.0);
        assert!((v[5] - (k + 1) as f64 * a).abs() < 1e-12, "{k}: {v:?}");
    }
    // A shared-weight projection has no weights to read or set.
    let mut b = Network::builder();
    let x = b.population("x", &p, 2).unwrap();
    b.connect(
        x,
        x,
        Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::AllToAll),
    )
    .unwrap();
    let mut net = b.build(0).unwrap();
    assert_eq!(net.weights(0).unwrap(), None);
    assert!(matches!(
        net.set_weights(0, &[1.0, 1.0]).unwrap_err(),
        SnnError::Unsupported { .. }
    ));
    assert!(net.weights(1).is_err());
}
