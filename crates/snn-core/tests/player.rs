//! Sweeps and animations: frames, labels, the size limit, and an HTML output that is
//! self-contained and rebuilds every frame exactly.

use std::cell::Cell;

use snn_core::chart::{self, Animation, Chart, Sweep, MAX_PLAYER_BYTES};
use snn_core::{Drive, LifParams, Population, Record, SnnError};

fn train_chart(k: f64) -> snn_core::Result<Chart> {
    let train: Vec<u8> = (0..20)
        .map(|i| u8::from(i % (k as usize + 1) == 0))
        .collect();
    chart::spike_train(&train, &format!("every {k}th step"))
}

/// The JSON block of a player's HTML.
fn data(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/json\" class=\"snn-player-data\">";
    let at = html.find(open).expect("data block") + open.len();
    let end = html[at..].find("</script>").expect("end of data block") + at;
    serde_json::from_str(&html[at..end]).expect("valid JSON")
}

fn frame_svg(d: &serde_json::Value, k: usize) -> String {
    let lines = d["lines"].as_array().unwrap();
    d["frames"][k]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| lines[i.as_u64().unwrap() as usize].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn unbase64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let mut out = Vec::new();
    for q in s.as_bytes().chunks(4) {
        let n = q
            .iter()
            .take_while(|&&c| c != b'=')
            .fold(0u32, |acc, &c| (acc << 6) | u32::from(val(c)));
        let pad = q.iter().filter(|&&c| c == b'=').count();
        let n = n << (6 * pad);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

#[test]
fn a_sweep_has_a_frame_and_a_label_per_value_and_rebuilds_each_exactly() {
    let values = [1.0, 2.0, 3.0, 4.5];
    let sweep = Sweep::new("period", "steps", &values, train_chart)
        .unwrap()
        .start_at(2.9);
    assert_eq!(sweep.len(), 4);
    assert_eq!(sweep.start(), 2);
    assert_eq!(sweep.values(), &values);
    assert_eq!(sweep.label(3).unwrap(), "period = 4.5 steps");
    assert_eq!(sweep.label(4), None);
    let html = sweep.html();
    let d = data(&html);
    assert_eq!(d["kind"], "sweep");
    assert_eq!(d["start"], 2);
    assert_eq!(d["labels"][0], "period = 1 steps");
    for (k, f) in sweep.frames().iter().enumerate() {
        assert_eq!(frame_svg(&d, k), f.svg(), "frame {k}");
        assert_eq!(d["titles"][k], f.title());
    }
    // Shared lines are stored once: fewer lines than the frames have together.
    let total: usize = sweep.frames().iter().map(|f| f.svg().lines().count()).sum();
    assert!(d["lines"].as_array().unwrap().len() < total / 2);
    // The static first view is the start frame, titled and labelled.
    let src = html
        .split("base64,")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(unbase64(src), sweep.frames()[2].svg().as_bytes());
    assert!(html.contains("title=\"every 3th step\""));
    assert!(html.contains(">period = 3 steps</div>"));
    assert!(html.contains("jupyter trust"));
    let (bytes, raw) = sweep.size();
    assert_eq!(bytes, html.len());
    assert_eq!(
        raw,
        sweep.frames().iter().map(|f| f.svg().len()).sum::<usize>()
    );
}

#[test]
fn the_output_is_self_contained_and_the_same_on_every_run() {
    let a = Sweep::new("period", "", &[1.0, 2.0], train_chart).unwrap();
    let b = Sweep::new("period", "", &[1.0, 2.0], train_chart).unwrap();
    let html = a.html();
    assert_eq!(html, b.html());
    // No fetches: nothing loaded from anywhere (the SVG namespace is a name, not a fetch).
    let without_ns = html.replace("xmlns=\\\"http://www.w3.org/2000/svg\\\"", "");
    let without_ns = without_ns.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in [
        "http:",
        "https:",
        "<link",
        "@import",
        "src=\"//",
        "<iframe",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!without_ns.contains(bad), "{bad}");
    }
    // Elements balance, and the data block cannot end early.
    for tag in ["div", "script", "p"] {
        let open =
            html.matches(&format!("<{tag} ")).count() + html.matches(&format!("<{tag}>")).count();
        let close = html.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "{tag}");
    }
    assert_eq!(html.matches("</script>").count(), 2);
    assert!(html.starts_with("<div class=\"snn-player\""));
    assert!(html.trim_end().ends_with("</div>"));
    // A saved page is a whole HTML document around the same player.
    let path = std::env::temp_dir().join(format!("snn-sweep-{}.html", std::process::id()));
    a.save(&path).unwrap();
    let page = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains(&html));
    assert!(a
        .save("/nonexistent-dir/x.html")
        .unwrap_err()
        .to_string()
        .contains("cannot write"));
}

