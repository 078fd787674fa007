//! The learning readout: reproducible for a seed, better than its random start, equal to
//! logistic regression when its neurons do not leak, close to it when they do, and clear
//! errors for bad hyper-parameters.

use snn_core::{
    rng, Blobs, BlobsConfig, Centers, Classifier, Encoding, Logistic, Response, SnnError,
    TrainConfig,
};

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
    let run = |encoding, seed: u64| {
        let mut clf = Classifier::new(&train, 60, encoding).unwrap();
        let h = clf
            .fit(
                &train,
                Some(&test),
                &TrainConfig::builder().epochs(20).build().unwrap(),
                &mut rng(seed),
            )
            .unwrap();
        (clf.w().clone(), h)
    };
    let (w1, h1) = run(Encoding::Rate, 11);
    let (w2, h2) = run(Encoding::Rate, 11);
    assert_eq!(w1, w2);
    assert_eq!(h1, h2);
    // Rate coding draws its spikes from the seed: another seed, other spikes, other weights.
    let (w3, _) = run(Encoding::Rate, 12);
    assert_ne!(w1, w3);
    // A current has no spikes to draw: the seed changes nothing.
    assert_eq!(run(Encoding::Current, 1).0, run(Encoding::Current, 2).0);
}

#[test]
fn accuracy_improves_over_the_random_start() {
    for encoding in [Encoding::Current, Encoding::Rate, Encoding::Latency] {
        let (train, test) = split(5, 3, 1.0, 300);
        let mut clf = Classifier::new(&train, 100, encoding).unwrap();
        clf.randomize(&mut rng(4));
        let before = clf.accuracy(&test, &mut rng(2)).unwrap();
        let cfg = TrainConfig::builder().epochs(200).build().unwrap();
        let h = clf.fit(&train, Some(&test), &cfg, &mut rng(0)).unwrap();
        let after = clf.accuracy(&test, &mut rng(2)).unwrap();
        assert!(
            before < 0.7,
            "{encoding:?}: random weights should be near chance, got {before}"
        );
        // Spike encodings add noise to every decision; a current does not.
        let floor = if encoding == Encoding::Current {
            0.95
        } else {
            0.9
        };
        assert!(
            after > floor && after > before + 0.25,
            "{encoding:?}: {before} -> {after}"
        );
        assert_eq!(h.train_accuracy.len(), 200);
        assert_eq!(h.test_accuracy.len(), 200);
        assert!(
            h.loss.last().unwrap() < &(h.loss[0] / 2.0),
            "{encoding:?}: the loss falls: {:?} -> {:?}",
            h.loss[0],
            h.loss.last()
        );
        let c = clf.confusion(&test, &mut rng(2)).unwrap();
        assert_eq!(c.counts().iter().sum::<u32>() as usize, test.len());
    }
}

#[test]
fn a_non_leaky_readout_is_exactly_logistic_regression() {
    // Charge conservation: with decay 1 and reset by subtraction, count + V / V_th over the
    // window is the mean drive, so the rule's gradient is logistic regression's.
    for (seed, centers, std) in [(1, 2, 1.0), (7, 3, 2.0), (40, 3, 2.0)] {
        let (train, test) = split(seed, centers, std, 300);
        // Any threshold: rates are in charge per step.
        let mut clf = Classifier::builder()
            .steps(50)
            .decay(1.0)
            .threshold(if centers == 2 { 1.0 } else { 20.0 })
            .build(&train)
            .unwrap();
        // Any budget, as long as both get the same one.
        let cfg = TrainConfig::builder()
            .epochs(if centers == 2 { 500 } else { 120 })
            .lr(if centers == 2 { 0.5 } else { 1.5 })
            .build()
            .unwrap();
        clf.fit(&train, None, &cfg, &mut rng(0)).unwrap();
        let base = Logistic::fit_with(&train, &cfg).unwrap();
        let gap = (clf.w() - base.w())
            .mapv(f64::abs)
            .fold(0.0f64, |a, &b| a.max(b));
        assert!(gap < 1e-6, "seed {seed}: weights differ by {gap}");
        assert_eq!(
            clf.predict(&test, &mut rng(0)).unwrap(),
            base.predict(&test).unwrap()
        );
    }
}

