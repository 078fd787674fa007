//! Bad input to the public API comes back as a typed error naming what was wrong, never a
//! panic or an abort: indices out of range, labels outside the classes, sizes that would
//! exhaust memory (refused before anything is allocated).

use snn_core::ndarray::array;
use snn_core::{
    rng, Blobs, BlobsConfig, Classifier, Confusion, Encoding, Logistic, SnnError, TrainConfig,
};

#[test]
fn select_refuses_an_index_past_the_end() {
    let data = BlobsConfig::original().generate().unwrap();
    assert_eq!(data.select(&[0, 199]).unwrap().len(), 2);
    assert!(matches!(
        data.select(&[3, 200]),
        Err(SnnError::IndexOutOfRange {
            name: "sample index",
            len: 200,
            index: 200
        })
    ));
}

#[test]
fn confusion_count_refuses_a_class_past_the_end() {
    let c = Confusion::new(&[0, 1], &[0, 1], 2).unwrap();
    assert_eq!(c.count(1, 1).unwrap(), 1);
    assert!(matches!(
        c.count(2, 0),
        Err(SnnError::IndexOutOfRange { .. })
    ));
}

/// A hand-made `Blobs` cannot claim fewer classes than its labels: `n_classes` is one more
/// than the largest label, so the baseline fits every label it is given.
#[test]
fn blobs_classes_cover_every_label() {
    let sparse = Blobs::new(array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], vec![0, 1, 5]).unwrap();
    assert_eq!(sparse.n_classes(), 6);
    let model = Logistic::fit_with(&sparse, &TrainConfig::default()).unwrap();
    assert_eq!(model.w().ncols(), 6);
    assert_eq!(model.predict(&sparse).unwrap().len(), 3);
    // And no selection is empty.
    assert_eq!(
        sparse.select(&[]).unwrap_err(),
        SnnError::Empty {
            name: "sample index"
        }
    );
}

/// A billion encoder copies would need 64 GB of synapses: refused at once, naming `copies`
/// (before, the process aborted with "memory allocation of 64000000000 bytes failed").
#[test]
fn too_many_encoder_copies_are_refused_before_allocating() {
    let data = BlobsConfig::original().generate().unwrap();
    let e = Classifier::builder()
        .encoding(Encoding::Rate)
        .copies(1_000_000_000)
        .build(&data)
        .unwrap_err();
    assert!(
        matches!(e, SnnError::TooLarge { name: "copies", .. }),
        "{e}"
    );
    assert_eq!(e.parameter(), Some("copies"));
    // As many steps, the same: refused by the builder, not by the allocator.
    let e = Classifier::builder()
        .encoding(Encoding::Rate)
        .steps(usize::MAX / 2)
        .build(&data)
        .unwrap_err();
    assert!(matches!(e, SnnError::TooLarge { .. }), "{e}");
    // A current needs no encoder buffers: a billion copies are stored, never allocated.
    let current = Classifier::builder()
        .copies(1_000_000_000)
        .build(&data)
        .unwrap();
    assert!(current.accuracy(&data, &mut rng(0)).unwrap() > 0.0);
}

/// A learning rate far too large drives the weights to infinity: the fit stops with a typed
/// error naming `lr` and keeps the weights it was given, instead of returning NaN weights.
#[test]
fn a_diverging_fit_is_refused_and_the_weights_kept() {
    let data = BlobsConfig::original().generate().unwrap();
    let mut clf = Classifier::new(&data, 20, Encoding::Current).unwrap();
    clf.randomize(&mut rng(1));
    let w = clf.w().clone();
    let cfg = TrainConfig::builder()
        .lr(1e306)
        .epochs(5)
        .l2(1.0)
        .build()
        .unwrap();
    let e = clf.fit(&data, None, &cfg, &mut rng(0)).unwrap_err();
    assert!(matches!(e, SnnError::Diverged { .. }), "{e}");
    assert_eq!(e.parameter(), Some("lr"));
    assert_eq!(clf.w(), &w, "weights kept");
    let e = Logistic::fit_with(&data, &cfg).unwrap_err();
    assert!(matches!(e, SnnError::Diverged { .. }), "{e}");
    // A learning rate that is large but stable still trains to finite weights.
    let ok = TrainConfig::builder().lr(50.0).epochs(5).build().unwrap();
    clf.fit(&data, None, &ok, &mut rng(0)).unwrap();
    assert!(clf.w().iter().all(|v| v.is_finite()));
}

/// A label of 200 million makes 200 million classes: the classifier and the baseline refuse
/// the weights (4.8 GB) before allocating, naming what is too large.
#[test]
fn a_huge_label_is_refused_before_allocating() {
    let data = Blobs::new(array![[0.0, 1.0], [1.0, 0.0]], vec![0, 200_000_000]).unwrap();
    assert_eq!(data.n_classes(), 200_000_001);
    let e = Classifier::builder().steps(1).build(&data).unwrap_err();
    assert!(
        matches!(
            e,
            SnnError::TooLarge {
                name: "features",
                ..
            }
        ),
        "{e}"
    );
    let e = Logistic::fit_with(&data, &TrainConfig::default()).unwrap_err();
    assert!(
        matches!(
            e,
            SnnError::TooLarge {
                name: "classes",
                ..
            }
        ),
        "{e}"
    );
}

/// The encoder synapses are sized as 2 · features · copies rows: 3 features, 2 classes and
/// 5e7 copies need 6 · 5e7 · 2 · 8 = 4.8e9 bytes (refused), though 5 · 5e7 · 2 · 8 would fit.
#[test]
fn encoder_synapses_are_sized_by_on_and_off_channels() {
    let x = array![[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 2.0, 1.0]];
    let data = Blobs::new(x, vec![0, 1, 0]).unwrap();
    let e = Classifier::builder()
        .encoding(Encoding::Rate)
        .steps(1)
        .copies(50_000_000)
        .build(&data)
        .unwrap_err();
    assert!(
        matches!(e, SnnError::TooLarge { name: "copies", .. }),
        "{e}"
    );
    // Half as many copies fit.
    assert!(Classifier::builder()
        .encoding(Encoding::Rate)
        .steps(1)
        .copies(25_000_000)
        .build(&data)
        .is_ok());
}

/// `randomize` draws every weight from [-1, 1]: both signs, none outside.
#[test]
fn randomize_draws_weights_of_both_signs() {
    let data = BlobsConfig::original().generate().unwrap();
    let mut clf = Classifier::new(&data, 10, Encoding::Current).unwrap();
    assert!(clf.w().iter().all(|&w| w == 0.0));
    clf.randomize(&mut rng(5));
    let w = clf.w();
    assert!(w.iter().all(|&x| (-1.0..=1.0).contains(&x)));
    assert!(
        w.iter().any(|&x| x < -0.1) && w.iter().any(|&x| x > 0.1),
        "{w:?}"
    );
}

/// A confusion matrix over a million classes would be 4e12 bytes: refused, not an abort.
#[test]
fn a_huge_confusion_matrix_is_refused() {
    let e = Confusion::new(&[0], &[0], 1_000_000).unwrap_err();
    assert!(
        matches!(
            e,
            SnnError::TooLarge {
                name: "classes",
                ..
            }
        ),
        "{e}"
    );
    assert!(Confusion::new(&[0], &[0], 1000).is_ok());
}