#[test]
fn an_output_over_the_limit_is_refused_before_the_rest_is_drawn() {
    let grid_chart = |v: f64| -> snn_core::Result<Chart> {
        let shift = v as usize;
        let rows: Vec<(String, Vec<u8>)> = (0..200)
            .map(|r| {
                let train = (0..400)
                    .map(|k| u8::from((k + r + shift).is_multiple_of(3)))
                    .collect();
                (format!("row {r}"), train)
            })
            .collect();
        chart::spike_trains(&rows, "big")
    };
    let one = grid_chart(0.0).unwrap().svg().len();
    let frames = MAX_PLAYER_BYTES / one * 2 + 2;
    let values: Vec<f64> = (0..frames).map(|k| k as f64).collect();
    let drawn = Cell::new(0);
    let e = Sweep::new("k", "", &values, |v| {
        drawn.set(drawn.get() + 1);
        grid_chart(v)
    })
    .unwrap_err();
    assert_eq!(drawn.get(), 2, "only the first two frames are drawn");
    match &e {
        SnnError::OutputTooLarge {
            frames: f, limit, ..
        } => {
            assert_eq!(*f, frames);
            assert_eq!(*limit, MAX_PLAYER_BYTES as u64);
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("reduce the number of values"));
    assert_eq!(e.parameter(), Some("frames"));
}

#[test]
fn bad_sweeps_are_refused() {
    assert!(matches!(
        Sweep::new("x", "", &[], train_chart),
        Err(SnnError::Empty { .. })
    ));
    assert!(matches!(
        Sweep::new("x", "", &[1.0, f64::NAN], train_chart),
        Err(SnnError::NonFinite { .. })
    ));
    let many: Vec<f64> = (0..401).map(f64::from).collect();
    assert!(Sweep::new("x", "", &many, train_chart).is_err());
    // An error from a frame comes back as it is.
    let e = Sweep::new("x", "", &[1.0, 2.0], |v| {
        if v > 1.5 {
            Err(SnnError::Chart("frame two".into()))
        } else {
            train_chart(v)
        }
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "chart: frame two");
    assert!(Animation::new("t", "ms", &[0.0], 0, |_| train_chart(1.0)).is_err());
    assert!(Animation::new("t", "ms", &[0.0], 61, |_| train_chart(1.0)).is_err());
}

#[test]
fn a_membrane_animation_draws_the_run_up_to_each_frame_on_fixed_axes() {
    let p = LifParams::builder().build().unwrap();
    let mut pop = Population::<f64>::new(&p, 1).unwrap();
    let run = pop
        .run(
            400,
            Drive::Constant(2.5),
            &Record::spikes().with_traces([0]),
        )
        .unwrap();
    let anim = Animation::membrane(&run, "mV", "nA", "ms", "One neuron", 8).unwrap();
    assert_eq!(anim.len(), 8);
    assert_eq!(anim.values()[0], 5.0);
    assert_eq!(anim.values()[7], 40.0);
    assert_eq!(anim.label(7).unwrap(), "t = 40 ms");
    assert_eq!(anim.frames()[7].title(), "One neuron, t = 40 ms");
    // Later frames draw more: the trace's path grows, the axes stay.
    let sizes: Vec<usize> = anim.frames().iter().map(|f| f.svg().len()).collect();
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
    assert_eq!(
        anim.frames()[7].svg(),
        chart::membrane(&run, "mV", "nA", "ms", "One neuron, t = 40 ms")
            .unwrap()
            .svg(),
        "the last frame is the whole run's chart"
    );
    let d = data(&anim.html());
    assert_eq!(d["kind"], "animation");
    assert_eq!(d["interval"], 100);
    // More frames than steps: one per step.
    let short = Population::<f64>::new(&p, 1)
        .unwrap()
        .run(60, Drive::Constant(2.5), &Record::spikes().with_traces([0]))
        .unwrap();
    let all = Animation::membrane(&short, "mV", "nA", "ms", "x", 1000).unwrap();
    assert_eq!(all.len(), 60);
    assert!(Animation::membrane(&run, "mV", "nA", "ms", "x", 0).is_err());
}

#[test]
fn stacked_charts_are_one_svg_document() {
    let a = train_chart(1.0).unwrap();
    let b = train_chart(2.0).unwrap();
    let s = Chart::stack(&[a.clone(), b.clone()]).unwrap();
    let (wa, ha) = a.size().unwrap();
    let (_, hb) = b.size().unwrap();
    assert_eq!(s.size().unwrap(), (wa, ha + hb));
    assert_eq!(s.title(), a.title());
    let doc = roxmltree::Document::parse(s.svg()).expect("well-formed SVG");
    let inner: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("svg"))
        .collect();
    assert_eq!(inner.len(), 2);
    assert_eq!(inner[1].attribute("y"), Some(ha.to_string().as_str()));
    assert!(matches!(Chart::stack(&[]), Err(SnnError::Empty { .. })));
}

#[test]
fn a_raster_animation_fills_in() {
    let p = LifParams::builder().build().unwrap();
    let currents: Vec<f64> = (0..20).map(|j| 1.6 + 0.2 * j as f64).collect();
    let run = Population::<f64>::new(&p, 20)
        .unwrap()
        .run(500, Drive::PerNeuron(&currents), &Record::spikes())
        .unwrap();
    let anim =
        Animation::raster(run.spikes(), 20, 500, 0.1, "ms", 25, "Twenty neurons", 5).unwrap();
    assert_eq!(anim.len(), 5);
    assert_eq!(anim.values(), &[10.0, 20.0, 30.0, 40.0, 50.0]);
    assert_eq!(anim.frames()[4].title(), "Twenty neurons, t = 50 ms");
    // The last frame is the whole run's raster; the first holds only its spikes so far.
    assert_eq!(
        anim.frames()[4].svg(),
        chart::raster(
            run.spikes(),
            20,
            500,
            0.1,
            "ms",
            25,
            "Twenty neurons, t = 50 ms"
        )
        .unwrap()
        .svg()
    );
    let early = run.spikes().iter().filter(|&(_, s)| s < 100).count();
    assert!(early > 0 && early < run.spikes().len());
    assert!(Animation::raster(run.spikes(), 20, 500, 0.1, "ms", 25, "x", 0).is_err());
}

/// A sweep started at the learner's value starts at exactly that value: added in order when
/// it is not one of the swept values, the first frame drawn with it.
#[test]
fn a_sweep_starts_at_exactly_the_learners_value() {
    let values = [1.0, 2.0, 3.0, 4.5];
    let sweep = Sweep::starting_at("period", "steps", &values, 2.9, train_chart).unwrap();
    assert_eq!(sweep.values(), &[1.0, 2.0, 2.9, 3.0, 4.5]);
    assert_eq!(sweep.start(), 2);
    assert_eq!(sweep.frames()[2], train_chart(2.9).unwrap());
    let d = data(&sweep.html());
    assert_eq!(d["start"], 2);
    assert_eq!(d["labels"][2], "period = 2.9 steps");
    // A value already swept is not added twice.
    let same = Sweep::starting_at("period", "steps", &values, 3.0, train_chart).unwrap();
    assert_eq!((same.len(), same.start()), (4, 2));
    // Past either end, in order; in a list that is not ascending, at the end.
    let low = Sweep::starting_at("period", "steps", &values, 0.5, train_chart).unwrap();
    assert_eq!((low.values()[0], low.start()), (0.5, 0));
    let unordered = Sweep::starting_at("p", "", &[3.0, 1.0], 2.0, train_chart).unwrap();
    assert_eq!(
        (unordered.values(), unordered.start()),
        (&[3.0, 1.0, 2.0][..], 2)
    );
    assert!(Sweep::starting_at("p", "", &values, f64::NAN, train_chart).is_err());
}

/// A frame taller than a player may show is shown narrower, so frame and slider fit a
/// 1,000-pixel-high screen; ordinary frames keep the full width.
#[test]
fn a_tall_frame_is_shown_within_the_screen() {
    let width_of = |html: &str| -> u32 {
        let at = html.find("class=\"snn-player-frame\"").unwrap();
        let rest = &html[at..];
        let w = rest.find(" width=\"").unwrap() + 8;
        rest[w..].split('"').next().unwrap().parse().unwrap()
    };
    let plain = Sweep::new("p", "", &[1.0, 2.0], train_chart).unwrap();
    let (w, h) = plain.frames()[0].size().unwrap();
    assert!(h <= chart::MAX_FRAME_PX);
    assert_eq!(width_of(&plain.html()), w);
    let tall = Sweep::new("p", "", &[1.0, 2.0], |v| {
        chart::Chart::stack(&[
            train_chart(v)?,
            train_chart(v)?,
            train_chart(v)?,
            train_chart(v)?,
        ])
    })
    .unwrap();
    let (w, h) = tall.frames()[0].size().unwrap();
    assert!(h > chart::MAX_FRAME_PX, "{h}");
    let shown = width_of(&tall.html());
    let shown_h = f64::from(shown) * f64::from(h) / f64::from(w);
    assert!(
        shown_h <= f64::from(chart::MAX_FRAME_PX) + 1.0,
        "{shown} px wide is {shown_h} px high"
    );
    assert!(shown_h > f64::from(chart::MAX_FRAME_PX) - 3.0);
}
