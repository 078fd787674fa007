//! Any network from a file: a JSON description of populations, spike sources, projections,
//! Poisson inputs, the step, the seed and what to record, read with every bad field named by
//! its path in the file, and built exactly as the same calls to [`NetworkBuilder`] would
//! build it (Brunel's model from a file fires the spikes of [`Brunel`](super::Brunel) with the
//! same seed). The format, field by field, is in `docs/network-files/README.md`.

use rand::Rng;
use serde_json::Value;

use super::seed::stream;
pub use super::spec_json::SpecError;
use super::spec_json::{At, Res};
use super::stdp::{Pairing, Stdp};
use super::{Connection, Connectivity, Network, NetworkBuilder, NetworkDescription, PopId};
use super::{Source, Synapse};
use crate::error::SnnError;
use crate::neuron::{Crossing, Integration, LifParams, LifReset};

/// A population of the file: LIF neurons (with starting potentials at `v0` or drawn
/// uniformly) or spike sources.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Neurons {
        params: LifParams,
        v0_uniform: Option<(f64, f64)>,
    },
    Sources(Source),
}

#[derive(Debug, Clone, PartialEq)]
struct Pop {
    name: String,
    n: usize,
    kind: Kind,
    path: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Proj {
    from: usize,
    to: usize,
    conn: Connection,
    start_uniform: Option<(f64, f64)>,
    path: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Input {
    to: usize,
    k: usize,
    rate_hz: f64,
    synapse: Synapse,
    path: String,
}

/// A network read from a file: a JSON description of populations, spike sources,
/// projections, Poisson inputs, the step, the seed and what to record, parsed and checked
/// field by field (every bad field named by its path in the file), built by
/// [`describe`](Self::describe) exactly as the same calls to [`NetworkBuilder`] would build
/// it: Brunel's model from a file fires the spikes of [`Brunel`](super::Brunel) with the same
/// seed. The format, field by field, is in `docs/network-files/README.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSpec {
    dt_ms: f64,
    seed: u64,
    duration_ms: f64,
    skip_ms: f64,
    pops: Vec<Pop>,
    projs: Vec<Proj>,
    inputs: Vec<Input>,
    record: Vec<usize>,
}

fn snn(at: &At<'_>, e: SnnError) -> SpecError {
    SpecError {
        path: at.path().to_string(),
        why: e.to_string(),
    }
}

fn uniform(at: &At<'_>) -> Res<(f64, f64)> {
    at.obj(&["uniform"])?;
    let r = at.req("uniform")?;
    let items = r.items()?;
    if items.len() != 2 {
        return r.err("must be [low, high]");
    }
    let (lo, hi) = (items[0].f64()?, items[1].f64()?);
    if lo >= hi {
        return r.err(format!("low ({lo}) must be below high ({hi})"));
    }
    Ok((lo, hi))
}

fn neuron(at: Option<At<'_>>, dt_ms: f64, v0: Option<f64>) -> Res<LifParams> {
    let mut b = LifParams::builder().dt(dt_ms);
    if let Some(at) = &at {
        at.obj(&[
            "tau_m",
            "v_rest",
            "v_reset",
            "v_th",
            "r_m",
            "t_ref",
            "integration",
            "reset",
            "crossing",
        ])?;
        for (key, field) in [
            ("tau_m", &mut b.tau_m),
            ("v_rest", &mut b.v_rest),
            ("v_reset", &mut b.v_reset),
            ("v_th", &mut b.v_th),
            ("r_m", &mut b.r_m),
            ("t_ref", &mut b.t_ref),
        ] {
            if let Some(x) = at.get(key) {
                *field = x.f64()?;
            }
        }
        if let Some(x) = at.get("integration") {
            b.integration =
                x.choice(&[("exact", Integration::Exact), ("euler", Integration::Euler)])?;
        }
        if let Some(x) = at.get("reset") {
            b.reset = x.choice(&[
                ("to_v_reset", LifReset::ToVReset),
                ("subtract", LifReset::Subtract),
            ])?;
        }
        if let Some(x) = at.get("crossing") {
            b.crossing = x.choice(&[
                ("above", Crossing::Above),
                ("at_or_above", Crossing::AtOrAbove),
            ])?;
        }
    }
    // Without a v0, a neuron starts at rest.
    b.v0 = v0.unwrap_or(b.v_rest);
    b.build().map_err(|e| {
        let name = e.parameter().unwrap_or("neuron");
        let path = match &at {
            Some(at) if at.get(name).is_some() => format!("{}.{name}", at.path()),
            Some(at) => at.path().to_string(),
            None => "neuron".into(),
        };
        SpecError {
            path,
            why: e.to_string(),
        }
    })
}

fn source(at: &At<'_>, n: usize) -> Res<Source> {
    let kind = at.req("kind")?;
    Ok(match kind.str()? {
        "poisson" => {
            at.obj(&["kind", "rate_hz"])?;
            Source::poisson(n, at.req("rate_hz")?.f64()?)
        }
        "correlated" => {
            at.obj(&["kind", "rate_hz", "c"])?;
            Source::correlated(n, at.req("rate_hz")?.f64()?, at.req("c")?.f64()?)
        }
        "times" => {
            at.obj(&["kind", "spikes"])?;
            let mut spikes = Vec::new();
            for s in at.req("spikes")?.items()? {
                let pair = s.items()?;
                if pair.len() != 2 {
                    return s.err("must be [source index, time in ms]");
                }
                spikes.push((pair[0].count()?, pair[1].f64()?));
            }
            Source::times(n, spikes)
        }
        other => return kind.err(format!("{other:?}: one of poisson, correlated, times")),
    })
}

fn synapse(at: &At<'_>) -> Res<Synapse> {
    let kind = at.req("kind")?;
    let w = || at.req("w")?.f64();
    let tau = || at.req("tau_syn_ms")?.f64();
    let s = match kind.str()? {
        "delta" => {
            at.obj(&["kind", "w"])?;
            Synapse::Delta { w: w()? }
        }
        "current" => {
            at.obj(&["kind", "w", "tau_syn_ms"])?;
            Synapse::CurrentExp {
                w: w()?,
                tau_syn: tau()?,
            }
        }
        "conductance" => {
            at.obj(&["kind", "w", "tau_syn_ms", "e_rev_mv"])?;
            Synapse::ConductanceExp {
                w: w()?,
                tau_syn: tau()?,
                e_rev: at.req("e_rev_mv")?.f64()?,
            }
        }
        other => return kind.err(format!("{other:?}: one of delta, current, conductance")),
    };
    s.validate().map_err(|e| snn(at, e))?;
    Ok(s)
}

fn connectivity(at: &At<'_>) -> Res<Connectivity> {
    let rule = at.req("rule")?;
    Ok(match rule.str()? {
        "all_to_all" => {
            at.obj(&["rule"])?;
            Connectivity::AllToAll
        }
        "one_to_one" => {
            at.obj(&["rule"])?;
            Connectivity::OneToOne
        }
        "probability" => {
            at.obj(&["rule", "p"])?;
            Connectivity::Probability(at.req("p")?.f64()?)
        }
        "fixed_in_degree" => {
            at.obj(&["rule", "k"])?;
            Connectivity::FixedInDegree(at.req("k")?.count()?)
        }
        other => {
            return rule.err(format!(
                "{other:?}: one of all_to_all, one_to_one, probability, fixed_in_degree"
            ))
        }
    })
}

fn stdp(at: &At<'_>) -> Res<Stdp> {
    at.obj(&[
        "tau_pre_ms",
        "tau_post_ms",
        "a_plus",
        "a_minus",
        "w_max",
        "pairing",
    ])?;
    let mut b = Stdp::builder();
    let num = |k: &str| at.get(k).map(|x| x.f64()).transpose();
    if let Some(x) = num("tau_pre_ms")? {
        b = b.tau_pre_ms(x);
    }
    if let Some(x) = num("tau_post_ms")? {
        b = b.tau_post_ms(x);
    }
    if let Some(x) = num("a_plus")? {
        b = b.a_plus(x);
    }
    if let Some(x) = num("a_minus")? {
        b = b.a_minus(x);
    }
    if let Some(x) = num("w_max")? {
        b = b.w_max(x);
    }
    if let Some(x) = at.get("pairing") {
        b = b.pairing(x.choice(&[
            ("all_to_all", Pairing::AllToAll),
            ("nearest", Pairing::Nearest),
        ])?);
    }
    b.build().map_err(|e| snn(at, e))
}

fn index_of(pops: &[Pop], at: &At<'_>) -> Res<usize> {
    let name = at.str()?;
    match pops.iter().position(|p| p.name == name) {
        Some(k) => Ok(k),
        None => {
            let names: Vec<&str> = pops.iter().map(|p| p.name.as_str()).collect();
            at.err(format!(
                "no population {name:?} (the file has {})",
                names.join(", ")
            ))
        }
    }
}

impl NetworkSpec {
    /// Reads a network from the JSON text of a file.
    ///
    /// # Errors
    /// Text that is not JSON (with its line and column), or the first bad field: missing,
    /// unknown, of the wrong kind or out of range, named by its path in the file
    /// (`populations[1].neuron.tau_m: tau_m must be > 0 ms, got -5`).
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let v: Value = serde_json::from_str(text).map_err(|e| SpecError {
            path: "$".into(),
            why: format!("not JSON: {e}"),
        })?;
        let root = At::root(&v);
        root.obj(&[
            "about",
            "dt_ms",
            "seed",
            "duration_ms",
            "skip_ms",
            "populations",
            "projections",
            "poisson_inputs",
            "record",
        ])?;
        let opt = |k: &str, d: f64| root.get(k).map_or(Ok(d), |x| x.f64());
        let dt_ms = opt("dt_ms", 0.1)?;
        let seed = root.get("seed").map_or(Ok(1), |x| x.u64())?;
        let duration_ms = opt("duration_ms", 1000.0)?;
        let skip_ms = opt("skip_ms", 0.0)?;
        if dt_ms <= 0.0 {
            return root
                .req("dt_ms")?
                .err(format!("must be > 0 ms, got {dt_ms}"));
        }
        if duration_ms <= 0.0 {
            return root
                .req("duration_ms")?
                .err(format!("must be > 0 ms, got {duration_ms}"));
        }
        if !(0.0..duration_ms).contains(&skip_ms) {
            return root.req("skip_ms")?.err(format!(
                "must be in [0, duration_ms = {duration_ms}), got {skip_ms}"
            ));
        }
        let mut pops: Vec<Pop> = Vec::new();
        for p in root.req("populations")?.items()? {
            p.obj(&["name", "n", "neuron", "source", "v0"])?;
            let name = p.req("name")?.str()?.to_string();
            if pops.iter().any(|q| q.name == name) {
                return p
                    .req("name")?
                    .err(format!("{name:?} is already a population's name"));
            }
            let n = p.req("n")?.count()?;
            if n == 0 {
                return p.req("n")?.err("must be at least 1");
            }
            let kind = match (p.get("source"), p.get("neuron")) {
                (Some(s), None) => {
                    if p.get("v0").is_some() {
                        return p.req("v0")?.err("spike sources have no membrane potential");
                    }
                    Kind::Sources(source(&s, n)?)
                }
                (Some(_), Some(x)) => {
                    return x.err("a population has a neuron or a source, not both")
                }
                (None, neuron_at) => {
                    let (v0, v0_uniform) = match p.get("v0") {
                        None => (None, None),
                        Some(x) if x.v.is_number() => (Some(x.f64()?), None),
                        Some(x) => (None, Some(uniform(&x)?)),
                    };
                    Kind::Neurons {
                        params: neuron(neuron_at, dt_ms, v0)?,
                        v0_uniform,
                    }
                }
            };
            pops.push(Pop {
                name,
                n,
                kind,
                path: p.path().to_string(),
            });
        }
        if pops.is_empty() {
            return root.req("populations")?.err("no population");
        }
        let mut projs = Vec::new();
        for p in root
            .get("projections")
            .map_or(Ok(Vec::new()), |x| x.items())?
        {
            p.obj(&[
                "from",
                "to",
                "synapse",
                "connectivity",
                "delay_ms",
                "autapses",
                "per_synapse",
                "start_weights",
                "plasticity",
            ])?;
            let (from, to) = (
                index_of(&pops, &p.req("from")?)?,
                index_of(&pops, &p.req("to")?)?,
            );
            let mut conn = Connection::new(
                synapse(&p.req("synapse")?)?,
                connectivity(&p.req("connectivity")?)?,
            );
            if let Some(d) = p.get("delay_ms") {
                conn = conn.delay_ms(d.f64()?);
            }
            if let Some(a) = p.get("autapses") {
                conn = conn.autapses(a.bool()?);
            }
            if let Some(a) = p.get("per_synapse") {
                conn = conn.per_synapse(a.bool()?);
            }
            if let Some(x) = p.get("plasticity") {
                x.obj(&["stdp"])?;
                conn = conn.stdp(stdp(&x.req("stdp")?)?);
            }
            let start_uniform = match p.get("start_weights") {
                Some(x) if !conn.per_synapse => {
                    return x.err("starting weights of their own need \"per_synapse\": true")
                }
                Some(x) => Some(uniform(&x)?),
                None => None,
            };
            projs.push(Proj {
                from,
                to,
                conn,
                start_uniform,
                path: p.path().to_string(),
            });
        }
        let mut inputs = Vec::new();
        for p in root
            .get("poisson_inputs")
            .map_or(Ok(Vec::new()), |x| x.items())?
        {
            p.obj(&["to", "k", "rate_hz", "synapse"])?;
            inputs.push(Input {
                to: index_of(&pops, &p.req("to")?)?,
                k: p.req("k")?.count()?,
                rate_hz: p.req("rate_hz")?.f64()?,
                synapse: synapse(&p.req("synapse")?)?,
                path: p.path().to_string(),
            });
        }
        let record = match root.get("record") {
            None => (0..pops.len())
                .filter(|&k| matches!(pops[k].kind, Kind::Neurons { .. }))
                .collect(),
            Some(r) => r
                .items()?
                .iter()
                .map(|x| index_of(&pops, x))
                .collect::<Res<Vec<usize>>>()?,
        };
        Ok(NetworkSpec {
            dt_ms,
            seed,
            duration_ms,
            skip_ms,
            pops,
            projs,
            inputs,
            record,
        })
    }

