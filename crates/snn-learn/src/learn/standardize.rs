//! Feature standardisation: z-scores from the training data.

use ndarray::{Array1, ArrayView2, Axis};

use snn_sim::check::{all_finite, positive};
use snn_sim::{Result, SnnError};

/// Per-feature standardisation fitted on training data: `z = (x − mean) / std` (population
/// standard deviation; a constant feature gets std 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    pub(crate) mean: Array1<f64>,
    pub(crate) std: Array1<f64>,
}

impl Standardizer {
    /// Per-feature mean of the fitted data.
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }
    /// Per-feature standard deviation of the fitted data (> 0).
    pub fn std(&self) -> &Array1<f64> {
        &self.std
    }
    /// A standardisation with the given per-feature `mean` and `std` (for example read back
    /// from a file).
    ///
    /// # Errors
    /// Empty or mismatched lengths, a value that is not finite, or a `std` that is not
    /// positive.
    pub fn new(mean: Vec<f64>, std: Vec<f64>) -> Result<Self> {
        if mean.is_empty() {
            return Err(SnnError::Empty { name: "mean" });
        }
        if std.len() != mean.len() {
            return Err(SnnError::LengthMismatch {
                name: "std",
                expected: mean.len(),
                got: std.len(),
            });
        }
        all_finite("mean", mean.iter().copied())?;
        for &s in &std {
            positive("std", "", s)?;
        }
        Ok(Self {
            mean: Array1::from(mean),
            std: Array1::from(std),
        })
    }
    /// Fits on `x` (rows are samples).
    ///
    /// # Errors
    /// Empty or non-finite data.
    pub fn fit(x: ArrayView2<'_, f64>) -> Result<Self> {
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(SnnError::Empty { name: "x" });
        }
        all_finite("x", x.iter().copied())?;
        let mean = x.mean_axis(Axis(0)).ok_or(SnnError::Empty { name: "x" })?;
        let std = x
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        Ok(Self { mean, std })
    }
    /// Standardises one sample.
    ///
    /// # Errors
    /// Wrong number of features.
    pub fn transform_row(&self, row: &[f64]) -> Result<Vec<f64>> {
        if row.len() != self.mean.len() {
            return Err(SnnError::LengthMismatch {
                name: "features",
                expected: self.mean.len(),
                got: row.len(),
            });
        }
        Ok(row
            .iter()
            .zip(self.mean.iter().zip(self.std.iter()))
            .map(|(&v, (&m, &s))| (v - m) / s)
            .collect())
    }
}
