//! Criterion benchmarks: the population step (f32, f64, refractory, threads), each encoder,
//! a 100 x 100 decision map, building charts, and training the spiking readout.
//! `cargo bench -p snn-core --features parallel`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use snn_core::ndarray::Array2;
use snn_core::{
    bench, chart, rng, BlobsConfig, Centers, Classifier, DeltaEncoder, Drive, Encoding, Grid,
    LatencyEncoder, LifParams, OriginalDemo, Population, RateEncoder, RateModel, Record,
    TrainConfig,
};

fn step(c: &mut Criterion) {
    let mut g = c.benchmark_group("population run, 1000 steps");
    g.sample_size(10);
    for n in [1_000usize, 100_000] {
        g.throughput(Throughput::Elements((n * 1000) as u64));
        let b32 = bench::drive::<f32>(n);
        let b64 = bench::drive::<f64>(n);
        let p = bench::params().unwrap();
        g.bench_with_input(BenchmarkId::new("f32", n), &n, |bch, &n| {
            bch.iter(|| {
                Population::<f32>::new(&p, n)
                    .unwrap()
                    .run(1000, Drive::PerNeuron(&b32), &Record::counts())
                    .unwrap()
            })
        });
        g.bench_with_input(BenchmarkId::new("f64", n), &n, |bch, &n| {
            bch.iter(|| {
                Population::<f64>::new(&p, n)
                    .unwrap()
                    .run(1000, Drive::PerNeuron(&b64), &Record::counts())
                    .unwrap()
            })
        });
        let lif = LifParams::builder().build().unwrap();
        let i: Vec<f32> = (0..n).map(|j| 1.6 + 2.4 * j as f32 / n as f32).collect();
        g.bench_with_input(
            BenchmarkId::new("general LIF f32 (refractory)", n),
            &n,
            |bch, &n| {
                bch.iter(|| {
                    Population::<f32>::new(&lif, n)
                        .unwrap()
                        .run(1000, Drive::PerNeuron(&i), &Record::counts())
                        .unwrap()
                })
            },
        );
        #[cfg(feature = "parallel")]
        g.bench_with_input(BenchmarkId::new("f32, threads", n), &n, |bch, &n| {
            bch.iter(|| {
                let mut pop = Population::<f32>::new(&p, n).unwrap();
                pop.set_parallel(true);
                pop.run(1000, Drive::PerNeuron(&b32), &Record::counts())
                    .unwrap()
            })
        });
    }
    g.finish();
}

fn encoders(c: &mut Criterion) {
    let mut g = c.benchmark_group("encoders, 100 channels x 1000 steps");
    g.sample_size(20);
    let x: Vec<f64> = (0..100).map(|k| k as f64 / 100.0).collect();
    let bern = RateEncoder::new(100.0, 1.0, RateModel::Bernoulli).unwrap();
    let pois = RateEncoder::new(100.0, 1.0, RateModel::Poisson).unwrap();
    let lat = LatencyEncoder::new(1.0).unwrap();
    let delta = DeltaEncoder::new(0.05, 1.0).unwrap();
    let signal = Array2::from_shape_fn((1000, 100), |(k, ch)| (k as f64 * 0.01 + ch as f64).sin());
    g.bench_function("rate Bernoulli", |b| {
        b.iter(|| bern.encode(&x, 1000, &mut rng(1)).unwrap())
    });
    g.bench_function("rate Poisson", |b| {
        b.iter(|| pois.encode(&x, 1000, &mut rng(1)).unwrap())
    });
    g.bench_function("latency", |b| {
        b.iter(|| lat.encode(&x, 1000, &mut rng(1)).unwrap())
    });
    g.bench_function("delta", |b| {
        b.iter(|| delta.encode(signal.view(), &mut rng(1)).unwrap())
    });
    g.finish();
}

fn maps_and_charts(c: &mut Criterion) {
    let mut g = c.benchmark_group("decision map and charts");
    g.sample_size(10);
    let data = BlobsConfig::original().generate().unwrap();
    let demo = OriginalDemo::random(2, &mut rng(42)).unwrap();
    let grid = Grid::over(data.x().view(), 100, 100, 1.0).unwrap();
    g.bench_function("100x100 spike-count map", |b| {
        b.iter(|| demo.count_map(&grid).unwrap())
    });
    let counts: Vec<f64> = demo
        .count_map(&grid)
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect();
    g.bench_function("decision map chart", |b| {
        b.iter(|| chart::decision_map(&grid, &counts, &data, "Spike count", "map").unwrap())
    });
    let lif = LifParams::builder().build().unwrap();
    let i: Vec<f64> = (0..1000).map(|j| 2.0 + 3.0 * j as f64 / 1000.0).collect();
    let res = Population::<f64>::new(&lif, 1000)
        .unwrap()
        .run(10_000, Drive::PerNeuron(&i), &Record::spikes())
        .unwrap();
    g.bench_function(
        format!("raster chart, {} spikes", res.spikes().len()),
        |b| {
            b.iter(|| {
                chart::raster(
                    res.spikes(),
                    1000,
                    res.steps(),
                    res.dt(),
                    "ms",
                    100,
                    "raster",
                )
                .unwrap()
            })
        },
    );
    g.bench_function("blob scatter chart", |b| {
        b.iter(|| chart::blob_scatter(&data, None).unwrap())
    });
    g.finish();
}

fn training(c: &mut Criterion) {
    // The learning target's workload: 600 training samples x 50 epochs x 100 steps.
    let mut g = c.benchmark_group("training, 600 samples x 50 epochs x 100 steps");
    g.sample_size(10);
    let data = BlobsConfig {
        n_samples: 600,
        centers: Centers::Random(3),
        cluster_std: 2.0,
        seed: 4,
    }
    .generate()
    .unwrap();
    let cfg = TrainConfig::builder().epochs(50).build().unwrap();
    for encoding in [Encoding::Current, Encoding::Rate, Encoding::Latency] {
        let clf = Classifier::new(&data, 100, encoding).unwrap();
        g.bench_function(encoding.name(), |b| {
            b.iter(|| clf.clone().fit(&data, None, &cfg, &mut rng(0)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, step, encoders, maps_and_charts, training);
criterion_main!(benches);
