//! The helpers the notebooks teach with: the original's numbers checked where no parameter
//! reaches them, samples chosen to show every behaviour, the value a spike crossed at, and
//! step-through titles a reader can read.

use snn_core::{
    gallery, BlobsConfig, DiscreteParams, Drive, LifParams, OriginalDemo, Population, Record,
    SnnError, StepThrough,
};

#[test]
fn the_original_is_checked_with_its_own_numbers() {
    assert_eq!(
        OriginalDemo::check_original().unwrap(),
        gallery::ORIGINAL_TRAIN.to_vec()
    );
    let demo = OriginalDemo::original().unwrap();
    assert_eq!(demo.w, gallery::ORIGINAL_W.to_vec());
    assert_eq!((demo.b, demo.steps), (0.0, 10));
    let e = SnnError::Mismatch {
        what: "the original's spike train",
        expected: "[1]".into(),
        got: "[0]".into(),
    };
    assert_eq!(
        e.to_string(),
        "the original's spike train must be [1], got [0]"
    );
}

/// V climbs 0.474, 0.854, then 0.854 * 0.8 + 0.474 = 1.157: the trace records that value as
/// the crossing of step 2, and the reset value 0 as V after it.
#[test]
fn a_trace_keeps_the_value_each_spike_crossed_at() {
    let i = gallery::ORIGINAL_X[0] * gallery::ORIGINAL_W[0]
        + gallery::ORIGINAL_X[1] * gallery::ORIGINAL_W[1];
    let p = DiscreteParams::original().build().unwrap();
    for_both(&p, i);
    fn for_both(p: &DiscreteParams, i: f64) {
        let mut pop = Population::<f64>::new(p, 1).unwrap();
        let res = pop
            .run(10, Drive::Constant(i), &Record::spikes().with_traces([0]))
            .unwrap();
        let tr = &res.traces()[0];
        let steps: Vec<u32> = tr.crossings().iter().map(|c| c.0).collect();
        assert_eq!(steps, vec![2, 5, 8]);
        for &(k, peak) in tr.crossings() {
            let expected = (tr.v()[k as usize] * 0.8) + i;
            assert!((peak - expected).abs() < 1e-12, "{peak} {expected}");
            assert!((peak - 1.1574).abs() < 1e-3, "{peak}");
            assert_eq!(tr.v()[k as usize + 1], 0.0);
        }
        let mut pop32 = Population::<f32>::new(p, 1).unwrap();
        let r32 = pop32
            .run(
                10,
                Drive::Constant(i as f32),
                &Record::spikes().with_traces([0]),
            )
            .unwrap();
        assert_eq!(r32.traces()[0].crossings().len(), 3);
    }
    // A refractory LIF neuron: the crossing is above threshold, V after it is the reset.
    let lif = LifParams::builder().build().unwrap();
    let mut pop = Population::<f64>::new(&lif, 2).unwrap();
    let res = pop
        .run(
            2000,
            Drive::PerNeuron(&[3.0, 1.0]),
            &Record::spikes().with_traces([0, 1]),
        )
        .unwrap();
    let tr = &res.traces()[0];
    assert_eq!(tr.crossings().len(), res.counts()[0] as usize);
    // Each crossing is the exact solution over one step from the potential before it.
    for &(k, peak) in tr.crossings() {
        let expected = lif.v_closed_form(tr.v()[k as usize], 3.0, lif.dt());
        assert!(
            peak > -50.0 && (peak - expected).abs() < 1e-9,
            "{peak} {expected}"
        );
    }
    assert!(res.traces()[1].crossings().is_empty());
}

