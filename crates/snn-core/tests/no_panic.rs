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

/// A label outside the classes (a hand-made `Blobs`) is refused by the baseline as by the
/// classifier.
#[test]
fn logistic_refuses_labels_outside_the_classes() {
    let bad = Blobs {
        x: array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]],
        y: vec![0, 1, 5],
        n_classes: 2,
    };
    assert!(matches!(
        Logistic::fit_with(&bad, &TrainConfig::default()),
        Err(SnnError::IndexOutOfRange {
            name: "class label",
            index: 5,
            ..
        })
    ));
}

/// A billion encoder copies would need 64 GB of synapses: refused at once, naming `copies`
/// (before, the process aborted with "memory allocation of 64000000000 bytes failed").
#[test]
fn too_many_encoder_copies_are_refused_before_allocating() {
    let data = BlobsConfig::original().generate().unwrap();
    let mut clf = Classifier::new(&data, 100, Encoding::Rate).unwrap();
    clf.copies = 1_000_000_000;
    let e = clf.accuracy(&data, &mut rng(0)).unwrap_err();
    assert!(
        matches!(e, SnnError::TooLarge { name: "copies", .. }),
        "{e}"
    );
    assert_eq!(e.parameter(), Some("copies"));
    let w = clf.w.clone();
    assert!(clf
        .fit(
            &data,
            None,
            &TrainConfig {
                epochs: 1,
                ..TrainConfig::default()
            },
            &mut rng(0)
        )
        .is_err());
    assert_eq!(clf.w, w, "weights kept");
}
