//! The learning readout: reproducible for a seed, better than its random start, close to a
//! non-spiking baseline, and clear errors for bad hyper-parameters.

use snn_core::learn::Rule;
use snn_core::{rng, BlobsConfig, Centers, Classifier, Encoding, Logistic, SnnError, TrainConfig};

fn split(seed: u64, centers: usize, std: f64, n: usize) -> (snn_core::Blobs, snn_core::Blobs) {
    let data = BlobsConfig {
        n_samples: n,
        centers: Centers::Random(centers),
        cluster_std: std,
        seed,
    }
    .generate()
    .unwrap();
    data.split(0.25, &mut rng(seed)).unwrap()
}

#[test]
fn training_is_reproducible_for_a_seed() {
    let (train, test) = split(3, 3, 1.5, 300);
    let run = |seed: u64| {
        let mut clf = Classifier::new(&train, 60, Encoding::Rate, &mut rng(seed)).unwrap();
        let h = clf
            .fit(
                &train,
                Some(&test),
                &TrainConfig {
                    epochs: 8,
                    seed,
                    ..Default::default()
                },
            )
            .unwrap();
        (clf.w, h)
    };
    let (w1, h1) = run(11);
    let (w2, h2) = run(11);
    assert_eq!(w1, w2);
    assert_eq!(h1, h2);
    let (w3, _) = run(12);
    assert_ne!(w1, w3);
}

#[test]
fn accuracy_improves_over_the_random_start() {
    for encoding in [Encoding::Rate, Encoding::Current] {
        let (train, test) = split(5, 3, 1.0, 300);
        let mut clf = Classifier::new(&train, 100, encoding, &mut rng(1)).unwrap();
        let before = clf.accuracy(&test, &mut rng(2)).unwrap();
        let h = clf
            .fit(&train, Some(&test), &TrainConfig::default())
            .unwrap();
        let after = clf.accuracy(&test, &mut rng(2)).unwrap();
        assert!(
            before < 0.7,
            "random weights should be near chance, got {before}"
        );
        assert!(
            after > 0.95 && after > before + 0.25,
            "{encoding:?}: {before} -> {after}"
        );
        assert_eq!(h.train_accuracy.len(), 30);
        assert!(
            h.loss.last().unwrap() < &h.loss[0],
            "loss falls: {:?}",
            h.loss
        );
        let c = clf.confusion(&test, &mut rng(2)).unwrap();
        assert_eq!(c.counts.iter().sum::<u32>() as usize, test.len());
    }
}

#[test]
fn matches_the_baseline_on_separable_blobs() {
    // The original's kind of data: two centres, std 1, 200 samples.
    for seed in 1..=6 {
        let (train, test) = split(seed, 2, 1.0, 200);
        let mut clf = Classifier::new(&train, 100, Encoding::Rate, &mut rng(seed)).unwrap();
        clf.fit(
            &train,
            None,
            &TrainConfig {
                seed,
                ..Default::default()
            },
        )
        .unwrap();
        let snn = clf.accuracy(&test, &mut rng(seed)).unwrap();
        let base = Logistic::fit(&train).unwrap().accuracy(&test).unwrap();
        assert!(
            snn >= base - 0.01,
            "seed {seed}: snn {snn} vs baseline {base}"
        );
        if base >= 0.98 {
            assert!(snn >= 0.98, "seed {seed}: {snn}");
        }
    }
}

#[test]
fn margin_rule_also_learns() {
    let (train, test) = split(8, 3, 1.0, 300);
    let mut clf = Classifier::new(&train, 100, Encoding::Rate, &mut rng(1)).unwrap();
    let cfg = TrainConfig {
        lr: 0.2,
        rule: Rule::Margin(0.1),
        ..Default::default()
    };
    clf.fit(&train, None, &cfg).unwrap();
    assert!(clf.accuracy(&test, &mut rng(3)).unwrap() > 0.95);
}

#[test]
fn logistic_baseline_separates_blobs() {
    let (train, test) = split(2, 2, 1.0, 200);
    let m = Logistic::fit(&train).unwrap();
    assert!(m.accuracy(&test).unwrap() >= 0.98);
}

#[test]
fn bad_hyper_parameters_are_refused_and_weights_kept() {
    let (train, _) = split(1, 2, 1.0, 100);
    let mut clf = Classifier::new(&train, 50, Encoding::Rate, &mut rng(0)).unwrap();
    let w = clf.w.clone();
    for (cfg, name) in [
        (
            TrainConfig {
                lr: 0.0,
                ..Default::default()
            },
            "lr",
        ),
        (
            TrainConfig {
                lr: f64::NAN,
                ..Default::default()
            },
            "lr",
        ),
        (
            TrainConfig {
                epochs: 0,
                ..Default::default()
            },
            "epochs",
        ),
        (
            TrainConfig {
                target: 1.5,
                ..Default::default()
            },
            "target",
        ),
    ] {
        let e = clf.fit(&train, None, &cfg).unwrap_err();
        assert!(e.to_string().contains(name), "{e}");
    }
    assert_eq!(clf.w, w);
    assert!(matches!(
        Classifier::new(&train, 0, Encoding::Rate, &mut rng(0)),
        Err(SnnError::Zero { .. })
    ));
    assert!(Encoding::parse("spikes").is_err());
    assert_eq!(Encoding::parse("latency").unwrap(), Encoding::Latency);
}
