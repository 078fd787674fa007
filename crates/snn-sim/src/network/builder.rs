//! Building a network: populations, projections and inputs checked as they are added, then
//! the connectivity drawn into a [`NetworkDescription`].

use super::connect;
use super::description::{
    next_id, NetworkDescription, PoissonInput, PopulationDescription, ProjectionDescription,
};
use super::net::Network;
use super::poisson::PoissonCount;
use super::seed::stream;
use super::source::Source;
use super::synapse::{Channel, ChannelConsts, Synapse};
use super::{Connection, Connectivity, PopId};
use crate::error::{positive, Result, SnnError, MAX_BYTES};
use crate::neuron::LifParams;

#[derive(Debug, Clone)]
struct GroupSpec {
    name: String,
    /// The neuron model; a source's is a placeholder of the network's `dt`.
    params: LifParams,
    /// For a population of spike sources, what they are.
    source: Option<Source>,
    n: usize,
}

#[derive(Debug, Clone)]
struct ProjSpec {
    from: usize,
    to: usize,
    conn: Connection,
    delay: usize,
    /// The synapses of a [`Connectivity::Given`] projection.
    given: Option<connect::Csr>,
}

#[derive(Debug, Clone)]
struct InputSpec {
    to: usize,
    k: usize,
    rate_hz: f64,
    synapse: Synapse,
}

/// Collects populations, projections and inputs; [`describe`](Self::describe) draws the
/// connectivity into a [`NetworkDescription`], [`build`](Self::build) makes the network.
/// Every call checks its own values at once.
#[derive(Debug, Clone, Default)]
pub struct NetworkBuilder {
    /// The step shared by every population, ms: the first population's, or set by
    /// [`dt`](Self::dt).
    dt: Option<f64>,
    groups: Vec<GroupSpec>,
    projs: Vec<ProjSpec>,
    inputs: Vec<InputSpec>,
}

impl NetworkBuilder {
    /// Adds `n` neurons of model `params` named `name`. Every population of a network shares
    /// one `dt`.
    ///
    /// # Errors
    /// Zero neurons, more than `u32::MAX`, or a `dt` other than the first population's.
    pub fn population(&mut self, name: &str, params: &LifParams, n: usize) -> Result<PopId> {
        if n == 0 {
            return Err(SnnError::Zero { name: "neurons" });
        }
        if n > u32::MAX as usize {
            return Err(SnnError::OutOfRange {
                name: "neurons",
                range: "[1, 4294967295]",
                value: n as f64,
            });
        }
        self.dt(params.dt())?;
        self.groups.push(GroupSpec {
            name: name.to_string(),
            params: *params,
            source: None,
            n,
        });
        Ok(PopId::new(self.groups.len() - 1))
    }

    /// Sets the network's time step, ms, for a network that starts with spike sources
    /// (a population sets it too). Every population must have this `dt`.
    ///
    /// # Errors
    /// A `dt` that is not positive and finite, or one other than the step already set.
    pub fn dt(&mut self, dt_ms: f64) -> Result<&mut Self> {
        positive("dt", " ms", dt_ms)?;
        crate::error::bounded("dt", dt_ms)?;
        match self.dt {
            Some(dt) if dt != dt_ms => Err(SnnError::Mismatch {
                what: "dt",
                expected: format!("{dt} ms (the network's)"),
                got: format!("{dt_ms} ms"),
            }),
            _ => {
                self.dt = Some(dt_ms);
                Ok(self)
            }
        }
    }

    /// Adds a population of spike sources named `name` (see [`Source`]): it can be the
    /// source of projections, plastic ones included; what arrives at it is dropped. Its
    /// random numbers come from their own stream of the seed.
    ///
    /// # Errors
    /// No `dt` yet (add a population or call [`dt`](Self::dt) first), or a bad source.
    pub fn source(&mut self, name: &str, source: Source) -> Result<PopId> {
        let Some(dt) = self.dt else {
            return Err(SnnError::Unsupported {
                name: "dt",
                why: "set the network's step before adding spike sources: NetworkBuilder::dt or a population",
            });
        };
        source.validate(dt)?;
        self.groups.push(GroupSpec {
            name: name.to_string(),
            params: LifParams::builder().dt(dt).build()?,
            n: source.n(),
            source: Some(source),
        });
        Ok(PopId::new(self.groups.len() - 1))
    }

    fn group(&self, id: PopId, name: &'static str) -> Result<&GroupSpec> {
        self.groups
            .get(id.index())
            .ok_or(SnnError::IndexOutOfRange {
                name,
                len: self.groups.len(),
                index: id.index(),
            })
    }

