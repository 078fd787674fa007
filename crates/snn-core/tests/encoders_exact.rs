//! Encoders on cases small enough to compute by hand: exact spike positions, the edges of
//! every range, and the arithmetic of each rate (written for the cargo-mutants survivors of
//! encode.rs; the statistical tests are in encoders.rs).

use snn_core::ndarray::{arr2, Array2};
use snn_core::{rng, DeltaEncoder, LatencyEncoder, RateEncoder, RateModel, SnnError};

#[test]
fn a_spike_matrix_counts_lists_and_weighs_its_spikes_exactly() {
    // Latency over 11 steps: x = 1 fires at step 0, x = 0.5 at round(0.5 * 10) = 5, x = 0 never.
    let s = LatencyEncoder::new(2.0)
        .unwrap()
        .encode(&[1.0, 0.5, 0.0], 11, &mut rng(0))
        .unwrap();
    assert_eq!((s.steps(), s.channels(), s.dt), (11, 3, 2.0));
    assert_eq!(s.total(), 2);
    assert_eq!(s.channel_counts(), vec![1, 1, 0]);
    let e = s.events();
    assert_eq!(
        (e.neurons().to_vec(), e.steps().to_vec()),
        (vec![0, 1], vec![0, 5])
    );
    // Current: counts (steps x channels) times weights (channels x outputs).
    let w = arr2(&[[2.0f64, -1.0], [3.0, 0.5], [5.0, 7.0]]);
    let i = s.current(w.view()).unwrap();
    assert_eq!(i.dim(), (11, 2));
    assert_eq!(i.row(0).to_vec(), vec![2.0, -1.0]);
    assert_eq!(i.row(5).to_vec(), vec![3.0, 0.5]);
    assert_eq!(i.sum(), 2.0 - 1.0 + 3.0 + 0.5);
    assert!(matches!(
        s.current(Array2::<f64>::zeros((2, 1)).view()),
        Err(SnnError::LengthMismatch {
            expected: 3,
            got: 2,
            ..
        })
    ));
}

#[test]
fn a_step_with_several_poisson_spikes_lists_each() {
    // 50 spikes per step on average: nearly every step holds several.
    let s = RateEncoder::new(50_000.0, 1.0, RateModel::Poisson)
        .unwrap()
        .encode(&[1.0], 20, &mut rng(3))
        .unwrap();
    assert!(s.counts.iter().any(|&c| c > 1));
    let e = s.events();
    assert_eq!(e.len() as u64, s.total());
    assert_eq!(s.channel_counts(), vec![s.total() as u32]);
    for k in 0..20u32 {
        let in_step = e.steps().iter().filter(|&&st| st == k).count();
        assert_eq!(in_step, s.counts[[k as usize, 0]] as usize);
    }
}

#[test]
fn latency_steps_by_hand() {
    assert_eq!(LatencyEncoder::spike_step(0.25, 5), Some(3)); // round(0.75 * 4)
    assert_eq!(LatencyEncoder::spike_step(0.6, 11), Some(4)); // round(0.4 * 10)
    assert_eq!(LatencyEncoder::spike_step(1.0, 1), Some(0));
    assert_eq!(LatencyEncoder::spike_step(1e-9, 101), Some(100));
    assert_eq!(LatencyEncoder::spike_step(0.0, 10), None);
    assert_eq!(
        LatencyEncoder::new(0.5)
            .unwrap()
            .encode(&[0.25], 5, &mut rng(0))
            .unwrap()
            .counts[[3, 0]],
        1
    );
    assert!(matches!(
        LatencyEncoder::new(0.0),
        Err(SnnError::NotPositive { .. })
    ));
}

#[test]
fn intensities_are_checked_at_the_edges() {
    let enc = RateEncoder::new(100.0, 1.0, RateModel::Bernoulli).unwrap();
    assert!(enc.encode(&[0.0, 1.0], 3, &mut rng(0)).is_ok());
    assert!(matches!(
        enc.encode(&[], 3, &mut rng(0)),
        Err(SnnError::Empty { .. })
    ));
    assert!(matches!(
        enc.encode(&[0.5, 1.0 + 1e-12], 3, &mut rng(0)),
        Err(SnnError::OutOfRange { value, .. }) if value > 1.0
    ));
    assert!(matches!(
        enc.encode(&[-1e-12], 3, &mut rng(0)),
        Err(SnnError::OutOfRange { .. })
    ));
    assert!(matches!(
        enc.encode(&[f64::NAN], 3, &mut rng(0)),
        Err(SnnError::NonFinite { .. })
    ));
    assert!(matches!(
        enc.encode(&[0.5], 0, &mut rng(0)),
        Err(SnnError::Zero { .. })
    ));
    assert!(matches!(
        enc.encode(&vec![0.5; 1 << 20], 1 << 20, &mut rng(0)),
        Err(SnnError::TooLarge { .. })
    ));
}

