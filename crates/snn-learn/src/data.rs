//! Data: 2-D Gaussian blobs with labels, train/test splits, scaling to [0, 1] for encoders,
//! and grids for decision maps.

use ndarray::{s, Array1, Array2, ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::Rng;
use snn_sim::rand_distr::Normal;

use snn_sim::check::{all_finite, finite, fits, non_negative, nonzero, Param, Values};
use snn_sim::{Result, SnnError};

/// Where the blob centres come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Centers {
    /// This many centres drawn uniformly from the box [-10, 10]², as scikit-learn's
    /// `make_blobs` does.
    Random(usize),
    /// Given centres, one row each.
    Given(Array2<f64>),
}

/// How to generate blobs: `n_samples` points split evenly between the centres (the first
/// `n_samples % k` centres get one more), each centre's points drawn from an isotropic normal
/// of standard deviation `cluster_std` around it, then shuffled. Seeded: the same
/// configuration gives the same data on every machine.
#[derive(Debug, Clone, PartialEq)]
pub struct BlobsConfig {
    /// Number of points.
    pub n_samples: usize,
    /// The centres.
    pub centers: Centers,
    /// Standard deviation of each blob, in feature units (>= 0).
    pub cluster_std: f64,
    /// Seed of the [`Rng64`](snn_sim::Rng64) that draws centres, points and the shuffle.
    pub seed: u64,
}

impl Default for BlobsConfig {
    /// The original demo's data set: 200 samples, 2 centres, standard deviation 1, seed 42.
    fn default() -> Self {
        Self {
            n_samples: 200,
            centers: Centers::Random(2),
            cluster_std: 1.0,
            seed: 42,
        }
    }
}

/// Labelled 2-D (or n-D) points: at least one sample, finite features, one label per row.
///
/// Made by [`BlobsConfig::generate`], [`Blobs::new`], [`Blobs::select`] or [`Blobs::split`],
/// which check those rules, and read through its accessors, so no caller can break them:
/// ```compile_fail,E0616
/// let mut data = snn_learn::BlobsConfig::original().generate().unwrap();
/// data.y.push(7); // error: field `y` is private (a label with no sample)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Blobs {
    pub(crate) x: Array2<f64>,
    pub(crate) y: Vec<usize>,
    pub(crate) n_classes: usize,
    /// The data set's own names of the features and classes, when it has them.
    pub(crate) names: Option<Names>,
}

/// Names of a data set's features (with their unit) and classes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Names {
    pub(crate) features: Vec<String>,
    pub(crate) classes: Vec<String>,
}

impl BlobsConfig {
    /// Number of samples: >= 1 (and at least the number of centres).
    pub const N_SAMPLES: Param = Param::new("n_samples", "", Values::AtLeast { min: 1 });
    /// Number of random centres (classes): >= 1.
    pub const CENTERS: Param = Param::new("centers", "", Values::AtLeast { min: 1 });
    /// Standard deviation of each blob: >= 0.
    pub const CLUSTER_STD: Param = Param::new("cluster_std", "", Values::NonNegative);
    /// The original demo's configuration (see [`Default`]).
    pub fn original() -> Self {
        Self::default()
    }

    /// Generates the blobs with `linfa_datasets::generate::blobs_with_distribution`.
    ///
    /// # Errors
    /// Zero samples or centres, fewer samples than centres, a negative or non-finite
    /// `cluster_std`, given centres that are empty or not finite, or a size above the limit.
    pub fn generate(&self) -> Result<Blobs> {
        Self::N_SAMPLES.check_count(self.n_samples)?;
        let std = Self::CLUSTER_STD.check(self.cluster_std)?;
        let mut rng = snn_sim::rng(self.seed);
        let centers = match &self.centers {
            Centers::Random(k) => {
                Self::CENTERS.check_count(*k)?;
                fits("centers", k.saturating_mul(2), 8)?;
                Array2::from_shape_fn((*k, 2), |_| rng.gen_range(-10.0..=10.0))
            }
            Centers::Given(c) => {
                if c.nrows() == 0 || c.ncols() == 0 {
                    return Err(SnnError::Empty { name: "centers" });
                }
                all_finite("centers", c.iter().copied())?;
                c.clone()
            }
        };
        let k = centers.nrows();
        if self.n_samples < k {
            return Err(SnnError::TooFew {
                name: "n_samples",
                min: k,
                got: self.n_samples,
            });
        }
        fits(
            "blobs",
            self.n_samples.saturating_mul(centers.ncols() + 1),
            8,
        )?;
        let normal = Normal::new(0.0, std).map_err(|_| SnnError::OutOfRange {
            name: "cluster_std",
            range: "[0, inf)",
            value: std,
        })?;
        let mut x = Array2::zeros((self.n_samples, centers.ncols()));
        let mut y = Vec::with_capacity(self.n_samples);
        let mut row = 0;
        for c in 0..k {
            let size = self.n_samples / k + usize::from(c < self.n_samples % k);
            let pts = linfa_datasets::generate::blobs_with_distribution(
                size,
                &centers.slice(s![c..c + 1, ..]),
                normal,
                &mut rng,
            );
            x.slice_mut(s![row..row + size, ..]).assign(&pts);
            y.extend(std::iter::repeat_n(c, size));
            row += size;
        }
        let mut order: Vec<usize> = (0..self.n_samples).collect();
        order.shuffle(&mut rng);
        Ok(Blobs {
            x: x.select(Axis(0), &order),
            y: order.iter().map(|&i| y[i]).collect(),
            n_classes: k,
            names: None,
        })
    }
}