    /// Connects `from` to `to`.
    ///
    /// # Errors
    /// An unknown population; a bad synapse value; `p` outside [0, 1]; an in-degree above the
    /// candidate sources; one-to-one between populations of different sizes; a delay that is
    /// not finite or shorter than one step (`delay_ms < dt/2`); a conductance synapse into a
    /// population that does not integrate exactly; a plastic synapse without per-synapse
    /// weights, or whose `w` is outside `[0, w_max]`.
    pub fn connect(&mut self, from: PopId, to: PopId, conn: Connection) -> Result<()> {
        let n_s = self.group(from, "source population")?.n;
        let target = self.group(to, "target population")?;
        conn.synapse.validate()?;
        if target.source.is_none() {
            ChannelConsts::new(Channel::of(&conn.synapse), &target.params)?;
        }
        if let Some(rule) = &conn.plasticity {
            if !conn.per_synapse {
                return Err(SnnError::Unsupported {
                    name: "per_synapse",
                    why: "plastic synapses need their own weights: Connection::per_synapse(true)",
                });
            }
            rule.check_w(conn.synapse.w())?;
        }
        let dt = target.params.dt();
        let delay = match conn.delay_ms {
            None => 1,
            Some(d) => delay_steps(d, dt)?,
        };
        if conn.connectivity == Connectivity::Given {
            return Err(connect::given_needs_pairs());
        }
        let same = from == to && !conn.autapses;
        connect::max_synapses(conn.connectivity, n_s, target.n, same)?;
        self.projs.push(ProjSpec {
            from: from.index(),
            to: to.index(),
            conn,
            delay,
            given: None,
        });
        Ok(())
    }

    /// Connects `from` to `to` through exactly the synapses `pairs`, `(source index, target
    /// index)` in any order (a projection read from a file, or a connectivity drawn
    /// elsewhere); `conn` gives everything else (its connectivity becomes
    /// [`Connectivity::Given`]). Per-synapse weights are in the order of
    /// [`ProjectionDescription::weights`](super::ProjectionDescription::weights): by source,
    /// targets ascending.
    ///
    /// # Errors
    /// As [`connect`](Self::connect); an index out of range, a pair listed twice, or a
    /// neuron onto itself in one population without autapses.
    pub fn connect_pairs(
        &mut self,
        from: PopId,
        to: PopId,
        mut conn: Connection,
        pairs: &[(usize, usize)],
    ) -> Result<()> {
        let n_s = self.group(from, "source population")?.n;
        let n_t = self.group(to, "target population")?.n;
        let same = from == to && !conn.autapses;
        let csr = connect::from_pairs(pairs, n_s, n_t, same)?;
        conn.connectivity = Connectivity::AllToAll;
        self.connect(from, to, conn)?;
        if let Some(p) = self.projs.last_mut() {
            p.conn.connectivity = Connectivity::Given;
            p.given = Some(csr);
        }
        Ok(())
    }

    /// Gives every neuron of `to` `k` independent Poisson spike trains of `rate_hz` each,
    /// through `synapse` with no delay: per step one Poisson count of mean `k·rate·dt`
    /// (not `k` Bernoulli draws).
    ///
    /// # Errors
    /// An unknown population, zero `k`, a rate that is negative or not finite, a mean count
    /// per step above 1e8, or a bad synapse value.
    pub fn poisson(&mut self, to: PopId, k: usize, rate_hz: f64, synapse: Synapse) -> Result<()> {
        let target = self.group(to, "target population")?;
        if target.source.is_some() {
            return Err(Source::no_membrane());
        }
        if k == 0 {
            return Err(SnnError::Zero { name: "inputs" });
        }
        crate::error::non_negative("rate", " Hz", rate_hz)?;
        synapse.validate()?;
        ChannelConsts::new(Channel::of(&synapse), &target.params)?;
        PoissonCount::new(k as f64 * rate_hz * target.params.dt() * 1e-3)?;
        self.inputs.push(InputSpec {
            to: to.index(),
            k,
            rate_hz,
            synapse,
        });
        Ok(())
    }

    /// Bytes the network would hold: synapses (4 bytes each for the target index, plus the
    /// row starts), ring buffers and neuron state, from the largest number of synapses the
    /// rules can draw.
    fn bytes(&self) -> Result<u64> {
        let mut bytes = 0u64;
        for g in &self.groups {
            bytes = bytes.saturating_add(g.n as u64 * 48);
        }
        for p in &self.projs {
            let n_s = self.groups[p.from].n;
            let n_t = self.groups[p.to].n;
            let same = p.from == p.to && !p.conn.autapses;
            let syn = match &p.given {
                Some(csr) => csr.len() as u64,
                None => connect::max_synapses(p.conn.connectivity, n_s, n_t, same)?,
            };
            let per = match (p.conn.per_synapse, p.conn.plasticity.is_some()) {
                (false, _) => 4,
                // The starting weights (description) and the weights now (state).
                (true, false) => 20,
                (true, true) => 28,
            };
            bytes = bytes
                .saturating_add(syn.saturating_mul(per))
                .saturating_add(n_s as u64 * 8)
                .saturating_add((p.delay as u64 + 1).saturating_mul(n_t as u64 * 12));
        }
        for i in &self.inputs {
            bytes = bytes.saturating_add(self.groups[i.to].n as u64 * 16);
        }
        Ok(bytes)
    }

