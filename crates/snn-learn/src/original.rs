//! The original demo's pipeline: one discrete neuron fed the constant current `I = w·x + b`
//! for a fixed number of steps, classifying by spike count.

use rand::Rng;

use snn_sim::check::{finite, nonzero};
use snn_sim::{DiscreteParams, Drive, Population, Record, Result, SnnError};

use crate::data::{Blobs, Grid};

/// The original demo's numbers: x = [3.04545118, 1.37379466], w = [-0.2509198, 0.9014286].
pub const ORIGINAL_X: [f64; 2] = [3.04545118, 1.37379466];
/// The original demo's weights (from `np.random.seed(42)`).
pub const ORIGINAL_W: [f64; 2] = [-0.2509198, 0.9014286];
/// The spike train the original printed for [`ORIGINAL_X`] with its neuron (decay 0.8,
/// threshold 1) over 10 steps: `I = 0.474`, so `V` climbs 0.474, 0.854, 1.157 and spikes
/// in every third step.
pub const ORIGINAL_TRAIN: [u8; 10] = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0];

/// One output neuron reading 2-D inputs through `w` and `b`: each sample is fed as the
/// constant current `I = w·x + b` for `steps` steps, starting from `V = 0` (the neuron is
/// reset between samples), and classified by its spike count.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginalDemo {
    /// Input weights, one per feature.
    pub w: Vec<f64>,
    /// Bias current.
    pub b: f64,
    /// The neuron.
    pub params: DiscreteParams,
    /// Steps per sample (the original uses 10).
    pub steps: usize,
}

impl OriginalDemo {
    /// The original's setup with weights drawn uniformly from [-1, 1] by `rng` (the original
    /// used `np.random.rand(2) * 2 - 1`), bias 0, decay 0.8, threshold 1, 10 steps.
    ///
    /// # Errors
    /// Never in practice (the parameters are valid).
    pub fn random(n_features: usize, rng: &mut impl Rng) -> Result<Self> {
        nonzero("features", n_features)?;
        let w = (0..n_features).map(|_| rng.gen_range(-1.0..=1.0)).collect();
        Self::new(w, 0.0, DiscreteParams::original().build()?, 10)
    }

    /// The original demo exactly: its weights [`ORIGINAL_W`](ORIGINAL_W),
    /// bias 0, its neuron (decay 0.8, threshold 1, reset to 0) and 10 steps. Nothing a
    /// notebook's parameter cell sets reaches it.
    ///
    /// # Errors
    /// Never in practice (the parameters are valid).
    pub fn original() -> Result<Self> {
        Self::new(
            ORIGINAL_W.to_vec(),
            0.0,
            DiscreteParams::original().build()?,
            10,
        )
    }

    /// Runs [`original`](Self::original) on the original's sample
    /// [`ORIGINAL_X`](ORIGINAL_X) and checks that it gives the train the
    /// original printed, [`ORIGINAL_TRAIN`](ORIGINAL_TRAIN); returns it.
    ///
    /// # Errors
    /// [`SnnError::Mismatch`] with both trains if it does not.
    pub fn check_original() -> Result<Vec<u8>> {
        let got = Self::original()?.spike_train(&ORIGINAL_X)?;
        if got != ORIGINAL_TRAIN {
            return Err(SnnError::Mismatch {
                what: "the original's spike train",
                expected: format!("{:?}", ORIGINAL_TRAIN),
                got: format!("{got:?}"),
            });
        }
        Ok(got)
    }

    /// A demo with given weights, bias, neuron and steps.
    ///
    /// # Errors
    /// Empty or non-finite weights, a non-finite bias, or zero steps.
    pub fn new(w: Vec<f64>, b: f64, params: DiscreteParams, steps: usize) -> Result<Self> {
        if w.is_empty() {
            return Err(SnnError::Empty { name: "w" });
        }
        for &x in &w {
            finite("w", x)?;
        }
        finite("b", b)?;
        nonzero("steps", steps)?;
        Ok(Self {
            w,
            b,
            params,
            steps,
        })
    }

    /// The input current `I = w·x + b`.
    ///
    /// # Errors
    /// `x` of the wrong length.
    pub fn current(&self, x: &[f64]) -> Result<f64> {
        if x.len() != self.w.len() {
            return Err(SnnError::LengthMismatch {
                name: "x",
                expected: self.w.len(),
                got: x.len(),
            });
        }
        Ok(x.iter().zip(&self.w).map(|(a, b)| a * b).sum::<f64>() + self.b)
    }

