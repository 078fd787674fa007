//! Encoder statistics (bounds, not copied spike trains) and the data helpers.

use snn_core::ndarray::Array2;
use snn_core::{
    rng, BlobsConfig, Centers, DeltaEncoder, Grid, LatencyEncoder, RateEncoder, RateModel, SnnError,
};

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v)
}

#[test]
fn bernoulli_counts_are_binomial() {
    // 2000 trains of 1000 steps at p = 50 Hz * 1 ms = 0.05: mean 50, variance 47.5.
    let enc = RateEncoder::new(50.0, 1.0, RateModel::Bernoulli).unwrap();
    let s = enc.encode(&vec![1.0; 2000], 1000, &mut rng(1)).unwrap();
    assert!(s.counts.iter().all(|&c| c <= 1));
    let c: Vec<f64> = s.channel_counts().iter().map(|&x| x as f64).collect();
    let (m, v) = mean_var(&c);
    // Standard error of the mean is sqrt(47.5 / 2000) = 0.154: allow 5 of them.
    assert!((m - 50.0).abs() < 0.77, "mean {m}");
    // Variance of a sample variance ~ 2 sigma^4 / n: sd ~ 1.5; allow 5.
    assert!((v - 47.5).abs() < 7.5, "var {v}");
}

#[test]
fn poisson_counts_have_equal_mean_and_variance() {
    // 200 Hz for 0.5 s: mean = variance = 100, with several spikes per 2 ms step allowed.
    let enc = RateEncoder::new(200.0, 2.0, RateModel::Poisson).unwrap();
    let s = enc.encode(&vec![1.0; 2000], 250, &mut rng(2)).unwrap();
    let c: Vec<f64> = s.channel_counts().iter().map(|&x| x as f64).collect();
    let (m, v) = mean_var(&c);
    assert!(
        (m - 100.0).abs() < 5.0 * (100.0f64 / 2000.0).sqrt(),
        "mean {m}"
    );
    assert!(
        (v - 100.0).abs() < 5.0 * (2.0 * 100.0f64.powi(2) / 2000.0).sqrt(),
        "var {v}"
    );
    assert!(
        s.counts.iter().any(|&c| c > 1),
        "Poisson allows two spikes in a step"
    );
}

#[test]
fn rate_scales_with_intensity_and_zero_is_silent() {
    let enc = RateEncoder::new(100.0, 1.0, RateModel::Bernoulli).unwrap();
    let s = enc.encode(&[0.0, 0.25, 1.0], 4000, &mut rng(3)).unwrap();
    let c = s.channel_counts();
    assert_eq!(c[0], 0);
    assert!((c[1] as f64 - 100.0).abs() < 5.0 * 100f64.sqrt(), "{c:?}");
    assert!((c[2] as f64 - 400.0).abs() < 5.0 * 400f64.sqrt(), "{c:?}");
}

