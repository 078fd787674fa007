//! Who connects to whom: connectivity rules drawn with a seeded generator into compressed
//! sparse rows (CSR) by source neuron.

use rand::Rng;

use crate::error::{fits, Result, SnnError};

/// How a projection's synapses are drawn between a source population of `n_s` neurons and a
/// target population of `n_t`. When source and target are the same population and autapses
/// are off ([`Connection::autapses`](super::Connection::autapses)), a neuron never connects
/// to itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Connectivity {
    /// Every (source, target) pair independently with probability `p` in [0, 1]: the in-degree
    /// of a target is binomial, mean `p·n_s`, variance `p·(1 − p)·n_s`.
    Probability(f64),
    /// Every target receives exactly `k` synapses from `k` distinct sources drawn uniformly
    /// (Brunel 2000: `C_E = ε·N_E` from the excitatory population).
    FixedInDegree(usize),
    /// Every pair.
    AllToAll,
    /// Source `i` to target `i`; the two populations must have the same size.
    OneToOne,
    /// Exactly the synapses listed by
    /// [`NetworkBuilder::connect_pairs`](super::NetworkBuilder::connect_pairs) (a projection
    /// read from a file, or drawn elsewhere); not drawn, so not usable with `connect`.
    Given,
}

/// Synapses by source neuron: the targets of source `i` are
/// `target[start[i]..start[i + 1]]`, ascending.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Csr {
    pub(crate) start: Vec<usize>,
    pub(crate) target: Vec<u32>,
}

impl Csr {
    pub(crate) fn len(&self) -> usize {
        self.target.len()
    }
    pub(crate) fn row(&self, i: usize) -> &[u32] {
        &self.target[self.start[i]..self.start[i + 1]]
    }
    /// Checks that every target index is below `n`: the propagation loop relies on it to
    /// index the target's ring without a bounds check.
    pub(crate) fn check_targets(&self, n: usize) -> Result<()> {
        match self.target.iter().find(|&&t| t as usize >= n) {
            Some(&t) => Err(SnnError::IndexOutOfRange {
                name: "synapse target",
                len: n,
                index: t as usize,
            }),
            None => Ok(()),
        }
    }
}

/// The most synapses `rule` can draw (for the memory check before drawing): exact for the
/// fixed rules, the mean plus eight standard deviations for a probability.
pub(crate) fn max_synapses(rule: Connectivity, n_s: usize, n_t: usize, same: bool) -> Result<u64> {
    let pairs = (n_s as u64).saturating_mul(n_t as u64) - if same { n_s as u64 } else { 0 };
    Ok(match rule {
        Connectivity::Probability(p) => {
            if !(0.0..=1.0).contains(&p) {
                return Err(SnnError::OutOfRange {
                    name: "p",
                    range: "[0, 1]",
                    value: p,
                });
            }
            let mean = pairs as f64 * p;
            (mean + 8.0 * (mean * (1.0 - p)).sqrt() + 8.0).min(pairs as f64) as u64
        }
        Connectivity::FixedInDegree(k) => {
            let avail = if same { n_s.saturating_sub(1) } else { n_s };
            if k > avail {
                return Err(SnnError::TooFew {
                    name: "source neurons for in_degree",
                    min: k,
                    got: avail,
                });
            }
            (k as u64).saturating_mul(n_t as u64)
        }
        Connectivity::AllToAll | Connectivity::Given => pairs,
        Connectivity::OneToOne => {
            if n_s != n_t {
                return Err(SnnError::LengthMismatch {
                    name: "one-to-one target population",
                    expected: n_s,
                    got: n_t,
                });
            }
            if same {
                0
            } else {
                n_s as u64
            }
        }
    })
}

/// Draws the synapses of `rule` with `rng`. `same`: source and target are one population
/// and autapses are off. Sizes were checked by [`max_synapses`].
pub(crate) fn draw(
    rule: Connectivity,
    n_s: usize,
    n_t: usize,
    same: bool,
    rng: &mut impl Rng,
) -> Result<Csr> {
    let max = max_synapses(rule, n_s, n_t, same)?;
    fits("synapses", usize::try_from(max).unwrap_or(usize::MAX), 4)?;
    Ok(match rule {
        Connectivity::Probability(p) => by_source(n_s, |i, out| {
            if p <= 0.0 {
                return;
            }
            if p >= 1.0 {
                out.extend((0..n_t).filter(|&j| !(same && j == i)).map(|j| j as u32));
                return;
            }
            // Geometric skipping: the gap to the next connected target is geometric, so the
            // cost is one draw per synapse, not one per pair.
            let ln_q = (1.0 - p).ln();
            let mut j: f64 = -1.0;
            loop {
                let u: f64 = 1.0 - rng.gen::<f64>(); // (0, 1]
                j += 1.0 + (u.ln() / ln_q).floor();
                if j >= n_t as f64 {
                    break;
                }
                let t = j as usize;
                if !(same && t == i) {
                    out.push(t as u32);
                }
            }
        }),
        Connectivity::AllToAll => by_source(n_s, |i, out| {
            out.extend((0..n_t).filter(|&j| !(same && j == i)).map(|j| j as u32));
        }),
        Connectivity::OneToOne => by_source(n_s, |i, out| {
            if !same {
                out.push(i as u32);
            }
        }),
        Connectivity::FixedInDegree(k) => fixed_in_degree(k, n_s, n_t, same, rng),
        Connectivity::Given => return Err(given_needs_pairs()),
    })
}