    /// Indices of `k` samples of `data` whose spike counts spread from the fewest to the
    /// most, in order of their current `I = w·x + b`: the sample with the lowest current, the
    /// one with the highest, and between them, for `k - 2` target counts evenly spaced
    /// between the smallest and the largest count, the unused sample whose count is nearest
    /// the target (the lowest current on a tie). All samples, by current, when `k` is at
    /// least their number. Samples chosen this way show the whole range of behaviour, from
    /// silent through a few spikes to firing every step, which the first few samples of a
    /// data set rarely do.
    ///
    /// # Errors
    /// `k == 0`, empty data, or data with the wrong number of features.
    pub fn spread(&self, data: &Blobs, k: usize) -> Result<Vec<usize>> {
        nonzero("k", k)?;
        if data.is_empty() {
            return Err(SnnError::Empty { name: "data" });
        }
        let currents = data
            .x
            .rows()
            .into_iter()
            .map(|r| self.current(&r.to_vec()))
            .collect::<Result<Vec<_>>>()?;
        let counts = self.counts_of(&currents)?;
        // Samples by current, lowest first (ties by index); counts never fall along it.
        let mut order: Vec<usize> = (0..currents.len()).collect();
        order.sort_by(|&a, &b| currents[a].total_cmp(&currents[b]).then(a.cmp(&b)));
        let n = order.len();
        if k >= n {
            return Ok(order);
        }
        let (lo, hi) = (counts[order[0]] as f64, counts[order[n - 1]] as f64);
        let mut used = vec![false; n];
        let mut picks = Vec::with_capacity(k);
        let mut take = |rank: usize, used: &mut Vec<bool>| {
            used[rank] = true;
            picks.push(rank);
        };
        take(0, &mut used);
        if k > 1 {
            take(n - 1, &mut used);
        }
        for i in 1..k.saturating_sub(1) {
            let target = lo + (hi - lo) * i as f64 / (k - 1) as f64;
            let best = (0..n).filter(|&r| !used[r]).min_by(|&a, &b| {
                let da = (counts[order[a]] as f64 - target).abs();
                let db = (counts[order[b]] as f64 - target).abs();
                da.total_cmp(&db).then(a.cmp(&b))
            });
            if let Some(r) = best {
                take(r, &mut used);
            }
        }
        picks.sort_unstable();
        Ok(picks.into_iter().map(|r| order[r]).collect())
    }

    /// The 0/1 spike train of one sample.
    ///
    /// # Errors
    /// `x` of the wrong length or with non-finite values.
    pub fn spike_train(&self, x: &[f64]) -> Result<Vec<u8>> {
        let i = self.current(x)?;
        let mut pop = Population::<f64>::new(&self.params, 1)?;
        Ok(pop
            .run(self.steps, Drive::Constant(i), &Record::spikes())?
            .spike_train_of(0))
    }

    /// Spike counts for many inputs at once: one neuron per input, stepped together.
    fn counts_of(&self, currents: &[f64]) -> Result<Vec<u32>> {
        let mut pop = Population::<f64>::new(&self.params, currents.len())?;
        Ok(pop
            .run(self.steps, Drive::PerNeuron(currents), &Record::counts())?
            .into_counts())
    }

    /// The spike count of every sample of `data`.
    ///
    /// # Errors
    /// Data with the wrong number of features.
    pub fn counts(&self, data: &Blobs) -> Result<Vec<u32>> {
        let currents = data
            .x
            .rows()
            .into_iter()
            .map(|r| self.current(r.as_slice().unwrap_or(&r.to_vec())))
            .collect::<Result<Vec<_>>>()?;
        self.counts_of(&currents)
    }

    /// The spike count at every cell centre of `grid` (`y` outer), for a decision map; needs
    /// two weights.
    ///
    /// # Errors
    /// Weights that are not two-dimensional.
    pub fn count_map(&self, grid: &Grid) -> Result<Vec<u32>> {
        let currents = grid
            .points()
            .map(|p| self.current(&p))
            .collect::<Result<Vec<_>>>()?;
        self.counts_of(&currents)
    }
}
