//! The `snn` binary refusing bad arguments: one clear line naming the flag the user typed,
//! a non-zero exit, never a panic.

mod common;

use common::{snn, temp};

#[test]
fn bad_arguments_get_one_clear_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "discrete",
                "--decay",
                "1.5",
                "--threshold",
                "1",
                "--current",
                "1",
                "--steps",
                "10",
            ],
            "decay",
        ),
        (
            &[
                "discrete",
                "--decay",
                "0.5",
                "--threshold",
                "1",
                "--current",
                "1",
                "--steps",
                "-3",
            ],
            "--steps",
        ),
        (
            &[
                "discrete",
                "--decay",
                "0.5",
                "--threshold",
                "1",
                "--current",
                "1",
                "--steps",
                "0",
            ],
            "steps",
        ),
        (&["lif", "--currents-na", "1", "--tau-m-ms", "-1"], "tau_m"),
        (&["lif", "--currents-na", "1", "--dt-ms", "0"], "dt"),
        (&["lif", "--currents-na", "1", "--t-ref-ms", "-2"], "t_ref"),
        (&["lif", "--currents-na", "1", "--v-th-mv", "-70"], "v_th"),
        (&["lif", "--currents-na", "inf"], "--currents-na"),
        (
            &["lif", "--currents-na", "1", "--method", "rk4"],
            "--method",
        ),
        (
            &[
                "lif",
                "--currents-na",
                "1",
                "--method",
                "euler",
                "--dt-ms",
                "20",
            ],
            "dt",
        ),
        (
            &[
                "encode",
                "--rate-hz",
                "2000",
                "--dt-ms",
                "1",
                "--duration-s",
                "1",
                "--trains",
                "2",
                "--seed",
                "1",
            ],
            "rate",
        ),
        (
            &[
                "encode",
                "--rate-hz",
                "20",
                "--dt-ms",
                "1",
                "--duration-s",
                "1",
                "--trains",
                "0",
                "--seed",
                "1",
            ],
            "--trains",
        ),
        (&["blobs", "--cluster-std", "-1"], "cluster_std"),
        (&["blobs", "--centers", "0"], "centers"),
        (&["bench", "--n", "0"], "neurons"),
        (&["bench", "--n", "100000000000"], "neurons"),
        (&["bench", "--n", "10", "--repeats", "0"], "--repeats"),
        (&["bench", "--n", "10", "--repeats", "1001"], "--repeats"),
        (&["nonsense"], "nonsense"),
        (&[], "subcommand"),
    ];
    for (args, needle) in cases {
        let (code, out, err) = snn(args);
        assert_ne!(code, 0, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{err}"
        );
    }
}

/// The error names the flag the user typed, whatever snn-core calls the parameter; a missing
/// argument names the missing flags, a bad choice lists the possible values; units are the
/// ones the flags take.

#[test]
fn errors_name_the_flag_the_user_typed() {
    let discrete = |decay: &str, threshold: &str, current: &str, steps: &str| {
        snn(&[
            "discrete",
            "--decay",
            decay,
            "--threshold",
            threshold,
            "--current",
            current,
            "--steps",
            steps,
        ])
        .2
    };
    let cases: Vec<(String, &str)> = vec![
        (
            discrete("0.5", "0", "1", "10"),
            "error: --threshold: threshold must be > the reset value (0), got 0",
        ),
        (
            discrete("0.5", "1", "nan", "10"),
            "error: --current: drive must be finite, got NaN",
        ),
        (
            snn(&["bench", "--n", "0"]).2,
            "error: --n: neurons must be at least 1, got 0",
        ),
        (
            snn(&["lif", "--currents-na", "1", "--method", "euler", "--dt-ms", "20"]).2,
            "error: --dt-ms: dt must be < tau_m for Euler integration, got dt = 20 ms, tau_m = 10 ms",
        ),
        (
            snn(&["lif", "--currents-na", "1", "--v-th-mv", "-70"]).2,
            "error: --v-th-mv: v_th must be > v_reset (-65), got -70",
        ),
        (
            snn(&[
                "encode", "--seed", "3", "--trains", "1", "--dt-ms", "2", "--rate-hz", "750",
                "--duration-s", "2",
            ])
            .2,
            "error: --rate-hz: max_rate * dt must be <= 1 for Bernoulli encoding, got max_rate = 750 Hz, dt = 2 ms (p = 1.5)",
        ),
    ];
    for (err, want) in &cases {
        assert_eq!(err.trim_end(), *want);
    }
    let (code, _, err) = snn(&["discrete", "--decay", "2"]);
    assert_eq!(code, 2);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    for flag in ["--threshold", "--current", "--steps"] {
        assert!(err.contains(flag), "{err}");
    }
    let (_, _, err) = snn(&["lif", "--currents-na", "1", "--method", "rk4"]);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("[possible values: exact, euler]"), "{err}");
    let (_, _, err) = snn(&["classify", "--encoding", "spikes"]);
    assert!(
        err.contains("[possible values: rate, latency, current]"),
        "{err}"
    );
}

