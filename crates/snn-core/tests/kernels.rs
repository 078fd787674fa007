//! The fast paths of `Population::run` (temporal blocking, register lanes, AVX2, threads)
//! must give exactly the spikes, counts and potentials of stepping everyone one step at a time.

use proptest::prelude::*;
use snn_core::ndarray::Array2;
use snn_core::{
    Crossing, DiscreteParams, Drive, Input, Integration, LifParams, LifReset, Population, Record,
};

/// Reference: `step()` one step at a time, recording (neuron, step) and counts by hand.
fn reference<F: snn_core::Precision>(
    pop: &mut Population<F>,
    steps: usize,
    input: impl Fn(usize, usize) -> F,
) -> (Vec<(u32, u32)>, Vec<u32>) {
    let n = pop.len();
    let mut events = Vec::new();
    let mut counts = vec![0u32; n];
    for s in 0..steps {
        let i: Vec<F> = (0..n).map(|j| input(s, j)).collect();
        pop.step(Input::PerNeuron(&i)).unwrap();
        for (j, &f) in pop.spiked().iter().enumerate() {
            if f {
                events.push((j as u32, s as u32));
                counts[j] += 1;
            }
        }
    }
    (events, counts)
}

fn lif(subtract: bool, strict: bool, t_ref: f64, euler: bool) -> LifParams {
    LifParams::builder()
        .t_ref(t_ref)
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
        .integration(if euler {
            Integration::Euler
        } else {
            Integration::Exact
        })
        .build()
        .unwrap()
}

/// A drive and the same input as a function of (step, neuron).
type Case<'a, F> = (Drive<'a, F>, Box<dyn Fn(usize, usize) -> F + 'a>);

fn check_all<F: snn_core::Precision>(p: &LifParams, n: usize, steps: usize) {
    let per: Vec<F> = (0..n)
        .map(|j| F::of(1.0 + 3.0 * j as f64 / n as f64))
        .collect();
    let shared: Vec<F> = (0..steps)
        .map(|s| F::of(1.5 + (s % 37) as f64 * 0.05))
        .collect();
    let matrix = Array2::from_shape_fn((steps, n), |(s, j)| {
        F::of(1.2 + ((s * 7 + j * 3) % 50) as f64 * 0.06)
    });
    let drives: Vec<Case<'_, F>> = vec![
        (Drive::Constant(F::of(2.2)), Box::new(|_, _| F::of(2.2))),
        (Drive::PerNeuron(&per), Box::new(|_, j| per[j])),
        (Drive::Shared(&shared), Box::new(|s, _| shared[s])),
        (
            Drive::Matrix(matrix.view()),
            Box::new(|s, j| matrix[(s, j)]),
        ),
    ];
    for (drive, f) in drives {
        for record in [
            Record::spikes(),
            Record::counts(),
            Record::spikes().with_traces([0, n - 1]),
        ] {
            let mut a = Population::<F>::new(p, n).unwrap();
            let mut b = Population::<F>::new(p, n).unwrap();
            let out = a.run(steps, drive, &record).unwrap();
            let (events, counts) = reference(&mut b, steps, &f);
            assert_eq!(out.counts(), counts);
            assert_eq!(a.v(), b.v());
            assert_eq!(a.refractory(), b.refractory());
            assert_eq!(a.spiked(), b.spiked());
            if record.spikes {
                let got: Vec<(u32, u32)> = out.spikes().iter().collect();
                assert_eq!(got, events);
            }
        }
    }
}

#[test]
fn fast_paths_equal_step_by_step() {
    // Sizes around the block (1024) and lane (32/64) widths, with leftovers.
    for n in [1, 63, 64, 65, 1100, 2100] {
        for (sub, strict, t_ref, euler) in [
            (false, true, 2.0, false),
            (true, false, 0.0, false),
            (false, false, 0.5, true),
        ] {
            let p = lif(sub, strict, t_ref, euler);
            check_all::<f32>(&p, n, 150);
            check_all::<f64>(&p, n, 150);
        }
    }
}

#[test]
fn discrete_fast_paths_equal_step_by_step() {
    let p = DiscreteParams::builder().decay(0.95).build().unwrap();
    let n = 3000;
    let per: Vec<f32> = (0..n).map(|j| j as f32 / n as f32 * 0.2).collect();
    let mut a = Population::<f32>::new(&p, n).unwrap();
    let mut b = Population::<f32>::new(&p, n).unwrap();
    let out = a
        .run(500, Drive::PerNeuron(&per), &Record::counts())
        .unwrap();
    let (_, counts) = reference(&mut b, 500, |_, j| per[j]);
    assert_eq!(out.counts(), counts);
    assert_eq!(a.v(), b.v());
}

#[cfg(feature = "parallel")]
#[test]
fn threads_give_the_same_spikes() {
    let p = lif(false, true, 2.0, false);
    let n = snn_core::PARALLEL_MIN + 1000;
    let per: Vec<f32> = (0..n).map(|j| 1.0 + 3.0 * j as f32 / n as f32).collect();
    let mut one = Population::<f32>::new(&p, n).unwrap();
    let mut many = Population::<f32>::new(&p, n).unwrap();
    many.set_parallel(true);
    let a = one
        .run(300, Drive::PerNeuron(&per), &Record::spikes())
        .unwrap();
    let b = many
        .run(300, Drive::PerNeuron(&per), &Record::spikes())
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(one.v(), many.v());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]
    #[test]
    fn chained_runs_equal_one_run(n in 1usize..300, s1 in 1usize..60, s2 in 1usize..60, i in 0.0f64..5.0) {
        let p = lif(false, true, 1.0, false);
        let mut a = Population::<f64>::new(&p, n).unwrap();
        let mut b = Population::<f64>::new(&p, n).unwrap();
        let x = a.run(s1, Drive::Constant(i), &Record::counts()).unwrap();
        let y = a.run(s2, Drive::Constant(i), &Record::counts()).unwrap();
        let z = b.run(s1 + s2, Drive::Constant(i), &Record::counts()).unwrap();
        let sum: Vec<u32> = x.counts().iter().zip(y.counts()).map(|(p, q)| p + q).collect();
        prop_assert_eq!(sum, z.counts());
        prop_assert_eq!(a.v(), b.v());
    }
}