/// The five samples of notebook 01: lowest current, highest current, and counts in between.
#[test]
fn spread_shows_silent_to_busiest() {
    let data = BlobsConfig::original().generate().unwrap();
    let demo = OriginalDemo::original().unwrap();
    let picks = demo.spread(&data, 5).unwrap();
    assert_eq!(picks.len(), 5);
    let currents: Vec<f64> = (0..data.len())
        .map(|i| demo.current(&data.x().row(i).to_vec()).unwrap())
        .collect();
    let lowest = (0..data.len())
        .min_by(|&a, &b| currents[a].total_cmp(&currents[b]))
        .unwrap();
    let highest = (0..data.len())
        .max_by(|&a, &b| currents[a].total_cmp(&currents[b]))
        .unwrap();
    assert_eq!((picks[0], picks[4]), (lowest, highest));
    let counts: Vec<usize> = picks
        .iter()
        .map(|&i| {
            demo.spike_train(&data.x().row(i).to_vec())
                .unwrap()
                .iter()
                .filter(|&&s| s > 0)
                .count()
        })
        .collect();
    // In order of current, so counts never fall; silent first, firing every step last, and
    // something in between.
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert_eq!((counts[0], counts[4]), (0, 10));
    assert!(counts[1..4].iter().any(|&c| c > 0 && c < 10), "{counts:?}");
    let mut distinct = picks.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 5);
    // Fewer samples than asked: all of them, by current.
    let small = data.select(&[3, 1, 2]).unwrap();
    assert_eq!(demo.spread(&small, 5).unwrap().len(), 3);
    assert!(matches!(demo.spread(&data, 0), Err(SnnError::Zero { .. })));
}

#[test]
fn steps_for_a_duration() {
    let p = LifParams::builder().dt(0.1).build().unwrap();
    assert_eq!(p.steps_for(100.0).unwrap(), 1000);
    assert_eq!(p.steps_for(0.01).unwrap(), 1);
    assert!(matches!(
        p.steps_for(0.0),
        Err(SnnError::NotPositive {
            name: "duration",
            ..
        })
    ));
    assert!(p.steps_for(f64::NAN).is_err());
    assert!(matches!(
        p.steps_for(1e12),
        Err(SnnError::TooManySteps {
            name: "duration",
            ..
        })
    ));
    // Exactly u32::MAX steps fit the step counters; one more does not.
    let unit = LifParams::builder().dt(1.0).build().unwrap();
    assert_eq!(unit.steps_for(u32::MAX as f64).unwrap(), u32::MAX as usize);
    assert!(unit.steps_for(u32::MAX as f64 + 1.0).is_err());
}

#[test]
fn advance_until_stops_at_the_level_or_the_limit() {
    let p = LifParams::builder().build().unwrap();
    let mut sim = StepThrough::new(&p).unwrap();
    sim.set_current(2.5).unwrap();
    let snap = sim.advance_until(-53.0, 1000).unwrap();
    assert!(snap.v >= -53.0 && snap.v < -52.5, "{}", snap.v);
    // The step before was still below the level.
    let steps = sim.steps();
    assert!(steps > 1 && steps < 1000);
    assert_eq!(snap.new_spikes, 0);
    // A current too weak to get there: stops after max_steps.
    let mut weak = StepThrough::new(&p).unwrap();
    weak.set_current(0.5).unwrap();
    let snap = weak.advance_until(-53.0, 50).unwrap();
    assert_eq!(weak.steps(), 50);
    assert!(snap.v < -53.0);
    assert!(weak.advance_until(f64::NAN, 5).is_err());
    assert!(weak.advance_until(-53.0, 0).is_err());
    assert_eq!(weak.steps(), 50);
}

#[test]
fn step_through_titles_read_well() {
    let demo = OriginalDemo::original().unwrap();
    let mut sim = StepThrough::new(&demo.params).unwrap();
    sim.set_current(demo.current(&gallery::ORIGINAL_X).unwrap())
        .unwrap();
    let snap = sim.advance(10).unwrap();
    assert_eq!(
        snap.chart.title(),
        "t = 10 steps · V = 0.4742 a.u. · I = 0.4742 a.u. · 3 spikes"
    );
    let p = LifParams::builder().build().unwrap();
    let mut lif = StepThrough::new(&p).unwrap();
    lif.set_current(2.5).unwrap();
    let snap = lif.advance(93).unwrap();
    assert_eq!(snap.new_spikes, 1);
    let title = snap.chart.title().to_string();
    assert!(
        title.starts_with("t = 9.3 ms · V = -65 mV · I = 2.5 nA · 1 spike · refractory for "),
        "{title}"
    );
    assert!(title.ends_with("more steps"), "{title}");
}
