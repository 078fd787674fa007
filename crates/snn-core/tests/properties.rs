//! Property tests. Valid parameters are drawn from their valid ranges, so (almost) every case
//! reaches the simulation, and each property counts the cases that did and asserts at least
//! 90 %; refusal of invalid parameters is a property of its own. Covered for f32 and f64,
//! both crossing rules, both reset rules, with and without a refractory period:
//! state stays finite; after every update no neuron that is free to fire is left at or above
//! its firing level, and a reset lands where its rule says; every loop path gives the same
//! spikes; f32 and f64 agree on spike counts away from rounding of the threshold; the spike
//! count never falls as a constant current rises.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use snn_core::{
    rng, BlobsConfig, Centers, Crossing, DiscreteParams, Drive, Input, Integration, LatencyEncoder,
    LifParams, LifReset, Population, Precision, RateEncoder, RateModel, Record, Reset,
};

const CASES: u32 = 300;

/// A LIF model drawn from the valid ranges of every parameter, with a constant current, a
/// population size that reaches the register-lane path (>= 64) in some cases, and a length.
#[derive(Debug, Clone)]
struct Case {
    p: LifParams,
    current: f64,
    n: usize,
    steps: usize,
}

fn lif_case() -> impl Strategy<Value = Case> {
    (
        (0.5..100.0f64, 0.001..0.9f64, any::<bool>()),
        (-90.0..-40.0f64, -70.0..-30.0f64, 0.5..30.0f64),
        (1.0..100.0f64, prop_oneof![Just(0.0), 0.05..10.0f64]),
        (any::<bool>(), any::<bool>(), -100.0..0.0f64),
        (-5.0..10.0f64, 1usize..100, 1usize..300),
    )
        .prop_map(
            |(
                (tau_m, frac, euler),
                (v_rest, v_th, gap),
                (r_m, t_ref),
                (subtract, strict, v0),
                (current, n, steps),
            )| {
                // Euler needs dt < tau_m; the exact form takes any dt, up to 3 tau_m here.
                let dt = if euler {
                    frac * tau_m
                } else {
                    frac * 3.0 * tau_m
                };
                let p = LifParams::builder()
                    .tau_m(tau_m)
                    .dt(dt)
                    .v_rest(v_rest)
                    .v_th(v_th)
                    .v_reset(v_th - gap)
                    .r_m(r_m)
                    .t_ref(t_ref)
                    .v0(v0)
                    .integration(if euler {
                        Integration::Euler
                    } else {
                        Integration::Exact
                    })
                    .reset(if subtract {
                        LifReset::Subtract
                    } else {
                        LifReset::ToVReset
                    })
                    .crossing(if strict {
                        Crossing::Above
                    } else {
                        Crossing::AtOrAbove
                    })
                    .build()
                    .expect("drawn from the valid ranges");
                Case {
                    p,
                    current,
                    n,
                    steps,
                }
            },
        )
}