/// A potential landing exactly on the threshold: `AtOrAbove` fires, `Above` does not, on
/// every path (register lanes with counts only, blocks with spike recording, `step()`), in
/// both precisions. With no leak (decay 1) and input 0.5, `V` climbs 0.5, 1.0: exactly the
/// threshold on the second step. `AtOrAbove` fires there (every 2nd step: 5 spikes in 10),
/// `Above` one step later at 1.5 (every 3rd step: 3 spikes in 10).
fn exact_threshold<F: snn_core::Precision>() {
    let n = 100; // one or more full lane groups plus leftovers
    for (crossing, fires) in [(Crossing::AtOrAbove, true), (Crossing::Above, false)] {
        let p = DiscreteParams::builder()
            .decay(1.0)
            .threshold(1.0)
            .crossing(crossing)
            .build()
            .unwrap();
        let expect = if fires { 5 } else { 3 };
        let half = F::of(0.5);
        let drive = vec![half; n];
        for record in [Record::counts(), Record::spikes()] {
            let mut pop = Population::<F>::new(&p, n).unwrap();
            let out = pop.run(10, Drive::PerNeuron(&drive), &record).unwrap();
            assert!(
                out.counts().iter().all(|&c| c == expect),
                "{crossing:?} {}",
                F::NAME
            );
            let mut pop = Population::<F>::new(&p, n).unwrap();
            let out = pop.run(10, Drive::Constant(half), &record).unwrap();
            assert!(
                out.counts().iter().all(|&c| c == expect),
                "{crossing:?} {}",
                F::NAME
            );
        }
        let mut pop = Population::<F>::new(&p, n).unwrap();
        assert_eq!(pop.step(Input::Uniform(half)).unwrap(), 0);
        let fired = pop.step(Input::Uniform(half)).unwrap();
        assert_eq!(fired, if fires { n } else { 0 }, "{crossing:?} {}", F::NAME);
    }
}

#[test]
fn exact_threshold_follows_the_crossing_rule_on_every_path() {
    exact_threshold::<f32>();
    exact_threshold::<f64>();
}

/// A drive matrix in any memory layout (column-major, or a strided view of a larger array)
/// gives exactly the run of its standard-layout copy: `run` reads every row as one slice.
#[test]
fn matrix_drives_in_any_layout_give_the_same_run() {
    let p = lif(true, true, 1.0, false);
    let (steps, n) = (120, 70);
    let standard = Array2::from_shape_fn((steps, n), |(s, j)| {
        1.2 + ((s * 7 + j * 3) % 50) as f64 * 0.06
    });
    // Column-major (Fortran order).
    use snn_core::ndarray::ShapeBuilder;
    let fortran = Array2::from_shape_fn((steps, n).f(), |(s, j)| standard[(s, j)]);
    let column_major = fortran.view();
    assert!(column_major.as_slice().is_none());
    // Strided: every other row of a (2 steps, n) array.
    let tall = Array2::from_shape_fn((2 * steps, n), |(s, j)| standard[(s / 2, j)]);
    let strided = tall.slice(snn_core::ndarray::s![..;2, ..]);
    assert!(strided.as_slice().is_none());
    let run = |m: snn_core::ndarray::ArrayView2<'_, f64>| {
        let mut pop = Population::<f64>::new(&p, n).unwrap();
        let out = pop
            .run(
                steps,
                Drive::Matrix(m),
                &Record::spikes().with_traces([0, n - 1]),
            )
            .unwrap();
        (out, pop.v().to_vec())
    };
    let reference = run(standard.view());
    assert!(reference.0.total_spikes() > 0);
    assert_eq!(run(column_major), reference);
    assert_eq!(run(strided), reference);
}

/// A traced neuron in a later block (index past the first 1,024) records its own potential,
/// input and crossings: the same as that neuron run alone.
#[test]
fn traces_in_later_blocks_are_their_own_neurons() {
    let p = lif(false, true, 2.0, false);
    let n = 2500;
    let per: Vec<f64> = (0..n).map(|j| 1.0 + 3.0 * j as f64 / n as f64).collect();
    let traced = [1100, 1500, 2499];
    let mut pop = Population::<f64>::new(&p, n).unwrap();
    let out = pop
        .run(
            400,
            Drive::PerNeuron(&per),
            &Record::spikes().with_traces(traced),
        )
        .unwrap();
    for (t, &j) in traced.iter().enumerate() {
        let mut alone = Population::<f64>::new(&p, 1).unwrap();
        let solo = alone
            .run(
                400,
                Drive::Constant(per[j]),
                &Record::spikes().with_traces([0]),
            )
            .unwrap();
        assert_eq!(out.traces()[t].neuron(), j);
        assert_eq!(out.traces()[t].v(), solo.traces()[0].v(), "neuron {j}");
        assert_eq!(
            out.traces()[t].input(),
            solo.traces()[0].input(),
            "neuron {j}"
        );
        assert_eq!(
            out.traces()[t].crossings(),
            solo.traces()[0].crossings(),
            "neuron {j}"
        );
        assert_eq!(out.counts()[j], solo.counts()[0]);
        assert!(solo.counts()[0] > 0);
    }
}
