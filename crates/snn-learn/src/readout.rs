//! Readouts: from spike counts to a class, and how good the classes are.

use snn_sim::{Result, SnnError};

/// Fraction of `predicted` equal to `truth`.
///
/// # Errors
/// Empty or mismatched inputs.
pub fn accuracy(predicted: &[usize], truth: &[usize]) -> Result<f64> {
    check(predicted, truth)?;
    let hits = predicted.iter().zip(truth).filter(|(a, b)| a == b).count();
    Ok(hits as f64 / truth.len() as f64)
}

fn check(predicted: &[usize], truth: &[usize]) -> Result<()> {
    if truth.is_empty() {
        return Err(SnnError::Empty { name: "truth" });
    }
    if predicted.len() != truth.len() {
        return Err(SnnError::LengthMismatch {
            name: "predicted",
            expected: truth.len(),
            got: predicted.len(),
        });
    }
    Ok(())
}

/// Confusion matrix: `count(t, p)` samples of true class `t` predicted as `p`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    k: usize,
    counts: Vec<u32>,
}

impl Confusion {
    /// Tallies `predicted` against `truth` over `k` classes.
    ///
    /// # Errors
    /// Empty or mismatched inputs, `k == 0`, a `k × k` table above
    /// [`MAX_BYTES`](snn_sim::MAX_BYTES) (`k` over 32,768), or a label `>= k`.
    pub fn new(predicted: &[usize], truth: &[usize], k: usize) -> Result<Self> {
        check(predicted, truth)?;
        snn_sim::check::nonzero("classes", k)?;
        snn_sim::check::fits("classes", k.saturating_mul(k), 4)?;
        let mut counts = vec![0; k * k];
        for (&p, &t) in predicted.iter().zip(truth) {
            for (name, v) in [("predicted class", p), ("true class", t)] {
                if v >= k {
                    return Err(SnnError::IndexOutOfRange {
                        name,
                        len: k,
                        index: v,
                    });
                }
            }
            counts[t * k + p] += 1;
        }
        Ok(Self { k, counts })
    }
    /// Number of classes.
    pub fn k(&self) -> usize {
        self.k
    }
    /// Row-major `k × k` counts, rows true, columns predicted.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
    /// Samples of true class `t` predicted as `p`.
    ///
    /// # Errors
    /// [`SnnError::IndexOutOfRange`] for a class `>= k`.
    pub fn count(&self, t: usize, p: usize) -> Result<u32> {
        for (name, v) in [("true class", t), ("predicted class", p)] {
            if v >= self.k {
                return Err(SnnError::IndexOutOfRange {
                    name,
                    len: self.k,
                    index: v,
                });
            }
        }
        Ok(self.counts[t * self.k + p])
    }
    /// Diagonal over total.
    pub fn accuracy(&self) -> f64 {
        let total: u32 = self.counts.iter().sum();
        let diag: u32 = (0..self.k).map(|i| self.counts[i * self.k + i]).sum();
        diag as f64 / total.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores() {
        assert_eq!(accuracy(&[0, 1, 1, 0], &[0, 1, 0, 0]).unwrap(), 0.75);
        assert!(matches!(
            accuracy(&[0], &[0, 1]),
            Err(SnnError::LengthMismatch { .. })
        ));
        assert!(matches!(accuracy(&[], &[]), Err(SnnError::Empty { .. })));
        let c = Confusion::new(&[0, 1, 1, 0], &[0, 1, 0, 0], 2).unwrap();
        assert_eq!(
            (c.count(0, 0), c.count(0, 1), c.count(1, 1)),
            (Ok(2), Ok(1), Ok(1))
        );
        assert!(matches!(
            c.count(2, 0),
            Err(SnnError::IndexOutOfRange {
                name: "true class",
                ..
            })
        ));
        assert!(matches!(
            c.count(0, 5),
            Err(SnnError::IndexOutOfRange {
                name: "predicted class",
                ..
            })
        ));
        assert_eq!(c.accuracy(), 0.75);
        assert!(matches!(
            Confusion::new(&[2], &[0], 2),
            Err(SnnError::IndexOutOfRange { .. })
        ));
    }
}