    /// The same network with another seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// The same network run for `duration_ms`, leaving `skip_ms` out of the statistics.
    ///
    /// # Errors
    /// A duration that is not positive, or a skip outside `[0, duration_ms)`.
    pub fn with_times(mut self, duration_ms: f64, skip_ms: f64) -> Result<Self, SnnError> {
        crate::error::positive("duration", " ms", duration_ms)?;
        if !(0.0..duration_ms).contains(&skip_ms) {
            return Err(SnnError::OutOfRange {
                name: "skip",
                range: "[0, duration)",
                value: skip_ms,
            });
        }
        self.duration_ms = duration_ms;
        self.skip_ms = skip_ms;
        Ok(self)
    }
    /// The step, ms.
    pub fn dt_ms(&self) -> f64 {
        self.dt_ms
    }
    /// The seed of every draw (connectivity, inputs, starting potentials and weights).
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// The run's duration, ms.
    pub fn duration_ms(&self) -> f64 {
        self.duration_ms
    }
    /// The transient left out of statistics, ms.
    pub fn skip_ms(&self) -> f64 {
        self.skip_ms
    }
    /// The populations to report, by name, with their ids in the network [`describe`]
    /// builds (in file order).
    ///
    /// [`describe`]: Self::describe
    pub fn recorded(&self) -> Vec<(String, PopId)> {
        self.record
            .iter()
            .map(|&k| (self.pops[k].name.clone(), PopId::new(k)))
            .collect()
    }