impl Blobs {
    /// Builds a labelled set from features and labels.
    ///
    /// # Errors
    /// Empty data, mismatched lengths, or a non-finite feature.
    pub fn new(x: Array2<f64>, y: Vec<usize>) -> Result<Self> {
        if x.nrows() == 0 {
            return Err(SnnError::Empty { name: "x" });
        }
        if y.len() != x.nrows() {
            return Err(SnnError::LengthMismatch {
                name: "y",
                expected: x.nrows(),
                got: y.len(),
            });
        }
        all_finite("x", x.iter().copied())?;
        let n_classes = y.iter().max().map_or(0, |m| m + 1);
        Ok(Self {
            x,
            y,
            n_classes,
            names: None,
        })
    }

    /// Fisher's Iris flowers (through `linfa_datasets::iris`): 150 samples of 4 features in
    /// cm (sepal length, sepal width, petal length, petal width), 3 species of 50 each
    /// (setosa, versicolor, virginica), in the data set's order.
    ///
    /// # Errors
    /// None in practice (the data is compiled in); a malformed copy would be
    /// [`SnnError::Empty`].
    pub fn iris() -> Result<Self> {
        let d = linfa_datasets::iris();
        let x = d.records.clone();
        let y = d.targets.to_vec();
        let mut data = Self::new(x, y)?;
        if data.x.ncols() != 4 || data.n_classes != 3 {
            return Err(SnnError::Empty { name: "iris" });
        }
        data.names = Some(Names {
            features: ["sepal length", "sepal width", "petal length", "petal width"]
                .iter()
                .map(|f| format!("{f} (cm)"))
                .collect(),
            classes: ["setosa", "versicolor", "virginica"]
                .iter()
                .map(|c| c.to_string())
                .collect(),
        });
        Ok(data)
    }
    /// The 8 × 8 handwritten digits of the UCI "Optical Recognition of Handwritten Digits"
    /// set (1,797 images, 64 pixels each with values 0 to 16, row by row; 10 classes, the
    /// digits 0 to 9), in the data set's order, compiled in from `data/digits.csv` (its
    /// provenance, licence and checksum: `data/README.md`).
    ///
    /// # Errors
    /// None in practice (the data is compiled in); a malformed copy would be
    /// [`SnnError::Empty`].
    pub fn digits() -> Result<Self> {
        const CSV: &str = include_str!("../data/digits.csv");
        let mut x = Vec::with_capacity(1797 * 64);
        let mut y = Vec::with_capacity(1797);
        for line in CSV.lines().filter(|l| !l.is_empty()) {
            let v: Vec<u8> = line
                .split(',')
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            let [pixels @ .., label] = v.as_slice() else {
                return Err(SnnError::Empty { name: "digits" });
            };
            if pixels.len() != 64 || *label > 9 {
                return Err(SnnError::Empty { name: "digits" });
            }
            x.extend(pixels.iter().map(|&p| f64::from(p)));
            y.push(usize::from(*label));
        }
        let x = Array2::from_shape_vec((y.len(), 64), x)
            .map_err(|_| SnnError::Empty { name: "digits" })?;
        let mut data = Self::new(x, y)?;
        data.names = Some(Names {
            features: (0..64)
                .map(|k| format!("pixel ({}, {}) (0..16)", k / 8, k % 8))
                .collect(),
            classes: (0..10).map(|d| d.to_string()).collect(),
        });
        Ok(data)
    }
    /// The name of every feature: the data set's own (with its unit, such as
    /// `"petal length (cm)"`), or `"feature 1"`, `"feature 2"`, ... when it has none.
    pub fn feature_names(&self) -> Vec<String> {
        match &self.names {
            Some(n) => n.features.clone(),
            None => (1..=self.x.ncols())
                .map(|k| format!("feature {k}"))
                .collect(),
        }
    }
    /// The name of every class: the data set's own (such as `"setosa"`), or `"class 0"`,
    /// `"class 1"`, ... when it has none.
    pub fn class_names(&self) -> Vec<String> {
        match &self.names {
            Some(n) => n.classes.clone(),
            None => (0..self.n_classes).map(|k| format!("class {k}")).collect(),
        }
    }
    /// Whether the data set names its own features (Iris does; generated blobs do not).
    pub fn has_names(&self) -> bool {
        self.names.is_some()
    }
    /// The same samples with only the features `cols`, in that order (for a 2-D chart of
    /// two of them), with their names.
    ///
    /// # Errors
    /// No columns, or a column past the last feature.
    pub fn columns(&self, cols: &[usize]) -> Result<Blobs> {
        if cols.is_empty() {
            return Err(SnnError::Empty { name: "columns" });
        }
        if let Some(&bad) = cols.iter().find(|&&c| c >= self.x.ncols()) {
            return Err(SnnError::IndexOutOfRange {
                name: "feature column",
                len: self.x.ncols(),
                index: bad,
            });
        }
        Ok(Blobs {
            x: self.x.select(Axis(1), cols),
            y: self.y.clone(),
            n_classes: self.n_classes,
            names: self.names.as_ref().map(|n| Names {
                features: cols.iter().map(|&c| n.features[c].clone()).collect(),
                classes: n.classes.clone(),
            }),
        })
    }
    /// Features, one row per sample (finite).
    pub fn x(&self) -> &Array2<f64> {
        &self.x
    }
    /// Class of each sample, in `0..n_classes()`, one per row of [`x`](Self::x).
    pub fn y(&self) -> &[usize] {
        &self.y
    }
    /// Number of classes: one more than the largest label (for generated blobs, the number
    /// of centres, whether or not each got a sample).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }
    /// Number of samples (at least 1).
    pub fn len(&self) -> usize {
        self.y.len()
    }
    /// Always false: a `Blobs` holds at least one sample.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    /// The samples at `idx`, in that order (an index may repeat).
    ///
    /// # Errors
    /// [`SnnError::Empty`] for no indices, [`SnnError::IndexOutOfRange`] for an index past
    /// the last sample.
    pub fn select(&self, idx: &[usize]) -> Result<Blobs> {
        if idx.is_empty() {
            return Err(SnnError::Empty {
                name: "sample index",
            });
        }
        if let Some(&bad) = idx.iter().find(|&&i| i >= self.len()) {
            return Err(SnnError::IndexOutOfRange {
                name: "sample index",
                len: self.len(),
                index: bad,
            });
        }
        Ok(Blobs {
            x: self.x.select(Axis(0), idx),
            y: idx.iter().map(|&i| self.y[i]).collect(),
            n_classes: self.n_classes,
            names: self.names.clone(),
        })
    }
    /// A random split: `test_fraction` of the samples (rounded, at least one) held out.
    ///
    /// # Errors
    /// `test_fraction` outside (0, 1), or fewer than two samples.
    pub fn split(&self, test_fraction: f64, rng: &mut impl Rng) -> Result<(Blobs, Blobs)> {
        let (train, test) = self.split_indices(test_fraction, rng)?;
        Ok((self.select(&train)?, self.select(&test)?))
    }
    /// The rows [`split`](Self::split) would put in each part, `(train, test)`, drawing the
    /// same numbers from `rng`.
    ///
    /// # Errors
    /// As [`split`](Self::split).
    pub fn split_indices(
        &self,
        test_fraction: f64,
        rng: &mut impl Rng,
    ) -> Result<(Vec<usize>, Vec<usize>)> {
        finite("test_fraction", test_fraction)?;
        if !(test_fraction > 0.0 && test_fraction < 1.0) {
            return Err(SnnError::OutOfRange {
                name: "test_fraction",
                range: "(0, 1)",
                value: test_fraction,
            });
        }
        let n = self.len();
        if n < 2 {
            return Err(SnnError::TooFew {
                name: "samples",
                min: 2,
                got: n,
            });
        }
        let n_test = ((n as f64 * test_fraction).round() as usize).clamp(1, n - 1);
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(rng);
        let (test, train) = order.split_at(n_test);
        Ok((train.to_vec(), test.to_vec()))
    }
}

