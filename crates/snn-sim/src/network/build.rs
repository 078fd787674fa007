//! Building a network: populations, projections and inputs checked as they are added, then
//! the connectivity drawn and the state allocated; and the PSP of one synapse.

use rand::SeedableRng;

use super::*;

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
        Ok(PopId(self.groups.len() - 1))
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
        Ok(PopId(self.groups.len() - 1))
    }

    fn group(&self, id: PopId, name: &'static str) -> Result<&GroupSpec> {
        self.groups.get(id.0).ok_or(SnnError::IndexOutOfRange {
            name,
            len: self.groups.len(),
            index: id.0,
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
            Some(d) => {
                positive("delay", " ms", d)?;
                let steps = (d / dt).round();
                if steps < 1.0 {
                    return Err(SnnError::OutOfRange {
                        name: "delay",
                        range: "[dt, 1e6 steps] ms (at least one step)",
                        value: d,
                    });
                }
                if steps > 1e6 {
                    return Err(SnnError::OutOfRange {
                        name: "delay",
                        range: "[dt, 1e6 steps] ms (at least one step)",
                        value: d,
                    });
                }
                steps as usize
            }
        };
        let same = from == to && !conn.autapses;
        connect::max_synapses(conn.connectivity, n_s, target.n, same)?;
        self.projs.push(ProjSpec {
            from: from.0,
            to: to.0,
            conn,
            delay,
        });
        Ok(())
    }

    /// Gives every neuron of `to` `k` independent Poisson spike trains of `rate_hz` each,
    /// through `synapse` with no delay: per step one Poisson count of mean `k·rate·dt`
    /// (not `k` Bernoulli draws).
    ///
    /// # Errors
    /// An unknown population, zero `k`, a rate that is negative or not finite, a mean count
    /// per step above 1e12, or a bad synapse value.
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
            to: to.0,
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
            let syn = connect::max_synapses(p.conn.connectivity, n_s, n_t, same)?;
            let per = match (p.conn.per_synapse, p.conn.plasticity.is_some()) {
                (false, _) => 4,
                (true, false) => 12,
                (true, true) => 20,
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

    /// Draws every projection's synapses and allocates the state. The projections are drawn
    /// in the order they were added, each from its own stream of `seed`; so are the Poisson
    /// inputs.
    ///
    /// # Errors
    /// No population, or a network above [`MAX_BYTES`] in all, refused
    /// before anything is allocated.
    pub fn build(self, seed: u64) -> Result<Network> {
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
        let mut groups: Vec<Group> = self
            .groups
            .iter()
            .enumerate()
            .map(|(index, g)| {
                let k = g.params.kernel::<f64>();
                let source = g
                    .source
                    .as_ref()
                    .map(|s| SourceState::new(s, dt, stream(seed, 0, index as u64)));
                let cells = if source.is_some() { 0 } else { g.n };
                Group {
                    name: g.name.clone(),
                    params: g.params,
                    source,
                    v: vec![k.v0; cells],
                    held: vec![0; cells],
                    counts: vec![0; g.n],
                    spiked: Vec::new(),
                    #[cfg(feature = "parallel")]
                    spiked_blocks: Vec::new(),
                    channels: Vec::new(),
                    delta: None,
                    dv: Vec::new(),
                    g: Vec::new(),
                    ge: Vec::new(),
                    k,
                }
            })
            .collect();
        let mut projs = Vec::with_capacity(self.projs.len());
        for (index, p) in self.projs.iter().enumerate() {
            // A source drops what arrives: no channel.
            let channel = match groups[p.to].source {
                Some(_) => usize::MAX,
                None => channel_of(&mut groups[p.to], &p.conn.synapse, p.delay)?,
            };
            let same = p.from == p.to && !p.conn.autapses;
            let mut rng = stream(seed, 1, index as u64);
            let csr = connect::draw(
                p.conn.connectivity,
                groups[p.from].n(),
                groups[p.to].n(),
                same,
                &mut rng,
            )?;
            csr.check_targets(groups[p.to].n())?;
            let w = p.conn.synapse.w();
            let class = match groups[p.to].channels.get_mut(channel) {
                Some(c) if !p.conn.per_synapse => match c.classes.iter().position(|c| c.0 == w) {
                    Some(k) => k,
                    None => {
                        c.classes.push((w, Vec::new()));
                        c.classes.len() - 1
                    }
                },
                _ => usize::MAX,
            };
            let stdp = p.conn.plasticity.map(|rule| {
                let s = StdpState::new(
                    rule,
                    dt,
                    groups[p.from].n(),
                    groups[p.to].n(),
                    &csr.start,
                    &csr.target,
                );
                (s, true)
            });
            projs.push(Proj {
                from: p.from,
                to: p.to,
                channel,
                class,
                weights: p.conn.per_synapse.then(|| vec![w; csr.len()]),
                synapse: p.conn.synapse,
                delay: p.delay,
                csr,
                stdp,
            });
        }
        let mut inputs = Vec::with_capacity(self.inputs.len());
        for (index, i) in self.inputs.iter().enumerate() {
            let channel = channel_of(&mut groups[i.to], &i.synapse, 0)?;
            let n = groups[i.to].v.len();
            let blocks = n.div_ceil(INPUT_BLOCK);
            inputs.push(Input {
                to: i.to,
                channel,
                w: i.synapse.w(),
                count: PoissonCount::new(i.k as f64 * i.rate_hz * dt * 1e-3)?,
                streams: (0..blocks)
                    .map(|b| stream(seed, 2 + index as u64, b as u64))
                    .collect(),
            });
        }
        for g in &mut groups {
            let n = g.v.len();
            for c in &mut g.channels {
                c.ring = vec![0.0; c.slots * n];
                for class in &mut c.classes {
                    class.1 = vec![0; c.slots * n];
                }
                if c.channel != Channel::Delta {
                    c.state = vec![0.0; n];
                }
            }
            g.delta = g.channels.iter().position(|c| c.channel == Channel::Delta);
            if g.channels
                .iter()
                .any(|c| matches!(c.channel, Channel::Current { .. }))
            {
                g.dv = vec![0.0; n];
            }
            if g.channels
                .iter()
                .any(|c| matches!(c.channel, Channel::Conductance { .. }))
            {
                g.g = vec![0.0; n];
                g.ge = vec![0.0; n];
            }
        }
        let events = vec![0; projs.len()];
        Ok(Network {
            groups,
            projs,
            inputs,
            dt,
            t: 0,
            events,
            parallel: false,
        })
    }
}

impl Synapse {
    /// The postsynaptic potential of one spike through this synapse into a neuron of model
    /// `target` at rest: `(t, V(t) − V_rest)` from the spike's arrival (`t = 0`) for
    /// `duration_ms`, one point per step, simulated by a two-neuron network (so it is exactly
    /// what a network does; for a current synapse it is the closed form of
    /// [`Synapse::CurrentExp`]).
    ///
    /// # Errors
    /// A bad synapse value or duration, or a conductance synapse into a target that does not
    /// integrate exactly.
    pub fn psp(&self, target: &LifParams, duration_ms: f64) -> Result<Vec<(f64, f64)>> {
        let steps = target.steps_for(duration_ms)?;
        let (rest, th, dt) = (target.v_rest(), target.v_th(), target.dt());
        let resting = target.to_builder().v0(rest).build()?;
        let mut b = Network::builder();
        let src = b.population("source", &resting, 1)?;
        let dst = b.population("target", &resting, 1)?;
        b.connect(src, dst, Connection::new(*self, Connectivity::AllToAll))?;
        let mut net = b.build(0)?;
        // High enough to cross on the first step whatever the leak: (V − V_rest)·α > θ − V_rest.
        let alpha = target.alpha().max(1e-6);
        net.set_v(src, &[rest + 2.0 * (th - rest).abs() / alpha + 1.0])?;
        let out = net.run(steps + 2, &NetRecord::counts().with_traces(dst, [0]))?;
        let v = &out.pops[dst.0].traces[0].1;
        // The spike (step 0) arrives one step later, at the start of step 2.
        Ok(v[2..]
            .iter()
            .enumerate()
            .map(|(k, &x)| (k as f64 * dt, x - rest))
            .collect())
    }
}

/// The index of `g`'s channel for synapse `s`, added if new: one channel per target and
/// kind, its ring long enough for the longest delay into it.
pub(super) fn channel_of(g: &mut Group, s: &Synapse, delay: usize) -> Result<usize> {
    let ch = Channel::of(s);
    let idx = match g.channels.iter().position(|c| c.channel == ch) {
        Some(i) => i,
        None => {
            g.channels.push(ChannelState {
                channel: ch,
                c: ChannelConsts::new(ch, &g.params)?,
                slots: 1,
                ring: Vec::new(),
                classes: Vec::new(),
                state: Vec::new(),
            });
            g.channels.len() - 1
        }
    };
    let c = &mut g.channels[idx];
    c.slots = c.slots.max(delay + 1);
    Ok(idx)
}

/// An independent generator for stream `(kind, index)` of `seed` (SplitMix64 mixing), so
/// each projection and each block of Poisson targets draws its own numbers whatever the
/// order of the others.
pub(super) fn stream(seed: u64, kind: u64, index: u64) -> Rng64 {
    let mut z =
        seed ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Rng64::seed_from_u64(z ^ (z >> 31))
}