#[test]
fn rate_limits_at_their_edges_and_accessors() {
    // Bernoulli: p = max_rate * dt / 1000 up to exactly 1.
    let e = RateEncoder::new(1000.0, 1.0, RateModel::Bernoulli).unwrap();
    assert_eq!(
        (e.max_rate_hz(), e.dt(), e.model()),
        (1000.0, 1.0, RateModel::Bernoulli)
    );
    assert!(matches!(
        RateEncoder::new(1000.0, 1.000001, RateModel::Bernoulli),
        Err(SnnError::ProbabilityAboveOne { .. })
    ));
    assert!(RateEncoder::new(500.0, 2.0, RateModel::Bernoulli).is_ok());
    // Poisson: at most 100 spikes per step on average.
    assert!(RateEncoder::new(100_000.0, 1.0, RateModel::Poisson).is_ok());
    assert!(matches!(
        RateEncoder::new(100_000.0, 1.001, RateModel::Poisson),
        Err(SnnError::OutOfRange { .. })
    ));
    assert!(RateEncoder::new(2000.0, 1.0, RateModel::Poisson).is_ok());
    assert!(matches!(
        RateEncoder::new(-1.0, 1.0, RateModel::Poisson),
        Err(SnnError::Negative { .. })
    ));
    assert!(matches!(
        RateEncoder::new(10.0, 0.0, RateModel::Poisson),
        Err(SnnError::NotPositive { .. })
    ));
    let p = RateEncoder::new(20.0, 0.5, RateModel::Poisson).unwrap();
    assert_eq!(
        (p.max_rate_hz(), p.dt(), p.model()),
        (20.0, 0.5, RateModel::Poisson)
    );
}

#[test]
fn bernoulli_probability_is_intensity_times_rate_times_dt() {
    // p = 1 for x = 1 at 1000 Hz and 1 ms: every step; x = 0: never.
    let s = RateEncoder::new(1000.0, 1.0, RateModel::Bernoulli)
        .unwrap()
        .encode(&[1.0, 0.0], 300, &mut rng(1))
        .unwrap();
    assert_eq!(s.channel_counts(), vec![300, 0]);
    // p = 0.5 * 400 * 2 / 1000 = 0.4 for x = 0.5: 4,000 steps give 1,600 +- 3 sd (31).
    let s = RateEncoder::new(400.0, 2.0, RateModel::Bernoulli)
        .unwrap()
        .encode(&[0.5, 0.0], 4000, &mut rng(2))
        .unwrap();
    let c = s.channel_counts();
    assert!((1507..=1693).contains(&c[0]), "{c:?}");
    assert_eq!(c[1], 0);
}

#[test]
fn poisson_rate_and_timing_by_hand() {
    // 0.5 * 200 Hz over 2,000 steps of 0.5 ms (1 s): 100 spikes expected, +- 4 sd (40).
    let s = RateEncoder::new(200.0, 0.5, RateModel::Poisson)
        .unwrap()
        .encode(&[0.5, 0.0], 2000, &mut rng(5))
        .unwrap();
    let c = s.channel_counts();
    assert!((60..=140).contains(&c[0]), "{c:?}");
    assert_eq!(c[1], 0);
    // Spikes spread over the whole window, not squeezed into part of it: 1,000 Hz over 400
    // steps of 0.5 ms (200 ms) puts about 50 in each quarter (sd about 7).
    let s = RateEncoder::new(1000.0, 0.5, RateModel::Poisson)
        .unwrap()
        .encode(&[1.0], 400, &mut rng(6))
        .unwrap();
    for q in 0..4 {
        let n: u32 = (q * 100..(q + 1) * 100)
            .map(|k| u32::from(s.counts[[k, 0]]))
            .sum();
        assert!((22..=78).contains(&n), "quarter {q}: {n}");
    }
}

#[test]
fn delta_fires_only_past_the_threshold() {
    // Steps of exactly the threshold do not fire; the first step past it does, and moves the
    // reference: 0 -> 0.5 (no), -> 1.0 (ON, reference 1.0), -> 0.4 (OFF), -> 0.4 (no).
    let signal = arr2(&[[0.0], [0.5], [1.0], [0.4], [0.4]]);
    let s = DeltaEncoder::new(0.5, 1.0)
        .unwrap()
        .encode(signal.view(), &mut rng(0))
        .unwrap();
    assert_eq!(s.counts.column(0).to_vec(), vec![0, 0, 1, 0, 0]);
    assert_eq!(s.counts.column(1).to_vec(), vec![0, 0, 0, 1, 0]);
    assert!(matches!(
        DeltaEncoder::new(0.5, 1.0)
            .unwrap()
            .encode(Array2::<f64>::zeros((0, 2)).view(), &mut rng(0)),
        Err(SnnError::Empty { .. })
    ));
    assert!(matches!(
        DeltaEncoder::new(0.5, 1.0)
            .unwrap()
            .encode(Array2::<f64>::zeros((3, 0)).view(), &mut rng(0)),
        Err(SnnError::Empty { .. })
    ));
    assert!(matches!(
        DeltaEncoder::new(0.5, 1.0)
            .unwrap()
            .encode(arr2(&[[0.0], [f64::INFINITY]]).view(), &mut rng(0)),
        Err(SnnError::NonFinite { .. })
    ));
    assert!(matches!(
        DeltaEncoder::new(0.0, 1.0),
        Err(SnnError::NotPositive { .. })
    ));
}