/// A size that would exhaust memory is refused at once with the flag that set it (before,
/// `--copies 1000000000` aborted the process: "memory allocation of 64000000000 bytes
/// failed").

#[test]
fn sizes_past_the_memory_limit_are_refused_by_flag() {
    let (code, out, err) = snn(&["classify", "--encoding", "rate", "--copies", "1000000000"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: --copies: copies would need "),
        "{err}"
    );
}

/// `snn bench` says in words what it ran, and how many threads it really used.

#[test]
fn network_errors_name_the_flag() {
    for (args, flag) in [
        (vec!["--g", "-1", "--nu-ratio", "2"], "--g"),
        (vec!["--g", "5", "--nu-ratio", "0"], "--nu-ratio"),
        (
            vec!["--g", "5", "--nu-ratio", "2", "--scale", "1500"],
            "--scale",
        ),
        (
            // In range, but above the memory limit: refused before anything is allocated.
            vec!["--g", "5", "--nu-ratio", "2", "--scale", "100"],
            "--scale",
        ),
        (
            vec!["--g", "5", "--nu-ratio", "2", "--scale", "0"],
            "--scale",
        ),
        (
            vec!["--g", "5", "--nu-ratio", "2", "--dt-ms", "-0.1"],
            "--dt-ms",
        ),
        (
            vec!["--g", "5", "--nu-ratio", "2", "--duration-ms", "0"],
            "--duration-ms",
        ),
        (
            vec!["--g", "5", "--nu-ratio", "2", "--skip-ms", "5000"],
            "--skip-ms",
        ),
        (vec!["--g", "nan", "--nu-ratio", "2"], "--g"),
        (vec!["--g", "5", "--nu-ratio", "1e300"], "--nu-ratio"),
    ] {
        let mut full = vec!["network"];
        full.extend(args.iter());
        let (code, out, err) = snn(&full);
        assert_ne!(code, 0, "{full:?}");
        assert!(out.is_empty(), "{full:?}: {out}");
        assert_eq!(err.trim().lines().count(), 1, "{full:?}: {err}");
        assert!(err.contains(flag), "{full:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn stdp_errors_name_the_flag() {
    for (args, flag) in [
        (vec!["window", "--tau-pre-ms", "0"], "--tau-pre-ms"),
        (vec!["window", "--tau-post-ms", "nan"], "--tau-post-ms"),
        (vec!["window", "--a-plus", "-1"], "--a-plus"),
        (vec!["window", "--a-minus", "inf"], "--a-minus"),
        (vec!["song", "--duration-s", "0"], "--duration-s"),
        (vec!["song", "--inputs", "0"], "--inputs"),
        (vec!["song", "--rate-hz", "20000"], "--rate-hz"),
        (vec!["song", "--rate-hz", "-1"], "--rate-hz"),
        (vec!["song", "--correlated", "2000"], "--correlated"),
        (vec!["song", "--correlated", "10", "--c", "2"], "--c"),
    ] {
        let mut full = vec!["stdp"];
        full.extend(args.iter());
        let (code, out, err) = snn(&full);
        assert_ne!(code, 0, "{full:?}");
        assert!(out.is_empty(), "{full:?}: {out}");
        assert_eq!(err.trim().lines().count(), 1, "{full:?}: {err}");
        assert!(err.contains(flag), "{full:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn nir_errors_are_one_clear_line() {
    let bad_dir = temp("no-such-dir").join("x.nir");
    let junk = temp("junk.nir");
    std::fs::write(&junk, "not a NIR file").unwrap();
    for (args, needle) in [
        (
            vec![
                "classify",
                "--dataset",
                "iris",
                "--nir",
                bad_dir.to_str().unwrap(),
            ],
            "--nir",
        ),
        (
            vec![
                "classify",
                "--encoding",
                "rate",
                "--epochs",
                "5",
                "--nir",
                junk.to_str().unwrap(),
            ],
            "rate encoding",
        ),
        (
            vec!["classify", "--predictions", bad_dir.to_str().unwrap()],
            "--predictions",
        ),
        (vec!["nir", "inspect", junk.to_str().unwrap()], "not HDF5"),
        (
            vec!["nir", "predict", "/nonexistent/file.nir"],
            "/nonexistent/file.nir",
        ),
    ] {
        let (code, out, err) = snn(&args);
        assert_ne!(code, 0, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The values a flag's help promises are the values its check takes: just outside is
/// refused naming the flag and the same range, just inside runs.
#[test]
fn the_range_in_the_help_is_the_range_checked() {
    let cases: &[(&[&str], &str, &str, &str, &str)] = &[
        (
            &[
                "network",
                "--g",
                "5",
                "--nu-ratio",
                "2",
                "--duration-ms",
                "20",
            ],
            "--scale",
            "[0.008, 1000]",
            "0.0079",
            "0.008",
        ),
        (
            &[
                "discrete",
                "--threshold",
                "1",
                "--current",
                "0.5",
                "--steps",
                "5",
            ],
            "--decay",
            "(0, 1]",
            "0",
            "1",
        ),
        (
            &["bench", "--n", "10", "--steps", "10"],
            "--repeats",
            "[1, 1000]",
            "1001",
            "1000",
        ),
        (
            &[
                "stdp",
                "song",
                "--duration-s",
                "0.2",
                "--inputs",
                "20",
                "--correlated",
                "10",
            ],
            "--c",
            "[0, 1]",
            "1.01",
            "1",
        ),
    ];
    for &(base, flag, range, bad, good) in cases {
        let sub: Vec<&str> = base
            .iter()
            .take_while(|a| !a.starts_with("--"))
            .copied()
            .collect();
        let mut help_args = sub.clone();
        help_args.push("--help");
        let (code, help, _) = snn(&help_args);
        assert_eq!(code, 0);
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{flag} <")))
            .unwrap_or_else(|| panic!("{flag} in {help}"));
        assert!(line.contains(range), "{line}");
        let mut args = base.to_vec();
        args.extend([flag, bad]);
        let (code, _, err) = snn(&args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.starts_with(&format!("error: {flag}: ")), "{err}");
        assert!(err.contains(range), "{err}");
        let mut args = base.to_vec();
        args.extend([flag, good]);
        let (code, _, err) = snn(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
}

/// `classify --nir` with a spike encoding is refused before it trains or writes anything.
#[test]
fn an_export_that_cannot_be_written_is_refused_before_training() {
    let csv = temp("never.csv");
    let nir = temp("never.nir");
    let _ = std::fs::remove_file(&csv);
    let (code, out, err) = snn(&[
        "classify",
        "--encoding",
        "rate",
        "--nir",
        nir.to_str().unwrap(),
        "--predictions",
        csv.to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(out.is_empty(), "{out}");
    assert!(err.starts_with("error: --nir: "), "{err}");
    assert!(err.contains("rate encoding"), "{err}");
    assert!(!csv.exists(), "predictions were written before the refusal");
    assert!(!nir.exists());
}

/// A duration given in seconds is shown in seconds when refused.
#[test]
fn a_duration_error_shows_the_unit_the_user_typed() {
    let (code, _, err) = snn(&[
        "encode",
        "--rate-hz",
        "10",
        "--dt-ms",
        "1",
        "--duration-s",
        "0.0001",
        "--trains",
        "1",
        "--seed",
        "1",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("--duration-s: "), "{err}");
    assert!(err.contains("got 0.0001 s / 1 ms"), "{err}");
}

/// The help says what the command does: classify takes Iris too, plot-bench reads the
/// report of scripts/measure/bench.
#[test]
fn help_names_what_the_commands_take() {
    let (_, help, _) = snn(&["--help"]);
    assert!(!help.contains("same blobs"), "{help}");
    assert!(help.contains("blobs or Iris"), "{help}");
    assert!(help.contains("scripts/measure/bench"), "{help}");
    assert!(!help.contains("scripts/bench)"), "{help}");
}

#[test]
fn the_missing_subcommand_message_lists_every_subcommand() {
    // The commands `snn --help` lists (clap's own table, not ours), each of which must be named
    // by the one line a bare `snn` prints (it once left out `stdp` and `nir`).
    let (_, help, _) = snn(&["--help"]);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 11, "{commands:?}");
    let (code, _, err) = snn(&[]);
    assert_ne!(code, 0);
    let listed: Vec<&str> = err
        .split(':')
        .nth(2)
        .expect("the list after 'a subcommand is required:'")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty() && *w != "or" && *w != "(see")
        .take_while(|w| *w != "snn")
        .collect();
    for c in &commands {
        assert!(
            listed.contains(c),
            "`snn` without a subcommand does not name {c}: {err}"
        );
    }
}
