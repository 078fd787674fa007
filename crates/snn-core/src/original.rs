//! The original demo's pipeline: one discrete neuron fed the constant current `I = w·x + b`
//! for a fixed number of steps, classifying by spike count.

use rand::Rng;

use crate::data::{Blobs, Grid};
use crate::error::{finite, nonzero, Result, SnnError};
use crate::neuron::DiscreteParams;
use crate::population::{Drive, Population, Record};

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

    /// Indices of `k` samples of `data` spread along the input current: the samples sorted
    /// by `I = w·x + b` (ties by index), then the ones at `k` evenly spaced ranks from the
    /// lowest current to the highest (all of them, lowest first, when `k` is at least the
    /// number of samples). Samples chosen this way show the whole range of behaviour, from
    /// silent to firing every step.
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
        let mut order: Vec<usize> = (0..currents.len()).collect();
        order.sort_by(|&a, &b| currents[a].total_cmp(&currents[b]).then(a.cmp(&b)));
        let n = order.len();
        if k >= n {
            return Ok(order);
        }
        if k == 1 {
            return Ok(vec![order[(n - 1) / 2]]);
        }
        Ok((0..k)
            .map(|i| order[(i * (n - 1) + (k - 1) / 2) / (k - 1)])
            .collect())
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
            .counts)
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