#[test]
fn the_leaky_readout_matches_the_baseline() {
    // The original's kind of data: two centres, std 1, 200 samples.
    for seed in 1..=8 {
        let (train, test) = split(seed, 2, 1.0, 200);
        let mut clf = Classifier::new(&train, 100, Encoding::Current).unwrap();
        clf.fit(&train, None, &TrainConfig::default(), &mut rng(0))
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
    // Harder data: three centres, std 2, 600 samples.
    for seed in [4, 37, 40] {
        let (train, test) = split(seed, 3, 2.0, 600);
        let mut clf = Classifier::new(&train, 100, Encoding::Current).unwrap();
        clf.fit(&train, None, &TrainConfig::default(), &mut rng(0))
            .unwrap();
        let snn = clf.accuracy(&test, &mut rng(seed)).unwrap();
        let base = Logistic::fit(&train).unwrap().accuracy(&test).unwrap();
        assert!(
            snn >= base - 0.03,
            "seed {seed}: snn {snn} vs baseline {base}"
        );
    }
}

#[test]
fn ties_in_count_go_to_the_higher_membrane_then_the_lower_class() {
    let r = |counts: Vec<u32>, v: Vec<f64>| Response {
        input: vec![],
        counts,
        v,
        rule: snn_core::OutputReset::Subtract,
    };
    assert_eq!(r(vec![3, 5, 4], vec![0.9, 0.1, 0.9]).class(), 1);
    assert_eq!(r(vec![5, 5, 4], vec![0.2, 0.7, 0.9]).class(), 1);
    assert_eq!(r(vec![5, 5], vec![0.5, 0.5]).class(), 0);
    assert_eq!(r(vec![0, 0], vec![-0.3, -0.1]).class(), 1);
    let rates = r(vec![10, 0], vec![0.5, -2.0]).rates(1.0, 100);
    assert_eq!(rates, vec![0.105, -0.02]);
    // In charge per step: a spike stands for the threshold's worth.
    let rates = r(vec![3, 0], vec![5.0, -2.0]).rates(20.0, 10);
    assert_eq!(rates, vec![6.5, -0.2]);
}

#[test]
fn logistic_baseline_separates_blobs() {
    let (train, test) = split(2, 2, 1.0, 200);
    let m = Logistic::fit(&train).unwrap();
    assert!(m.accuracy(&test).unwrap() >= 0.98);
}

#[test]
fn bad_inputs_are_refused_and_weights_kept() {
    let (train, _) = split(1, 2, 1.0, 100);
    let mut clf = Classifier::new(&train, 50, Encoding::Rate).unwrap();
    clf.randomize(&mut rng(0));
    let w = clf.w().clone();
    let cfgs = [
        (0.0, 10, 0.0, "lr"),
        (f64::NAN, 10, 0.0, "lr"),
        (0.5, 0, 0.0, "epochs"),
        (0.5, 10, -1.0, "l2"),
        (0.5, 10, f64::INFINITY, "l2"),
    ];
    for (lr, epochs, l2, name) in cfgs {
        let e = TrainConfig::builder()
            .lr(lr)
            .epochs(epochs)
            .l2(l2)
            .build()
            .unwrap_err();
        assert_eq!(e.parameter(), Some(name), "{e}");
    }
    // A held-out set with features of another width is refused before any training.
    let wide = Blobs::new(snn_core::ndarray::Array2::zeros((3, 3)), vec![0, 1, 0]).unwrap();
    let e = clf
        .fit(&train, Some(&wide), &TrainConfig::default(), &mut rng(0))
        .unwrap_err();
    assert!(e.to_string().contains("feature"), "{e}");
    // A training set with a label past the classifier's classes, the same.
    let three = Blobs::new(train.x().clone(), vec![2; train.len()]).unwrap();
    let e = clf
        .fit(&three, None, &TrainConfig::default(), &mut rng(0))
        .unwrap_err();
    assert!(
        matches!(
            e,
            SnnError::IndexOutOfRange {
                name: "class label",
                len: 2,
                index: 2
            }
        ),
        "{e}"
    );
    assert_eq!(clf.w(), &w);
    assert!(clf.counts(&[1.0, 2.0, 3.0], &mut rng(0)).is_err());
    let e = Classifier::builder().copies(0).build(&train).unwrap_err();
    assert_eq!(e, SnnError::Zero { name: "copies" });
    assert!(matches!(
        Classifier::new(&train, 0, Encoding::Rate),
        Err(SnnError::Zero { .. })
    ));
    assert_eq!(Encoding::Latency.name(), "latency");
    assert_eq!(Encoding::default(), Encoding::Current);
}

/// The standardisation on hand-computed values: mean and population standard deviation per
/// feature, a constant feature divided by 1 (not 0), and no features at all refused.
#[test]
fn standardizer_on_hand_computed_values() {
    use snn_core::ndarray::{array, Array2};
    use snn_core::Standardizer;
    let x = array![[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]];
    let s = Standardizer::fit(x.view()).unwrap();
    assert_eq!(s.mean().to_vec(), vec![3.0, 5.0]);
    // Population std of 1, 3, 5: sqrt(8/3); the constant column gets 1.
    assert!((s.std()[0] - (8.0f64 / 3.0).sqrt()).abs() < 1e-15);
    assert_eq!(s.std()[1], 1.0);
    let z = s.transform_row(&[5.0, 5.0]).unwrap();
    assert!((z[0] - 2.0 / (8.0f64 / 3.0).sqrt()).abs() < 1e-15);
    assert_eq!(z[1], 0.0);
    assert!(s.transform_row(&[1.0]).is_err());
    for empty in [Array2::<f64>::zeros((0, 2)), Array2::<f64>::zeros((3, 0))] {
        assert_eq!(
            Standardizer::fit(empty.view()).unwrap_err(),
            SnnError::Empty { name: "x" }
        );
    }
}

/// Every builder setting is checked when built and reported by its accessor; the weights
/// are replaced only by a matrix of the right shape with finite values.
#[test]
fn classifier_builder_checks_and_reports_every_setting() {
    use snn_core::ndarray::Array2;
    let (train, _) = split(2, 3, 1.0, 60);
    let clf = Classifier::builder()
        .steps(40)
        .encoding(Encoding::Latency)
        .decay(0.9)
        .threshold(7.0)
        .p_max(1.0)
        .copies(3)
        .build(&train)
        .unwrap();
    assert_eq!(clf.steps(), 40);
    assert_eq!(clf.encoding(), Encoding::Latency);
    assert_eq!((clf.neuron().decay(), clf.neuron().threshold()), (0.9, 7.0));
    assert_eq!((clf.p_max(), clf.copies(), clf.classes()), (1.0, 3, 3));
    assert_eq!(clf.w().dim(), (3, 3));
    assert_eq!(clf.standardizer().mean().len(), 2);
    let d = Classifier::builder().build(&train).unwrap();
    assert_eq!(
        (d.steps(), d.encoding(), d.p_max(), d.copies()),
        (100, Encoding::Current, 0.5, 4)
    );
    assert_eq!(
        (d.neuron().decay(), d.neuron().threshold()),
        (0.995, snn_core::OUTPUT_THRESHOLD)
    );
    for (b, name) in [
        (Classifier::builder().p_max(0.0), "p_max"),
        (Classifier::builder().p_max(1.0 + 1e-12), "p_max"),
        (Classifier::builder().p_max(f64::NAN), "p_max"),
        (Classifier::builder().steps(0), "steps"),
        (Classifier::builder().copies(0), "copies"),
        (Classifier::builder().decay(0.0), "decay"),
        (Classifier::builder().threshold(-1.0), "threshold"),
    ] {
        assert_eq!(b.build(&train).unwrap_err().parameter(), Some(name));
    }
    let one_class = Blobs::new(train.x().clone(), vec![0; train.len()]).unwrap();
    assert!(matches!(
        Classifier::builder().build(&one_class).unwrap_err(),
        SnnError::TooFew {
            name: "classes",
            min: 2,
            got: 1
        }
    ));
    // Weights: shape (features + 1, classes), finite.
    let mut c = clf.clone();
    let w = Array2::from_shape_fn((3, 3), |(i, j)| (i * 3 + j) as f64);
    c.set_weights(w.clone()).unwrap();
    assert_eq!(c.w(), &w);
    for bad in [Array2::zeros((2, 3)), Array2::zeros((3, 2))] {
        assert!(matches!(
            c.set_weights(bad).unwrap_err(),
            SnnError::LengthMismatch { .. }
        ));
    }
    let mut nan = w.clone();
    nan[[1, 1]] = f64::NAN;
    assert_eq!(c.set_weights(nan).unwrap_err().parameter(), Some("weights"));
    assert_eq!(c.w(), &w, "kept after refusals");
    // Training settings.
    let cfg = TrainConfig::builder()
        .lr(0.25)
        .epochs(7)
        .l2(0.0)
        .build()
        .unwrap();
    assert_eq!((cfg.lr(), cfg.epochs(), cfg.l2()), (0.25, 7, 0.0));
    let d = TrainConfig::default();
    assert_eq!((d.lr(), d.epochs(), d.l2()), (0.5, 500, 1e-4));
    assert_eq!(TrainConfig::builder().build().unwrap(), d);
    // The baseline reports what it fitted.
    let base = Logistic::fit_with(&train, &cfg).unwrap();
    assert_eq!(base.w().dim(), (3, 3));
    assert_eq!(base.standardizer(), clf.standardizer());
}

/// A fit that runs away says at which epoch: the first, for a learning rate of 1e306.
#[test]
fn divergence_names_its_epoch() {
    let (train, _) = split(1, 2, 1.0, 60);
    let mut clf = Classifier::new(&train, 20, Encoding::Current).unwrap();
    clf.randomize(&mut rng(3));
    let cfg = TrainConfig::builder().lr(1e306).epochs(3).build().unwrap();
    match clf.fit(&train, None, &cfg, &mut rng(0)).unwrap_err() {
        SnnError::Diverged { epoch, lr, l2 } => assert_eq!((epoch, lr, l2), (1, 1e306, 1e-4)),
        e => panic!("{e}"),
    }
    match Logistic::fit_with(&train, &cfg).unwrap_err() {
        SnnError::Diverged { epoch, .. } => assert_eq!(epoch, 1),
        e => panic!("{e}"),
    }
}

/// One sample through a hand-set readout, without leak and below threshold, so each output
/// potential is exactly the charge it received: the channels, the latency charge
/// (`Z_SPAN · steps / (10 · copies)` per spike, one spike per copy), the push-pull synapses
/// and the bias, all on hand-computed numbers.
#[test]
fn one_sample_through_a_hand_set_readout() {
    use snn_core::ndarray::array;
    // Each feature has mean 0 and population standard deviation 1.
    let x = array![[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]];
    let data = Blobs::new(x, vec![0, 1, 0, 1]).unwrap();
    let w = array![[0.0, 0.0], [1.0, -2.0], [0.5, 0.25]];
    let build = |encoding| {
        let mut c = Classifier::builder()
            .steps(20)
            .encoding(encoding)
            .copies(2)
            .decay(1.0)
            .threshold(100.0)
            .build(&data)
            .unwrap();
        c.set_weights(w.clone()).unwrap();
        c
    };
    let sample = [1.5, -0.6];
    // Channels: z = (1.5, -0.6); ON/OFF intensities z/3 and -z/3, clamped to [0, 1].
    let rate = build(Encoding::Rate);
    let ch = rate.channels(&sample).unwrap();
    let want = [0.5, 0.0, 0.0, 0.2];
    for (a, b) in ch.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{ch:?}");
    }
    assert_eq!(
        build(Encoding::Current).channels(&sample).unwrap(),
        vec![1.5, -0.6, 1.0]
    );
    // Current: the drive z·W + bias every step, 20 steps without leak.
    let r = build(Encoding::Current)
        .response(&[0.0, 1.5], &mut rng(0))
        .unwrap();
    assert_eq!(r.counts, vec![0, 0]);
    assert!((r.v[0] - 20.0 * (1.5 + 0.5)).abs() < 1e-9, "{:?}", r.v);
    assert!((r.v[1] - 20.0 * (-3.0 + 0.25)).abs() < 1e-9, "{:?}", r.v);
    // Latency: feature 1's ON channel (intensity 0.5 >= 0.3) fires once per copy, each spike
    // bringing 3 · 20 / (10 · 2) = 3 through W[1, j]; feature 0 is silent; the bias is a
    // constant current. So V = 2 · 3 · W[1, j] + 20 · bias_j = (16, −7), and the input the
    // rule sees for feature 1 is 6 / 20 = 0.3 per step.
    let r = build(Encoding::Latency)
        .response(&[0.0, 1.5], &mut rng(0))
        .unwrap();
    assert_eq!(r.counts, vec![0, 0]);
    assert!((r.v[0] - 16.0).abs() < 1e-9, "{:?}", r.v);
    assert!((r.v[1] + 7.0).abs() < 1e-9, "{:?}", r.v);
    assert!(
        (r.input[0]).abs() < 1e-12 && (r.input[1] - 0.3).abs() < 1e-12,
        "{:?}",
        r.input
    );
    assert_eq!(r.input[2], 1.0);
    // The OFF channel pulls the other way: feature 1 at z = −1.5.
    let r = build(Encoding::Latency)
        .response(&[0.0, -1.5], &mut rng(0))
        .unwrap();
    assert!((r.v[0] - (-6.0 + 10.0)).abs() < 1e-9, "{:?}", r.v);
    assert!((r.v[1] - (12.0 + 5.0)).abs() < 1e-9, "{:?}", r.v);
    assert!((r.input[1] + 0.3).abs() < 1e-12, "{:?}", r.input);
    // Rate: the mean charge per step of a channel is Z_SPAN times its intensity, so over many
    // steps the input the rule sees for feature 1 approaches 3 · 0.5 = 1.5.
    let long = Classifier::builder()
        .steps(4000)
        .encoding(Encoding::Rate)
        .copies(4)
        .build(&data)
        .unwrap();
    let r = long.response(&[0.0, 1.5], &mut rng(1)).unwrap();
    assert!((r.input[1] - 1.5).abs() < 0.1, "{:?}", r.input);
    assert!(r.input[0].abs() < 1e-12);
}