#[test]
fn same_seed_same_spikes() {
    let enc = RateEncoder::new(80.0, 1.0, RateModel::Poisson).unwrap();
    let a = enc.encode(&[0.3, 0.9], 500, &mut rng(9)).unwrap();
    let b = enc.encode(&[0.3, 0.9], 500, &mut rng(9)).unwrap();
    let c = enc.encode(&[0.3, 0.9], 500, &mut rng(10)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn encoder_rules() {
    assert!(matches!(
        RateEncoder::new(2000.0, 1.0, RateModel::Bernoulli),
        Err(SnnError::ProbabilityAboveOne { .. })
    ));
    assert!(RateEncoder::new(2000.0, 1.0, RateModel::Poisson).is_ok());
    // At most 100 spikes per step on average: 1e5 Hz x 1 ms is the edge.
    assert!(RateEncoder::new(1e5, 1.0, RateModel::Poisson).is_ok());
    assert!(matches!(
        RateEncoder::new(1e5, 1.5, RateModel::Poisson),
        Err(SnnError::OutOfRange { value, .. }) if value == 150.0
    ));
    assert!(RateEncoder::new(1000.0, 1.0, RateModel::Bernoulli).is_ok());
    assert!(matches!(
        RateEncoder::new(-1.0, 1.0, RateModel::Poisson),
        Err(SnnError::Negative {
            name: "max_rate",
            ..
        })
    ));
    assert!(matches!(
        RateEncoder::new(10.0, 0.0, RateModel::Poisson),
        Err(SnnError::NotPositive { name: "dt", .. })
    ));
    let enc = RateEncoder::new(10.0, 1.0, RateModel::Poisson).unwrap();
    assert!(matches!(
        enc.encode(&[1.5], 10, &mut rng(0)),
        Err(SnnError::OutOfRange { name: "input", .. })
    ));
    assert!(matches!(
        enc.encode(&[f64::NAN], 10, &mut rng(0)),
        Err(SnnError::NonFinite { .. })
    ));
    assert!(matches!(
        enc.encode(&[], 10, &mut rng(0)),
        Err(SnnError::Empty { .. })
    ));
    assert!(matches!(
        enc.encode(&[0.5], 0, &mut rng(0)),
        Err(SnnError::Zero { name: "steps" })
    ));
    assert!(matches!(
        enc.encode(&[0.5], usize::MAX / 2, &mut rng(0)),
        Err(SnnError::TooLarge { .. })
    ));
    assert!(matches!(
        DeltaEncoder::new(0.0, 1.0),
        Err(SnnError::NotPositive {
            name: "threshold",
            ..
        })
    ));
    assert!(matches!(
        LatencyEncoder::new(-1.0),
        Err(SnnError::NotPositive { name: "dt", .. })
    ));
}

#[test]
fn latency_fires_once_and_larger_inputs_fire_earlier() {
    let x: Vec<f64> = (1..=20).map(|k| k as f64 / 20.0).collect();
    let s = LatencyEncoder::new(1.0)
        .unwrap()
        .encode(&x, 100, &mut rng(0))
        .unwrap();
    assert!(s.channel_counts().iter().all(|&c| c == 1));
    let first: Vec<usize> = (0..x.len())
        .map(|c| s.counts.column(c).iter().position(|&v| v > 0).unwrap())
        .collect();
    assert!(first.windows(2).all(|w| w[1] <= w[0]), "{first:?}");
    assert_eq!(first[19], 0);
}

#[test]
fn delta_counts_threshold_crossings() {
    // A ramp 0 -> 1 over 101 steps with threshold 0.095: the reference moves in jumps of 0.1
    // (every 10 steps), so 10 ON spikes and no OFF spike; the falling ramp mirrors it.
    let up: Vec<f64> = (0..=100).map(|k| k as f64 / 100.0).collect();
    let mut signal = Array2::zeros((101, 2));
    for (k, &v) in up.iter().enumerate() {
        signal[[k, 0]] = v;
        signal[[k, 1]] = 1.0 - v;
    }
    let s = DeltaEncoder::new(0.095, 1.0)
        .unwrap()
        .encode(signal.view(), &mut rng(0))
        .unwrap();
    assert_eq!(s.channel_counts(), vec![10, 0, 0, 10]);
    // A constant signal never fires.
    let flat = Array2::from_elem((50, 1), 0.7);
    let s = DeltaEncoder::new(0.01, 1.0)
        .unwrap()
        .encode(flat.view(), &mut rng(0))
        .unwrap();
    assert_eq!(s.total(), 0);
}

#[test]
fn blobs_like_make_blobs() {
    let b = BlobsConfig::original().generate().unwrap();
    assert_eq!(b.x().dim(), (200, 2));
    assert_eq!(b.y().iter().filter(|&&y| y == 0).count(), 100);
    assert_eq!(b.n_classes(), 2);
    assert_eq!(b, BlobsConfig::original().generate().unwrap(), "seeded");
    // Uneven split: 7 samples over 3 centres -> 3, 2, 2.
    let c = BlobsConfig {
        n_samples: 7,
        centers: Centers::Random(3),
        ..Default::default()
    };
    let b = c.generate().unwrap();
    let per: Vec<usize> = (0..3)
        .map(|k| b.y().iter().filter(|&&y| y == k).count())
        .collect();
    assert_eq!(per, vec![3, 2, 2]);
    // Centres in [-10, 10]^2 and points around them with the given spread.
    let c = BlobsConfig {
        n_samples: 20000,
        centers: Centers::Given(snn_core::ndarray::array![[2.0, -3.0]]),
        cluster_std: 0.5,
        seed: 5,
    };
    let b = c.generate().unwrap();
    let col0: Vec<f64> = b.x().column(0).to_vec();
    let (m, v) = mean_var(&col0);
    assert!(
        (m - 2.0).abs() < 0.02 && (v.sqrt() - 0.5).abs() < 0.02,
        "{m} {v}"
    );
    let wide = BlobsConfig {
        n_samples: 400,
        centers: Centers::Random(50),
        cluster_std: 0.0,
        seed: 3,
    };
    assert!(wide.generate().unwrap().x().iter().all(|v| v.abs() <= 10.0));
    assert!(matches!(
        BlobsConfig {
            n_samples: 1,
            centers: Centers::Random(2),
            ..Default::default()
        }
        .generate(),
        Err(SnnError::TooFew {
            name: "n_samples",
            ..
        })
    ));
    assert!(matches!(
        BlobsConfig {
            cluster_std: -1.0,
            ..Default::default()
        }
        .generate(),
        Err(SnnError::Negative {
            name: "cluster_std",
            ..
        })
    ));
    assert!(matches!(
        BlobsConfig {
            n_samples: 0,
            ..Default::default()
        }
        .generate(),
        Err(SnnError::Zero { name: "n_samples" })
    ));
}

#[test]
fn split_and_grid() {
    let b = BlobsConfig::original().generate().unwrap();
    let (train, test) = b.split(0.25, &mut rng(0)).unwrap();
    assert_eq!((train.len(), test.len()), (150, 50));
    assert!(matches!(
        b.split(1.0, &mut rng(0)),
        Err(SnnError::OutOfRange { .. })
    ));
    let g = Grid::over(b.x().view(), 100, 100, 1.0).unwrap();
    assert_eq!(g.len(), 10000);
    assert_eq!(g.points().count(), 10000);
    let [l, r, bo, t] = g.bounds();
    for row in b.x().rows() {
        assert!(row[0] > l && row[0] < r && row[1] > bo && row[1] < t);
    }
    assert!(matches!(
        Grid::new([0.0, 0.0, 0.0, 1.0], 2, 2),
        Err(SnnError::Empty { .. })
    ));
    assert!(matches!(
        Grid::new([0.0, 1.0, 0.0, 1.0], 0, 2),
        Err(SnnError::Zero { name: "nx" })
    ));
}