/// Per-feature affine map onto [0, 1] fitted on training data: `(x - min) / (max - min)`,
/// clipped to [0, 1] for points outside the fitted range (a constant feature maps to 0.5).
#[derive(Debug, Clone, PartialEq)]
pub struct MinMaxScaler {
    /// Per-feature minimum seen in fitting.
    pub min: Array1<f64>,
    /// Per-feature maximum seen in fitting.
    pub max: Array1<f64>,
}

impl MinMaxScaler {
    /// Fits on `x` (rows are samples).
    ///
    /// # Errors
    /// Empty or non-finite data.
    pub fn fit(x: ArrayView2<'_, f64>) -> Result<Self> {
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(SnnError::Empty { name: "x" });
        }
        all_finite("x", x.iter().copied())?;
        let min = x.fold_axis(Axis(0), f64::INFINITY, |a, &b| a.min(b));
        let max = x.fold_axis(Axis(0), f64::NEG_INFINITY, |a, &b| a.max(b));
        Ok(Self { min, max })
    }
    /// Scales one sample.
    ///
    /// # Errors
    /// Wrong number of features.
    pub fn transform_row(&self, row: &[f64]) -> Result<Vec<f64>> {
        if row.len() != self.min.len() {
            return Err(SnnError::LengthMismatch {
                name: "features",
                expected: self.min.len(),
                got: row.len(),
            });
        }
        Ok(row
            .iter()
            .zip(self.min.iter().zip(self.max.iter()))
            .map(|(&v, (&lo, &hi))| {
                if hi > lo {
                    ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
                } else {
                    0.5
                }
            })
            .collect())
    }
}

