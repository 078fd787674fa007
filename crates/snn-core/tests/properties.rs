//! Property tests: random parameters and inputs through the public API never panic, and valid
//! ones give finite state, resets below threshold and reproducible spikes.

use proptest::prelude::*;
use snn_core::{
    rng, BlobsConfig, Centers, Crossing, DiscreteParams, Drive, Input, Integration, LatencyEncoder,
    LifParams, Population, RateEncoder, RateModel, Record, Reset,
};

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e3..1e3f64,
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-f64::INFINITY),
        Just(1e300),
        Just(-1e13),
        any::<f64>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn lif_never_panics_and_valid_runs_stay_finite(
        tau_m in any_f64(), v_rest in any_f64(), v_reset in any_f64(), v_th in any_f64(),
        r_m in any_f64(), t_ref in any_f64(), dt in any_f64(), v0 in any_f64(),
        euler in any::<bool>(), subtract in any::<bool>(), strict in any::<bool>(),
        current in any_f64(), n in 0usize..8, steps in 0usize..300,
    ) {
        let built = LifParams::builder()
            .tau_m(tau_m).v_rest(v_rest).v_reset(v_reset).v_th(v_th).r_m(r_m)
            .t_ref(t_ref.min(50.0)).dt(dt).v0(v0)
            .integration(if euler { Integration::Euler } else { Integration::Exact })
            .reset(if subtract { Reset::Subtract } else { Reset::ToValue(0.0) })
            .crossing(if strict { Crossing::Above } else { Crossing::AtOrAbove })
            .build();
        let Ok(p) = built else { return Ok(()) };
        let pop32 = Population::<f32>::new(&p, n);
        let pop64 = Population::<f64>::new(&p, n);
        prop_assert_eq!(pop32.is_ok(), n > 0);
        let (Ok(mut a), Ok(mut b)) = (pop32, pop64) else { return Ok(()) };
        let ra = a.run(steps, Drive::Constant(current as f32), &Record::spikes().with_traces([0]));
        let rb = b.run(steps, Drive::Constant(current), &Record::spikes().with_traces([0]));
        if let Ok(out) = rb {
            prop_assert!(b.v().iter().all(|v| v.is_finite()));
            prop_assert!(out.traces[0].v.iter().all(|v| v.is_finite()));
            if !subtract {
                // After a spike the recorded potential is the reset value, below threshold.
                for &s in &out.spikes.step {
                    prop_assert!(out.traces[0].v[s as usize + 1] < p.v_th());
                }
            }
        }
        if ra.is_ok() {
            prop_assert!(a.v().iter().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn discrete_never_panics(decay in any_f64(), th in any_f64(), i in any_f64(), steps in 0usize..200) {
        if let Ok(p) = DiscreteParams::builder().decay(decay).threshold(th).build() {
            let mut pop = Population::<f32>::new(&p, 3).unwrap();
            let _ = pop.step(Input::PerNeuron(&[i as f32, 0.0]));
            let _ = pop.step(Input::Uniform(i as f32));
            if pop.run(steps, Drive::Constant(i as f32), &Record::spikes()).is_ok() {
                prop_assert!(pop.v().iter().all(|v| v.is_finite()));
            }
        }
    }

    #[test]
    fn same_seed_same_spikes(seed in any::<u64>(), rate in 0.0..900.0f64, x in 0.0..=1.0f64) {
        let enc = RateEncoder::new(rate, 1.0, RateModel::Bernoulli).unwrap();
        let a = enc.encode(&[x], 100, &mut rng(seed)).unwrap();
        let b = enc.encode(&[x], 100, &mut rng(seed)).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn encoders_and_data_never_panic(
        rate in any_f64(), dt in any_f64(), x in any_f64(), steps in 0usize..100,
        n in 0usize..50, k in 0usize..5, std in any_f64(), poisson in any::<bool>(),
    ) {
        let model = if poisson { RateModel::Poisson } else { RateModel::Bernoulli };
        if let Ok(enc) = RateEncoder::new(rate.min(1e6), dt, model) {
            let _ = enc.encode(&[x], steps, &mut rng(0));
        }
        if let Ok(enc) = LatencyEncoder::new(dt) {
            let _ = enc.encode(&[x], steps, &mut rng(0));
        }
        let _ = BlobsConfig { n_samples: n, centers: Centers::Random(k), cluster_std: std, seed: 1 }.generate();
    }
}

#[test]
fn no_leak_decays_to_rest_and_never_fires_without_input() {
    let p = LifParams::builder().v0(-60.0).build().unwrap();
    let mut pop = Population::<f64>::new(&p, 4).unwrap();
    let out = pop
        .run(5000, Drive::Constant(0.0), &Record::spikes())
        .unwrap();
    assert!(out.spikes.is_empty());
    assert!(pop.v().iter().all(|v| (v + 65.0).abs() < 1e-6));
}