/// The error for drawing [`Connectivity::Given`], which has nothing to draw from.
pub(crate) fn given_needs_pairs() -> SnnError {
    SnnError::Unsupported {
        name: "connectivity",
        why: "Connectivity::Given lists its synapses: connect with NetworkBuilder::connect_pairs",
    }
}

/// The synapses of `pairs` (`(source, target)`, any order) as rows by source, targets
/// ascending.
///
/// # Errors
/// An index out of range, a pair given twice, or a neuron onto itself when `same`.
pub(crate) fn from_pairs(
    pairs: &[(usize, usize)],
    n_s: usize,
    n_t: usize,
    same: bool,
) -> Result<Csr> {
    let mut sorted = pairs.to_vec();
    sorted.sort_unstable();
    for (k, &(i, j)) in sorted.iter().enumerate() {
        for (name, index, len) in [("synapse source", i, n_s), ("synapse target", j, n_t)] {
            if index >= len {
                return Err(SnnError::IndexOutOfRange { name, index, len });
            }
        }
        if k > 0 && sorted[k - 1] == (i, j) {
            return Err(SnnError::Unsupported {
                name: "pairs",
                why: "a (source, target) pair is listed twice",
            });
        }
        if same && i == j {
            return Err(SnnError::Unsupported {
                name: "pairs",
                why: "a neuron onto itself, and autapses are off",
            });
        }
    }
    let mut at = 0;
    Ok(by_source(n_s, |i, out| {
        while at < sorted.len() && sorted[at].0 == i {
            out.push(sorted[at].1 as u32);
            at += 1;
        }
    }))
}

/// Builds rows source by source.
fn by_source(n_s: usize, mut row: impl FnMut(usize, &mut Vec<u32>)) -> Csr {
    let mut csr = Csr {
        start: Vec::with_capacity(n_s + 1),
        target: Vec::new(),
    };
    csr.start.push(0);
    for i in 0..n_s {
        row(i, &mut csr.target);
        csr.start.push(csr.target.len());
    }
    csr.target.shrink_to_fit();
    csr
}

/// `k` distinct sources per target, drawn uniformly (rejection against a stamp per source
/// while `k` is at most half the candidates, a partial Fisher–Yates shuffle above), then
/// sorted into rows by source with a counting sort.
fn fixed_in_degree(k: usize, n_s: usize, n_t: usize, same: bool, rng: &mut impl Rng) -> Csr {
    let mut sources = vec![0u32; k * n_t];
    let mut stamp = vec![u32::MAX; n_s];
    let mut pool: Vec<u32> = Vec::new();
    for (j, chosen) in sources.chunks_exact_mut(k.max(1)).enumerate().take(n_t) {
        if k == 0 {
            break;
        }
        let avail = if same { n_s - 1 } else { n_s };
        if 2 * k <= avail {
            let mut m = 0;
            while m < k {
                let s = rng.gen_range(0..n_s);
                if (same && s == j) || stamp[s] == j as u32 {
                    continue;
                }
                stamp[s] = j as u32;
                chosen[m] = s as u32;
                m += 1;
            }
        } else {
            pool.clear();
            pool.extend((0..n_s as u32).filter(|&s| !(same && s as usize == j)));
            for m in 0..k {
                let r = rng.gen_range(m..pool.len());
                pool.swap(m, r);
                chosen[m] = pool[m];
            }
        }
    }
    let mut start = vec![0usize; n_s + 1];
    for &s in &sources {
        start[s as usize + 1] += 1;
    }
    for i in 0..n_s {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut target = vec![0u32; sources.len()];
    for (idx, &s) in sources.iter().enumerate() {
        let slot = &mut next[s as usize];
        target[*slot] = (idx / k) as u32;
        *slot += 1;
    }
    Csr { start, target }
}