    /// Draws every projection's synapses from its own stream of `seed` (in the order they
    /// were added) and returns the description of the network: immutable from here on, to
    /// be refined with [`NetworkDescription::with_weights`] and
    /// [`NetworkDescription::with_v0`], run by [`Network::new`] or by
    /// [`step`](super::step) over a [`NetworkState`](super::NetworkState).
    ///
    /// # Errors
    /// No population, or a network above [`MAX_BYTES`] in all, refused before anything is
    /// allocated.
    pub fn describe(self, seed: u64) -> Result<NetworkDescription> {
        if self.groups.is_empty() {
            return Err(SnnError::Empty { name: "network" });
        }
        let bytes = self.bytes()?;
        if bytes > MAX_BYTES {
            return Err(SnnError::TooLarge {
                name: "network",
                bytes,
                limit: MAX_BYTES,
            });
        }
        let dt = self.groups[0].params.dt();
        // Each projection draws from its own stream of the seed, so they can be drawn at once
        // on rayon's threads and give the same synapses as one by one.
        let draw = |(index, p): (usize, &ProjSpec)| -> Result<ProjectionDescription> {
            let same = p.from == p.to && !p.conn.autapses;
            let mut rng = stream(seed, 1, index as u64);
            let (n_from, n_to) = (self.groups[p.from].n, self.groups[p.to].n);
            let csr = match &p.given {
                Some(csr) => csr.clone(),
                None => connect::draw(p.conn.connectivity, n_from, n_to, same, &mut rng)?,
            };
            csr.check_targets(n_to)?;
            let w = p.conn.synapse.w();
            Ok(ProjectionDescription {
                from: PopId::new(p.from),
                to: PopId::new(p.to),
                synapse: p.conn.synapse,
                connectivity: p.conn.connectivity,
                autapses: p.conn.autapses,
                delay: p.delay,
                weights: p.conn.per_synapse.then(|| vec![w; csr.len()]),
                csr,
                plasticity: p.conn.plasticity,
            })
        };
        #[cfg(feature = "parallel")]
        let projections: Vec<ProjectionDescription> = {
            use rayon::prelude::*;
            self.projs
                .par_iter()
                .enumerate()
                .map(draw)
                .collect::<Result<_>>()?
        };
        #[cfg(not(feature = "parallel"))]
        let projections: Vec<ProjectionDescription> = self
            .projs
            .iter()
            .enumerate()
            .map(draw)
            .collect::<Result<_>>()?;
        Ok(NetworkDescription {
            id: next_id(),
            dt,
            seed,
            populations: self
                .groups
                .into_iter()
                .map(|g| PopulationDescription {
                    name: g.name,
                    params: g.params,
                    source: g.source,
                    n: g.n,
                    v0: None,
                })
                .collect(),
            projections,
            inputs: self
                .inputs
                .iter()
                .map(|i| PoissonInput {
                    to: PopId::new(i.to),
                    k: i.k,
                    rate_hz: i.rate_hz,
                    synapse: i.synapse,
                })
                .collect(),
        })
    }

    /// Draws the connectivity from `seed` ([`describe`](Self::describe)) and makes the
    /// network in its starting state ([`Network::new`]).
    ///
    /// # Errors
    /// As [`describe`](Self::describe).
    pub fn build(self, seed: u64) -> Result<Network> {
        Network::new(self.describe(seed)?)
    }
}

/// A delay of `delay_ms` in whole steps of `dt`: at least one step, at most 1e6.
///
/// # Errors
/// A delay that is not positive and finite, shorter than half a step, or above 1e6 steps.
pub(super) fn delay_steps(delay_ms: f64, dt: f64) -> Result<usize> {
    positive("delay", " ms", delay_ms)?;
    let steps = (delay_ms / dt).round();
    if !(1.0..=1e6).contains(&steps) {
        return Err(SnnError::OutOfRange {
            name: "delay",
            range: "[dt, 1e6 steps] ms (at least one step)",
            value: delay_ms,
        });
    }
    Ok(steps as usize)
}