    /// The network's description: the populations in file order (ids 0, 1, …), then the
    /// projections and Poisson inputs in file order, as [`NetworkBuilder`] calls; then the
    /// starting potentials drawn uniformly (one stream of `seed` through the populations in
    /// order, as [`Brunel`](super::Brunel) draws them) and the starting weights drawn
    /// uniformly (a stream of `seed` per projection).
    ///
    /// # Errors
    /// What the builder refuses (a delay below one step, an in-degree above the source
    /// population, a network above the memory limit, …), named by the file's path of the item.
    pub fn describe(&self) -> Result<NetworkDescription, SpecError> {
        // The field a builder's error is about, where the file has one.
        let with = |path: &str, e: SnnError| {
            let field = match e.parameter() {
                Some("delay") => ".delay_ms",
                Some("source neurons for in_degree") => ".connectivity.k",
                Some("p") => ".connectivity.p",
                Some("one-to-one target population") => ".connectivity",
                Some("spike source") => ".source.spikes",
                Some("rate") => ".rate_hz",
                Some("c") => ".source.c",
                _ => "",
            };
            SpecError {
                path: format!("{path}{field}"),
                why: e.to_string(),
            }
        };
        let mut b: NetworkBuilder = Network::builder();
        b.dt(self.dt_ms).map_err(|e| with("dt_ms", e))?;
        for p in &self.pops {
            match &p.kind {
                Kind::Neurons { params, .. } => b.population(&p.name, params, p.n),
                Kind::Sources(s) => b.source(&p.name, s.clone()),
            }
            .map_err(|e| with(&p.path, e))?;
        }
        for p in &self.projs {
            b.connect(PopId::new(p.from), PopId::new(p.to), p.conn)
                .map_err(|e| with(&p.path, e))?;
        }
        for i in &self.inputs {
            b.poisson(PopId::new(i.to), i.k, i.rate_hz, i.synapse)
                .map_err(|e| with(&i.path, e))?;
        }
        let mut desc = b.describe(self.seed).map_err(|e| with("$", e))?;
        let mut rng = stream(self.seed, 0, 0);
        for (k, p) in self.pops.iter().enumerate() {
            if let Kind::Neurons {
                v0_uniform: Some((lo, hi)),
                ..
            } = p.kind
            {
                let v: Vec<f64> = (0..p.n).map(|_| rng.gen_range(lo..hi)).collect();
                desc = desc
                    .with_v0(PopId::new(k), &v)
                    .map_err(|e| with(&format!("{}.v0", p.path), e))?;
            }
        }
        for (k, p) in self.projs.iter().enumerate() {
            if let Some((lo, hi)) = p.start_uniform {
                let mut rng = stream(self.seed, 7, k as u64);
                let n = desc.projection(k).map_err(|e| with(&p.path, e))?.synapses();
                let w: Vec<f64> = (0..n).map(|_| rng.gen_range(lo..hi)).collect();
                desc = desc
                    .with_weights(k, &w)
                    .map_err(|e| with(&format!("{}.start_weights", p.path), e))?;
            }
        }
        Ok(desc)
    }
}
