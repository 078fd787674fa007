//! The threaded run (`Population::set_parallel`): the spikes, counts and final state of one
//! thread, for any number of threads, block split, drive and model; and the threaded input
//! check names the same value as the single-threaded one.
#![cfg(feature = "parallel")]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use snn_core::{Drive, LifParams, LifReset, Population, Precision, Record, SnnError, PARALLEL_MIN};

#[derive(Debug, Clone)]
struct Case {
    p: LifParams,
    /// Neurons beyond PARALLEL_MIN, so that blocks do not all have the same size.
    extra: usize,
    steps: usize,
    threads: usize,
    /// 0: one constant current, 1: one per neuron, 2: one per step.
    drive: u8,
    spikes: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (2.0..50.0f64, 0.01..1.0f64, any::<bool>()),
        (prop_oneof![Just(0.0), 0.1..5.0f64], 0.5..20.0f64),
        (0usize..5000, 1usize..80, 2usize..8),
        (0u8..3, any::<bool>()),
    )
        .prop_map(
            |((tau_m, dt, subtract), (t_ref, gap), (extra, steps, threads), (drive, spikes))| {
                let p = LifParams::builder()
                    .tau_m(tau_m)
                    .dt(dt)
                    .v_th(-50.0)
                    .v_reset(-50.0 - gap)
                    .t_ref(t_ref)
                    .reset(if subtract {
                        LifReset::Subtract
                    } else {
                        LifReset::ToVReset
                    })
                    .build()
                    .expect("every drawn model is valid");
                Case {
                    p,
                    extra,
                    steps,
                    threads,
                    drive,
                    spikes,
                }
            },
        )
}

fn agree<F: Precision>(c: &Case) -> Result<(), TestCaseError> {
    let n = PARALLEL_MIN + c.extra;
    // Currents from below rheobase (1.5 nA) to a fast rate, different for every neuron or step.
    let per: Vec<F> = (0..n)
        .map(|j| F::of(1.0 + 4.0 * (j % 997) as f64 / 997.0))
        .collect();
    let shared: Vec<F> = (0..c.steps).map(|s| F::of(1.2 + (s % 7) as f64)).collect();
    let drive = match c.drive {
        0 => Drive::Constant(F::of(3.0)),
        1 => Drive::PerNeuron(&per),
        _ => Drive::Shared(&shared),
    };
    let record = if c.spikes {
        Record::spikes()
    } else {
        Record::counts()
    };
    let mut one = Population::<F>::new(&c.p, n).unwrap();
    let a = one.run(c.steps, drive, &record).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(c.threads)
        .build()
        .unwrap();
    let mut many = Population::<F>::new(&c.p, n).unwrap();
    let b = pool.install(|| {
        many.set_parallel(true);
        many.run(c.steps, drive, &record).unwrap()
    });
    prop_assert_eq!(&a, &b);
    prop_assert_eq!(one.v(), many.v());
    prop_assert_eq!(one.refractory(), many.refractory());
    prop_assert_eq!(one.counts(), many.counts());
    Ok(())
}

/// Every case runs both ways (no case is skipped), f32 and f64, 2 to 7 threads.
#[test]
fn threads_give_the_spikes_of_one_thread() {
    for precision in ["f32", "f64"] {
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let mut runner = TestRunner::new(Config {
            cases: 24,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&case(), |c| {
                ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                match precision {
                    "f32" => agree::<f32>(&c),
                    _ => agree::<f64>(&c),
                }
            })
            .unwrap_or_else(|e| panic!("{precision}: {e}"));
        let ran = ran.into_inner();
        println!("threads {precision}: {ran} cases ran both ways");
        assert!(ran >= 24);
    }
}

/// Runs chained on threads equal one run on one thread (the counts of each run are that
/// run's own, summed by the caller).
#[test]
fn chained_threaded_runs_equal_one_run() {
    let p = LifParams::builder().t_ref(2.0).build().unwrap();
    let n = PARALLEL_MIN + 333;
    let per: Vec<f32> = (0..n).map(|j| 1.4 + 3.0 * j as f32 / n as f32).collect();
    let mut many = Population::<f32>::new(&p, n).unwrap();
    many.set_parallel(true);
    let x = many
        .run(70, Drive::PerNeuron(&per), &Record::counts())
        .unwrap();
    let y = many
        .run(50, Drive::PerNeuron(&per), &Record::spikes())
        .unwrap();
    let mut one = Population::<f32>::new(&p, n).unwrap();
    let z = one
        .run(120, Drive::PerNeuron(&per), &Record::counts())
        .unwrap();
    let sum: Vec<u32> = x
        .counts()
        .iter()
        .zip(y.counts())
        .map(|(a, b)| a + b)
        .collect();
    assert_eq!(sum, z.counts());
    assert!(z.total_spikes() > 0);
    assert_eq!(many.v(), one.v());
}

/// A drive long enough to be checked on the threads names the first bad value in order, as
/// the single-threaded check does, and nothing is simulated.
#[test]
fn threaded_check_names_the_first_bad_value() {
    let p = LifParams::builder().build().unwrap();
    let n = 1 << 22;
    let mut drive = vec![2.0f32; n];
    drive[n - 10] = f32::INFINITY;
    drive[3_000_001] = f32::NAN;
    for parallel in [false, true] {
        let mut pop = Population::<f32>::new(&p, n).unwrap();
        pop.set_parallel(parallel);
        let e = pop
            .run(5, Drive::PerNeuron(&drive), &Record::counts())
            .unwrap_err();
        assert!(
            matches!(e, SnnError::NonFinite { value, .. } if value.is_nan()),
            "{parallel}: {e}"
        );
        assert_eq!(pop.steps_done(), 0);
        assert!(pop.counts().iter().all(|&c| c == 0));
    }
}

/// `step()` on threads (one step split into a chunk per thread) gives the state of `step()` on
/// one thread, for a current per neuron and for one current for all, in several pool sizes.
#[test]
fn threaded_steps_equal_single_thread_steps() {
    let p = LifParams::builder().t_ref(1.0).build().unwrap();
    let n = PARALLEL_MIN + 4321;
    let per: Vec<f32> = (0..n)
        .map(|j| 1.0 + 4.0 * (j % 501) as f32 / 501.0)
        .collect();
    for threads in [2, 3, 5] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut one = Population::<f32>::new(&p, n).unwrap();
        let mut many = Population::<f32>::new(&p, n).unwrap();
        pool.install(|| many.set_parallel(true));
        for k in 0..60 {
            let input = if k % 3 == 0 {
                snn_core::Input::Uniform(2.2)
            } else {
                snn_core::Input::PerNeuron(&per)
            };
            let a = one.step(input).unwrap();
            let b = pool.install(|| many.step(input).unwrap());
            assert_eq!(a, b, "{threads} threads, step {k}: spikes");
            assert_eq!(one.spiked(), many.spiked(), "{threads} threads, step {k}");
        }
        assert_eq!(one.v(), many.v());
        assert_eq!(one.refractory(), many.refractory());
        assert_eq!(one.counts(), many.counts());
        assert!(one.counts().iter().sum::<u32>() > 0);
    }
}
