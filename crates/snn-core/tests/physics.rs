//! Physics: the original demo's spikes, the closed-form membrane solution, the f-I curve.

use snn_core::{
    Crossing, DiscreteParams, Drive, Input, Integration, LifParams, Population, Record, Reset,
};

#[test]
fn original_demo_spikes_at_2_5_8() {
    // The original: x = [3.04545118, 1.37379466], w = [-0.2509198, 0.9014286], b = 0,
    // decay 0.8, threshold 1. I = 0.4742..., so V climbs 0.474, 0.854, 1.157 -> spike, ...
    let (x, w, b) = ([3.04545118, 1.37379466], [-0.2509198, 0.9014286], 0.0);
    let i: f64 = x[0] * w[0] + x[1] * w[1] + b;
    let params = DiscreteParams::original().build().unwrap();
    let mut pop = Population::<f64>::new(&params, 1).unwrap();
    let out = pop.run(10, Drive::Constant(i), &Record::spikes()).unwrap();
    assert_eq!(out.spike_steps_of(0), vec![2, 5, 8]);
    assert_eq!(out.spike_train_of(0), vec![0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
    let mut pop = Population::<f32>::new(&params, 1).unwrap();
    let out = pop
        .run(10, Drive::Constant(i as f32), &Record::spikes())
        .unwrap();
    assert_eq!(out.spike_steps_of(0), vec![2, 5, 8]);
}

#[test]
fn discrete_golden_trajectory_by_hand() {
    // decay 0.5, threshold 1, I = 0.6: V = 0.6, 0.9, 1.05 -> spike, reset 0, 0.6, ...
    let p = DiscreteParams::builder().decay(0.5).build().unwrap();
    let mut pop = Population::<f64>::new(&p, 1).unwrap();
    let out = pop
        .run(4, Drive::Constant(0.6), &Record::spikes().with_traces([0]))
        .unwrap();
    let v = &out.traces()[0].v();
    let want = [0.0, 0.6, 0.9, 0.0, 0.6];
    for (a, b) in v.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{v:?}");
    }
    assert_eq!(out.spike_steps_of(0), vec![2]);
}

#[test]
fn at_or_above_versus_above() {
    // decay 1, I = 0.5: V hits exactly 1.0 at step 1.
    let reach = DiscreteParams::builder().decay(1.0).build().unwrap();
    let exceed = DiscreteParams::builder()
        .decay(1.0)
        .crossing(Crossing::Above)
        .build()
        .unwrap();
    let r =
        Population::<f64>::new(&reach, 1)
            .unwrap()
            .run(2, Drive::Constant(0.5), &Record::spikes());
    let e =
        Population::<f64>::new(&exceed, 1)
            .unwrap()
            .run(2, Drive::Constant(0.5), &Record::spikes());
    assert_eq!(r.unwrap().spike_steps_of(0), vec![1]);
    assert!(e.unwrap().spike_steps_of(0).is_empty());
}

#[test]
fn subtract_reset_keeps_overshoot() {
    let p = DiscreteParams::builder()
        .decay(1.0)
        .reset(Reset::Subtract)
        .build()
        .unwrap();
    let mut pop = Population::<f64>::new(&p, 1).unwrap();
    pop.step(Input::Uniform(1.25)).unwrap();
    assert!((pop.v()[0] - 0.25).abs() < 1e-12);
}

#[test]
fn membrane_follows_closed_form_below_threshold() {
    // Without a threshold in reach (I = 1 nA, R*I = 10 mV < 15 mV), V(t) must equal
    // V_inf + (V0 - V_inf) exp(-t / tau_m) at every grid time, to rounding.
    let p = LifParams::builder().v0(-70.0).build().unwrap();
    let mut pop = Population::<f64>::new(&p, 1).unwrap();
    let out = pop
        .run(
            1000,
            Drive::Constant(1.0),
            &Record::counts().with_traces([0]),
        )
        .unwrap();
    for (k, v) in out.traces()[0].v().iter().enumerate() {
        let t = k as f64 * p.dt();
        let want = p.v_closed_form(-70.0, 1.0, t);
        assert!((v - want).abs() < 1e-9, "t = {t}: {v} vs {want}");
    }
    // f32 tracks it to single precision.
    let mut pop = Population::<f32>::new(&p, 1).unwrap();
    let out = pop
        .run(
            1000,
            Drive::Constant(1.0),
            &Record::counts().with_traces([0]),
        )
        .unwrap();
    let last = *out.traces()[0].v().last().unwrap() as f64;
    assert!((last - p.v_closed_form(-70.0, 1.0, 100.0)).abs() < 1e-3);
    // Takes the closed-form 10 ln(2) ms to climb from -65 halfway to -45 mV under 2 nA.
    let q = LifParams::builder().v_th(-40.0).build().unwrap();
    let out = Population::<f64>::new(&q, 1)
        .unwrap()
        .run(
            200,
            Drive::Constant(2.0),
            &Record::counts().with_traces([0]),
        )
        .unwrap();
    let k = out.traces()[0]
        .v()
        .iter()
        .position(|&v| v >= -55.0)
        .unwrap();
    assert!(((k as f64) * 0.1 - 10.0 * 2f64.ln()).abs() <= 0.1);
}

#[test]
fn euler_converges_to_exact_as_dt_shrinks() {
    let mut errs = vec![];
    for dt in [0.5, 0.1, 0.02] {
        let p = LifParams::builder()
            .dt(dt)
            .integration(Integration::Euler)
            .v_th(0.0)
            .build()
            .unwrap();
        let steps = (20.0 / dt) as usize;
        let out = Population::<f64>::new(&p, 1)
            .unwrap()
            .run(
                steps,
                Drive::Constant(2.0),
                &Record::counts().with_traces([0]),
            )
            .unwrap();
        let v = *out.traces()[0].v().last().unwrap();
        errs.push((v - p.v_closed_form(-65.0, 2.0, 20.0)).abs());
    }
    assert!(errs[0] > errs[1] && errs[1] > errs[2], "{errs:?}");
    // First order: the error shrinks about in proportion to dt (5x smaller dt, ~5x smaller error).
    assert!(
        errs[1] / errs[2] > 3.5 && errs[1] / errs[2] < 6.5,
        "{errs:?}"
    );
}

/// Spike times (ms) of one neuron under constant current.
fn spike_times(p: &LifParams, i: f64, duration: f64) -> Vec<f64> {
    let steps = (duration / p.dt()).round() as usize;
    let mut pop = Population::<f64>::new(p, 1).unwrap();
    pop.run(steps, Drive::Constant(i), &Record::spikes())
        .unwrap()
        .spike_times_of(0)
}

#[test]
fn exact_spike_times_within_one_dt_of_closed_form() {
    for dt in [0.1, 0.25, 0.05] {
        for t_ref in [0.0, 2.0] {
            let p = LifParams::builder().dt(dt).t_ref(t_ref).build().unwrap();
            for i in [1.6, 2.0, 3.0, 5.0] {
                let times = spike_times(&p, i, 300.0);
                let charge = p.charge_time_closed_form(i);
                assert!(!times.is_empty());
                // First spike: in [T, T + dt).
                assert!(
                    times[0] >= charge - 1e-9 && times[0] < charge + dt + 1e-9,
                    "{i}: {times:?}"
                );
                // Each later spike within one dt of the closed form counted from the last one.
                for w in times.windows(2) {
                    let isi = w[1] - w[0];
                    let want = t_ref + charge;
                    assert!(
                        (isi - want).abs() <= dt + 1e-9,
                        "dt {dt} i {i}: isi {isi} vs {want}"
                    );
                }
            }
        }
    }
}

#[test]
fn f_i_curve_matches_closed_form_and_is_zero_at_rheobase() {
    let p = LifParams::builder().build().unwrap();
    let currents: Vec<f64> = (0..=40).map(|k| k as f64 * 0.125).collect(); // 0 .. 5 nA
    let duration = 2000.0; // ms
    let steps = (duration / p.dt()).round() as usize;
    let mut pop = Population::<f64>::new(&p, currents.len()).unwrap();
    let out = pop
        .run(steps, Drive::PerNeuron(&currents), &Record::counts())
        .unwrap();
    for (j, &i) in currents.iter().enumerate() {
        let rate = out.counts()[j] as f64 / duration; // per ms
        let want = p.rate_closed_form(i);
        if i <= p.rheobase() {
            assert_eq!(out.counts()[j], 0, "I = {i} nA is at or below rheobase");
            continue;
        }
        // Each interval is rounded up by less than one dt (and t_ref is a whole number of
        // steps), so the simulated rate lies between 1/(ISI + dt) and 1/ISI, give or take
        // one spike of window edge.
        let isi = 1.0 / want;
        let lo = duration / (isi + p.dt()) - 1.0;
        let hi = duration / isi + 1.0;
        let n = out.counts()[j] as f64;
        assert!(
            n >= lo && n <= hi,
            "I = {i}: {n} spikes, want [{lo}, {hi}] ({rate} vs {want})"
        );
    }
    // The rate does not depend on dt beyond rounding: 0.01 ms and 0.2 ms agree within 3%.
    let fine = LifParams::builder().dt(0.01).t_ref(0.0).build().unwrap();
    let coarse = LifParams::builder().dt(0.2).t_ref(0.0).build().unwrap();
    let a = spike_times(&fine, 3.0, 1000.0).len() as f64;
    let b = spike_times(&coarse, 3.0, 1000.0).len() as f64;
    assert!((a - b).abs() / a < 0.03, "{a} vs {b}");
}

#[test]
fn refractory_holds_at_reset() {
    // 5 nA drives hard; after a spike V must sit at V_reset for t_ref = 2 ms (20 steps).
    let p = LifParams::builder().build().unwrap();
    let out = Population::<f64>::new(&p, 1)
        .unwrap()
        .run(
            400,
            Drive::Constant(5.0),
            &Record::spikes().with_traces([0]),
        )
        .unwrap();
    let first = out.spike_steps_of(0)[0] as usize;
    let v = &out.traces()[0].v();
    assert!(
        v[first + 1..=first + 21].iter().all(|&x| x == -65.0),
        "{v:?}"
    );
    assert!(v[first + 22] > -65.0);
}

#[test]
fn decays_to_rest_without_input() {
    let p = LifParams::builder().v0(-55.0).build().unwrap();
    let out = Population::<f32>::new(&p, 1)
        .unwrap()
        .run(
            2000,
            Drive::Constant(0.0),
            &Record::counts().with_traces([0]),
        )
        .unwrap();
    assert!((out.traces()[0].v().last().unwrap() + 65.0).abs() < 1e-3);
    assert_eq!(out.counts()[0], 0);
}

#[test]
fn one_code_path_for_one_and_many() {
    // Neuron j of a population behaves exactly as a lone neuron given the same current.
    let p = LifParams::builder().build().unwrap();
    let currents: Vec<f32> = (0..1000).map(|j| 1.0 + j as f32 * 0.004).collect();
    let mut pop = Population::<f32>::new(&p, currents.len()).unwrap();
    let all = pop
        .run(2000, Drive::PerNeuron(&currents), &Record::counts())
        .unwrap();
    for j in [0usize, 137, 999] {
        let mut one = Population::<f32>::new(&p, 1).unwrap();
        let alone = one
            .run(2000, Drive::Constant(currents[j]), &Record::counts())
            .unwrap();
        assert_eq!(alone.counts()[0], all.counts()[j]);
    }
}

#[test]
fn f32_and_f64_agree_on_spike_counts() {
    let p = LifParams::builder().build().unwrap();
    let c64: Vec<f64> = (0..50).map(|j| 1.6 + j as f64 * 0.07).collect();
    let c32: Vec<f32> = c64.iter().map(|&x| x as f32).collect();
    let a = Population::<f64>::new(&p, 50)
        .unwrap()
        .run(5000, Drive::PerNeuron(&c64), &Record::counts())
        .unwrap();
    let b = Population::<f32>::new(&p, 50)
        .unwrap()
        .run(5000, Drive::PerNeuron(&c32), &Record::counts())
        .unwrap();
    for (x, y) in a.counts().iter().zip(b.counts()) {
        assert!(x.abs_diff(*y) <= 1, "{x} vs {y}");
    }
}

/// The closed forms the notebooks and f-I checks lean on, on hand-computed values with a
/// reset below rest (so `V_reset − V_rest` is not zero): rheobase `(V_th − V_rest)/R` and
/// the charge time `τ ln((R i − (V_reset − V_rest)) / (R i − (V_th − V_rest)))`.
#[test]
fn rheobase_and_charge_time_on_hand_computed_values() {
    let p = LifParams::builder()
        .tau_m(20.0)
        .v_rest(-65.0)
        .v_reset(-70.0)
        .v_th(-50.0)
        .r_m(5.0)
        .build()
        .unwrap();
    // (−50 − −65) / 5 = 3 nA.
    assert_eq!(p.rheobase(), 3.0);
    // i = 4 nA: R i = 20 mV; T = 20 ln((20 + 5) / (20 − 15)) = 20 ln 5.
    let t = p.charge_time_closed_form(4.0);
    assert!((t - 20.0 * 5f64.ln()).abs() < 1e-12, "{t}");
    assert_eq!(p.charge_time_closed_form(3.0), f64::INFINITY);
    // And the simulated neuron agrees: from V_reset, it first crosses after T.
    let exact = p
        .to_builder()
        .v0(-70.0)
        .dt(0.001)
        .t_ref(0.0)
        .build()
        .unwrap();
    let mut pop = Population::<f64>::new(&exact, 1).unwrap();
    let out = pop
        .run(40_000, Drive::Constant(4.0), &Record::spikes())
        .unwrap();
    let first = out.spike_times_of(0)[0];
    assert!((first - t).abs() <= 0.001 + 1e-9, "{first} vs {t}");
}