/// Runs `prop` over `CASES` cases of `strategy`; `prop` returns whether the case reached
/// the code under test. Fails on any property failure, or if fewer than 90 % reached it.
fn check<S: Strategy>(
    name: &str,
    strategy: S,
    prop: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let reached = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |v| {
            total.fetch_add(1, Relaxed);
            if prop(v)? {
                reached.fetch_add(1, Relaxed);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let (r, t) = (reached.load(Relaxed), total.load(Relaxed));
    println!("{name}: {r} of {t} cases reached the simulation");
    assert!(
        r * 10 >= t * 9,
        "{name}: only {r} of {t} cases reached the simulation"
    );
}

/// The level a neuron's updated potential must reach to spike, in F (as the kernel has it).
fn fire_level<F: Precision>(p: &LifParams) -> F {
    let th = F::of(p.v_th());
    match p.crossing() {
        Crossing::AtOrAbove => th,
        Crossing::Above => th.above(),
    }
}

/// One step at a time: finite state; a neuron that neither spiked nor is held is below its
/// firing level; a spiking neuron lands at V_reset (hard reset) or at V' - (V_th - V_reset)
/// (soft reset), and a held neuron does not move and does not spike.
fn step_invariants<F: Precision>(c: &Case) -> Result<bool, TestCaseError> {
    let Ok(mut pop) = Population::<F>::new(&c.p, c.n) else {
        // Only a reset that collapses onto the threshold in this precision is refused.
        return Ok(false);
    };
    let level = fire_level::<F>(&c.p);
    let ref_steps = c.p.ref_steps();
    let drop = F::of(-(c.p.v_th() - c.p.v_reset()));
    for _ in 0..c.steps {
        let before: Vec<F> = pop.v().to_vec();
        let held: Vec<bool> = pop.refractory().iter().map(|&r| r > 0).collect();
        pop.step(Input::Uniform(F::of(c.current))).unwrap();
        for j in 0..c.n {
            let v = pop.v()[j];
            prop_assert!(v.is_finite(), "V = {v:?}");
            if held[j] {
                prop_assert!(!pop.spiked()[j], "a held neuron spiked");
                prop_assert_eq!(v, before[j], "a held neuron moved");
            } else if pop.spiked()[j] {
                if ref_steps > 0 {
                    prop_assert_eq!(pop.refractory()[j], ref_steps);
                }
                match c.p.reset() {
                    LifReset::ToVReset => {
                        prop_assert_eq!(v, F::of(c.p.v_reset()));
                        prop_assert!(v < level);
                    }
                    // The soft reset kept the overshoot: V + (V_th - V_reset) is the value that
                    // crossed, at or above the firing level (to one rounding of the subtraction).
                    LifReset::Subtract => {
                        let crossed = (v - drop).as_f64();
                        let tol = 1e-6 * (1.0 + level.as_f64().abs());
                        prop_assert!(crossed >= level.as_f64() - tol, "{crossed} below {level:?}");
                    }
                }
            } else {
                prop_assert!(
                    v < level,
                    "V = {v:?} at or above the firing level {level:?} without a spike"
                );
            }
        }
    }
    Ok(true)
}

#[test]
fn state_stays_finite_and_resets_land_where_their_rule_says() {
    check("step invariants f64", lif_case(), |c| {
        step_invariants::<f64>(&c)
    });
    check("step invariants f32", lif_case(), |c| {
        step_invariants::<f32>(&c)
    });
}

/// Every path of `run` (temporal blocks when spikes are recorded, register lanes for counts
/// only, threads when asked) gives the spikes of stepping one step at a time.
fn paths_agree<F: Precision>(c: &Case) -> Result<bool, TestCaseError> {
    let Ok(mut stepped) = Population::<F>::new(&c.p, c.n) else {
        return Ok(false);
    };
    let mut events = Vec::new();
    for s in 0..c.steps {
        stepped.step(Input::Uniform(F::of(c.current))).unwrap();
        for (j, &f) in stepped.spiked().iter().enumerate() {
            if f {
                events.push((j as u32, s as u32));
            }
        }
    }
    for parallel in [false, true] {
        for record in [Record::spikes(), Record::counts()] {
            let mut pop = Population::<F>::new(&c.p, c.n).unwrap();
            #[cfg(feature = "parallel")]
            pop.set_parallel(parallel);
            let _ = parallel;
            let out = pop
                .run(c.steps, Drive::Constant(F::of(c.current)), &record)
                .unwrap();
            prop_assert_eq!(out.counts(), stepped.counts());
            prop_assert_eq!(pop.v(), stepped.v());
            prop_assert_eq!(pop.refractory(), stepped.refractory());
            if record.spikes {
                let got: Vec<(u32, u32)> = out.spikes().iter().collect();
                prop_assert_eq!(&got, &events);
            }
        }
    }
    Ok(true)
}

#[test]
fn every_path_gives_the_same_spikes() {
    check("paths f64", lif_case(), |c| paths_agree::<f64>(&c));
    check("paths f32", lif_case(), |c| paths_agree::<f32>(&c));
}

/// f32 and f64 give the same spike counts unless some step's updated potential comes within
/// rounding distance (1e-2 mV, far more than f32's error over 300 steps) of the threshold.
#[test]
fn f32_and_f64_agree_away_from_the_threshold() {
    check("f32 vs f64", lif_case(), |c| {
        let (Ok(mut a), Ok(mut b)) = (
            Population::<f32>::new(&c.p, 1),
            Population::<f64>::new(&c.p, 1),
        ) else {
            return Ok(false);
        };
        let res = b
            .run(
                c.steps,
                Drive::Constant(c.current),
                &Record::spikes().with_traces([0]),
            )
            .unwrap();
        let tr = &res.traces()[0];
        let th = c.p.v_th();
        // V' of every step: the crossing value at spikes, else the recorded potential.
        let near = (0..c.steps).any(|k| {
            let v = tr
                .crossings()
                .iter()
                .find(|x| x.0 as usize == k)
                .map_or(tr.v()[k + 1], |x| x.1);
            (v - th).abs() < 1e-2
        }) || (tr.v()[0] - th).abs() < 1e-2;
        if near {
            return Ok(false);
        }
        let out = a
            .run(
                c.steps,
                Drive::Constant(c.current as f32),
                &Record::counts(),
            )
            .unwrap();
        prop_assert_eq!(out.counts()[0], res.counts()[0]);
        Ok(true)
    });
}

/// More constant current never means fewer spikes: neurons given rising currents, run
/// together, have non-decreasing counts.
fn monotone<F: Precision>(c: &Case) -> Result<bool, TestCaseError> {
    let Ok(mut pop) = Population::<F>::new(&c.p, c.n.max(2)) else {
        return Ok(false);
    };
    let n = pop.len();
    let currents: Vec<F> = (0..n)
        .map(|j| F::of(c.current - 3.0 + 12.0 * j as f64 / (n - 1) as f64))
        .collect();
    let out = pop
        .run(c.steps, Drive::PerNeuron(&currents), &Record::counts())
        .unwrap();
    prop_assert!(
        out.counts().windows(2).all(|w| w[0] <= w[1]),
        "{:?}",
        out.counts()
    );
    Ok(true)
}

#[test]
fn spike_count_never_falls_as_the_current_rises() {
    check("monotone f64", lif_case(), |c| monotone::<f64>(&c));
    check("monotone f32", lif_case(), |c| monotone::<f32>(&c));
}

/// The discrete neuron, drawn from its valid ranges, through every path: finite, below its
/// firing level after every update (hard reset), and the same spikes on every path.
#[test]
fn discrete_runs_are_finite_and_agree_on_every_path() {
    let strategy = (
        0.01..=1.0f64,
        0.01..10.0f64,
        any::<bool>(),
        -2.0..3.0f64,
        1usize..100,
        1usize..200,
    );
    check(
        "discrete",
        strategy,
        |(decay, th, subtract, i, n, steps)| {
            let p = DiscreteParams::builder()
                .decay(decay)
                .threshold(th)
                .reset(if subtract {
                    Reset::Subtract
                } else {
                    Reset::ToValue(0.0)
                })
                .build()
                .unwrap();
            let mut a = Population::<f32>::new(&p, n).unwrap();
            let mut b = Population::<f32>::new(&p, n).unwrap();
            let out = a
                .run(steps, Drive::Constant(i as f32), &Record::counts())
                .unwrap();
            for _ in 0..steps {
                b.step(Input::Uniform(i as f32)).unwrap();
                prop_assert!(b.v().iter().all(|v| v.is_finite()));
                if !subtract {
                    prop_assert!(b.v().iter().all(|&v| (v as f64) < th));
                }
            }
            prop_assert_eq!(out.counts(), b.counts());
            prop_assert_eq!(a.v(), b.v());
            Ok(true)
        },
    );
}

/// Invalid parameters are refused with an error naming the parameter, never a panic.
#[test]
fn invalid_parameters_are_refused_by_name() {
    let bad = prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-f64::INFINITY),
        -1e6..=0.0f64,
    ];
    check("refusal", (bad, 0usize..6), |(x, which)| {
        let b = LifParams::builder();
        let (b, name) = match which {
            0 => (b.tau_m(x), "tau_m"),
            1 => (b.dt(x), "dt"),
            2 => (b.r_m(x), "r_m"),
            3 if x < 0.0 || !x.is_finite() => (b.t_ref(x), "t_ref"),
            3 => (b.t_ref(-1.0), "t_ref"),
            4 => (
                b.v_th(if x.is_finite() { -65.0 + x.min(0.0) } else { x }),
                "v_th",
            ),
            // A reset at or above the threshold breaks the rule `v_th > v_reset`, named by
            // its threshold; a non-finite reset is named by itself.
            _ if x.is_finite() => (b.v_reset(-50.0 - x), "v_th"),
            _ => (b.v_reset(x), "v_reset"),
        };
        let e = b.build().expect_err("invalid");
        prop_assert_eq!(e.parameter(), Some(name), "{}", e);
        // The discrete neuron: a decay outside (0, 1] and a threshold at or below 0.
        let e = DiscreteParams::builder()
            .decay(x)
            .build()
            .expect_err("decay <= 0");
        prop_assert_eq!(e.parameter(), Some("decay"));
        if x.is_finite() {
            let e = DiscreteParams::builder()
                .decay(1.0 + 1e-9 - x)
                .build()
                .expect_err("decay > 1");
            prop_assert_eq!(e.parameter(), Some("decay"));
        }
        let e = DiscreteParams::builder()
            .threshold(x)
            .build()
            .expect_err("threshold <= 0");
        prop_assert_eq!(e.parameter(), Some("threshold"));
        Ok(true)
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn same_seed_same_spikes(seed in any::<u64>(), rate in 0.0..900.0f64, x in 0.0..=1.0f64) {
        let enc = RateEncoder::new(rate, 1.0, RateModel::Bernoulli).unwrap();
        let a = enc.encode(&[x], 100, &mut rng(seed)).unwrap();
        let b = enc.encode(&[x], 100, &mut rng(seed)).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn encoders_and_data_never_panic(
        rate in -1e3..1e6f64, dt in -1.0..10.0f64, x in -0.5..1.5f64, steps in 0usize..100,
        n in 0usize..50, k in 0usize..5, std in -1.0..5.0f64, poisson in any::<bool>(),
    ) {
        let model = if poisson { RateModel::Poisson } else { RateModel::Bernoulli };
        if let Ok(enc) = RateEncoder::new(rate, dt, model) {
            let _ = enc.encode(&[x], steps, &mut rng(0));
        }
        if let Ok(enc) = LatencyEncoder::new(dt) {
            let _ = enc.encode(&[x], steps, &mut rng(0));
        }
        let _ = BlobsConfig { n_samples: n, centers: Centers::Random(k), cluster_std: std, seed: 1 }.generate();
    }
}

#[test]
fn no_input_decays_to_rest_and_never_fires() {
    let p = LifParams::builder().v0(-60.0).build().unwrap();
    let mut pop = Population::<f64>::new(&p, 4).unwrap();
    let out = pop
        .run(5000, Drive::Constant(0.0), &Record::spikes())
        .unwrap();
    assert!(out.spikes().is_empty());
    assert!(pop.v().iter().all(|v| (v + 65.0).abs() < 1e-6));
}