/// The history's training accuracy is the accuracy of the weights before each epoch's
/// update: at zero weights every tie goes to class 0, so it is the share of class 0; once
/// trained, it is near 1 on well-separated blobs, and it matches `accuracy` for a current.
#[test]
fn history_records_the_training_accuracy_of_each_epoch() {
    let (train, _) = split(1, 2, 0.5, 200);
    let mut clf = Classifier::new(&train, 30, Encoding::Current).unwrap();
    let cfg = TrainConfig::builder().epochs(40).build().unwrap();
    let h = clf.fit(&train, None, &cfg, &mut rng(0)).unwrap();
    assert_eq!(h.train_accuracy.len(), 40);
    let share0 = train.y().iter().filter(|&&y| y == 0).count() as f64 / train.len() as f64;
    assert!(
        (h.train_accuracy[0] - share0).abs() < 1e-12,
        "{} vs {share0}",
        h.train_accuracy[0]
    );
    assert!(
        *h.train_accuracy.last().unwrap() > 0.95,
        "{:?}",
        h.train_accuracy
    );
    assert!(h.loss.first().unwrap() > h.loss.last().unwrap());
    // At zero weights every rate is 0, p is uniform, and the mean cross-entropy is ln 2.
    assert!((h.loss[0] - 2f64.ln()).abs() < 1e-12, "{}", h.loss[0]);
    assert!(h.test_accuracy.is_empty());
}

