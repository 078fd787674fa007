//! Reset and refractory semantics pinned by hand-computed trajectories, on every loop path
//! (one step at a time, temporal blocks, register lanes, threads), in f32 and f64; and a
//! model whose reset and threshold collapse in f32 refused before it can misbehave.

use snn_core::{
    Crossing, DiscreteParams, Drive, Input, Integration, LifParams, LifReset, Population,
    Precision, Record, Reset, SnnError,
};

/// Euler with dt = 1 ms and tau_m = 2 ms relaxes by exactly 0.5 per step towards
/// V_inf = V_rest + R*I = I (V_rest 0, R 1): every value below is a dyadic number, exact in
/// f32 and f64. Threshold 10, reset 0, soft reset, refractory 2 steps.
fn soft_lif() -> LifParams {
    LifParams::builder()
        .tau_m(2.0)
        .dt(1.0)
        .integration(Integration::Euler)
        .v_rest(0.0)
        .r_m(1.0)
        .v_th(10.0)
        .v_reset(0.0)
        .v0(0.0)
        .t_ref(2.0)
        .reset(LifReset::Subtract)
        .crossing(Crossing::Above)
        .build()
        .unwrap()
}

/// The potential after each step, and the steps that spiked, one step at a time.
fn stepped<F: Precision>(p: &LifParams, i: f64, steps: usize) -> (Vec<f64>, Vec<usize>) {
    let mut pop = Population::<F>::new(p, 1).unwrap();
    let (mut v, mut spikes) = (Vec::new(), Vec::new());
    for k in 0..steps {
        if pop.step(Input::Uniform(F::of(i))).unwrap() > 0 {
            spikes.push(k);
        }
        v.push(pop.v()[0].as_f64());
    }
    (v, spikes)
}

/// `run` over `n` identical neurons, recording spikes (temporal blocks) or only counts
/// (register lanes when n >= 64; threads when asked and n >= PARALLEL_MIN): every neuron
/// must end where the hand computation says, with the same count.
fn run_all<F: Precision>(
    p: &LifParams,
    i: f64,
    steps: usize,
    n: usize,
    parallel: bool,
) -> Vec<(f64, u32)> {
    let mut out = Vec::new();
    for record in [Record::spikes(), Record::counts()] {
        let mut pop = Population::<F>::new(p, n).unwrap();
        #[cfg(feature = "parallel")]
        pop.set_parallel(parallel);
        let _ = parallel;
        let res = pop.run(steps, Drive::Constant(F::of(i)), &record).unwrap();
        for j in 0..n {
            out.push((pop.v()[j].as_f64(), res.counts()[j]));
        }
    }
    out
}

fn check_soft_reset<F: Precision>() {
    let p = soft_lif();
    // I = 30: V' = 15 crosses, V <- 15 - (10 - 0) = 5 and is held at 5 for two steps; then
    // V' = 30 + (5 - 30) / 2 = 17.5 crosses, V <- 7.5, held; then 18.75 -> 8.75.
    // (Before: held at V_reset = 0, so the overshoot was thrown away: 5, 0, 0, 5, 0, 0.)
    let (v, spikes) = stepped::<F>(&p, 30.0, 9);
    assert_eq!(
        v,
        vec![5.0, 5.0, 5.0, 7.5, 7.5, 7.5, 8.75, 8.75, 8.75],
        "{}",
        F::NAME
    );
    assert_eq!(spikes, vec![0, 3, 6]);
    // I = 100: V' = 50, V <- 40, which is above the threshold, yet a held neuron cannot
    // spike; after the hold V' = 100 + (40 - 100) / 2 = 70, V <- 60, held, and so on.
    let (v, spikes) = stepped::<F>(&p, 100.0, 7);
    assert_eq!(
        v,
        vec![40.0, 40.0, 40.0, 60.0, 60.0, 60.0, 70.0],
        "{}",
        F::NAME
    );
    assert_eq!(spikes, vec![0, 3, 6]);
    // Every loop path ends in the same place: 8.75 after 9 steps with 3 spikes.
    for n in [1, 64, 100, 1500] {
        for (v, c) in run_all::<F>(&p, 30.0, 9, n, false) {
            assert_eq!((v, c), (8.75, 3), "{} n = {n}", F::NAME);
        }
    }
    #[cfg(feature = "parallel")]
    for (v, c) in run_all::<F>(&p, 30.0, 9, snn_core::PARALLEL_MIN + 3, true) {
        assert_eq!((v, c), (8.75, 3), "{} threads", F::NAME);
    }
}

#[test]
fn soft_reset_keeps_the_overshoot_through_the_refractory_period() {
    check_soft_reset::<f32>();
    check_soft_reset::<f64>();
}