/// A regular grid over a rectangle, for decision maps: `nx * ny` cell centres, row-major with
/// `y` outer (`points()[iy * nx + ix]`).
///
/// Made by [`Grid::over`] or [`Grid::new`], which check the sizes and the rectangle, and read
/// through its accessors.
/// ```compile_fail,E0616
/// let mut grid = snn_learn::Grid::new([0.0, 1.0, 0.0, 1.0], 4, 4).unwrap();
/// grid.xs.clear(); // error: field `xs` is private (a grid with no cells)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub(crate) xs: Vec<f64>,
    pub(crate) ys: Vec<f64>,
    pub(crate) bounds: [f64; 4],
}

impl Grid {
    /// An `nx` by `ny` grid over the bounding box of the first two columns of `x`, widened by
    /// `margin` on every side (the original uses 1 feature unit).
    ///
    /// # Errors
    /// Empty or non-finite data, fewer than 2 columns, a zero size, a negative margin.
    pub fn over(x: ArrayView2<'_, f64>, nx: usize, ny: usize, margin: f64) -> Result<Self> {
        if x.nrows() == 0 {
            return Err(SnnError::Empty { name: "x" });
        }
        if x.ncols() < 2 {
            return Err(SnnError::TooFew {
                name: "feature columns",
                min: 2,
                got: x.ncols(),
            });
        }
        let margin = non_negative("margin", "", margin)?;
        let s = MinMaxScaler::fit(x.slice(s![.., 0..2]))?;
        Self::new(
            [
                s.min[0] - margin,
                s.max[0] + margin,
                s.min[1] - margin,
                s.max[1] + margin,
            ],
            nx,
            ny,
        )
    }
    /// An `nx` by `ny` grid over `[left, right, bottom, top]`.
    ///
    /// # Errors
    /// A zero size, non-finite bounds, or an empty rectangle.
    pub fn new(bounds: [f64; 4], nx: usize, ny: usize) -> Result<Self> {
        nonzero("nx", nx)?;
        nonzero("ny", ny)?;
        fits("grid", nx.saturating_mul(ny), 16)?;
        for b in bounds {
            finite("grid bounds", b)?;
        }
        let [l, r, b, t] = bounds;
        if r <= l || t <= b {
            return Err(SnnError::Empty {
                name: "grid rectangle",
            });
        }
        let centre =
            |lo: f64, hi: f64, n: usize, i: usize| lo + (hi - lo) * (i as f64 + 0.5) / n as f64;
        Ok(Self {
            xs: (0..nx).map(|i| centre(l, r, nx, i)).collect(),
            ys: (0..ny).map(|i| centre(b, t, ny, i)).collect(),
            bounds,
        })
    }
    /// Cell-centre x coordinates, ascending: `left + (right − left)(i + ½)/nx`.
    pub fn xs(&self) -> &[f64] {
        &self.xs
    }
    /// Cell-centre y coordinates, ascending: `bottom + (top − bottom)(i + ½)/ny`.
    pub fn ys(&self) -> &[f64] {
        &self.ys
    }
    /// Left, right, bottom, top edges of the grid (`left < right`, `bottom < top`).
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }
    /// Cells along x (at least 1).
    pub fn nx(&self) -> usize {
        self.xs.len()
    }
    /// Cells along y (at least 1).
    pub fn ny(&self) -> usize {
        self.ys.len()
    }
    /// Every cell centre, `y` outer, `x` inner.
    pub fn points(&self) -> impl Iterator<Item = [f64; 2]> + '_ {
        self.ys
            .iter()
            .flat_map(move |&y| self.xs.iter().map(move |&x| [x, y]))
    }
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.xs.len() * self.ys.len()
    }
    /// Always false: a grid has at least one cell.
    pub fn is_empty(&self) -> bool {
        false
    }
}