/// Rates far above 1 (a high threshold and a strong drive) do not overflow the softmax: it
/// is shifted by its largest rate, so a fit stays finite.
#[test]
fn large_rates_keep_the_softmax_finite() {
    use snn_core::ndarray::array;
    let (train, _) = split(1, 2, 0.5, 60);
    let mut clf = Classifier::builder()
        .steps(10)
        .decay(1.0)
        .threshold(1e4)
        .build(&train)
        .unwrap();
    // A bias of 1,000 per step for class 0: its rate is 1,000 charge per step.
    clf.set_weights(array![[0.0, 0.0], [0.0, 0.0], [1000.0, 0.0]])
        .unwrap();
    let cfg = TrainConfig::builder().lr(1e-6).epochs(1).build().unwrap();
    let h = clf.fit(&train, None, &cfg, &mut rng(0)).unwrap();
    assert!(h.loss[0].is_finite() && h.loss[0] > 100.0, "{}", h.loss[0]);
    assert!(clf.w().iter().all(|w| w.is_finite()));
}

#[test]
fn settings_are_built_without_data_and_fit_any_data() {
    // The settings need no data: checked once, reusable.
    let params = Classifier::builder()
        .steps(40)
        .encoding(Encoding::Rate)
        .copies(3)
        .params()
        .unwrap();
    assert_eq!((params.steps(), params.copies()), (40, 3));
    assert_eq!(params.encoding(), Encoding::Rate);
    // Bad settings are refused before any data is seen.
    let bad = Classifier::builder().p_max(1.5).params().unwrap_err();
    assert!(
        matches!(bad, SnnError::OutOfRange { name: "p_max", .. }),
        "{bad}"
    );
    assert!(Classifier::builder().steps(0).params().is_err());
    let cfg = TrainConfig::builder().epochs(15).build().unwrap();
    let (train2, test2) = split(5, 2, 1.0, 200);
    let (train3, _) = split(6, 3, 1.0, 200);
    let (clf2, h2) = params
        .fit(&train2, Some(&test2), &cfg, &mut rng(4))
        .unwrap();
    let (clf3, _) = params.fit(&train3, None, &cfg, &mut rng(4)).unwrap();
    assert_eq!(clf2.classes(), 2);
    assert_eq!(clf3.classes(), 3);
    assert_eq!(clf2.params(), params);
    assert_eq!(clf3.params(), params);
    // Fitting from the settings is the untrained classifier trained from zero.
    let mut same = params.untrained(&train2).unwrap();
    assert!(same.w().iter().all(|&w| w == 0.0));
    let h = same.fit(&train2, Some(&test2), &cfg, &mut rng(4)).unwrap();
    assert_eq!(same, clf2);
    assert_eq!(h, h2);
    assert!(clf2.accuracy(&test2, &mut rng(1)).unwrap() > 0.9);
}

/// The held-out curve's last point is the accuracy measured afterwards with the generator
/// fit was given: a notebook prints one number for both (they differed under rate coding
/// when the printed one drew other spikes).
#[test]
fn the_curve_ends_at_the_accuracy_measured_with_the_same_generator() {
    let (train, test) = split(11, 3, 1.5, 450);
    for encoding in [Encoding::Rate, Encoding::Latency, Encoding::Current] {
        let mut clf = Classifier::new(&train, 60, encoding).unwrap();
        let cfg = TrainConfig::builder().epochs(30).build().unwrap();
        let h = clf.fit(&train, Some(&test), &cfg, &mut rng(11)).unwrap();
        let after = clf.accuracy(&test, &mut rng(11)).unwrap();
        assert_eq!(Some(&after), h.test_accuracy.last(), "{encoding:?}");
    }
}