/// A hard reset holds at V_reset, as before: 15 crosses, V <- 0, held 0, 0, then 15 again.
#[test]
fn hard_reset_holds_at_v_reset() {
    let p = soft_lif()
        .to_builder()
        .reset(LifReset::ToVReset)
        .build()
        .unwrap();
    assert_eq!(p.reset(), LifReset::ToVReset);
    for (v, spikes) in [stepped::<f32>(&p, 30.0, 6), stepped::<f64>(&p, 30.0, 6)] {
        assert_eq!(v, vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(spikes, vec![0, 3]);
    }
    // The reset level is the model's v_reset, wherever it is.
    let low = soft_lif()
        .to_builder()
        .reset(LifReset::ToVReset)
        .v_reset(-4.0)
        .build()
        .unwrap();
    let (v, _) = stepped::<f64>(&low, 30.0, 3);
    assert_eq!(v, vec![-4.0, -4.0, -4.0]);
}

/// The discrete neuron's soft reset (no refractory period): V <- V' - threshold.
#[test]
fn discrete_soft_reset_by_hand() {
    let p = DiscreteParams::builder()
        .decay(0.5)
        .threshold(1.0)
        .reset(Reset::Subtract)
        .build()
        .unwrap();
    // V' = 0.5 V + 1.5: 1.5 -> 0.5; 1.75 -> 0.75; 1.875 -> 0.875.
    let mut pop = Population::<f32>::new(&p, 1).unwrap();
    let mut v = Vec::new();
    for _ in 0..3 {
        pop.step(Input::Uniform(1.5)).unwrap();
        v.push(pop.v()[0]);
    }
    assert_eq!(v, vec![0.5, 0.75, 0.875]);
}

/// v_th = -50 and v_reset = -50.000001 are different in f64 and the same number in f32: in
/// f32 a neuron reset after its first spike would sit at the firing level and fire on every
/// step for ever (2,299 spikes in 2,300 steps with no input). The f32 population is refused,
/// naming both values; the f64 one runs as the model says.
#[test]
fn a_reset_that_collapses_onto_the_threshold_in_f32_is_refused() {
    let p = LifParams::builder()
        .v_th(-50.0)
        .v_reset(-50.000001)
        .t_ref(2.0)
        .crossing(Crossing::AtOrAbove)
        .v0(-49.0)
        .build()
        .unwrap();
    match Population::<f32>::new(&p, 1) {
        Err(
            e @ SnnError::ResetNotBelowThreshold {
                precision: "f32", ..
            },
        ) => {
            let msg = e.to_string();
            assert!(
                msg.contains("v_reset") && msg.contains("v_th") && msg.contains("f32"),
                "{msg}"
            );
            assert_eq!(e.parameter(), Some("v_reset"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let mut pop = Population::<f64>::new(&p, 1).unwrap();
    let out = pop
        .run(2300, Drive::Constant(0.0), &Record::counts())
        .unwrap();
    assert_eq!(
        out.counts()[0],
        1,
        "one spike from v0 above threshold, then silence"
    );
    // The same for a soft reset whose step (1e-6 mV) f32 cannot take at -50 mV.
    let soft = p.to_builder().reset(LifReset::Subtract).build().unwrap();
    assert!(matches!(
        Population::<f32>::new(&soft, 1),
        Err(SnnError::ResetNotBelowThreshold { .. })
    ));
    assert!(Population::<f64>::new(&soft, 1).is_ok());
}

/// What a model was built with is what its accessors and its kernel report (cargo-mutants
/// found these unread).
#[test]
fn built_values_are_what_the_accessors_report() {
    let d = DiscreteParams::builder()
        .decay(0.7)
        .threshold(2.5)
        .build()
        .unwrap();
    assert_eq!((d.decay(), d.threshold()), (0.7, 2.5));
    let p = LifParams::builder()
        .t_ref(2.0)
        .dt(0.1)
        .v_th(-48.0)
        .v0(-60.0)
        .build()
        .unwrap();
    let q = LifParams::builder()
        .tau_m(12.0)
        .v_rest(-70.0)
        .v_reset(-72.0)
        .v_th(-45.0)
        .r_m(8.0)
        .t_ref(3.0)
        .dt(0.5)
        .v0(-66.0)
        .integration(Integration::Euler)
        .reset(LifReset::Subtract)
        .crossing(Crossing::AtOrAbove)
        .build()
        .unwrap();
    assert_eq!(
        (
            q.tau_m(),
            q.v_rest(),
            q.v_reset(),
            q.v_th(),
            q.r_m(),
            q.t_ref(),
            q.dt(),
            q.v0()
        ),
        (12.0, -70.0, -72.0, -45.0, 8.0, 3.0, 0.5, -66.0)
    );
    assert_eq!(
        (q.integration(), q.reset(), q.crossing(), q.ref_steps()),
        (
            Integration::Euler,
            LifReset::Subtract,
            Crossing::AtOrAbove,
            6
        )
    );
    assert_eq!(q.alpha(), 1.0 - 0.5 / 12.0);
    // The refractory counter holds up to u32::MAX steps, and not one more.
    let at_limit = LifParams::builder()
        .t_ref(u32::MAX as f64)
        .dt(1.0)
        .build()
        .unwrap();
    assert_eq!(at_limit.ref_steps(), u32::MAX);
    assert!(matches!(
        LifParams::builder()
            .t_ref(u32::MAX as f64 + 1.0)
            .dt(1.0)
            .build(),
        Err(SnnError::TooManySteps { .. })
    ));
    let pop = Population::<f32>::new(&p, 1).unwrap();
    let k = pop.kernel();
    assert_eq!(k.ref_steps(), 20);
    assert_eq!(k.v_th(), -48.0f32);
    assert_eq!(k.v0(), -60.0f32);
    assert_eq!(k.dt(), 0.1);
    assert_eq!(pop.v(), &[-60.0f32]);
}
